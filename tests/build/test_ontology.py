"""The ontology parses, documents every term, and closes the data's vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from riskgraph import resources
from riskgraph.io.rdf import load_files, ontology_files
from riskgraph.reason.vocabulary import undeclared_terms

FIXTURES = Path(__file__).parents[1] / "fixtures" / "foundation"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_files(ontology_files())


def test_core_ontology_parses_and_declares_itself(ontology):
    assert (URIRef("https://w3id.org/riskgraph/ns"), RDF.type, OWL.Ontology) in ontology
    assert len(set(ontology.subjects(RDF.type, OWL.Class))) >= 30


def test_core_ontology_has_no_remote_import():
    core = load_files([resources.core_ontology()])
    assert list(core.objects(None, OWL.imports)) == []


@pytest.mark.parametrize("kind", TERM_TYPES, ids=lambda t: t.fragment)
def test_every_term_has_label_and_definition(ontology, kind):
    missing = [
        str(term) for term in ontology.subjects(RDF.type, kind)
        if isinstance(term, URIRef)
        and None in (ontology.value(term, RDFS.label), ontology.value(term, SKOS.definition))
    ]
    assert missing == []


def test_riskgraph_properties_have_domain_or_range(ontology):
    rg = "https://w3id.org/riskgraph/ns#"
    bare = [
        str(p) for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind)
        if str(p).startswith(rg)
        and ontology.value(p, RDFS.domain) is None and ontology.value(p, RDFS.range) is None
    ]
    assert bare == []


def test_model_covers_the_required_concepts(ontology):
    rg = "https://w3id.org/riskgraph/ns#"
    for name in ("Risk", "Mitigation", "Actor", "LifecycleStage", "RmfFunction", "Publication",
                 "Study", "DelphiStudy", "ExpertSurvey", "Assessment", "Claim", "Figure",
                 "RiskDomain", "RiskSubdomain", "RiskArea", "CausalCategory",
                 "MitigationCategory", "Stance"):
        assert (URIRef(rg + name), RDF.type, OWL.Class) in ontology, name


def test_every_term_the_bundled_data_uses_is_declared(ontology, bundled_data):
    assert [str(t) for t in undeclared_terms(bundled_data, ontology)] == []


def test_a_misspelt_term_is_reported(ontology):
    data = load_files([FIXTURES / "misspelt_property.ttl"])
    problems = undeclared_terms(data, ontology)
    assert [p.term for p in problems] == ["https://w3id.org/riskgraph/ns#mitigtes"]
    assert "check the spelling" in str(problems[0])


def test_alignments_name_airo_and_dpv_without_importing_them():
    align = load_files([resources.alignments_file()])
    objects = {str(o) for o in align.objects()}
    assert "https://w3id.org/airo#RiskControl" in objects
    assert any(o.startswith("https://w3id.org/dpv") for o in objects)
    assert list(align.objects(None, OWL.imports)) == []
