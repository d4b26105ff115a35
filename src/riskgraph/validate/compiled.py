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
to pyshacl, for that shape only. tests/test_validate_fast.py checks, on fixtures, the
bundled data and a generated graph with every constraint violated, that the results
are pyshacl's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

DATA_GRAPH = ox.NamedNode("urn:riskgraph:validate:data")
ONTOLOGY_GRAPH = ox.NamedNode("urn:riskgraph:validate:ontology")

# Parameters this engine evaluates; anything else on a shape sends it to pyshacl.
LOGICAL = {SH["or"], SH["and"], SH["not"], SH.xone}
VALUE_PARAMS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.flags, SH.languageIn,
                SH.hasValue, SH["in"], SH.minInclusive, SH.maxInclusive, SH.minExclusive,
                SH.maxExclusive, SH.node} | LOGICAL
NODE_PARAMS = VALUE_PARAMS | {SH.property, SH.sparql}
PROPERTY_PARAMS = VALUE_PARAMS | {SH.property, SH.sparql, SH.minCount, SH.maxCount,
                                  SH.uniqueLang}
# Shape metadata that changes no result.
METADATA = {SH.path, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
            SH.defaultValue, SH.deactivated, SH.targetClass, SH.targetNode,
            SH.targetSubjectsOf, SH.targetObjectsOf, SH.declare, SH.prefixes}
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent, SH.node: SH.NodeConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent, SH.xone: SH.XoneConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent, SH.sparql: SH.SPARQLConstraintComponent,
}
# A SPARQL constraint is run once for all focus nodes only when binding $this
# first could not change its rows.
_PER_FOCUS_ONLY = re.compile(r"\b(LIMIT|OFFSET|GROUP\s+BY|HAVING|SERVICE|MINUS|"
                             r"COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|\$PATH|\$shapesGraph|"
                             r"\$currentShape)\b|\{\s*SELECT", re.I)
