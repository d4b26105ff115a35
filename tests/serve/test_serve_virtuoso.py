"""``riskgraph serve --endpoint``: pages, canned-query API and editor requests against Virtuoso.

Virtuoso is started on loopback (tests/virtuoso_server.py) and loaded with
``riskgraph push``, as tests/store/test_virtuoso.py does; then ``riskgraph serve`` runs
against it as a subprocess.
"""

from __future__ import annotations

import json

import pytest
from serve_process import start
from test_serve import STANDOUT, get

pytestmark = pytest.mark.virtuoso


@pytest.fixture(scope="module")
def virtuoso_loaded(tmp_path_factory):
    from virtuoso_server import push_built_graph, start_or_skip

    virtuoso = start_or_skip(tmp_path_factory.mktemp("virtuoso-serve"))
    try:
        push_built_graph(virtuoso)
        yield virtuoso
    finally:
        virtuoso.stop()


@pytest.fixture(scope="module")
def server(virtuoso_loaded, tmp_path_factory):
    served = start(tmp_path_factory.mktemp("serve-remote"), "--endpoint",
                   virtuoso_loaded.query_url)
    yield served
    served.stop()


def test_entity_page_from_virtuoso(server):
    status, _, body = get(f"{server.base}/id/{STANDOUT}")
    page = body.decode()
    assert status == 200
    assert "<h1>Pre-deployment risk assessments</h1>" in page and "&gt;60%" in page


def test_canned_query_api_from_virtuoso(server):
    status, _, body = get(server.base + "/api/queries/effective_mitigations?area=CBRN")
    assert status == 200, body
    rows = json.loads(body)["results"]["bindings"]
    assert any(r.get("navigatorId", {}).get("value") == "A1421" or
               "pre-deployment-risk-assessments" in json.dumps(r) for r in rows)


def test_editor_request_and_sparqlwrapper_through_to_virtuoso(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    # What the editor sends: a POST with the query as the body.
    status, _, body = get(server.base + "/sparql", "application/sparql-results+json", "POST",
                          b"PREFIX rg: <https://w3id.org/riskgraph/ns#>\n"
                          b"SELECT ?m WHERE { ?m rg:navigatorId 'A1421' }",
                          "application/sparql-query")
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["m"]["value"].endswith(STANDOUT)
    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    status, _, body = get(server.base + "/editor")
    assert status == 200 and b'id="query"' in body


def test_refusals_apply_before_reaching_virtuoso(server):
    status, _, body = get(server.base + "/sparql?query=SELECT%20*%20WHERE%20%7B%20SERVICE%20"
                          "%3Chttp://x/%3E%20%7B%3Fs%20%3Fp%20%3Fo%7D%7D")
    assert status == 400 and b"SERVICE is not allowed" in body


def test_entity_rdf_from_virtuoso(server):
    status, headers, body = get(f"{server.base}/id/{STANDOUT}", "text/turtle")
    assert status == 200, body
    assert b"Pre-deployment risk assessments" in body
