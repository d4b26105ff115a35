"""Refuse SPARQL that could reach the network or the file system, and give the text to run.

Both rdflib and pyoxigraph execute ``SERVICE`` over HTTP, updates can ``LOAD``
documents, and Virtuoso adds ``bif:`` / ``sql:`` functions and ``DEFINE get:soft``
pragmas that fetch files and URLs.

What runs is exactly what was checked. Two readers of one text can disagree (rdflib
ended a comment at LF only, pyoxigraph at CR too, and a ``SERVICE`` after a bare CR
was hidden from the check), so the check does not judge the user's text: it writes
the text to run (``QueryShape.text``) and judges that. In the text to run

- every comment is blanked to spaces (no comment is left for a reader to end early
  or late) and CR becomes a space or a line feed;
- a code point escape (``\\u0041``) in a string or IRI is replaced by its character,
  and text that some reader could take for such an escape anywhere else is refused
  (rdflib and Virtuoso expand them before parsing, pyoxigraph inside tokens only);

so what is left has one reading: SPARQL's own terminals, which ``riskgraph.query.lexer``
reads as the grammar defines them. On those tokens the check refuses ``SERVICE``,
updates and ``LOAD``, ``DEFINE`` pragmas, any IRI or prefixed name in Virtuoso's
function namespaces (prefixes and BASE resolved), and ``FROM`` / ``FROM NAMED``
outside the project's graphs. A keyword can only be a word token, so a nested
``SERVICE`` (in ``FILTER EXISTS``, a sub-select) is found like any other. The engine
then parses the text to run, inside the query's time limit and memory cap
(``riskgraph.store.timelimit``, ``riskgraph.serve.pool``).

The check reads the text twice (as written, then the text to run) with one regular
expression: linear in the text's length, no lock, no rdflib. See docs/sparql-safety.md
for what it costs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from riskgraph.errors import InputError, UnsafeQuery
from riskgraph.namespaces import BASE, IRI_FORBIDDEN, KNOWN_PREFIXES
from riskgraph.query.lexer import Token, position, scan, tokenize
from riskgraph.text import string_literal

PROJECT_NAMESPACE = BASE
# IRIs a query may name in FROM / FROM NAMED: the project's own graphs only.
_PROJECT_GRAPH = re.compile(r"https://w3id\.org/riskgraph/[A-Za-z0-9._~#-]+(/[A-Za-z0-9._~#-]+)*")
_DOT_SEGMENT = re.compile(r"(^|/)\.\.?(/|$|#)")

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                   "COPY", "WITH", "USING"}
QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
# Virtuoso's built-in SQL functions can read files (file_to_string) and URLs (http_get):
# the bif: and sql: namespaces under openlinksw.com, known without a PREFIX line.
SERVER_FUNCTION_PREFIXES = {"bif", "sql"}
_SERVER_FUNCTION_HOST = "openlinksw.com"
# PN_LOCAL_ESC (SPARQL 1.1 grammar [173])
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")
_CODE_POINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_STRING_ESCAPE = re.compile(r"""\\([tbnrf"'\\])|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})""")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
          "\\": "\\"}
_HINT = "riskgraph runs read-only queries over its own graph only"
# pyoxigraph's parser and optimiser recurse once per nested group or bracket; deep
# nesting overflows the stack (a crash, not an error), so it is refused first.
MAX_NESTING = 64


@dataclass
class QueryShape:
    """What the checker learnt about a query: its form (SELECT, ASK, ...) and the text
    to run, which is the text that was checked (see the module's docstring)."""

    form: str
    text: str = ""


_VETTED: dict[str, QueryShape] = {}  # canned query texts that passed check_canned


def check_canned(text: str, source: str | None = None) -> QueryShape:
    """``check_query`` for riskgraph's own queries, remembered by text (they are few)."""
    shape = _VETTED.get(text)
    if shape is None:
        shape = _VETTED[text] = check_query(text, source)
    return shape


