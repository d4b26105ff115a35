"""Refuse SPARQL that could reach the network or the file system, before it runs.

Both rdflib and pyoxigraph execute ``SERVICE`` over HTTP, rdflib reads
``FROM <file:...>``, updates can ``LOAD`` documents, and Virtuoso adds ``bif:`` /
``sql:`` functions and ``DEFINE get:soft`` pragmas that fetch files and URLs.

A user's query (``--sparql``, ``--file``, the Python API) is judged on a real parse:
rdflib's SPARQL parser and algebra, with every IRI resolved against BASE and the
prefixes and its escapes decoded. Refused: ``SERVICE`` anywhere (inside
``FILTER EXISTS`` and sub-selects too), updates and ``LOAD``, ``FROM`` / ``FROM NAMED``
outside the project's graphs, any IRI in Virtuoso's function namespaces, and
``DEFINE`` pragmas (which rdflib cannot parse; they are refused first, by name).
rdflib is imported only on this path.

The canned queries in ``queries/`` are the project's own, trusted files: they get a
quick check with the lexer (``check_canned``) and are then not parsed again, so that
a canned query never imports rdflib.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from riskgraph.errors import InputError, UnsafeQuery
from riskgraph.namespaces import BASE, KNOWN_PREFIXES
from riskgraph.query.lexer import Token, position, tokenize

PROJECT_NAMESPACE = BASE
# IRIs a query may name in FROM / FROM NAMED: the project's own graphs only.
_PROJECT_GRAPH = re.compile(r"https://w3id\.org/riskgraph/[A-Za-z0-9._~#-]+(/[A-Za-z0-9._~#-]+)*")
_DOT_SEGMENT = re.compile(r"(^|/)\.\.?(/|$|#)")

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                   "COPY", "WITH", "USING"}
QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
# Virtuoso's built-in SQL functions can read files (file_to_string) and URLs (http_get).
SERVER_FUNCTION_NAMESPACES = ("http://www.openlinksw.com/schemas/bif#",
                              "http://www.openlinksw.com/schemas/sql#")
SERVER_FUNCTION_PREFIXES = {"bif", "sql"}  # Virtuoso knows these without a PREFIX line
_SERVER_FUNCTION_HOST = "openlinksw.com"
# PN_LOCAL_ESC (SPARQL 1.1 grammar [173]): rdflib keeps the backslash in the IRI.
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")
_HINT = "riskgraph runs read-only queries over its own graph only"
# rdflib's parser recurses about 70 Python frames per nested group or bracket: a user's
# query may nest this deep, and the parse gets the recursion limit it needs for that.
MAX_NESTING = 64
PARSE_RECURSION_LIMIT = 10_000


@dataclass
class QueryShape:
    """What the checker learnt about a query: its form (SELECT, ASK, ...)."""

    form: str


_VETTED: dict[str, QueryShape] = {}  # canned query texts that passed check_canned


# --- the canned queries: a quick check with the lexer --------------------------

def check_canned(text: str, source: str | None = None) -> QueryShape:
    """The quick check of a trusted canned query: no SERVICE, update, LOAD, DEFINE,
    server function or foreign FROM among its tokens. Once passed, ``check_query``
    accepts the same text without parsing it."""
    if text in _VETTED:
        return _VETTED[text]
    tokens = tokenize(text)
    form = None
    for i, token in enumerate(tokens):
        word = token.upper if token.kind == "word" else ""
        if word in ("SERVICE", "DEFINE") or word in UPDATE_KEYWORDS:
            raise _refuse(text, token, f"{word} is not allowed in a canned query", source)
        if word == "FROM":
            j = i + 2 if i + 1 < len(tokens) and tokens[i + 1].upper == "NAMED" else i + 1
            iri = tokens[j].text[1:-1] if j < len(tokens) and tokens[j].kind == "iri" else ""
            if not _project_graph(iri):
                raise _refuse(text, token, "FROM may only name the project's own graphs", source)
        if token.kind == "pname" and token.text.partition(":")[0] in SERVER_FUNCTION_PREFIXES \
                or token.kind == "iri" and _server_function(token.text[1:-1]):
            raise _refuse(text, token, f"{token.text} is a server function", source)
        if word in QUERY_FORMS and form is None:
            form = word
    if form is None:
        raise InputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found",
                         file=source or "query")
    shape = _VETTED[text] = QueryShape(form)
    return shape


# --- users' queries: decided on a real parse ----------------------------------------

def check_query(text: str, source: str | None = None) -> QueryShape:
    """Raise ``UnsafeQuery`` (an ``InputError``, exit code 2) unless the query is a safe
    read-only query, ``InputError`` with line and column if it does not parse."""
    if text in _VETTED:
        return _VETTED[text]
    tokens = tokenize(text)
    define = next((t for t in tokens if t.kind == "word" and t.upper == "DEFINE"), None)
    if define is not None:  # Virtuoso's pragmas, before rdflib (which cannot parse them)
        raise _refuse(text, define, "DEFINE pragmas are not allowed: some servers use them to "
                      "fetch documents from the network", source)
    _check_server_prefixes(text, source)
    _check_nesting(text, tokens, source)
    parsed, query = _parse(text, tokens, source)
    _check_base(text, tokens, parsed, source)
    _check_dataset(text, tokens, query, source)
    _walk(query.algebra, text, tokens, source)
    return QueryShape(query.algebra.name.replace("Query", "").upper())


def _check_nesting(text: str, tokens: list[Token], source) -> None:
    depth = 0
    for token in tokens:
        if token.kind == "punct" and token.text in "{([":
            depth += 1
            if depth > MAX_NESTING:
                line, column = position(text, token.start)
                raise InputError(f"the query nests groups or brackets more than {MAX_NESTING} "
                                 "levels deep", file=source or "query", line=line,
                                 column=column)
        elif token.kind == "punct" and token.text in "})]":
            depth -= 1


# rdflib's SPARQL grammar (pyparsing) is not thread-safe, and the recursion limit and
# the logger level changed around it are process-wide: one parse at a time.
_PARSE_LOCK = threading.Lock()


def _parse(text: str, tokens: list[Token], source):
    import sys

    with _PARSE_LOCK:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, PARSE_RECURSION_LIMIT))
        try:
            return _parse_deep(text, tokens, source)
        except RecursionError:
            raise InputError("the query is nested too deeply to be read",
                             file=source or "query") from None
        finally:
            sys.setrecursionlimit(limit)


def _parse_deep(text: str, tokens: list[Token], source):
    import logging

    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    # rdflib warns on stderr about IRIs it finds odd; this check reports what matters.
    quiet = logging.getLogger("rdflib.term")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        try:
            parsed = parseQuery(text)
        except ParseException as exc:
            try:
                parseUpdate(text)
            except ParseException:
                found = f", found {exc.found}" if exc.found else ""
                raise InputError(f"SPARQL syntax error: {_lower(exc.msg)}{found}",
                                 file=source or "query", line=exc.lineno,
                                 column=exc.col) from None
            raise _update(text, tokens, source) from None
        except ValueError as exc:  # e.g. a \U escape beyond Unicode
            raise InputError(f"SPARQL syntax error: {exc}", file=source or "query") from None
        try:
            return parsed, translateQuery(parsed)
        except Exception as exc:  # rdflib raises a bare Exception for an unknown prefix
            match = re.match(r"Unknown namespace prefix : (.*)", str(exc))
            if match is None:
                raise InputError(f"the query cannot be read: {exc}",
                                 file=source or "query") from None
            raise _undeclared(text, tokens, match.group(1), source) from None
    finally:
        quiet.setLevel(level)


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]


def _update(text: str, tokens: list[Token], source) -> UnsafeQuery:
    token = next((t for t in tokens if t.kind == "word" and t.upper in UPDATE_KEYWORDS),
                 tokens[0] if tokens else None)
    word = token.upper if token is not None else "this"
    if word == "LOAD":
        return _refuse(text, token, "LOAD is not allowed: it reads a document from the "
                       "network or the file system", source)
    return _refuse(text, token, f"{word} is an update; riskgraph only runs read-only queries "
                   "(SELECT, ASK, CONSTRUCT, DESCRIBE)", source)


def _undeclared(text: str, tokens: list[Token], prefix: str, source) -> InputError:
    token = next((t for t in tokens if t.kind == "pname" and t.text.startswith(prefix + ":")),
                 None)
    line, column = position(text, token.start) if token is not None else (None, None)
    if prefix in SERVER_FUNCTION_PREFIXES:
        return UnsafeQuery(f"{prefix}: is a server function that can read files or the "
                           "network; it is not allowed", file=source or "query", line=line,
                           column=column, hint=_HINT)
    if prefix in KNOWN_PREFIXES:
        hint = f"add this line before the query: PREFIX {prefix}: <{KNOWN_PREFIXES[prefix]}>"
    else:
        hint = f"add a line such as: PREFIX {prefix}: <http://example.org/{prefix}#>"
    return InputError(f"the prefix {prefix}: is not declared", file=source or "query",
                      line=line, column=column, hint=hint)


def _check_server_prefixes(text: str, source) -> None:
    """``bif:`` / ``sql:`` prefixed names are refused even when the query declares the
    prefix: a server that predefines them may not let a query redefine them."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        expanded = expandUnicodeEscapes(text)
    except ValueError:
        expanded = text
    for token in tokenize(expanded):
        if token.kind == "pname" and \
                token.text.partition(":")[0].lower() in SERVER_FUNCTION_PREFIXES:
            line, column = position(expanded, token.start)
            raise UnsafeQuery(f"{token.text} is a server function that can read files or the "
                              "network; it is not allowed", file=source or "query", line=line,
                              column=column, hint=_HINT)


