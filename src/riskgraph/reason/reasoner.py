"""OWL reasoning over ontology plus data.

HermiT (through owlready2, needs Java) decides consistency and infers class
memberships. A small closure then materialises what queries need and HermiT
leaves implicit in owlready2 (superclass types, inverse and symmetric property
values). Without Java, a pure-Python OWL-RL closure (owlrl) stands in.
When the graph is inconsistent, ``explain`` names the individuals and axioms.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from riskgraph.errors import InputError
from riskgraph.namespaces import ID, IRI_FORBIDDEN
from riskgraph.patches import java_options
from riskgraph.reason.classes import superclass_closure


@dataclass
class Clash:
    """One individual that the axioms force into two disjoint classes."""

    individual: str
    first: str
    second: str
    why_first: str
    why_second: str

    def __str__(self) -> str:
        return (
            f"{self.individual} cannot be both a {self.first} ({self.why_first}) and a "
            f"{self.second} ({self.why_second}): the ontology declares "
            f"{self.first} owl:disjointWith {self.second}"
        )


@dataclass
class ReasoningResult:
    consistent: bool
    reasoner: str
    inferred: Graph
    clashes: list[Clash] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def inferred_count(self) -> int:
        return len(self.inferred)


def _short(graph: Graph, term) -> str:
    try:
        return graph.namespace_manager.normalizeUri(term)
    except Exception:
        return str(term)


def _derived_types(graph: Graph) -> dict[URIRef, dict[URIRef, str]]:
    """Each individual's classes with the reason for each (asserted, domain, range, subclass)."""
    supers = superclass_closure(graph)
    domains = {p: o for p, o in graph.subject_objects(RDFS.domain) if isinstance(o, URIRef)}
    ranges = {p: o for p, o in graph.subject_objects(RDFS.range) if isinstance(o, URIRef)}
    types: dict[URIRef, dict[URIRef, str]] = {}

    def note(node, cls, why):
        if not isinstance(node, URIRef) or not str(node).startswith(str(ID)):
            return
        for sup in supers.get(cls, {cls}):
            reason = why if sup == cls else f"{why}, and {_short(graph, cls)} is a subclass"
            types.setdefault(node, {}).setdefault(sup, reason)

    for node, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            note(node, cls, "asserted")
    for s, p, o in graph:
        if p in domains:
            note(s, domains[p], f"it is the subject of {_short(graph, p)}")
        if p in ranges:
            note(o, ranges[p], f"it is the object of {_short(graph, p)} from {_short(graph, s)}")
    return types


def explain(graph: Graph) -> list[Clash]:
    """Individuals typed into two disjoint classes, and how each type arose."""
    disjoint = {(a, b) for a, b in graph.subject_objects(OWL.disjointWith)
                if isinstance(a, URIRef) and isinstance(b, URIRef)}
    clashes = []
    for node, classes in sorted(_derived_types(graph).items()):
        for a, b in sorted(disjoint):
            if a in classes and b in classes:
                clashes.append(Clash(_short(graph, node), _short(graph, a), _short(graph, b),
                                     classes[a], classes[b]))
    return clashes


def materialise(graph: Graph) -> Graph:
    """Superclass types, inverse and symmetric property values not yet in ``graph``."""
    out = Graph()
    supers = superclass_closure(graph)
    for node, cls in list(graph.subject_objects(RDF.type)):
        # supers is keyed by named classes only, so a blank-node class has none
        if (isinstance(node, URIRef) and str(node).startswith(str(ID))
                and isinstance(cls, URIRef)):
            for sup in supers.get(cls, ()):
                if (node, RDF.type, sup) not in graph:
                    out.add((node, RDF.type, sup))
    inverses: dict[Node, set[Node]] = {}
    for p, q in graph.subject_objects(OWL.inverseOf):
        inverses.setdefault(p, set()).add(q)
        inverses.setdefault(q, set()).add(p)
    for p in graph.subjects(RDF.type, OWL.SymmetricProperty):
        inverses.setdefault(p, set()).add(p)
    for p, targets in inverses.items():
        for s, o in graph.subject_objects(p):
            if isinstance(o, URIRef) and str(s).startswith(str(ID)):
                for q in targets:
                    if (o, q, s) not in graph:
                        out.add((o, q, s))
    return out


# HermiT refuses literals whose datatype is outside the OWL 2 datatype map, such as
# dcterms:issued "2024"^^xsd:gYear. They carry no logic, so HermiT does not see them.
_NOT_OWL2_DATATYPES = {XSD[name] for name in (
    "date", "time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay",
    "duration", "dayTimeDuration", "yearMonthDuration")}


# Characters an N-Triples IRI may not hold: such a triple would break owlready2's parser.


