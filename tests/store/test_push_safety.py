"""Talking to servers (issue 10, cases 5, 7, 10, 13): credentials stay with the
endpoint's origin, a whole request has one deadline, answers have a size cap, push
parses what it uploads and never empties a graph unasked. Loopback servers only."""

from __future__ import annotations

import json
import time

import pytest

from riskgraph.errors import EndpointError, InputError, QueryTimeout

ID = "https://w3id.org/riskgraph/id/source/x"
TRIPLES = "".join(f'<{ID}> <http://www.w3.org/2000/01/rdf-schema#label> "{n}" .\n'
                  for n in range(3))


@pytest.fixture
def upload(tmp_path):
    path = tmp_path / "graph.nt"
    path.write_text(TRIPLES)
    return path


def test_credentials_never_follow_a_redirect_to_another_origin(loopback_servers, upload,
                                                               run_cli, monkeypatch):
    elsewhere = loopback_servers(lambda h, body: h.reply(201))

    def endpoint(handler, body):
        if "Authorization" not in handler.headers:
            handler.reply(401, {"WWW-Authenticate": 'Basic realm="riskgraph"'})
        else:
            handler.reply(302, {"Location": f"http://127.0.0.1:{elsewhere.server_port}/gsp"})

    server = loopback_servers(endpoint)
    monkeypatch.setenv("RISKGRAPH_PASSWORD", "secret")
    result = run_cli("push", "--endpoint", f"http://127.0.0.1:{server.server_port}/gsp",
                     "--user", "alice", "--file", str(upload))
    assert result.exit_code == 2
    assert "another server" in result.output
    assert all("Authorization" not in headers for _, _, headers, _ in elsewhere.seen)


def test_basic_credentials_go_to_the_origin_with_the_upload(loopback_servers, upload,
                                                            run_cli, monkeypatch):
    from loopback_http import basic, needs_basic

    good = basic("alice", "secret")
    server = loopback_servers(needs_basic("alice", "secret", lambda h, body: h.reply(201)))
    monkeypatch.setenv("RISKGRAPH_PASSWORD", "secret")
    result = run_cli("push", "--endpoint", f"http://127.0.0.1:{server.server_port}/gsp",
                     "--user", "alice", "--file", str(upload))
    assert result.exit_code == 0, result.output
    assert "pushed 3 triples" in result.output
    puts = [(headers, body) for method, _, headers, body in server.seen if method == "PUT"]
    assert len(puts) == 1 and puts[0][0]["Authorization"] == good and puts[0][1] == TRIPLES.encode()


def _trickle_body(handler, body):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    yield from (b" " for _ in range(30))


def _trickle_headers(handler, body):
    yield from (bytes([byte]) for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 40)


def _select_in(thread: str, store) -> BaseException | None:
    """What ``store.select`` raises, called in the main thread or another one (serve and
    the Python API call endpoints from threads, where no SIGALRM rings)."""
    import threading

    raised: list[BaseException] = []

    def ask() -> None:
        try:
            store.select("SELECT ?s WHERE { ?s ?p ?o }")
        except BaseException as exc:  # noqa: BLE001 (returned to the test)
            raised.append(exc)

    if thread == "main":
        ask()
    else:
        worker = threading.Thread(target=ask)
        worker.start()
        worker.join(30)
    return raised[0] if len(raised) == 1 else None


@pytest.mark.parametrize("thread", ["main", "other"])
@pytest.mark.parametrize("pieces", [_trickle_body, _trickle_headers], ids=["body", "headers"])
def test_a_trickling_server_meets_one_total_deadline(loopback_servers, pieces, thread):
    from riskgraph.store.remote import RemoteStore

    def trickle(handler, body):
        for piece in pieces(handler, body):
            try:
                handler.wfile.write(piece)
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.3)

    server = loopback_servers(trickle)
    store = RemoteStore(f"http://127.0.0.1:{server.server_port}/sparql", timeout=2)
    start = time.monotonic()
    raised = _select_in(thread, store)
    assert time.monotonic() - start < 6
    assert isinstance(raised, QueryTimeout), raised


def test_an_answer_larger_than_the_cap_is_refused(loopback_servers, monkeypatch):
    from riskgraph.store.remote import RemoteStore

    big = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
        {"s": {"type": "literal", "value": "x" * 1000}}] * 3000}}).encode()
    server = loopback_servers(lambda h, body: h.reply(200, {"Content-Type":
                                                   "application/sparql-results+json"}, big))
    monkeypatch.setenv("RISKGRAPH_MAX_RESPONSE_BYTES", "1000000")
    store = RemoteStore(f"http://127.0.0.1:{server.server_port}/sparql")
    with pytest.raises(EndpointError, match="more than 1,000,000 bytes"):
        store.select("SELECT ?s WHERE { ?s ?p ?o }")


def test_push_refuses_to_empty_a_graph_unless_told(loopback_servers, tmp_path, run_cli):
    server = loopback_servers(lambda h, body: h.reply(201))
    empty = tmp_path / "empty.nt"
    empty.write_text("# nothing\n")
    url = f"http://127.0.0.1:{server.server_port}/gsp"
    result = run_cli("push", "--endpoint", url, "--file", str(empty))
    assert result.exit_code == 2 and "--allow-empty" in result.output
    assert server.seen == []
    result = run_cli("push", "--endpoint", url, "--file", str(empty), "--allow-empty")
    assert result.exit_code == 0, result.output
    assert [m for m, *_ in server.seen if m == "PUT"] == ["PUT"]


def test_push_parses_turtle_before_uploading_and_counts_it(loopback_servers, tmp_path, run_cli):
    server = loopback_servers(lambda h, body: h.reply(201))
    url = f"http://127.0.0.1:{server.server_port}/gsp"
    bad = tmp_path / "notes.ttl"
    bad.write_text("these are my notes, not Turtle\n")
    result = run_cli("push", "--endpoint", url, "--file", str(bad))
    assert result.exit_code == 2 and "syntax error" in result.output
    assert server.seen == []
    good = tmp_path / "good.ttl"
    good.write_text("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    f'<{ID}> rdfs:label "a", "b" ; rdfs:comment "c" .\n')
    result = run_cli("push", "--endpoint", url, "--file", str(good))
    assert result.exit_code == 0 and "pushed 3 triples" in result.output


def test_the_query_endpoint_userinfo_hint_names_the_environment():
    from riskgraph.store.remote import check_url

    with pytest.raises(InputError) as error:
        check_url("http://alice:secret@127.0.0.1:8890/sparql")
    assert "RISKGRAPH_USER" in error.value.hint and "--user" not in error.value.hint
    with pytest.raises(InputError) as error:
        check_url("http://alice:secret@127.0.0.1:8890/gsp", "Graph Store endpoint")
    assert "--user" in error.value.hint
