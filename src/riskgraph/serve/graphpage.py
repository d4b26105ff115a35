"""The interactive graph page (``riskgraph.page.render``) of what serve and site serve.

The one call into the graph page's code from serve and site lives here, so a change
of its signature touches one function. The caller hands over the graph it serves (its
N-Triples files, or the triples its backend answers); the page draws that graph.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from riskgraph.page.render import RenderedPage, graph_page
from riskgraph.page.triples import TripleIndex


def graph_page_of(nt_files: list[Path] | None = None,
                  nt_bytes: bytes | None = None) -> RenderedPage:
    """The whole-graph page of N-Triples files and/or bytes (the page's HTML, and its
    Content-Security-Policy as ``.csp``, to send as a header too)."""
    files = list(nt_files or [])
    index = TripleIndex.from_ntriples(*files, *([nt_bytes] if nt_bytes is not None else []))
    built = None
    if len(files) == 1 and nt_bytes is None:
        built = datetime.fromtimestamp(files[0].stat().st_mtime, UTC).strftime(
            "%Y-%m-%d %H:%M UTC")
    return graph_page(index, title="riskgraph: graph view", built=built)
