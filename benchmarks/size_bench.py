"""Benchmark of the graph at its new size: today's bundled graph (a git ref, by default
``main``) against this checkout, which bundles the AI Atlas Nexus import.

Each step is a whole `riskgraph` process, run with the code and data of its tree and
an empty build cache, so "cold" means what a user sees on a fresh install:

- build:     `riskgraph build -o DIR` (HermiT included)
- validate:  `riskgraph validate` (the whole bundled data against the shapes)
- demo:      `riskgraph demo -o DIR` (build, validate, the CBRN query, the graph page)
- query:     `riskgraph query effective_mitigations` with an empty cache (so the
             graph is built once, then queried)
- coldquery: `riskgraph query effective_mitigations` with a warm cache: each tree's
             cache is built first, its modules compiled (as an installed package's are),
             then the median of ``--cold-repeat`` fresh processes, the trees taking turns
             (with `python -c "import rdflib"`, issue 11's yardstick, in the same loop).
             ``--compare-ref REF`` adds more trees to the same loop (e.g. the commit
             before a change), printed below the table.
- graph:     `riskgraph graph -o page.html` (all of the graph), and the page's time to
             interactive in headless Chromium (``window.__riskgraphReady``, as in
             benchmarks/graph_bench.py); then, on that page, the time a filter (the first
             value of the first facet, as a user picks it) and the "Reset filters" button
             take until the page answers again (the click's handler, the next frame and a
             task after it: PAGE_ACTION_JS), median of PAGE_ACTION_REPEATS fresh loads

The ratio column is new / today. The issue's target: the demo's total grows by at
most 2 times.

"Today" is by default the commit this branch started from (``git merge-base HEAD main``),
so code and data differ only by this branch's changes.

Run: .venv/bin/python benchmarks/size_bench.py [--baseline-ref REF] [--skip validate,demo]
     [--repeat N] [--tiny]

``--tiny`` times only the validate step, once, against HEAD (tests/project/test_benchmarks.py: the
script still runs; its figures mean nothing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STEPS = ("build", "validate", "demo", "query", "coldquery", "graph")
COLD_QUERY = ["query", "effective_mitigations"]


def baseline_tree(ref: str, work: Path, name: str = "baseline") -> Path:
    """The files of ``ref`` (code and data), extracted with `git archive`."""
    tree = work / name
    tree.mkdir()
    archive = work / f"{name}.tar"
    with open(archive, "wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, stdout=out)
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def run(tree: Path, args: list[str], work: Path, timeout: float) -> tuple[float, str]:
    """Seconds one `riskgraph ARGS` process takes with ``tree``'s code and data."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "RISKGRAPH_CACHE": str(cache)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "riskgraph", *args], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start
    status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
    return seconds, status


def cold_queries(trees: dict[str, Path], work: Path, repeat: int,
                 timeout: float) -> dict[str, tuple[float, str]]:
    """Median seconds of a cold `riskgraph query` process per tree, its cache warm,
    the trees (and `python -c "import rdflib"`) taking turns so that they share the noise."""
    import statistics

    envs = {}
    for name, tree in trees.items():
        # an installed package has its modules compiled; a fresh checkout may not
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "src")],
                       check=True, stdout=subprocess.DEVNULL)
        cache = Path(tempfile.mkdtemp(prefix=f"cold-cache-{name}-", dir=work))
        envs[name] = {**os.environ, "PYTHONPATH": str(tree / "src"),
                      "RISKGRAPH_CACHE": str(cache)}
        for _ in range(2):  # builds the cache, then a run that may remember it as checked
            subprocess.run([sys.executable, "-m", "riskgraph", *COLD_QUERY], cwd=tree,
                           env=envs[name], check=True, capture_output=True, timeout=timeout)
    rdflib = "python -c 'import rdflib'"
    times: dict[str, list[float]] = {name: [] for name in [*trees, rdflib]}
    failed: set[str] = set()
    for _ in range(repeat):
        for name, tree in trees.items():
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "riskgraph", *COLD_QUERY], cwd=tree,
                                  env=envs[name], capture_output=True, timeout=timeout)
            times[name].append(time.perf_counter() - start)
            if proc.returncode:
                failed.add(name)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import rdflib"], check=True)
        times[rdflib].append(time.perf_counter() - start)
    return {name: (statistics.median(values),
                   "failed" if name in failed else f"median of {repeat}")
            for name, values in times.items()}


def page_ready_ms(page: Path) -> float | None:
    from playwright.sync_api import sync_playwright

    from benchmarks.graph_bench import ARGS, CHROMIUM, median_time

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1400, "height": 900})
        try:
            return median_time(context, page, "__riskgraphReady", 300, 3)
        finally:
            context.close()


PAGE_ACTION_REPEATS = 3
# Milliseconds from a control's event until the page has drawn the next frame and runs
# tasks again: what a user waits for after a click.
PAGE_ACTION_JS = """async (action) => {
  const t0 = performance.now();
  if (action === "filter") {
    const select = document.querySelector("#facets select");
    if (!select || select.options.length < 2) return null;
    select.value = select.options[1].value;
    select.dispatchEvent(new Event("change"));
  } else {
    const button = document.getElementById("reset");
    if (!button) return null;
    button.click();
  }
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - t0;
}"""


