"""The bundled graph's page, as `riskgraph graph` makes it: the caller (here the
bundled KnowledgeGraph) chooses the graph and the store the page's query runs on."""

from __future__ import annotations

import functools
from typing import Any


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
