"""Validate a whole dataset (the bundled data, or a complete catalogue of a user's)
with the compiled engine (``compiled.py``) on pyoxigraph.

The dataset is checked on its own against riskgraph's shapes, with the ontology
beside it as context: every subject of the dataset's files is a focus node, the
ontology's terms are not. With a shapes file of the user's (``shapes=``, ``--shapes``)
it is plain SHACL instead: the files are the data graph, with nothing beside them,
shapes in them are data like any other, and every result is reported.

Files are parsed by pyoxigraph (a million triples in seconds); a file it cannot
parse, or that holds shapes or ``owl:imports``, is read again by the contribution
reader, which gives the message with file and line (or strips the refused content,
as for a contribution) and its graph is used instead.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, SH

from riskgraph import resources
from riskgraph.errors import InputError
from riskgraph.io.files import read_bytes
from riskgraph.io.formats import GRAPHS
from riskgraph.io.rdf import MAX_BYTES, ontology_files, read_rdf_file
from riskgraph.io.terms import to_rdflib
from riskgraph.query.safety import check_query
from riskgraph.validation import compiled as engine
from riskgraph.validation.locate import locator_for
from riskgraph.validation.results import FileReport, ValidationReport
from riskgraph.validation.scoped import (
    load_shapes,
    make_problem,
    namespace_graph,
    read_contribution,
    sort_problems,
)

# A whole dataset may be far larger than a contribution (50 MB): a million
# triples of N-Triples are about 130 MB.
MAX_WHOLE_BYTES = 2 * 1024 ** 3
# What pyoxigraph parses here; anything else goes to the contribution reader.
FAST_FORMATS = {GRAPHS[f].suffix: GRAPHS[f].engine() for f in ("ttl", "nt")}


@cache
def compiled_shapes() -> engine.CompiledShapes:
    return engine.CompiledShapes(load_shapes())


def _file_graph(index: int) -> ox.NamedNode:
    return ox.NamedNode(f"urn:riskgraph:validate:file:{index}")


def _load_ontology(store: ox.Store) -> None:
    for path in ontology_files():
        store.load(path=str(path), format=FAST_FORMATS[path.suffix],
                   base_iri=path.resolve().as_uri(), to_graph=engine.ONTOLOGY_GRAPH)


def _refused_content(store: ox.Store, graph: ox.NamedNode, keep_shapes: bool = False) -> bool:
    """Shapes or owl:imports: left to the contribution reader, which strips and reports them."""
    shapes = "" if keep_shapes else (f"UNION {{ ?s ?p ?o FILTER (STRSTARTS(STR(?p), \"{SH}\") "
                                     f"|| STRSTARTS(STR(?o), \"{SH}\")) }}")
    answer = store.query(f"ASK {{ GRAPH <{graph.value}> {{ {{ ?s <{OWL.imports}> ?o }} "
                         f"{shapes} }} }}")
    assert isinstance(answer, ox.QueryBoolean)  # an ASK query
    return bool(answer)


def _fast_load(store: ox.Store, path: Path, graph: ox.NamedNode,
               keep_shapes: bool = False, kept: dict | None = None) -> str | None:
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
        if kept is not None and (engine.RETYPED_IN_TEXT.search(text) or "\\u" in text
                                 or "\\U" in text):  # an escape could spell the type
            # parsed here (same blank nodes as in the store) to keep retyped literals
            engine.add_quads(store, [ox.Quad(q.subject, q.predicate, q.object, graph)
                                     for q in ox.parse(raw, format=fmt,
                                                       base_iri=path.resolve().as_uri())],
                             kept)
        else:
            store.load(raw, format=fmt, base_iri=path.resolve().as_uri(), to_graph=graph)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        store.remove_graph(graph) if store.contains_named_graph(graph) else None
        return None
    # Shapes in the data are never used (shapes come from ontology/shapes.ttl only) and
    # pyoxigraph follows no import: this check only reports them, as for a contribution.
    words = ("imports",) if keep_shapes else ("shacl", "imports")
    suspicious = any(word in text for word in (*words, "\\u", "\\U", "@base", "BASE"))
    if not store.contains_named_graph(graph) or (
            suspicious and _refused_content(store, graph, keep_shapes)):
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        return None
    return text


def load_dataset(paths: list[Path], plain: bool = False, kept: dict | None = None,
                 ) -> tuple[ox.Store, list[FileReport], list[str | None]]:
    """The ontology and every readable file in one store, one named graph per file.
    ``plain``: the files only, shapes in them kept as data (for a user's shapes).
    ``kept`` receives the literals the store retyped (``compiled.add_quads``)."""
    store = ox.Store()
    if not plain:
        _load_ontology(store)
    reports, texts = [], []
    for index, path in enumerate(paths):
        graph = _file_graph(index)
        before = len(store)
        text = _fast_load(store, path, graph, keep_shapes=plain, kept=kept)
        if text is not None:
            report = FileReport(path)
            report.triples = len(store) - before
        else:
            report, parsed, text = read_contribution(path, max_bytes=MAX_WHOLE_BYTES,
                                                     keep_shapes=plain)
            if parsed is not None:
                engine.add_graph(store, parsed, graph, kept)
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


def validate_whole(paths: Iterable[Path | str],
                   shapes_file: Path | str | None = None) -> ValidationReport:
    """Validate the files as one complete dataset, with the ontology as context; or,
    given ``shapes_file``, against those shapes alone, as plain SHACL."""
    files = [Path(p) for p in paths]
    plain = shapes_file is not None
    shapes = compiled_shapes() if shapes_file is None else load_shapes_file(Path(shapes_file))
    kept: dict = {}
    store, reports, texts = load_dataset(files, plain=plain, kept=kept)
    readable = [i for i, r in enumerate(reports) if r.error is None]
    graphs = [_file_graph(i) for i in readable]
    for index in readable:
        reports[index].entities = _entity_count(store, _file_graph(index))
    if not readable:
        return ValidationReport(reports, engine="compiled")
    universe = engine.Universe(store, graphs)
    # Plain SHACL: any node may be a focus node; the universe then only says which
    # file a result belongs to.
    try:
        raw = engine.validate_store(shapes, store, None if plain else universe, kept=kept)
    except engine.ShapeError as why:
        raise InputError(f"the shapes are not well-formed SHACL: {why}",
                         file=shapes_file) from None
    names = namespace_graph()
    for prefix, namespace in shapes.graph.namespaces() if plain else ():
        names.bind(prefix, namespace, override=False)
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
        # Each failing constraint component is a result of its own. riskgraph's own shapes
        # fold a result reached twice (as the contribution reader does); a user's shapes
        # get every result, as SHACL says.
        key = (problem.entity, problem.path, problem.value, problem.message, problem.shape,
               problem.component)
        if key in seen and not plain:
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


SPARQL_TEXTS = (SH.select, SH.ask, SH.construct, SH.update)


def load_shapes_file(path: Path) -> engine.CompiledShapes:
    """A user's shapes file, read as any input is: nothing fetched, an error with file
    and line (``InputError``, exit code 2); ``owl:imports`` refused, not followed; every
    SPARQL text in it checked as a user's query before anything runs."""
    graph, text = _parse_shapes(path)
    for target in graph.objects(None, OWL.imports):
        raise InputError(f"owl:imports <{target}> in the shapes file: riskgraph never fetches "
                         "or reads imported documents", file=path,
                         line=_line_of(text, str(target)),
                         hint="put the shapes you need in this file")
    _check_sparql(graph, path, text)  # before compiling: the shapes then run the checked text
    try:
        shapes = engine.CompiledShapes(graph)
    except engine.ShapeError as why:
        raise InputError(f"the shapes are not well-formed SHACL: {why}", file=path) from None
    if not shapes.shapes:
        raise InputError("the shapes file holds no SHACL shape (no sh:NodeShape, "
                         "sh:PropertyShape or target)", file=path)
    return shapes


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle.strip().split("\n")[0]) if needle.strip() else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _parse_shapes(path: Path) -> tuple[Graph, str]:
    """Turtle and N-Triples are parsed by pyoxigraph, which keeps every literal as written
    (rdflib's parser rewrites ``"1"^^xsd:boolean`` as ``"true"``, which SHACL does not
    treat alike, and refuses ill-typed literals that are data like any other). Any other
    format, or a file pyoxigraph refuses, goes to the contribution reader, whose error
    names the file and line."""
    fmt = FAST_FORMATS.get(path.suffix.lower())
    if fmt is not None:
        raw = read_bytes(path, MAX_BYTES, what="shapes file")
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
            graph = Graph()
            parser = ox.parse(text.encode("utf-8"), format=fmt, base_iri=path.resolve().as_uri())
            for quad in parser:
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                           to_rdflib(quad.object)))
            for prefix, namespace in parser.prefixes.items():  # for the report's short names
                graph.bind(prefix, namespace, override=False)
            if len(graph):
                return graph, text
        except (UnicodeDecodeError, SyntaxError, ValueError):
            pass
    loaded = read_rdf_file(path)
    return loaded.graph, loaded.text


