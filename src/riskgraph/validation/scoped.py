"""Validate contributions (and the bundled data) against ontology/shapes.ttl.

How a file is checked, and why:
- it is parsed first with ``loading.read_rdf_file`` (file/line/column errors, no
  RDF/XML, nothing fetched); a file that does not parse is reported and skipped;
- shapes come only from ontology/shapes.ttl; shapes inside a contribution and
  ``owl:imports`` are dropped with a message (and exit code 2);
- the data graph is small: the ontology, the file, the bundled description of the
  entities the file itself describes, and for everything else the file refers to
  only its type, label, scheme and broader concepts (so a reference to an existing
  risk resolves and a misspelt IRI does not), plus bundled entities that share a
  label with one of the file's entities (for the unique-label check);
- only the file's own entities are focus nodes: the shapes' targets are rewritten
  to ``sh:targetNode`` lists, so the cost follows the file, not the bundled graph.
  (pyshacl's ``focus_nodes`` option is not used: it also filters the value nodes
  of nested shapes such as ``sh:or``, so those constraints would silently pass.)
- pyshacl runs as a library with inference off.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from riskgraph import resources
from riskgraph.errors import InputError
from riskgraph.io.atomic import is_same_file
from riskgraph.io.rdf import load_bundled, load_files, ontology_files, read_rdf_file
from riskgraph.namespaces import RGSH_IRI, bind_prefixes
from riskgraph.reason.classes import superclass_closure
from riskgraph.validation.additions import RGSH as RULES_NS
from riskgraph.validation.additions import SHAPE, Rules
from riskgraph.validation.locate import LOCAL_NAME, EntityLocator
from riskgraph.validation.results import FileReport, Problem, ValidationReport

RGSH = Namespace(RGSH_IRI)
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape, SH.Shape)
# What the data graph carries about a bundled node the contribution only refers to.
CLOSURE = (RDF.type, RDFS.label, SKOS.inScheme, SKOS.broader)
FOLLOW = (SKOS.inScheme, SKOS.broader)
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


# ---------------------------------------------------------------------------
# Shapes, ontology and the bundled context
# ---------------------------------------------------------------------------
def namespace_graph() -> Graph:
    graph = bind_prefixes(Graph(bind_namespaces="core"))
    graph.bind("sh", SH)
    graph.bind("rgsh", RGSH)
    return graph


@cache
def _shapes() -> Graph:
    return read_rdf_file(resources.shapes_file()).graph


def load_shapes() -> Graph:
    """ontology/shapes.ttl: the only shapes riskgraph validates against."""
    return _shapes()


def _bundle_key() -> tuple:
    """Names, sizes and modification times of the bundled files: a new key when any changes."""
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns)
                 for p in ontology_files() + resources.data_files())


@lru_cache(maxsize=2)
def _bundled_graphs(key: tuple) -> tuple[Graph, Graph]:
    """The ontology and the bundled graph, parsed once per process and bundle version."""
    ontology = load_files(ontology_files(), bundled=True)
    return ontology, load_bundled(ontology=ontology)


class Context:
    """The graph a contribution is validated against: the ontology and the data
    it may refer to. Loaded once per run; lookups go through rdflib's indexes."""

    def __init__(self, graph: Graph | ReadOnlyGraphAggregate, ontology: Graph) -> None:
        self.graph = graph
        self.ontology = ontology
        self.superclasses = superclass_closure(ontology)

    @classmethod
    def bundled(cls, extra: Iterable[Graph] = ()) -> Context:
        ontology, bundled = _bundled_graphs(_bundle_key())
        # A read-only union, not a copy (a copy of the bundled graph costs about a
        # second): the cached graph is never changed.
        return cls(ReadOnlyGraphAggregate([bundled, *extra]), ontology)

    def types_of(self, node, graph: Graph) -> set[URIRef]:
        found: set[URIRef] = set()
        for cls in graph.objects(node, RDF.type):
            if isinstance(cls, URIRef):
                found |= self.superclasses.get(cls, {cls})
        return found


