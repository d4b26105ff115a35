"""The W3C SHACL Core test suite, run through riskgraph's compiled engine and pyshacl.

The suite (``../shared/sources/w3c-shacl-tests/core`` beside the checkout, or the
folder named by ``RISKGRAPH_W3C_SHACL``) is a tree of manifests; each test names a
data graph, a shapes graph and the expected validation report. A test passes when
the engine's ``sh:conforms`` is the expected one and its results are exactly the
expected ones, compared on (focus node, path, value, severity, source shape, source
constraint component), as many times as expected. Blank nodes are compared by what
the graph says about them (a blank node the expected report does not describe
matches any blank node).

Three engines, per folder of the suite:

- ``compiled``: riskgraph's compiled engine alone; a test whose shapes it cannot
  express (a shape it would leave to pyshacl) counts as failed;
- ``compiled+fallback``: the compiled engine, pyshacl for the shapes it cannot
  express (shape by shape), as ``riskgraph validate --whole --shapes`` runs;
- ``pyshacl``: pyshacl alone, as the reference.

Run:  .venv/bin/python -m benchmarks.w3c_shacl [--failures]
tests/validation/test_w3c_shacl.py runs every test through ``compiled+fallback``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
REPO = Path(__file__).resolve().parent.parent
WILDCARD = "_:any"  # an expected blank node the report does not describe


def suite_folder() -> Path:
    """Where the suite is: ``RISKGRAPH_W3C_SHACL``, else ../shared beside the checkout."""
    named = os.environ.get("RISKGRAPH_W3C_SHACL")
    if named:
        return Path(named)
    return REPO.parent / "shared" / "sources" / "w3c-shacl-tests" / "core"


@dataclass
class Case:
    """One sht:Validate entry of the suite."""

    folder: str  # e.g. "core/node"
    name: str  # e.g. "node/datatype-001"
    label: str
    data: Graph
    shapes: Graph
    expected: Graph  # the manifest graph holding the expected report
    report: object  # the expected sh:ValidationReport node
    conforms: bool = True
    results: list = field(default_factory=list)  # the expected result nodes

    def __str__(self) -> str:
        return self.name


class _Files:
    """Each file of the suite parsed once (rdflib, Turtle, nothing fetched)."""

    def __init__(self) -> None:
        self.graphs: dict[Path, Graph] = {}

    def graph(self, path: Path) -> Graph:
        found = self.graphs.get(path)
        if found is None:
            import rdflib

            # Literals as written: rdflib would rewrite "1"^^xsd:boolean as "true", and the
            # suite tests that "1" does not switch sh:uniqueLang on.
            normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
            try:
                found = self.graphs[path] = Graph().parse(
                    data=path.read_text(encoding="utf-8"), format="turtle",
                    publicID=path.as_uri())
            finally:
                rdflib.NORMALIZE_LITERALS = normalize
        return found


def _local(iri, base: Path) -> Path:
    text = str(iri)
    if not text.startswith("file://"):
        raise ValueError(f"the suite names {text}, not a file beside it")
    path = Path(text[len("file://"):])
    if base.resolve() not in path.resolve().parents:
        raise ValueError(f"the suite names {path}, outside the suite")
    return path


def load_cases(root: Path | None = None) -> list[Case]:
    """Every sht:Validate test under the root manifest, in manifest order."""
    root = (root or suite_folder()).resolve()
    files = _Files()
    cases: list[Case] = []
    todo = [root / "manifest.ttl"]
    seen: set[Path] = set()
    while todo:
        manifest = todo.pop(0)
        if manifest in seen:
            continue
        seen.add(manifest)
        g = files.graph(manifest)
        this = URIRef(manifest.as_uri())
        todo += [_local(inc, root) for inc in g.objects(this, URIRef(MF + "include"))]
        for entries in g.objects(this, URIRef(MF + "entries")):
            for entry in Collection(g, entries):
                if (entry, RDF.type, URIRef(SHT + "Validate")) not in g:
                    continue
                action = g.value(entry, URIRef(MF + "action"))
                report = g.value(entry, URIRef(MF + "result"))
                data = files.graph(_local(g.value(action, URIRef(SHT + "dataGraph")), root))
                shapes = files.graph(_local(g.value(action, URIRef(SHT + "shapesGraph")), root))
                folder = manifest.parent.relative_to(root.parent).as_posix()
                name = f"{manifest.parent.name}/{str(entry).rsplit('/', 1)[-1]}"
                conforms = g.value(report, SH.conforms)
                cases.append(Case(folder, name, str(g.value(entry, RDFS.label) or ""),
                    data, shapes, g, report,
                    conforms=bool(conforms.value) if isinstance(conforms, Literal) else True,
                    results=list(g.objects(report, SH.result))))
    return cases


# ---------------------------------------------------------------------------
# Comparing reports
# ---------------------------------------------------------------------------
def _describe(term, graph: Graph, depth: int = 0):
    """A term as comparable across graphs: blank nodes by what the graph says of them."""
    if not isinstance(term, BNode):
        return term
    if depth > 8:
        return "_:deep"
    said = frozenset((p, _describe(o, graph, depth + 1)) for p, o in graph.predicate_objects(term))
    return ("_:", said) if said else WILDCARD


FIELDS = ("focus", "path", "value", "severity", "shape", "component")


def expected_rows(case: Case) -> list[tuple]:
    g = case.expected
    rows = []
    for r in case.results:
        rows.append(tuple(path_expression(g.value(r, p), g) if p == SH.resultPath
                          else _describe(g.value(r, p), g) for p in (
            SH.focusNode, SH.resultPath, SH.value, SH.resultSeverity, SH.sourceShape,
            SH.sourceConstraintComponent)))
    return rows


def path_expression(node, graph: Graph, depth: int = 0):
    """A SHACL property path as an expression (SHACL 2.3.1: the first rule that matches),
    so that paths are compared as paths, not as the triples that spell them."""
    if not isinstance(node, BNode) or depth > 20:
        return node
    if (node, RDF.first, None) in graph:
        return ("seq", *[path_expression(n, graph, depth + 1) for n in Collection(graph, node)])
    for name in ("alternativePath", "inversePath", "zeroOrMorePath", "oneOrMorePath",
                 "zeroOrOnePath"):
        inner = graph.value(node, SH[name])
        if inner is not None:
            if name == "alternativePath":
                return ("alt", *[path_expression(n, graph, depth + 1)
                                 for n in Collection(graph, inner)])
            return (name, path_expression(inner, graph, depth + 1))
    return _describe(node, graph)


def actual_rows(case: Case, results) -> list[tuple]:
    """``results``: objects with focus, path, value, severity, shape, component."""
    d, s = case.data, case.shapes
    return [(_describe(r.focus, d), path_expression(r.path, s), _describe(r.value, d),
             r.severity, _describe(r.shape, s), r.component) for r in results]


def _matches(want: tuple, got: tuple) -> bool:
    return all(w == g or (w == WILDCARD and (g == WILDCARD or isinstance(g, tuple)))
               for w, g in zip(want, got, strict=True))


def differences(case: Case, results) -> list[str]:
    """What differs between the expected report and ``results`` (empty: the test passes)."""
    want, got = expected_rows(case), actual_rows(case, results)
    problems = []
    if case.conforms != (not results):
        problems.append(f"sh:conforms {not results}, expected {case.conforms}")
    unmatched = list(got)
    for row in want:
        hit = next((i for i, g in enumerate(unmatched) if _matches(row, g)), None)
        if hit is None:
            problems.append("missing " + _row_text(row))
        else:
            unmatched.pop(hit)
    problems += ["unexpected " + _row_text(row) for row in unmatched]
    return problems


def _row_text(row: tuple) -> str:
    def short(term) -> str:
        if isinstance(term, tuple) and term[0] == "_:":
            return "[" + "; ".join(f"{_short(p)} {short(o)}" for p, o in sorted(
                term[1], key=str)) + "]"
        if isinstance(term, tuple):
            return f"{term[0]}(" + ", ".join(short(t) for t in term[1:]) + ")"
        return _short(term)
    return ", ".join(f"{name}={short(term)}" for name, term in zip(FIELDS, row, strict=True))


def _short(term) -> str:
    if term is None:
        return "-"
    text = str(term)
    for prefix, ns in (("sh:", str(SH)), ("rdf:", str(RDF))):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text.rsplit("#", 1)[-1] if isinstance(term, URIRef) else repr(text)


# ---------------------------------------------------------------------------
# The engines
# ---------------------------------------------------------------------------
@dataclass
class Row:
    focus: object
    path: object
    value: object
    severity: object
    shape: object
    component: object


def run_pyshacl(case: Case) -> list[Row]:
    from pyshacl import validate

    _, report, _ = validate(case.data, shacl_graph=case.shapes, inference="none",
                            abort_on_first=False, allow_warnings=False, meta_shacl=False,
                            advanced=False, js=False, debug=False)
    return [Row(report.value(r, SH.focusNode), _path_in_shapes(report, r, case),
                report.value(r, SH.value), report.value(r, SH.resultSeverity),
                report.value(r, SH.sourceShape), report.value(r, SH.sourceConstraintComponent))
            for r in report.objects(None, SH.result)]


def _path_in_shapes(report: Graph, result, case: Case):
    """pyshacl copies a complex path into its report: point at the shape's own."""
    path = report.value(result, SH.resultPath)
    if isinstance(path, BNode):
        return case.shapes.value(report.value(result, SH.sourceShape), SH.path) or path
    return path