def check_query(text: str, source: str | None = None) -> QueryShape:
    """The query's form and the text to run; ``UnsafeQuery`` (an ``InputError``, exit
    code 2) unless it is a safe read-only query, ``InputError`` with line and column
    for text that cannot be read."""
    shape = _VETTED.get(text)
    if shape is not None:
        return shape
    source = source or "query"
    runnable, tokens = _runnable(text, source)
    if not tokens:
        raise InputError("the query is empty", file=source)
    _check_words(runnable, tokens, source)
    _check_nesting(runnable, tokens, source)
    _check_terms(runnable, tokens, source)
    form = next((t.upper for t in tokens if t.kind == "word" and t.upper in QUERY_FORMS), None)
    if form is None:
        line, column = position(runnable, tokens[0].start)
        raise InputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found",
                         file=source, line=line, column=column)
    return QueryShape(form, runnable)


# --- the text to run ---------------------------------------------------------------

def _runnable(text: str, source: str) -> tuple[str, list[Token]]:
    """The text to run and its tokens (white space and comments left out): comments
    blanked, CR made a space or line feed and code point escapes in strings and IRIs
    replaced by their characters; ``InputError`` where some reader could still take
    text for a code point escape."""
    parts = []
    scanned = scan(text)
    for token in scanned:
        if token.kind == "comment":
            parts.append(" " * len(token.text))
        elif token.kind == "ws":
            parts.append(token.text.replace("\r\n", " \n").replace("\r", "\n"))
        elif token.kind == "string" and "\\" in token.text \
                and _CODE_POINT.search(token.text):
            parts.append(_plain_string(text, token, source))
        elif token.kind == "iri" and "\\" in token.text and _CODE_POINT.search(token.text):
            parts.append(_plain_iri(text, token, source))
        else:
            parts.append(token.text)
    runnable = "".join(parts)
    left = _CODE_POINT.search(runnable)
    if left is not None:
        line, column = position(runnable, left.start())
        raise UnsafeQuery(f"{left.group()} could be read as a code point escape by one server "
                         "and as plain text by another", file=source, line=line,
                         column=column, hint="write the character itself, or use a "
                         "\\u escape inside a string or IRI only")
    # The rules judge the tokens of the text to run, read again: blanking a comment can
    # change how the text before or after it reads (a string that did not close may
    # close), and what runs is the text to run.
    return runnable, tokenize(runnable)


