"""Validation speed: a contribution against graphs of growing size, and whole graphs
with pyshacl and with the compiled engine, in one run.

For synthetic graphs of about 10k, 100k and 1M triples (benchmarks/synthetic.py, the
project's schema, with ``inject_defects``: every constraint of every shape broken at
least once) this prints:

- contribution: the same ~50-triple contribution validated against each graph
  (shapes with pyshacl plus the rules of validate/additions.py), best and median of
  ``--runs``; the ratio of the largest to the smallest graph (target: at most 3);
- whole graph: the time to validate the whole graph with plain pyshacl
  (``pyshacl.validate`` with the shapes file and the ontology as ``ont_graph``, as a user
  would call it; the graph is parsed before the clock starts), stopped at
  ``--pyshacl-cap`` seconds and then reported as a lower bound; and with the compiled engine
  (``riskgraph.validation.whole.validate_whole`` on the N-Triples file: parsing
  included); each in a child process, with its peak memory (maximum resident set).
  Both report the same results (tests/validation/test_validate_fast.py); the number of results
  is printed as a check.

Run:  .venv/bin/python -m benchmarks.validate_bench [--sizes 10000,100000,1000000]
      [--pyshacl-cap 120] [--runs 5] [--no-contribution] [--tiny]

``--tiny`` runs every part once on a small graph (tests/project/test_benchmarks.py: the script
still runs; its figures mean nothing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from benchmarks.synthetic import RG, concept, generate, inject_defects, iri


def contribution() -> Graph:
    """About 50 triples: a paper, a risk, two mitigations, two assessments, a claim.
    It refers to entities every synthetic graph has (paper-1, risk-1, mitigation-1)."""
    g = Graph()

    def entity(node: URIRef, cls: URIRef, label: str) -> None:
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(label, lang="en")))
        g.add((node, SKOS.definition, Literal(f"{label}, a benchmark contribution.", lang="en")))

    pub = iri("publication", "bench-2025-contribution")
    entity(pub, RG.Paper, "Bench (2025), a contributed paper")
    g.add((pub, DCTERMS.issued, Literal("2025", datatype=XSD.gYear)))
    g.add((pub, RG.arxivId, Literal("2501.00001")))
    risk = iri("risk", "bench-risk")
    entity(risk, RG.Risk, "Bench risk")
    g.add((risk, RG.inSubdomain, concept("mit-4.2")))
    g.add((risk, DCTERMS.source, pub))
    mitigations = []
    for k, target in enumerate((risk, iri("risk", "risk-1"))):
        mit = iri("mitigation", f"bench-mitigation-{k}")
        entity(mit, RG.Mitigation, f"Bench mitigation {k}")
        g.add((mit, RG.mitigates, target))
        g.add((mit, RG.lifecycleStage, concept("stage-deploy-and-use")))
        g.add((mit, RG.responsibleActor, concept("actor-developer")))
        g.add((mit, RG.rmfFunction, concept("rmf-manage")))
        g.add((mit, RG.relatedMitigation, iri("mitigation", "mitigation-1")))
        g.add((mit, DCTERMS.source, pub))
        mitigations.append(mit)
    for k, mit in enumerate(mitigations):
        a = iri("assessment", f"bench-assessment-{k}")
        entity(a, RG.Assessment, f"Bench assessment {k}")
        g.add((a, RG.assessedMitigation, mit))
        g.add((a, RG.assessedFor, concept("area-cbrn")))
        g.add((a, RG.stance, concept("stance-effective")))
        g.add((a, RG.locator, Literal("Table 1")))
        g.add((a, DCTERMS.source, iri("publication", "paper-1")))
    claim = iri("claim", "bench-claim")
    entity(claim, RG.Claim, "Bench claim")
    g.add((claim, RG.supports, mitigations[0]))
    g.add((claim, RG.concernsRisk, risk))
    g.add((claim, DCTERMS.source, pub))
    return g


# ---------------------------------------------------------------------------
# Contribution validation (in this process)
# ---------------------------------------------------------------------------
def time_contribution(data: Graph, ontology: Graph, runs: int) -> tuple[float, float, int]:
    from riskgraph.validation.locate import EntityLocator
    from riskgraph.validation.scoped import (
        Context,
        _rules,
        check_graph,
        namespace_graph,
        rule_problems,
    )

    graph = Graph()
    graph += data
    graph += ontology
    piece = contribution()
    context = Context(graph, ontology)
    locator = EntityLocator(piece.serialize(format="turtle"))
    names = namespace_graph()
    rules = _rules(ontology)

    def once() -> list:
        return check_graph(piece, context, locator, names) + rule_problems(
            rules, piece, graph, graph, locator, names)

    once()  # warm-up: shapes parsed, queries prepared
    times, problems = [], []
    for _ in range(runs):
        start = time.perf_counter()
        problems = once()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), sum(p.severity == "Violation"
                                                      for p in problems)


# ---------------------------------------------------------------------------
# Whole-graph validation (each in a child process, for its peak memory)
# ---------------------------------------------------------------------------
def _peak_mb() -> int:
    """This process's own peak resident memory (VmHWM), in MB. (ru_maxrss would carry
    the parent's peak across fork and exec, and the parent holds the rdflib graph.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def _child(mode: str, path: str, cap: str) -> None:
    """Run in the child: print seconds (or "stopped"), the number of results, peak MB."""
    import threading

    def stop() -> None:
        print("stopped -", _peak_mb(), flush=True)
        os._exit(0)

    if float(cap) > 0:
        timer = threading.Timer(float(cap), stop)
        timer.daemon = True
    if mode == "fast":
        start = time.perf_counter()
        from riskgraph.validation.whole import validate_whole

        result = validate_whole([path])
        print(time.perf_counter() - start, len(result.problems), _peak_mb())
        return
    # Plain pyshacl, as a user would call it instead of riskgraph: the data graph, the
    # shapes file, the ontology as ont_graph (mixed in for sh:targetClass through
    # rdfs:subClassOf), no inference. Not riskgraph's wrapper (scoped.check_graph), which
    # narrows the shapes and the data first.
    from pyshacl import validate
    from rdflib.namespace import SH

    from riskgraph.io.rdf import load_files, ontology_files
    from riskgraph.resources import shapes_file

    data = Graph().parse(path, format="nt")
    shapes = Graph().parse(shapes_file(), format="turtle")
    ontology = load_files(ontology_files())
    if float(cap) > 0:
        timer.start()  # the cap counts validation only, not parsing
    start = time.perf_counter()
    _, report, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                            abort_on_first=False, allow_warnings=True, meta_shacl=False,
                            advanced=True, js=False)
    seconds = time.perf_counter() - start
    # counted as the report counts them: one per (focus, path, value, message)
    keys = {(report.value(r, SH.focusNode), report.value(r, SH.resultPath),
             report.value(r, SH.value), report.value(r, SH.resultMessage))
            for r in report.subjects(RDF.type, SH.ValidationResult)}
    print(seconds, len(keys), _peak_mb())


