"""The graph view without a browser: the model, the page's safety properties, the CLI."""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import json
import re
from pathlib import Path

import pytest
from page_helpers import graph_page, page_data
from rdflib import Graph

from riskgraph.errors import InputError
from riskgraph.io.rdf import load_files, ontology_files
from riskgraph.namespaces import ID, RG
from riskgraph.page.layout import force_layout
from riskgraph.page.model import build_model
from riskgraph.page.render import RenderedPage, csp_hash, script_json

FIXTURES = Path(__file__).parents[1] / "fixtures" / "graph"
CONCEPT = f"{ID}concept/"
STANDOUT = f"{ID}mitigation/third-party-pre-deployment-model-audits"

SMALL = """
@prefix rg: <https://w3id.org/riskgraph/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix concept: <https://w3id.org/riskgraph/id/concept/> .
@prefix mitigation: <https://w3id.org/riskgraph/id/mitigation/> .
@prefix risk: <https://w3id.org/riskgraph/id/risk/> .
@prefix assessment: <https://w3id.org/riskgraph/id/assessment/> .
@prefix publication: <https://w3id.org/riskgraph/id/publication/> .

concept:dom-a a rg:RiskDomain ; rdfs:label "Domain A"@en ; skos:notation "1" .
concept:dom-b a rg:RiskDomain ; rdfs:label "Domain B"@en ; skos:notation "2" .
concept:sub-a1 a rg:RiskSubdomain ; rdfs:label "Sub A1"@en ; skos:notation "1.1" ;
    skos:broader concept:dom-a .
concept:area-x a rg:RiskArea ; rdfs:label "Area X"@en ; rg:coversSubdomain concept:sub-a1 .
concept:area-y a rg:RiskArea ; rdfs:label "Area Y"@en .
concept:early a rg:LifecycleStage ; rdfs:label "Early"@en ; rg:stageOrder 1 .
concept:late a rg:LifecycleStage ; rdfs:label "Late"@en ; rg:stageOrder 2 .
concept:dev a rg:Actor ; rdfs:label "Developer"@en .
risk:r1 a rg:Risk ; rdfs:label "Risk one"@en ; rg:inSubdomain concept:sub-a1 .
mitigation:m1 a rg:Mitigation ; rdfs:label "Mitigation one"@en ;
    skos:definition "Does a thing."@en ;
    rg:mitigates risk:r1 ; rg:lifecycleStage concept:late ; rg:responsibleActor concept:dev ;
    dcterms:source publication:p1 .
risk:r1 rg:mitigatedBy mitigation:m1 .
mitigation:m2 a rg:Mitigation ; rdfs:label "Mitigation two"@en ;
    rg:lifecycleStage concept:early .
assessment:a1 a rg:Assessment ; rdfs:label "Assessment of two"@en ;
    rg:assessedMitigation mitigation:m2 ; rg:assessedFor concept:area-x ; rg:locator "Table 2" .
publication:p1 a rg:Paper ; rdfs:label "Paper one"@en ; bibo:doi "10.1000/xyz" ;
    rg:arxivId "2412.02145" .
"""


@pytest.fixture(scope="module")
def small_graph() -> Graph:
    graph = load_files(ontology_files())
    graph.parse(data=SMALL, format="turtle")
    return graph


@pytest.fixture(scope="module")
def small(small_graph):
    return build_model(small_graph)


@pytest.fixture(scope="module")
def bundled_page():
    result = graph_page()
    return result, result.html


def test_entities_are_nodes_and_literals_are_details(small):
    g = small.graph
    assert g.number_of_nodes() == 13  # every typed entity, no literal, no ontology term
    assert not any(n.startswith(str(RG)) for n in g.nodes)
    m1 = g.nodes[f"{ID}mitigation/m1"]
    assert m1["label"] == "Mitigation one" and m1["definition"] == "Does a thing."
    paper = g.nodes[f"{ID}publication/p1"]
    assert ["doi", "10.1000/xyz", "https://doi.org/10.1000/xyz"] in paper["details"]
    assert ["arxivId", "2412.02145", "https://arxiv.org/abs/2412.02145"] in paper["details"]
    assert g.nodes[f"{CONCEPT}sub-a1"]["codes"] == ["1.1"]


