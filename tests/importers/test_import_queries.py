"""The canned queries over the imported catalogues, and the headline answer staying
evidence-based at the new size."""

from __future__ import annotations

import pytest

from riskgraph.query.canned import run_query


@pytest.fixture(scope="module")
def store():
    from riskgraph.build.stores import open_store

    return open_store()


def values(result, name):
    return [row[name].value for row in result.rows if row.get(name) is not None]


def test_catalogue_mitigations_for_a_risk_follow_matches_and_say_how(store):
    result = run_query("catalogue_mitigations_for_risk", {"risk": "4.2"}, store)
    assert result.rows
    justifications = values(result, "justification")
    assert all("semapv:" in j or j == "the risk itself" for j in justifications)
    assert any("skos:closeMatch" in j for j in justifications)
    only = run_query("catalogue_mitigations_for_risk",
                     {"risk": "4.2", "source": "dataset:nexus-credo-ucf"}, store)
    assert only.rows and set(values(only, "catalogue")) == {
        "Credo AI Unified Control Framework (via AI Atlas Nexus 1.2.5)"}


def test_a_risk_with_its_own_catalogue_mitigations(store):
    result = run_query("catalogue_mitigations_for_risk",
                       {"risk": "nist-cbrn-information-or-capabilities"}, store)
    itself = [r for r in result.rows if r["justification"].value == "the risk itself"]
    assert len({r["mitigation"].value for r in itself}) == 28


def test_mit_database_by_category_counts_the_categorised_rows(store):
    result = run_query("mit_mitigations_by_category", {}, store)
    # 23 subcategories, and the top-level categories some rows are filed under directly
    codes = [r["code"].value for r in result.rows]
    assert len([c for c in codes if "." in c]) == 23 and "2.2" in codes
    assert sum(int(v) for v in values(result, "mitigations")) == 820
    uuk = run_query("mit_mitigations_by_category", {"document": "2412.02145"}, store)
    assert sum(int(v) for v in values(uuk, "mitigations")) == 28


def test_nist_actions_by_function_and_task(store):
    result = run_query("nist_actions_by_function", {}, store)
    assert set(values(result, "function")) == {"Govern", "Map", "Measure", "Manage"}
    cbrn = run_query("nist_actions_by_function",
                     {"risk": "nist-cbrn-information-or-capabilities"}, store)
    assert 0 < len(cbrn.rows) < len(result.rows)


def test_taxonomy_matches_into_another_taxonomy(store):
    result = run_query("taxonomy_matches", {"from": "IBM AI Risk Atlas",
                                            "to": "MIT AI Risk Repository domain taxonomy"}, store)
    assert result.rows
    assert set(values(result, "matchScheme")) == {"MIT AI Risk Repository domain taxonomy"}
    assert "semapv:ManualMappingCuration" in values(result, "justification")


def test_gaps_and_disagreements_between_evidence_and_catalogues(store):
    result = run_query("evidence_catalogue_gaps", {}, store)
    kinds = set(values(result, "kind"))
    assert kinds == {"experts sceptical, catalogue lists it", "evidenced, in no catalogue",
                     "catalogued, no evidence about its mitigations"}
    sceptical = [r for r in result.rows if r["kind"].value.startswith("experts sceptical")]
    assert any(r["item"].value == "Harmlessness training" for r in sceptical)


def test_the_headline_answer_stays_evidence_based(store):
    """'What do experts rate effective for CBRN' answers from assessments only: no
    catalogue entry appears in it."""
    result = run_query("effective_mitigations", {}, store)
    mitigations = set(values(result, "mitigation"))
    assert mitigations and not any("uuk2024" in m or "/nist-" in m for m in mitigations)
    assert len(mitigations) < 20


def test_publications_filter_by_source(store):
    curated = run_query("publications", {"source": "dataset:riskgraph-curated"}, store)
    everything = run_query("publications", {}, store)
    assert 0 < len({r["publication"].value for r in curated.rows}) < \
        len({r["publication"].value for r in everything.rows})
