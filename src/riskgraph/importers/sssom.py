"""Read SSSOM TSV mapping sets: a YAML header in ``#`` comment lines, then a
tab-separated table with one mapping per row (https://w3id.org/sssom/)."""

from __future__ import annotations

import csv
import io
import re
import textwrap
from dataclasses import dataclass, field

from riskgraph.errors import InputError
from riskgraph.importers.upstream import load_mapping

_CURIE = re.compile(r"[A-Za-z_][\w.-]*:\S*")
_SEMAPV = re.compile(r"semapv:\w+")


@dataclass
class Ragged:
    """A row with fewer (or more) cells than the header, whose cells do not fit their
    columns when read by position: reported, never read."""

    line: int
    cells: int
    columns: int


@dataclass
class MappingSet:
    """One SSSOM file: its metadata header, its CURIE map and its rows (in file order)."""

    name: str
    meta: dict
    curie_map: dict[str, str]
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    # the 1-based number of each row among the non-blank data rows (ragged ones count)
    numbers: list[int] = field(default_factory=list)
    ragged: list[Ragged] = field(default_factory=list)

    def expand(self, curie: str) -> str | None:
        """The full IRI of a CURIE under this set's map, or None when its prefix is unknown."""
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.curie_map:
            return None
        return self.curie_map[prefix] + local


def _fits(row: dict[str, str]) -> bool:
    """Whether a short row's cells fit their columns read by position: the columns
    whose form SSSOM fixes (a semapv justification, a confidence in [0, 1], CURIE ids)
    hold values of that form. A row missing only its trailing cells fits."""
    just = row.get("mapping_justification")
    if just and not _SEMAPV.fullmatch(just):
        return False
    for column in ("confidence", "similarity_score"):
        value = row.get(column)
        if value:
            try:
                if not 0.0 <= float(value) <= 1.0:
                    return False
            except ValueError:
                return False
    return all(not row.get(c) or _CURIE.fullmatch(row[c]) for c in ("subject_id", "object_id"))


def parse_sssom_tsv(text: str, name: str) -> MappingSet:
    """Parse an SSSOM TSV text. Blank rows are skipped; cells keep their text,
    trimmed of surrounding white space (an empty cell is an empty string). A row
    with another number of cells than the header is read only if its cells fit their
    columns (``_fits``); otherwise it is listed in ``ragged``, with its line."""
    header_lines: list[str] = []
    body_lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") and not body_lines:
            header_lines.append(line[1:])
        else:
            body_lines.append(line)
    meta = load_mapping(textwrap.dedent("\n".join(header_lines)), name)
    curie_map = meta.get("curie_map") or {}
    if not isinstance(curie_map, dict):
        raise InputError(f"the header's curie_map is a {type(curie_map).__name__}, "
                         "not a mapping of prefixes to IRIs", file=name,
                         line=_header_line(header_lines, "curie_map"))
    curie_map = {str(k): str(v) for k, v in curie_map.items()}
    reader = csv.reader(io.StringIO("\n".join(body_lines)), delimiter="\t")
    columns = [c.strip() for c in next(reader, [])]
    result = MappingSet(name, meta, curie_map, columns)
    number = 0
    for cells in reader:
        row = {c: v.strip() for c, v in zip(columns, cells, strict=False)}
        if not any(row.values()) and not any(v.strip() for v in cells[len(columns):]):
            continue
        number += 1
        extra = any(v.strip() for v in cells[len(columns):])  # trailing empty cells are fine
        if extra or (len(cells) < len(columns) and not _fits(row)):
            result.ragged.append(Ragged(len(header_lines) + reader.line_num, len(cells),
                                        len(columns)))
            continue
        for column in columns[len(cells):]:
            row[column] = ""
        result.rows.append(row)
        result.numbers.append(number)
    return result


def _header_line(header_lines: list[str], key: str) -> int | None:
    for index, line in enumerate(header_lines, start=1):
        if line.strip().startswith(key + ":"):
            return index
    return None
