"""The one home of text escaping: control characters (text from outside, a file, a
server's answer, a query result, shown on a terminal or in a message never carries
one as it is), and string literals in Turtle, N-Triples and SPARQL."""

from __future__ import annotations

import re

# C0 and C1 controls and DEL (ESC starts colour, cursor and OSC title/hyperlink
# sequences; BEL rings; CR rewrites the line), and the bidirectional overrides that
# make text read other than it is stored.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                                  "\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, *, newlines: bool = False) -> str:
    """``text`` with every control character written as a visible escape (``\\x1b``);
    ``newlines`` keeps line feeds (a message's own line structure)."""
    return (_CONTROL_BUT_NEWLINE if newlines else _CONTROL).sub(_escape, str(text))


def json_visible(text: str) -> str:
    """JSON text with every control character as a ``\\u`` escape: the same JSON value
    (json.dumps escapes C0 itself; DEL, C1 and the bidi overrides it leaves as they are)."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# What a string literal escapes (Turtle's and SPARQL's ECHAR); other controls as \uXXXX.
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
          "\b": "\\b", "\f": "\\f"}
_LITERAL_ESCAPED = re.compile('[\\\\"\x00-\x1f\x7f]')


def string_literal(value: str) -> str:
    """``value`` as a double-quoted string literal of Turtle, N-Triples and SPARQL,
    escaped so that no value can end it early or change what follows."""
    return '"' + _LITERAL_ESCAPED.sub(
        lambda m: _ECHAR.get(m.group(), f"\\u{ord(m.group()):04X}"), value) + '"'


def without_controls(text: str, by: str = " ") -> str:
    """``text`` with every control character (line and paragraph separators included)
    replaced by ``by``: for formats in which one would end a cell or a row (TSV)."""
    return _LINE_BREAKING.sub(by, _CONTROL.sub(by, text))


_LINE_BREAKING = re.compile("[\u2028\u2029\x85]")
