"""Safety and bad input for `riskgraph query`: refused before running, clear messages,
exit code 2, time limits, strict front matter."""

from __future__ import annotations

import json
import os
import threading

import pytest
from loopback_http import url

from riskgraph.errors import InputError
from riskgraph.query.lexer import tokenize
from riskgraph.query.safety import UnsafeQuery, check_query

PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX rg: <https://w3id.org/riskgraph/ns#>\n")


# --- refused before running ---------------------------------------------------

REFUSED = {
    "service": ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    "service_lower_case": ("select * where { service silent <http://x/> { ?s ?p ?o } }",
                           "SERVICE"),
    "service_after_comment": ("SELECT * WHERE { # a comment\nSeRvIcE ?ep { ?s ?p ?o } }",
                              "SERVICE"),
    "service_after_string": ('SELECT * WHERE { BIND("x" AS ?x) SERVICE <http://x/> {} }',
                             "SERVICE"),
    "service_no_spaces": ("SELECT*WHERE{SERVICE<http://x/>{?s?p?o}}", "SERVICE"),
    "load": ("LOAD <file:///etc/passwd>", "LOAD"),
    "insert_data": ('INSERT DATA { <http://a> <http://b> "c" }', "INSERT"),
    "delete_where": ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    "clear": ("CLEAR ALL", "CLEAR"),
    "drop": ("DROP GRAPH <https://w3id.org/riskgraph/graph>", "DROP"),
    "create": ("CREATE GRAPH <http://example.org/g>", "CREATE"),
    "with_update": ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    "from_file": ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    "from_named_http": ("SELECT * FROM NAMED <http://example.org/data.ttl> "
                        "WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM NAMED"),
    "from_prefixed_file": ("PREFIX f: <file:///etc/>\nSELECT * FROM f:passwd WHERE { ?s ?p ?o }",
                           "FROM"),
    "from_relative_with_file_base": ("BASE <file:///etc/>\nSELECT * FROM <passwd> "
                                     "WHERE { ?s ?p ?o }", "FROM"),
    "from_escaping_project": ("SELECT * FROM <https://w3id.org/riskgraph/../evil> "
                              "WHERE { ?s ?p ?o }", "FROM"),
    "virtuoso_bif": ("SELECT (bif:file_to_string('/etc/passwd') AS ?x) WHERE {}",
                     "server function"),
    "virtuoso_bif_iri": ("SELECT (<http://www.openlinksw.com/schemas/bif#http_get>('http://x') "
                         "AS ?x) WHERE {}", "server function"),
    "virtuoso_define": ('DEFINE get:soft "replace" SELECT * FROM <http://x/> WHERE { ?s ?p ?o }',
                        "DEFINE"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_clear_message(name):
    query, word = REFUSED[name]
    with pytest.raises(UnsafeQuery) as info:
        check_query(query, "--sparql")
    assert word in str(info.value)
    assert info.value.exit_code == 2
    assert info.value.line is not None and info.value.column is not None


@pytest.mark.parametrize("name", ["service", "load", "from_file", "from_named_http", "drop"])
def test_cli_refuses_with_exit_code_2(run_cli, name):
    query, word = REFUSED[name]
    result = run_cli("query", "--sparql", query)
    assert result.exit_code == 2
    assert word in result.output
    assert "Traceback" not in result.output


def test_refused_before_running(monkeypatch):
    """The store never executes a refused query."""
    from riskgraph.store import local as store_module

    def boom(*args, **kwargs):
        raise AssertionError("the query was executed")

    monkeypatch.setattr(store_module, "execute", boom)
    store = store_module.EmbeddedStore.from_ntriples(b"<http://a> <http://b> <http://c> .\n")
    for query, _ in REFUSED.values():
        with pytest.raises(InputError):
            store.select(query, {}, timeout=None)


@pytest.fixture
def listener(loopback_servers):
    return loopback_servers(lambda handler, body: handler.reply(500))


def test_service_never_reaches_the_network(run_cli, listener):
    query = f"SELECT * WHERE {{ SERVICE <{url(listener)}> {{ ?s ?p ?o }} }}"
    result = run_cli("query", "--sparql", query)
    assert result.exit_code == 2
    assert listener.seen == []


def test_pyoxigraph_alone_would_call_service(listener):
    """Why the check is needed: without it, pyoxigraph sends SERVICE over HTTP."""
    import pyoxigraph

    store = pyoxigraph.Store()
    query = f"SELECT * WHERE {{ SERVICE <{url(listener)}> {{ ?s ?p ?o }} }}"
    with pytest.raises(Exception):  # noqa: B017  (the server answers 500)
        list(store.query(query))
    assert listener.seen, "pyoxigraph did not contact the SERVICE endpoint"


# --- no false refusals -----------------------------------------------------------

ALLOWED = [
    PREFIXES + 'SELECT ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, "SERVICE")) }',
    PREFIXES + "SELECT ?l WHERE { ?s rdfs:label ?l FILTER(?l = 'LOAD <file:///x>') }",
    PREFIXES + 'SELECT ?l WHERE { ?s rdfs:label ?l '
               'FILTER(?l != """INSERT DATA {\n DROP ALL }""") }',
    PREFIXES + 'SELECT ?l WHERE { ?s rdfs:label ?l FILTER(?l != "say \\"SERVICE\\" twice") }',
    PREFIXES + "SELECT ?s WHERE { ?s rdfs:seeAlso <http://example.org/SERVICE/LOAD#DROP> }",
    PREFIXES + "# SERVICE LOAD INSERT DELETE in a comment\nSELECT ?s WHERE { ?s a rg:Risk }",
    PREFIXES + "PREFIX load: <http://example.org/load#>\nSELECT ?service ?drop "
               "WHERE { ?service load:insert ?drop }",
    PREFIXES + 'SELECT ?s WHERE { ?s rdfs:label "create"@en }',
    PREFIXES + "SELECT ?s FROM <https://w3id.org/riskgraph/graph> WHERE { ?s a rg:Mitigation }",
]


@pytest.mark.parametrize("query", ALLOWED)
def test_keywords_in_strings_iris_comments_are_not_refused(run_cli, query):
    check_query(query)
    result = run_cli("query", "--sparql", query, "--format", "csv")
    assert result.exit_code == 0, result.output


def test_from_project_graph_sees_the_data(run_cli):
    query = PREFIXES + ("SELECT (COUNT(?m) AS ?n) FROM <https://w3id.org/riskgraph/graph> "
                        "WHERE { ?m a rg:Mitigation }")
    result = run_cli("query", "--sparql", query, "--format", "csv")
    assert result.exit_code == 0
    assert int(result.output.splitlines()[1]) > 10


def test_tokenizer_keeps_strings_and_iris_whole():
    kinds = [(t.kind, t.text) for t in tokenize('SELECT ?x WHERE { <http://a#b> ?p "x # y" } # c')]
    assert ("iri", "<http://a#b>") in kinds
    assert ("string", '"x # y"') in kinds
    assert all(text != "c" for _, text in kinds)


def test_undeclared_prefix_is_named():
    with pytest.raises(InputError) as info:
        check_query("SELECT * WHERE { ?s rg:label ?o }", "--sparql")
    assert "rg:" in str(info.value) and "PREFIX rg: <https://w3id.org/riskgraph/ns#>" in \
        str(info.value.hint)


# --- time limit -------------------------------------------------------------------

SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")


def test_query_over_time_limit_is_stopped(run_cli):
    from test_timelimit import children

    before = children()
    result = run_cli("query", "--sparql", SLOW, "--timeout", "0.5")
    assert result.exit_code == 2
    assert "time limit" in result.output and "0.5 s" in result.output
    assert children() <= before, "the query process was not reaped"


def test_time_limit_on_disk_store(tmp_path):
    from riskgraph.errors import QueryTimeout
    from riskgraph.store.local import EmbeddedStore
    from riskgraph.store.ondisk import write_store

    write_store(b"".join(b"<http://a/%d> <http://b> <http://c/%d> .\n" % (i, i)
                         for i in range(300)), tmp_path / "store")
    store = EmbeddedStore.open(tmp_path / "store")
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"].value == "300"
    with pytest.raises(QueryTimeout):
        store.select(SLOW, {}, timeout=0.5)


# --- malformed SPARQL and bad names or parameters -------------------------------

def test_malformed_sparql_gives_position_and_message(run_cli):
    result = run_cli("query", "--sparql", "SELECT * WHERE {\n  ?s ?p \n}")
    assert result.exit_code == 2
    # the engine's parser points where it could not go on
    assert "--sparql:3:2:" in result.output and "SPARQL syntax error: expected" in result.output


def test_malformed_file_names_the_file(run_cli, tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o > )\n}\n")
    result = run_cli("query", "--file", str(path))
    assert result.exit_code == 2
    assert f"{path}:" in result.output and "SPARQL syntax error: expected" in result.output


def test_syntax_error_column_ignores_the_bound_values():
    """A syntax error only pyoxigraph finds (in a trusted query, which rdflib does not
    parse) is reported where it is in the text as written, not in the text with the
    VALUES block."""
    from riskgraph.query.results import Term
    from riskgraph.query.safety import check_canned
    from riskgraph.store.local import EmbeddedStore

    text = "SELECT ?x WHERE { BIND(?_v AS ?x) ?x ?y } LIMIT 1\n"
    check_canned(text)
    store = EmbeddedStore.from_ntriples(b"<http://a> <http://b> <http://c> .\n")
    with pytest.raises(InputError) as info:
        store.select(text, {"_v": Term("literal", "1")}, timeout=None)
    assert (info.value.line, info.value.column) == (1, 43)


def test_unknown_query_name_lists_close_matches(run_cli):
    result = run_cli("query", "effective_mitigation")
    assert result.exit_code == 2
    assert "no canned query named 'effective_mitigation'" in result.output
    assert "did you mean: effective_mitigations" in result.output


def test_unknown_parameter(run_cli):
    result = run_cli("query", "effective_mitigations", "--param", "region=CBRN")
    assert result.exit_code == 2
    assert "has no parameter 'region'" in result.output and "area" in result.output


def test_missing_parameter(run_cli):
    result = run_cli("query", "mitigations_for_domain")
    assert result.exit_code == 2
    assert "needs a value for parameter 'risk'" in result.output
    assert "--param risk=VALUE" in result.output  # the command line names its option


def test_malformed_parameter_option(run_cli):
    result = run_cli("query", "effective_mitigations", "--param", "CBRN")
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_unknown_value_lists_the_choices(run_cli):
    result = run_cli("query", "effective_mitigations", "--param", "area=nuclear war")
    assert result.exit_code == 2
    assert "'nuclear war' is not a known rg:RiskArea" in result.output
    assert "CBRN" in result.output and "DP" in result.output


def test_bad_literal_parameter(run_cli):
    result = run_cli("query", "publications", "--param", "year=last year")
    assert result.exit_code == 2 and "four-digit year" in result.output


def test_values_cannot_inject_sparql():
    """A value is bound as one literal, however much SPARQL it contains."""
    from riskgraph.build.stores import open_store
    from riskgraph.query.canned import parse_query, prepare, run_prepared

    nasty = '"} } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #\\\n'
    query = parse_query("SELECT ?v WHERE { BIND(?_q AS ?v) }", "--sparql", canned=False)
    store = open_store()
    result = run_prepared(prepare(query, {"q": nasty}, store), store)
    assert [row["v"].value for row in result.rows] == [nasty]


def test_query_needs_exactly_one_source(run_cli):
    result = run_cli("query", "graph_summary", "--sparql", "ASK {}")
    assert result.exit_code == 2 and "give one of" in result.output


def test_endpoint_and_store_together(run_cli, tmp_path):
    result = run_cli("query", "graph_summary", "--store", str(tmp_path),
                     "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.exit_code == 2 and "either a store directory or an endpoint" in result.output
    assert "--store DIR or --endpoint URL" in result.output


def test_store_option_on_a_directory_that_is_not_a_store(run_cli, tmp_path):
    result = run_cli("query", "graph_summary", "--store", str(tmp_path))
    assert result.exit_code == 2 and "not a riskgraph store" in result.output


# --- strict front matter -----------------------------------------------------------

BODY = "SELECT ?s WHERE { ?s ?p ?_x }\n"
GOOD_HEADER = "#+ summary: A query\n#+ params:\n#+   - name: x\n#+     default: y\n"

MALFORMED = {
    "tab_indent": ("#+ summary: A query\n#+ params:\n#+  \t- name: x\n", "tabs"),
    "no_space_after_mark": ("#+summary: A query\n", "followed by a space"),
    "duplicate_key": ("#+ summary: A\n#+ summary: B\n", "given twice"),
    "unknown_key": ("#+ summary: A\n#+ sumary: B\n", "unknown key"),
    "unclosed_quote": ('#+ summary: "A query\n', "unclosed quote"),
    "colon_in_plain_value": ("#+ summary: Who: what\n", "quote the value"),
    "bad_indentation": ("#+ summary: A\n#+   description: B\n", "indentation"),
    "key_without_value": ("#+ summary:\n", "no value"),
    "not_a_mapping": ("#+ just some words\n", "expected 'key: value'"),
    "no_summary": ("#+ description: B\n", "needs '#+ summary"),
    "undeclared_parameter": ("#+ summary: A\n", "does not declare"),
    "param_without_variable": (GOOD_HEADER + "#+   - name: z\n", "uses neither"),
    "unknown_param_key": ("#+ summary: A\n#+ params:\n#+   - name: x\n#+     kind: iri\n",
                          "unknown parameter key"),
    "unknown_class_prefix": ("#+ summary: A\n#+ params:\n#+   - name: x\n#+     class: foo:Bar\n",
                             "not a known prefixed name"),
    "alias": ("#+ summary: &s A\n#+ description: *s\n", "aliases"),
    "custom_tag": ("#+ summary: !shout A\n", "tags"),
    "nested_list_in_tags": ("#+ summary: A\n#+ tags: [[a]]\n", "list of words"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_front_matter_names_the_file(tmp_path, name):
    from riskgraph.query.canned import load_query_file

    header, expected = MALFORMED[name]
    path = tmp_path / f"{name}.rq"
    path.write_text(header + BODY)
    with pytest.raises(InputError) as info:
        load_query_file(path, canned=True)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_front_matter_errors_give_the_line(tmp_path):
    from riskgraph.query.canned import load_query_file

    path = tmp_path / "q.rq"
    path.write_text("# a comment first\n#+ summary: A\n#+ tags: [a]\n#+ summary: B\n" + BODY)
    with pytest.raises(InputError) as info:
        load_query_file(path, canned=True)
    assert (info.value.file, info.value.line) == (str(path), 4)


def test_front_matter_values_stay_text(tmp_path):
    from riskgraph.query.canned import load_query_file

    path = tmp_path / "q.rq"
    path.write_text("#+ summary: A\n#+ params:\n#+   - name: x\n#+     default: 4.10\n" + BODY)
    assert load_query_file(path, canned=True).params[0].default == "4.10"


def test_good_front_matter_parses(tmp_path):
    from riskgraph.query.canned import load_query_file

    path = tmp_path / "good.rq"
    path.write_text(GOOD_HEADER + "#+ tags: [a, 'b c']\n#+ description: >\n#+   one\n#+   two\n"
                    + BODY)
    query = load_query_file(path, canned=True)
    assert (query.summary, query.description, query.tags) == ("A query", "one two", ["a", "b c"])
    assert query.params[0].name == "x" and query.params[0].default == "y"
    assert not query.params[0].required


def test_json_error_free_output_for_cli_errors(run_cli):
    """Errors go to stderr as one message; stdout stays parseable (empty)."""
    from click.testing import CliRunner

    from riskgraph.cli import cli

    result = CliRunner().invoke(cli, ["query", "nope", "--format", "json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "error:" in result.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


# --- hostile queries: decided on the parsed query, not on its tokens -----------------

BIF = "http://www.openlinksw.com/schemas/"
HOSTILE = {
    "base_trick": f'BASE <{BIF}> SELECT (<bif#file_to_string>("/etc/passwd") AS ?x) WHERE {{}}',
    "base_chain": 'BASE <http://www.openlinksw.com/> BASE <schemas/> '
                  'SELECT (<bif#file_to_string>("/etc/passwd") AS ?x) WHERE {}',
    "prefix_trick": f'PREFIX b: <{BIF}> SELECT (b:bif\\#file_to_string("/etc/passwd") AS ?x) '
                    "WHERE {}",
    "prefix_whole_namespace": f'PREFIX v: <{BIF}bif#> SELECT (v:http_get("http://x/") AS ?x) '
                              "WHERE {}",
    "unicode_escape_in_local_name": f'PREFIX b: <{BIF}> '
                                    'SELECT (b:\\u0062if\\#file_to_string("x") AS ?x) WHERE {}',
    "unicode_escape_in_iri": 'SELECT (<http://www.openlinksw.com/schemas/\\u0062if#http_get>'
                             '("http://x/") AS ?x) WHERE {}',
    "upper_case_host": 'SELECT (<HTTP://WWW.OPENLINKSW.COM/schemas/bif#file_to_string>("x") '
                       "AS ?x) WHERE {}",
    "percent_escape": 'SELECT (<http://www.openlinksw.com/schemas/bif%23file_to_string>("x") '
                      "AS ?x) WHERE {}",
    "dot_segments": 'SELECT (<http://www.openlinksw.com/x/../schemas/bif#file_to_string>("x") '
                    "AS ?x) WHERE {}",
    "sql_undeclared": "SELECT (sql:foo() AS ?x) WHERE {}",
    "bif_prefix_redeclared": "PREFIX bif: <http://example.org/> "
                             "SELECT (bif:file_to_string('/etc/passwd') AS ?x) WHERE {}",
    "bif_prefix_unicode_escaped": "PREFIX \\u0062if: <http://example.org/> "
                                  "SELECT (\\u0062if:file_to_string('x') AS ?x) WHERE {}",
    "bif_as_property": f'PREFIX b: <{BIF}bif#> SELECT ?s WHERE {{ ?s b:contains "x" }}',
    "bif_in_order_by": f"SELECT ?s WHERE {{ ?s ?p ?o }} ORDER BY (<{BIF}bif#md5>(?s))",
    "bif_in_having": f"SELECT ?s WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING (<{BIF}bif#x>(?s))",
    "bif_in_values": f"SELECT * WHERE {{ VALUES ?f {{ <{BIF}bif#x> }} }}",
    "bif_in_construct_template": f"CONSTRUCT {{ ?s <{BIF}bif#x> ?o }} WHERE {{ ?s ?p ?o }}",
    "service_in_sub_select": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x/> "
                             "{ ?s ?p ?o } } } }",
    "service_in_nested_sub_selects": "SELECT * WHERE { { SELECT * WHERE { { SELECT ?s WHERE "
                                     "{ SERVICE SILENT <http://x/> { ?s ?p ?o } } } } } }",
    "service_in_filter_exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE "
                                "<http://x/> { ?s ?p ?o } } }",
    "service_in_filter_not_exists": "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { SERVICE "
                                    "<http://x/> { ?s ?p ?o } } }",
    "service_in_minus": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://x/> { ?s ?p ?o } } }",
    "service_in_optional_union": "SELECT * WHERE { { ?s ?p ?o } UNION { OPTIONAL { SERVICE "
                                 "<http://x/> { ?s ?p ?o } } } }",
    "service_unicode_escaped": "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
    "service_variable_endpoint": "SELECT * WHERE { BIND(<http://x/> AS ?e) SERVICE ?e "
                                 "{ ?s ?p ?o } }",
    "from_escaped_dot_segments": "PREFIX g: <https://w3id.org/riskgraph/> "
                                 "SELECT * FROM g:\\.\\./evil WHERE { ?s ?p ?o }",
    "from_named_unicode_file": "SELECT * FROM NAMED <\\u0066ile:///etc/passwd> WHERE { }",
    "from_percent_dot_segments": "SELECT * FROM <https://w3id.org/riskgraph/%2e%2e/evil> "
                                 "WHERE { }",
    "define_lower_case": 'define input:grab-all "yes" SELECT * WHERE { ?s ?p ?o }',
    "define_after_comment": '# hello\nDEFINE get:soft "soft" SELECT * WHERE { ?s ?p ?o }',
    "insert_data": 'INSERT DATA { <http://a> <http://b> "c" }',
    "update_after_query": "SELECT * WHERE { } ; DROP ALL",
    "load_into": "LOAD SILENT <http://x/> INTO GRAPH <https://w3id.org/riskgraph/graph>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_queries_are_refused(name):
    with pytest.raises(InputError) as info:
        check_query(HOSTILE[name], "--sparql")
    assert info.value.exit_code == 2
    assert str(info.value).startswith("--sparql")


@pytest.mark.parametrize("name", ["base_trick", "prefix_trick", "unicode_escape_in_local_name",
                                  "service_in_filter_exists", "define_lower_case"])
def test_hostile_queries_are_unsafe_with_a_reason(name):
    with pytest.raises(UnsafeQuery) as info:
        check_query(HOSTILE[name], "--sparql")
    assert any(word in str(info.value) for word in ("server function", "SERVICE", "DEFINE",
                                                    "code point escape"))


def test_hostile_queries_never_reach_an_endpoint(listener):
    """The remote store runs the same check before sending anything."""
    from riskgraph.store.remote import RemoteStore

    store = RemoteStore(url(listener))
    for query in HOSTILE.values():
        with pytest.raises(InputError):
            store.select(query, {}, timeout=5)
    assert listener.seen == []


def test_every_canned_query_passes_the_full_check():
    """The canned queries skip rdflib's parse at run time; here they get it."""
    from riskgraph.query import safety
    from riskgraph.query.canned import list_queries
    from riskgraph.query.resolve import RESOLVE_QUERY

    for text in [query.text for query in list_queries()] + [RESOLVE_QUERY]:
        vetted = safety._VETTED.pop(text, None)
        try:
            safety.check_query(text, "canned")
        finally:
            if vetted is not None:
                safety._VETTED[text] = vetted


def test_canned_query_path_is_trusted_only_in_the_bundled_folder(tmp_path):
    from riskgraph.query.canned import load_query_file

    path = tmp_path / "mine.rq"
    path.write_text("#+ summary: S\nSELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }\n")
    with pytest.raises(UnsafeQuery):
        load_query_file(path, canned=True)


@pytest.mark.parametrize("depth", [40, 65, 5000])
def test_deeply_nested_query_gets_a_message_not_a_traceback(run_cli, depth):
    """rdflib's parser recursed past Python's limit at about 15 nested groups."""
    query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    result = run_cli("query", "--sparql", query, "--format", "csv")
    if depth <= 64:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2 and "levels deep" in result.output


@pytest.mark.parametrize("query", ['SELECT * WHERE { ?s ?p "\\U00110000" }',
                                   'SELECT * WHERE { ?s ?p "\\uZZZZ" }'])
def test_bad_escapes_get_a_message(run_cli, query):
    result = run_cli("query", "--sparql", query)
    assert result.exit_code == 2 and "SPARQL syntax error" in result.output


def test_query_file_that_is_not_a_small_regular_file(run_cli, tmp_path):
    big = tmp_path / "big.rq"
    big.write_text("SELECT * WHERE { }\n" + "# padding\n" * 200_000)
    fifo = tmp_path / "fifo.rq"
    os.mkfifo(fifo)
    for path, expected in ((big, "larger than"), (fifo, "no such query file")):
        result = run_cli("query", "--file", str(path))
        assert result.exit_code == 2 and expected in result.output, result.output


def test_users_queries_are_checked_safely_from_many_threads():
    # rdflib's SPARQL grammar is not thread-safe: without a lock, parses running at
    # once in riskgraph serve's and riskgraph site's threads failed with TypeErrors.

    errors: list[BaseException] = []
    text = ("PREFIX rg: <https://w3id.org/riskgraph/ns#> SELECT ?m ?l WHERE "
            "{ ?m a rg:Mitigation ; <http://www.w3.org/2000/01/rdf-schema#label> ?l "
            "OPTIONAL { ?m rg:mitigates ?r } FILTER(STRLEN(?l) > 3) } ORDER BY ?l")

    def check() -> None:
        try:
            for _ in range(15):
                check_query(text)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors[:1]
