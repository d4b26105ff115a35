"""``riskgraph push`` and ``riskgraph query --endpoint`` against a real SPARQL server.

A Virtuoso Open Source 7 server is started on loopback with a temporary
database (tests/virtuoso_server.py) once per session and stopped afterwards.
Without ``virtuoso-t`` these tests skip, unless RISKGRAPH_REQUIRE_VIRTUOSO=1
(set by .ci/run), when they fail instead.

Rows from Virtuoso and from the embedded store are compared as multisets of
normalised terms. The normalisation covers only what differs between two
correct SPARQL 1.1 implementations (see ``normalise``):
- numbers compare by value, to 12 significant digits: Virtuoso writes the
  stored "0.60" as 0.6, and the precision of decimal division (AVG) is
  implementation-defined (Virtuoso gives 15 digits, Oxigraph 18);
- xsd:boolean compares by value: Virtuoso writes a stored true as "1", a legal
  lexical form of the same value;
- ``"x"^^xsd:string`` equals the simple literal ``"x"`` (RDF 1.1 says they
  are the same term; Virtuoso drops the datatype);
- language tags compare case-insensitively (they are case-insensitive);
- blank node labels are local to a result set, so any blank node equals any other;
- the order of the values GROUP_CONCAT joins is not defined (Virtuoso does not keep a
  sub-select's ORDER BY), so a literal joined with "; " compares as its sorted parts.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from riskgraph.errors import InputError
from riskgraph.query.results import QueryResult, Term
from riskgraph.store.remote import DEFAULT_GRAPH, RemoteStore, check_url

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in (
    "integer", "int", "long", "short", "byte", "decimal", "float", "double",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def _significant(number: Decimal, digits: int = 12) -> Decimal:
    if not number.is_finite() or number.is_zero():
        return number.normalize()
    return round(number, digits - 1 - number.adjusted()).normalize()


def normalise(term: Term | None) -> tuple | None:
    """A comparable form of one term; the module docstring says why each rule exists."""
    if term is None:
        return None
    if term.kind == "bnode":
        return ("bnode",)
    if term.kind == "literal":
        if term.datatype in NUMERIC:
            try:
                return ("number", _significant(Decimal(term.value)))
            except InvalidOperation:
                pass
        if term.datatype == XSD + "boolean" and term.value in ("true", "1", "false", "0"):
            return ("boolean", term.value in ("true", "1"))
        datatype = None if term.datatype == XSD + "string" else term.datatype
        value = "; ".join(sorted(term.value.split("; ")))  # GROUP_CONCAT's order
        return ("literal", value, datatype, (term.lang or "").lower() or None)
    return (term.kind, term.value)


def rows_of(result: QueryResult) -> Counter:
    return Counter(tuple(normalise(row.get(v)) for v in result.variables) for row in result.rows)


# --- without a server: URLs -----------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "127.0.0.1:8890",
                                 "http://", "http://127.0.0.1:99999/sparql", "javascript:x"])
def test_only_http_urls_are_accepted(url):
    with pytest.raises(InputError):
        check_url(url)


def test_push_to_a_file_url_exits_2(run_cli):
    result = run_cli("push", "--endpoint", "file:///tmp/riskgraph-push-test", "--file",
                     str(Path(__file__)))
    assert result.exit_code == 2
    assert "http:// or https://" in result.output


def test_query_against_a_file_url_exits_2(run_cli):
    result = run_cli("query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                     "--endpoint", "file:///etc/passwd")
    assert result.exit_code == 2
    assert "http:// or https://" in result.output


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "DEFINE get:soft \"replace\" SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
    "PREFIX bif: <http://www.openlinksw.com/schemas/bif#> "
    "SELECT (bif:file_to_string('/etc/passwd') AS ?x) WHERE { }",
    "DROP GRAPH <https://w3id.org/riskgraph/graph>",
])
def test_unsafe_query_is_refused_before_it_is_sent(query):
    from virtuoso_server import free_port

    store = RemoteStore(f"http://127.0.0.1:{free_port()}/sparql")  # nothing listens there
    with pytest.raises(InputError) as caught:
        store.select(query, {}, 5)
    assert "cannot reach" not in str(caught.value)  # refused here, never sent


@pytest.fixture
def tiny_server(loopback_servers):
    """A loopback HTTP server whose answer each test sets: (status, headers, body),
    or None to accept the connection and never answer."""
    import threading

    from loopback_http import url

    answer: dict = {"reply": None}
    stop = threading.Event()

    def behaviour(handler, body):
        if answer["reply"] is None:
            stop.wait(10)
        else:
            handler.reply(*answer["reply"])

    server = loopback_servers(behaviour)
    yield answer, url(server)
    stop.set()


def test_endpoint_that_never_answers_is_a_time_limit_error(tiny_server):
    _, url = tiny_server
    with pytest.raises(InputError, match="did not answer within 0.5 s"):
        RemoteStore(url).select("SELECT * WHERE { ?s ?p ?o }", {}, 0.5)


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_redirect_away_from_http_is_refused(tiny_server, location):
    answer, url = tiny_server
    answer["reply"] = (307, {"Location": location}, b"")
    with pytest.raises(InputError, match=location) as caught:
        RemoteStore(url).select("SELECT * WHERE { ?s ?p ?o }", {}, 5)
    assert "not allowed" in str(caught.value) or "not http" in str(caught.value)


def test_an_answer_that_is_not_sparql_json_is_an_input_error(tiny_server):
    answer, url = tiny_server
    answer["reply"] = (200, {"Content-Type": "text/html"}, b"<html><p>Welcome</p></html>")
    with pytest.raises(InputError, match="did not answer with SPARQL JSON results: Welcome"):
        RemoteStore(url).select("SELECT * WHERE { ?s ?p ?o }", {}, 5)


# --- against a real Virtuoso ------------------------------------------------

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    from virtuoso_server import start_or_skip

    server = start_or_skip(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture
def password(virtuoso, monkeypatch):
    monkeypatch.setenv("RISKGRAPH_PASSWORD", virtuoso.password)
    return virtuoso.password


@pytest.fixture(scope="module")
def built_graph() -> Path:
    from riskgraph.build.cache import ensure_cached_graph

    return ensure_cached_graph()


@pytest.fixture(scope="module")
def pushed(virtuoso, built_graph):
    """The built graph pushed with ``riskgraph push``; returns its CLI output."""
    from virtuoso_server import push_built_graph

    return push_built_graph(virtuoso)


@pytest.fixture(scope="module")
def remote(virtuoso, pushed) -> RemoteStore:
    return RemoteStore(virtuoso.query_url)


def _triples_in(store: RemoteStore, graph: str = DEFAULT_GRAPH) -> int:
    result = RemoteStore(store.endpoint, [graph]).select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}, 30)
    return int(result.rows[0]["n"].value)


def _ntriples(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip())


@pytest.mark.virtuoso
def test_push_uploads_every_triple_of_the_built_graph(remote, pushed, built_graph):
    expected = _ntriples(built_graph)
    assert f"pushed {expected} triples" in pushed
    assert f"<{DEFAULT_GRAPH}> replaced" in pushed
    assert _triples_in(remote) == expected


@pytest.mark.virtuoso
def test_push_replaces_and_append_adds(virtuoso, remote, password, run_cli, tmp_path,
                                      built_graph):
    graph = "https://w3id.org/riskgraph/test/replace-append"
    first, second = tmp_path / "first.nt", tmp_path / "second.ttl"
    first.write_text('<http://ex.org/a> <http://ex.org/p> "one" .\n'
                     '<http://ex.org/a> <http://ex.org/p> "two" .\n')
    second.write_text('@prefix ex: <http://ex.org/> .\nex:b ex:p "three"@en .\n')
    base = ["push", "--endpoint", virtuoso.graph_store_url, "--graph", graph,
            "--user", virtuoso.user]
    assert run_cli(*base, "--file", str(first)).exit_code == 0
    assert run_cli(*base, "--file", str(first)).exit_code == 0  # PUT again: still 2
    assert _triples_in(remote, graph) == 2
    appended = run_cli(*base, "--file", str(second), "--append")
    assert appended.exit_code == 0, appended.output
    assert "added to" in appended.output
    assert _triples_in(remote, graph) == 3
    assert run_cli(*base, "--file", str(second)).exit_code == 0
    assert _triples_in(remote, graph) == 1
    assert _triples_in(remote) == _ntriples(built_graph)  # the main graph is untouched


@pytest.mark.virtuoso
def test_push_with_a_wrong_password_exits_2_with_the_status(virtuoso, run_cli, monkeypatch,
                                                            tmp_path):
    monkeypatch.setenv("WRONG_PASSWORD", virtuoso.password + "-wrong")
    data = tmp_path / "tiny.nt"
    data.write_text('<http://ex.org/a> <http://ex.org/p> "x" .\n')
    result = run_cli("push", "--endpoint", virtuoso.graph_store_url, "--graph",
                     "https://w3id.org/riskgraph/test/wrong-password", "--user", virtuoso.user,
                     "--password-env", "WRONG_PASSWORD", "--file", str(data))
    assert result.exit_code == 2
    assert "HTTP 401" in result.output
    assert virtuoso.graph_store_url in result.output
    assert "Traceback" not in result.output


@pytest.mark.virtuoso
def test_push_without_credentials_is_refused_by_the_server(virtuoso, run_cli, tmp_path):
    data = tmp_path / "tiny.nt"
    data.write_text('<http://ex.org/a> <http://ex.org/p> "x" .\n')
    result = run_cli("push", "--endpoint", virtuoso.graph_store_url, "--graph",
                     "https://w3id.org/riskgraph/test/anonymous", "--file", str(data))
    assert result.exit_code == 2
    assert "HTTP 401" in result.output


def _closed_port_url(path: str) -> str:
    from virtuoso_server import free_port

    return f"http://127.0.0.1:{free_port()}{path}"  # nothing listens there any more


@pytest.mark.virtuoso
def test_endpoint_down_exits_2_with_the_url(run_cli, tmp_path, virtuoso):
    data = tmp_path / "tiny.nt"
    data.write_text('<http://ex.org/a> <http://ex.org/p> "x" .\n')
    down = _closed_port_url("/sparql-graph-crud-auth")
    result = run_cli("push", "--endpoint", down, "--file", str(data))
    assert result.exit_code == 2
    assert down in result.output and "cannot reach" in result.output
    down = _closed_port_url("/sparql")
    result = run_cli("query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                     "--endpoint", down)
    assert result.exit_code == 2, result.output
    assert down in result.output
    assert "Traceback" not in result.output


@pytest.mark.virtuoso
def test_server_error_reports_url_status_and_message(remote):
    with pytest.raises(InputError) as caught:
        # valid SPARQL 1.1 (so riskgraph's own parse lets it through) that Virtuoso refuses
        remote.select("SELECT * WHERE { ?s ?p ?o ; }", {}, 30)
    message = str(caught.value)
    assert remote.endpoint in message and "HTTP 400" in message
    assert "syntax error" in message.lower()


@pytest.mark.virtuoso
def test_values_travel_as_terms_and_come_back_unchanged(remote):
    nasty = 'a "quote" \\ back \\u0022 } ; DROP ALL ; é 😀\n\tend'
    result = remote.select(
        "SELECT ?text ?lang ?iri WHERE { BIND(STR(?v) AS ?text) BIND(LANG(?v) AS ?lang) "
        "BIND(?i AS ?iri) }",
        {"v": Term("literal", nasty, lang="en-GB"),
         "i": Term("uri", "https://w3id.org/riskgraph/id/concept/mit-4.2")}, 30)
    row = result.rows[0]
    assert row["text"].value == nasty
    assert row["lang"].value.lower() == "en-gb"
    assert row["iri"] == Term("uri", "https://w3id.org/riskgraph/id/concept/mit-4.2")


@pytest.mark.virtuoso
def test_only_the_riskgraph_graph_is_queried(remote):
    """Virtuoso's default graph is the union of all graphs, its own system graphs
    included; RemoteStore names the pushed graph as the default graph instead."""
    result = remote.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
        "FILTER(STRSTARTS(STR(?s), 'http://www.openlinksw.com/')) }", {}, 30)
    assert result.rows[0]["n"].value == "0"


# --- the canned queries: the same rows from Virtuoso as from the embedded store

# Canned queries that Virtuoso 7.2.5 answers wrongly or cannot compile: bugs in
# Virtuoso, not in the queries (the embedded store gives the SPARQL 1.1 answer).
# Strict: once a query is rewritten around the bug its test passes, and the entry
# here must go.
VIRTUOSO_BUGS: dict[str, str] = {
    # Virtuoso 7.2 refuses the query itself (HTTP 500): "Virtuoso 37000 Error SQ156:
    # Internal Optimized compiler error : unknown table for a column dfe in sq..." (seen in
    # CI on 2026-12-07); the same text runs on pyoxigraph and is plain SPARQL 1.1.
    "risk_dossier": "Virtuoso 7.2: SQ156 internal optimized compiler error on this query",
}


def _canned_cases() -> list:
    """Each canned query with its defaults (examples for required parameters), and
    again with every example value, so that bound parameters are compared too."""
    from riskgraph.query.canned import list_queries

    cases = []
    for query in list_queries():
        required = {p.name: p.example for p in query.params if p.required}
        marks = ([pytest.mark.xfail(strict=True, reason=VIRTUOSO_BUGS[query.name])]
                 if query.name in VIRTUOSO_BUGS else [])
        cases.append(pytest.param(query.name, required, True, id=query.name, marks=marks))
        examples = {p.name: p.example for p in query.params if p.example is not None}
        if examples and examples != required:
            cases.append(pytest.param(query.name, examples, False, marks=marks,
                                      id=f"{query.name}-examples"))
    return cases


@pytest.mark.virtuoso
@pytest.mark.parametrize(("name", "params", "needs_rows"), _canned_cases())
def test_canned_query_gives_the_same_rows_on_virtuoso(name, params, needs_rows, remote, request):
    if name == "mitigations_for_domain":
        # Virtuoso's, shown below (test_mitigations_for_domain_runs_in_every_join_order
        # and docs/queries.md): its answer to this query depends on the plan its
        # optimiser picks, and the pick varies between runs. It failed now and then in
        # CI (no rows); 11 runs of these cases on a fresh Virtuoso (2026-12-07) all matched.
        request.applymarker(pytest.mark.xfail(reason="Virtuoso 7.2 answers by the plan it "
                                              "picks (docs/queries.md)", strict=False))
    from riskgraph.query.canned import run_query

    assert None not in params.values(), f"{name}: a required parameter has no example"
    from riskgraph.build.stores import open_store

    embedded = run_query(name, params, open_store())
    served = run_query(name, params, remote)
    assert served.variables == embedded.variables
    if needs_rows:  # all examples at once may legitimately narrow to nothing
        assert embedded.rows, f"{name} returns no rows on the bundled data: nothing compared"
    diagnosis = _diagnose_no_rows(name, params, remote) if embedded.rows and not served.rows \
        else ""
    assert rows_of(served) == rows_of(embedded), diagnosis


@pytest.mark.virtuoso
def test_query_command_binds_parameters_on_the_endpoint(run_cli, virtuoso, remote):
    """The same `riskgraph query NAME --param ...` answer from Virtuoso as embedded:
    the friendly value is resolved against the server and bound as an IRI."""
    args = ("query", "effective_mitigations", "--param", "area=critical infrastructure",
            "--format", "json")
    embedded = run_cli(*args)
    served = run_cli(*args, "--endpoint", virtuoso.query_url)
    assert embedded.exit_code == 0 and served.exit_code == 0, embedded.output + served.output

    def rows(output: str) -> Counter:
        data = json.loads(output)
        result = QueryResult(data["head"]["vars"], [
            {k: Term.from_json(v) for k, v in b.items()} for b in data["results"]["bindings"]])
        return rows_of(result)

    assert rows(embedded.output) and rows(served.output) == rows(embedded.output)
    default = run_cli("query", "effective_mitigations", "--format", "json",
                      "--endpoint", virtuoso.query_url)
    assert rows(default.output) != rows(served.output)  # the parameter changed the answer


@pytest.mark.virtuoso
def test_query_command_reads_from_the_endpoint(run_cli, virtuoso, remote, built_graph):
    result = run_cli("query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                     "--endpoint", virtuoso.query_url, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["n"]
    assert int(data["results"]["bindings"][0]["n"]["value"]) == _ntriples(built_graph)


@pytest.mark.virtuoso
def test_query_endpoint_that_wants_a_login(run_cli, virtuoso, remote, monkeypatch):
    """Virtuoso's /sparql-auth answers only with digest authentication; riskgraph
    logs in with $RISKGRAPH_USER and $RISKGRAPH_PASSWORD."""
    args = ("query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "--endpoint", virtuoso.base + "/sparql-auth", "--format", "csv")
    monkeypatch.delenv("RISKGRAPH_USER", raising=False)
    refused = run_cli(*args)
    assert refused.exit_code == 2
    assert "HTTP 401" in refused.output
    monkeypatch.setenv("RISKGRAPH_USER", virtuoso.user)
    monkeypatch.setenv("RISKGRAPH_PASSWORD", virtuoso.password)
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].strip() == "n"


@pytest.mark.virtuoso
def test_query_command_reads_a_named_graph_given_with_graph(run_cli, virtuoso, remote, password,
                                                             tmp_path):
    graph = "https://w3id.org/riskgraph/test/other-graph"
    data = tmp_path / "other.nt"
    data.write_text('<http://ex.org/only-here> <http://ex.org/p> "x" .\n')
    pushed = run_cli("push", "--endpoint", virtuoso.graph_store_url, "--graph", graph,
                     "--user", virtuoso.user, "--file", str(data))
    assert pushed.exit_code == 0, pushed.output
    sparql = "SELECT ?s WHERE { ?s <http://ex.org/p> ?o }"
    other = run_cli("query", "--endpoint", virtuoso.query_url, "--graph", graph,
                    "--sparql", sparql, "--format", "csv")
    assert other.exit_code == 0, other.output
    assert "http://ex.org/only-here" in other.output
    default = run_cli("query", "--endpoint", virtuoso.query_url, "--sparql", sparql,
                      "--format", "csv")
    assert default.exit_code == 0 and "only-here" not in default.output


def test_graph_without_endpoint_is_a_usage_error(run_cli):
    result = run_cli("query", "--graph", "https://w3id.org/riskgraph/graph", "graph_summary")
    assert result.exit_code == 2
    assert "--graph needs --endpoint" in result.output


def _diagnose_no_rows(name: str, params: dict, remote: RemoteStore) -> str:
    """What Virtuoso says when it answers a canned query with no rows (the embedded store
    has some): the same query again (a second answer that differs points at a plan
    Virtuoso chose, see test_mitigations_for_domain_runs_in_every_join_order)."""
    from riskgraph.query.canned import prepare

    prepared = prepare(name, params, remote)
    lines = [f"bindings: {prepared.bindings}"]
    try:
        lines.append(f"again: {len(remote.select(prepared.text, prepared.bindings, 60).rows)} "
                     "rows")
    except InputError as exc:
        lines.append(f"again: {exc}")
    return "Virtuoso gave no rows; " + "; ".join(lines)


# --- Virtuoso's answer depends on its join order -----------------------------------
# mitigations_for_domain failed now and then on Virtuoso 7.2 (no rows, 120 embedded). A
# group's parts join in any order to the same answer (SPARQL joins commute), so Virtuoso
# is made to take each order in turn (its `define sql:select-option "order"`, sent here
# directly: riskgraph itself refuses DEFINE). With `?sub skos:broader* ?_risk . ?target
# (rg:inSubdomain|rg:coversSubdomain)? ?sub` it gave 0, 1, 6, 19, 37, 79, 110, 120, 125 or
# 151 rows by order, and refused every order that starts with the zero-or-one step
# ("transitive start not given"). The query now walks one path to the bound ?_risk:
# no order is refused, most give the 120 rows, but not all on every run (the order as
# written gave 13 rows about CBRN on some fresh servers, 120 on others), so only the
# refusals are asserted here; docs/queries.md keeps the figures.

def _forced(virtuoso, text: str) -> int | str:
    """Rows of ``text`` (the VALUES already in it) with Virtuoso held to the join order
    as written; an error's first words instead."""
    import urllib.error
    import urllib.parse
    import urllib.request

    data = urllib.parse.urlencode({"query": 'define sql:select-option "order"\n' + text,
                                   "default-graph-uri": DEFAULT_GRAPH}).encode()
    request = urllib.request.Request(virtuoso.query_url, data=data,
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return len(json.load(answer)["results"]["bindings"])
    except urllib.error.HTTPError as exc:
        return exc.read()[:80].decode(errors="replace")


def _top_level_parts(where: str) -> list[str]:
    """The parts of a WHERE group joined at its top level: each triple block up to its
    " ." and each { ... } group (comments left out)."""
    text = "\n".join(line.split("#")[0] if line.lstrip().startswith("#") else line
                     for line in where.splitlines())
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                parts.append(text[start:i + 1].strip())
                start = i + 1
        elif char == "." and depth == 0 and (i + 1 == len(text) or text[i + 1].isspace()):
            parts.append(text[start:i + 1].strip())
            start = i + 1
    assert not text[start:].strip(), text[start:]
    return [p for p in parts if p]


def _orders(parts: list[str]) -> list[list[str]]:
    """Every rotation of the parts, forwards and backwards: each part comes first and
    last, and each pair of neighbours meets in both orders."""
    rotations = [parts[i:] + parts[:i] for i in range(len(parts))]
    return rotations + [list(reversed(r)) for r in rotations]


@pytest.mark.virtuoso
def test_mitigations_for_domain_runs_in_every_join_order(virtuoso, remote):
    from riskgraph.build.stores import open_store
    from riskgraph.query.binding import bind_values
    from riskgraph.query.canned import prepare, run_query

    params = {"risk": "4.2"}
    expected = len(run_query("mitigations_for_domain", params, open_store()).rows)
    prepared = prepare("mitigations_for_domain", params, remote)
    head, _, rest = prepared.text.partition("WHERE {")
    where, _, tail = rest.rpartition("}")
    parts = _top_level_parts(where)
    assert len(parts) == 7, parts  # the parser still reads the query
    answers = {}
    for order in _orders(parts):
        text = bind_values(head + "WHERE {\n" + "\n".join(order) + "\n}" + tail,
                           prepared.bindings)
        answers[" ".join(str(parts.index(p)) for p in order)] = _forced(virtuoso, text)
    refused = {order: why for order, why in answers.items() if not isinstance(why, int)}
    assert not refused, (refused, parts)
    assert expected in answers.values(), answers  # most orders give the embedded answer
