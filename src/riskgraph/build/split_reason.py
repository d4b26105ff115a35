"""Reason over a large imported layer without giving HermiT every individual.

Why this is sound. riskgraph's ontology uses only: subclass axioms between
named classes, owl:unionOf of named classes, owl:disjointWith, property
domains and ranges, sub-properties, owl:inverseOf and symmetric properties
(``tests/importers/test_import_nexus.py`` checks that no other axiom kind appears). In
that fragment no axiom carries a class from one individual to another: the
classes an individual is entailed to have, and whether it is consistent,
depend only on its *profile* -- its asserted classes, the object properties it
is subject and object of, and the (property, datatype) pairs of its data
values. Annotation assertions carry no meaning at all (OWL 2 Direct
Semantics), so they are left out.

So HermiT runs on the image of the graph in which every imported individual is
replaced by one representative of its profile (curated individuals stay as
they are; an edge x p y becomes rep(x) p rep(y), so every node keeps its
profile). The representative's inferred classes are then given to every
individual it stands for, and property values entailed through
sub-properties, inverses and symmetry are computed in Python over the whole
graph. A test compares the result with HermiT over the full merged graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TypeGuard

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from riskgraph.io.rdf import Triple
from riskgraph.reason.reasoner import (
    ReasoningResult,
    annotation_properties,
    explain,
    materialise,
    reason,
)

REP = "urn:riskgraph:profile:"
SIMPLE = "SimpleMemory"  # rdflib's store without named-graph bookkeeping (faster)
# Axiom kinds whose presence would break the profile argument.
UNSUPPORTED = (
    OWL.Restriction, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty, OWL.ReflexiveProperty, OWL.IrreflexiveProperty,
    OWL.AsymmetricProperty,
)
UNSUPPORTED_PREDICATES = (
    OWL.equivalentClass, OWL.propertyChainAxiom, OWL.hasKey, OWL.complementOf, OWL.oneOf,
    OWL.sameAs, OWL.differentFrom, OWL.intersectionOf, OWL.someValuesFrom, OWL.allValuesFrom,
    OWL.hasValue, OWL.equivalentProperty, OWL.propertyDisjointWith, OWL.AllDifferent,
)


def unsupported_axioms(ontology: Graph) -> list[str]:
    """Reasons the profile argument does not hold for ``ontology`` (empty: it holds)."""
    problems = [f"{s} is a {o}" for s, o in ontology.subject_objects(RDF.type)
                if o in UNSUPPORTED]
    problems += [f"{s} {p} ..." for s, p, _ in ontology if p in UNSUPPORTED_PREDICATES]
    return problems


def reason_split(ontology: Graph, curated: Graph, imported: Iterable[Triple], *,
                 use_hermit: bool | None = None, full: Graph | None = None) -> ReasoningResult:
    """Reason over ontology + curated + imported as described in the module doc.
    ``full`` is their union when the caller has it already (it is not changed)."""
    imported = list(imported)
    if full is None:
        full = ontology + curated
        full.addN((s, p, o, full) for s, p, o in imported)
    if unsupported_axioms(ontology):
        return reason(full, use_hermit=use_hermit)
    annotations = annotation_properties(ontology)
    reps, rep_of = _representatives(_profiles(ontology, curated, imported, annotations))
    result = reason(_image(ontology, curated, imported, annotations, rep_of),
                    use_hermit=use_hermit)
    if not result.consistent:
        return ReasoningResult(False, result.reasoner, Graph(), explain(full), result.notes)
    new = _spread(result.inferred, reps, rep_of, full)
    # Only imported triples can touch a represented node: the others name kept nodes only.
    for triple in property_values(ontology, imported, set(rep_of)):
        if triple not in new and triple not in full:
            new.add(triple)
    inferred = Graph(store=SIMPLE)
    inferred.addN((s, p, o, inferred) for s, p, o in new)
    _close(inferred, full)
    notes = result.notes + [
        f"HermiT saw {len(rep_of)} imported individuals as {len(reps)} profile "
        "representatives (see riskgraph.build.split_reason)"]
    return ReasoningResult(True, result.reasoner, inferred, [], notes)


def _profiles(ontology: Graph, curated: Graph, imported: list[Triple],
              annotations: set) -> dict[URIRef, dict]:
    """The profile of every imported node that can be represented: its asserted types
    ("t"), the properties it is subject ("o") and object ("i") of, and its kinds of data
    value ("d")."""
    # Nodes named anywhere in the ontology or the curated data keep their identity, so
    # that every node's profile in the image equals its profile in the full graph.
    keep = (set(ontology.all_nodes()) | set(curated.all_nodes())
            | {p for graph in (ontology, curated, imported) for _, p, _ in graph})

    def compressible(node: Node) -> TypeGuard[URIRef]:
        return isinstance(node, URIRef) and node not in keep

    profile: dict[URIRef, dict] = defaultdict(lambda: {"t": set(), "o": set(), "i": set(),
                                                      "d": set()})
    for s, p, o in imported:
        if p in annotations:
            continue
        if compressible(s):
            if p == RDF.type:
                profile[s]["t"].add(o)
            elif isinstance(o, Literal):
                profile[s]["d"].add((p, o.datatype, o.language, bool(o.ill_typed)))
            else:
                profile[s]["o"].add(p)
        if compressible(o) and p != RDF.type:
            profile[o]["i"].add(p)
    return profile


def _representatives(profile: dict[URIRef, dict]) -> tuple[dict[tuple, URIRef],
                                                           dict[Node, URIRef]]:
    """One representative per distinct profile, numbered in node order; and each
    node's representative."""
    reps: dict[tuple, URIRef] = {}
    rep_of: dict[Node, URIRef] = {}  # keys are URIRefs; typed Node for lookups by any term
    for node in sorted(profile):
        prof = profile[node]
        key = tuple(frozenset(prof[k]) for k in "toid")
        if key not in reps:
            reps[key] = URIRef(f"{REP}{len(reps)}")
        rep_of[node] = reps[key]
    return reps, rep_of


