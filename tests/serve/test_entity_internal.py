"""Entity pages (served and static) run riskgraph's own fixed templates without the
user-query safety parse; only plain IRIs fill them, and users' queries stay checked."""

from __future__ import annotations

import urllib.parse

import pytest
from starlette.testclient import TestClient

from riskgraph.errors import InputError
from riskgraph.serve.entity import TemplateQuery, entity_query, exists_query, graph_query, plain_iri

ID = "https://w3id.org/riskgraph/id/"
ENTITY = ID + "mitigation/plain-entity"
HOSTILE = [ID + "mitigation/x> } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o",
           ID + "mitigation/x>", ID + 'mitigation/x"', ID + "mitigation/x y",
           ID + "mitigation/x\\u003e", ID + "mitigation/{x}", "file:///etc/passwd", ""]


def test_plain_iri_accepts_graph_iris():
    assert plain_iri("https://w3id.org/riskgraph/id/mitigation/model-weight-security")
    assert plain_iri("https://w3id.org/riskgraph/id/risk/a1045-uuk2024")


def test_plain_iri_refuses_anything_that_could_leave_the_brackets():
    for iri in ("https://a/b> } SERVICE <http://evil/", "https://a/b c", 'https://a/"x',
                "https://a/b\\u003e", "https://a/{x}", "file:///etc/passwd", "", "https://"):
        assert not plain_iri(iri), iri


def test_templates_hold_the_iri_and_refuse_a_hostile_one():
    for build in (entity_query, graph_query, exists_query):
        query = build(ENTITY)
        assert isinstance(query, TemplateQuery) and f"<{ENTITY}>" in query
        assert "SERVICE" not in query.upper()
        for iri in HOSTILE:
            with pytest.raises(InputError):
                build(iri)


# --- the server: a real worker pool over a tiny graph, the app under Starlette's test client

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from riskgraph.serve.app import create_app
    from riskgraph.serve.backend import LocalBackend

    graph = tmp_path_factory.mktemp("entity-internal") / "g.nt"
    graph.write_text(f'<{ENTITY}> <http://www.w3.org/2000/01/rdf-schema#label> "Plain one"@en .\n'
                     f'<{ENTITY}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                     '<https://w3id.org/riskgraph/ns#Mitigation> .\n')
    backend = LocalBackend([graph], workers=1)
    backend.start()
    try:
        with TestClient(create_app(backend)) as client:
            yield client, backend
    finally:
        backend.close()


def _get(client: TestClient, path: str, accept: str = "text/html") -> tuple[int, bytes]:
    response = client.get(path, headers={"Accept": accept})
    return response.status_code, response.content


@pytest.fixture
def no_safety_parse(monkeypatch):
    """The user-query safety check, replaced by one that fails the request if called."""
    import riskgraph.query.safety as safety

    calls = []

    def refuse(text, *args, **kwargs):
        calls.append(text)
        raise InputError("the safety parse ran")

    monkeypatch.setattr(safety, "check_query", refuse)
    return calls


def test_entity_page_and_rdf_skip_the_safety_parse(served, no_safety_parse):
    base, _ = served
    status, body = _get(base, "/id/mitigation/plain-entity")
    assert status == 200, body
    assert b"Plain one" in body
    status, body = _get(base, "/id/mitigation/plain-entity", "application/n-triples")
    assert status == 200 and b"Plain one" in body
    assert no_safety_parse == []


def test_sparql_endpoint_still_refuses_service(served):
    base, _ = served
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, body = _get(base, "/sparql?" + urllib.parse.urlencode({"query": query}),
                        "application/sparql-results+json")
    assert status == 400 and b"SERVICE is not allowed" in body


@pytest.mark.parametrize("path", [
    "mitigation/x%3E%20%7D%20SERVICE%20%3Chttp://127.0.0.1:9/%3E%20%7B%20%3Fs%20%3Fp%20%3Fo",
    "mitigation/x%22", "mitigation/x%20y", "mitigation/x%5Cu003e"])
def test_hostile_entity_path_cannot_inject(served, no_safety_parse, path):
    base, _ = served
    status, body = _get(base, "/id/" + path)
    assert status == 404, body
    assert no_safety_parse == []  # refused before any query was built


def test_select_internal_takes_templates_only(served):
    _, backend = served
    with pytest.raises(TypeError):
        backend.select_internal("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    for iri in HOSTILE:
        with pytest.raises(InputError):
            backend.select_internal(entity_query(iri))
    assert backend.select_internal(exists_query(ENTITY)).boolean is True
