"""Reading and writing files: RDF input that never fetches, atomic outputs."""
