"""riskgraph: an open knowledge graph of AI risks and what mitigates them.

    import riskgraph
    kg = riskgraph.load()
    res = kg.query("effective_mitigations", area="CBRN")
    report = riskgraph.validate("mine.ttl")

Importing riskgraph is light: rdflib, pyshacl, owlready2, networkx and pyvis
are imported only by the calls that need them.
"""

from riskgraph.errors import (
    CheckFailed,
    EndpointError,
    InconsistentGraph,
    InputError,
    QueryTimeout,
    RiskgraphError,
    UnsafeQuery,
    ValidationError,
)
from riskgraph.knowledge import GraphPage, KnowledgeGraph, list_queries, load, validate
from riskgraph.query.canned import CannedQuery, Param
from riskgraph.query.results import QueryResult, Term
from riskgraph.validation.results import ValidationReport
from riskgraph.version import __version__

__all__ = [
    "CannedQuery",
    "CheckFailed",
    "EndpointError",
    "GraphPage",
    "InconsistentGraph",
    "InputError",
    "KnowledgeGraph",
    "Param",
    "QueryResult",
    "QueryTimeout",
    "RiskgraphError",
    "Term",
    "UnsafeQuery",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "list_queries",
    "load",
    "validate",
]
