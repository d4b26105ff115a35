"""Speed of ``riskgraph diff`` on the whole bundled graph, against plain rdflib in the
same run.

Compared: the bundled graph with the bundled graph plus a contribution (one CBRN
assessment and its figure, the case of tests/diff/test_diff.py). Printed:

- riskgraph diff, whole: ``riskgraph.diff.diff("bundled", "bundled+FILE")``: both sides
  read, triples compared, entities described, and effective_mitigations asked for
  every risk area on both sides;
- its triple comparison alone (``triple_diff``: ground triples as sets, blank-node
  triples canonicalised), on the sides read before the clock starts;
- the baseline on the same parsed graphs: rdflib's own
  ``graph_diff(to_isomorphic(old), to_isomorphic(new))`` (canonical labels for the
  whole graph), and ``rdflib.compare.isomorphic``;
- the ratio of riskgraph's triple comparison to the baseline (below 1: faster).

``--tiny``: the ontology and the taxonomies only (seconds), for a quick check.

Run:  .venv/bin/python -m benchmarks.diff_bench [--tiny] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rdflib.compare import graph_diff, isomorphic, to_isomorphic

CONTRIBUTION = Path(__file__).resolve().parent.parent / "tests" / "diff" / "test_diff.py"


def contribution_text() -> str:
    """The contribution tests/diff/test_diff.py uses (one text, not two copies)."""
    source = CONTRIBUTION.read_text(encoding="utf-8")
    return source.split('CONTRIBUTION = """\\\n', 1)[1].split('"""', 1)[0]


CPU: list[float] = []  # processor seconds of the last timed() call, median


def timed(function, runs: int) -> tuple[float, object]:
    """Median wall-clock seconds (and, in CPU, processor seconds: on a shared machine
    the wall clock also counts waiting for the processor and the disk)."""
    times, cpu, value = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[:] = [statistics.median(cpu)]
    return statistics.median(times), value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true",
                        help="the ontology and taxonomies only, not the whole bundled graph")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    from riskgraph import resources
    from riskgraph.diff import diff
    from riskgraph.diff.changes import triple_diff
    from riskgraph.diff.sources import load_side

    with tempfile.TemporaryDirectory() as tmp:
        mine = Path(tmp) / "mine.ttl"
        mine.write_text(contribution_text(), encoding="utf-8")
        if args.tiny:
            base = f"{resources.core_ontology()}+{resources.data_dir() / 'taxonomies.ttl'}"
        else:
            base = "bundled"
        old_spec, new_spec = base, f"{base}+{mine}"
        old_side, new_side = load_side(old_spec), load_side(new_spec)
        old, new = old_side.graph(), new_side.graph()  # for the rdflib baseline
        print(f"graphs: {len(old)} triples old, {len(new)} new "
              f"({'tiny' if args.tiny else 'whole bundled graph'}); median of {args.runs} runs")

        whole, result = timed(lambda: diff(old_spec, new_spec), args.runs)
        whole_cpu = CPU[0]
        ours, (removed, added) = timed(
            lambda: triple_diff(old_side.triples, new_side.triples), args.runs)
        baseline, (_, only_old, only_new) = timed(
            lambda: graph_diff(to_isomorphic(old), to_isomorphic(new)), args.runs)
        iso, same = timed(lambda: isomorphic(old, new), args.runs)

    assert (len(removed), len(added)) == (len(only_old), len(only_new)), "baseline disagrees"
    print(f"riskgraph diff, whole (read, compare, describe, answers): {whole:8.2f} s  "
          f"({result.triples_added} added, {result.triples_removed} removed, "
          f"{len(result.answers)} answer(s) changed; {whole_cpu:.2f} s of processor time)")
    print(f"riskgraph triple comparison (sides read):                {ours:8.2f} s")
    print(f"baseline rdflib graph_diff(to_isomorphic(...)):          {baseline:8.2f} s")
    print(f"baseline rdflib isomorphic(old, new) -> {same!s:<5}:          {iso:8.2f} s")
    print(f"ratio triple comparison / graph_diff baseline: {ours / baseline:.3f}")
    print(f"ratio whole riskgraph diff / graph_diff baseline: {whole / baseline:.2f}")


if __name__ == "__main__":
    main()