def test_edges_carry_property_short_names_and_inverse_pairs_are_drawn_once(small):
    g = small.graph
    out_of_m1 = [prop for _, _, prop in g.out_edges(f"{ID}mitigation/m1", data="prop")]
    assert str(RG.mitigates) in out_of_m1
    # risk:r1 rg:mitigatedBy m1 is the inverse of m1 rg:mitigates r1: one edge, not two.
    pairs = [(u, v) for u, v in g.edges() if {u, v} == {f"{ID}mitigation/m1", f"{ID}risk/r1"}]
    assert pairs == [(f"{ID}mitigation/m1", f"{ID}risk/r1")]
    assert small.properties[str(RG.mitigates)] == "mitigates"


def test_class_styles_come_from_the_ontology(small):
    style = small.styles[str(RG.Mitigation)]
    assert style.label == "mitigation" and style.count == 2
    assert len({(s.shape, s.colour) for s in small.styles.values()}) == len(small.styles)
    assert str(RG.Assessment) in small.evidence_classes
    assert str(RG.Paper) in small.source_classes


def test_a_class_looks_the_same_on_every_page_from_one_table(small, bundled_page):
    """Shapes and colours were handed out by frequency per page: a mitigation was an
    orange diamond on the CBRN answer, a green hexagon on a focus page and a
    down-triangle on the whole graph."""
    from riskgraph.page.model import class_table

    table = class_table()
    whole = {c["iri"]: (c["shape"], c["colour"]) for c in page_data(bundled_page[1])["classes"]}
    # every class the bundled graph draws has its own entry, and no two share a look
    assert all(table.entries.get(iri, (None, None))[1] for iri in whole), \
        [iri for iri in whole if not table.entries.get(iri, (None, None))[1]]
    assert len(set(whole.values())) == len(whole)
    small_looks = {iri: (s.shape, s.colour) for iri, s in small.styles.items()}
    assert all(whole[iri] == look for iri, look in small_looks.items() if iri in whole)
    assert whole[str(RG.Mitigation)] == table.entries[str(RG.Mitigation)]


def test_a_class_not_in_the_table_takes_its_family_shape_and_a_fixed_colour(small_graph):
    extra = """
    @prefix rg: <https://w3id.org/riskgraph/ns#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> .
    <https://example.org/Drill> a owl:Class ; rdfs:subClassOf rg:Mitigation .
    <https://example.org/d1> a <https://example.org/Drill> ; rdfs:label "Drill one" .
    """
    looks = []
    for more in ("", '<https://example.org/d2> a <https://example.org/Drill> .'):
        graph = Graph()
        graph += small_graph
        graph.parse(data=extra.replace("\n    ", "\n") + more, format="turtle")
        looks.append(build_model(graph).styles["https://example.org/Drill"])
    assert looks[0].shape == "diamond"  # rg:Mitigation's family
    assert (looks[0].shape, looks[0].colour) == (looks[1].shape, looks[1].colour)


def test_facets_are_read_from_the_data(small):
    facets = {f.iri: f for f in small.facets}
    assert [label for _, label in facets[str(RG.RiskArea)].values] == ["Area X", "Area Y"]
    assert [label for _, label in facets[str(RG.LifecycleStage)].values] == ["Early", "Late"]
    g = small.graph
    # A mitigation gets the area its assessment is for, through the assessment.
    assert g.nodes[f"{ID}mitigation/m2"]["facets"][str(RG.RiskArea)] == [f"{CONCEPT}area-x"]
    assert g.nodes[f"{ID}mitigation/m1"]["facets"][str(RG.Actor)] == [f"{CONCEPT}dev"]


def test_coverage_counts_mitigations_per_domain_and_stage(small):
    cov = small.coverage
    assert [label for _, label in cov.rows] == ["Domain A", "Domain B"]
    assert [label for _, label in cov.cols] == ["Early", "Late"]
    # m1 mitigates a risk in sub-a1 (domain A), late; m2 is assessed for area X, which
    # covers sub-a1, early. Domain B has no mitigation: a gap.
    assert cov.cells == {(f"{CONCEPT}dom-a", f"{CONCEPT}late"): [f"{ID}mitigation/m1"],
                         (f"{CONCEPT}dom-a", f"{CONCEPT}early"): [f"{ID}mitigation/m2"]}


