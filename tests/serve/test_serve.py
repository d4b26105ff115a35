"""``riskgraph serve`` with real clients: SPARQLWrapper, rdflib's SPARQLStore, plain HTTP.

One server for the module, started as a subprocess on a free loopback port, serving
the bundled graph plus the injection-payload fixture (hostile data).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from serve_process import children, start

FIXTURES = Path(__file__).parents[1] / "fixtures" / "graph"
ID = "https://w3id.org/riskgraph/id/"
STANDOUT = "mitigation/pre-deployment-risk-assessments"
EVIL = "mitigation/injection-script-label"
RG = "PREFIX rg: <https://w3id.org/riskgraph/ns#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = start(tmp_path_factory.mktemp("serve"), "--data",
                   str(FIXTURES / "injection_payloads.ttl"), "--timeout", "3",
                   "--max-request-bytes", "8192")
    yield served
    served.stop()


def get(url: str, accept: str | None = None, method: str = "GET", data: bytes | None = None,
        content_type: str | None = None):
    """(status, headers, body) without raising on 4xx/5xx."""
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sparql_url(server, query: str, **extra) -> str:
    return server.base + "/sparql?" + urllib.parse.urlencode({"query": query, **extra})


# --- real SPARQL clients ---------------------------------------------------------------

def test_sparqlwrapper_select_json_xml_and_ask(server):
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery(RG + "SELECT ?m ?label WHERE { ?m a rg:Mitigation ; rg:navigatorId 'A1446' ;"
                    " rdfs:label ?label }")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["m"]["value"] for r in rows] == [ID + "mitigation/model-weight-security"]
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert len(xml.getElementsByTagName("result")) == 1
    client.setQuery(RG + "ASK { ?m rg:navigatorId 'A1446' }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_construct_as_turtle(server):
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery(RG + f"CONSTRUCT {{ <{ID}{STANDOUT}> rdfs:label ?l }} "
                    f"WHERE {{ <{ID}{STANDOUT}> rdfs:label ?l }}")
    client.setReturnFormat(TURTLE)
    body = client.query().convert()
    assert b"Pre-deployment risk assessments" in body


def test_rdflib_sparqlstore_reads_the_endpoint(server):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server.base + "/sparql"))
    rows = list(graph.query(RG + "SELECT ?label WHERE { ?m rg:navigatorId 'A1421' ; "
                            "rdfs:label ?label }"))
    assert [str(r[0]) for r in rows] == ["Pre-deployment risk assessments"]
    assert (URIRef(ID + STANDOUT), None, None) in graph


@pytest.mark.parametrize("accept,marker", [
    ("text/csv", b"label\r\n"), ("text/tab-separated-values", b"?label\n"),
    ("application/sparql-results+xml", b"<sparql"), ("application/json", b'"bindings"')])
def test_select_results_by_accept(server, accept, marker):
    status, headers, body = get(sparql_url(server, RG + "SELECT ?label WHERE { ?m rg:navigatorId"
                                           " 'A1421' ; rdfs:label ?label }"), accept)
    assert status == 200 and marker in body
    assert headers["Content-Type"].startswith(accept.split(";")[0].replace(
        "application/json", "application/sparql-results+json"))


def test_post_form_and_post_sparql_query(server):
    query = "ASK { ?s ?p ?o }"
    status, _, body = get(server.base + "/sparql", "application/json", "POST",
                          urllib.parse.urlencode({"query": query}).encode(),
                          "application/x-www-form-urlencoded")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = get(server.base + "/sparql", "application/json", "POST", query.encode(),
                          "application/sparql-query")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_service_description_on_get_without_query(server):
    status, headers, body = get(server.base + "/sparql", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert b"sd:Service" in body and b"sd:SPARQL11Query" in body


# --- entity IRIs: content negotiation ----------------------------------------------

def test_entity_is_html_by_default_with_evidence(server):
    status, headers, body = get(f"{server.base}/id/{STANDOUT}")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Accept" in headers["Vary"]
    page = body.decode()
    assert "<h1>Pre-deployment risk assessments</h1>" in page
    assert "&gt;60%" in page  # the figure exactly as stated, escaped once
    assert "arxiv.org/abs/2412.02145" in page
    assert "CC BY 4.0" in page
    assert "<svg" in page
    assert "script-src 'self'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"),
                                        ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld")])
def test_entity_rdf_by_accept_and_by_suffix(server, accept, fmt):
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    suffix = {"turtle": ".ttl", "nt": ".nt", "json-ld": ".jsonld"}[fmt]
    for url, header in ((f"{server.base}/id/{STANDOUT}", accept),
                        (f"{server.base}/id/{STANDOUT}{suffix}", None)):
        status, headers, body = get(url, header)
        assert status == 200, body
        assert headers["Content-Type"].startswith(accept)
        graph = Graph().parse(data=body, format=fmt)
        assert (URIRef(ID + STANDOUT), RDFS.label,
                Literal("Pre-deployment risk assessments", lang="en")) in graph


def test_entity_errors(server):
    assert get(f"{server.base}/id/{STANDOUT}", "image/png")[0] == 406
    status, _, body = get(f"{server.base}/id/mitigation/no-such-thing")
    assert status == 404 and b"nothing about" in body
    assert get(f"{server.base}/id/mitigation/no-such-thing.ttl")[0] == 404


def test_ontology_page_documents_every_class_and_property(server):
    from rdflib import Graph
    from rdflib.namespace import OWL, RDF

    from riskgraph.namespaces import RG_IRI

    status, _, body = get(server.base + "/ns")
    page = body.decode()
    assert status == 200
    ontology = Graph().parse(Path(__file__).parents[2] / "ontology" / "riskgraph.ttl")
    terms = {str(t) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for t in ontology.subjects(RDF.type, kind) if str(t).startswith(RG_IRI)}
    assert len(terms) > 60
    missing = [t for t in terms if f'id="{t[len(RG_IRI):]}"' not in page]
    assert missing == []
    status, _, body = get(server.base + "/ns", "text/turtle")
    assert status == 200 and b"rg:Mitigation" in body


# --- canned queries: pages and JSON API ----------------------------------------------

def test_api_lists_and_runs_canned_queries(server):
    from riskgraph.query.canned import list_queries

    status, _, body = get(server.base + "/api/queries")
    names = {q["name"] for q in json.loads(body)["queries"]}
    assert status == 200 and names == {q.name for q in list_queries()}
    status, _, body = get(server.base + "/api/queries/effective_mitigations?area=CBRN")
    data = json.loads(body)
    assert status == 200 and data["results"]["bindings"]
    # The same answer as `riskgraph query` (bundled graph; the fixture adds no CBRN measure).
    from riskgraph.build.stores import open_store
    from riskgraph.query.canned import run_query

    expected = run_query("effective_mitigations", {"area": "CBRN"}, open_store())
    assert data["head"]["vars"] == expected.variables
    assert len(data["results"]["bindings"]) == len(expected.rows)
    status, headers, body = get(server.base + "/api/queries/effective_mitigations?area=CBRN"
                                "&format=csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    status, _, body = get(server.base + "/api/openapi.json")
    spec = json.loads(body)
    assert spec["openapi"].startswith("3.")
    assert "/api/queries/effective_mitigations" in spec["paths"]


def test_api_errors_are_json_messages(server):
    status, _, body = get(server.base + "/api/queries/effective_mitigations?area=Nowhere")
    assert status == 400 and "not a known" in json.loads(body)["error"]
    status, _, body = get(server.base + "/api/queries/no_such_query")
    assert status == 404 and "no canned query" in json.loads(body)["error"]


def test_canned_query_page_shows_a_table_and_downloads(server):
    status, _, body = get(server.base + "/queries/effective_mitigations?area=CBRN")
    page = body.decode()
    assert status == 200 and "<table class=\"results\">" in page
    assert "/api/queries/effective_mitigations?area=CBRN&amp;format=csv" in page
    assert 'list="choices-area"' in page  # the values the parameter accepts


# --- hostile input ---------------------------------------------------------------------

def test_injection_payloads_in_data_are_text(server):
    status, _, body = get(f"{server.base}/id/{EVIL}")
    page = body.decode()
    assert status == 200
    assert "<script>window.__pwned" not in page and "onerror=" not in page.replace(
        "onerror=&#34;", "").replace("onerror=alert", "")
    assert "&lt;script&gt;window.__pwned = &#39;label&#39;&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    status, _, body = get(f"{server.base}/id/publication/injection-paper")
    assert status == 200 and b"<script>alert" not in body and b'href="javascript' not in body
    for path in ("/browse", "/queries/evidence_for_mitigation?mitigation=" + ID + EVIL,
                 "/id/concept/actor-injection"):
        status, _, body = get(server.base + path)
        assert status == 200, path
        assert b"<script>window.__pwned" not in body and b"<script>alert" not in body, path
        assert b"&lt;script&gt;" in body, path


@pytest.mark.parametrize("path", [
    "/queries/effective_mitigations?area=%3Cscript%3Ealert(1)%3C/script%3E",
    "/id/mitigation/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/%3Cscript%3Ealert(1)%3C/script%3E",
])
def test_injection_payloads_in_parameters_are_text(server, path):
    status, _, body = get(server.base + path)
    assert 400 <= status < 500
    assert b"<script>alert(1)" not in body


@pytest.mark.parametrize("method,path,ctype,data,status,message", [
    ("PUT", "/sparql", None, b"x", 405, b"PUT is not allowed"),
    ("DELETE", "/id/" + STANDOUT, None, None, 405, b"not allowed"),
    ("POST", "/sparql", "text/plain", b"ASK {}", 415, b"application/sparql-query"),
    ("POST", "/sparql", "application/sparql-update", b"DROP ALL", 400, b"read-only"),
    ("POST", "/sparql", "application/sparql-query", b"ASK {" + b" " * 9000 + b"}", 413,
     b"limit"),
    ("GET", "/sparql?query=" + "x" * 9000, None, None, 414, b"POST"),
    ("GET", "/sparql?update=DROP%20ALL", None, None, 400, b"read-only"),
    ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B", None, None, 400, b"syntax error"),
    ("GET", "/sparql?query=" + urllib.parse.quote("DELETE WHERE { ?s ?p ?o }"), None, None, 400,
     b"update"),
    ("GET", "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { SERVICE <http://x/> "
                                                  "{ ?s ?p ?o } }"), None, None, 400,
     b"SERVICE is not allowed"),
    ("GET", "/sparql?query=" + urllib.parse.quote("SELECT * FROM <file:///etc/passwd> "
                                                  "WHERE { ?s ?p ?o }"), None, None, 400,
     b"FROM"),
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=http://x/", None, None, 400,
     b"serves one graph"),
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, None, 400, b"exactly one"),
    ("GET", "/sparql?query=ASK%7B%7D", "x", None, 200, b"true"),
])
def test_bad_requests_get_4xx_with_a_message(server, method, path, ctype, data, status,
                                              message):
    got, _, body = get(server.base + path, None, method, data, ctype)
    assert got == status, body
    assert message in body
    assert b"Traceback" not in body


def test_not_acceptable_format(server):
    status, _, body = get(sparql_url(server, "ASK {}"), "image/png")
    assert status == 406 and b"available" in body


def test_time_limit_stops_a_query_and_the_server_goes_on(server):
    heavy = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    started = time.monotonic()
    status, _, body = get(sparql_url(server, heavy))
    assert status == 503 and b"time limit of 3 s" in body
    assert time.monotonic() - started < 30
    status, _, body = get(sparql_url(server, "ASK { ?s ?p ?o }"), "application/json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_result_size_limit(server):
    huge = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    status, _, body = get(sparql_url(server, huge), "application/json")
    assert status == 400 and b"the result is larger than the limit of" in body


def test_sigterm_stops_the_server_and_its_workers(tmp_path):
    from serve_process import start as start_server

    served = start_server(tmp_path, "--workers", "2")
    workers = children(served.process.pid)
    assert len(workers) >= 2
    assert served.stop() == 0
    time.sleep(0.5)
    assert all(not Path(f"/proc/{pid}").exists() or
               "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
               for pid in workers)
    assert "Traceback" not in served.log_text()


def test_serves_an_on_disk_store(tmp_path):
    from serve_process import start as start_server

    from riskgraph.build.cache import ensure_cached_graph
    from riskgraph.store.ondisk import write_store

    write_store(ensure_cached_graph(), tmp_path / "store")
    served = start_server(tmp_path, "--store", str(tmp_path / "store"))
    try:
        status, _, body = get(f"{served.base}/id/{STANDOUT}")
        assert status == 200 and b"&gt;60%" in body
        status, _, body = get(served.base + "/api/queries/effective_mitigations?area=CBRN")
        assert status == 200 and json.loads(body)["results"]["bindings"]
    finally:
        assert served.stop() == 0


def test_refuses_a_folder_that_is_not_a_store(tmp_path, run_cli):
    result = run_cli("serve", "--store", str(tmp_path))
    assert result.exit_code == 2 and "not a riskgraph store" in result.output