def run_child(mode: str, path: Path, cap: float | None) -> tuple[float | None, int | None, int]:
    """(seconds or None when stopped at the cap, results, peak resident memory in MB)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.validate_bench", "--child",
                           mode, str(path), str(cap or 0)], stdout=subprocess.PIPE, text=True,
                          check=False)
    words = done.stdout.split()
    if len(words) != 3:
        return None, None, -1
    if words[0] == "stopped":
        return None, None, int(words[2])
    return float(words[0]), int(words[1]), int(words[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pyshacl-cap", type=float, default=120.0,
                        help="stop pyshacl after this many seconds (reported as a lower bound)")
    parser.add_argument("--no-contribution", action="store_true")
    parser.add_argument("--no-whole", action="store_true",
                        help="time only the contribution (no whole-graph runs)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--tiny", action="store_true",
                        help="one run of everything on a small graph (does the script run?)")
    args = parser.parse_args()
    if args.tiny:
        args.sizes, args.runs, args.pyshacl_cap = "300", 1, 5.0
    if args.child:
        _child(*args.child)
        return
    from riskgraph.io.rdf import load_files, ontology_files
    from riskgraph.validation.scoped import load_shapes

    sizes = [int(s) for s in args.sizes.split(",")]
    ontology = load_files(ontology_files())
    rows = []
    print(f"{'triples':>10} {'contrib best s':>14} {'median s':>9} | {'pyshacl s':>10} "
          f"{'MB':>6} {'results':>7} | {'compiled s':>10} {'MB':>6} {'results':>7} "
          f"{'speed-up':>9}", flush=True)
    with tempfile.TemporaryDirectory(prefix="riskgraph-bench-") as tmp:
        for size in sizes:
            data = generate(size)
            inject_defects(data, load_shapes(), ontology)
            path = Path(tmp) / f"graph-{size}.nt"
            data.serialize(destination=str(path), format="nt", encoding="utf-8")
            if args.no_contribution:
                best = median = float("nan")
            else:
                best, median, _ = time_contribution(data, ontology, args.runs)
            triples = len(data)
            del data
            if args.no_whole:
                print(f"{triples:>10,} {best:14.3f} {median:9.3f}", flush=True)
                rows.append((triples, best, median, None, None))
                path.unlink()
                continue
            slow, slow_count, slow_mb = run_child("pyshacl", path, args.pyshacl_cap)
            fast, fast_count, fast_mb = run_child("fast", path, None)
            capped = ">" + str(int(args.pyshacl_cap))
            slow_text = f"{slow:10.1f}" if slow is not None else f"{capped:>10}"
            ratio = (slow if slow is not None else args.pyshacl_cap) / fast if fast else 0
            ratio_text = f"{'>=' if slow is None else ''}{ratio:.0f}x"
            print(f"{triples:>10,} {best:14.3f} {median:9.3f} | {slow_text} {slow_mb:>6} "
                  f"{slow_count if slow_count is not None else '-':>7} | {fast:10.1f} "
                  f"{fast_mb:>6} {fast_count:>7} {ratio_text:>9}", flush=True)
            rows.append((triples, best, median, slow, fast))
            path.unlink()
    first, last = rows[0], rows[-1]
    if not args.no_contribution and len(rows) > 1:
        print(f"\ncontribution validation, {last[0]:,} vs {first[0]:,} triples: ratio "
              f"{last[1] / first[1]:.2f} best-of-{args.runs}, {last[2] / first[2]:.2f} median "
              "(target <= 3)")
    print("(pyshacl: parsing excluded, stopped at the cap and then a lower bound; compiled: "
          "parsing the N-Triples file included; MB = peak resident memory of the process; "
          "results = distinct (focus, path, value, message); plain pyshacl also reports "
          "what riskgraph's report folds, so its count may be higher)")


if __name__ == "__main__":
    main()
