"""Building the graph: ontology + data + inferences, and the cache that keeps it."""
