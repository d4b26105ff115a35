"""A contribution that `validate` accepts also builds consistently (issue 10, item 9).

Each case below exited 0 under `riskgraph validate` before the rules of
riskgraph.validation.additions; each now fails with a message that names the
statement and says why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib.namespace import OWL, RDF

from riskgraph.io.rdf import load_files, ontology_files

FIXTURES = Path(__file__).parents[1] / "fixtures"
HEAD = """@prefix rg: <https://w3id.org/riskgraph/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix mitigation: <https://w3id.org/riskgraph/id/mitigation/> .
@prefix risk: <https://w3id.org/riskgraph/id/risk/> .
"""
# A valid contribution (it conforms on its own), to which each case adds one statement.
BASE = (FIXTURES / "valid" / "extends_existing_mitigation.ttl").read_text(encoding="utf-8")

CASES = {
    "owl_nothing": ("mitigation:data-curation a owl:Nothing .", "owl:Nothing"),
    "same_as_existing": ("mitigation:data-curation owl:sameAs "
                         "mitigation:unlearning-harmful-capabilities .", "owl:sameAs"),
    "different_from": ("mitigation:data-curation owl:differentFrom "
                       "mitigation:unlearning-harmful-capabilities .", "owl:differentFrom"),
    "subclass_axiom": ("rg:Mitigation rdfs:subClassOf rg:Risk .", "rdfs:subClassOf"),
    "domain_axiom": ("rg:mitigates rdfs:domain rg:Risk .", "rdfs:domain"),
    "range_axiom": ("rg:mitigates rdfs:range rg:Mitigation .", "rdfs:range"),
    "equivalent_class": ("rg:Mitigation owl:equivalentClass rg:Risk .", "owl:equivalentClass"),
    "disjointness": ("rg:Claim owl:disjointWith rg:Paper .", "owl:disjointWith"),
    "functional_characteristic": ("rg:mitigates a owl:FunctionalProperty .",
                                  "owl:FunctionalProperty"),
    "axiom_on_a_new_class_iri": ("<https://w3id.org/riskgraph/id/concept/x> "
                                 "owl:equivalentClass rg:Risk .", "owl:equivalentClass"),
    "extra_label_on_existing": ('mitigation:data-curation rdfs:label "Data hygiene"@en .',
                                '"Data hygiene"@en'),
    "new_type_on_existing": ("mitigation:data-curation a rg:Risk .", "rdf:type rg:Risk"),
    "inferred_disjoint_type": ("risk:confused a rg:Risk ; rdfs:label \"Confused\"@en ; "
                               "rg:mitigates risk:other .", "disjoint"),
}


def _write(tmp_path: Path, name: str, extra: str) -> Path:
    path = tmp_path / f"{name}.ttl"
    path.write_text(HEAD + BASE + "\n" + extra + "\n", encoding="utf-8")
    return path


def test_the_base_contribution_conforms(run_cli, tmp_path):
    path = tmp_path / "base.ttl"
    path.write_text(BASE, encoding="utf-8")
    assert run_cli("validate", str(path)).exit_code == 0


@pytest.mark.parametrize("name", sorted(CASES))
def test_statement_is_refused_with_its_reason(run_cli, tmp_path, name):
    extra, named = CASES[name]
    path = _write(tmp_path, name, extra)
    result = run_cli("validate", "--format", "json", str(path))
    assert result.exit_code == 1, result.stdout
    report = json.loads(result.stdout)
    refused = [r for e in report["files"][0]["entities"] for r in e["results"]
               if r["constraint"] == "rgsh:additions-only"]
    assert refused, result.stdout
    assert any(named in r["message"] for r in refused), [r["message"] for r in refused]
    assert all(r["message"].startswith("refused: ") and "(" in r["message"] for r in refused)
    assert all(r["line"] for r in refused if r["entity"].startswith("mitigation:"))


def test_the_inconsistent_fixture_is_refused(run_cli):
    result = run_cli("validate", str(FIXTURES / "foundation"
                                     / "inconsistent_mitigation_typed_as_risk.ttl"))
    assert result.exit_code == 1
    assert "declares disjoint" in result.stdout


def test_additions_to_existing_entities_still_pass(run_cli):
    for path in sorted((FIXTURES / "valid").iterdir()):
        assert run_cli("validate", str(path)).exit_code == 0, path


def test_restating_an_existing_label_is_not_refused(run_cli, tmp_path):
    from riskgraph.validation.scoped import Context

    graph = Context.bundled().graph
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    node = URIRef("https://w3id.org/riskgraph/id/mitigation/data-curation")
    label = graph.value(node, RDFS.label)
    path = _write(tmp_path, "restated", f'mitigation:data-curation rdfs:label "{label}"@en .')
    assert run_cli("validate", str(path)).exit_code == 0


def test_ontology_has_no_axioms_the_rules_do_not_cover():
    """The rules stand in for the reasoner on contributions: they cover disjoint
    classes (with domain and range) and functional properties. Any other kind of
    axiom that can clash in the ontology would need a rule, or the reasoner."""
    ontology = load_files(ontology_files())
    uncovered = (OWL.cardinality, OWL.maxCardinality, OWL.qualifiedCardinality,
                 OWL.maxQualifiedCardinality, OWL.hasKey, OWL.propertyChainAxiom,
                 OWL.complementOf, OWL.propertyDisjointWith, OWL.disjointUnionOf,
                 OWL.hasSelf, OWL.oneOf, OWL.allValuesFrom)
    assert not [p for p in uncovered if (None, p, None) in ontology]
    kinds = (OWL.InverseFunctionalProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty,
             OWL.AllDifferent, OWL.NegativePropertyAssertion)
    assert not [k for k in kinds if (None, RDF.type, k) in ontology]


def test_an_edit_of_data_is_checked_against_the_rest(run_cli, tmp_path, monkeypatch):
    """A new file placed in data/ with a second label for an existing mitigation is
    refused too: it is checked against the other bundled files, not against itself."""
    from riskgraph import resources

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for path in resources.data_files():
        (data_dir / path.name).write_bytes(path.read_bytes())
    extra = data_dir / "zz-extra.ttl"
    extra.write_text(HEAD + 'mitigation:data-curation rdfs:label "Data hygiene"@en .\n',
                     encoding="utf-8")
    monkeypatch.setattr(resources, "data_files", lambda: sorted(data_dir.glob("*.ttl")))
    result = run_cli("validate", str(extra))
    assert result.exit_code == 1
    assert "already exists" in result.stdout