def _code_point(text: str, token: Token, digits: str, source: str) -> str:
    value = int(digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        line, column = position(text, token.start)
        raise InputError(f"SPARQL syntax error: \\u{digits} is not a Unicode character",
                         file=source, line=line, column=column)
    return chr(value)


def _plain_string(text: str, token: Token, source: str) -> str:
    quote = 3 if token.text[:3] in ('"""', "'''") else 1
    body = token.text[quote:-quote]

    def unescape(match: re.Match) -> str:
        if match.group(1):
            return _ECHAR[match.group(1)]
        return _code_point(text, token, match.group(2) or match.group(3), source)

    value = _STRING_ESCAPE.sub(unescape, body)
    return string_literal(value)


def _plain_iri(text: str, token: Token, source: str) -> str:
    value = _CODE_POINT.sub(lambda m: _code_point(text, token, m.group(1) or m.group(2),
                                                  source), token.text[1:-1])
    if IRI_FORBIDDEN.search(value):
        line, column = position(text, token.start)
        raise InputError("SPARQL syntax error: an escape in this IRI stands for a character "
                         "an IRI may not hold", file=source, line=line, column=column)
    return f"<{value}>"


# --- the rules ---------------------------------------------------------------------

def _check_words(text: str, tokens: list[Token], source: str) -> None:
    for token in tokens:
        if token.kind != "word":
            continue
        word = token.upper
        if word == "DEFINE":  # Virtuoso's pragmas
            raise _refuse(text, token, "DEFINE pragmas are not allowed: some servers use them "
                          "to fetch documents from the network", source)
        if word == "SERVICE":
            raise _refuse(text, token, "SERVICE is not allowed: it would send part of the "
                          "query to another server over the network", source)
        if word == "LOAD":
            raise _refuse(text, token, "LOAD is not allowed: it reads a document from the "
                          "network or the file system", source)
        if word in UPDATE_KEYWORDS:
            raise _refuse(text, token, f"{word} is an update; riskgraph only runs read-only "
                          "queries (SELECT, ASK, CONSTRUCT, DESCRIBE)", source)


def _check_nesting(text: str, tokens: list[Token], source: str) -> None:
    depth = 0
    previous = None
    for token in tokens:
        opens = token.kind == "punct" and (token.text in "{([" or token.text == "<"
                                           and previous == "<")
        closes = token.kind == "punct" and (token.text in "})]" or token.text == ">"
                                            and previous == ">")
        previous = token.text if token.kind == "punct" and not (opens or closes) else None
        if opens:
            depth += 1
            if depth > MAX_NESTING:
                line, column = position(text, token.start)
                raise InputError(f"the query nests groups or brackets more than {MAX_NESTING} "
                                 "levels deep", file=source, line=line, column=column)
        elif closes:
            depth -= 1


def _check_terms(text: str, tokens: list[Token], source: str) -> None:
    """IRIs and prefixed names (resolved with the query's PREFIX and BASE lines), and
    what FROM names."""
    prefixes: dict[str, str] = {}
    base = ""
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.kind == "word" and token.upper == "BASE" and following is not None \
                and following.kind == "iri":
            base = urljoin(base, following.text[1:-1]) if base else following.text[1:-1]
        elif token.kind == "word" and token.upper == "PREFIX" and following is not None \
                and following.kind == "pname" and i + 2 < len(tokens) \
                and tokens[i + 2].kind == "iri":
            name = following.text[:-1]
            _check_prefix_name(text, following, name, source)
            iri = tokens[i + 2].text[1:-1]
            prefixes[name] = urljoin(base, iri) if base else iri
        elif token.kind == "iri":
            iri = token.text[1:-1]
            for candidate in (iri, urljoin(base, iri) if base else iri):
                if _server_function(candidate):
                    raise _refuse(text, token, f"<{iri}> is a server function that can read "
                                  "files or the network; it is not allowed", source)
        elif token.kind == "pname" and not (i > 0 and tokens[i - 1].upper == "PREFIX"):
            name, _, local = token.text.partition(":")
            _check_prefix_name(text, token, name, source)
            if name not in prefixes:
                raise _undeclared(text, token, name, source)
            if _server_function(prefixes[name] + _LOCAL_ESCAPE.sub(r"\1", local)):
                raise _refuse(text, token, f"{token.text} is a server function that can read "
                              "files or the network; it is not allowed", source)
        elif token.kind == "word" and token.upper == "FROM":
            _check_from(text, tokens, i, prefixes, base, source)


def _check_prefix_name(text: str, token: Token, name: str, source: str) -> None:
    """``bif:`` / ``sql:`` are refused even when the query declares them: a server that
    predefines them may not let a query redefine them."""
    if name.lower() in SERVER_FUNCTION_PREFIXES:
        raise _refuse(text, token, f"{name}: is a server function that can read files or "
                      "the network; it is not allowed", source)


def _check_from(text: str, tokens: list[Token], i: int, prefixes: dict[str, str], base: str,
                source: str) -> None:
    named = i + 1 < len(tokens) and tokens[i + 1].upper == "NAMED"
    j = i + 2 if named else i + 1
    target = tokens[j] if j < len(tokens) else None
    iri = ""
    if target is not None and target.kind == "iri":
        iri = target.text[1:-1]
        resolved = urljoin(base, iri) if base else iri
    elif target is not None and target.kind == "pname":
        name, _, local = target.text.partition(":")
        iri = resolved = prefixes.get(name, "") + _LOCAL_ESCAPE.sub(r"\1", local)
    else:
        resolved = ""
    if not (_project_graph(iri) and _project_graph(resolved)):
        raise _refuse(
            text, tokens[i], f"FROM {'NAMED ' if named else ''}<{resolved or iri}> is not "
            "allowed: a query may only name the project's own graphs", source,
            hint=f"leave FROM out to query the whole graph, or name a graph under "
                 f"{PROJECT_NAMESPACE}")


def _undeclared(text: str, token: Token, prefix: str, source: str) -> InputError:
    line, column = position(text, token.start)
    if prefix in KNOWN_PREFIXES:
        hint = f"add this line before the query: PREFIX {prefix}: <{KNOWN_PREFIXES[prefix]}>"
    else:
        hint = f"add a line such as: PREFIX {prefix}: <http://example.org/{prefix}#>"
    return InputError(f"the prefix {prefix}: is not declared", file=source, line=line,
                      column=column, hint=hint)


# --- deciding on IRIs ---------------------------------------------------------------

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


def _refuse(text: str, token: Token | None, message: str, source: str,
            hint: str | None = None) -> UnsafeQuery:
    line, column = position(text, token.start) if token is not None else (None, None)
    return UnsafeQuery(message, file=source, line=line, column=column, hint=hint or _HINT)
