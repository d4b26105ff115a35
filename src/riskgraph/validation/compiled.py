"""Whole-graph SHACL validation, fast: the shapes compiled into set operations over
a pyoxigraph store.

pyshacl walks the shapes once per focus node and asks rdflib for every value; on a
100k-triple graph that costs minutes. Here each shape is compiled once into a plan
(targets, a path, a list of constraints) and evaluated over all focus nodes at once:

- pyoxigraph (Rust) holds the graph and answers the SPARQL: every target
  (``rdf:type/rdfs:subClassOf*`` for ``sh:targetClass``), the value pairs of every
  property a path uses (one query per predicate, shared by all shapes), class
  memberships, and each ``sh:sparql`` constraint, run once with ``$this`` free and
  its rows kept for the shape's focus nodes;
- the value tests (datatype, pattern, language, ranges, node kinds, ...) run in
  Python on rdflib terms with pyshacl's own rules, so an ill-typed literal or a
  string compared with a number gives pyshacl's answer;
- ``sh:node``, ``sh:or``, ``sh:and``, ``sh:not``, ``sh:xone`` ask whether value nodes
  conform to another shape; each shape's conformance is computed for a set of
  nodes at a time and remembered.

The compiler is generic over SHACL constructs, not keyed to riskgraph's shape names.
A shape that uses a construct not listed in ``NODE_PARAMS``/``PROPERTY_PARAMS``
(or a SPARQL constraint whose result could depend on ``$this`` being bound first:
aggregates, sub-queries, LIMIT) is reported in ``CompiledShapes.fallback`` and left
to pyshacl, for that shape only. tests/validation/test_validate_fast.py checks, on fixtures, the
bundled data and a generated graph with every constraint violated, that the results
are pyshacl's.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from riskgraph.io.terms import to_oxigraph, to_rdflib
from riskgraph.patches import datatype_check, sparql_message

DATA_GRAPH = ox.NamedNode("urn:riskgraph:validate:data")
ONTOLOGY_GRAPH = ox.NamedNode("urn:riskgraph:validate:ontology")

_MIN_COUNT, _MAX_COUNT, _HAS_VALUE, _UNIQUE_LANG = SH.minCount, SH.maxCount, SH.hasValue, \
    SH.uniqueLang
_CLASS, _NODE, _NOT, _OR, _AND, _XONE, _FLAGS = (SH["class"], SH.node, SH["not"], SH["or"],
                                                 SH["and"], SH.xone, SH.flags)
_EQUALS, _DISJOINT, _LESS, _LESS_EQ, _CLOSED = (SH.equals, SH.disjoint, SH.lessThan,
                                                SH.lessThanOrEquals, SH.closed)
_Q_MIN, _Q_MAX = SH.qualifiedMinCount, SH.qualifiedMaxCount
# A shape that is also a class targets its instances (SHACL 2.1.3.3, implicit class target).
IMPLICIT_CLASS = RDFS.Class
CLASS_TYPES = (RDFS.Class, OWL.Class)
# Parameters this engine evaluates; anything else on a shape sends it to pyshacl.
LOGICAL = {_OR, _AND, _NOT, _XONE}
VALUE_PARAMS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.flags, SH.languageIn,
                SH.hasValue, SH["in"], SH.minInclusive, SH.maxInclusive, SH.minExclusive,
                SH.maxExclusive, SH.minLength, SH.maxLength, SH.node} | LOGICAL
# sh:equals / sh:disjoint compare the value nodes with a property's values at the focus
# node; sh:closed lists the properties a value node may have (with sh:ignoredProperties).
SHAPE_PARAMS = VALUE_PARAMS | {SH.property, SH.sparql, _EQUALS, _DISJOINT, _CLOSED,
                               SH.ignoredProperties}
NODE_PARAMS = SHAPE_PARAMS | {SH.qualifiedValueShape, SH.qualifiedValueShapesDisjoint,
                              _Q_MIN, _Q_MAX}  # on a node shape they constrain nothing
PROPERTY_PARAMS = SHAPE_PARAMS | {SH.minCount, SH.maxCount, SH.uniqueLang, _LESS, _LESS_EQ,
                                  SH.qualifiedValueShape, SH.qualifiedValueShapesDisjoint,
                                  _Q_MIN, _Q_MAX}
# Read with the parameter they belong to, never evaluated on their own.
COMPANIONS = {SH.flags, SH.ignoredProperties, SH.qualifiedValueShape,
              SH.qualifiedValueShapesDisjoint}
# Shape metadata that changes no result.
METADATA = {SH.path, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
            SH.defaultValue, SH.deactivated, SH.targetClass, SH.targetNode,
            SH.targetSubjectsOf, SH.targetObjectsOf, SH.declare, SH.prefixes}
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
# One object per parameter, so the evaluator compares them with "is".
_CANONICAL = {p: p for p in (_MIN_COUNT, _MAX_COUNT, _HAS_VALUE, _UNIQUE_LANG, _CLASS, _NODE,
                             _NOT, _OR, _AND, _XONE, _FLAGS, _EQUALS, _DISJOINT, _LESS,
                             _LESS_EQ, _CLOSED, _Q_MIN, _Q_MAX)}
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent, SH.node: SH.NodeConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent, SH.xone: SH.XoneConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent, SH.sparql: SH.SPARQLConstraintComponent,
    _EQUALS: SH.EqualsConstraintComponent, _DISJOINT: SH.DisjointConstraintComponent,
    _LESS: SH.LessThanConstraintComponent, _LESS_EQ: SH.LessThanOrEqualsConstraintComponent,
    _CLOSED: SH.ClosedConstraintComponent, _Q_MIN: SH.QualifiedMinCountConstraintComponent,
    _Q_MAX: SH.QualifiedMaxCountConstraintComponent,
}
# A SPARQL constraint is run once for all focus nodes only when binding $this
# first could not change its rows.
_PER_FOCUS_ONLY = re.compile(r"\b(LIMIT|OFFSET|GROUP\s+BY|HAVING|SERVICE|MINUS|"
                             r"COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|\$PATH|\$shapesGraph|"
                             r"\$currentShape)\b|\{\s*SELECT", re.I)
_PROJECTS_THIS = re.compile(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?[^{]*[$?]this\b", re.I)
_XSD_STRING = ox.NamedNode(str(XSD.string))


class _IllTypedQuiet(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it makes a value of; here an
    ill-typed literal is data to report (sh:datatype), not an error of the program."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedQuiet())
_LANG_STRING = ox.NamedNode(str(RDF.langString))


def add_graph(store: ox.Store, graph: Graph, named: ox.NamedNode,
              kept: dict | None = None) -> None:
    quads = (ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), named) for s, p, o in graph)
    if kept is None:
        store.extend(quads)
    else:
        add_quads(store, list(quads), kept)


# pyoxigraph's store keeps a literal of a type derived from xsd:integer as xsd:integer
# ("5"^^xsd:int, and the ill-typed "-5"^^xsd:positiveInteger, come back as xsd:integer):
# sh:datatype would then judge a literal the data does not hold. Such literals are
# remembered as written (``kept``) and given back in their place as value nodes.
RETYPED = frozenset(str(XSD[t]) for t in (
    "int", "long", "short", "byte", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte", "positiveInteger", "negativeInteger", "nonNegativeInteger",
    "nonPositiveInteger"))
# Text that may hold one: a datatype after ^^ (a cheap test, so that most files are still
# loaded in bulk; Turtle has no shorthand for these types).
RETYPED_IN_TEXT = re.compile(r"\^\^(?:<[^>]*|[\w.-]*:)(?:int|long|short|byte|unsigned(?:Int|Long|"
                             r"Short|Byte)|(?:nonN|n)egativeInteger|(?:nonP|p)ositiveInteger)"
                             r"(?![\w-]|\.[\w-])")
_SCRATCH = ox.NamedNode("urn:riskgraph:validate:literal")


def add_quads(store: ox.Store, quads: list[ox.Quad], kept: dict) -> None:
    """Add ``quads`` to the store; record in ``kept`` each literal the store retypes:
    predicate -> {(subject, literal as stored): [literals as written]}."""
    store.extend(quads)
    retyped = [q for q in quads
               if isinstance(q.object, ox.Literal) and q.object.datatype.value in RETYPED]
    if not retyped:
        return
    scratch = ox.Store()  # the same encoding as the store's: what became of each literal
    scratch.extend(ox.Quad(ox.NamedNode(f"{_SCRATCH.value}:{i}"), _SCRATCH, q.object)
                   for i, q in enumerate(retyped))
    for stored in scratch.quads_for_pattern(None, None, None, None):
        subject = cast(ox.NamedNode, stored.subject)  # the scratch subjects are IRIs
        quad = retyped[int(subject.value.rsplit(":", 1)[1])]
        if stored.object != quad.object:
            written = kept.setdefault(quad.predicate.value, {}).setdefault(
                (internal(quad.subject), stored.object), [])
            if quad.object not in written:
                written.append(quad.object)


def store_as_graph(store: ox.Store) -> Graph:
    """The store's triples (every graph) as one rdflib graph: for the pyshacl fallback."""
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, None):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


