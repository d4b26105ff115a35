"""The bundled graph's page, as `riskgraph graph` makes it: the caller (here the
bundled KnowledgeGraph) chooses the graph and the store the page's query runs on; and
a page's graph data read back as graph.js reads it."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from riskgraph.page.render import _default_font, short_of


@functools.lru_cache(maxsize=1)
def _bundled():
    import riskgraph

    return riskgraph.load()  # its worker stops at exit


_pages: dict[Any, Any] = {}


def _key(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_key(v) for v in value)
    return value


def graph_page(query: str | None = None, params: dict[str, str] | None = None, **options):
    """riskgraph.page.render.graph_page over the bundled graph and store.

    A page is made once per process for the same arguments and shared: it is a function
    of them (the bundled graph does not change during the tests; only the "page
    generated" minute could differ), and the whole graph, the CBRN answer and the focus
    pages were each made two to four times across the page test files. No test changes
    a page it is given. A call that raises is not kept, so it raises every time."""
    key = (query, _key(params or {}), _key(options))
    if key not in _pages:
        _pages[key] = _bundled().render_page(query=query, params=params, **options)
    return _pages[key]


def page_data(html: str) -> dict:
    """The graph data of a page's ``graph-data`` block, with what the writer leaves out
    restored as graph.js restores it (empty fields, default font, shared details)."""
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html,
                      re.DOTALL)
    if match is None:
        raise ValueError("the page has no graph-data block")
    data = json.loads(match.group(1))
    details = data.get("details", [])
    for n in data["nodes"]:
        if "i" in n:  # a prefixed name under the page's namespaces
            prefix, local = n["i"].split(":", 1)
            n["id"] = dict(data["ns"])[prefix] + local
            n["s"] = n.pop("i")
        n.setdefault("s", short_of(n["id"], data.get("ns", [])))
        n.setdefault("d", "")
        n.setdefault("k", [])
        n["t"] = [details[j] for j in n.get("t", [])]
        n.setdefault("n", 0)
        n.setdefault("a", 0)
        if "w" not in n and len(n["l"]) <= 40:
            n["w"] = n["l"]
        n.setdefault("fs", _default_font(n["z"]))
    return data