# ---------------------------------------------------------------------------
# One file
# ---------------------------------------------------------------------------
def strip_shapes(graph: Graph) -> int:
    """Remove every shape (and what hangs off it) from a contribution; return how many."""
    typed = {s for t in SHAPE_TYPES for s in graph.subjects(RDF.type, t)}
    untyped = {s for p in (SH.property, SH.path) + TARGETS for s in graph.subjects(p, None)}
    roots = typed | {s for s in untyped if not isinstance(s, BNode)}
    todo = list(typed | untyped)
    seen: set = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in list(graph.predicate_objects(node)):
            graph.remove((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    stray = [(s, p, o) for s, p, o in graph if str(p).startswith(str(SH))]
    for triple in stray:
        graph.remove(triple)
    return len(roots) or (1 if seen or stray else 0)


def focus_nodes(contribution: Graph) -> set:
    """The contribution's own entities: every subject except an ontology header."""
    headers = set(contribution.subjects(RDF.type, OWL.Ontology))
    return {s for s in contribution.subjects() if s not in headers}


class _DataGraph(Graph):
    """A graph that parses each SPARQL text once: pyshacl runs every SPARQL constraint
    once per focus node, and rdflib would otherwise parse the query text each time
    (parsing, not evaluation, dominated validation time)."""

    _prepared: dict[str, object] = {}

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            prepared = self._prepared.get(query_object)
            if prepared is None:
                from rdflib.plugins.sparql import prepareQuery

                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def data_graph(contribution: Graph, focus: set, context: Context) -> Graph:
    graph = _DataGraph()
    graph += context.ontology
    graph += contribution
    bundled = context.graph
    for node in focus:  # the bundled description of entities the file extends
        if isinstance(node, URIRef):
            for p, o in bundled.predicate_objects(node):
                graph.add((node, p, o))
    frontier = {o for node in focus for o in graph.objects(node, None)
                if isinstance(o, URIRef)} - focus
    seen: set = set()
    while frontier:  # what the file refers to: type, label, scheme, broader
        node = frontier.pop()
        seen.add(node)
        for predicate in CLOSURE:
            for value in bundled.objects(node, predicate):
                graph.add((node, predicate, value))
                if predicate in FOLLOW and isinstance(value, URIRef) and value not in seen:
                    frontier.add(value)
    for node in focus:  # bundled namesakes, for the unique-label check
        for label in list(graph.objects(node, RDFS.label)):
            for other in bundled.subjects(RDFS.label, label):
                if other != node:
                    graph.add((other, RDFS.label, label))
                    for cls in bundled.objects(other, RDF.type):
                        graph.add((other, RDF.type, cls))
    return graph


def targeted_shapes(shapes: Graph, data: Graph, focus: set, context: Context) -> Graph:
    """A copy of the shapes whose targets are the matching focus nodes, listed."""
    targeted = Graph()
    for triple in shapes:
        if triple[1] not in TARGETS:
            targeted.add(triple)
    types = {node: context.types_of(node, data) for node in focus}
    for shape, kind, target in shapes.triples((None, None, None)):
        if kind == SH.targetClass:
            nodes = [n for n in focus if target in types[n]]
        elif kind == SH.targetSubjectsOf:
            nodes = [n for n in focus if (n, target, None) in data]
        elif kind == SH.targetObjectsOf:
            nodes = [o for n in focus for o in data.objects(n, target) if o in focus]
        elif kind == SH.targetNode:
            nodes = [target] if target in focus else []
        else:
            continue
        for node in nodes:
            targeted.add((shape, SH.targetNode, node))
    return targeted


def _short(term, names: Graph) -> str:
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, namespace in _namespaces(names):
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and LOCAL_NAME.match(local):
                return f"{prefix}:{local}"
        return f"<{iri}>"
    if isinstance(term, Literal):
        plain = (XSD.integer, XSD.decimal, XSD.boolean, XSD.double)
        if term.datatype in plain and term.ill_typed is not True:
            return str(term)
        return term.n3(names.namespace_manager)
    if isinstance(term, BNode):
        return "[]"
    return str(term)


def _namespaces(names: Graph) -> list[tuple[str, str]]:
    """Bound namespaces, longest first, so concept: wins over a shorter match."""
    cached = getattr(names, "_riskgraph_namespaces", None)
    if cached is None:
        cached = sorted(((p, str(n)) for p, n in names.namespaces()),
                        key=lambda pn: -len(pn[1]))
        # a per-graph cache kept on the instance; Graph declares no such attribute
        names._riskgraph_namespaces = cached  # type: ignore[attr-defined]
    return cached


def _path_text(path, results: Graph, names: Graph) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _short(path, names)
    alternatives = results.value(path, SH.alternativePath)
    if alternatives is not None:
        items = []
        while alternatives and alternatives != RDF.nil:
            items.append(_short(results.value(alternatives, RDF.first), names))
            alternatives = results.value(alternatives, RDF.rest)
        return " | ".join(items)
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _short(inverse, names)
    return "(path)"


_IRI_IN_TEXT = re.compile(r"<?(https?://[^\s<>,;'\"]+?)>?(?=[\s,;:'\"]|$)")


def _shorten_iris(message: str, names: Graph) -> str:
    """Write the IRIs a SPARQL message names in their short form (rg:mitigtes)."""
    return _IRI_IN_TEXT.sub(lambda m: _short(URIRef(m.group(1)), names)
                            if not _short(URIRef(m.group(1)), names).startswith("<")
                            else m.group(0), message)


def make_problem(focus, path, value, severity, messages: list[str], shape, component,
                 locator, names: Graph, path_graph: Graph) -> Problem:
    """One result, from its terms, as a ``Problem`` (whichever engine produced it).
    ``path_graph`` holds the structure of a complex path (the report or the shapes)."""
    entity = locator.place(str(focus)) if isinstance(focus, URIRef) else None
    statement = locator.statement(str(focus), str(path), value) if isinstance(
        focus, URIRef) and isinstance(path, URIRef) else None
    where = statement or entity
    return Problem(
        severity=SEVERITIES.get(severity, _short(severity, names)),
        entity=_short(focus, names), line=where and where.line,
        column=where and where.column, entity_line=entity and entity.line,
        path=_path_text(path, path_graph, names),
        value=None if value is None or value == focus else _short(value, names),
        message=_shorten_iris(min(messages, key=len), names) if messages
        else "does not conform",
        shape=_short(shape, names) if isinstance(shape, URIRef) else None,
        component=_short(component, names) if component is not None else None,
        terms={"focus": focus, "path": path if isinstance(path, URIRef) else None,
               "value": value, "severity": severity,
               "shape": shape if isinstance(shape, URIRef) else None,
               "component": component, "path_node": path, "source_shape": shape})


SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def sort_problems(found: list[Problem]) -> list[Problem]:
    found.sort(key=lambda p: (p.entity_line is None, p.entity_line or 0, p.entity,
                              SEVERITY_ORDER.get(p.severity, 3), p.line or 0, p.path or "",
                              p.value or ""))
    return found


def problems_from(results: Graph, locator: EntityLocator, names: Graph) -> list[Problem]:
    found = []
    # Only the report's own results: nested sh:detail results repeat them.
    for result in results.objects(None, SH.result):
        found.append(make_problem(
            results.value(result, SH.focusNode), results.value(result, SH.resultPath),
            results.value(result, SH.value), results.value(result, SH.resultSeverity),
            [str(m) for m in results.objects(result, SH.resultMessage)],
            results.value(result, SH.sourceShape),
            results.value(result, SH.sourceConstraintComponent), locator, names, results))
    return sort_problems(found)


def check_graph(contribution: Graph, context: Context, locator: EntityLocator,
                names: Graph | None = None) -> list[Problem]:
    """Validate one parsed contribution against the shapes, in ``context``."""
    from pyshacl import validate

    focus = focus_nodes(contribution)
    if not focus:
        return []
    data = data_graph(contribution, focus, context)
    shapes = targeted_shapes(load_shapes(), data, focus, context)
    _, results, _ = validate(data, shacl_graph=shapes, inference="none", inplace=True,
                             abort_on_first=False, allow_warnings=False, meta_shacl=False,
                             js=False, debug=False)
    return problems_from(results, locator, names or namespace_graph())


def _placeholder_hint(error: InputError, text: str | None) -> InputError:
    """Point at unfilled template placeholders, the usual cause of a syntax error."""
    if text and "{{" in text:
        error.hint = ("the file still holds template placeholders {{...}}: replace each "
                      "with a value (see docs/contributing.md)")
    return error


def read_contribution(path: Path, max_bytes: int | None = None, keep_shapes: bool = False,
                      ) -> tuple[FileReport, Graph | None, str | None]:
    """Read one file; shapes in it are stripped and reported unless ``keep_shapes``
    (data checked against a user's own shapes, where they are data like any other)."""
    report = FileReport(Path(path))
    try:
        loaded = read_rdf_file(path) if max_bytes is None else read_rdf_file(
            path, max_bytes=max_bytes)
    except InputError as error:
        text = None
        if "syntax" in error.message:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                text = Path(path).read_text(encoding="utf-8")
        report.error = _placeholder_hint(error, text)
        return report, None, None
    graph = loaded.graph
    shapes = 0 if keep_shapes else strip_shapes(graph)
    if shapes:
        report.ignored.append(
            f"{shapes} SHACL shape(s) in this file were ignored: riskgraph validates only "
            "against its own ontology/shapes.ttl; remove them from the contribution")
    for target in list(graph.objects(None, OWL.imports)):
        report.ignored.append(
            f"owl:imports <{target}> was ignored and not fetched: riskgraph never loads "
            "remote documents; remove the import and refer to terms by IRI")
        graph.remove((None, OWL.imports, target))
    report.triples = len(graph)
    return report, graph, loaded.text


def validate_files(paths: Iterable[Path | str], *, context: Context | None = None,
                   bundled_context: bool = True) -> ValidationReport:
    """Validate each file; every problem in every readable file is reported.

    Files are validated together with the bundled graph and with each other, so a
    contribution may refer to existing entities and to entities in its sibling files.
    """
    files = [Path(p) for p in paths]
    read = [read_contribution(p) for p in files]
    readable = [graph for _, graph, _ in read if graph is not None]
    if context is None:
        context = Context.bundled(readable) if bundled_context else Context(
            _merge(readable), load_files(ontology_files(), bundled=True))
    names = namespace_graph()
    seen: set[tuple] = set()
    reports = []
    rules = _rules(context.ontology)
    existing = _existing_without(list(files)) if bundled_context else None
    for report, graph, text in read:
        reports.append(report)
        if graph is None:
            continue
        locator = EntityLocator(text or "", json=report.path.suffix.lower() in (".jsonld",
                                                                                ".json"))
        report.entities = len(focus_nodes(graph))
        problems = check_graph(graph, context, locator, names)
        if existing is not None:  # a contribution: what it may not say (additions.py)
            problems = sort_problems(problems + rule_problems(
                rules, graph, existing, context.graph, locator, names))
        for problem in problems:
            key = (problem.entity, problem.path, problem.value, problem.message,
                   problem.shape, problem.component)
            if key not in seen:  # an entity written in two files is reported once
                seen.add(key)
                problem.file = report.path
                report.problems.append(problem)
    return ValidationReport(reports)


def _existing_without(paths: list[Path]) -> Graph:
    """What the contribution adds to: the bundled graph, less any bundled file being
    validated (an edit of data/ is checked against the rest, not against itself)."""
    data = [f for f in resources.data_files()
            if not any(is_same_file(p, f) for p in paths)]  # never raises on a link loop
    if len(data) == len(resources.data_files()):
        return _bundled_graphs(_bundle_key())[1]
    graph = Graph()
    graph += _bundled_graphs(_bundle_key())[0]
    return load_files(data, graph, bundled=True)


@lru_cache(maxsize=2)
def _rules(ontology: Graph):
    return Rules(ontology)


def rule_problems(rules, contribution: Graph, existing: Graph, context: Graph,
                  locator, names: Graph) -> list[Problem]:
    """The statements a contribution may not make, as violations naming the statement."""
    found = []
    for (s, p, o), reason in rules.check(contribution, existing, context):
        statement = f"{_short(s, names)} {_short(p, names)} {_short(o, names)}"
        found.append(make_problem(s, p, o, SH.Violation, [f"refused: {statement} . ({reason})"],
                                  SHAPE, RULES_NS["additions-only"], locator, names, contribution))
    return found


def _merge(graphs: Iterable[Graph]) -> Graph:
    merged = Graph()
    for graph in graphs:
        merged += graph
    return merged


def validate_bundled() -> ValidationReport:
    """Validate every file of data/ against the shapes, in the context of all of them."""
    files = resources.data_files()
    if not files:
        return ValidationReport([])
    # The data files are their own context: a broken one is reported, not fatal.
    return validate_files(files, bundled_context=False)