def test_node_size_follows_centrality(small):
    g = small.graph
    assert g.nodes[f"{ID}mitigation/m1"]["size"] > g.nodes[f"{CONCEPT}area-y"]["size"]


def test_python_layout_places_every_node_of_a_large_graph_apart():
    from benchmarks.synthetic import generate

    graph = generate(12_000)
    graph += load_files(ontology_files())
    model = build_model(graph)
    assert model.node_count > 1000
    force_layout(model.graph)
    positions = [(a["x"], a["y"]) for _, a in model.graph.nodes(data=True)]
    assert len(positions) == model.node_count
    assert len(set(positions)) > 0.97 * len(positions)


def test_script_json_cannot_close_its_element():
    text = script_json({"l": "</script><script>alert(1)</script><!-- & \u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text)["l"].startswith("</script>")


def test_bundled_page_is_self_contained_with_a_strict_csp(bundled_page):
    result, html = bundled_page
    assert result.node_count > 100 and result.bytes == len(html.encode("utf-8"))
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", html, re.IGNORECASE)
    csp = htmllib.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 2  # vis-network and the page's own script, nothing else runs
    for script in scripts:
        assert csp_hash(script) in csp
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "@license" in scripts[0] and "vis-network" in scripts[0]
    data = page_data(html)
    assert len(data["nodes"]) == result.node_count and len(data["edges"]) == result.edge_count
    assert "<title>riskgraph: bundled graph</title>" in html


def test_bundled_page_filters_come_from_the_data(bundled_page):
    _, html = bundled_page
    data = page_data(html)
    labels = {f["label"]: [data["nodes"][i]["id"] for _, i in f["values"]] for f in data["facets"]}
    assert f"{CONCEPT}area-cbrn" in labels["risk area"]
    assert f"{CONCEPT}stage-deploy-and-use" in labels["lifecycle stage"]
    assert f"{CONCEPT}actor-developer" in labels["actor"]
    assert sum(len(c[2]) for c in data["coverage"]["cells"]) > 0


def test_making_a_page_writes_nothing(small_graph, tmp_path, monkeypatch):
    from riskgraph.page.render import render_model

    monkeypatch.chdir(tmp_path)
    page = render_model(build_model(small_graph), title="t", subtitle="s")
    assert isinstance(page, RenderedPage) and page.html.startswith("<!DOCTYPE html>")
    assert page.node_count == 13 and page.bytes == len(page.html.encode("utf-8"))
    assert list(tmp_path.iterdir()) == []


def test_the_cli_writes_the_page_and_leaves_the_rest_of_the_folder_alone(run_cli, tmp_path):
    keep = tmp_path / "notes.txt"
    keep.write_text("mine")
    out = tmp_path / "view.html"
    out.write_text("old page")
    result = run_cli("graph", "-o", str(out), "--focus", "A1446")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "view.html"]
    assert keep.read_text() == "mine" and out.read_text().startswith("<!DOCTYPE html>")


@pytest.fixture(scope="module")
def bundled_model():
    """The bundled graph's whole model and the store that resolves names, built once:
    resolving a focus needs only these (a page per case redrew 120,000 triples)."""
    from page_helpers import _bundled

    kg = _bundled()
    graph, _ = kg._page_graph()
    return build_model(graph), kg.store


def test_focus_accepts_an_iri_a_prefixed_name_or_a_code(bundled_model):
    """The three forms resolve to one entity (checked on the resolver, which is what
    differs between them); one page of that entity, and a deeper one, are drawn end to end
    (the page is a function of the resolved entity, so the other two forms draw it too)."""
    from riskgraph.page.render import _resolve_focus

    model, store = bundled_model
    assert {_resolve_focus(model, focus, store)
            for focus in ("4.2", "concept:mit-4.2", f"{CONCEPT}mit-4.2")} == {f"{CONCEPT}mit-4.2"}
    by_code = graph_page(focus="4.2")
    assert by_code.node_count > 1
    deeper = graph_page(focus="4.2", depth=2)
    assert deeper.node_count > by_code.node_count
    assert by_code.answer_count == 1


@pytest.mark.parametrize("focus", ["A1446", "model-weight-security",
                                   "Model weight security and insider-threat safeguards",
                                   "mitigation:model-weight-security"])
def test_focus_accepts_what_a_query_parameter_accepts(focus, bundled_model):
    """A navigator id, an IRI slug and a label go through the query layer's resolution:
    checked on the resolver over the whole bundled model; one of them draws its page end
    to end (the next test)."""
    from riskgraph.page.render import _resolve_focus

    model, store = bundled_model
    assert _resolve_focus(model, focus, store) == f"{ID}mitigation/model-weight-security"


def test_a_focus_page_centres_the_entity_its_name_resolves_to():
    page = graph_page(focus="A1446")
    centre = [n for n in page_data(page.html)["nodes"] if n["a"]]
    assert [n["id"] for n in centre] == [f"{ID}mitigation/model-weight-security"]
    assert page.layout == "focus"


def test_focus_that_is_unknown_says_so_with_focus_not_param(bundled_model):
    """On the resolver (graph_page calls it before drawing anything)."""
    from riskgraph.page.render import _resolve_focus

    model, store = bundled_model
    with pytest.raises(InputError, match="focus") as info:
        _resolve_focus(model, "A9999-no-such-measure", store)
    assert "param" not in str(info.value) and info.value.argument == "focus"


@pytest.mark.parametrize("focus, message", [("concept:no-such-thing", "no entity|not a known"),
                                            ("2.2", "names several entities")])
def test_focus_that_names_nothing_or_several_things_is_an_input_error(focus, message,
                                                                       bundled_model):
    """On the resolver; test_cli_writes_the_page_and_reports_input_errors and the next
    one keep graph_page's and the command's handling of an InputError end to end."""
    from riskgraph.page.render import _resolve_focus

    model, store = bundled_model
    with pytest.raises(InputError, match=message):
        _resolve_focus(model, focus, store)


def test_a_focus_that_names_nothing_fails_the_page_with_an_input_error():
    with pytest.raises(InputError, match="no entity|not a known"):
        graph_page(focus="concept:no-such-thing")


def test_contribution_entities_are_marked_new():
    result = graph_page(data=[FIXTURES / "contribution_new_mitigation.ttl"])
    data = page_data(result.html)
    new = [n["id"] for n in data["nodes"] if n["n"]]
    assert new == [f"{ID}mitigation/contributed-red-team-exercise"] and result.new_count == 1


def test_bad_turtle_in_a_contribution_is_reported_with_its_line():
    with pytest.raises(InputError) as info:
        graph_page(data=[FIXTURES / "syntax_unclosed_string.ttl"])
    assert info.value.line is not None and "syntax_unclosed_string.ttl" in str(info.value)


def test_injection_payloads_stay_inside_the_json():
    html = graph_page(data=[FIXTURES / "injection_payloads.ttl"]).html
    outside_scripts = re.sub(r"<script>.*?</script>", "", html, flags=re.DOTALL)
    assert outside_scripts.count("<script") == 1 and outside_scripts.count("</script>") == 1
    for tag in ("<img", "<iframe", "<svg", "<b ", "<style>body"):
        assert tag not in html
    nodes = {n["id"]: n for n in page_data(html)["nodes"]}
    evil = nodes[f"{ID}mitigation/injection-script-label"]
    assert evil["l"] == "<script>window.__pwned = 'label'</script>"
    paper = nodes[f"{ID}publication/injection-paper"]
    assert all(d[2] is None for d in paper["t"])  # no javascript: or broken DOI became a link


def test_query_draws_the_answer_and_its_direct_links():
    result = graph_page("effective_mitigations", {"area": "CBRN"})
    nodes = page_data(result.html)["nodes"]
    answer = {n["id"] for n in nodes if n["a"]}
    assert STANDOUT in answer and result.answer_count == len(answer)
    assert len(nodes) > len(answer)  # direct links of the answer are drawn too
    assert "effective_mitigations" in result.title


def test_cli_writes_the_page_and_reports_input_errors(run_cli, tmp_path):
    out = tmp_path / "g.html"
    result = run_cli("graph", "-o", str(out), "--focus", "concept:area-cbrn")
    assert result.exit_code == 0, result.output
    assert out.exists() and "entities" in result.output
    bad = run_cli("graph", "-o", str(tmp_path / "h.html"), "--data",
                  str(FIXTURES / "syntax_unclosed_string.ttl"))
    assert bad.exit_code == 2 and "syntax_unclosed_string.ttl" in bad.output
    lonely = run_cli("graph", "-o", str(tmp_path / "h.html"), "-p", "area=CBRN")
    assert lonely.exit_code == 2 and "--param needs --query" in lonely.output


def test_the_triple_index_read_from_n_triples_gives_the_same_model(small_graph, tmp_path):
    """The bundled page reads the cache's N-Triples with pyoxigraph into a TripleIndex
    instead of an rdflib Graph: the model must not change (literals with language,
    datatype or neither; blank nodes; every lookup build_model makes)."""
    from rdflib import BNode, Literal, URIRef

    from riskgraph.page.triples import TripleIndex

    graph = Graph()
    graph += small_graph
    extra = URIRef(f"{ID}mitigation/m1")
    graph.add((extra, URIRef("https://w3id.org/riskgraph/ns#note"), Literal("x", lang="de")))
    graph.add((extra, URIRef("https://w3id.org/riskgraph/ns#count"), Literal(3)))
    graph.add((extra, URIRef("https://w3id.org/riskgraph/ns#blank"), BNode()))
    path = tmp_path / "g.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    index = TripleIndex.from_ntriples(path)
    assert len(index) == len(graph)
    named = {t for t in graph if not isinstance(t[2], BNode)}
    assert {t for t in index if not isinstance(t[2], BNode)} == named  # terms equal rdflib's
    assert set(TripleIndex.from_graph(graph)) == set(graph)
    a, b = build_model(graph), build_model(index)
    assert dict(a.graph.nodes(data=True)) == dict(b.graph.nodes(data=True))
    assert sorted(a.graph.edges(keys=True)) == sorted(b.graph.edges(keys=True))
    assert a.styles == b.styles and a.facets == b.facets and a.coverage == b.coverage
    assert a.properties == b.properties


class _NoQueries:
    """A backend that answers nothing: the /graph route needs only the page."""

    immutable = False
    description = "no queries"
    store = None

    def __init__(self):
        from riskgraph.serve.pool import Limits

        self.limits = Limits()

    def select(self, *args, **kwargs):
        raise RuntimeError("not asked")

    sparql = select_internal = select


def test_serve_sends_the_graph_page_with_the_policy_the_page_carries(small_graph):
    """serve scraped the policy back out of the page's HTML with a regular expression."""
    import urllib.request

    from serve_process import app_in_thread

    from riskgraph.serve.app import create_app
    from riskgraph.serve.graphpage import graph_page_of

    page = graph_page_of(nt_bytes=small_graph.serialize(format="nt", encoding="utf-8"))
    assert page.csp.startswith("default-src 'none'") and "'sha256-" in page.csp
    from markupsafe import escape

    assert f'content="{escape(page.csp)}"' in page.html  # the <meta> says the same
    with app_in_thread(create_app(_NoQueries(), graph_page=lambda: page)) as base:
        response = urllib.request.urlopen(base + "/graph", timeout=30)
        body = response.read().decode("utf-8")
    # the page's policy, plus frame-ancestors (which a <meta> policy cannot carry)
    header = response.headers["content-security-policy"]
    assert header == page.csp.rstrip("; ") + "; frame-ancestors 'none'" and body == page.html


def test_a_knowledge_graph_reads_what_its_pages_draw_once(small_graph, monkeypatch):
    """Each page re-read the bundled graph's 120,000 triples (3-8 s) before drawing."""
    from riskgraph.knowledge import KnowledgeGraph
    from riskgraph.page.triples import TripleIndex

    reads = []

    def page_graph(self):
        reads.append(1)
        return TripleIndex.from_graph(small_graph), None

    monkeypatch.setattr(KnowledgeGraph, "_page_graph", page_graph)
    kg = KnowledgeGraph(store=None, source="a test graph")  # type: ignore[arg-type]
    first, second = kg.render_page(), kg.render_page(focus="1.1")
    assert reads == [1] and first.node_count == 13 and second.layout == "focus"
