"""Read SSSOM TSV mapping sets: a YAML header in ``#`` comment lines, then a
tab-separated table with one mapping per row (https://w3id.org/sssom/)."""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass, field

import yaml


@dataclass
class MappingSet:
    """One SSSOM file: its metadata header, its CURIE map and its rows (in file order)."""

    name: str
    meta: dict
    curie_map: dict[str, str]
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)

    def expand(self, curie: str) -> str | None:
        """The full IRI of a CURIE under this set's map, or None when its prefix is unknown."""
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.curie_map:
            return None
        return self.curie_map[prefix] + local


def parse_sssom_tsv(text: str, name: str) -> MappingSet:
    """Parse an SSSOM TSV text. Blank rows are skipped; cells keep their text,
    trimmed of surrounding white space (an empty cell is an empty string)."""
    header_lines: list[str] = []
    body_lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") and not body_lines:
            header_lines.append(line[1:])
        else:
            body_lines.append(line)
    meta = yaml.safe_load(textwrap.dedent("\n".join(header_lines))) or {}
    if not isinstance(meta, dict):
        meta = {}
    curie_map = {str(k): str(v) for k, v in (meta.get("curie_map") or {}).items()}
    reader = csv.DictReader(io.StringIO("\n".join(body_lines)), delimiter="\t")
    columns = list(reader.fieldnames or [])
    rows = []
    for raw in reader:
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if any(row.values()):
            rows.append(row)
    return MappingSet(name, meta, curie_map, columns, rows)
