"""``export sssom`` follows the SSSOM TSV specification (issue 22): cells cannot forge
rows or run as spreadsheet formulas, the curie_map does not rebind riskgraph's own
``risk:``, author_id is a CURIE, and the AIRO alignments carry their date."""

from __future__ import annotations

import pytest

from riskgraph.importers.sssom import parse_sssom_tsv
from riskgraph.importers.sssom_export import COLUMNS, CURIES, export_sssom, render_sssom
from riskgraph.namespaces import PREFIXES


def _row(**cells):
    return {c: cells.get(c, "") for c in COLUMNS} | {"subject_id": "risk:x",
                                                      "object_id": "airo:Risk",
                                                      "predicate_id": "skos:closeMatch"}


@pytest.mark.parametrize("label", ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)"])
def test_a_formula_cell_is_neutralised(label):
    text = render_sssom([_row(subject_label=label)])
    ms = parse_sssom_tsv(text, "x.tsv")
    assert ms.rows[0]["subject_label"] == "'" + label


@pytest.mark.parametrize("evil", ["a\tb", "a\nb\tc\td", "a\rb", "a\u2028b", "a\"b"])
def test_tabs_and_line_breaks_cannot_forge_rows_or_cells(evil):
    text = render_sssom([_row(comment=evil, subject_label=evil)])
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert len(lines) == 2 and all(len(line.split("\t")) == len(COLUMNS) for line in lines)


@pytest.fixture(scope="module")
def exported():
    return parse_sssom_tsv(export_sssom(), "riskgraph.sssom.tsv")


def test_the_curie_map_keeps_riskgraphs_own_prefixes(exported):
    assert exported.curie_map["risk"] == PREFIXES["risk"]
    assert CURIES["dpv-risk"] == "https://w3id.org/dpv/risk#"
    for prefix, namespace in exported.curie_map.items():  # one meaning per prefix
        assert PREFIXES.get(prefix, namespace) == namespace, prefix


def test_author_id_is_a_curie_and_airo_rows_are_dated(exported):
    assert {r["author_id"] for r in exported.rows} == {"agent:riskgraph-curation"}
    assert all(exported.expand(r["author_id"]) for r in exported.rows)
    airo = [r for r in exported.rows if r["object_id"].startswith("airo:")]
    assert airo and all(r["mapping_date"] == "2026-11-22" for r in airo)
    assert all(r["mapping_date"] for r in exported.rows)


def test_the_sssom_package_reads_it(tmp_path):
    sssom = pytest.importorskip("sssom.parsers", reason="the sssom package is not installed")
    path = tmp_path / "riskgraph.sssom.tsv"
    path.write_text(export_sssom(), encoding="utf-8")
    msdf = sssom.parse_sssom_table(str(path))
    assert len(msdf.df) == len(parse_sssom_tsv(path.read_text(), path.name).rows)
    assert set(msdf.df["author_id"]) == {"agent:riskgraph-curation"}