_PROJECTS_THIS = re.compile(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?[^{]*[$?]this\b", re.I)
_XSD_STRING = ox.NamedNode(str(XSD.string))
_LANG_STRING = ox.NamedNode(str(RDF.langString))


# ---------------------------------------------------------------------------
# Terms between pyoxigraph and rdflib
# ---------------------------------------------------------------------------
def to_rdflib(term):
    """pyoxigraph term -> rdflib term (plain literals come back without a datatype,
    as rdflib parses ``"x"``)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_oxigraph(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


_BNODE_OK = re.compile(r"^[A-Za-z0-9_]+$")


def _bnode_id(node: BNode) -> str:
    """rdflib's blank node id, kept when pyoxigraph accepts it (so reports agree)."""
    text = str(node)
    return text if _BNODE_OK.match(text) else "x" + text.encode().hex()


def add_graph(store: ox.Store, graph: Graph, named: ox.NamedNode) -> None:
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), named)
                 for s, p, o in graph)


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
    node: object  # the shape's IRI or blank node in the shapes graph
    is_property: bool
    path: object = None  # ("p", iri) | ("inv", path) | ("alt", [...]) | ("seq", [...])
    path_node: object = None  # the sh:path value, as reported in sh:resultPath
    severity: URIRef = SH.Violation
    messages: list[str] = field(default_factory=list)
    deactivated: bool = False
    constraints: list[tuple[URIRef, object]] = field(default_factory=list)  # (param, value)
    properties: list[object] = field(default_factory=list)  # property shape nodes
    sparql: list[tuple[object, str, list[str]]] = field(default_factory=list)
    targets: list[tuple[URIRef, object]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


@dataclass
class RawResult:
    """One SHACL result as pyshacl would write it, in rdflib terms."""

    focus: object
    path: object  # the path node (IRI or the blank node of a complex path) or None
    value: object
    shape: object
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
        roots = {s for t in TARGETS for s in shapes.subjects(t, None)}
        roots |= {s for t in SHAPE_TYPES for s in shapes.subjects(RDF.type, t)}
        for node in roots:
            self.shape(node)
        self.targeted = [s for s in self.shapes.values() if s.targets and not s.deactivated]
        # A shape falls back to pyshacl when it, or a shape it depends on, is unsupported.
        self.fallback = {s.node: self._why_unsupported(s.node, set()) for s in self.targeted}
        self.fallback = {node: why for node, why in self.fallback.items() if why}

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
            except ValueError as why:
                shape.unsupported.append(str(why))
        shape.severity = g.value(node, SH.severity) or SH.Violation
        shape.messages = [str(m) for m in g.objects(node, SH.message)]
        shape.deactivated = g.value(node, SH.deactivated) == Literal(True)
        allowed = PROPERTY_PARAMS if shape.is_property else NODE_PARAMS
        for param, value in g.predicate_objects(node):
            if param in TARGETS:
                shape.targets.append((param, value))
            elif param == SH.property:
                shape.properties.append(value)
                self.shape(value)
                if shape.is_property:
                    shape.unsupported.append(f"sh:property on property shape {_n3(node)}")
            elif param == SH.sparql:
                self._sparql(shape, value)
            elif param in allowed:
                shape.constraints.append((param, value))
                for nested in self._nested(param, value):
                    self.shape(nested)
            elif str(param).startswith(str(SH)) and param not in METADATA:
                shape.unsupported.append(f"{_n3(param)} on {_n3(node)}")
        if any(p == SH.flags for p, _ in shape.constraints) and not any(
                p == SH.pattern for p, _ in shape.constraints):
            shape.constraints = [(p, v) for p, v in shape.constraints if p != SH.flags]
        return shape

    def _nested(self, param, value) -> list:
        if param == SH.node or param == SH["not"]:
            return [value]
        if param in LOGICAL:
            return list(Collection(self.graph, value))
        return []

    def _path(self, node):
        g = self.graph
        if isinstance(node, URIRef):
            return ("p", node)
        if (node, RDF.first, None) in g:
            return ("seq", [self._path(n) for n in Collection(g, node)])
        inverse = g.value(node, SH.inversePath)
        if inverse is not None:
            return ("inv", self._path(inverse))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return ("alt", [self._path(n) for n in Collection(g, alternatives)])
        raise ValueError(f"path {_n3(node)} (zero/one-or-more paths are left to pyshacl)")

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

    def _why_unsupported(self, node, seen: set) -> str | None:
        if node in seen:
            return None
        seen.add(node)
        shape = self.shapes[node]
        if shape.unsupported:
            return "; ".join(shape.unsupported)
        nested = list(shape.properties)
        for param, value in shape.constraints:
            nested += self._nested(param, value)
        for child in nested:
            why = self._why_unsupported(child, seen)
            if why:
                return why
        return None


def _n3(term) -> str:
    return f"<{term}>" if isinstance(term, URIRef) else "[]"


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------
class Evaluator:
    """Evaluates compiled shapes over a pyoxigraph store.

    ``universe`` is the set of nodes that may be focus nodes of a targeted shape
    (the dataset's own subjects: the ontology beside it is context, not data); None
    means every node, as in a plain SHACL run.
    """

    def __init__(self, compiled: CompiledShapes, store: ox.Store,
                 universe: set | None = None) -> None:
        self.compiled = compiled
        self.store = store
        self.universe = universe
        self._pairs: dict[URIRef, tuple[dict, dict]] = {}
        self._instances: dict[URIRef, set] = {}
        self._conforms: dict[object, dict] = {}
        self._terms: dict = {}

    # -- data access ---------------------------------------------------------
    def query(self, text: str):
        return self.store.query(text, use_default_graph_as_union=True)

    def term(self, term):
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = to_rdflib(term)
        return found

    def pairs(self, predicate: URIRef) -> tuple[dict, dict]:
        """subject -> objects and object -> subjects of one predicate."""
        found = self._pairs.get(predicate)
        if found is None:
            forward: dict = {}
            backward: dict = {}
            term = self.term
            # DISTINCT: a triple written in two graphs (data and ontology) counts once.
            for s, o in self.query(f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):
                s, o = term(s), term(o)
                forward.setdefault(s, []).append(o)
                backward.setdefault(o, []).append(s)
            found = self._pairs[predicate] = (forward, backward)
        return found

    def instances(self, cls: URIRef) -> set:
        found = self._instances.get(cls)
        if found is None:
            rows = self.query(f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF.type}>/<{RDFS.subClassOf}>* "
                              f"<{cls}> }}")
            found = self._instances[cls] = {self.term(row[0]) for row in rows}
        return found

    def values(self, path, node) -> list:
        kind, arg = path
        if kind == "p":
            return self.pairs(arg)[0].get(node, [])
        if kind == "inv":
            if arg[0] != "p":
                raise ValueError("inverse of a complex path")
            return self.pairs(arg[1])[1].get(node, [])
        if kind == "alt":
            out: list = []
            for part in arg:
                out += [v for v in self.values(part, node) if v not in out]
            return out
        current = [node]  # sequence
        for part in arg:
            step: list = []
            for n in current:
                step += [v for v in self.values(part, n) if v not in step]
            current = step
        return current

    # -- targets -------------------------------------------------------------
    def focus_nodes(self, shape: Shape) -> set:
        nodes: set = set()
        for kind, target in shape.targets:
            if kind == SH.targetClass:
                nodes |= self.instances(target)
            elif kind == SH.targetSubjectsOf:
                nodes |= set(self.pairs(target)[0])
            elif kind == SH.targetObjectsOf:
                nodes |= set(self.pairs(target)[1])
            elif kind == SH.targetNode:
                nodes.add(target)
        return nodes if self.universe is None else nodes & self.universe

    def run(self, skip: Iterable = ()) -> Iterator[RawResult]:
        """Every result of every targeted shape (those in ``skip`` left out)."""
        skip = set(skip)
        for shape in self.compiled.targeted:
            if shape.node in skip:
                continue
            focus = self.focus_nodes(shape)
            if focus:
                yield from self.evaluate(shape, focus)

    # -- one shape over many focus nodes --------------------------------------
    def evaluate(self, shape: Shape, focus: Iterable) -> Iterator[RawResult]:
        if shape.deactivated:
            return
        focus = list(focus)
        for node in focus:
            values = self.values(shape.path, node) if shape.is_property else [node]
            yield from self._constraints(shape, node, values)
        for child in shape.properties:
            yield from self.evaluate(self.compiled.shape(child), focus)
        if shape.sparql:
            yield from self._sparql(shape, set(focus))

    def conforming(self, node_shape, nodes: Iterable) -> set:
        """The nodes (given as value nodes) that conform to a shape."""
        memo = self._conforms.setdefault(node_shape, {})
        todo = [n for n in set(nodes) if n not in memo]
        if todo:
            failed = {r.focus for r in self.evaluate(self.compiled.shape(node_shape), todo)}
            for n in todo:
                memo[n] = n not in failed
        return {n for n in nodes if memo[n]}

    def _result(self, shape: Shape, focus, value, param) -> RawResult:
        messages = shape.messages or [_generic(param)]
        return RawResult(focus, shape.path_node, value, shape.node, shape.severity,
                         COMPONENT[param], list(messages))

    def _constraints(self, shape: Shape, focus, values: list) -> Iterator[RawResult]:
        graph = self.compiled.graph
        for param, arg in shape.constraints:
            if param == SH.minCount:
                if len(values) < int(arg):
                    yield self._result(shape, focus, None, param)
            elif param == SH.maxCount:
                if len(values) > int(arg):
                    yield self._result(shape, focus, None, param)
            elif param == SH.hasValue:
                if arg not in values:
                    yield self._result(shape, focus, None, param)
            elif param == SH.uniqueLang:
                if arg == Literal(True) and _duplicate_langs(values):
                    for _ in _duplicate_langs(values):
                        yield self._result(shape, focus, None, param)
            elif param == SH["class"]:
                members = self.instances(arg)
                for v in values:
                    if isinstance(v, Literal) or v not in members:
                        yield self._result(shape, focus, v, param)
            elif param in (SH.node, SH["not"]):
                ok = self.conforming(arg, values)
                for v in values:
                    if (v in ok) == (param == SH["not"]):
                        yield self._result(shape, focus, v, param)
            elif param in LOGICAL:
                members = list(Collection(graph, arg))
                passed = [self.conforming(m, values) for m in members]
                for v in values:
                    count = sum(v in p for p in passed)
                    good = (count >= 1 if param == SH["or"] else count == len(members)
                            if param == SH["and"] else count == 1)
                    if not good:
                        yield self._result(shape, focus, v, param)
            elif param == SH.flags:
                continue
            else:
                test = _value_test(param, arg, shape, graph)
                for v in values:
                    if not test(v):
                        yield self._result(shape, focus, v, param)

    def _sparql(self, shape: Shape, focus: set) -> Iterator[RawResult]:
        from pyshacl.constraints.constraint_component import ConstraintComponent

        for constraint, text, messages in shape.sparql:
            rows = self.query(text)
            names = [v.value for v in rows.variables]
            seen: set = set()
            for row in rows:
                bound = {name: self.term(row[name]) for name in names if row[name] is not None}
                this = bound.pop("this", None)
                if this not in focus:
                    continue
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
                value = this if value is None else value
                variables = dict(bound, this=this, value=value)
                if path is not None:
                    variables["path"] = path
                text_of = [ConstraintComponent._format_sparql_based_result_message(
                    None, m, variables) for m in shape.messages]
                text_of += [ConstraintComponent._format_sparql_based_result_message(
                    None, m, variables) for m in messages if m not in shape.messages]
                yield RawResult(this, path, value, shape.node, shape.severity,
                                SH.SPARQLConstraintComponent,
                                text_of or ["SPARQL constraint not satisfied"], constraint)


