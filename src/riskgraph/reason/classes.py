"""The class hierarchy of an ontology graph, shared by reasoning and validation."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS


def superclass_closure(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Every named class mapped to itself and all its named superclasses: its
    rdfs:subClassOf ancestors and the unions (owl:unionOf) it is a member of."""
    direct: dict[URIRef, set[URIRef]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct.setdefault(sub, set()).add(sup)
    for cls, union in graph.subject_objects(OWL.unionOf):
        if isinstance(cls, URIRef):
            for member in graph.items(union):
                if isinstance(member, URIRef):
                    direct.setdefault(member, set()).add(cls)
    closed: dict[URIRef, set[URIRef]] = {}

    def up(cls: URIRef) -> set[URIRef]:
        if cls not in closed:
            closed[cls] = {cls}
            for sup in direct.get(cls, ()):
                closed[cls] |= up(sup)
        return closed[cls]

    for cls in list(direct):
        up(cls)
    return closed
