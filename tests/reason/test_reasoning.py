"""HermiT reports consistency of the bundled data and explains an inconsistency."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from riskgraph.build.pipeline import check
from riskgraph.reason.reasoner import java_available

FIXTURES = Path(__file__).parents[1] / "fixtures" / "foundation"
INCONSISTENT = FIXTURES / "inconsistent_mitigation_typed_as_risk.ttl"
RG = "https://w3id.org/riskgraph/ns#"

needs_java = pytest.mark.skipif(not java_available(), reason="HermiT needs a Java runtime")


@pytest.fixture
def ontology_only(monkeypatch):
    """``check`` over the ontology and the contributed file only, without the bundled
    data (its curated layer and the imported catalogues): for tests whose point is a
    reasoner's behaviour on a small self-contained file (its clash or its inferences
    follow from the ontology's axioms and the file alone; the data neither changes nor
    touches them). The whole bundled data is reasoned over by
    ``test_bundled_data_is_consistent_under_hermit`` (and by every build); the split
    used when catalogues are present by tests/importers/test_import_nexus.py."""
    from riskgraph import resources

    monkeypatch.setattr(resources, "curated_data_files", lambda: [])
    monkeypatch.setattr(resources, "external_data_files", lambda: [])


@needs_java
def test_bundled_data_is_consistent_under_hermit(bundled_check):
    checked = bundled_check  # check() over the whole bundled data, once per session
    assert checked.reasoning.reasoner.startswith("HermiT")
    assert checked.reasoning.consistent, [str(c) for c in checked.reasoning.clashes]
    assert checked.ok


@needs_java
def test_inconsistent_fixture_is_reported_with_individual_and_axiom(ontology_only):
    """The clash is in the fixture against the ontology: the bundled data plays no part."""
    checked = check([INCONSISTENT])
    assert not checked.reasoning.consistent
    text = " ".join(str(c) for c in checked.reasoning.clashes)
    assert "mitigation:fixture-confused" in text
    assert "owl:disjointWith" in text and "rg:mitigates" in text


def test_pure_python_closure_also_finds_the_clash(ontology_only):
    """The clash is in the fixture against the ontology: the bundled data plays no part."""
    checked = check([INCONSISTENT], use_hermit=False)
    assert checked.reasoning.reasoner.startswith("OWL-RL")
    assert not checked.reasoning.consistent


@pytest.mark.parametrize("use_hermit", [
    pytest.param(True, marks=needs_java, id="hermit"),
    pytest.param(False, id="owl-rl"),
])
def test_reasoners_materialise_domain_types_and_inverse_values(tmp_path, use_hermit,
                                                               ontology_only):
    """The two inferences follow from the ontology's domain and inverse axioms and the
    contributed file alone: the bundled data plays no part."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix rg: <https://w3id.org/riskgraph/ns#> .\n"
        "<https://w3id.org/riskgraph/id/mitigation/fixture-m> rg:mitigates "
        "<https://w3id.org/riskgraph/id/risk/fixture-r> .\n"
        "<https://w3id.org/riskgraph/id/risk/fixture-r> a rg:Risk .\n",
        encoding="utf-8",
    )
    inferred = check([extra], use_hermit=use_hermit).reasoning.inferred
    m = URIRef("https://w3id.org/riskgraph/id/mitigation/fixture-m")
    r = URIRef("https://w3id.org/riskgraph/id/risk/fixture-r")
    assert (m, RDF.type, URIRef(RG + "Mitigation")) in inferred
    assert (r, URIRef(RG + "mitigatedBy"), m) in inferred


def test_hermit_runs_with_the_quick_jvm_options_and_leaves_owlready2_as_it_was(monkeypatch):
    if not java_available():
        pytest.skip("HermiT needs java")
    import subprocess

    from owlready2 import reasoning
    from rdflib import Graph

    from riskgraph.reason.reasoner import JAVA_OPTIONS, reason

    seen: list[dict] = []
    real = subprocess.check_output

    def spy(command, **kwargs):
        seen.append(kwargs.get("env") or {})
        return real(command, **kwargs)

    monkeypatch.setattr(reasoning.subprocess, "check_output", spy)
    before = dict(reasoning._subprocess_kargs)
    graph = Graph().parse(data="<https://w3id.org/riskgraph/id/risk/x> a "
                               "<http://www.w3.org/2002/07/owl#Thing> .", format="turtle")
    assert reason(graph, use_hermit=True).consistent
    assert seen and JAVA_OPTIONS in seen[0].get("JDK_JAVA_OPTIONS", "")
    assert reasoning._subprocess_kargs == before
