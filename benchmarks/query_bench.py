"""Benchmark: every canned query on the embedded store (pyoxigraph) and on a plain
rdflib in-memory Graph, in the same run, at about 10k, 100k and 1M triples.

    .venv/bin/python -m benchmarks.query_bench [--sizes 10000 100000 1000000]
        [--rdflib-cap SECONDS] [--repeat N] [--process-repeat N] [--process-only] [--tiny]

``--tiny`` runs every part once on a small graph (tests/project/test_benchmarks.py: the script
still runs; its figures mean nothing).

Each graph is ``benchmarks.synthetic.generate(n)`` plus the ontology and the
superclass types and inverse properties riskgraph's reasoner adds, so that the
queries find what they find on real data. Both engines get the same query text
(the parameters bound by the same VALUES block) and return the same number of
rows (checked). The ratio compares engine times: ``EmbeddedStore.select``
without a time limit (in-process, results through SPARQL JSON) against rdflib
timed inside a forked child, so that an rdflib query beyond ``--rdflib-cap``
seconds can be stopped: its ratio is then a lower bound, printed with ">=".
The "forked" column runs the query with a time limit, so in a forked child (one
per query, as for any library call with ``timeout=``; ``riskgraph query`` starts one
worker early for all its queries); in this process it also pays for forking the big
rdflib graph.

Then it times whole processes on the bundled data: ``python -c pass``,
``python -c "import rdflib"`` and ``python -m riskgraph query NAME``, and prints
the start-up-free cost of each (``--process-only``: only this part).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import concept, generate, iri
from riskgraph.errors import InputError
from riskgraph.query.binding import bind_values
from riskgraph.query.canned import list_queries, prepare
from riskgraph.store.local import EmbeddedStore
from riskgraph.store.timelimit import Expired, Worker

# Values that exist in the synthetic graphs (their labels differ from the real data's).
BENCH_PARAMS = {
    "effective_mitigations": {"area": str(concept("area-cbrn"))},
    "mitigations_for_domain": {"risk": "4.2"},
    "evidence_for_mitigation": {"mitigation": str(iri("mitigation", "mitigation-1"))},
    "publication_claims": {"publication": str(iri("publication", "paper-1"))},
    "catalogue_mitigations_for_risk": {"risk": "4.2"},
    "taxonomy_matches": {"from": "mit-domain-taxonomy"},
}


def build_graph(n: int):
    """Synthetic data + ontology + the reasoner's superclass types and inverses."""
    from rdflib import Literal
    from rdflib.namespace import RDF, RDFS, SKOS

    from riskgraph.io.rdf import load_files, ontology_files
    from riskgraph.reason.reasoner import materialise

    graph = generate(n)
    # The generator leaves its concept schemes untyped; the real data types them.
    for scheme in set(graph.objects(None, SKOS.inScheme)):
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, RDFS.label, Literal(str(scheme).rsplit("/", 1)[1], lang="en")))
    load_files(ontology_files(), graph)
    inferred = materialise(graph)
    for triple in inferred:
        graph.add(triple)
    # The grade levels and the build's rules (the evidence grades), as the build adds them.
    from rdflib import Graph
    from rdflib.namespace import RDF

    from riskgraph import resources
    from riskgraph.build.grading import rule_triples
    from riskgraph.namespaces import RG

    taxonomies = Graph().parse(resources.data_dir() / "taxonomies.ttl")
    for level in taxonomies.subjects(RDF.type, RG.GradeLevel):
        for p, o in taxonomies.predicate_objects(level):
            graph.add((level, p, o))
    graph += rule_triples(graph)
    return graph


def _in_child(work, cap: float) -> tuple[float | None, int | None]:
    """(seconds, rows) of ``work()`` run in a forked child (riskgraph's own time-limit
    mechanism); (None, None) past ``cap``."""
    def opener():
        def answer(_request):
            start = time.perf_counter()
            count = work()
            return f"{time.perf_counter() - start} {count}".encode()
        return answer

    with Worker(opener, "fork") as worker:
        try:
            data = worker.ask(None, cap).decode().split()
        except Expired:
            return None, None
    return float(data[0]), int(data[1])


