"""What runs is what was checked: the safety check and the engines read the same text the
same way. Generated queries put SERVICE, updates, foreign FROM and Virtuoso functions
around comments, line terminators (CR, LF, CRLF, NEL, U+2028, U+2029, VT, FF), string
escapes and IRIs. For each one:

- if pyoxigraph, given the text as written, contacts the network or changes a store,
  the check refuses it;
- if the check accepts it, pyoxigraph running the text to run contacts nothing, and
  rdflib (a second reader, which ends comments at LF only and expands \\u escapes
  before parsing, as some servers do) finds no SERVICE, update, foreign FROM or
  server function in it either.
"""

from __future__ import annotations

import contextlib
import itertools

import pytest
from loopback_http import url

from riskgraph.errors import InputError
from riskgraph.query.safety import _project_graph, _server_function, check_query

TERMINATORS = ["\r", "\n", "\r\n", "\u0085", "\u2028", "\u2029", "\x0b", "\x0c"]


def _hidden(url: str) -> list[str]:
    """Payloads an attacker would like to run."""
    bif = "http://www.openlinksw.com/schemas/bif#"
    return [f"SERVICE <{url}> {{ ?s ?p ?o }}",
            f"BIND(<{bif}file_to_string>('/etc/passwd') AS ?f)",
            "} ; INSERT DATA { <http://a> <http://b> <http://c> } #",
            "} FROM <file:///etc/passwd> WHERE { #"]


def _wrappers(t: str) -> list[str]:
    """Text around a payload {P}, with the terminator ``t`` placed where readers differ."""
    return [
        "SELECT ?s WHERE { # x" + t + "{P}\n}",
        "SELECT ?s WHERE {\n# x" + t + "{P}" + t + "}",
        "# head" + t + "SELECT ?s WHERE { {P} }",
        'SELECT ?s WHERE { BIND("a' + t + '" AS ?x) {P} }',
        'SELECT ?s WHERE { BIND("""a' + t + '""" AS ?x) {P} }',
        "SELECT ?s WHERE { ?s ?p <http://a/#" + t + "> {P} }",
        'SELECT ?s WHERE { ?s ?p "x # ' + t + '" . {P} }',
        'SELECT ?s WHERE { ?s ?p "\\u0022 #" . ' + t + " {P} }",
        "SELECT ?s WHERE { ?s ?p '\\u0027 # " + t + "' {P} }",
        "SELECT ?s WHERE { ?s ?p 'it\\'s # " + t + "' {P} }",
        'SELECT ?s WHERE { ?s ?p "it\\"s \\u005C" # ' + t + '" {P} }',
        "SELECT ?s WHERE { ?s ?p <http://a/\\u003E # " + t + "> {P} }",
        "SELECT ?s WHERE { ?s ?p \\u0022 # " + t + "\\u0022 {P} }",
        "PREFIX x: <http://a/> SELECT ?s WHERE { ?s ?p x:a\\#" + t + "{P} }",
        "SELECT ?s WHERE { ?s ?p ?o }" + t + "#{P}",
    ]


def _cases(url: str):
    for t, wrapper, payload in itertools.product(TERMINATORS, _wrappers("{T}"), _hidden(url)):
        yield wrapper.replace("{T}", t).replace("{P}", payload)


def _pyoxigraph_acts(text: str, server) -> bool:
    """Whether pyoxigraph, given ``text``, contacts the network or changes a store."""
    import pyoxigraph as ox

    before = len(server.seen)
    store = ox.Store()
    with contextlib.suppress(Exception):  # syntax errors and the server's HTTP 500
        list(store.query(text))
    with contextlib.suppress(Exception):
        store.update(text)
    return len(server.seen) > before or len(store) > 0


def _rdflib_sees_danger(text: str) -> bool:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    try:
        parseUpdate(text)
        return True  # rdflib reads an update
    except Exception:  # noqa: S110
        pass
    try:
        query = translateQuery(parseQuery(text))
    except Exception:
        return False  # rdflib cannot read it: it runs nothing
    for clause in query.algebra.get("datasetClause") or []:
        if not _project_graph(str(clause.get("default") or clause.get("named"))):
            return True
    stack: list = [query.algebra]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            stack.extend(item.values())
        elif isinstance(item, URIRef):
            if _server_function(str(item)):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
    return False


def test_the_check_and_the_engines_agree(refusing_server):
    import pyoxigraph as ox

    accepted = refused = 0
    for text in _cases(url(refusing_server)):
        acts = _pyoxigraph_acts(text, refusing_server)
        try:
            shape = check_query(text, "generated")
        except InputError:
            refused += 1
            continue
        assert not acts, f"pyoxigraph acts on a text the check accepted: {text!r}"
        accepted += 1
        before = len(refusing_server.seen)
        with contextlib.suppress(SyntaxError):
            list(ox.Store().query(shape.text))
        assert len(refusing_server.seen) == before, \
            f"the checked text reached the network: {text!r}"
        assert not _rdflib_sees_danger(shape.text), f"rdflib reads danger in {shape.text!r}"
        assert "\r" not in shape.text  # one line terminator left: LF
        assert check_query(shape.text).text == shape.text  # the text to run is a fixed point
    assert refused and accepted  # both kinds were generated


@pytest.mark.parametrize("text", [
    "SELECT ?x WHERE { BIND('it\\\"s' AS ?x) }",
    'SELECT ?x WHERE { BIND("it\\\'s" AS ?x) }',
    "SELECT ?x WHERE { # a comment\r BIND(1 AS ?x) }",
    'SELECT ?x WHERE { BIND("a\\u0022b" AS ?x) }',
])
def test_valid_sparql_is_accepted_and_runs(text):
    import pyoxigraph as ox

    shape = check_query(text)
    assert shape.form == "SELECT"
    list(ox.Store().query(shape.text))


def test_a_flat_group_of_1000_patterns_is_accepted():
    """rdflib's parser called it "nested too deeply"."""
    text = "SELECT * WHERE { " + " . ".join(f"?s ?p{i} ?o{i}" for i in range(1000)) + " }"
    assert check_query(text).form == "SELECT"


def test_escaped_quote_keeps_its_value():
    import pyoxigraph as ox

    shape = check_query('SELECT ?x WHERE { BIND("a\\u0022b" AS ?x) }')
    [row] = list(ox.Store().query(shape.text))
    assert row["x"].value == 'a"b'


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_an_empty_query_is_called_empty(text):
    with pytest.raises(InputError) as info:
        check_query(text)
    assert "empty" in str(info.value) and "update" not in str(info.value)