def _check_base(text: str, tokens: list[Token], parsed, source) -> None:
    """A relative BASE is refused: rdflib does not resolve it against the BASE before it,
    as the standard says, so what the check sees and what a server runs would differ."""
    for declaration in parsed[0]:
        if getattr(declaration, "name", None) == "Base" and \
                not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", str(declaration["iri"])):
            raise _refuse(text, _find_word(tokens, "BASE"), f"the relative BASE "
                          f"<{declaration['iri']}> is not allowed", source,
                          hint="give BASE an absolute IRI")


def _check_dataset(text: str, tokens: list[Token], query, source) -> None:
    for clause in query.algebra.get("datasetClause") or []:
        named = "named" in clause
        iri = _decoded(str(clause["named"] if named else clause["default"]))
        if not _project_graph(iri):
            token = _find_word(tokens, "FROM")
            raise _refuse(
                text, token, f"FROM {'NAMED ' if named else ''}<{iri}> is not allowed: a query "
                "may only name the project's own graphs", source,
                hint=f"leave FROM out to query the whole graph, or name a graph under "
                     f"{PROJECT_NAMESPACE}")


def _walk(node, text: str, tokens: list[Token], source) -> None:
    """Refuse SERVICE and server-function IRIs anywhere in the translated query."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                raise _refuse(text, _find_word(tokens, "SERVICE"), "SERVICE is not allowed: "
                              "it would send part of the query to another server over the "
                              "network", source)
            stack.extend(item.values())
        elif isinstance(item, URIRef):
            if _server_function(_decoded(str(item))):
                raise _refuse(text, _find_iri(text, tokens, str(item)),
                              f"<{_decoded(str(item))}> is a server function that can read "
                              "files or the network; it is not allowed", source)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)


# --- deciding on IRIs ---------------------------------------------------------------

def _decoded(iri: str) -> str:
    return _LOCAL_ESCAPE.sub(r"\1", iri)


def _server_function(iri: str) -> bool:
    """An IRI that could name one of Virtuoso's functions, however it is spelt (case,
    percent escapes, dot segments, a relative IRI a server resolves its own way): any
    IRI on the vendor's host, and any IRI holding ``bif#`` / ``sql#`` or starting
    with ``bif:`` / ``sql:``. riskgraph's queries never need such an IRI."""
    plain = unquote(iri).lower()
    if plain.startswith(("bif:", "sql:")) or "bif#" in plain or "sql#" in plain:
        return True
    try:
        host = (urlsplit(plain).hostname or "").rstrip(".")
    except ValueError:
        return True  # not an IRI anyone can read the same way
    return host == _SERVER_FUNCTION_HOST or host.endswith("." + _SERVER_FUNCTION_HOST)


def _project_graph(iri: str) -> bool:
    path = iri[len(PROJECT_NAMESPACE):] if iri.startswith(PROJECT_NAMESPACE) else ""
    return bool(_PROJECT_GRAPH.fullmatch(iri)) and not _DOT_SEGMENT.search(path) \
        and "%" not in iri


# --- where to point -----------------------------------------------------------------

def _find_word(tokens: list[Token], word: str) -> Token | None:
    return next((t for t in tokens if t.kind == "word" and t.upper == word), None)


def _find_iri(text: str, tokens: list[Token], iri: str) -> Token | None:
    local = re.split(r"[#/]", iri)[-1]
    return next((t for t in tokens if t.kind in ("iri", "pname") and local
                 and local in _decoded(t.text)), None)


def _refuse(text: str, token: Token | None, message: str, source,
            hint: str | None = None) -> UnsafeQuery:
    line, column = position(text, token.start) if token is not None else (None, None)
    return UnsafeQuery(message, file=source or "query", line=line, column=column,
                       hint=hint or _HINT)