# ---------------------------------------------------------------------------
# The compiled shapes
# ---------------------------------------------------------------------------
@dataclass
class Shape:
    node: Node  # the shape's IRI or blank node in the shapes graph
    is_property: bool
    # ("p", iri) | ("inv", iri) | ("alt", [...]) | ("seq", [...]) | ("star" | "plus" |
    # "opt", path): an inverse is pushed down to the predicates when compiled
    path: tuple | None = None
    path_node: object = None  # the sh:path value, as reported in sh:resultPath
    severity: URIRef = SH.Violation
    messages: list[str] = field(default_factory=list)
    deactivated: bool = False
    constraints: list[tuple[URIRef, object]] = field(default_factory=list)  # (param, value)
    properties: list[object] = field(default_factory=list)  # property shape nodes
    sparql: list[tuple[object, str, list[str]]] = field(default_factory=list)
    targets: list[tuple[URIRef, Node]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


@dataclass
class RawResult:
    """One SHACL result as pyshacl would write it, in rdflib terms."""

    focus: object
    path: object  # the path node (IRI or the blank node of a complex path) or None
    value: object
    shape: Node
    severity: URIRef
    component: URIRef
    messages: list[str]
    constraint: object = None  # sh:sourceConstraint (SPARQL constraints)

    def key(self) -> tuple:
        return (self.focus, self.path, self.value, self.shape, self.severity)


class CompiledShapes:
    """Every shape of a shapes graph, parsed once into a plan."""

    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self.shapes: dict[object, Shape] = {}
        self._lists: dict = {}
        self._tests: dict = {}
        self._acyclic: set = set()
        roots = {s for t in TARGETS for s in shapes.subjects(t, None)}
        roots |= {s for t in SHAPE_TYPES for s in shapes.subjects(RDF.type, t)}
        for node in roots:
            if isinstance(node, Literal):
                raise ShapeError(f"the literal {node.n3()} is used as a shape")
            shape = self.shape(node)
            if any((node, RDF.type, t) in shapes for t in CLASS_TYPES) and any(
                    (node, RDF.type, t) in shapes for t in SHAPE_TYPES):
                shape.targets.append((IMPLICIT_CLASS, node))
        self.targeted = [s for s in self.shapes.values() if s.targets and not s.deactivated]
        for shape in self.shapes.values():
            self._not_recursive(shape.node, [])
        # A shape falls back to pyshacl when it, or a shape it depends on, is unsupported.
        self.fallback = {s.node: self._why_unsupported(s.node, set()) for s in self.targeted}
        self.fallback = {node: why for node, why in self.fallback.items() if why}

    def members(self, list_node) -> list:
        found = self._lists.get(list_node)
        if found is None:
            found = self._lists[list_node] = list(Collection(self.graph, list_node))
        return found

    def closed_properties(self, shape: Shape) -> set:
        """The predicates a value node of a closed shape may have (as IRIs, str)."""
        found = {str(self.shape(p).path_node) for p in shape.properties
                 if isinstance(self.shape(p).path_node, URIRef)}
        ignored = self.graph.value(shape.node, SH.ignoredProperties)
        if ignored is not None:
            found |= {str(p) for p in self.members(ignored)}
        return found

    def siblings(self, node) -> list:
        """The other qualified value shapes of the shapes that hold property shape ``node``."""
        g = self.graph
        own = g.value(node, SH.qualifiedValueShape)
        found = []
        for parent in g.subjects(SH.property, node):
            for sibling in g.objects(parent, SH.property):
                other = g.value(sibling, SH.qualifiedValueShape)
                if other is not None and other != own and other not in found:
                    self.shape(other)
                    found.append(other)
        return found

    def value_test(self, shape: Shape, param, arg):
        key = (shape.node, param, arg)
        found = self._tests.get(key)
        if found is None:
            found = self._tests[key] = _value_test(param, arg, shape, self.graph)
        return found

    # -- parsing -----------------------------------------------------------
    def shape(self, node) -> Shape:
        found = self.shapes.get(node)
        if found is not None:
            return found
        g = self.graph
        path_node = g.value(node, SH.path)
        shape = Shape(node, is_property=path_node is not None, path_node=path_node)
        self.shapes[node] = shape
        if path_node is not None:
            try:
                shape.path = self._path(path_node)
            except ValueError as why:  # every SHACL path compiles: this one is malformed
                raise ShapeError(f"{why} (on shape {_n3(node)})") from None
        shape.severity = g.value(node, SH.severity) or SH.Violation
        shape.messages = [str(m) for m in g.objects(node, SH.message)]
        shape.deactivated = g.value(node, SH.deactivated) == Literal(True)
        allowed = PROPERTY_PARAMS if shape.is_property else NODE_PARAMS
        for param, value in g.predicate_objects(node):
            assert isinstance(param, URIRef)  # predicates of a parsed shapes graph are IRIs
            if param in TARGETS:
                shape.targets.append((param, value))
            elif param == SH.property:
                _well_formed(self.graph, node, param, value)
                shape.properties.append(value)
                self.shape(value)
            elif param == SH.sparql:
                self._sparql(shape, value)
            elif param in allowed:
                param = _CANONICAL.get(param, param)
                _well_formed(self.graph, node, param, value)
                if param in COMPANIONS or (param in (_Q_MIN, _Q_MAX) and (
                        not shape.is_property or g.value(node, SH.qualifiedValueShape) is None)):
                    if param == SH.qualifiedValueShape and shape.is_property:
                        self.shape(value)
                    continue
                if param is _CLOSED and value != Literal(True):
                    continue
                shape.constraints.append((param, value))
                for nested in self._nested(param, value):
                    if isinstance(nested, Literal):
                        raise ShapeError(f"{_n3(param)} on shape {_n3(node)} names the literal "
                                         f"{nested.n3()} as a shape")
                    self.shape(nested)
            elif str(param).startswith(str(SH)) and param not in METADATA:
                shape.unsupported.append(f"{_n3(param)} on {_n3(node)}")
        return shape

    def _nested(self, param, value, owner=None) -> list:
        if param == SH.node or param == SH["not"]:
            return [value]
        if param in (_Q_MIN, _Q_MAX) and owner is not None:
            return [self.graph.value(owner, SH.qualifiedValueShape)]
        if param in LOGICAL:
            return list(Collection(self.graph, value))
        return []

    def _path(self, node, depth: int = 0):
        """The path as an expression (SHACL 2.3.1), the first matching rule winning."""
        g = self.graph
        if depth > 50:
            raise ValueError("a path nested more than 50 deep")
        if isinstance(node, URIRef):
            return ("p", node)
        if (node, RDF.first, None) in g:
            steps = [self._path(n, depth + 1) for n in Collection(g, node)]
            if len(steps) < 2:
                raise ValueError(f"sequence path {_n3(node)} with fewer than two members")
            return ("seq", steps)
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return ("alt", [self._path(n, depth + 1) for n in Collection(g, alternatives)])
        inverse = g.value(node, SH.inversePath)
        if inverse is not None:
            return _inverse(self._path(inverse, depth + 1))
        for kind, predicate in (("star", SH.zeroOrMorePath), ("plus", SH.oneOrMorePath),
                                ("opt", SH.zeroOrOnePath)):
            inner = g.value(node, predicate)
            if inner is not None:
                return (kind, self._path(inner, depth + 1))
        raise ValueError(f"path {_n3(node)} is not a SHACL property path")

    def _sparql(self, shape: Shape, constraint) -> None:
        g = self.graph
        if g.value(constraint, SH.deactivated) == Literal(True):
            return
        select = g.value(constraint, SH.select)
        if select is None:
            shape.unsupported.append(f"SPARQL constraint {_n3(constraint)} without sh:select")
            return
        text = str(select)
        if (_PER_FOCUS_ONLY.search(text) or shape.is_property
                or not _PROJECTS_THIS.search(text)):
            shape.unsupported.append(f"SPARQL constraint {_n3(constraint)} needs $this bound first")
            return
        prefixes = []
        for declaring in g.objects(constraint, SH.prefixes):
            for declaration in g.objects(declaring, SH.declare):
                prefixes.append(f"PREFIX {g.value(declaration, SH.prefix)}: "
                                f"<{g.value(declaration, SH.namespace)}>")
        messages = [str(m) for m in g.objects(constraint, SH.message)]
        shape.sparql.append((constraint, "\n".join(prefixes) + "\n" + text, messages))

    def _children(self, node) -> list:
        shape = self.shapes[node]
        found = list(shape.properties)
        for param, value in shape.constraints:
            found += self._nested(param, value, node)
        return found

    def _not_recursive(self, node, trail: list) -> None:
        """SHACL leaves the validation of a recursive shape undefined: refuse it."""
        if node in trail:
            raise ShapeError(f"shape {_n3(node)} refers to itself (through sh:node, sh:property "
                             "or a logical constraint): recursive shapes are undefined in SHACL")
        if node in self._acyclic:
            return
        for child in self._children(node):
            self._not_recursive(child, trail + [node])
        self._acyclic.add(node)

    def _why_unsupported(self, node, seen: set) -> str | None:
        if node in seen:
            return None
        seen.add(node)
        shape = self.shapes[node]
        if shape.unsupported:
            return "; ".join(shape.unsupported)
        nested = list(shape.properties)
        for param, value in shape.constraints:
            nested += self._nested(param, value, node)
        for child in nested:
            why = self._why_unsupported(child, seen)
            if why:
                return why
        return None


class ShapeError(ValueError):
    """The shapes are not well-formed SHACL (a parameter of the wrong kind, a bad
    pattern, a malformed path, a recursive shape): nothing can be validated."""


_INTEGER_PARAMS = {SH.minCount, SH.maxCount, SH.minLength, SH.maxLength, SH.qualifiedMinCount,
                   SH.qualifiedMaxCount}
_IRI_PARAMS = {SH["class"], SH.datatype, SH.nodeKind, SH.equals, SH.disjoint, SH.lessThan,
               SH.lessThanOrEquals}
_LIST_PARAMS = {SH["in"], SH.languageIn, SH.ignoredProperties, SH["or"], SH["and"], SH.xone}
_SHAPE_PARAMS = {SH.node, SH["not"], SH.property, SH.qualifiedValueShape}
_RANGE_PARAMS = {SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive}


def _well_formed(graph: Graph, node, param, value) -> None:
    """Raise ``ShapeError`` unless ``value`` is of the kind SHACL says ``param`` takes."""
    where = f"{_n3(param)} on shape {_n3(node)}"
    if param in _INTEGER_PARAMS and not (isinstance(value, Literal)
                                         and isinstance(value.value, int)
                                         and not isinstance(value.value, bool)
                                         and value.value >= 0):
        raise ShapeError(f"{where} must be a whole number, not {value.n3()}")
    if param in _IRI_PARAMS and not isinstance(value, URIRef):
        raise ShapeError(f"{where} must be an IRI, not {value.n3()}")
    if param == SH.nodeKind and value not in _KINDS:
        raise ShapeError(f"{where} must be one of sh:IRI, sh:BlankNode, sh:Literal, ...")
    if param in _RANGE_PARAMS and not isinstance(value, Literal):
        raise ShapeError(f"{where} must be a literal, not {value.n3()}")
    if param in _SHAPE_PARAMS and isinstance(value, Literal):
        raise ShapeError(f"{where} must name a shape, not the literal {value.n3()}")
    if param in _LIST_PARAMS and value != RDF.nil and (value, RDF.first, None) not in graph:
        raise ShapeError(f"{where} must be an RDF list ( ... ), not {value.n3()}")
    if param == SH.pattern:
        try:
            re.compile(str(value))
        except re.error as why:
            raise ShapeError(f"{where}: the regular expression {value.n3()} is invalid: "
                             f"{why}") from None


def _inverse(path: tuple) -> tuple:
    """The inverse of a compiled path, with the inversion pushed down to its predicates."""
    kind, arg = path
    if kind == "p":
        return ("inv", arg)
    if kind == "inv":
        return ("p", arg)
    if kind == "seq":
        return ("seq", [_inverse(p) for p in reversed(arg)])
    if kind == "alt":
        return ("alt", [_inverse(p) for p in arg])
    return (kind, _inverse(arg))


def _n3(term) -> str:
    if isinstance(term, URIRef) and str(term).startswith(str(SH)):
        return "sh:" + str(term)[len(str(SH)):]
    return f"<{term}>" if isinstance(term, URIRef) else "[]"


# ---------------------------------------------------------------------------
# Nodes inside the evaluator: an IRI is a str (hashed once, cheap to compare),
# a blank node or a literal stays a pyoxigraph term. rdflib terms are made only
# for results, and for the value tests that need rdflib's typed values.
# ---------------------------------------------------------------------------
def internal(term):
    return term.value if isinstance(term, ox.NamedNode) else term


def from_rdflib(term):
    return str(term) if isinstance(term, URIRef) else to_oxigraph(term)


def external(node):
    return URIRef(node) if isinstance(node, str) else to_rdflib(node)


def _ox(node):
    return ox.NamedNode(node) if isinstance(node, str) else node


class Universe:
    """The nodes that may be focus nodes of a targeted shape: the subjects of the
    dataset's graphs (``data_graphs``), not those of the context beside it (the
    ontology), and not an ontology header."""

    def __init__(self, store: ox.Store, data_graphs: list[ox.NamedNode]) -> None:
        self.store = store
        self.graphs = data_graphs
        names = ", ".join(f"<{g.value}>" for g in data_graphs)
        context = store.query("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
                              f"FILTER (?g NOT IN ({names})) }}")
        assert isinstance(context, ox.QuerySolutions)  # a SELECT query
        self.excluded = {internal(r[0]) for r in context}
        self.excluded = {n for n in self.excluded if not self.described(n)}
        headers = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{OWL.Ontology}> }} "
                              f"FILTER (?g IN ({names})) }}")
        assert isinstance(headers, ox.QuerySolutions)  # a SELECT query
        self.headers = {internal(r[0]) for r in headers}
        self.excluded |= self.headers

    def described(self, node) -> bool:
        """Is ``node`` a subject in one of the dataset's graphs?"""
        if isinstance(node, ox.Literal):
            return False
        term = _ox(node)
        return any(next(iter(self.store.quads_for_pattern(term, None, None, g)), None)
                   is not None for g in self.graphs)

    def owner(self, node) -> int | None:
        """The index of the first data graph that describes ``node``."""
        if isinstance(node, ox.Literal):
            return None
        term = _ox(node)
        for index, graph in enumerate(self.graphs):
            if next(iter(self.store.quads_for_pattern(term, None, None, graph)), None):
                return index
        return None

    def restrict(self, nodes: set, subjects: bool) -> set:
        """``nodes`` in the universe; ``subjects``: they are known to be subjects somewhere."""
        if subjects:
            return nodes - self.excluded
        return {n for n in nodes if n not in self.excluded and self.described(n)}