def bench_size(n: int, cap: float, repeat: int, rdflib_queries: int | None = None,
               ) -> list[tuple[str, float, float | None, bool]]:
    print(f"\n== about {n:,} generated triples", flush=True)
    start = time.perf_counter()
    graph = build_graph(n)
    print(f"   graph: {len(graph):,} triples with ontology and inferences "
          f"(built in {time.perf_counter() - start:.0f} s)", flush=True)
    with tempfile.TemporaryDirectory(prefix="riskgraph-bench-") as tmp:
        nt = Path(tmp) / "bench.nt"
        graph.serialize(destination=str(nt), format="nt", encoding="utf-8")
        store = EmbeddedStore.from_ntriples(nt)
    print(f"   {'query':<26} {'rows':>6} {'oxigraph':>10} {'forked':>10} {'rdflib':>10} "
          f"{'ratio':>9}")
    out = []
    for number, query in enumerate(list_queries()):
        try:
            prepared = prepare(query, BENCH_PARAMS.get(query.name, {}), store, timeout=cap)
        except InputError as err:  # a parameter the synthetic graph has no value for
            print(f"   {query.name:<26} skipped: {err.message}")
            continue
        text = bind_values(prepared.text, prepared.bindings)
        times, forked = [], []
        result = None
        with_rdflib = rdflib_queries is None or number < rdflib_queries
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = store.select(prepared.text, prepared.bindings, timeout=None)
            times.append(time.perf_counter() - t0)
            if with_rdflib:
                t0 = time.perf_counter()
                store.select(prepared.text, prepared.bindings, timeout=cap * 10)
                forked.append(time.perf_counter() - t0)
        if not with_rdflib:  # --tiny: every query prepared and run, only a few compared
            print(f"   {query.name:<26} {len(result.rows) if result else 0:>6} "
                  f"{statistics.median(times) * 1000:>8.1f}ms", flush=True)
            continue
        ox_time, fork_time = statistics.median(times), statistics.median(forked)
        rows = len(result.rows) if result is not None else 0
        rd_time, rd_rows = _in_child(lambda text=text: len(list(graph.query(text))), cap)
        if rd_time is None:
            ratio, capped, shown = cap / ox_time, True, f">{cap:.0f} s"
        else:
            ratio, capped, shown = rd_time / ox_time, False, f"{rd_time * 1000:.0f} ms"
        check = "" if rd_rows in (None, rows) else f"  (rdflib gave {rd_rows} rows!)"
        mark = ">=" if capped else "  "
        print(f"   {query.name:<26} {rows:>6} {ox_time * 1000:>8.1f}ms "
              f"{fork_time * 1000:>8.1f}ms {shown:>10} "
              f"{mark}{ratio:>7.1f}x{check}", flush=True)
        out.append((query.name, ox_time, rd_time, capped))
    ratios = [cap / ox if capped else rd / ox for _, ox, rd, capped in out]
    capped_count = sum(1 for *_, capped in out if capped)
    note = f" ({capped_count} rdflib runs stopped at {cap:.0f} s: lower bounds)" \
        if capped_count else ""
    print(f"   median ratio rdflib/oxigraph: {statistics.median(ratios):.1f}x{note}", flush=True)
    return out


def bench_process(repeat: int, only: int | None = None) -> None:
    """Median wall time of whole processes, measured in turn so that they share the noise."""
    from riskgraph.build.cache import ensure_cached_graph

    ensure_cached_graph()  # warm: the measured process only reads the cache
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "python -c 'import rdflib'": [py, "-c", "import rdflib"],
        "riskgraph query effective_mitigations": [py, "-m", "riskgraph", "query",
                                                  "effective_mitigations"],
        "riskgraph query graph_summary": [py, "-m", "riskgraph", "query", "graph_summary"],
    }
    if only is not None:
        commands = dict(list(commands.items())[:only])
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            t0 = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t0)
    median = {name: statistics.median(values) for name, values in times.items()}
    bare = median["python -c pass"]
    print(f"\n== whole processes on the bundled data (median of {repeat}, interleaved)")
    for name, value in median.items():
        extra = "" if name == "python -c pass" else \
            f"  ({(value - bare) * 1000:.0f} ms beyond start-up)"
        print(f"   {name:<40} {value * 1000:7.0f} ms{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--rdflib-cap", type=float, default=60.0,
                        help="stop an rdflib query after this many seconds")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--process-repeat", type=int, default=15,
                        help="runs of each whole process (medians are printed)")
    parser.add_argument("--process-only", action="store_true",
                        help="time only the whole processes on the bundled data")
    parser.add_argument("--tiny", action="store_true",
                        help="one run of everything on a small graph (does the script run?)")
    args = parser.parse_args()
    if args.tiny:
        args.sizes, args.repeat, args.process_repeat, args.rdflib_cap = [600], 1, 1, 2.0
    if args.process_only:
        bench_process(args.process_repeat)
        return
    summary = []
    for n in args.sizes:
        results = bench_size(n, args.rdflib_cap, args.repeat if n < 1_000_000 else 1,
                             rdflib_queries=2 if args.tiny else None)
        ratios = [args.rdflib_cap / ox if capped else rd / ox for _, ox, rd, capped in results]
        summary.append((n, statistics.median(ratios), sum(c for *_, c in results)))
    bench_process(args.process_repeat, only=3 if args.tiny else None)
    print("\n== summary: median rdflib/oxigraph ratio per size (target >= 30x at >= 100k)")
    for n, ratio, capped in summary:
        extra = f", {capped} rdflib queries capped (lower bound)" if capped else ""
        print(f"   {n:>9,} triples: {ratio:.1f}x{extra}")


if __name__ == "__main__":
    main()
