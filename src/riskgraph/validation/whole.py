"""Validate a whole dataset (the bundled data, or a complete catalogue of a user's)
with the compiled engine (``compiled.py``) on pyoxigraph.

The dataset is checked on its own against riskgraph's shapes, with the ontology
beside it as context: every subject of the dataset's files is a focus node, the
ontology's terms are not. Files are parsed by pyoxigraph (a million triples in
seconds); a file it cannot parse, or that holds shapes or ``owl:imports``, is read
again by the contribution reader, which gives the message with file and line (or
strips the refused content, as for a contribution) and its graph is used instead.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import OWL, SH

from riskgraph import resources
from riskgraph.io.rdf import ontology_files
from riskgraph.validation import compiled as engine
from riskgraph.validation.locate import locator_for
from riskgraph.validation.scoped import (
    FileReport,
    ValidationReport,
    load_shapes,
    make_problem,
    namespace_graph,
    read_contribution,
    sort_problems,
)

# A whole dataset may be far larger than a contribution (50 MB): a million
# triples of N-Triples are about 130 MB.
MAX_WHOLE_BYTES = 2 * 1024 ** 3
FAST_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}


@cache
def compiled_shapes() -> engine.CompiledShapes:
    return engine.CompiledShapes(load_shapes())


def _file_graph(index: int) -> ox.NamedNode:
    return ox.NamedNode(f"urn:riskgraph:validate:file:{index}")


def _load_ontology(store: ox.Store) -> None:
    for path in ontology_files():
        store.load(path=str(path), format=FAST_FORMATS[path.suffix],
                   base_iri=path.resolve().as_uri(), to_graph=engine.ONTOLOGY_GRAPH)


def _refused_content(store: ox.Store, graph: ox.NamedNode) -> bool:
    """Shapes or owl:imports: left to the contribution reader, which strips and reports them."""
    answer = store.query(f"ASK {{ GRAPH <{graph.value}> {{ {{ ?s <{OWL.imports}> ?o }} UNION "
                         f"{{ ?s ?p ?o FILTER (STRSTARTS(STR(?p), \"{SH}\") || "
                         f"STRSTARTS(STR(?o), \"{SH}\")) }} }} }}")
    assert isinstance(answer, ox.QueryBoolean)  # an ASK query
    return bool(answer)


def _fast_load(store: ox.Store, path: Path, graph: ox.NamedNode) -> str | None:
    """Parse with pyoxigraph; the text on success, None when the careful reader must look."""
    fmt = FAST_FORMATS.get(path.suffix.lower())
    try:
        info = path.stat()
    except OSError:
        return None
    if fmt is None or not stat.S_ISREG(info.st_mode) or info.st_size > MAX_WHOLE_BYTES:
        return None
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        if text.startswith("\ufeff"):
            return None
        store.load(raw, format=fmt, base_iri=path.resolve().as_uri(), to_graph=graph)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        store.remove_graph(graph) if store.contains_named_graph(graph) else None
        return None
    # Shapes in the data are never used (shapes come from ontology/shapes.ttl only) and
    # pyoxigraph follows no import: this check only reports them, as for a contribution.
    suspicious = any(word in text for word in ("shacl", "imports", "\\u", "\\U", "@base", "BASE"))
    if not store.contains_named_graph(graph) or (suspicious and _refused_content(store, graph)):
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        return None
    return text


def load_dataset(paths: list[Path]) -> tuple[ox.Store, list[FileReport], list[str | None]]:
    """The ontology and every readable file in one store, one named graph per file."""
    store = ox.Store()
    _load_ontology(store)
    reports, texts = [], []
    for index, path in enumerate(paths):
        graph = _file_graph(index)
        before = len(store)
        text = _fast_load(store, path, graph)
        if text is not None:
            report = FileReport(path)
            report.triples = len(store) - before
        else:
            report, parsed, text = read_contribution(path, max_bytes=MAX_WHOLE_BYTES)
            if parsed is not None:
                engine.add_graph(store, parsed, graph)
        reports.append(report)
        texts.append(text)
    return store, reports, texts


def _entity_count(store: ox.Store, graph: ox.NamedNode) -> int:
    """Subjects of one file's graph, ontology headers excepted (counted in Rust)."""
    rows = store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{graph.value}> "
                       f"{{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH <{graph.value}> "
                       f"{{ ?s a <{OWL.Ontology}> }} }} }}")
    assert isinstance(rows, ox.QuerySolutions)  # a SELECT query
    return int(next(iter(rows))[0].value)


def validate_whole(paths: Iterable[Path | str]) -> ValidationReport:
    """Validate the files as one complete dataset, with the ontology as context."""
    files = [Path(p) for p in paths]
    store, reports, texts = load_dataset(files)
    readable = [i for i, r in enumerate(reports) if r.error is None]
    graphs = [_file_graph(i) for i in readable]
    for index in readable:
        reports[index].entities = _entity_count(store, _file_graph(index))
    shapes = compiled_shapes()
    if not readable:
        return ValidationReport(reports, engine="compiled")
    universe = engine.Universe(store, graphs)
    raw = engine.validate_store(shapes, store, universe)
    names = namespace_graph()
    locators: dict[int, object] = {}
    seen: set = set()
    for result in raw:
        owner = universe.owner(engine.from_rdflib(result.focus))
        index = readable[owner] if owner is not None else readable[0]
        if index not in locators:
            locators[index] = locator_for(texts[index] or "", json=files[index].suffix.lower()
                                          in (".jsonld", ".json"))
        path_node = result.path
        if path_node is not None and not isinstance(path_node, URIRef):
            path_node = shapes.graph.value(result.shape, SH.path) or path_node
        problem = make_problem(result.focus, path_node, result.value, result.severity,
                               result.messages, result.shape, result.component,
                               locators[index], names, shapes.graph)
        key = (problem.entity, problem.path, problem.value, problem.message)
        if key in seen:
            continue
        seen.add(key)
        problem.file = reports[index].path
        reports[index].problems.append(problem)
    for report in reports:
        sort_problems(report.problems)
    fallback = {str(node): why for node, why in shapes.fallback.items()}
    return ValidationReport(reports, engine="compiled", fallback=fallback)


def validate_bundled_fast() -> ValidationReport:
    """The bundled data/ as one dataset, with the compiled engine."""
    return validate_whole(resources.data_files())
