"""`riskgraph diff`: what changed between two versions of the graph, in words, by
class and dataset, and in the canned answers."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from riskgraph.diff import diff
from riskgraph.diff.changes import triple_diff

ROOT = Path(__file__).resolve().parents[2]
ASSESSMENT = "assessment:example-structured-access-cbrn"
# A mitigation with no row in the CBRN answer yet, so the answer (one row per mitigation)
# gains a row.
MITIGATION = "mitigation:structured-access"
CONTRIBUTION = """\
@prefix rg: <https://w3id.org/riskgraph/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix concept: <https://w3id.org/riskgraph/id/concept/> .
@prefix mitigation: <https://w3id.org/riskgraph/id/mitigation/> .
@prefix publication: <https://w3id.org/riskgraph/id/publication/> .
@prefix assessment: <https://w3id.org/riskgraph/id/assessment/> .
@prefix figure: <https://w3id.org/riskgraph/id/figure/> .

assessment:example-structured-access-cbrn a rg:Assessment ;
    rdfs:label "Example: structured access, CBRN"@en ;
    skos:definition "An example judgement of structured access for CBRN risks (a test)."@en ;
    rg:assessedMitigation mitigation:structured-access ;
    rg:assessedFor concept:area-cbrn ;
    rg:stance concept:stance-effective ;
    rg:hasFigure figure:example-structured-access-cbrn-agreement ;
    rg:locator "Table 2" ;
    dcterms:source publication:fixture-2025-example .

# A fictional paper (the judgement and its figure are a test's, not a real source's).
publication:fixture-2025-example a rg:Paper ;
    rdfs:label "Example and Sample (2025), A fixture paper"@en ;
    dcterms:title "A Fixture Paper for riskgraph's Tests"@en ;
    skos:definition "A fictional paper that only riskgraph's test fixtures cite."@en ;
    rg:authorList "Ada Example; Ben Sample" ;
    dcterms:issued "2025-03"^^xsd:gYearMonth .

figure:example-structured-access-cbrn-agreement a rg:Figure ;
    rg:measure concept:measure-share-agreeing-effective ;
    rg:comparator concept:comparator-greater-than ;
    rg:value 0.6 ;
    rg:asStated ">60%" .
