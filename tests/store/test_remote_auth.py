"""Every request to a query endpoint carries the same login (issue 14's follow-up):
SELECT and CONSTRUCT alike, from ``RemoteStore``, ``riskgraph serve --endpoint`` and
``riskgraph.load(endpoint=...)``; credentials still never go to another origin."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from loopback_http import basic, needs_basic, url

from riskgraph.errors import EndpointError

ENTITY = "https://w3id.org/riskgraph/id/mitigation/x"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NT = f'<{ENTITY}> <{LABEL}> "guarded" .\n'.encode()
SELECT = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
    {"n": {"type": "literal", "value": "1"}}]}}).encode()


def _sparql(handler, body):
    """Answer as a SPARQL server would: N-Triples or results by the Accept header."""
    query = urllib.parse.parse_qs(body.decode()).get("query", [""])[0]
    if "n-triples" in handler.headers.get("Accept", ""):
        handler.reply(200, {"Content-Type": "application/n-triples"}, NT)
    elif query.lstrip().startswith("ASK"):
        handler.reply(200, {"Content-Type": "application/sparql-results+json"},
                      b'{"head": {}, "boolean": true}')
    else:
        handler.reply(200, {"Content-Type": "application/sparql-results+json"}, SELECT)


@pytest.fixture
def locked(loopback_servers):
    return loopback_servers(needs_basic("alice", "secret", _sparql))


def _authorised(server) -> list[str]:
    good = basic("alice", "secret")
    return [urllib.parse.parse_qs(body.decode()).get("query", [""])[0]
            for method, _, headers, body in server.seen
            if method == "POST" and headers.get("Authorization") == good]


def test_remote_store_construct_logs_in_like_select(locked):
    from riskgraph.store.remote import Auth, RemoteStore

    store = RemoteStore(url(locked), auth=Auth("alice", "secret"))
    assert store.select("SELECT (1 AS ?n) WHERE { }").rows[0]["n"].value == "1"
    assert store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == NT
    assert len(_authorised(locked)) == 2


def test_serve_endpoint_backend_sends_construct_with_the_login(locked, monkeypatch):
    # Before: the entity RDF (a CONSTRUCT) went by plain http.client, without the
    # login, and the server refused it with 401.
    from riskgraph.serve import pages
    from riskgraph.serve.backend import RemoteBackend

    monkeypatch.setenv("RISKGRAPH_USER", "alice")
    monkeypatch.setenv("RISKGRAPH_PASSWORD", "secret")
    backend = RemoteBackend(url(locked))
    assert b"guarded" in pages.entity_rdf(backend, ENTITY, "nt")
    assert b"guarded" in backend.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                        "CONSTRUCT", "ttl")
    assert pages.entity_exists(backend, ENTITY)
    assert any("CONSTRUCT" in q for q in _authorised(locked))


def test_serve_endpoint_construct_is_checked_before_it_is_sent(locked):
    from riskgraph.errors import InputError
    from riskgraph.serve.backend import RemoteBackend

    with pytest.raises(InputError, match="SERVICE"):
        RemoteBackend(url(locked)).sparql(
            "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "CONSTRUCT", "nt")
    assert locked.seen == []


def test_load_endpoint_with_a_login(locked):
    import riskgraph

    kg = riskgraph.load(endpoint=url(locked), user="alice", password="secret")
    assert kg.query("SELECT (1 AS ?n) WHERE { }").rows[0]["n"].value == "1"
    assert kg.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == NT
    assert len(_authorised(locked)) == 2


def test_construct_credentials_never_follow_a_redirect_elsewhere(loopback_servers,
                                                                 monkeypatch):
    from riskgraph.serve.backend import RemoteBackend

    elsewhere = loopback_servers(_sparql)
    away = loopback_servers(needs_basic("alice", "secret", lambda h, body: h.reply(
        303, {"Location": url(elsewhere)})))
    monkeypatch.setenv("RISKGRAPH_USER", "alice")
    monkeypatch.setenv("RISKGRAPH_PASSWORD", "secret")
    with pytest.raises(EndpointError, match="another server"):
        RemoteBackend(url(away)).sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                        "CONSTRUCT", "nt")
    assert elsewhere.seen == []


def test_construct_answer_over_the_limit_is_result_too_large(loopback_servers):
    from riskgraph.errors import ResultTooLarge  # the one "too large" error
    from riskgraph.serve.backend import RemoteBackend
    from riskgraph.serve.pool import Limits

    server = loopback_servers(_sparql)
    backend = RemoteBackend(url(server), Limits(max_result_bytes=10))
    with pytest.raises(ResultTooLarge):
        backend.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT", "nt")
