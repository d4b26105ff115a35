"""The graph page: RDF to a graph model (model), layout (layout, views), the evidence
matrix (matrix) and the offline HTML template (render). ``graph_page`` is the entry
point: it returns the page as a string with its counts and writes nothing."""

from riskgraph.page.render import RenderedPage, graph_page

__all__ = ["RenderedPage", "graph_page"]
