"""The one RDF loader: nothing dereferenced, bounded regular-file reads, clear messages
(issue 10, cases 1, 2, 8, 12, 13). Each test failed on the code before the fix."""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
from pathlib import Path

import pytest
from rdflib import Graph

from riskgraph.errors import InputError
from riskgraph.io.rdf import read_rdf_file

ID = "https://w3id.org/riskgraph/id/source/x"
PRE = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"


class _Log(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.server.seen.append(self.path)
        body = json.dumps({"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}})
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Log)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def _url(server, name="c.jsonld"):
    return f"http://127.0.0.1:{server.server_port}/{name}"


@pytest.mark.parametrize("shape", ["import", "string", "array", "scoped", "nested", "typed",
                                   "scoped-import"])
def test_no_jsonld_context_is_ever_fetched(tmp_path, listener, shape):
    url = _url(listener)
    context = {
        "import": {"@version": 1.1, "@import": url},
        "string": url,
        "array": [{"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}, url],
        "scoped": {"@version": 1.1, "knows": {"@id": "http://xmlns.com/foaf/0.1/knows",
                                              "@context": url}},
        "nested": {},
        "typed": {"@version": 1.1, "T": {"@id": "http://schema.org/Thing", "@context": [url]}},
        "scoped-import": {"@version": 1.1, "knows": {"@id": "http://xmlns.com/foaf/0.1/knows",
                                                     "@context": {"@import": url}}},
    }[shape]
    doc = {"@context": context, "@id": ID, "@type": "T",
           "knows": {"@id": ID + "2", "label": "x"},
           "http://www.w3.org/2000/01/rdf-schema#seeAlso": {"@context": url, "@id": ID + "3"}}
    path = tmp_path / "a.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match="not fetched"):
        read_rdf_file(path)
    assert listener.seen == []


def test_rdflib_itself_cannot_fetch_a_context_while_riskgraph_parses(listener):
    # The refusal holds around riskgraph's own parse only (riskgraph.patches); a user's
    # rdflib outside it is untouched (tests/project/test_patches.py).
    from riskgraph.patches import refuse_jsonld_fetching

    doc = json.dumps({"@context": _url(listener), "@id": ID, "label": "x"})
    refused = pytest.raises(Exception)  # noqa: B017  (whatever rdflib makes of the refusal)
    with refuse_jsonld_fetching(), refused:
        Graph().parse(data=doc, format="json-ld")
    assert listener.seen == []


def test_a_file_context_is_not_read(tmp_path):
    secret = tmp_path / "context.jsonld"
    secret.write_text(json.dumps({"@context": {"label": "http://secret/label"}}))
    path = tmp_path / "a.jsonld"
    path.write_text(json.dumps({"@context": {"@version": 1.1, "@import": secret.as_uri()},
                                "@id": ID, "label": "x"}))
    before = secret.stat().st_atime_ns
    with pytest.raises(InputError, match="not fetched"):
        read_rdf_file(path)
    assert secret.stat().st_atime_ns == before


def test_turtle_base_and_relative_iris_cause_no_read(tmp_path, listener):
    path = tmp_path / "b.ttl"
    path.write_text(f"@base <{_url(listener, '')}> .\n{PRE}<x> rdfs:seeAlso <y> .\n")
    assert len(read_rdf_file(path).graph) == 1
    assert listener.seen == []


def test_owl_imports_reach_no_server_when_reasoning(tmp_path, listener, run_cli):
    path = tmp_path / "imports.ttl"
    path.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                    f"<{ID}> a owl:Ontology ; owl:imports <{_url(listener, 'evil.owl')}>, "
                    f"<{(tmp_path / 'absent.owl').as_uri()}> .\n")
    result = run_cli("reason", str(path))
    assert result.exit_code == 0, result.output
    assert "owl:imports" in result.output and "ignored" in result.output
    assert listener.seen == []


def test_what_reaches_hermit_holds_no_imports_nor_unwritable_iris():
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    from riskgraph.reason.reasoner import _for_hermit

    graph = Graph()
    graph.add((URIRef(ID), OWL.imports, URIRef("http://127.0.0.1:9/x.owl")))
    graph.add((URIRef("https://w3id.org/riskgraph/id/a b"), RDFS.label, URIRef(ID)))
    graph.add((URIRef(ID), RDFS.seeAlso, URIRef(ID + "2")))  # an annotation: no meaning
    graph.add((URIRef(ID), RDF.type, URIRef(ID + "C")))
    assert set(_for_hermit(graph)) == {(URIRef(ID), RDF.type, URIRef(ID + "C"))}


@pytest.mark.parametrize("command", ["reason", "build"])
def test_an_iri_with_a_space_is_a_message_not_a_traceback(tmp_path, run_cli, command):
    path = tmp_path / "space.ttl"
    path.write_text(PRE + '<https://w3id.org/riskgraph/id/risk/a b> rdfs:label "x" .\n')
    args = ["--data", str(path), "-o", str(tmp_path / "out")] if command == "build" else [
        str(path)]
    result = run_cli(command, *args)
    assert result.exit_code == 2
    assert "space.ttl:2" in result.output and "contains a space" in result.output
    assert not (tmp_path / "out").exists()


def test_a_fifo_and_dev_zero_are_refused_at_once(tmp_path):
    fifo = tmp_path / "fifo.ttl"
    os.mkfifo(fifo)
    link = tmp_path / "zero.ttl"
    link.symlink_to("/dev/zero")
    start = time.monotonic()
    for path in (fifo, link, Path("/dev/zero")):
        with pytest.raises(InputError, match="not a regular file"):
            read_rdf_file(path)
    assert time.monotonic() - start < 5


def test_a_symbolic_link_loop_is_a_message(tmp_path):
    (tmp_path / "a.ttl").symlink_to("b.ttl")
    (tmp_path / "b.ttl").symlink_to("a.ttl")
    with pytest.raises(InputError, match="link loop"):
        read_rdf_file(tmp_path / "a.ttl")


def test_validate_output_beside_a_link_loop(tmp_path, run_cli):
    (tmp_path / "loop.ttl").symlink_to("loop.ttl")
    result = run_cli("validate", "-o", str(tmp_path / "r.json"), str(tmp_path / "loop.ttl"))
    assert result.exit_code == 2 and "unexpected" not in result.output
    assert "link loop" in (tmp_path / "r.json").read_text(encoding="utf-8")


def test_deep_jsonld_is_refused_and_the_other_files_are_still_reported(tmp_path, run_cli):
    deep = tmp_path / "deep.jsonld"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    deep_object = tmp_path / "deep-object.jsonld"
    deep_object.write_text('{"a":' * 5000 + "{}" + "}" * 5000)
    other = tmp_path / "other.ttl"
    other.write_text(PRE + f'<{ID}> rdfs:label "x" .\n')
    result = run_cli("validate", str(deep), str(deep_object), str(other))
    assert result.exit_code in (1, 2)
    assert "nested more than" in result.output
    assert "other.ttl" in result.output and "unexpected" not in result.output


def test_deep_turtle_nesting_is_a_message(tmp_path):
    path = tmp_path / "deep.ttl"
    path.write_text(PRE + f"<{ID}> rdfs:seeAlso " + "[ rdfs:seeAlso " * 5000 + "<x>"
                    + " ]" * 5000 + " .\n")
    with pytest.raises(InputError):
        read_rdf_file(path)


def test_a_byte_order_mark_and_cr_only_line_endings_are_read(tmp_path):
    bom = tmp_path / "bom.ttl"
    bom.write_bytes(b"\xef\xbb\xbf" + (PRE + f'<{ID}> rdfs:label "x" .\n').encode())
    assert len(read_rdf_file(bom).graph) == 1
    cr = tmp_path / "cr.ttl"
    cr.write_bytes(("# comment\n" + PRE + f'<{ID}> rdfs:label "x" .\n').replace("\n", "\r")
                   .encode())
    assert len(read_rdf_file(cr).graph) == 1


def test_ntriples_errors_name_their_line(tmp_path):
    path = tmp_path / "bad.nt"
    path.write_text(f'<{ID}> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n'
                    f'<{ID}> <http://www.w3.org/2000/01/rdf-schema#label> "b" .\n'
                    f"<{ID}> rdfs:label oops .\n")
    with pytest.raises(InputError) as error:
        read_rdf_file(path)
    assert error.value.line == 3


def test_invalid_iri_warnings_do_not_leak_to_stderr(tmp_path, capfd):
    path = tmp_path / "space.jsonld"
    path.write_text(json.dumps({"@id": "https://w3id.org/riskgraph/id/a b",
                                "http://www.w3.org/2000/01/rdf-schema#label": "x"}))
    with pytest.raises(InputError, match="not a valid IRI"):
        read_rdf_file(path)
    turtle = tmp_path / "space.ttl"
    turtle.write_text(PRE + '<https://w3id.org/riskgraph/id/a b> rdfs:label "x" .\n')
    with pytest.raises(InputError, match="contains a space"):
        read_rdf_file(turtle)
    assert "does not look like a valid URI" not in capfd.readouterr().err


def test_a_file_that_grows_past_the_cap_is_cut_at_the_cap(tmp_path):
    from riskgraph.io.files import read_bytes

    path = tmp_path / "a.ttl"
    path.write_bytes(b"x" * 1000)
    with pytest.raises(InputError, match="more than"):
        read_bytes(path, max_bytes=100)
    assert read_bytes(path, max_bytes=1000) == b"x" * 1000
