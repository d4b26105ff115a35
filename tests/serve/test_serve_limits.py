"""riskgraph serve's limits, over real sockets: a deadline for headers, a connection cap,
a bounded log, a memory cap per query worker, a heavy query that stalls nobody,
a clear exit when the port is taken, and SIGTERM answering running queries with 503."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from serve_process import HOST
from serve_process import start as start_server


def _get(url: str, timeout: float = 60.0, data: bytes | None = None,
         ctype: str | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, data=data,
                                     headers={"Content-Type": ctype} if ctype else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    served = start_server(tmp_path_factory.mktemp("limits"), "--header-timeout", "1",
                          "--max-connections", "16", "--max-query-memory", "150",
                          "--timeout", "5", "--no-cache")
    yield served
    served.stop()


def _sparql(served, query: str) -> str:
    return served.base + "/sparql?" + urllib.parse.urlencode({"query": query})


def test_slow_headers_are_cut_off_and_normal_clients_are_served(limited):
    """Slowloris: connections that never finish their headers. Before, 300 of them
    starved every other client and filled the log."""
    slow = []
    for _ in range(60):  # more than the cap of 16
        sock = socket.create_connection((HOST, limited.port), timeout=10)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        slow.append(sock)
    status, body, _ = _get(_sparql(limited, "ASK { ?s ?p ?o }"), timeout=30)
    assert status == 200 and b"true" in body
    for sock in slow:  # each one is closed by the server: end of file or a reset
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            assert sock.recv(100) == b""
        sock.close()
    assert len(limited.log_text()) < 100_000


def test_trickled_body_is_cut_off(limited):
    sock = socket.create_connection((HOST, limited.port), timeout=15)
    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
                 b"sparql-query\r\nContent-Length: 1000\r\n\r\nASK")
    answer = sock.recv(200)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 408")


def test_a_query_over_the_memory_cap_gets_503_and_the_server_goes_on(limited):
    status, body, _ = _get(_sparql(limited, "SELECT * { ?a ?b ?c . ?d ?e ?f } "
                                            "ORDER BY DESC(?c)"))
    assert status == 503 and b"more memory than its limit of 150 MiB" in body
    status, body, _ = _get(_sparql(limited, "ASK { ?s ?p ?o }"))
    assert status == 200


def test_a_heavy_check_stalls_nobody(limited):
    """3,500 flat FILTERs took rdflib's parser 7-20 s on the event loop; a stylesheet
    waited as long. Now the stylesheet is answered while the heavy query runs."""
    heavy = "SELECT * WHERE { ?s ?p ?o " + " ".join(f"FILTER(?o != {i})"
                                                   for i in range(3500)) + " }"
    assert len(heavy) > 60_000
    done: list[str] = []

    def run_heavy() -> None:
        _get(limited.base + "/sparql", data=heavy.encode(), ctype="application/sparql-query")
        done.append("heavy")

    thread = threading.Thread(target=run_heavy)
    thread.start()
    time.sleep(0.3)
    status, _, _ = _get(limited.base + "/static/style.css")
    done.append("css")
    thread.join(60)
    assert status == 200 and done == ["css", "heavy"]


def test_graph_page_cannot_be_framed(limited):
    status, _, headers = _get(limited.base + "/graph")
    assert status == 200
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_a_taken_port_is_a_usage_error(run_cli):
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        result = run_cli("serve", "--port", str(taken.getsockname()[1]))
    assert result.exit_code == 2
    assert "already in use" in result.output and "Traceback" not in result.output


def test_ipv6_address_in_brackets():
    from riskgraph.serve.run import url_for

    assert url_for("::1", 8000) == "http://[::1]:8000/"
    assert url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"


def test_sigterm_answers_a_running_query_with_503_at_once(tmp_path):
    served = start_server(tmp_path, "--timeout", "60", "--no-cache")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answers: list[tuple[int, bytes]] = []

    def ask() -> None:
        status, body, _ = _get(_sparql(served, slow), timeout=120)
        answers.append((status, body))

    thread = threading.Thread(target=ask)
    thread.start()
    time.sleep(1.5)
    served.stop()
    thread.join(120)
    # before: the query ran to its time limit (28 s with --timeout 30), then HTTP 500
    assert answers and answers[0][0] == 503 and b"stopping" in answers[0][1]
    assert "Traceback" not in served.log_text()