def _duplicate_langs(values: list) -> list[str]:
    seen, dupes = set(), []
    for v in values:
        if isinstance(v, Literal) and v.language:
            low = v.language.lower()
            if low in seen and low not in dupes:
                dupes.append(low)
            seen.add(low)
    return dupes


def _generic(param) -> str:
    return f"value does not satisfy {_n3(COMPONENT[param])}"


# ---------------------------------------------------------------------------
# Value tests: pyshacl's rules, on rdflib terms
# ---------------------------------------------------------------------------
_NUMBER_KINDS = {SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,),
                 SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
                 SH.IRIOrLiteral: (URIRef, Literal)}
_FLAGS = {"i": re.I, "m": re.M, "s": re.S, "x": re.X}


def _value_test(param, arg, shape: Shape, graph: Graph):
    if param == SH.datatype:
        from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

        def datatype_ok(v):
            if not isinstance(v, Literal):
                return False
            if v.datatype == arg:
                return v.ill_typed is not True and DatatypeConstraintComponent.\
                    _assert_actual_datatype(None, v, arg)
            if arg == RDFS.Literal:
                return True
            if arg == RDFS.Datatype and v.datatype:
                return True
            if v.datatype is None and v.language is None and arg == XSD.string:
                return isinstance(v.value, (str, bytes))
            if arg == RDF.langString and v.language:
                return isinstance(v.value, (str, bytes))
            return False
        return datatype_ok
    if param == SH.nodeKind:
        kinds = _NUMBER_KINDS.get(arg, ())
        return lambda v: isinstance(v, kinds)
    if param == SH.pattern:
        flags = 0
        for f in str(graph.value(shape.node, SH.flags) or ""):
            flags |= _FLAGS.get(f, 0)
        matcher = re.compile(str(arg), flags)

        def pattern_ok(v):
            if isinstance(v, BNode):
                return False
            if isinstance(v, Literal) and v.value is not None and v.datatype in (
                    None, RDF.langString, XSD.string):
                text = str(v.value)
            else:
                text = str(v)
            return bool(matcher.match(text) or matcher.search(text))
        return pattern_ok
    if param == SH.languageIn:
        wanted = {str(x.value).lower() for x in Collection(graph, arg)}

        def language_ok(v):
            if not isinstance(v, Literal) or not v.language:
                return False
            lang = str(v.language).lower()
            return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted
        return language_ok
    if param == SH["in"]:
        members = list(Collection(graph, arg))
        return lambda v: v in members
    if param in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
        from pyshacl.rdfutil.compare import compare_literal

        bound_is_string = isinstance(arg.value, str)
        ok_cmp = {SH.minInclusive: lambda c: c >= 0, SH.maxInclusive: lambda c: c <= 0,
                  SH.minExclusive: lambda c: c > 0, SH.maxExclusive: lambda c: c < 0}[param]

        def range_ok(v):
            if not isinstance(v, Literal):
                return False
            if isinstance(v.value, str) != bound_is_string:
                return False
            try:
                return ok_cmp(compare_literal(v, arg))
            except (TypeError, NotImplementedError):
                return False
        return range_ok
    raise ValueError(f"no test for {param}")  # cannot happen: VALUE_PARAMS is checked


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
        if triple[1] not in TARGETS:
            shapes.add(triple)
    for node in compiled.fallback:
        for focus in evaluator.focus_nodes(compiled.shape(node)):
            shapes.add((node, SH.targetNode, focus))
    graph = data if data is not None else store_as_graph(evaluator.store)
    _, report, _ = validate(graph, shacl_graph=shapes, inference="none", abort_on_first=False,
                            allow_warnings=False, meta_shacl=False, js=False, debug=False)
    found = []
    for result in report.objects(None, SH.result):
        found.append(RawResult(
            report.value(result, SH.focusNode), report.value(result, SH.resultPath),
            report.value(result, SH.value), report.value(result, SH.sourceShape),
            report.value(result, SH.resultSeverity),
            report.value(result, SH.sourceConstraintComponent),
            [str(m) for m in report.objects(result, SH.resultMessage)],
            report.value(result, SH.sourceConstraint)))
    return found


def validate_store(compiled: CompiledShapes, store: ox.Store, universe: set | None = None,
                   data: Graph | None = None) -> list[RawResult]:
    """Every result for the store's graph: compiled shapes here, the rest by pyshacl."""
    evaluator = Evaluator(compiled, store, universe)
    results = list(evaluator.run(skip=compiled.fallback))
    results += fallback_results(compiled, evaluator, data)
    return results


def universe_of(store: ox.Store, graph: ox.NamedNode = DATA_GRAPH) -> set:
    """The subjects of the dataset's own graph, ontology headers excepted."""
    name = graph.value
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} "
                       f"FILTER NOT EXISTS {{ GRAPH <{name}> {{ ?s a <{OWL.Ontology}> }} }} }}")
    return {to_rdflib(row[0]) for row in rows}
