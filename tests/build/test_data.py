"""The bundled data: every fact is sourced, entities are connected and well named,
the fixed IRIs of docs/CONVENTIONS.md exist, and the CBRN answer stays pinned."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from riskgraph.io.rdf import load_files, ontology_files
from riskgraph.namespaces import ID_PATTERN, RG
from riskgraph.reason.classes import superclass_closure

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data"
BASE = "https://w3id.org/riskgraph/id/"
NUMERIC = {ns.XSD[name] for name in ("integer", "decimal", "double", "float", "positiveInteger",
                                     "nonNegativeInteger", "int", "long", "short")}


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{BASE}{kind}/{slug}")


@pytest.fixture(scope="module")
def data(bundled_data) -> Graph:
    return bundled_data  # parsed once per session (tests/conftest.py)


@pytest.fixture(scope="module")
def graph(data) -> Graph:
    """Ontology plus data, with asserted subclass types added so that, for example,
    a rg:Paper counts as a rg:Publication."""
    merged = load_files(ontology_files()) + data
    supers = superclass_closure(merged)
    for node, cls in list(merged.subject_objects(RDF.type)):
        for sup in supers.get(cls, ()):
            merged.add((node, RDF.type, sup))
    return merged


def instances(graph: Graph, cls) -> list:
    return sorted(set(graph.subjects(RDF.type, cls)), key=str)


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [RG.Assessment, RG.Claim, RG.RiskJudgement, RG.Publication,
                                 RG.Risk, RG.Mitigation, RG.Study],
                         ids=lambda c: c.fragment)
def test_every_fact_bearing_entity_cites_a_declared_source(graph, cls):
    nodes = instances(graph, cls)
    assert nodes, f"no {cls.fragment} in the data"
    sources = set(instances(graph, RG.Source))
    unsourced = [str(n) for n in nodes
                 if not any(s in sources for s in graph.objects(n, DCTERMS.source))]
    assert unsourced == []


def test_evidence_says_where_in_the_source_it_stands(graph):
    missing = [str(n) for n in instances(graph, RG.Evidence) if graph.value(n, RG.locator) is None]
    assert missing == []


def test_navigator_pages_are_marked_preliminary(graph):
    pages = [n for n in instances(graph, RG.WebPage) if "/airi-navigator-a14" in str(n)]
    assert len(pages) == 22
    assert all(graph.value(p, RG.preliminary) == Literal(True) for p in pages)


def test_curator_derived_assessments_cite_a_preliminary_navigator_page(graph):
    derived = [a for a in instances(graph, RG.Assessment)
               if graph.value(a, RG.derivedByCuration) == Literal(True)]
    assert len(derived) == 60
    for assessment in derived:
        source = graph.value(assessment, DCTERMS.source)
        assert graph.value(source, RG.preliminary) == Literal(True), assessment
        assert graph.value(assessment, RG.fromStudy) == iri("study", "uuk-2024-expert-survey")
        assert str(graph.value(assessment, RG.locator)).startswith("navigator page A14")
        assert graph.value(assessment, RG.reason) is not None


# ---------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------
def test_every_mitigation_relates_to_a_risk_or_risk_category(graph):
    targets = set(instances(graph, RG.Risk)) | set(instances(graph, RG.RiskCategory))
    bare = [str(m) for m in instances(graph, RG.Mitigation)
            if not any(t in targets for t in graph.objects(m, RG.mitigates))]
    assert bare == []


def test_every_mitigation_has_stage_actor_and_function(graph):
    for prop in (RG.lifecycleStage, RG.responsibleActor, RG.rmfFunction):
        missing = [str(m) for m in instances(graph, RG.Mitigation) if graph.value(m, prop) is None]
        assert missing == [], prop


def test_every_specific_risk_has_an_mit_subdomain(graph):
    subdomains = set(instances(graph, RG.RiskSubdomain))
    missing = [str(r) for r in instances(graph, RG.Risk)
               if not any(s in subdomains for s in graph.objects(r, RG.inSubdomain))]
    assert missing == []


def test_every_risk_judgement_is_about_one_risk_or_category(graph):
    for judgement in instances(graph, RG.RiskJudgement):
        assert len(list(graph.objects(judgement, RG.judgedRisk))) == 1, judgement


# ---------------------------------------------------------------------------
# Names and shapes of nodes
# ---------------------------------------------------------------------------
def test_every_entity_iri_follows_the_id_pattern(data):
    typed = {s for s in data.subjects(RDF.type, None) if isinstance(s, URIRef)}
    referenced = {o for o in data.objects() if isinstance(o, URIRef) and str(o).startswith(BASE)}
    bad = sorted(str(n) for n in typed | referenced if not ID_PATTERN.match(str(n)))
    assert bad == []


def test_every_referenced_entity_is_defined(data):
    typed = set(data.subjects(RDF.type, None))
    dangling = sorted(str(o) for o in data.objects()
                      if isinstance(o, URIRef) and str(o).startswith(BASE) and o not in typed)
    assert dangling == []


def test_no_typed_entity_is_a_blank_node(data):
    assert [str(s) for s in data.subjects(RDF.type, None) if isinstance(s, BNode)] == []


def test_every_entity_has_an_english_label_and_definition(data):
    problems = []
    # Mapping records are rows of a mapping set (subject, predicate, object, how
    # made), described by their properties, not by a label and definition; so are the
    # records that mark a link as riskgraph's curation (their reason is the note).
    records = set(data.subjects(RDF.type, RG.MappingRecord)) | \
        set(data.subjects(RDF.type, RG.CuratedLink))
    for node in set(data.subjects(RDF.type, None)) - records:
        labels = [lbl for lbl in data.objects(node, RDFS.label) if lbl.language == "en"]
        definitions = [d for d in data.objects(node, SKOS.definition) if d.language == "en"]
        if len(labels) != 1 or len(definitions) != 1:
            problems.append(str(node))
    assert problems == []


# ---------------------------------------------------------------------------
# Figures and numbers
# ---------------------------------------------------------------------------
def test_every_figure_hangs_on_sourced_evidence_or_a_sourced_study(graph):
    holders = set(instances(graph, RG.Evidence)) | set(instances(graph, RG.Study))
    orphans = []
    for figure in instances(graph, RG.Figure):
        owners = [h for h in graph.subjects(RG.hasFigure, figure) if h in holders]
        if not any(graph.value(h, DCTERMS.source) is not None for h in owners):
            orphans.append(str(figure))
    assert orphans == []


def test_figures_have_measure_comparator_value_and_wording(graph):
    for figure in instances(graph, RG.Figure):
        for prop in (RG.measure, RG.comparator, RG.value, RG.asStated):
            assert graph.value(figure, prop) is not None, (figure, prop)
        measure = str(graph.value(figure, RG.measure))
        if "/measure-share-" in measure or "/measure-probability-" in measure:
            assert 0 <= graph.value(figure, RG.value).toPython() <= 1, figure


def unsourced_numbers(graph: Graph) -> list[str]:
    """Numeric literals (other than stage order and grade rank, orders riskgraph defines)
    on nodes no sourced node reaches."""
    # A mapping record's source is its mapping set (rg:mappingSet, a rg:SourceDataset).
    sourced = set(graph.subjects(DCTERMS.source, None)) | set(graph.subjects(RG.mappingSet, None))
    reached, todo = set(sourced), list(sourced)
    while todo:
        node = todo.pop()
        for obj in graph.objects(node, None):
            if isinstance(obj, URIRef) and obj not in reached and str(obj).startswith(BASE):
                reached.add(obj)
                todo.append(obj)
    return sorted(f"{s} {p} {o}" for s, p, o in graph
                  if isinstance(o, Literal) and o.datatype in NUMERIC
                  and p not in (RG.stageOrder, RG.gradeRank)
                  and str(s).startswith(BASE) and s not in reached)


def test_every_number_sits_on_a_node_reachable_from_a_sourced_node(data):
    numbers = [o for _, p, o in data if isinstance(o, Literal) and o.datatype in NUMERIC
               and p != RG.stageOrder]
    assert len(numbers) > 50
    assert unsourced_numbers(data) == []


def test_an_unsourced_figure_is_caught(data):
    fixture = load_files([FIXTURES / "unsourced_figure.ttl"])
    # A read-only union, not a copy of the bundled graph (which cost seconds).
    problems = unsourced_numbers(ReadOnlyGraphAggregate([data, fixture]))
    assert problems == [f"{BASE}figure/fixture-unsourced-figure "
                        f"https://w3id.org/riskgraph/ns#value 0.42"]


# ---------------------------------------------------------------------------
# Fixed IRIs from docs/CONVENTIONS.md
# ---------------------------------------------------------------------------
def test_fixed_concepts_exist(graph):
    subdomains = instances(graph, RG.RiskSubdomain)
    assert len(instances(graph, RG.RiskDomain)) == 7
    assert len(subdomains) == 24
    for sub in subdomains:
        code = str(graph.value(sub, SKOS.notation))
        assert sub == iri("concept", f"mit-{code}")
        assert graph.value(sub, SKOS.broader) == iri("concept", f"mit-{code.split('.')[0]}")
    orders = {str(s).rsplit("/", 1)[1]: graph.value(s, RG.stageOrder)
              for s in instances(graph, RG.LifecycleStage)}
    orders = {k: (v.toPython() if v is not None else None) for k, v in orders.items()}
    assert orders == {"stage-plan-and-design": 1, "stage-collect-and-process-data": 2,
                      "stage-build-and-use-model": 3, "stage-verify-and-validate": 4,
                      "stage-deploy-and-use": 5, "stage-operate-and-monitor": 6,
                      "stage-outside-lifecycle": None}
    notations = {str(graph.value(f, SKOS.notation)) for f in instances(graph, RG.RmfFunction)}
    assert notations == {"GV", "MP", "MS", "MG"}
    assert len(instances(graph, RG.CausalCategory)) == 9
    # the ten Appendix A task categories plus three additional AI actors that the
    # NIST AI 600-1 actions use as actor tasks
    assert len(instances(graph, RG.ActorTask)) == 13
    for slug in ("area-cbrn", "area-critical-infrastructure", "area-democratic-processes",
                 "area-discrimination-bias", "stance-effective", "stance-mixed",
                 "stance-sceptical", "scenario-business-as-usual",
                 "scenario-pragmatic-mitigations", "comparator-exact",
                 "comparator-greater-than", "comparator-less-than", "actor-developer",
                 "actor-third-party-evaluator", "mcat-2.2.1", "mcat-1.1.3",
                 "measure-share-agreeing-effective", "measure-severity-rank"):
        assert (iri("concept", slug), RDF.type, None) in graph, slug


def test_risk_areas_cover_subdomains_by_our_judgement(graph):
    for area in instances(graph, RG.RiskArea):
        assert list(graph.objects(area, RG.coversSubdomain)), area
        assert graph.value(area, RG.classifiedBy) == iri("agent", "riskgraph-curation")


@pytest.mark.parametrize("kind,slug,cls", [
    ("publication", "uuk-2024-effective-mitigations", RG.Paper),
    ("study", "uuk-2024-expert-survey", RG.ExpertSurvey),
    ("source", "airi-navigator-a1446", RG.WebPage),
    ("source", "airi-navigator-a1421", RG.WebPage),
    ("publication", "saeri-2026-delphi", RG.Paper),
    ("study", "saeri-2026-delphi", RG.DelphiStudy),
    ("publication", "slattery-2024-ai-risk-repository", RG.Paper),
    ("publication", "nist-ai-100-1", RG.Report),
    ("publication", "nist-ai-600-1", RG.Report),
    ("publication", "li-2024-wmdp", RG.Benchmark),
    ("publication", "lermen-2023-lora-undoes-safety", RG.Paper),
    ("mitigation", "pre-deployment-risk-assessments", RG.Mitigation),
    ("mitigation", "third-party-pre-deployment-model-audits", RG.Mitigation),
    ("mitigation", "safety-incident-reports-and-security-information-sharing", RG.Mitigation),
    ("mitigation", "unlearning-harmful-capabilities", RG.Mitigation),
    ("mitigation", "model-weight-security", RG.Mitigation),
    ("mitigation", "data-curation", RG.Mitigation),
], ids=lambda v: v if isinstance(v, str) else "")
def test_fixed_instance_iris_exist(graph, kind, slug, cls):
    assert (iri(kind, slug), RDF.type, cls) in graph


def test_study_facts_match_the_sources(graph):
    uuk = iri("study", "uuk-2024-expert-survey")
    assert graph.value(uuk, RG.respondentCount).toPython() == 76
    assert graph.value(uuk, RG.studiedMitigationCount).toPython() == 27
    delphi = iri("study", "saeri-2026-delphi")
    assert graph.value(delphi, RG.respondentCount).toPython() == 272
    assert graph.value(delphi, RG.roundCount).toPython() == 3
    wmdp = iri("publication", "li-2024-wmdp")
    assert "3,668" in str(graph.value(wmdp, RG.citedVersion))
    assert "4,157" in str(graph.value(wmdp, RG.sourceNote))


def test_navigator_tags_seen_in_the_seeds_are_not_marked_as_ours(graph):
    weights = iri("mitigation", "model-weight-security")
    assert graph.value(weights, RG.lifecycleStage) == iri("concept", "stage-outside-lifecycle")
    assert graph.value(weights, RG.rmfFunction) == iri("concept", "rmf-manage")
    unlearning = iri("mitigation", "unlearning-harmful-capabilities")
    assert graph.value(unlearning, RG.lifecycleStage) == iri("concept", "stage-build-and-use-model")
    assert graph.value(unlearning, RG.responsibleActor) == iri("concept", "actor-developer")


# ---------------------------------------------------------------------------
# The answers the data must keep giving
# ---------------------------------------------------------------------------
def effective_for(graph: Graph, area: URIRef) -> dict[URIRef, list[tuple]]:
    """Mitigations with an effective assessment for ``area``, with their figures."""
    found: dict[URIRef, list[tuple]] = {}
    for assessment in graph.subjects(RG.assessedFor, area):
        if graph.value(assessment, RG.stance) != iri("concept", "stance-effective"):
            continue
        figures = [(graph.value(f, RG.value).toPython(), graph.value(f, RG.comparator))
                   for f in graph.objects(assessment, RG.hasFigure)]
        found.setdefault(graph.value(assessment, RG.assessedMitigation), []).extend(figures)
    return found


def test_cbrn_effective_mitigations_include_the_standouts_and_weight_security(graph):
    found = effective_for(graph, iri("concept", "area-cbrn"))
    greater = iri("concept", "comparator-greater-than")
    for slug in ("pre-deployment-risk-assessments", "third-party-pre-deployment-model-audits",
                 "safety-incident-reports-and-security-information-sharing"):
        assert (Decimal("0.6"), greater) in found[iri("mitigation", slug)], slug
    assert iri("mitigation", "model-weight-security") in found
    assert iri("mitigation", "data-curation") in found
    assert iri("mitigation", "safety-fine-tuning") not in found  # experts were sceptical


def test_each_standout_has_one_figure_per_area_and_a_combination_share(graph):
    areas = instances(graph, RG.RiskArea)
    for slug in ("pre-deployment-risk-assessments", "third-party-pre-deployment-model-audits",
                 "safety-incident-reports-and-security-information-sharing"):
        mitigation = iri("mitigation", slug)
        assessed = [a for a in graph.subjects(RG.assessedMitigation, mitigation)
                    if graph.value(a, DCTERMS.source) == iri("publication",
                                                            "uuk-2024-effective-mitigations")]
        assert sorted(graph.value(a, RG.assessedFor) for a in assessed
                      if graph.value(a, RG.assessedFor)) == areas
        general = [a for a in assessed if graph.value(a, RG.assessedFor) is None]
        assert len(general) == 1
        figure = graph.value(general[0], RG.hasFigure)
        assert graph.value(figure, RG.measure) == iri("concept",
                                                      "measure-share-selecting-in-combination")
        assert graph.value(figure, RG.value).toPython() == Decimal("0.4")


def test_delphi_headlines_are_encoded_without_invented_numbers(graph):
    pm = iri("concept", "scenario-pragmatic-mitigations")
    over_ten = sorted(str(graph.value(j, RG.judgedRisk)).rsplit("-", 1)[1]
                      for j in instances(graph, RG.RiskJudgement)
                      if graph.value(j, RG.scenario) == pm)
    assert over_ten == ["4.2", "6.1", "6.2", "6.6", "7.2"]
    ranks = [graph.value(j, RG.hasFigure) for j in instances(graph, RG.RiskJudgement)
             if graph.value(graph.value(j, RG.hasFigure), RG.measure)
             == iri("concept", "measure-severity-rank")]
    assert len(ranks) == 5
    assert {graph.value(f, RG.comparator) for f in ranks} == {iri("concept", "comparator-at-most")}
    bau = iri("figure", "saeri-2026-bau-18-of-24-over-10pct")
    assert graph.value(bau, RG.value).toPython() == 18
    assert graph.value(bau, RG.outOf).toPython() == 24


# ---------------------------------------------------------------------------
# Reasoning
# ---------------------------------------------------------------------------
def test_bundled_data_is_consistent_and_uses_only_declared_terms(bundled_check):
    checked = bundled_check  # check() over the bundled data, once per session
    assert [str(t) for t in checked.undeclared] == []
    assert checked.reasoning.consistent, [str(c) for c in checked.reasoning.clashes]


def test_reasoning_does_not_turn_taxonomy_terms_into_sources_or_evidence(bundled_check):
    """Domains of properties used on concepts or schemes would make the reasoner infer,
    for example, that a concept scheme is a rg:Source; the class counts then lie."""
    checked = bundled_check  # asserted plus inferred triples (shared: not changed here)
    assert checked.reasoning.consistent
    graphs = (checked.asserted, checked.reasoning.inferred)

    def typed(cls) -> set:
        return {s for g in graphs for s in g.subjects(RDF.type, cls)}

    taxonomy = typed(SKOS.Concept) | typed(SKOS.ConceptScheme)
    for cls in (RG.Source, RG.Evidence, RG.Publication, RG.Mitigation, RG.Risk):
        assert not taxonomy & typed(cls), cls
