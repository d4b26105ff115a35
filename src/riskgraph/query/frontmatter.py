"""The ``#+ `` front matter of a ``.rq`` file: YAML in comment lines (the grlc convention),
read with PyYAML, strictly.

    #+ summary: One line
    #+ description: >
    #+   Folded text over
    #+   several lines.
    #+ tags: [mitigations, evidence]
    #+ params:
    #+   - name: area
    #+     default: CBRN

The block is composed with ``yaml.compose`` so that every node keeps its line: a
malformed header, a key given twice, a key without a value, anchors or tags are
errors naming the file and line, never silently empty metadata. Scalars stay text
(``default: 4.10`` is "4.10", not a float), as the query binds them by its own rules.
"""

from __future__ import annotations

from pathlib import Path

from riskgraph.errors import InputError

MARK = "#+"
_HINT = ("front matter is YAML in '#+ ' lines: check the indentation, and quote the value "
         "if it holds ': ' or ' #' (see queries/README.md)")


def header_lines(text: str) -> list[tuple[int, str]]:
    """(line number, content after '#+ ') for the leading block of '#+' lines.

    Blank lines and ordinary '#' comments may come before the block; the block
    ends at the first line that is not a '#+' line.
    """
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith(MARK):
            rest = line[len(MARK):]
            if rest and not rest.startswith(" "):
                raise InputError("bad front matter: '#+' must be followed by a space",
                                 file=None, line=number)
            out.append((number, rest[1:]))
        elif out or (line and not line.startswith("#")):
            break
    return out


def parse_front_matter(text: str, path: Path | str) -> dict:
    """The front matter as plain Python (dicts, lists, strings); ``{}`` if there is none."""
    try:
        lines = header_lines(text)
    except InputError as exc:
        exc.file = path
        exc.hint = _HINT
        raise
    if not any(content.strip() for _, content in lines):
        return {}
    for number, content in lines:
        if "\t" in content[:len(content) - len(content.lstrip())]:
            raise _error(path, number, "tabs are not allowed for indentation; use spaces")
    import yaml

    document = "\n".join(content for _, content in lines)

    def line_of(mark) -> int:
        return lines[min(mark.line, len(lines) - 1)][0] if mark is not None else lines[0][0]

    try:
        node = yaml.compose(document, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or "malformed YAML"
        if exc.context and "quoted scalar" in exc.context:
            problem = "unclosed quote"
        return _raise(_error(path, line_of(exc.problem_mark or exc.context_mark), problem))
    if not isinstance(node, yaml.MappingNode):
        raise _error(path, line_of(getattr(node, "start_mark", None)),
                     "expected 'key: value' lines")
    return _to_python(node, path, line_of, set())


def _to_python(node, path, line_of, seen: set[int]):
    import yaml

    line = line_of(node.start_mark)
    if id(node) in seen:  # an alias (*name) is the node of its anchor, met again
        raise _error(path, line, "anchors and aliases are not allowed")
    seen.add(id(node))
    if node.tag.startswith("!") and not node.tag.startswith("!!"):
        raise _error(path, line, f"YAML tags such as {node.tag} are not allowed")
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path, line_of, seen) for item in node.value]
    out: dict = {}
    for key_node, value_node in node.value:
        if id(value_node) in seen:  # say where the alias is, not where its anchor is
            raise _error(path, line_of(key_node.start_mark), "anchors and aliases are not "
                         "allowed")
        if not isinstance(key_node, yaml.ScalarNode):
            raise _error(path, line_of(key_node.start_mark), "a key must be a plain word")
        key = key_node.value
        if key in out:
            raise _error(path, line_of(key_node.start_mark), f"the key {key!r} is given twice")
        if isinstance(value_node, yaml.ScalarNode) and value_node.value == "" \
                and not value_node.style:
            raise _error(path, line_of(key_node.start_mark), f"the key {key!r} has no value")
        out[key] = _to_python(value_node, path, line_of, seen)
    return out


def _error(path, line: int, message: str) -> InputError:
    return InputError(f"bad front matter: {message}", file=path, line=line, hint=_HINT)


def _raise(error: InputError):
    raise error
