"""Query results as bytes or text: the W3C SPARQL 1.1 results formats
(https://www.w3.org/TR/sparql11-results-json/, https://www.w3.org/TR/rdf-sparql-XMLres/,
https://www.w3.org/TR/sparql11-results-csv-tsv/), written by pyoxigraph, and for a
reader a terminal table or Markdown.

The one writer of results that arrive as ``QueryResult`` (a remote server's answer, the
CLI, canned-query downloads); the embedded store's workers hand pyoxigraph's bytes on
as they are, so every path writes the same formats.
"""

from __future__ import annotations

import json

from riskgraph.errors import InputError
from riskgraph.io.formats import RESULTS
from riskgraph.io.terms import Term, bnode_label
from riskgraph.namespaces import KNOWN_PREFIXES, XSD_IRI, compact
from riskgraph.query.results import QueryResult
from riskgraph.text import json_visible, visible

FORMATS = ("table", *RESULTS, "md")  # what `riskgraph query --format` offers
_NUMERIC = {XSD_IRI + t for t in ("integer", "decimal", "double", "float", "positiveInteger",
                                  "nonNegativeInteger", "int", "long")}


def display(term: Term | None, prefixes: dict[str, str] | None = None) -> str:
    """A term as a reader wants it: prefixed names, literal text without datatype."""
    if term is None:
        return ""
    if term.kind == "uri":
        return compact(term.value, prefixes)
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def write(result: QueryResult, fmt: str) -> bytes:
    """``result`` in the SPARQL results format ``fmt`` (json, xml, csv, tsv), UTF-8.

    JSON is the answer's own term model, with no control character as it is (DEL, C1
    and bidi overrides get ``\\u`` escapes too: the same JSON value). pyoxigraph reads
    that and writes the other formats."""
    if fmt == "json":
        text = json.dumps(result.to_json(), ensure_ascii=False, separators=(",", ":"))
        return json_visible(text).encode()
    import pyoxigraph as ox

    rows = [{name: Term(t.kind, bnode_label(t.value)) if t.kind == "bnode" else t
             for name, t in row.items()} for row in result.rows]
    text = json.dumps(QueryResult(result.variables, rows, result.boolean).to_json())
    try:
        parsed = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.JSON)
    except SyntaxError as exc:
        raise InputError(f"the answer cannot be written as {fmt}: {exc}") from None
    data = parsed.serialize(format=RESULTS[fmt].engine())
    assert data is not None  # no output given: serialize returns the bytes
    return data


def _cells(result: QueryResult) -> tuple[list[str], list[list[str]], list[bool]]:
    """Header, rows and which columns are numeric, as terminal-safe one-line text."""
    rows = [[visible(_one_line(display(row.get(name), KNOWN_PREFIXES)))
             for name in result.variables] for row in result.rows]
    numeric = [bool(result.rows) and all(
        row.get(name) is None or (row[name].kind == "literal" and row[name].datatype in _NUMERIC)
        for row in result.rows) for name in result.variables]
    return [visible(name) for name in result.variables], rows, numeric


