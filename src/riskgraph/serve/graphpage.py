"""The interactive graph page (``riskgraph.page.render``), as a string to serve or write.

The one call into the graph page's code lives here, so a change of its
signature touches one function.
"""

from __future__ import annotations

import re
from pathlib import Path


def graph_page_html(nt_files: list[Path] | None = None, nt_bytes: bytes | None = None) -> str:
    """The graph page of the N-Triples files (or bytes); None and None: the bundled graph."""
    from riskgraph.page.render import graph_page

    graph = None
    if nt_bytes is not None or (nt_files and len(nt_files) > 1):
        from rdflib import Graph

        graph = Graph()
        if nt_bytes is not None:
            graph.parse(data=nt_bytes, format="nt")
        for path in nt_files or []:
            graph.parse(path, format="nt")
    return graph_page(graph=graph, title="riskgraph: graph view").html


def meta_csp(page: str) -> str | None:
    """The policy the page declares in its <meta> element, to send as a header too."""
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    return match.group(1).replace("&#39;", "'").replace("&amp;", "&") if match else None