def annotation_properties(graph: Graph) -> set[Node]:
    """Properties used only for annotation: declared ``owl:AnnotationProperty`` (and
    not also as an object or datatype property), and RDFS's own."""
    declared = set(graph.subjects(RDF.type, OWL.AnnotationProperty))
    declared -= set(graph.subjects(RDF.type, OWL.ObjectProperty))
    declared -= set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    return declared | {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}


def _for_hermit(graph: Graph) -> Graph:
    """What HermiT sees, built by riskgraph from parsed triples: no ``owl:imports``
    (owlready2 would fetch or open them), no IRI that N-Triples cannot carry, and no
    annotation assertion: they carry no meaning (OWL 2 Direct Semantics), and leaving
    them out (a quarter of the triples) shortens HermiT's load."""
    annotations = annotation_properties(graph)
    kept = Graph()
    for triple in graph:
        s, p, obj = triple
        if p == OWL.imports or p in annotations:
            continue
        if isinstance(obj, Literal) and obj.datatype in _NOT_OWL2_DATATYPES:
            continue
        if any(isinstance(t, URIRef) and IRI_FORBIDDEN.search(t) for t in triple):
            continue
        kept.add(triple)
    return kept


# HermiT runs once per build in a fresh JVM, for a few seconds: the JIT's quick tier and
# the serial collector halve its wall time (4.1 s against 2.1 s on two loaded cores).
JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def _hermit(graph: Graph) -> tuple[bool, Graph]:
    import owlready2

    with tempfile.TemporaryDirectory(prefix="riskgraph-reason-") as tmp:
        source = Path(tmp) / "merged.nt"
        _for_hermit(graph).serialize(source, format="nt", encoding="utf-8")
        world = owlready2.World()
        # owlready2 writes HermiT's input with NamedTemporaryFile(delete=False) and removes
        # it only on success: pointing tempfile at our directory removes it on every exit.
        saved_tempdir, tempfile.tempdir = tempfile.tempdir, tmp
        try:
            try:
                world.get_ontology(source.as_uri()).load(format="ntriples")
            except owlready2.OwlReadyOntologyParsingError as exc:
                raise InputError(f"the reasoner's loader (owlready2) could not read the "
                                 f"graph: {str(exc)[:300]}") from None
            before = set(world.as_rdflib_graph())
            try:
                with java_options(JAVA_OPTIONS):
                    owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                return False, Graph()
            except owlready2.OwlReadyJavaError as exc:
                last = (str(exc).strip().splitlines() or ["no message"])[-1]
                raise InputError(f"HermiT failed: {last[:300]}",
                                 hint="run `riskgraph reason --no-hermit` for the "
                                      "pure-Python closure") from None
            inferred = Graph()
            for triple in set(world.as_rdflib_graph()) - before:
                s, _, o = triple
                if isinstance(s, BNode) or isinstance(o, BNode) or "inferrence" in str(s):
                    continue
                inferred.add(triple)
            return True, inferred
        finally:
            tempfile.tempdir = saved_tempdir
            world.close()


def _owlrl(graph: Graph) -> Graph:
    import owlrl

    expanded = Graph()
    for triple in graph:
        expanded.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(expanded)
    inferred = Graph()
    for s, p, o in expanded:
        if (s, p, o) not in graph and str(s).startswith(str(ID)) and not isinstance(o, BNode):
            inferred.add((s, p, o))
    return inferred


def java_available() -> bool:
    return shutil.which("java") is not None


def reason(graph: Graph, *, use_hermit: bool | None = None) -> ReasoningResult:
    """Check consistency and return the inferred triples (not the input ones)."""
    notes: list[str] = []
    if use_hermit is None:
        use_hermit = java_available()
        if not use_hermit:
            notes.append("java was not found, so HermiT could not run; used the pure-Python "
                         "OWL-RL closure instead (install a Java runtime for full OWL 2 DL)")
    if use_hermit:
        consistent, inferred = _hermit(graph)
        reasoner = "HermiT (owlready2)"
    else:
        inferred = _owlrl(graph)
        reasoner = "OWL-RL closure (owlrl)"
        consistent = True
    clashes = explain(graph)
    if clashes:
        consistent = False
    if consistent:
        for triple in materialise(graph + inferred):
            inferred.add(triple)
    else:
        inferred = Graph()
        if not clashes:
            notes.append("HermiT found the ontology and data inconsistent, but the cause is not "
                         "a simple disjointness clash; run a full OWL explainer such as Protégé")
    for prefix, namespace in graph.namespaces():
        inferred.bind(prefix, namespace)
    return ReasoningResult(consistent, reasoner, inferred, clashes, notes)
