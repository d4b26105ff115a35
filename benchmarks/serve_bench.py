"""Benchmark: ``riskgraph serve`` against Oxigraph's own server and rdflib-endpoint, one run.

    .venv/bin/python -m benchmarks.serve_bench [--seconds 10] [--connections 16]
        [--baseline-seconds 5]

Every server holds the bundled graph in memory and gets the same mixed workload on
``/sparql`` from ``wrk`` (a real load generator; a Lua script cycles the requests):
the CBRN answer's query (``effective_mitigations`` with area CBRN, its VALUES block
bound), an entity lookup (``SELECT ?p ?o WHERE { <entity> ?p ?o }``) and a COUNT of
all triples. The servers run one at a time (each starts idle, is warmed up with
every distinct request, is measured, and is stopped, so no server's leftover work
slows the next): ``riskgraph serve`` (response cache on), ``riskgraph serve
--no-cache``, ``oxigraph serve`` (pip ``oxigraph``, in memory, data loaded by the
Graph Store Protocol) and rdflib-endpoint (last, for ``--baseline-seconds``; then
killed, so its queue of unanswered requests is dropped).

Printed: requests/s, p50 and p99 latency (ms), errors, and each server's throughput
as a ratio of Oxigraph's. Targets (issue 22), on 2 cores at 16 connections:
``serve --no-cache`` >= 0.5 x Oxigraph, ``serve`` (cache) >= 1.0 x Oxigraph, and
p99 < 50 ms for riskgraph.

Needs ``wrk`` on PATH and the ``dev`` extra (``oxigraph``, ``rdflib-endpoint``).
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
import urllib.parse
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
LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1],
                    {["Accept"] = "application/sparql-results+json"})
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, method: str = "GET", body: bytes | None = None,
          headers: dict | None = None) -> tuple[int, bytes]:
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


def run_wrk(port: int, paths: list[str], seconds: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(json.dumps(p) for p in paths))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency",
                          "--timeout", "30s", "-s", script.name, f"http://{HOST}:{port}"],
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
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("serve_bench needs wrk on PATH")
    from riskgraph.build.cache import ensure_cached_graph

    nt = ensure_cached_graph()
    queries = workload()
    paths = ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in queries]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("oxigraph", "riskgraph", "riskgraph --no-cache", "rdflib-endpoint"):
            proc, port = start(name, nt, Path(tmp))
            try:
                endpoint = {"oxigraph": "/query?", "rdflib-endpoint": "/?"}.get(name)
                paths_here = [p.replace("/sparql?", endpoint) for p in paths] if endpoint \
                    else paths
                for path in paths_here:  # warm-up, and a check that every server answers
                    status, body = fetch(port, path)
                    assert status == 200, (name, status, body[:300])
                seconds = args.baseline_seconds if name == "rdflib-endpoint" else args.seconds
                results[name] = run_wrk(port, paths_here, seconds, args.connections)
                print(name, results[name], flush=True)
            finally:
                stop(proc)  # rdflib-endpoint's unanswered requests go with it
            time.sleep(1)
    base = results["oxigraph"]["rps"] or 1.0
    print(f"{'server':24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'x oxigraph':>10}")
    for name, r in results.items():
        print(f"{name:24} {r['rps']:8.1f} {r['p50']:8.2f} {r['p99']:8.2f} {r['errors']:7d} "
              f"{r['rps'] / base:10.2f}")


if __name__ == "__main__":
    main()
