"""The headline answer shaped like the question (issue 21): one row per mitigation with
stage, actor, graded evidence and caveats; grades traceable to their evidence; queries
that mean what they say; the catalogues linked into the answer. Each check is computed
independently of the query it tests, from the triples."""

from __future__ import annotations

from collections import defaultdict

import pytest
from query_rows import rows, sparql
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from riskgraph import resources

RG = Namespace("https://w3id.org/riskgraph/ns#")
ID = "https://w3id.org/riskgraph/id/"
CONCEPT = Namespace(ID + "concept/")
AREAS = {"CBRN": "area-cbrn", "CI": "area-critical-infrastructure",
         "DP": "area-democratic-processes", "DB": "area-discrimination-bias"}
PLACED_BY = {"riskgraph's curation", "the source"}
PREFIXES = """PREFIX rg: <https://w3id.org/riskgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


@pytest.fixture(scope="module")
def evidence(store):
    """Every assessment and area-concerning claim about a mitigation: (mitigation, area,
    evidence, side), side 'for' or 'against', read from the raw triples."""
    found = set()
    for r in sparql(store, PREFIXES + "SELECT ?m ?a ?e ?st WHERE { ?e a rg:Assessment ; "
                           "rg:assessedMitigation ?m ; rg:assessedFor ?a ; rg:stance ?st }"):
        side = "for" if r["st"].endswith("stance-effective") else "against"
        found.add((r["m"], r["a"], r["e"], side))
    for rel, side in (("supports", "for"), ("questions", "against")):
        for r in sparql(store, PREFIXES + f"SELECT ?m ?a ?e WHERE {{ ?e a rg:Claim ; rg:{rel} ?m ; "
                               "rg:concernsRisk ?a . ?m a rg:Mitigation }"):
            found.add((r["m"], r["a"], r["e"], side))
    return found


# --- the answer --------------------------------------------------------------------------

@pytest.mark.parametrize("area", sorted(AREAS))
def test_one_row_per_mitigation_with_marked_stage_and_actor(store, evidence, area):
    found = rows(store, "effective_mitigations", area=area)
    mitigations = [r["mitigation"] for r in found]
    assert found and len(mitigations) == len(set(mitigations))
    # exactly the mitigations with some evidence for them in this area
    area_iri = ID + "concept/" + AREAS[area]
    expected = {m for m, a, _, side in evidence if a == area_iri and side == "for"}
    assert set(mitigations) == expected
    for row in found:
        for column in ("stage", "actor"):
            assert row[column] and row[column] != "not recorded", (row["label"], column)
            assert row[column + "PlacedBy"] in PLACED_BY, (row["label"], column)
        assert row["grade"] and row["evidence"] and row["citations"]


def test_who_placed_the_stage_is_read_from_the_data(store):
    found = {r["label"]: r for r in rows(store, "effective_mitigations")}
    # navigator A1446 tags stage and actor itself; A1421's excerpt was cut off before them
    assert found["Advanced information security"]["stagePlacedBy"] == "the source"
    assert found["Pre-deployment risk assessments"]["stagePlacedBy"] == "riskgraph's curation"


@pytest.mark.parametrize("area", sorted(AREAS))
def test_every_figure_says_whose_share_it_is_and_preliminary_sources_are_flagged(
        store, area):
    prelim = {r["m"] for r in sparql(store, PREFIXES + f"""SELECT DISTINCT ?m WHERE {{
        ?e rg:assessedMitigation ?m ; rg:assessedFor <{ID}concept/{AREAS[area]}> ;
           dcterms:source ?s . ?s rg:preliminary true }}""")}
    for row in rows(store, "effective_mitigations", area=area):
        if "%" in row["evidence"]:
            assert "of the experts who rated it for the area" in row["evidence"]
            assert "how many experts rated it for this area is not known" in row["caveats"]
        assert ("preliminary source" in row["caveats"]) == (row["mitigation"] in prelim)
        if "riskgraph's reading" in row["evidence"]:
            assert "riskgraph's reading of qualitative text" in row["caveats"]


def test_counter_evidence_is_shown_beside_the_evidence_not_netted(store):
    dp = {r["label"]: r for r in rows(store, "effective_mitigations", area="DP")}
    row = dp["Pre-deployment risk assessments"]
    assert ">60%" in row["evidence"] and "mixed" in row["against"]
    assert row["grade"] == "survey figure of expert agreement, with evidence against"


def test_the_answer_is_sorted_by_grade(store):
    ranks = {r["level"]: int(r["rank"]) for r in sparql(
        store, PREFIXES + "SELECT ?level ?rank WHERE { ?l a rg:GradeLevel ; rdfs:label ?level ; "
               "rg:gradeRank ?rank }")}
    for area in AREAS:
        order = [ranks[r["grade"]] for r in rows(store, "effective_mitigations", area=area)]
        assert order == sorted(order, reverse=True)


def test_the_headline_answer_is_evidence_led(store):
    """No catalogue entry in the answer except through riskgraph's crosswalk to an
    evidenced measure, and the answer says so."""
    found = rows(store, "effective_mitigations")
    kinds = {r["t"] for r in sparql(store, PREFIXES + "SELECT DISTINCT ?t WHERE { ?m a ?t }"
                                    " VALUES ?m { " + " ".join(f"<{r['mitigation']}>"
                                                               for r in found) + " }")}
    assert str(RG.CatalogueMitigation) not in kinds and str(RG.Mitigation) in kinds
    assert all(r["catalogues"] == "none mapped" or "(riskgraph's crosswalk)" in r["catalogues"]
               for r in found)
    description = next(q for q in __import__("riskgraph").list_queries()
                       if q.name == "effective_mitigations").description
    assert "evidence-led" in description and "crosswalk" in description


# --- grades ------------------------------------------------------------------------------

def test_every_grade_traces_to_exactly_its_evidence(store, evidence):
    by_pair = defaultdict(set)
    for m, a, e, _ in evidence:
        by_pair[(m, a)].add(e)
    for area in AREAS:
        for row in rows(store, "effective_mitigations", area=area):
            trace = rows(store, "evidence_grades", area=area, mitigation=row["mitigation"])
            assert {t["grade"] for t in trace} == {row["gradeRecord"]}
            assert {t["level"] for t in trace} == {row["grade"]}
            assert {t["evidence"] for t in trace} == \
                by_pair[(row["mitigation"], ID + "concept/" + AREAS[area])]


def test_the_grading_rule_grades_a_contribution_too():
    """The rule runs on whatever curated graph it is given (the build passes the bundled
    data plus load(extra=...) files): a contributed assessment is graded."""
    from riskgraph.build.grading import rule_triples

    graph = Graph()
    for path in resources.curated_data_files():
        graph.parse(path)
    new = URIRef(ID + "assessment/contributed-kyc-dp")
    graph.add((new, RDF.type, RG.Assessment))
    graph.add((new, RG.assessedMitigation, URIRef(ID + "mitigation/kyc-screening")))
    graph.add((new, RG.assessedFor, CONCEPT["area-democratic-processes"]))
    graph.add((new, RG.stance, CONCEPT["stance-effective"]))
    graph.add((new, RG.derivedByCuration, Literal(True)))
    grades = rule_triples(graph)
    grade = URIRef(ID + "grade/kyc-screening--area-democratic-processes")
    assert (grade, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), new) in grades
    # the navigator reading is sceptical for this area: the grade says so
    assert grades.value(grade, RG.gradeLevel) == CONCEPT["grade-curated-reading-contested"]
    assert all(isinstance(o, URIRef) for o in grades.objects(None, RG.gradeLevel))


# --- queries that mean what they say -----------------------------------------------------

def test_contested_is_exactly_the_same_area_conflicts(store, evidence):
    sides = defaultdict(set)
    for m, a, _, side in evidence:
        sides[(m, a)].add(side)
    for_assessed_risks = sparql(store, PREFIXES + "SELECT ?m ?a ?e ?st WHERE { "
                                "?e rg:assessedMitigation ?m ; rg:assessedFor ?a ; "
                                "rg:stance ?st }")
    assert for_assessed_risks  # (all assessments are for areas in the bundled data)
    expected = {pair for pair, s in sides.items() if s == {"for", "against"}}
    found = {(r["mitigation"], r["for"]) for r in rows(store, "contested_mitigations")}
    assert found == expected
    assert (ID + "mitigation/pre-deployment-risk-assessments",
            ID + "concept/area-democratic-processes") in found


def test_the_gap_queries_count_the_same_thing(store):
    coverage = {r["code"]: r for r in rows(store, "coverage_gaps")}
    catalogued = [r for r in rows(store, "evidence_catalogue_gaps")
                  if r["kind"] == "catalogued, no evidence about its mitigations"]
    assert catalogued
    for row in catalogued:
        code = row["item"].split(" ")[0]
        assert coverage[code]["evidenceItemsAboutItsMitigations"] == "0"
        count = int(row["detail"].split(" ")[0])
        noun = "risk is" if count == 1 else "risks are"
        assert row["detail"] == f"{count} catalogue {noun} mapped to it"
    mapped = {r["code"] for r in sparql(store, PREFIXES + """SELECT DISTINCT ?code WHERE {
        ?cr a rg:CatalogueRisk ; ?p ?sub . ?sub a rg:RiskSubdomain ;
            <http://www.w3.org/2004/02/skos/core#notation> ?code .
        VALUES ?p { <http://www.w3.org/2004/02/skos/core#closeMatch>
                    <http://www.w3.org/2004/02/skos/core#exactMatch>
                    <http://www.w3.org/2004/02/skos/core#broadMatch>
                    <http://www.w3.org/2004/02/skos/core#narrowMatch>
                    <http://www.w3.org/2004/02/skos/core#relatedMatch> } }""")}
    zero = {c for c, r in coverage.items() if r["evidenceItemsAboutItsMitigations"] == "0"}
    assert {r["item"].split(" ")[0] for r in catalogued} == zero & mapped


def test_evidence_for_mitigation_says_what_a_claim_is_about(store):
    found = rows(store, "evidence_for_mitigation", mitigation="pre-deployment-risk-assessments")
    claims = [r for r in found if r["kind"] == "claim"]
    assert claims and all(r["about"] for r in claims)
    key = next(r for r in claims if "key principles" in r["statement"])
    assert key["curated"] == "yes"  # the link to this measure is riskgraph's reading


# --- the catalogues reach the question ---------------------------------------------------

def test_catalogue_mitigations_for_cbrn_are_the_28_nist_actions_with_their_mapping(store):
    tagged = {r["a"] for r in sparql(store, PREFIXES + f"""SELECT ?a WHERE {{
        ?a rg:addresses <{ID}concept/nist-cbrn-information-or-capabilities> }}""")}
    assert len(tagged) == 28
    for risk in ("CBRN", "4.2"):
        found = rows(store, "catalogue_mitigations_for_risk", risk=risk)
        nist = {r["mitigation"]: r for r in found if "/nist-" in r["mitigation"]}
        assert tagged <= set(nist), risk
        for action in tagged:
            row = nist[action]
            assert row["mapping"].startswith(ID + "mapping/riskgraph-catalogue-crosswalk-")
            assert row["mappedBy"] == "riskgraph's curation"
            assert "semapv:ManualMappingCuration" in row["justification"]
    cbrn = rows(store, "catalogue_mitigations_for_risk", risk="CBRN")
    assert {r["mitigation"] for r in cbrn if "/nist-" in r["mitigation"]} == tagged


def test_catalogue_crosswalk_records_are_curated_and_match_their_links():
    graph = Graph()
    graph.parse(resources.data_dir() / "crosswalk-catalogues.ttl")
    records = list(graph.subjects(RDF.type, RG.MappingRecord))
    credo = [r for r in records if "credo" in str(graph.value(r, RG.mappingSubject))]
    assert len(credo) == 42
    for rec in records:
        s, p, o = (graph.value(rec, RG[k]) for k in ("mappingSubject", "mappingPredicate",
                                                      "mappingObject"))
        assert (s, p, o) in graph  # the match itself sits beside its record
        assert str(graph.value(rec, RG.sourceNote)).startswith("Method: ")
        assert graph.value(rec, URIRef("http://www.w3.org/ns/prov#wasAttributedTo")) == \
            URIRef(ID + "agent/riskgraph-curation")


def test_catalogue_entries_named_by_a_list_of_risks_get_a_readable_name():
    nexus = resources.nexus_dir()
    graph = Graph()
    graph.parse(nexus / "mit-ai-risk-mitigations.ttl")
    graph.parse(nexus / "nist-ai-600-1.ttl")
    entry = URIRef(ID + "mitigation/a0750-nist2024")
    label = str(graph.value(entry, RDFS.label))
    assert "CBRN" not in label and label.endswith("(A0750)")
    alt = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")
    assert str(graph.value(entry, alt)) == \
        "CBRN Information or Capabilities; Confabulation (A0750)"
    scheme = URIRef(ID + "scheme/nist-ai-rmf")
    assert "600-1" in str(graph.value(scheme, RDFS.label))
    assert str(graph.value(scheme, alt)) == "NIST AI Risk Management Framework (AI RMF)"
    report = (nexus / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert "A0750_NIST2024: named" in report and "taxonomy nist-ai-rmf: named" in report


# --- curated-layer marks -----------------------------------------------------------------

@pytest.fixture(scope="module")
def curated() -> Graph:
    graph = Graph()
    for path in resources.curated_data_files():
        graph.parse(path)
    return graph


def test_every_curated_link_record_marks_a_stated_link(curated):
    records = list(curated.subjects(RDF.type, RG.CuratedLink))
    assert len(records) >= 32
    for rec in records:
        link = tuple(curated.value(rec, RG[k]) for k in ("linkSubject", "linkPredicate",
                                                         "linkObject"))
        assert link in curated, rec
    marked = {(curated.value(r, RG.linkSubject), curated.value(r, RG.linkObject))
              for r in records if curated.value(r, RG.linkPredicate) == RG.mitigates}
    scrutiny = URIRef(ID + "mitigation/external-scrutiny-of-model-behaviour")
    assert {(scrutiny, CONCEPT[a]) for a in AREAS.values()} <= marked
    assert (URIRef(ID + "mitigation/safety-fine-tuning"),
            URIRef(ID + "risk/unethical-llm-persuasion")) in marked


def test_every_placed_stage_and_actor_says_who_placed_it(curated):
    for mitigation in set(curated.subjects(RG.lifecycleStage, None)):
        said = set(curated.objects(mitigation, RG.curatedProperty)) | \
            set(curated.objects(mitigation, RG.sourcedProperty))
        assert {RG.lifecycleStage, RG.responsibleActor} <= said, mitigation
