"""Benchmark: ``riskgraph serve`` against rdflib-endpoint serving the same graph, same run.

    .venv/bin/python -m benchmarks.serve_bench [--sizes bundled 100000] [--requests 2000]
        [--concurrency 16] [--baseline-seconds 20] [--site] [--keep DIR]

For each graph (the bundled one, and ``benchmarks.synthetic`` graphs of about N
triples with the ontology and the reasoner's inferences, as query_bench.py builds
them; ``--keep DIR`` keeps them for the next run) three servers run as subprocesses
on loopback, each holding the graph in memory: ``riskgraph serve`` as
deployed (LRU cache of finished answers on), ``riskgraph serve --no-cache``
(every request evaluates its query), and rdflib-endpoint's ``SparqlEndpoint``
under uvicorn with its defaults. ``concurrency`` client threads, each with a
keep-alive connection, send requests for each workload:

- canned: ``effective_mitigations`` (area CBRN). riskgraph: ``/api/queries/...``;
  rdflib-endpoint: the same query text with the same VALUES binding on its endpoint;
- entity: an entity page ``/id/mitigation/...`` (riskgraph only), cycling over
  the mitigations;
- adhoc: a SELECT with ORDER BY on ``/sparql``, its OFFSET cycling over 100 values
  (rdflib-endpoint: the same text).

Each riskgraph server first answers every distinct request once (warm-up), so the
cached figures are its steady state. rdflib-endpoint gets at most
``--baseline-seconds`` per workload (its completed requests are counted).
Reported: requests/s, p50 and p99 latency in ms, and the throughput ratio
against rdflib-endpoint. ``--site`` also times ``riskgraph site`` for the
bundled graph. Targets (issue 14): >= 30x rdflib-endpoint on the canned
query at 100k triples; p99 < 50 ms for canned queries and entity pages on the
bundled graph; the site in under a minute.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HOST = "127.0.0.1"
JSON = "application/sparql-results+json"
RG = "https://w3id.org/riskgraph/ns#"
ADHOC = """PREFIX rg: <https://w3id.org/riskgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?m ?label ?stage WHERE {{ ?m a rg:Mitigation ; rdfs:label ?label ;
  rg:lifecycleStage ?stage }} ORDER BY ?label LIMIT 20 OFFSET {offset}"""
RDFLIB_ENDPOINT = """
import sys, rdflib, uvicorn
from rdflib_endpoint import SparqlEndpoint
g = rdflib.Graph()
g.parse(sys.argv[1], format="nt")
uvicorn.run(SparqlEndpoint(graph=g), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_up(port: int, path: str, proc: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on {port} did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load(port: int, paths: list[str], requests: int, concurrency: int,
         seconds: float | None = None, accept: str = "application/sparql-results+json"):
    """(requests/s, p50 ms, p99 ms, completed, failures) for GETs of ``paths`` in turn."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + seconds if seconds else None

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=600)
        mine = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None or (deadline and time.monotonic() > deadline):
                break
            started = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)], headers={"Accept": accept})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failures[0] += 1
            except (OSError, http.client.HTTPException):
                failures[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=600)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if not latencies:
        return 0.0, 0.0, 0.0, 0, failures[0]
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return (len(latencies) / elapsed, statistics.median(latencies) * 1000, p99 * 1000,
            len(latencies), failures[0])


def graph_file(size: str, work: Path) -> tuple[Path, dict[str, str], list[str]]:
    """The N-Triples file, the canned query's parameters, and mitigation IRIs."""
    if size == "bundled":
        from riskgraph.build.cache import ensure_cached_graph

        path = ensure_cached_graph()
        params = {"area": "CBRN"}
    else:
        from benchmarks.query_bench import BENCH_PARAMS, build_graph

        path = work / f"synthetic-{size}.nt"
        if not path.is_file():
            build_graph(int(size)).serialize(path, format="nt", encoding="utf-8")
        params = BENCH_PARAMS["effective_mitigations"]
    import pyoxigraph as ox

    mitigations = sorted({str(t.subject.value) for t in ox.parse(
        path=str(path), format=ox.RdfFormat.N_TRIPLES)
        if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        and t.object.value == RG + "Mitigation"})
    return path, params, mitigations


def bound_canned(params: dict[str, str], nt: Path) -> str:
    from riskgraph.query.canned import bind_values, prepare
    from riskgraph.store.embedded import EmbeddedStore

    store = EmbeddedStore.from_ntriples(nt)
    prepared = prepare("effective_mitigations", params, store, None)
    return bind_values(prepared.text, prepared.bindings)


def start_riskgraph(size: str, nt: Path, work: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    args = [sys.executable, "-m", "riskgraph", "serve", "--port", str(port),
            "--log-level", "warning", *extra]
    if size != "bundled":
        args += ["--graph", str(nt)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_up(port, "/sparql?query=ASK%7B%7D", proc)
    return proc, port


def bench_size(size: str, args, work: Path) -> list[tuple]:
    nt, params, mitigations = graph_file(size, work)
    with open(nt, "rb") as lines:
        triples = sum(1 for _ in lines)
    canned_text = bound_canned(params, nt)
    q = urllib.parse.quote
    adhoc = [ADHOC.format(offset=k) for k in range(100)]
    workloads = {
        "canned": (["/api/queries/effective_mitigations?" + urllib.parse.urlencode(params)],
                   ["/?query=" + q(canned_text)], JSON),
        "entity": (["/id/" + m.split("/id/", 1)[1] for m in mitigations[:200]], None,
                   "text/html"),
        "adhoc": (["/sparql?query=" + q(t) for t in adhoc], ["/?query=" + q(t) for t in adhoc],
                  JSON),
    }
    rows = []
    servers = {}
    try:
        servers["riskgraph"] = start_riskgraph(size, nt, work)
        servers["riskgraph --no-cache"] = start_riskgraph(size, nt, work, "--no-cache")
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-c", RDFLIB_ENDPOINT, str(nt), str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        servers["rdflib-endpoint"] = (proc, port)
        wait_up(port, "/?query=ASK%7B%7D", proc)
        for name, (ours, theirs, accept) in workloads.items():
            baseline = None
            if theirs is not None:
                load(servers["rdflib-endpoint"][1], theirs[:5], 10, 2)  # warm up
                baseline = load(servers["rdflib-endpoint"][1], theirs, args.requests,
                                args.concurrency, args.baseline_seconds, accept)
                rows.append((size, triples, name, "rdflib-endpoint", *baseline, None))
            for label in ("riskgraph", "riskgraph --no-cache"):
                port = servers[label][1]
                # Warm up: every distinct request once, so that the cached server is
                # measured in its steady state (--no-cache evaluates every request anyway).
                load(port, ours, len(ours), 4, accept=accept)
                result = load(port, ours, args.requests, args.concurrency, accept=accept)
                ratio = result[0] / baseline[0] if baseline and baseline[0] else None
                rows.append((size, triples, name, label, *result, ratio))
    finally:
        for proc, _ in servers.values():
            stop(proc)
    return rows


def time_site(work: Path) -> float:
    out = work / "site"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "riskgraph", "site", "-o", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["bundled", "100000"])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--baseline-seconds", type=float, default=20.0)
    parser.add_argument("--site", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep generated graphs in this folder")
    args = parser.parse_args()
    os.environ.setdefault("RISKGRAPH_CACHE", tempfile.mkdtemp(prefix="rg-bench-cache-"))
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="rg-serve-bench-"))
    try:
        print(f"{'graph':>8} {'triples':>8} {'workload':>8} {'server':>22} {'req/s':>9} "
              f"{'p50 ms':>8} {'p99 ms':>8} {'done':>6} {'fail':>5} {'x rdflib-ep':>11}")
        for size in args.sizes:
            for row in bench_size(size, args, work):
                size_, triples, name, label, rps, p50, p99, done, fail, ratio = row
                ratio_text = f"{ratio:.1f}x" if ratio else ""
                print(f"{size_:>8} {triples:>8} {name:>8} {label:>22} {rps:>9.1f} {p50:>8.1f} "
                      f"{p99:>8.1f} {done:>6} {fail:>5} {ratio_text:>11}", flush=True)
        if args.site:
            print(f"riskgraph site (bundled graph): {time_site(work):.1f} s")
        print(json.dumps({"concurrency": args.concurrency, "requests": args.requests,
                          "cpus": os.cpu_count()}))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            shutil.rmtree(work / "site", ignore_errors=True)


if __name__ == "__main__":
    main()