class Evaluator:
    """Evaluates compiled shapes over a pyoxigraph store.

    ``universe`` says which nodes may be focus nodes (None: every node, as in a
    plain SHACL run).
    """

    def __init__(self, compiled: CompiledShapes, store: ox.Store,
                 universe: Universe | None = None, kept: dict | None = None) -> None:
        self.compiled = compiled
        self.store = store
        self.universe = universe
        self.kept = kept or {}  # literals as written, where the store retyped them
        self._pairs: dict[Node, tuple[dict, dict]] = {}
        self._instances: dict[Node, set] = {}
        self._conforms: dict[object, dict] = {}

    # -- data access ---------------------------------------------------------
    def query(self, text: str):
        return self.store.query(text, use_default_graph_as_union=True)

    def pairs(self, predicate: Node) -> tuple[dict, dict]:
        """subject -> objects and object -> subjects of one predicate."""
        found = self._pairs.get(predicate)
        if found is None:
            forward: dict = {}
            backward: dict = {}
            # DISTINCT: a triple written in two graphs (data and ontology) counts once.
            for s, o in self.query(f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):
                s, o = internal(s), internal(o)
                if s in forward:
                    forward[s].append(o)
                else:
                    forward[s] = [o]
                if o in backward:
                    backward[o].append(s)
                else:
                    backward[o] = [s]
            for (s, stored), written in self.kept.get(str(predicate), {}).items():
                values = forward.get(s, _NONE)
                if stored in values:
                    at = values.index(stored)
                    values[at:at + 1] = written
                    backward[stored].remove(s)
                    for literal in written:
                        backward.setdefault(literal, []).append(s)
            found = self._pairs[predicate] = (forward, backward)
        return found

    def instances(self, cls: Node) -> set:
        found = self._instances.get(cls)
        if found is None:
            rows = self.query(f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF.type}>/<{RDFS.subClassOf}>* "
                              f"<{cls}> }}")
            found = self._instances[cls] = {internal(row[0]) for row in rows}
        return found

    def values(self, path, node) -> list:
        kind, arg = path
        if kind == "p":
            return self.pairs(arg)[0].get(node, _NONE)
        if kind == "inv":
            return self.pairs(arg)[1].get(node, _NONE)
        if kind == "alt":
            out: dict = {}
            for part in arg:
                out.update(dict.fromkeys(self.values(part, node)))
            return list(out)
        if kind == "seq":
            current = [node]
            for part in arg:
                step: dict = {}
                for n in current:
                    step.update(dict.fromkeys(self.values(part, n)))
                current = list(step)
            return current
        if kind == "opt":
            return list(dict.fromkeys([node, *self.values(arg, node)]))
        # "star" / "plus": every node reached in one step or more (and the node itself for *)
        reached: dict = {node: None} if kind == "star" else {}
        frontier = [node]
        while frontier:
            found = []
            for n in frontier:
                for v in self.values(arg, n):
                    if v not in reached:
                        reached[v] = None
                        found.append(v)
            frontier = found
        return list(reached)

    # -- targets -------------------------------------------------------------
    def focus_nodes(self, shape: Shape) -> set:
        subjects: set = set()
        others: set = set()
        for kind, target in shape.targets:
            if kind == SH.targetClass or kind is IMPLICIT_CLASS:
                subjects |= self.instances(target)
            elif kind == SH.targetSubjectsOf:
                subjects |= set(self.pairs(target)[0])
            elif kind == SH.targetObjectsOf:
                others |= set(self.pairs(target)[1])
            elif kind == SH.targetNode:
                others.add(from_rdflib(target))
        if self.universe is None:
            return subjects | others
        return (self.universe.restrict(subjects, True)
                | self.universe.restrict(others - subjects, False))

    def run(self, skip: Iterable = ()) -> Iterator[RawResult]:
        """Every result of every targeted shape (those in ``skip`` left out)."""
        skip = set(skip)
        for shape in self.compiled.targeted:
            if shape.node in skip:
                continue
            focus = self.focus_nodes(shape)
            if focus:
                for result in self.evaluate(shape, focus):
                    result.focus = external(result.focus)
                    if result.value is not None:
                        result.value = external(result.value)
                    yield result

    # -- one shape over many focus nodes --------------------------------------
    def evaluate(self, shape: Shape, focus: Iterable) -> Iterator[RawResult]:
        """Every result of ``shape`` on the focus nodes (internal terms), one constraint
        at a time over all of them (so nested shapes are asked about all value nodes
        at once)."""
        if shape.deactivated:
            return
        focus = list(focus)
        if not shape.is_property:
            values = {node: [node] for node in focus}
        else:
            path = shape.path
            # a property shape whose path did not compile is unsupported and never evaluated
            assert path is not None
            if path[0] == "p":
                forward = self.pairs(path[1])[0]
                values = {node: forward.get(node, _NONE) for node in focus}
            else:
                values = {node: self.values(path, node) for node in focus}
        for param, arg in shape.constraints:
            yield from self._constraint(shape, param, arg, values)
        if shape.properties and not shape.is_property:
            for child in shape.properties:
                yield from self.evaluate(self.compiled.shape(child), focus)
        elif shape.properties:
            # The value nodes are the focus nodes of nested property shapes; a value node
            # reached from two focus nodes is validated twice (SHACL validates each focus
            # node on its own), so its results are given once per time it is reached.
            times = Counter(v for vs in values.values() for v in vs)
            for child in shape.properties:
                for found in self.evaluate(self.compiled.shape(child), list(times)):
                    copies = [replace(found, messages=list(found.messages))
                              for _ in range(times[found.focus] - 1)]
                    yield found
                    yield from copies
        if shape.sparql:
            yield from self._sparql(shape, set(focus))

    def conforming(self, node_shape, nodes: Iterable) -> set:
        """The nodes (given as value nodes) that conform to a shape."""
        memo = self._conforms.setdefault(node_shape, {})
        nodes = set(nodes)
        todo = [n for n in nodes if n not in memo]
        if todo:
            failed = {r.focus for r in self.evaluate(self.compiled.shape(node_shape), todo)}
            for n in todo:
                memo[n] = n not in failed
        return {n for n in nodes if memo[n]}

    def _result(self, shape: Shape, focus, value, param) -> RawResult:
        messages = shape.messages or [_generic(param)]
        return RawResult(focus, shape.path_node, value, shape.node, shape.severity,
                         COMPONENT[param], list(messages))

    def _constraint(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        check = _CHECKS.get(param, Evaluator._check_values)
        yield from check(self, shape, param, arg, values)

    def _check_count(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        limit, at_least = int(arg), param is _MIN_COUNT
        for focus, vs in values.items():
            if (len(vs) < limit) if at_least else (len(vs) > limit):
                yield self._result(shape, focus, None, param)

    def _check_has_value(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        wanted = from_rdflib(arg)
        for focus, vs in values.items():
            if wanted not in vs:
                yield self._result(shape, focus, None, param)

    def _check_unique_lang(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        if arg == Literal(True):
            for focus, vs in values.items():
                for _ in _duplicate_langs(vs):
                    yield self._result(shape, focus, None, param)

    def _check_class(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        instances = self.instances(arg)
        for focus, vs in values.items():
            for v in vs:
                if v not in instances or isinstance(v, ox.Literal):
                    yield self._result(shape, focus, v, param)

    def _check_node(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        """sh:node (the value conforms) and sh:not (it does not)."""
        ok = self.conforming(arg, {v for vs in values.values() for v in vs})
        want = param is _NOT
        for focus, vs in values.items():
            for v in vs:
                if (v in ok) == want:
                    yield self._result(shape, focus, v, param)

    def _check_logical(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        """sh:or, sh:and, sh:xone: how many of the listed shapes each value conforms to."""
        members = self.compiled.members(arg)
        every = {v for vs in values.values() for v in vs}
        passed = [self.conforming(m, every) for m in members]
        for focus, vs in values.items():
            for v in vs:
                count = sum(v in p for p in passed)
                good = (count >= 1 if param is _OR else count == len(members)
                        if param is _AND else count == 1)
                if not good:
                    yield self._result(shape, focus, v, param)

    def _check_equals(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        """sh:equals (each side's values are the other's) and sh:disjoint (none shared)."""
        other = self.pairs(arg)[0]
        for focus, vs in values.items():
            theirs = other.get(focus, _NONE)
            if param is _DISJOINT:
                yield from (self._result(shape, focus, v, param) for v in vs if v in theirs)
                continue
            yield from (self._result(shape, focus, v, param) for v in vs if v not in theirs)
            yield from (self._result(shape, focus, v, param) for v in theirs if v not in vs)

    def _check_less(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        other = self.pairs(arg)[0]
        for focus, vs in values.items():
            for v in vs:
                for w in other.get(focus, _NONE):
                    if not _less(v, w, param is _LESS_EQ):
                        yield self._result(shape, focus, v, param)

    def _check_closed(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        allowed = self.compiled.closed_properties(shape)
        for focus, vs in values.items():
            for v in vs:
                for p, o in self.statements(v):
                    if p not in allowed:
                        found = self._result(shape, focus, o, param)
                        found.path = URIRef(p)
                        yield found

    def _check_qualified(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        yield from self._qualified(shape, param, int(arg), values)

    def _check_values(self, shape: Shape, param, arg, values: dict) -> Iterator[RawResult]:
        """A test of each value on its own (datatype, pattern, ranges, ...)."""
        test = self.compiled.value_test(shape, param, arg)
        for focus, vs in values.items():
            for v in vs:
                if not test(v):
                    yield self._result(shape, focus, v, param)

    def statements(self, node) -> list:
        """(predicate, object) of every triple about ``node``, once each (internal terms)."""
        if isinstance(node, ox.Literal):
            return _NONE
        found = {(q.predicate.value, internal(q.object))
                 for q in self.store.quads_for_pattern(_ox(node), None, None, None)}
        return sorted(found, key=str)

    def _qualified(self, shape: Shape, param, limit: int, values: dict) -> Iterator[RawResult]:
        g = self.compiled.graph
        wanted = g.value(shape.node, SH.qualifiedValueShape)
        every = {v for vs in values.values() for v in vs}
        ok = self.conforming(wanted, every)
        if g.value(shape.node, SH.qualifiedValueShapesDisjoint) == Literal(True):
            for sibling in self.compiled.siblings(shape.node):
                ok -= self.conforming(sibling, every)
        for focus, vs in values.items():
            count = sum(1 for v in vs if v in ok)
            if (count < limit) if param is _Q_MIN else (count > limit):
                yield self._result(shape, focus, None, param)

    def _sparql(self, shape: Shape, focus: set) -> Iterator[RawResult]:
        fmt = sparql_message()  # pyshacl's, called with self=None (riskgraph.patches)
        for constraint, text, messages in shape.sparql:
            rows = self.query(text)
            names = [v.value for v in rows.variables]
            seen: set = set()
            for row in rows:
                this = row["this"] if "this" in names else None
                if this is None or internal(this) not in focus:
                    continue
                bound = {name: to_rdflib(row[name]) for name in names
                         if name != "this" and row[name] is not None}
                this = internal(this)
                key: tuple
                if "failure" in bound:
                    key = (this, True)
                else:
                    path, value = bound.pop("path", None), bound.pop("value", None)
                    key = (this, path, value, tuple(sorted(bound.items())))
                if key in seen:
                    continue
                seen.add(key)
                if key[1] is True:
                    yield RawResult(this, None, this, shape.node, shape.severity,
                                    SH.SPARQLConstraintComponent, shape.messages + messages,
                                    constraint)
                    continue
                value = this if value is None else from_rdflib(value)
                variables = dict(bound, this=external(this), value=external(value))
                if path is not None:
                    variables["path"] = path
                text_of = [fmt(None, m, variables) for m in shape.messages]
                text_of += [fmt(None, m, variables) for m in messages
                            if m not in shape.messages]
                yield RawResult(this, path, value, shape.node, shape.severity,
                                SH.SPARQLConstraintComponent,
                                text_of or ["SPARQL constraint not satisfied"], constraint)


_NONE: list = []  # the values of a node that has none (shared, never changed)
# The evaluator's check of each parameter (the rest test each value on its own).
_CHECKS: dict[Node, Callable[..., Iterator[RawResult]]] = {
    _MIN_COUNT: Evaluator._check_count, _MAX_COUNT: Evaluator._check_count,
    _HAS_VALUE: Evaluator._check_has_value, _UNIQUE_LANG: Evaluator._check_unique_lang,
    _CLASS: Evaluator._check_class, _NODE: Evaluator._check_node, _NOT: Evaluator._check_node,
    _OR: Evaluator._check_logical, _AND: Evaluator._check_logical,
    _XONE: Evaluator._check_logical, _EQUALS: Evaluator._check_equals,
    _DISJOINT: Evaluator._check_equals, _LESS: Evaluator._check_less,
    _LESS_EQ: Evaluator._check_less, _CLOSED: Evaluator._check_closed,
    _Q_MIN: Evaluator._check_qualified, _Q_MAX: Evaluator._check_qualified,
}


def _duplicate_langs(values: list) -> list[str]:
    seen, dupes = set(), []
    for v in values:
        if isinstance(v, ox.Literal) and v.language:
            low = v.language.lower()
            if low in seen and low not in dupes:
                dupes.append(low)
            seen.add(low)
    return dupes


def _less(v, w, or_equal: bool) -> bool:
    """SPARQL's ``<`` (``<=``) on two value nodes; False when they cannot be compared."""
    if not isinstance(v, ox.Literal) or not isinstance(w, ox.Literal):
        return False
    from pyshacl.rdfutil.compare import compare_literal

    a, b = to_rdflib(v), to_rdflib(w)
    if isinstance(a.value, str) != isinstance(b.value, str) or a.ill_typed or b.ill_typed:
        return False
    try:
        order = compare_literal(a, b)
    except (TypeError, NotImplementedError):
        return False
    return order <= 0 if or_equal else order < 0


def _generic(param) -> str:
    return f"value does not satisfy {_n3(COMPONENT[param])}"


# ---------------------------------------------------------------------------
# Value tests: pyshacl's rules, on the evaluator's nodes
# ---------------------------------------------------------------------------
_KINDS = {SH.IRI: (str,), SH.BlankNode: (ox.BlankNode,), SH.Literal: (ox.Literal,),
          SH.BlankNodeOrIRI: (ox.BlankNode, str), SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
          SH.IRIOrLiteral: (str, ox.Literal)}
_FLAGS_RE = {"i": re.I, "m": re.M, "s": re.S, "x": re.X}
_STRINGS = (str(XSD.string), str(RDF.langString))


def _value_test(param, arg, shape: Shape, graph: Graph):
    make = _VALUE_TESTS.get(param)
    if make is None:
        raise ValueError(f"no test for {param}")  # cannot happen: VALUE_PARAMS is checked
    return make(param, arg, shape, graph)


def _datatype_test(param, arg, shape: Shape, graph: Graph):
    assert_datatype = datatype_check()  # pyshacl's, called with self=None (riskgraph.patches)
    rule = str(arg)

    def datatype_ok(v):
        if not isinstance(v, ox.Literal):
            return False
        datatype = v.datatype.value
        if rule in _STRINGS:  # strings are never ill-typed
            return datatype == rule
        if arg == RDFS.Literal:
            return True
        if arg == RDFS.Datatype:
            return not v.language and datatype != _STRINGS[0]
        if datatype != rule:
            return False
        term = to_rdflib(v)
        return term.ill_typed is not True and assert_datatype(None, term, arg)
    return datatype_ok


def _node_kind_test(param, arg, shape: Shape, graph: Graph):
    kinds = _KINDS.get(arg, ())
    return lambda v: isinstance(v, kinds)


def _pattern_test(param, arg, shape: Shape, graph: Graph):
    flags = 0
    for f in str(graph.value(shape.node, SH.flags) or ""):
        flags |= _FLAGS_RE.get(f, 0)
    matcher = re.compile(str(arg), flags)

    def pattern_ok(v):
        if isinstance(v, ox.BlankNode):
            return False
        text = v if isinstance(v, str) else v.value  # a literal's lexical form
        return bool(matcher.match(text) or matcher.search(text))
    return pattern_ok


def _length_test(param, arg, shape: Shape, graph: Graph):
    limit = int(arg)
    at_least = param == SH.minLength

    def length_ok(v):
        if at_least and limit == 0:
            return True
        if isinstance(v, ox.BlankNode):
            return False
        size = len(v if isinstance(v, str) else v.value)
        return size >= limit if at_least else size <= limit
    return length_ok


def _language_test(param, arg, shape: Shape, graph: Graph):
    # sh:languageIn lists language-tag literals
    wanted = {str(cast(Literal, x).value).lower() for x in Collection(graph, arg)}

    def language_ok(v):
        if not isinstance(v, ox.Literal) or not v.language:
            return False
        lang = v.language.lower()
        return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted
    return language_ok


def _in_test(param, arg, shape: Shape, graph: Graph):
    members = [from_rdflib(x) for x in Collection(graph, arg)]
    return lambda v: v in members


def _range_test(param, arg, shape: Shape, graph: Graph):
    from pyshacl.rdfutil.compare import compare_literal

    bound_is_string = isinstance(arg.value, str)
    ok_cmp = {SH.minInclusive: lambda c: c >= 0, SH.maxInclusive: lambda c: c <= 0,
              SH.minExclusive: lambda c: c > 0, SH.maxExclusive: lambda c: c < 0}[param]

    def range_ok(v):
        if not isinstance(v, ox.Literal):
            return False
        term = to_rdflib(v)
        if isinstance(term.value, str) != bound_is_string:
            return False
        try:
            return ok_cmp(compare_literal(term, arg))
        except (TypeError, NotImplementedError):
            return False
    return range_ok


# Each value parameter's test maker: (param, arg, shape, shapes graph) -> test of a value.
_VALUE_TESTS: dict[Node, Callable[..., Callable]] = {
    SH.datatype: _datatype_test, SH.nodeKind: _node_kind_test, SH.pattern: _pattern_test,
    SH.minLength: _length_test, SH.maxLength: _length_test, SH.languageIn: _language_test,
    SH["in"]: _in_test, SH.minInclusive: _range_test, SH.maxInclusive: _range_test,
    SH.minExclusive: _range_test, SH.maxExclusive: _range_test,
}


# ---------------------------------------------------------------------------
# The pyshacl fallback, for the shapes this engine leaves alone
# ---------------------------------------------------------------------------
def fallback_results(compiled: CompiledShapes, evaluator: Evaluator,
                     data: Graph | None) -> list[RawResult]:
    """Run pyshacl for the shapes in ``compiled.fallback`` only, on the same focus nodes."""
    if not compiled.fallback:
        return []
    from pyshacl import validate

    shapes = Graph()
    for triple in compiled.graph:
        if triple[1] not in TARGETS and not (triple[1] == RDF.type and triple[2] in CLASS_TYPES
                                             and triple[0] in compiled.shapes):
            shapes.add(triple)  # every target is listed below, for the fallback shapes only
    for node in compiled.fallback:
        for focus in evaluator.focus_nodes(compiled.shape(node)):
            shapes.add((node, SH.targetNode, external(focus)))
    graph = data if data is not None else store_as_graph(evaluator.store)
    from pyshacl.errors import ReportableRuntimeError

    try:
        _, report, _ = validate(graph, shacl_graph=shapes, inference="none",
                                abort_on_first=False, allow_warnings=False, meta_shacl=False,
                                js=False, debug=False)
    except ReportableRuntimeError as why:  # pyshacl's word for shapes it cannot load
        raise ShapeError(f"pyshacl, checking the shapes left to it: {why.message}") from None
    found = []
    for result in report.objects(None, SH.result):
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        if isinstance(path, BNode):  # pyshacl copies a complex path: point at the shape's
            path = compiled.graph.value(shape, SH.path) or path
        found.append(RawResult(
            report.value(result, SH.focusNode), path, report.value(result, SH.value), shape,
            report.value(result, SH.resultSeverity),
            report.value(result, SH.sourceConstraintComponent),
            [str(m) for m in report.objects(result, SH.resultMessage)],
            report.value(result, SH.sourceConstraint)))
    return found


def validate_store(compiled: CompiledShapes, store: ox.Store, universe: Universe | None = None,
                   data: Graph | None = None, kept: dict | None = None) -> list[RawResult]:
    """Every result for the store's graph: compiled shapes here, the rest by pyshacl.
    ``kept``: the literals the store retyped, as ``add_quads`` recorded them."""
    evaluator = Evaluator(compiled, store, universe, kept)
    results = list(evaluator.run(skip=compiled.fallback))
    results += fallback_results(compiled, evaluator, data)
    return results
