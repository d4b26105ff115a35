"""Refuse SPARQL that could reach the network or the file system, before it runs.

Both rdflib and pyoxigraph execute ``SERVICE`` over HTTP, rdflib reads
``FROM <file:...>``, updates can ``LOAD`` documents, and Virtuoso adds ``bif:``
functions and ``DEFINE get:soft`` pragmas that fetch files and URLs. So a
query is tokenised the way the SPARQL 1.1 grammar does (comments, strings and
IRIs are single tokens, keywords are case-insensitive), and the tokens outside
comments, strings and IRIs are checked:

- ``SERVICE``, ``DEFINE`` and every update keyword are refused;
- ``FROM`` / ``FROM NAMED`` may only name graphs under the project's namespace;
- IRIs in Virtuoso's ``bif:`` / ``sql:`` function namespaces are refused;
- a prefixed name with an undeclared prefix is an error with a hint.

A word inside a string literal, an IRI or a comment is never a keyword, so
``FILTER(CONTAINS(?label, "SERVICE"))`` runs. An IRIREF cannot contain spaces,
braces or angle brackets, so a keyword cannot hide inside what this lexer
takes for an IRI while the query engine takes it for syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from riskgraph.errors import InputError, UnsafeQuery

PROJECT_NAMESPACE = "https://w3id.org/riskgraph/"
# IRIs a query may name in FROM / FROM NAMED: the project's own graphs only.
_PROJECT_GRAPH = re.compile(r"https://w3id\.org/riskgraph/[A-Za-z0-9._~#-]+(/[A-Za-z0-9._~#-]+)*")

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                   "COPY", "WITH", "USING"}
QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
# Virtuoso's built-in SQL functions can read files (file_to_string) and URLs (http_get).
SERVER_FUNCTION_NAMESPACES = ("http://www.openlinksw.com/schemas/bif#",
                              "http://www.openlinksw.com/schemas/sql#")
SERVER_FUNCTION_PREFIXES = {"bif", "sql"}

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"
              |'(?:[^'\\\n\r]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    |(?P<bnode>_:[\w.-]*)
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%\-]|\\.|\.(?=[\w:%\-\\]))*)
    |(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
    |(?P<word>[A-Za-z_]\w*)
    |(?P<punct>\^\^|\|\||&&|!=|<=|>=|.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # word, pname, iri, string, var, bnode, lang, number, punct
    text: str
    start: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokenize(text: str) -> list[Token]:
    """The query's tokens without whitespace and comments.

    An unterminated string or IRI is not skipped: its opening quote becomes
    punctuation and what follows is still scanned, so nothing is hidden.
    """
    tokens = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    return tokens


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@dataclass
class QueryShape:
    """What the checker learnt about a query: its form and declared prefixes."""

    form: str | None
    prefixes: dict[str, str]
    tokens: list[Token]


def _refuse(text: str, token: Token, message: str, source, hint: str | None = None):
    line, column = position(text, token.start)
    return UnsafeQuery(message, file=source or "query", line=line, column=column,
                       hint=hint or "riskgraph runs read-only queries over its own graph only")


def _graph_iri(tokens: list[Token], i: int, base: str | None,
               prefixes: dict[str, str]) -> str | None:
    """The absolute IRI named by token ``i`` (an IRIREF or a prefixed name)."""
    token = tokens[i] if i < len(tokens) else None
    if token is None:
        return None
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urljoin(base, iri) if base and not re.match(r"^[A-Za-z][\w+.-]*:", iri) else iri
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def check_query(text: str, source: str | None = None) -> QueryShape:
    """Raise ``UnsafeQuery`` (exit code 2) if the query is not a safe read-only query."""
    tokens = tokenize(text)
    prefixes: dict[str, str] = {}
    base: str | None = None
    form: str | None = None
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.kind == "word":
            word = token.upper
            if word == "SERVICE":
                raise _refuse(text, token, "SERVICE is not allowed: it would send part of the "
                              "query to another server over the network", source)
            if word == "LOAD":
                raise _refuse(text, token, "LOAD is not allowed: it reads a document from the "
                              "network or the file system", source)
            if word in UPDATE_KEYWORDS:
                raise _refuse(text, token, f"{word} is an update; riskgraph only runs read-only "
                              "queries (SELECT, ASK, CONSTRUCT, DESCRIBE)", source)
            if word == "DEFINE":
                raise _refuse(text, token, "DEFINE pragmas are not allowed: some servers use "
                              "them to fetch documents from the network", source)
            if word == "PREFIX" and nxt is not None and nxt.kind == "pname" \
                    and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
                iri = tokens[i + 2].text[1:-1]
                prefixes[nxt.text[:-1]] = urljoin(base, iri) if base else iri
            elif word == "BASE" and nxt is not None and nxt.kind == "iri":
                base = urljoin(base, nxt.text[1:-1]) if base else nxt.text[1:-1]
            elif word in QUERY_FORMS and form is None:
                form = word
            elif word == "FROM":
                j = i + 1
                if nxt is not None and nxt.kind == "word" and nxt.upper == "NAMED":
                    j += 1
                iri = _graph_iri(tokens, j, base, prefixes)
                named = tokens[j].text if j < len(tokens) else "nothing"
                if iri is None or not _PROJECT_GRAPH.fullmatch(iri) or "/../" in iri \
                        or "/./" in iri:
                    raise _refuse(
                        text, token, f"FROM {'NAMED ' if j > i + 1 else ''}{named} is not "
                        "allowed: a query may only name the project's own graphs", source,
                        hint=f"leave FROM out to query the whole graph, or name a graph under "
                             f"{PROJECT_NAMESPACE}")
        elif token.kind == "iri":
            iri = token.text[1:-1]
            if iri.startswith(SERVER_FUNCTION_NAMESPACES):
                raise _refuse(text, token, f"<{iri}> is a server function that can read files "
                              "or the network; it is not allowed", source)
        elif token.kind == "pname":
            prefix = token.text.partition(":")[0]
            previous = tokens[i - 1] if i else None
            declaring = previous is not None and previous.kind == "word" \
                and previous.upper == "PREFIX"
            if declaring:
                continue
            expanded = prefixes.get(prefix)
            if expanded is None and prefix in SERVER_FUNCTION_PREFIXES or \
                    expanded is not None and expanded.startswith(SERVER_FUNCTION_NAMESPACES):
                raise _refuse(text, token, f"{token.text} is a server function that can read "
                              "files or the network; it is not allowed", source)
            if expanded is None:
                line, column = position(text, token.start)
                raise InputError(f"the prefix {prefix}: is not declared", file=source or "query",
                                 line=line, column=column,
                                 hint=_prefix_hint(prefix))
    if form is None:
        first = tokens[0] if tokens else Token("punct", "", 0)
        raise _refuse(text, first, "this is not a SPARQL query: no SELECT, ASK, CONSTRUCT or "
                      "DESCRIBE found", source)
    return QueryShape(form, prefixes, tokens)


def _prefix_hint(prefix: str) -> str:
    from riskgraph.namespaces import PREFIXES

    known = {**PREFIXES, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
             "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    if prefix in known:
        return f"add this line before the query: PREFIX {prefix}: <{known[prefix]}>"
    return f"add a line such as: PREFIX {prefix}: <http://example.org/{prefix}#>"