def _check_sparql(graph: Graph, path: Path, text: str) -> None:
    """Every SPARQL text of the shapes, with every prefix the file declares for SPARQL,
    through the check user queries get (no SERVICE, no update, no foreign FROM)."""
    prefixes = "".join(f"PREFIX {graph.value(d, SH.prefix)}: <{graph.value(d, SH.namespace)}>\n"
                       for d in graph.objects(None, SH.declare))
    for predicate in SPARQL_TEXTS:
        for query in list(graph.objects(None, predicate)):
            if predicate == SH.update:
                raise InputError("sh:update in the shapes file: riskgraph runs no update",
                                 file=path, line=_line_of(text, str(query)))
            try:
                checked = check_query(prefixes + str(query), source=str(path)).text
            except InputError as error:
                raise InputError(f"SPARQL in the shapes file refused: {error.message}",
                                 file=path, line=_line_of(text, str(query)),
                                 hint=error.hint) from None
            # What runs is what was checked: the shape carries the checked text (comments
            # blanked, line ends and escapes resolved), not the text as written.
            if checked != prefixes + str(query):
                body = checked.removeprefix(prefixes)
                written = query if isinstance(query, Literal) else Literal(str(query))
                for subject in list(graph.subjects(predicate, query)):
                    graph.remove((subject, predicate, query))
                    graph.add((subject, predicate, Literal(body, lang=written.language,
                                                           datatype=written.datatype)))
