"""riskgraph's version, in a module of its own so that any layer may read it without
importing the package's public API (``riskgraph/__init__.py`` imports the top layers)."""

__version__ = "0.1.0"