def page_action_ms(page: Path) -> dict[str, float | None]:
    """Median milliseconds of a filter and of the reset after it on the page (fresh loads)."""
    import statistics

    from playwright.sync_api import sync_playwright

    from benchmarks.graph_bench import ARGS, CHROMIUM

    times: dict[str, list[float]] = {"filter": [], "reset": []}
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1400, "height": 900})
        try:
            own = page.resolve().as_uri()
            for _ in range(PAGE_ACTION_REPEATS):
                tab = context.new_page()
                tab.route("**/*", lambda r: r.continue_() if r.request.url == own else r.abort())
                tab.goto(own)
                tab.wait_for_function("() => window.__riskgraphReady", timeout=300_000)
                for action in ("filter", "reset"):
                    value = tab.evaluate(PAGE_ACTION_JS, action)
                    if value is not None:
                        times[action].append(value)
                tab.close()
        finally:
            context.close()
    return {k: statistics.median(v) if v else None for k, v in times.items()}


def measure(tree: Path, work: Path, skip: set[str], timeout: float) -> dict[str, tuple]:
    out = work / f"out-{tree.name}"
    results: dict[str, tuple] = {}
    if "build" not in skip:
        results["build"] = run(tree, ["build", "-o", str(out / "build")], work, timeout)
    if "validate" not in skip:
        results["validate"] = run(tree, ["validate"], work, timeout)
    if "demo" not in skip:
        results["demo"] = run(tree, ["demo", "-o", str(out / "demo")], work, timeout)
    if "query" not in skip:
        results["query"] = run(tree, ["query", "effective_mitigations"], work, timeout)
    if "graph" not in skip:
        page = out / "page.html"
        results["graph"] = run(tree, ["graph", "-o", str(page)], work, timeout)
        if page.exists():
            ready = page_ready_ms(page)
            results["graph page interactive"] = (ready / 1000 if ready else float("nan"),
                                                 f"{page.stat().st_size:,} bytes")
            actions = page_action_ms(page)
            for action, ms in actions.items():
                results[f"graph page {action}"] = (ms / 1000 if ms is not None else float("nan"),
                                                   "ok" if ms is not None else "no such control")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-ref", default=None,
                        help="git ref of today's graph (default: merge-base of HEAD and main)")
    parser.add_argument("--skip", default="", help="comma-separated steps to leave out")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per step, the two trees interleaved; medians are printed "
                             "(a shared machine's load moves single runs by tens of percent)")
    parser.add_argument("--cold-repeat", type=int, default=15,
                        help="cold query processes per tree (coldquery step)")
    parser.add_argument("--compare-ref", action="append", default=[],
                        help="another git ref to time in the coldquery step's loop")
    parser.add_argument("--tiny", action="store_true",
                        help="only the validate step, once, against HEAD (does it run?)")
    args = parser.parse_args()
    if args.tiny:
        args.baseline_ref, args.repeat = args.baseline_ref or "HEAD", 1
        args.skip = "build,demo,query,graph,coldquery"
    skip = {s for s in args.skip.split(",") if s}
    work = Path(tempfile.mkdtemp(prefix="size-bench-"))
    ref = args.baseline_ref or subprocess.run(
        ["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], check=True,
        capture_output=True, text=True).stdout.strip()
    args.baseline_ref = ref[:10]
    base = baseline_tree(ref, work)
    runs: list[tuple[dict, dict]] = []
    for _ in range(max(1, args.repeat)):
        runs.append((measure(base, work, skip, args.timeout),
                     measure(ROOT, work, skip, args.timeout)))
    cold = {}
    if "coldquery" not in skip:
        trees = {"today": base, "new": ROOT}
        trees.update({ref: baseline_tree(ref, work, f"ref-{i}")
                      for i, ref in enumerate(args.compare_ref)})
        cold = cold_queries(trees, work, args.cold_repeat, args.timeout)
        label = "cold query, warm cache"
        for today, new in runs:  # one interleaved loop of its own: the same figures
            today[label], new[label] = cold["today"], cold["new"]
    print(f"{'step':<24} {'today (' + args.baseline_ref + ')':>16} {'this tree':>12} "
          f"{'ratio':>6}  notes (median of {len(runs)})")
    for step in runs[0][0]:
        a = statistics.median(today[step][0] for today, _ in runs)
        b = statistics.median(new[step][0] for _, new in runs)
        ratio = b / a if a else float("nan")
        notes = f"{runs[-1][0][step][1]} / {runs[-1][1][step][1]}"
        print(f"{step:<24} {a:>14.2f} s {b:>10.2f} s {ratio:>6.2f}  {notes}")
    if cold:
        print("\ncold query, warm cache (same interleaved loop; ratio to today and to "
              "`import rdflib`):")
        base_s, rdflib_s = cold["today"][0], cold["python -c 'import rdflib'"][0]
        for name, (seconds, status) in cold.items():
            print(f"   {name:<28} {seconds * 1000:6.0f} ms  {seconds / base_s:5.2f}x today  "
                  f"{seconds / rdflib_s:5.2f}x rdflib  {status}")


if __name__ == "__main__":
    main()
