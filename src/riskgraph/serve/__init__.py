"""Publish the graph: a SPARQL endpoint, query pages and entity pages (``riskgraph serve``),
and the same pages as a static site (``riskgraph site``)."""
