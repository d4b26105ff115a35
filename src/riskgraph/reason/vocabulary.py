"""Closed-world check of the vocabulary: every class and property the data uses
must be declared in the ontology (riskgraph's own or a reused one re-declared
there), so a misspelt term is an error instead of a silently new IRI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from riskgraph.namespaces import XSD_IRI

DECLARATION_TYPES = {
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
    OWL.AnnotationProperty, RDF.Property, OWL.SymmetricProperty, OWL.TransitiveProperty,
    OWL.FunctionalProperty, OWL.Ontology,
}
# Terms of RDF, RDFS and OWL themselves need no declaration.
BUILTIN_PREFIXES = (str(RDF), str(RDFS), str(OWL), XSD_IRI)


@dataclass(frozen=True)
class UndeclaredTerm:
    term: str
    role: str  # "property" or "class"
    example_subject: str

    def __str__(self) -> str:
        return (f"{self.role} <{self.term}> (used on <{self.example_subject}>) is not declared "
                "in the ontology: check the spelling, or declare it in ontology/riskgraph.ttl")


def declared_terms(ontology: Graph) -> set[URIRef]:
    return {s for s, o in ontology.subject_objects(RDF.type)
            if o in DECLARATION_TYPES and isinstance(s, URIRef)}


def undeclared_terms(data: Iterable[tuple[Node, Node, Node]],
                     ontology: Graph) -> list[UndeclaredTerm]:
    declared = declared_terms(ontology)
    found: dict[tuple[str, str], UndeclaredTerm] = {}

    def check(term, role, subject):
        if not isinstance(term, URIRef) or term in declared:
            return
        if str(term).startswith(BUILTIN_PREFIXES):
            return
        found.setdefault((str(term), role), UndeclaredTerm(str(term), role, str(subject)))

    for s, p, o in data:
        check(p, "property", s)
        if p == RDF.type:
            check(o, "class", s)
    return sorted(found.values(), key=lambda t: (t.role, t.term))
