"""riskgraph: an open knowledge graph of AI risks and what mitigates them."""

__version__ = "0.1.0"