MIN_TABLE_WIDTH = 40  # narrower terminals get this width anyway (lines wrap)
MIN_COLUMN_WIDTH = 12  # a column is squeezed to no less than this (or its header)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fit(natural: list[int], minimum: list[int], total: int) -> list[int]:
    """Column widths that fit ``total``: every column keeps its minimum, and the
    room left is shared in proportion to how much each column wants beyond it."""
    gaps = 2 * (len(natural) - 1)
    if sum(natural) + gaps <= total:
        return list(natural)
    room = max(total - gaps - sum(minimum), 0)
    want = [n - m for n, m in zip(natural, minimum, strict=True)]
    extra = sum(want) or 1
    return [m + (w * room) // extra for m, w in zip(minimum, want, strict=True)]


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``, broken at spaces only: a word longer than
    the line keeps a line of its own (the terminal folds it) rather than being cut."""
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def to_table(result: QueryResult, width: int | None = None) -> str:
    """A plain-text table for a terminal; every column is shown.

    Long text wraps inside its column, at spaces. When the columns cannot fit the
    terminal without cutting a word, the rows are shown one record per block
    (column name, then value, as psql's expanded display), and the footer says so.
    """
    if result.boolean is not None:
        return ("yes" if result.boolean else "no") + "\n"
    if width is None:
        import shutil

        width = shutil.get_terminal_size((120, 24)).columns
    width = max(width, MIN_TABLE_WIDTH)
    header, rows, numeric = _cells(result)
    if not header:  # e.g. SELECT * WHERE { }: rows without columns
        return _count(len(rows)) + "\n"
    columns = range(len(header))
    natural = [max([len(header[i])] + [len(r[i]) for r in rows]) for i in columns]
    # A column may be squeezed, but never below its header or its longest word.
    minimum = [min(natural[i], max(len(header[i]), MIN_COLUMN_WIDTH,
                                   max((_longest_word(r[i]) for r in rows), default=0)))
               for i in columns]
    if sum(minimum) + 2 * (len(header) - 1) > width:
        return _records(header, rows, width)
    widths = _fit(natural, minimum, width)

    def lines_of(cells: list[str], align: bool) -> list[str]:
        wrapped = [_wrap(cells[i], widths[i]) for i in columns]
        out = []
        for k in range(max(len(w) for w in wrapped)):
            parts = []
            for i in columns:
                piece = wrapped[i][k] if k < len(wrapped[i]) else ""
                parts.append(piece.rjust(widths[i]) if align and numeric[i]
                             else piece.ljust(widths[i]))
            out.append("  ".join(parts).rstrip())
        return out

    out = lines_of(header, align=False)
    out.append("  ".join("-" * w for w in widths))
    multi = False
    body = []
    for row in rows:
        block = lines_of(row, align=True)
        multi = multi or len(block) > 1
        body.append(block)
    for n, block in enumerate(body):
        if multi and n:
            out.append("")
        out += block
    out.append(_count(len(rows)))
    return "\n".join(out) + "\n"


def _records(header: list[str], rows: list[list[str]], width: int) -> str:
    """One block per row: each column's name, then its value wrapped at spaces."""
    key = max(len(h) for h in header)
    room = max(width - key - 3, MIN_COLUMN_WIDTH)
    out = []
    for n, row in enumerate(rows, 1):
        title = f"-[ row {n} ]"
        out.append(title + "-" * max(width - len(title), 0))
        for name, cell in zip(header, row, strict=True):
            lines = _wrap(cell, room)
            out.append(f"{name.ljust(key)} | {lines[0]}".rstrip())
            out += [f"{'':{key}} | {line}".rstrip() for line in lines[1:]]
    out.append(f"{_count(len(rows))[:-1]}, one record per block: "
               f"the {len(header)} columns do not fit {width} characters)")
    return "\n".join(out) + "\n"


def _count(count: int) -> str:
    return f"({count} row{'s' if count != 1 else ''})"


def to_markdown(result: QueryResult) -> str:
    if result.boolean is not None:
        return ("yes" if result.boolean else "no") + "\n"
    header, rows, numeric = _cells(result)
    if not header:  # a Markdown table needs a column
        return _count(len(rows)) + "\n"

    def esc(text: str) -> str:
        return _one_line(text).replace("\\", "\\\\").replace("|", "\\|")

    out = ["| " + " | ".join(esc(h) for h in header) + " |",
           "|" + "|".join("---:" if num else "---" for num in numeric) + "|"]
    out += ["| " + " | ".join(esc(cell) for cell in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def render(result: QueryResult, fmt: str, width: int | None = None) -> str:
    """``result`` as text for a terminal or a file (``FORMATS``), ending in a line break."""
    if fmt == "md":
        return to_markdown(result)
    if fmt == "table":
        return to_table(result, width)
    if fmt not in RESULTS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    text = write(result, fmt).decode("utf-8")
    return text if text.endswith("\n") else text + "\n"
