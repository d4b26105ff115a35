"""The ``#+ `` front matter of a ``.rq`` file: a strict reader for a small YAML subset.

The grlc convention puts YAML in comment lines at the top of a query, so the
file stays valid SPARQL. riskgraph needs only this much YAML::

    #+ summary: One line
    #+ description: >
    #+   Folded text over
    #+   several lines.
    #+ tags: [mitigations, evidence]
    #+ params:
    #+   - name: area
    #+     default: CBRN

Anything else (tabs, anchors, nested lists, a key twice, bad indentation) is an
error naming the file and line, never silently empty metadata. PyYAML is not
needed for this, so ``riskgraph query`` stays light.
"""

from __future__ import annotations

import re
from pathlib import Path

from riskgraph.errors import InputError

MARK = "#+"
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:\s+(.*))?$")


class _Lines:
    def __init__(self, lines: list[tuple[int, str]], path: Path | str):
        self.lines = lines
        self.i = 0
        self.path = path

    def peek(self) -> tuple[int, str] | None:
        return self.lines[self.i] if self.i < len(self.lines) else None

    def error(self, line: int, message: str) -> InputError:
        return InputError(f"bad front matter: {message}", file=self.path, line=line,
                          hint="front matter lines look like '#+ key: value' (a small YAML "
                               "subset); see queries/README.md")


def header_lines(text: str) -> list[tuple[int, str]]:
    """(line number, content after '#+') for the leading block of '#+' lines.

    Blank lines and ordinary '#' comments may come before the block; the block
    ends at the first line that is not a '#+' line.
    """
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith(MARK):
            rest = line[len(MARK):]
            if rest and not rest.startswith(" "):
                out.append((number, "\0" + rest))  # reported by the parser
            else:
                out.append((number, rest[1:] if rest else ""))
        elif out or (line and not line.startswith("#")):
            break
    return out


def _indent(content: str) -> int:
    return len(content) - len(content.lstrip(" "))


def _scalar(value: str, lines: _Lines, number: int) -> str | bool:
    value = value.strip()
    if not value:
        raise lines.error(number, "empty value")
    if value[0] in "\"'":
        quote = value[0]
        if len(value) < 2 or value[-1] != quote:
            raise lines.error(number, f"unclosed quote in {value!r}")
        inner = value[1:-1]
        if quote == '"':
            if re.search(r'(?<!\\)"', inner):
                raise lines.error(number, f"stray quote in {value!r}")
            return inner.replace('\\"', '"').replace("\\\\", "\\")
        if re.search(r"'(?!')", inner.replace("''", "")):
            raise lines.error(number, f"stray quote in {value!r}")
        return inner.replace("''", "'")
    if value[0] in "&*!%@`{|>" or value.startswith(("- ", "[")):
        raise lines.error(number, f"unsupported YAML in {value!r}: quote the value")
    if " #" in value or ": " in value or value.endswith(":"):
        raise lines.error(number, f"unquoted value {value!r} holds ': ' or ' #', which YAML "
                          "reads differently: quote the value")
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _flow_list(value: str, lines: _Lines, number: int) -> list:
    if not value.endswith("]"):
        raise lines.error(number, f"unclosed list {value!r}")
    inner = value[1:-1].strip()
    if not inner:
        return []
    return [_scalar(item, lines, number) for item in inner.split(",")]


def _block_text(lines: _Lines, parent_indent: int, folded: bool) -> str:
    parts: list[str] = []
    while (nxt := lines.peek()) is not None:
        number, content = nxt
        if content.strip() and _indent(content) <= parent_indent:
            break
        lines.i += 1
        parts.append(content.strip())
    if not any(parts):
        raise lines.error(lines.lines[lines.i - 1][0] if lines.i else 1, "empty block text")
    if folded:
        paragraphs = " ".join(p if p else "\n" for p in parts)
        return re.sub(r" ?\n ?", "\n", paragraphs).strip()
    return "\n".join(parts).strip()


def _value(lines: _Lines, number: int, rest: str | None, indent: int):
    """The value of a key whose text after the colon is ``rest``."""
    if rest is None or rest == "":
        nxt = lines.peek()
        if nxt is None or _indent(nxt[1]) <= indent or not nxt[1].strip():
            raise lines.error(number, "a key with no value")
        return _block(lines, _indent(nxt[1]))
    if rest in (">", "|"):
        return _block_text(lines, indent, folded=rest == ">")
    if rest.startswith("["):
        return _flow_list(rest, lines, number)
    return _scalar(rest, lines, number)


def _next_at(lines: _Lines, indent: int) -> tuple[int, str] | None:
    """The next non-blank line if it is indented at least ``indent`` (blank lines are
    consumed), else None: the end of the block that starts at ``indent``."""
    while (nxt := lines.peek()) is not None:
        if nxt[1].strip():
            return nxt if _indent(nxt[1]) >= indent else None
        lines.i += 1
    return None


def _mapping(lines: _Lines, indent: int, first: tuple[int, str] | None = None) -> dict:
    out: dict = {}
    pending = first
    while True:
        if pending is None:
            nxt = _next_at(lines, indent)
            if nxt is None:
                break
            number, content = nxt
            if _indent(content) > indent:
                raise lines.error(number, "unexpected indentation")
            lines.i += 1
            text = content.strip()
        else:
            number, text = pending
            pending = None
        if text.startswith("- "):
            raise lines.error(number, "a list item where a 'key: value' line was expected")
        match = _KEY.match(text)
        if not match:
            raise lines.error(number, f"expected 'key: value', found {text!r}")
        key, rest = match.group(1), match.group(2)
        if key in out:
            raise lines.error(number, f"the key {key!r} is given twice")
        out[key] = _value(lines, number, rest.strip() if rest else None, indent)
    return out


def _block(lines: _Lines, indent: int):
    """A block list ('- ...' lines) or a block mapping at ``indent``."""
    number, content = lines.peek()  # type: ignore[misc]
    if not content.strip().startswith("- ") and content.strip() != "-":
        return _mapping(lines, indent)
    items: list = []
    while (nxt := _next_at(lines, indent)) is not None:
        number, content = nxt
        if _indent(content) > indent or not content.strip().startswith("-"):
            raise lines.error(number, "unexpected indentation in a list")
        lines.i += 1
        item = content.strip()[1:].strip()
        if not item:
            raise lines.error(number, "empty list item")
        if _KEY.match(item):
            items.append(_mapping(lines, indent + 2, first=(number, item)))
        elif item.startswith("- "):
            raise lines.error(number, "nested lists are not supported")
        else:
            items.append(_scalar(item, lines, number))
    return items


def parse_front_matter(text: str, path: Path | str) -> dict:
    """The front matter of a query as a dict ({} when the file has none)."""
    raw = header_lines(text)
    if not raw:
        return {}
    for number, content in raw:
        if content.startswith("\0"):
            raise InputError("bad front matter: '#+' must be followed by a space",
                             file=path, line=number)
        if "\t" in content:
            raise InputError("bad front matter: tabs are not allowed; indent with spaces",
                             file=path, line=number)
    lines = _Lines([(n, c) for n, c in raw], path)
    while lines.peek() is not None and not lines.peek()[1].strip():  # type: ignore[index]
        lines.i += 1
    if lines.peek() is None:
        return {}
    number, content = lines.peek()  # type: ignore[misc]
    if _indent(content) != 0:
        raise lines.error(number, "the first key must not be indented")
    result = _mapping(lines, 0)
    if lines.peek() is not None:
        raise lines.error(lines.peek()[0], "unexpected line")  # type: ignore[index]
    return result
