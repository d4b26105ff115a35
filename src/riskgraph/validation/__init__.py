"""SHACL validation of contributions and whole graphs, and its reports."""
