"""A SPARQL lexer: comments, strings and IRIs are single tokens, keywords are words.

Used where a full parse is not needed: finding a query's form and its ``?_param``
variables, placing a ``VALUES`` block, the quick check of the trusted canned queries,
and pointing at the line and column of what ``riskgraph.query.safety`` refuses.
An IRIREF cannot contain spaces, braces or angle brackets, so a keyword cannot hide
inside what this lexer takes for an IRI while the query engine takes it for syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