def shacl_results(data: Graph, shapes) -> list:
    """The compiled engine as the SHACL specification says: ``data`` is the data graph,
    with nothing beside it, and any node may be a focus node."""
    import pyoxigraph as ox

    from riskgraph.validation import compiled

    store, kept = ox.Store(), dict[str, dict]()
    compiled.add_graph(store, data, compiled.DATA_GRAPH, kept)
    return compiled.validate_store(shapes, store, None, data=data, kept=kept)


def run_compiled(case: Case, fallback: bool = True) -> list | None:
    """The compiled engine's results; None when it would need pyshacl and may not."""
    from riskgraph.validation import compiled

    shapes = compiled.CompiledShapes(case.shapes)
    if shapes.fallback and not fallback:
        return None
    return shacl_results(case.data, shapes)


ENGINES: dict[str, Callable[[Case], list | None]] = {
    "compiled": lambda case: run_compiled(case, fallback=False),
    "compiled+fallback": run_compiled,
    "pyshacl": run_pyshacl,
}


def outcome(case: Case, engine: str) -> list[str]:
    """The differences for one engine on one test (empty: passed)."""
    try:
        results = ENGINES[engine](case)
    except Exception as error:  # a crash fails the test; the count must go on
        return [f"raised {type(error).__name__}: {error}"]
    if results is None:
        return ["left to pyshacl (no fallback allowed)"]
    return differences(case, results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--failures", action="store_true", help="list each failed test")
    parser.add_argument("--tiny", action="store_true",
                        help="the first test of each folder only (the test suite's smoke run)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # rdflib's ill-typed literal warnings, pyshacl's notes
    warnings.filterwarnings("ignore", message="Parsing weird boolean")  # misc/or-datatypes
    folder = suite_folder()
    if not (folder / "manifest.ttl").is_file():
        print(f"no suite at {folder} (set RISKGRAPH_W3C_SHACL)", file=sys.stderr)
        return 2
    cases = load_cases(folder)
    if args.tiny:
        cases = list({c.folder: c for c in reversed(cases)}.values())
    totals: dict[str, Counter] = {name: Counter() for name in ENGINES}
    failed: dict[str, list[str]] = {name: [] for name in ENGINES}
    folders = Counter(c.folder for c in cases)
    for case in cases:
        for name in ENGINES:
            diff = outcome(case, name)
            if not diff:
                totals[name][case.folder] += 1
            else:
                failed[name].append(f"{case.name}: {'; '.join(diff)}")
    width = max(len(f) for f in folders)
    print(f"{'folder':<{width}}  tests  " + "  ".join(f"{n:>17}" for n in ENGINES))
    for name in sorted(folders):
        print(f"{name:<{width}}  {folders[name]:>5}  " + "  ".join(
            f"{totals[e][name]:>17}" for e in ENGINES))
    print(f"{'all':<{width}}  {len(cases):>5}  " + "  ".join(
        f"{sum(totals[e].values()):>17}" for e in ENGINES))
    if args.failures:
        for name in ENGINES:
            for line in failed[name]:
                print(f"[{name}] {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
