"""riskgraph: an open knowledge graph of AI risks and what mitigates them.

    import riskgraph
    kg = riskgraph.load()
    res = kg.query("effective_mitigations", area="CBRN")
    report = riskgraph.validate("mine.ttl")

Importing riskgraph is light: rdflib, pyshacl, owlready2, networkx and pyvis
are imported only by the calls that need them.
"""

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from riskgraph.validation.scoped import ValidationResult as ValidationReport

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # The report class lives with the SHACL code, which imports rdflib: loaded on use.
    if name == "ValidationReport":
        from riskgraph.validation.api import ValidationReport

        return ValidationReport
    raise AttributeError(f"module 'riskgraph' has no attribute {name!r}")

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
