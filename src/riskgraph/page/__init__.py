"""The graph page: RDF to a graph model (model, with the one table of class looks in
classes.toml), layout (layout, views), the evidence matrix (matrix) and the offline HTML
template (render). ``render.graph_page`` is the entry point: it draws the graph its caller
hands it, runs a query on the caller's store, and returns the page (HTML and its CSP) with
its counts, writing nothing (``riskgraph.load().graph_page(...)`` in the public API)."""
