"""What a contribution may not say, because it would break the build or silently
merge entities, even when every shape is satisfied.

A contribution adds entities, and links and evidence to existing ones. These rules
refuse, statement by statement and with the reason:

- ``x a owl:Nothing``: nothing can be a member; the graph becomes inconsistent;
- ``owl:sameAs``, ``owl:differentFrom`` and other OWL/RDFS vocabulary used as
  statements (``rdfs:subClassOf``, ``rdfs:domain``, ``owl:equivalentClass``,
  ``owl:disjointWith``, property characteristics such as ``a owl:FunctionalProperty``,
  ...): axioms belong in ontology/riskgraph.ttl, and identity statements would merge
  or split entities without anyone seeing it in review;
- statements about ontology terms (``rg:...``) at all;
- on an entity that already exists, a second type, label, definition, notation,
  scheme, title or date (these say what the entity is; changing them is an edit of
  data/, not an addition);
- a node that would be a member of two disjoint classes, counting the types it is
  given, the types it has already and those the ontology's ``rdfs:domain`` and
  ``rdfs:range`` imply (what HermiT reports as inconsistent), and a second value of
  a functional property.

These are checks on the contribution's own triples, cheap and independent of the
graph's size; they cover what the reasoner would find for a contribution to a
consistent graph, whose ontology has no other axioms that can clash (no
cardinality restrictions, keys or property chains; a test keeps it so).
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from riskgraph.namespaces import PREFIXES, RG_IRI, RGSH_IRI
from riskgraph.reason.classes import superclass_closure

RGSH = Namespace(RGSH_IRI)
SHAPE = RGSH.ContributionRules  # the "source shape" these results name
ONTOLOGY_NS = RG_IRI
# OWL/RDFS predicates a contribution may use: annotations, not axioms.
ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo,
               OWL.imports}
# Types that are not axioms.
PLAIN_TYPES = {OWL.Ontology, OWL.NamedIndividual, OWL.Thing}
# What an existing entity is: a contribution does not change it.
IDENTITY = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.definition, SKOS.notation,
            SKOS.inScheme, DCTERMS.title, DCTERMS.issued}
SCHEMA_NAMESPACES = (str(OWL), str(RDFS), str(RDF))


def _is_schema(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(SCHEMA_NAMESPACES)


class Rules:
    """The ontology's facts the rules need, computed once."""

    def __init__(self, ontology: Graph) -> None:
        self.ontology = ontology
        self.terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
        self.superclasses = superclass_closure(ontology)
        self.disjoint: set[frozenset] = set()
        for a, b in ontology.subject_objects(OWL.disjointWith):
            self.disjoint.add(frozenset((a, b)))
        for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
            head = ontology.value(axiom, OWL.members)
            if head is None:  # no owl:members: an empty list, as Collection(ontology, None) gives
                continue
            members = list(Collection(ontology, head))
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    self.disjoint.add(frozenset((a, b)))
        self.domain = {p: c for p, c in ontology.subject_objects(RDFS.domain)
                       if isinstance(c, URIRef)}
        self.range = {p: c for p, c in ontology.subject_objects(RDFS.range)
                      if isinstance(c, URIRef)}
        self.functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))

    def _closure(self, classes: set) -> set:
        found: set = set()
        for cls in classes:
            found |= self.superclasses.get(cls, {cls})
        return found

    def types(self, node, graph: Graph, incoming: Graph | None = None) -> dict:
        """Every class ``node`` belongs to in ``graph``, with the statement that says so
        (ranges are read from the statements of ``incoming``, ``graph`` by default)."""
        why: dict = {}
        for cls in graph.objects(node, RDF.type):
            why.setdefault(cls, (node, RDF.type, cls))
        for p, o in graph.predicate_objects(node):
            if p in self.domain:
                why.setdefault(self.domain[p], (node, p, o))
        for s, p in (graph if incoming is None else incoming).subject_predicates(node):
            if p in self.range and not isinstance(node, Literal):
                why.setdefault(self.range[p], (s, p, node))
        return why

    # -- the rules -------------------------------------------------------------
    def check(self, contribution: Graph, existing: Graph | None,
              context: Graph | None = None) -> Iterator[tuple[tuple, str]]:
        """(statement, reason) for every refused statement of ``contribution``.

        ``existing`` is the graph the contribution adds to (None for a whole dataset);
        ``context`` the graph it is validated in (existing plus contribution)."""
        headers = set(contribution.subjects(RDF.type, OWL.Ontology))
        for s, p, o in sorted(contribution, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
            if s in headers:
                continue
            reason = self._statement(s, p, o, existing)
            if reason:
                yield (s, p, o), reason
        graph = context if context is not None else contribution
        nodes = {n for t in contribution for n in (t[0], t[2]) if not isinstance(n, Literal)}
        for node in sorted(nodes - headers, key=str):
            # An existing node's types are written in the graph already; the statements
            # pointing at it are read from the contribution only, so a much-cited
            # concept (thousands of mitigations at one lifecycle stage) costs nothing.
            old = existing is not None and (node, None, None) in existing
            yield from self._disjoint(node, graph, contribution,
                                      contribution if old else None)
            yield from self._functional(node, graph, contribution)

    def _statement(self, s, p, o, existing: Graph | None) -> str | None:
        if p == RDF.type and o == OWL.Nothing:
            return ("owl:Nothing has no members: typing an entity with it makes the whole "
                    "graph inconsistent; remove the statement")
        if p in (OWL.sameAs, OWL.differentFrom):
            return (f"{'owl:sameAs merges' if p == OWL.sameAs else 'owl:differentFrom separates'}"
                    " entities without it showing in review; riskgraph gives each entity one "
                    "IRI: refer to the existing entity by its IRI, or link the two with a "
                    "riskgraph property (e.g. rg:relatedMitigation)")
        if isinstance(s, URIRef) and (str(s).startswith(ONTOLOGY_NS) or s in self.terms):
            return ("this is a statement about an ontology term: classes and properties are "
                    "defined in ontology/riskgraph.ttl, not in contributions; propose the "
                    "change there")
        if _is_schema(p) and p not in ANNOTATIONS and p != RDF.type:
            return ("an OWL/RDFS axiom is not an addition of findings: axioms belong in "
                    "ontology/riskgraph.ttl, where the reasoner and reviewers see them")
        if p == RDF.type and _is_schema(o) and o not in PLAIN_TYPES:
            return ("declaring a class, property or property characteristic is an axiom: it "
                    "belongs in ontology/riskgraph.ttl")
        if (existing is not None and p in IDENTITY and isinstance(s, URIRef)
                and (s, None, None) in existing and (s, p, o) not in existing):
            return ("this entity already exists in the bundled graph: a contribution may add "
                    "links and evidence to it, but not another type, label, definition, "
                    "notation, scheme, title or date; propose the change to data/ instead")
        return None

    def _disjoint(self, node, graph: Graph, contribution: Graph, incoming: Graph | None):
        why = self.types(node, graph, incoming)
        classes = self._closure(set(why))
        for pair in self.disjoint:
            a, b = tuple(pair)
            if a in classes and b in classes:
                own = [t for t in why.values() if t in contribution]
                if not own:
                    continue  # the clash is not the contribution's
                statement = own[0]
                yield statement, (
                    f"{_n3(node)} would be both a {_n3(a)} and a {_n3(b)}, which the ontology "
                    "declares disjoint (types come from rdf:type and from the rdfs:domain and "
                    "rdfs:range of the properties used): the graph would be inconsistent; use "
                    "another IRI for the new entity or the right property")
                return

    def _functional(self, node, graph: Graph, contribution: Graph):
        for p in self.functional:
            values = set(graph.objects(node, p))
            if len(values) > 1:
                own = [(node, p, v) for v in values if (node, p, v) in contribution]
                if own:
                    yield own[0], (f"{_n3(p)} is functional: {_n3(node)} may have one value, "
                                   f"and would have {len(values)}")


_SHORT = sorted({**PREFIXES, "rdf": str(RDF), "rdfs": str(RDFS)}.items(),
                key=lambda kv: -len(str(kv[1])))


def _n3(term) -> str:
    if isinstance(term, URIRef):
        for prefix, namespace in _SHORT:
            if str(term).startswith(str(namespace)):
                return f"{prefix}:{str(term)[len(str(namespace)):]}"
        return f"<{term}>"
    return "[]" if isinstance(term, BNode) else str(term)
