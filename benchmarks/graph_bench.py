"""Benchmark of the graph page: generation time, file size, time until interactive.

Synthetic graphs in the project schema (benchmarks/synthetic.py) of about 100, 1,000,
5,000 and 20,000 entities are drawn by riskgraph and, for 100 and 1,000 entities, by
plain pyvis with its defaults (physics on) as the baseline measured in the same run.

"Interactive" for a riskgraph page: the page's script has built the network, with the
whole graph folded into its class groups (one node each; a group's members are created
in vis-network when it opens, on double-click) and vis-network has drawn its first frame
with every node at its final position (the layout is computed in Python, physics off),
so clicks, search and filters respond.
The page records performance.now() at that moment (``window.__riskgraphReady``);
the figure is milliseconds since navigation start, in headless Chromium.

"Interactive" for plain pyvis: vis-network's 'stabilized' event after its physics
simulation settles (before that the drawing keeps moving under the pointer). Plain
pyvis loads vis-network and Bootstrap from CDNs; to run offline its own
``cdn_resources="in_line"`` mode is used, which inlines the vis-network script it
ships, and the two Bootstrap CDN tags are removed (the page does not need them to
draw). Nothing else in pyvis's template is changed, except one added script line
that records the 'stabilized' time.

Times are medians of three page loads (one for the 1,000-node pyvis page, which is
given at most 300 s to settle).

Run: .venv/bin/python benchmarks/graph_bench.py [--sizes 100,1000,5000,20000]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TRIPLES_PER_NODE = 6.9  # measured on synthetic.generate at these sizes
BASELINE_TIMEOUT_S = 300
REPEATS = 3  # page loads per figure; the median is printed (the machine may be busy)


def synthetic_graph(nodes: int):
    """A synthetic graph (with the ontology) of about ``nodes`` drawn entities."""
    from benchmarks.synthetic import generate
    from riskgraph.io.rdf import load_files, ontology_files
    from riskgraph.page.model import build_model

    ontology = load_files(ontology_files())
    triples = int(nodes * TRIPLES_PER_NODE)
    for _ in range(3):  # correct the estimate twice: small graphs are mostly taxonomy
        graph = generate(triples) + ontology
        count = build_model(graph).node_count
        if abs(count - nodes) <= 0.03 * nodes:
            break
        triples = max(200, int(triples * nodes / count))
    return graph


def riskgraph_page(graph, out: Path) -> tuple[float, int, int, int]:
    """Generate the riskgraph page; returns (seconds, bytes, nodes, data bytes)."""
    from riskgraph.page.model import build_model
    from riskgraph.page.render import render_model

    start = time.perf_counter()
    model = build_model(graph)
    result = render_model(model, title="synthetic", subtitle="benchmark")
    out.write_text(result.html, encoding="utf-8")
    seconds = time.perf_counter() - start
    html = result.html
    data = re.search(r'id="graph-data">(.*?)</script>', html, re.DOTALL).group(1)
    return seconds, result.bytes, result.node_count, len(data.encode("utf-8"))


def pyvis_page(graph, out: Path) -> tuple[float, int, int]:
    """Plain pyvis defaults on the same entities and links; returns (seconds, bytes, nodes)."""
    import networkx as nx
    from pyvis.network import Network

    from riskgraph.page.model import build_model

    model = build_model(graph)
    start = time.perf_counter()
    simple = nx.DiGraph()
    for node, label in model.graph.nodes(data="label"):
        simple.add_node(node, label=label)
    simple.add_edges_from((u, v) for u, v in model.graph.edges())
    net = Network(directed=True, cdn_resources="in_line")
    net.from_nx(simple)
    html = net.generate_html()
    seconds = time.perf_counter() - start
    html = re.sub(r"<link[^>]*cdn\.jsdelivr\.net[^>]*/>", "", html, flags=re.DOTALL)
    html = re.sub(r"<script\s+src=\"https://cdn\.jsdelivr\.net[^>]*>\s*</script>", "", html,
                  flags=re.DOTALL)
    if re.search(r"(src|href)=\"https?://", html):
        raise RuntimeError("the pyvis page still loads something from the network")
    hook = ('<script>network.once("stabilized", function () '
            '{ window.__stable = performance.now(); });</script>')
    html = html.replace("</body>", hook + "\n</body>")
    out.write_text(html, encoding="utf-8")
    return seconds, out.stat().st_size, simple.number_of_nodes()


def median_time(context, path: Path, signal: str, timeout_s: float, repeats: int):
    """The median of ``repeats`` loads (one load when the first one times out)."""
    import statistics

    times = []
    for _ in range(repeats):
        value = time_in_browser(context, path, signal, timeout_s)
        if value is None:
            return None
        times.append(value)
    return statistics.median(times)


def time_in_browser(context, path: Path, signal: str, timeout_s: float) -> float | None:
    """Milliseconds from navigation start until ``signal`` is set, or None on timeout."""
    page = context.new_page()
    leaks: list[str] = []
    own = path.resolve().as_uri()

    def route(r):
        if r.request.url == own:
            r.continue_()
        else:
            leaks.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(own, timeout=timeout_s * 1000)
        page.wait_for_function(f"() => window.{signal}", timeout=timeout_s * 1000, polling=100)
        value = page.evaluate(f"() => window.{signal}")
    except Exception as exc:  # a timeout is a result here, not a failure
        if "Timeout" not in type(exc).__name__ and "imeout" not in str(exc):
            raise
        value = None
    finally:
        page.close()
    if leaks:
        raise RuntimeError(f"{path.name} made requests: {leaks[:3]}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000,20000")
    parser.add_argument("--baseline-sizes", default="100,1000")
    parser.add_argument("--tiny", action="store_true",
                        help="one small page of each kind, loaded once (does the script run?)")
    args = parser.parse_args()
    if args.tiny:  # tests/project/test_benchmarks.py: it still runs; its figures mean nothing
        global REPEATS
        args.sizes, args.baseline_sizes, REPEATS = "60", "60", 1
    sizes = [int(s) for s in args.sizes.split(",")]
    baseline_sizes = [int(s) for s in args.baseline_sizes.split(",") if s]

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="graph-bench-"))
    rows, baseline = [], {}
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(work / "profile"), executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1400, "height": 900})
        for size in sizes:
            graph = synthetic_graph(size)
            out = work / f"riskgraph-{size}.html"
            seconds, size_bytes, nodes, data_bytes = riskgraph_page(graph, out)
            ready = median_time(context, out, "__riskgraphReady", 300, REPEATS)
            rows.append((size, nodes, seconds, size_bytes, data_bytes, ready))
            print(f"riskgraph {nodes:>6} nodes: generated in {seconds:6.2f} s, "
                  f"{size_bytes:>11,} bytes ({size_bytes / nodes:8.0f} B/node; graph data "
                  f"{data_bytes / nodes:5.0f} B/node), interactive after "
                  f"{ready / 1000 if ready else float('nan'):6.2f} s", flush=True)
            if size in baseline_sizes:
                out = work / f"pyvis-{size}.html"
                seconds, size_bytes, nodes = pyvis_page(graph, out)
                stable = median_time(context, out, "__stable", BASELINE_TIMEOUT_S,
                                     REPEATS if size <= 100 else 1)
                baseline[size] = stable
                shown = f"{stable / 1000:6.2f} s" if stable else f"> {BASELINE_TIMEOUT_S} s"
                print(f"pyvis     {nodes:>6} nodes: generated in {seconds:6.2f} s, "
                      f"{size_bytes:>11,} bytes ({size_bytes / nodes:8.0f} B/node), "
                      f"stabilized after {shown}  [baseline: physics on, in_line vis-network, "
                      f"Bootstrap CDN tags removed]", flush=True)
        context.close()

    print("\nsummary")
    first = rows[0]
    for _, nodes, _, _, data_bytes, _ in rows:
        growth = (data_bytes / nodes) / (first[4] / first[1])
        print(f"  {nodes:>6} nodes: graph data per node x{growth:4.2f} of the "
              f"{first[1]}-node page's (1.00 = linear growth)")
    five_k = next((r for r in rows if r[0] == 5000), None)
    if five_k and baseline.get(100) and five_k[5]:
        ratio = baseline[100] / five_k[5]
        verdict = "met" if ratio > 1 else "NOT met"
        print(f"  pyvis 100-node page stabilized in {baseline[100] / 1000:.2f} s; riskgraph "
              f"{five_k[1]}-node page interactive in {five_k[5] / 1000:.2f} s: "
              f"{ratio:.1f}x sooner (target {verdict})")
    print(f"  pages kept in {work}")


if __name__ == "__main__":
    main()
