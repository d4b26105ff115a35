"""Page layouts without a browser: answer bands, focus blocks, groups, matrix, datasets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from page_helpers import graph_page, page_data

from riskgraph.namespaces import ID, PREFIXES, compact
from riskgraph.page.layout import wrap_label
from riskgraph.page.views import QUERY_SHAPES

FIXTURES = Path(__file__).parents[1] / "fixtures" / "graph"
SURVEY = [f"{ID}mitigation/{slug}" for slug in (
    "third-party-pre-deployment-model-audits", "pre-deployment-risk-assessments",
    "safety-incident-reports-and-security-information-sharing")]


@pytest.fixture(scope="module")
def cbrn():
    page = graph_page("effective_mitigations", {"area": "CBRN"})
    return page, page_data(page.html)


def test_every_shaped_query_exists():
    from riskgraph.query.canned import list_queries

    assert set(QUERY_SHAPES) <= {q.name for q in list_queries()}


def test_long_labels_wrap_and_shorten():
    assert wrap_label("Model weight security and insider-threat safeguards", 22, 2) == \
        "Model weight security\nand insider-threat\u2026"
    assert wrap_label("Data curation") == "Data curation"


def test_answer_reads_in_bands_mitigations_in_answer_order(cbrn):
    page, data = cbrn
    assert page.layout == "bands" and page.group_count >= 3
    nodes = data["nodes"]
    cls = {i: data["classes"][n["c"]]["label"] for i, n in enumerate(nodes)}
    folded = {i for g in data["groups"] for i in g["m"]}
    answer = [i for i, n in enumerate(nodes) if n["a"]]
    assert answer and not folded & set(answer)  # the answer is never folded
    area = next(i for i, n in enumerate(nodes) if n["id"].endswith("concept/area-cbrn"))
    mitigations = [i for i in answer if cls[i] == "mitigation"]
    evidence = [i for i in answer if cls[i] == "assessment"]
    # Left to right: the risk area, the mitigations, their evidence.
    assert nodes[area]["x"] < min(nodes[i]["x"] for i in mitigations)
    assert max(nodes[i]["x"] for i in mitigations) < min(nodes[i]["x"] for i in evidence)
    # Top to bottom in the answer's order: the three survey measures (figures) first.
    by_y = [nodes[i]["id"] for i in sorted(mitigations, key=lambda i: nodes[i]["y"])]
    assert set(by_y[:3]) == set(SURVEY)
    # Evidence labels carry the figure as stated, or say curated.
    assert {nodes[i]["w"] for i in evidence} <= {">60%", "curated"}
    assert sum(nodes[i]["w"] == ">60%" for i in evidence) == 3
    # Context (taxonomy concepts, web pages) is folded, not drawn one by one.
    taxonomy = [i for i, n in enumerate(nodes) if cls[i] in ("lifecycle stage", "web page")]
    assert taxonomy and set(taxonomy) <= folded


def test_evidence_matrix_gives_the_figure_as_stated_under_every_area(cbrn):
    page, data = cbrn
    matrix = data["matrix"]
    assert page.matrix_rows == len(matrix["rows"]) == 12
    areas = [code for _, _, code in matrix["cols"]]
    assert sorted(areas) == ["CBRN", "CI", "DB", "DP"]
    rows = [data["nodes"][i]["id"] for i in matrix["rows"]]
    assert set(rows[:3]) == set(SURVEY)
    cells = {(r, c): texts for r, c, texts in matrix["cells"]}
    for r in range(3):
        for c in range(4):
            assert any(t[1] == "effective >60%" for t in cells[(r, c)]), (rows[r], areas[c])
            # The figure's value (an xsd:decimal) is kept, so the matrix sorts by it.
            assert any(t[2] and t[2] > 0 for t in cells[(r, c)]), (rows[r], areas[c])
    curated = [t for texts in cells.values() for t in texts if t[3]]
    assert curated and all(t[1].endswith("(curated)") for t in curated)


def test_who_does_what_reads_actor_stage_mitigation():
    page = graph_page("who_does_what", {"actor": "developer"})
    data = page_data(page.html)
    nodes = data["nodes"]
    cls = {i: data["classes"][n["c"]]["label"] for i, n in enumerate(nodes)}
    xs = {label: [n["x"] for i, n in enumerate(nodes) if cls[i] == label and "x" in n
                  and not any(i in g["m"] for g in data["groups"])]
          for label in ("actor", "lifecycle stage", "mitigation")}
    assert max(xs["actor"]) < min(xs["lifecycle stage"])
    assert max(xs["lifecycle stage"]) < min(xs["mitigation"])


def test_whole_graph_starts_on_the_curated_layer_and_a_few_groups():
    """It started as 57 groups, over 20 of them "mapping record · ..." ones."""
    page = graph_page()
    data = page_data(page.html)
    folded = [g for g in data["groups"] if len(g["m"]) >= 2]
    assert page.layout == "groups" and 5 <= len(folded) <= 15
    grouped = {i for g in data["groups"] for i in g["m"]}
    outside = {data["classes"][n["c"]]["iri"].split("#")[1]
               for i, n in enumerate(data["nodes"]) if i not in grouped}
    assert outside == {"RiskArea", "Assessment", "Mitigation", "Risk"}
    assert len(grouped) == sum(len(g["m"]) for g in data["groups"])  # each in one group
    assert len(data["nodes"]) - len(grouped) < 200  # the first view stays small
    assert sum("mapping record" in g["l"] for g in folded) == 1
    # The imports (AIID parties and incidents, the MIT repository's risks and located
    # references) were groups named by class IRI ("agent") or inside "risks": each is a
    # labelled group of its own, none drawn at first.
    names = {g["l"].rsplit(" (", 1)[0] for g in folded}
    assert {"parties (agents)", "incidents", "repository risks", "located references"} <= names
    # Prefixed names are derived on the page (not written per node) and read the same.
    assert all(n["s"] == compact(n["id"], PREFIXES) for n in data["nodes"])
    raw = json.loads(re.search(r'id="graph-data">(.*?)</script>', page.html, re.S).group(1))
    assert not [n for n in raw["nodes"] if "s" in n or "id" in n]  # all under namespaces
    assert [n["id"] for n in data["nodes"]][:3] == \
        [dict(raw["ns"])[n["i"].split(":")[0]] + n["i"].split(":", 1)[1] for n in raw["nodes"][:3]]


def test_source_dataset_facet_comes_from_void_in_dataset():
    page = graph_page(data=[FIXTURES / "imported_datasets.ttl"])
    data = page_data(page.html)
    facet = next(f for f in data["facets"] if f["label"] == "source dataset")
    labels = [label for label, _ in facet["values"]]
    # the bundled graph's own datasets (the imported catalogues) are values too
    assert {"AI Atlas Nexus (fixture)", "Other catalogue (fixture)"} <= set(labels)
    f = str(data["facets"].index(facet))
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id[f"{ID}risk/imported-risk-one"]["f"][f] == \
        [labels.index("AI Atlas Nexus (fixture)")]
    assert by_id[f"{ID}mitigation/imported-mitigation-one"]["f"][f] == \
        [labels.index("Other catalogue (fixture)")]
    assert f"{ID}dataset/atlas-nexus" not in by_id  # a data set is a filter, not a node
