"""The one control-character escaper: text from outside (a file, a server's answer,
a query result) shown on a terminal or in a message never carries a control
character as it is."""

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


def without_controls(text: str, by: str = " ") -> str:
    """``text`` with every control character (line and paragraph separators included)
    replaced by ``by``: for formats in which one would end a cell or a row (TSV)."""
    return _LINE_BREAKING.sub(by, _CONTROL.sub(by, text))


_LINE_BREAKING = re.compile("[\u2028\u2029\x85]")
