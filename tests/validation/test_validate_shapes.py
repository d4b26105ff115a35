"""`riskgraph validate --whole --shapes FILE` and `validate(shapes=)`: any data against
any shapes, plain SHACL, on the compiled engine; the shapes file is input like any other.

The W3C suite (tests/validation/test_w3c_shacl.py) checks the answers; this file checks the
guarantees: the shapes file is parsed without fetching anything, its errors name the
file and line (exit 2, no traceback), ``owl:imports`` in it is refused, and its SPARQL
is checked as a user's query before anything runs (no request leaves, even from a
SPARQL-based constraint component left to pyshacl). Every file of the hostile corpus
(tests/hostile/) is tried as the shapes file.
"""

from __future__ import annotations

import errno
import http.server
import os
import threading
from pathlib import Path

import pytest

from riskgraph.errors import InputError

CORPUS = Path(__file__).parents[1] / "hostile"
DATA = """@prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:name "A" ; ex:age 3 .
ex:b a ex:Thing ; ex:age "old" .
"""
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:ThingShape a sh:NodeShape ;
  sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ] ;
  sh:property [ sh:path ex:age ; sh:datatype xsd:integer ; sh:maxCount 1 ] .
"""


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.requests.append(self.path)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def listener():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


def _shapes(tmp_path: Path, text: str, name: str = "shapes.ttl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_any_data_against_any_shapes(run_cli, tmp_path, data):
    result = run_cli("validate", "--whole", "--format", "json", "--shapes",
                     str(_shapes(tmp_path, SHAPES)), str(data))
    assert result.exit_code == 1
    import json

    found = sorted((r["entity"], r["property"], r["constraint"])
                   for f in json.loads(result.stdout)["files"] for e in f["entities"]
                   for r in e["results"])
    assert found == [("ex:b", "ex:age", "sh:DatatypeConstraintComponent"),
                     ("ex:b", "ex:name", "sh:MinCountConstraintComponent")]


def test_the_library_takes_shapes(tmp_path, data):
    import riskgraph
    from riskgraph.validation.api import validate

    report = validate([data], whole=True, shapes=_shapes(tmp_path, SHAPES))
    assert report.engine == "compiled" and report.exit_code() == 1
    assert {p.entity for p in report.problems} == {"ex:b"}
    top = riskgraph.validate(str(data), whole=True, shapes=str(tmp_path / "shapes.ttl"))
    assert top.to_json() == report.to_json()
    with pytest.raises(InputError):
        validate([data], shapes=tmp_path / "shapes.ttl")  # needs whole=True
    with pytest.raises(InputError):
        validate([data], whole=True, engine="pyshacl", shapes=tmp_path / "shapes.ttl")


def test_shapes_needs_whole(run_cli, tmp_path, data):
    result = run_cli("validate", "--shapes", str(_shapes(tmp_path, SHAPES)), str(data))
    assert result.exit_code == 2 and "--shapes needs --whole" in result.output


def test_the_report_never_replaces_the_shapes_file(run_cli, tmp_path, data):
    shapes = _shapes(tmp_path, SHAPES)
    result = run_cli("validate", "--whole", "--shapes", str(shapes), "-o", str(shapes),
                     str(data))
    assert result.exit_code == 2
    assert shapes.read_text(encoding="utf-8") == SHAPES


@pytest.mark.parametrize("text, words", [
    (SHAPES.replace("sh:minCount 1 ]", "sh:minCount 1 ") + "\n", "shapes.ttl:7"),
    (SHAPES + "<> <http://www.w3.org/2002/07/owl#imports> <http://127.0.0.1:9/x> .\n",
     "shapes.ttl:8"),
    ("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", "holds no SHACL shape"),
], ids=["syntax", "owl-imports", "no-shapes"])
def test_bad_shapes_file_exit_2_with_file_and_line(run_cli, tmp_path, data, text, words):
    result = run_cli("validate", "--whole", "--shapes", str(_shapes(tmp_path, text)),
                     str(data))
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output


SPARQL_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:sparql [ sh:select \"\"\"SELECT $this WHERE {{ {query} }}\"\"\" ] .
"""
COMPONENT_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Comp a sh:ConstraintComponent ;
  sh:parameter [ sh:path ex:probe ] ;
  sh:nodeValidator [ a sh:SPARQLAskValidator ;
    sh:ask \"\"\"ASK {{ {query} }}\"\"\" ] .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; ex:probe true .
"""


@pytest.mark.parametrize("template", [SPARQL_SHAPES, COMPONENT_SHAPES],
                         ids=["sparql-constraint", "sparql-component"])
def test_sparql_in_shapes_cannot_reach_the_network(run_cli, tmp_path, data, listener,
                                                   template):
    url = f"http://127.0.0.1:{listener.server_port}/shapes"
    query = f"SERVICE <{url}> {{ ?s ?p ?o }} $this ?p ?o"
    result = run_cli("validate", "--whole", "--shapes",
                     str(_shapes(tmp_path, template.format(query=query))), str(data))
    assert result.exit_code == 2
    assert "SERVICE" in result.output and "shapes.ttl:" in result.output
    assert listener.requests == []


@pytest.mark.parametrize("template", [SPARQL_SHAPES, COMPONENT_SHAPES],
                         ids=["sparql-constraint", "sparql-component"])
def test_a_comment_ended_by_cr_hides_nothing_in_shapes(run_cli, tmp_path, data, listener,
                                                       template):
    """pyoxigraph (which runs shapes' SPARQL) ends a comment at a bare CR; the check
    judges, and the shape runs, the same text, so the SERVICE behind it is seen."""
    url = f"http://127.0.0.1:{listener.server_port}/shapes"
    query = f"# x\rSERVICE <{url}> {{ ?s ?p ?o }}\n $this ?p ?o"
    path = tmp_path / "shapes.ttl"
    path.write_bytes(template.format(query=query).encode("utf-8"))
    result = run_cli("validate", "--whole", "--shapes", str(path), str(data))
    assert result.exit_code == 2 and "SERVICE" in result.output
    assert listener.requests == []


def test_a_fifo_as_shapes_file_is_refused(run_cli, tmp_path, data):
    fifo = tmp_path / "shapes.ttl"
    os.mkfifo(fifo)
    result = run_cli("validate", "--whole", "--shapes", str(fifo), str(data))
    assert result.exit_code == 2 and "regular file" in result.output


def test_hostile_corpus_as_shapes(run_cli, tmp_path, data, listener):
    """Every hostile file as the shapes file: exit 0, 1 or 2, no traceback, nothing
    fetched, no sentinel FIFO opened."""
    sentinel = tmp_path / "sentinel"
    os.mkfifo(sentinel)
    work = tmp_path / "work"
    work.mkdir()
    for source in sorted(CORPUS.iterdir()):
        if source.name == "README.md":
            continue
        raw = source.read_bytes().replace(b"__PORT__", str(listener.server_port).encode())
        (work / source.name).write_bytes(raw.replace(b"file://__SENTINEL__",
                                                     sentinel.as_uri().encode()))
    problems = []
    for shapes in sorted(work.iterdir()):
        result = run_cli("validate", "--whole", "--shapes", str(shapes), str(data))
        if result.exit_code not in (0, 1, 2) or "Traceback" in result.output:
            problems.append(f"{shapes.name}: exit {result.exit_code}: {result.output[-400:]}")
    assert not problems, "\n".join(problems)
    assert listener.requests == []
    with pytest.raises(OSError) as nobody:  # ENXIO: nobody opened it for reading
        os.close(os.open(sentinel, os.O_WRONLY | os.O_NONBLOCK))
    assert nobody.value.errno == errno.ENXIO


MALFORMED = {
    "count-not-a-number": 'sh:property [ sh:path ex:name ; sh:minCount "abc" ]',
    "bad-pattern": 'sh:pattern "(["',
    "in-not-a-list": "sh:in ex:notalist",
    "node-a-literal": 'sh:node "lit"',
    "recursive": "sh:property [ sh:path ex:knows ; sh:node ex:S ]",
    "bad-path": "sh:property [ sh:path [ sh:foo ex:name ] ; sh:minCount 1 ]",
    "less-than-a-literal": 'sh:property [ sh:path ex:age ; sh:lessThan "x" ]',
    "range-an-iri": "sh:property [ sh:path ex:age ; sh:minInclusive ex:x ]",
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_shapes_exit_2_with_a_message(run_cli, tmp_path, data, body):
    """Before: "unexpected ValueError ... this is a bug" (or a recursion error)."""
    text = ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
            f"ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; {body} .\n")
    result = run_cli("validate", "--whole", "--shapes", str(_shapes(tmp_path, text)), str(data))
    assert result.exit_code == 2
    assert "not well-formed SHACL" in result.output and "shapes.ttl" in result.output
    assert "bug" not in result.output and "Traceback" not in result.output
