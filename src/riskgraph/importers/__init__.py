"""Importers: turn other projects' published data files into riskgraph Turtle."""