def _image(ontology: Graph, curated: Graph, imported: list[Triple], annotations: set,
           rep_of: dict[Node, URIRef]) -> Graph:
    """The graph HermiT sees: ontology, curated data, and each imported edge between
    representatives."""
    image = Graph(store=SIMPLE)
    for graph in (ontology, curated):
        image += graph
    # Collected in a set first: most imported edges collapse onto the same representatives.
    collapsed: set[tuple[Node, Node, Node]] = set()
    seen_data: set = set()
    for s, p, o in imported:
        if p in annotations or isinstance(s, BNode):
            continue
        s2 = rep_of.get(s, s)
        if isinstance(o, Literal):
            # one literal per representative, property, datatype and well-typedness
            data_key = (s2, p, o.datatype, o.language, bool(o.ill_typed))
            if s2 != s and data_key in seen_data:
                continue
            seen_data.add(data_key)
            collapsed.add((s2, p, o))
        else:
            collapsed.add((s2, p, rep_of.get(o, o)))
    image.addN((s, p, o, image) for s, p, o in collapsed)
    return image


def _spread(inferred: Graph, reps: dict[tuple, URIRef], rep_of: dict[Node, URIRef],
            full: Graph) -> set[Triple]:
    """HermiT's new triples, each representative's new types given to every node it
    stands for (property values between representatives are left out)."""
    members: dict[Node, list[Node]] = defaultdict(list)
    for member, rep in rep_of.items():
        members[rep].append(member)
    # A represented node's asserted types are its profile's (it is named nowhere else),
    # so a type is new for every member exactly when it is new for the representative:
    # no per-member lookup in the full graph.
    rep_types: dict[Node, frozenset] = {rep: key[0] for key, rep in reps.items()}
    new: set[Triple] = set()
    for s, p, o in inferred:
        if str(s).startswith(REP) or str(o).startswith(REP):
            if p == RDF.type and s in members and o not in rep_types[s]:
                new.update((member, RDF.type, o) for member in members[s])
            continue  # property values: recomputed over the full graph
        if (s, p, o) not in full:
            new.add((s, p, o))
    return new


def _close(inferred: Graph, full: Graph) -> None:
    """Add to ``inferred`` what materialise() entails over full + inferred, without
    copying the full graph: the inferred triples are added to it for the call and taken
    out again."""
    added = [t for t in inferred if t not in full]
    for triple in added:
        full.add(triple)
    try:
        closure = materialise(full)
    finally:
        for triple in added:
            full.remove(triple)
    for triple in closure:
        inferred.add(triple)
    for prefix, namespace in full.namespaces():
        inferred.bind(prefix, namespace)


def property_values(ontology: Graph, graph: Iterable[Triple], nodes: set) -> Graph:
    """Object-property values entailed through sub-properties, inverses and
    symmetry, for edges that touch one of ``nodes``."""
    supers: dict = defaultdict(set)
    for p, q in ontology.subject_objects(RDFS.subPropertyOf):
        supers[p].add(q)
    inverse: dict = defaultdict(set)
    for p, q in ontology.subject_objects(OWL.inverseOf):
        inverse[p].add(q)
        inverse[q].add(p)
    for p in ontology.subjects(RDF.type, OWL.SymmetricProperty):
        inverse[p].add(p)
    object_props = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    # Only properties with a super-property, an inverse or symmetry entail anything.
    entailing = {p for p in object_props if supers.get(p) or inverse.get(p)}
    out = Graph(store=SIMPLE)
    found: set = set()
    for s, p, o in graph:
        if p not in entailing or not (s in nodes or o in nodes) or isinstance(o, Literal):
            continue
        todo, done = [(s, p, o)], set()
        while todo:
            edge = todo.pop()
            if edge in done:
                continue
            done.add(edge)
            a, q, b = edge
            todo += [(a, r, b) for r in supers.get(q, ())]
            todo += [(b, r, a) for r in inverse.get(q, ())]
        done.discard((s, p, o))  # the asserted edge itself
        found |= done
    out.addN((a, q, b, out) for a, q, b in found)
    return out
