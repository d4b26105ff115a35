"""The graph page: RDF to a graph model (model), layout (layout, views), the evidence
matrix (matrix) and the offline HTML template (render). ``render.graph_page`` is the
entry point: it returns the page as a string with its counts and writes nothing
(``riskgraph.load().graph_page(...)`` in the public API)."""
