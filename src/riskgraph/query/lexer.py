"""A SPARQL lexer: comments, strings and IRIs are single tokens, keywords are words.

It is the safety check's reader (``riskgraph.query.safety``), so its terminals are
SPARQL 1.1's own (grammar productions [139]-[173]) where a disagreement could hide
a keyword: white space is space, tab, CR and LF only; a comment ends at CR or LF
(as in pyoxigraph); a string holds only the escapes ECHAR and UCHAR; an IRIREF
holds no space, brace, angle bracket or backslash other than a UCHAR. Text that
fits none of these becomes one-character punctuation and is still scanned, so a
reader more lenient than this one sees less, never more.

Also used to find a query's form and its ``?_param`` variables, to place a
``VALUES`` block, and to point at the line and column of what is refused.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ESC = r"""\\[tbnrf"'\\]|""" + _UCHAR  # ECHAR | UCHAR
# PN_LOCAL_ESC (grammar [173]): the only backslash escapes a prefixed name may hold
_PN_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKEN = re.compile(
    r"""(?P<ws>[\x20\t\r\n]+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<string>\"\"\"(?:[^"\\]|ESC|"(?!""))*\"\"\"
              |'''(?:[^'\\]|ESC|'(?!''))*'''
              |"(?:[^"\\\n\r]|ESC)*"
              |'(?:[^'\\\n\r]|ESC)*')
    |(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|UCHAR)*>)
    |(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    |(?P<bnode>_:[\w.-]*)
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%\-]|PNESC|\.(?=[\w:%\-\\]))*)
    |(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
    |(?P<word>[A-Za-z_]\w*)
    |(?P<punct>\^\^|\|\||&&|!=|<=|>=|.)""".replace("PNESC", _PN_ESC)
    .replace("UCHAR", _UCHAR).replace("ESC", _ESC),
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):  # a tuple: the check makes tens of thousands for a long query
    kind: str  # word, pname, iri, string, var, bnode, lang, number, punct, ws, comment
    text: str
    start: int

    @property
    def upper(self) -> str:
        """The text in upper case, ASCII letters only (as SPARQL keywords compare):
        ``str.upper`` would read U+017F, the long s, as S."""
        return self.text.translate(_UPPER)


_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def tokenize(text: str) -> list[Token]:
    """The query's tokens without whitespace and comments.

    An unterminated string or IRI is not skipped: its opening quote becomes
    punctuation and what follows is still scanned, so nothing is hidden.
    """
    return [t for t in scan(text) if t.kind not in ("ws", "comment")]


def scan(text: str) -> list[Token]:
    """Every token of ``text`` in order, white space and comments included: joined,
    they give ``text`` back."""
    # the last alternative matches any character, so the matches are contiguous
    return [Token(m.lastgroup or "punct", m.group(), m.start()) for m in _TOKEN.finditer(text)]


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
