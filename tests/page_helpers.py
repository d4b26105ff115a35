"""The bundled graph's page, as `riskgraph graph` makes it: the caller (here the
bundled KnowledgeGraph) chooses the graph and the store the page's query runs on."""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _bundled():
    import riskgraph

    return riskgraph.load()  # its worker stops at exit


def graph_page(query: str | None = None, params: dict[str, str] | None = None, **options):
    """riskgraph.page.render.graph_page over the bundled graph and store."""
    return _bundled().render_page(query=query, params=params, **options)
