"""The graph page: RDF to a graph model, layout, and the offline HTML template."""