"""


@pytest.fixture(scope="module")
def contribution(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("diff") / "my-assessment.ttl"
    path.write_text(CONTRIBUTION, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cbrn_diff(contribution):
    return diff("bundled", f"bundled+{contribution}")


def test_a_new_cbrn_assessment_is_reported_in_words(cbrn_diff):
    (change,) = [c for c in cbrn_diff.entities if c.name == ASSESSMENT]
    assert (change.kind, change.change) == ("assessment", "added")
    assert change.summary == ("Structured access effective for CBRN, >60%, source "
                              "Example and Sample (2025), A fixture paper")
    assert cbrn_diff.by_class == {"assessment": {"added": 1}, "figure": {"added": 1},
                                  "paper": {"added": 1}}
    assert cbrn_diff.by_dataset == {"(no dataset)": {"added": 3}}
    assert cbrn_diff.triples_removed == 0 and cbrn_diff.triples_added == 20
    assert f"assessment {ASSESSMENT} added: Structured access effective for CBRN" in \
        cbrn_diff.to_text()


def test_the_new_row_in_the_cbrn_answer_and_no_other(cbrn_diff):
    (answer,) = cbrn_diff.answers  # no other area's answer changed
    assert answer.query == "effective_mitigations"
    assert answer.params == {"area": "concept:area-cbrn"}
    assert answer.removed == []
    (row,) = answer.added
    # whole rows, keyed on the query's own columns (none named here but the mitigation)
    assert set(row) <= set(answer.columns)
    assert MITIGATION in row.values() and any(">60%" in v for v in row.values())


def test_markdown_and_json(cbrn_diff):
    markdown = cbrn_diff.to_markdown()
    assert "### Answer `effective_mitigations` (area=concept:area-cbrn)" in markdown
    assert "&gt;60%" in markdown and "| + |" in markdown
    data = json.loads(cbrn_diff.to_json())
    assert data["same"] is False
    assert MITIGATION in data["answers"][0]["added"][0].values()


def _relabelled(graph: Graph) -> Graph:
    """The same graph with other blank-node labels, in another order."""
    names: dict[BNode, BNode] = {}

    def fresh(term):
        if isinstance(term, BNode):
            return names.setdefault(term, BNode(f"other{len(names)}"))
        return term

    triples = [tuple(fresh(t) for t in triple) for triple in graph]
    random.Random(7).shuffle(triples)
    other = Graph()
    for triple in triples:
        other.add(triple)
    return other


def _build_like(tmp: Path, name: str, graph: Graph) -> Path:
    folder = tmp / name
    folder.mkdir()
    graph.serialize(folder / "riskgraph.nt", format="nt", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def with_blank_nodes() -> Graph:
    graph = Graph()
    graph.parse(ROOT / "ontology" / "riskgraph.ttl")
    graph.parse(ROOT / "data" / "taxonomies.ttl")
    ex = "https://w3id.org/riskgraph/id/"
    graph.parse(data=f"""
        <{ex}figure/f> <{ex}p> [ <{ex}q> "one" ; <{ex}r> [ <{ex}q> "two" ] ] ;
            <{ex}list> ( "a" "b" [ <{ex}q> "three" ] ) .
        """, format="turtle")
    return graph


def test_two_builds_differing_only_in_blank_node_labels_report_nothing(
        tmp_path, with_blank_nodes):
    other = _relabelled(with_blank_nodes)
    assert set(other) != set(with_blank_nodes)  # the labels do differ
    result = diff(str(_build_like(tmp_path, "a", with_blank_nodes)),
                  str(_build_like(tmp_path, "b", other)))
    assert result.empty and result.entities == [] and result.answers == []
    assert "no change" in result.to_text()


def test_a_change_inside_a_blank_node_is_reported_on_its_owner(with_blank_nodes):
    changed = _relabelled(with_blank_nodes)
    (node,) = [s for s, _, o in changed if o == Literal("two")]
    changed.set((node, URIRef("https://w3id.org/riskgraph/id/q"), Literal("deux")))
    removed, added = triple_diff(set(with_blank_nodes), set(changed))
    assert removed and added


def _checkout(path: Path) -> None:
    (path / "ontology").mkdir(parents=True)
    (path / "data").mkdir()
    shutil.copy(ROOT / "ontology" / "riskgraph.ttl", path / "ontology")
    shutil.copy(ROOT / "data" / "taxonomies.ttl", path / "data")


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                   timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_two_git_revisions_renamed_and_id_changed(tmp_path, monkeypatch, run_cli):
    repo = tmp_path / "repo"
    _checkout(repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    taxonomies = repo / "data" / "taxonomies.ttl"
    text = taxonomies.read_text(encoding="utf-8")
    label = '"Chemical, biological, radiological and nuclear risks (CBRN)"@en'
    assert label in text and "concept:area-democratic-processes a" in text
    text = text.replace(label, '"CBRN weapons"@en').replace(
        "concept:area-democratic-processes", "concept:area-democracy")
    taxonomies.write_text(text, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "two")
    monkeypatch.chdir(repo)
    result = diff("git:HEAD~1", "git:HEAD", queries=())
    changes = {c.name: c for c in result.entities}
    renamed = changes["concept:area-cbrn"]
    assert renamed.change == "renamed" and renamed.kind == "risk area"
    assert renamed.summary == ('"Chemical, biological, radiological and nuclear risks (CBRN)"'
                               ' -> "CBRN weapons"')
    moved = changes["concept:area-democracy"]
    assert moved.change == "id changed"
    assert moved.summary.startswith("was concept:area-democratic-processes")
    assert "concept:area-democratic-processes" not in changes  # not also "removed"
    cli = run_cli("diff", "git:HEAD~1", "git:HEAD", "--exit-code")
    assert cli.exit_code == 1 and "risk area concept:area-cbrn renamed" in cli.output
    assert run_cli("diff", "git:HEAD", "git:HEAD", "--exit-code").exit_code == 0
    bad = run_cli("diff", "git:no-such-revision", "git:HEAD")
    assert bad.exit_code == 2 and "no-such-revision" in bad.output
    assert "Traceback" not in bad.output


def test_two_data_folders_changed_and_removed_entities(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "sub").mkdir(parents=True)
    new.mkdir()
    text = (ROOT / "data" / "taxonomies.ttl").read_text(encoding="utf-8")
    (old / "sub" / "taxonomies.ttl").write_text(text, encoding="utf-8")
    statement = "concept:area-cbrn a rg:RiskArea ; skos:inScheme scheme:uuk-risk-areas ;"
    assert statement in text
    head, rest = text.split(statement, 1)
    _, after = rest.split(" .\n", 1)  # the CBRN area's statement, removed
    changed = head + after.replace('skos:notation "CI"', 'skos:notation "CI-2"')
    (new / "taxonomies.ttl").write_text(changed, encoding="utf-8")
    result = diff(str(old), str(new), queries=())
    changes = {c.name: c for c in result.entities}
    assert changes["concept:area-cbrn"].change == "removed"
    assert changes["concept:area-cbrn"].summary.startswith('"Chemical, biological')
    ci = changes["concept:area-critical-infrastructure"]
    assert ci.change == "changed"
    assert ci.summary == '+ skos:notation "CI-2"; - skos:notation "CI"'
    assert result.by_class["risk area"] == {"changed": 1, "removed": 1}


def test_unreadable_side_and_unknown_query_exit_2(run_cli, tmp_path):
    missing = run_cli("diff", "bundled", str(tmp_path / "nothing-here.ttl"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    unknown = run_cli("diff", "bundled", "bundled", "--query", "no_such_query")
    assert unknown.exit_code == 2 and "no_such_query" in unknown.output
