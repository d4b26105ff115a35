"""Benchmark: ``riskgraph serve`` against Oxigraph's own server and rdflib-endpoint, one run.

    .venv/bin/python -m benchmarks.serve_bench [--seconds 10] [--connections 16]
        [--baseline-seconds 5] [--tiny]

Every server holds the bundled graph in memory and gets the same mixed workload on
its SPARQL endpoint from ``wrk`` (a real load generator; a Lua script cycles the
requests): the CBRN answer's query (``effective_mitigations`` with area CBRN, its
VALUES block bound), an entity lookup (``SELECT ?p ?o WHERE { <entity> ?p ?o }``) and
a COUNT of all triples. Each query is POSTed as ``application/sparql-query``, as
SPARQL clients send long queries: the bound CBRN query (about 9 kB) makes a URL
longer than Oxigraph's 8 kB header limit. The servers run one at a time (each starts
idle, is warmed up with every distinct request, is measured, and is stopped, so no
server's leftover work slows the next): ``riskgraph serve`` (response cache on), ``riskgraph serve
--no-cache``, ``oxigraph serve`` (pip ``oxigraph``, in memory, data loaded by the
Graph Store Protocol) and rdflib-endpoint (last, for ``--baseline-seconds``; then
killed, so its queue of unanswered requests is dropped).

Printed: requests/s, p50 and p99 latency (ms), errors, and each server's throughput
as a ratio of Oxigraph's. Targets (issue 22), on 2 cores at 16 connections:
``serve --no-cache`` >= 0.5 x Oxigraph, ``serve`` (cache) >= 1.0 x Oxigraph, and
p99 < 50 ms for riskgraph.

Needs ``wrk`` on PATH and the ``dev`` extra (``oxigraph``, ``rdflib-endpoint``).
``--tiny`` (for the tests: a few seconds, the figures mean nothing) starts only
``riskgraph serve``, checks every request once and times a handful of them without
``wrk``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
JSON = "application/sparql-results+json"
RDFLIB_ENDPOINT = """
import sys, rdflib, uvicorn
from rdflib_endpoint import SparqlEndpoint
g = rdflib.Graph()
g.parse(sys.argv[1], format="nt")
uvicorn.run(SparqlEndpoint(graph=g), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""
SPARQL_QUERY = "application/sparql-query"
LUA = """
bodies = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", %s, {["Accept"] = "application/sparql-results+json",
                    ["Content-Type"] = "application/sparql-query"},
                    bodies[(counter %% #bodies) + 1])
end
"""
ENDPOINTS = {"oxigraph": "/query", "rdflib-endpoint": "/"}  # riskgraph: /sparql


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, method: str = "GET", body: bytes | None = None,
          headers: dict | None = None) -> tuple[int, bytes]:
    """(status, body) of one request on a new connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {"Accept": JSON})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        try:
            if fetch(port, "/")[0] < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on {port} did not start")


def workload() -> list[str]:
    """The three query texts: the CBRN answer, an entity lookup, a COUNT."""
    from riskgraph.build.cache import ensure_cached_graph
    from riskgraph.query.binding import bind_values
    from riskgraph.query.canned import prepare
    from riskgraph.store.local import EmbeddedStore

    store = EmbeddedStore.from_ntriples(ensure_cached_graph())
    prepared = prepare("effective_mitigations", {"area": "CBRN"}, store)
    answer = bind_values(prepared.text, prepared.bindings)
    entity = store.select("SELECT ?m WHERE { ?m a <https://w3id.org/riskgraph/ns#Mitigation> }"
                          " ORDER BY ?m LIMIT 1").rows[0]["m"].value
    return [answer, f"SELECT ?p ?o WHERE {{ <{entity}> ?p ?o }}",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"]


def ask(port: int, endpoint: str, query: str) -> tuple[int, bytes]:
    return fetch(port, endpoint, "POST", query.encode(),
                 {"Accept": JSON, "Content-Type": SPARQL_QUERY})


def run_plain(port: int, endpoint: str, queries: list[str], rounds: int) -> dict:
    """A handful of requests one after another (``--tiny``), in ``run_wrk``'s terms."""
    times = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            status, _ = ask(port, endpoint, query)
            times.append((time.perf_counter() - start) * 1000)
            assert status == 200, status
    times.sort()
    return {"rps": len(times) / (sum(times) / 1000), "p50": times[len(times) // 2],
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))], "errors": 0}


def run_wrk(port: int, endpoint: str, queries: list[str], seconds: float,
            connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (", ".join(json.dumps(q) for q in queries), json.dumps(endpoint)))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency",
                          "--timeout", "30s", "-s", script.name,
                          f"http://{HOST}:{port}{endpoint}"],
                         capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if match is None:
            return float("nan")
        return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(rate.group(1)) if rate else 0.0, "p50": ms("50"), "p99": ms("99"),
            "errors": int(errors.group(1)) if errors else 0}


def start(name: str, nt: Path, tmp: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log = open(tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    if name.startswith("riskgraph"):
        args = [sys.executable, "-m", "riskgraph", "serve", "--port", str(port),
                "--log-level", "warning"] + (["--no-cache"] if "no-cache" in name else [])
    elif name == "oxigraph":
        args = [str(Path(sys.executable).parent / "oxigraph"), "serve", "--bind",
                f"{HOST}:{port}"]
    else:
        args = [sys.executable, "-c", RDFLIB_ENDPOINT, str(nt), str(port)]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    wait_up(port, proc)
    if name == "oxigraph":
        status, body = fetch(port, "/store?default", "POST", nt.read_bytes(),
                             {"Content-Type": "application/n-triples"})
        assert status in (200, 201, 204), body[:200]
    return proc, port


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--baseline-seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--tiny", action="store_true",
                        help="riskgraph serve alone, a handful of requests (for the tests)")
    args = parser.parse_args(argv)
    if not args.tiny and shutil.which("wrk") is None:
        sys.exit("serve_bench needs wrk on PATH")
    from riskgraph.build.cache import ensure_cached_graph

    nt = ensure_cached_graph()
    queries = workload()
    names = ("riskgraph",) if args.tiny else \
        ("oxigraph", "riskgraph", "riskgraph --no-cache", "rdflib-endpoint")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            proc, port = start(name, nt, Path(tmp))
            try:
                endpoint = ENDPOINTS.get(name, "/sparql")
                for query in queries:  # warm-up, and a check that every server answers
                    status, body = ask(port, endpoint, query)
                    assert status == 200, (name, status, body[:300])
                seconds = args.baseline_seconds if name == "rdflib-endpoint" else args.seconds
                results[name] = run_plain(port, endpoint, queries, 3) if args.tiny else \
                    run_wrk(port, endpoint, queries, seconds, args.connections)
                print(name, results[name], flush=True)
            finally:
                stop(proc)  # rdflib-endpoint's unanswered requests go with it
            if not args.tiny:
                time.sleep(1)
    base = results.get("oxigraph", results["riskgraph"])["rps"] or 1.0
    print(f"{'server':24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'x oxigraph' if 'oxigraph' in results else 'x riskgraph':>10}")
    for name, r in results.items():
        print(f"{name:24} {r['rps']:8.1f} {r['p50']:8.2f} {r['p99']:8.2f} {r['errors']:7d} "
              f"{r['rps'] / base:10.2f}")


if __name__ == "__main__":
    main()
