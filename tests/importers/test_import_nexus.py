"""The AI Atlas Nexus import: reproduction, counts, provenance, licences, defects,
mappings and the split reasoning that keeps the build fast.

Nothing is downloaded. Tests that need the wheel read it from RISKGRAPH_NEXUS_WHEEL
(CI fetches it with `pip download --no-deps ai-atlas-nexus==1.2.5`); without it they
are skipped, and the rest check the committed files.
"""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from riskgraph import resources
from riskgraph.importers.sssom import parse_sssom_tsv
from riskgraph.io.rdf import load_files, ontology_files

RG = Namespace("https://w3id.org/riskgraph/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCT = Namespace("http://purl.org/dc/terms/")
ID = "https://w3id.org/riskgraph/id/"
SHA256 = "e65e42e70b49820762ca82cb23a48f8a79b6984abe951ec2087305857d0b642d"


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


@pytest.fixture(scope="module")
def wheel() -> Path:
    path = os.environ.get("RISKGRAPH_NEXUS_WHEEL")
    if not path or not Path(path).is_file():
        pytest.skip("RISKGRAPH_NEXUS_WHEEL does not name an ai-atlas-nexus wheel")
    return Path(path)


@pytest.fixture(scope="module")
def imported(wheel):
    from riskgraph.importers.nexus import import_nexus

    return import_nexus(wheel)


@pytest.fixture(scope="module")
def package(wheel):
    with zipfile.ZipFile(wheel) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith((".yaml", ".tsv"))}


@pytest.fixture(scope="module")
def nexus() -> Graph:
    # the Nexus import only (data/external/ holds other imports too)
    return load_files(sorted(resources.nexus_dir().glob("*.ttl")))


@pytest.fixture(scope="module")
def bundle() -> Graph:
    return load_files(ontology_files() + resources.data_files(), bundled=True)


# --- reproduction --------------------------------------------------------------------------
def test_the_import_reproduces_the_committed_files_byte_for_byte(imported):
    folder = resources.nexus_dir()
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}
    assert sorted(committed) == sorted(imported.files)
    for name, text in imported.files.items():
        assert committed[name] == text, f"{name} differs: re-run `riskgraph import nexus`"


def test_the_import_is_deterministic(wheel, imported):
    from riskgraph.importers.nexus import import_nexus

    assert import_nexus(wheel).files == imported.files


def test_wheel_version_and_checksum_are_recorded(nexus):
    package = iri("dataset", "ai-atlas-nexus-1.2.5")
    assert str(nexus.value(package, RG.sha256)) == SHA256
    assert str(nexus.value(package, DCT.hasVersion)) == "1.2.5"
    for name in ("datasets.ttl", "nist-ai-600-1.ttl", "IMPORT-REPORT.md"):
        assert SHA256 in (resources.nexus_dir() / name).read_text(encoding="utf-8")


# --- counts ----------------------------------------------------------------------------------
def _per_dataset(graph: Graph, cls: URIRef) -> Counter:
    return Counter(str(d).rsplit("/", 1)[-1] for s in graph.subjects(RDF.type, cls)
                   for d in graph.objects(s, VOID.inDataset))


def test_counts_per_source_match_the_package_files(package, nexus):
    kg = "ai_atlas_nexus/data/knowledge_graph/"
    from riskgraph.importers.nexus_sources import SOURCES

    risks = _per_dataset(nexus, RG.CatalogueRisk)
    groups = _per_dataset(nexus, RG.RiskGroup)
    for src in SOURCES:
        entries = sum(len(yaml.safe_load(package[kg + f]).get("entries") or [])
                      for f in src.files)
        group_n = sum(len(yaml.safe_load(package[kg + f]).get("groups") or [])
                      for f in src.files)
        ds = f"nexus-{src.slug}"
        if src.slug == "mit-ai-risk-repository":
            # all 33 entries and 7 domain groups are riskgraph's own concepts, reused
            reused = [s for s in nexus.subjects(VOID.inDataset, iri("dataset", ds))
                      if nexus.value(s, DCT.identifier) is not None]
            assert entries == 33 and len(reused) == 33 + 7 + 2 + 1  # + 2 schemes + the paper
            continue
        if src.slug == "mit-ai-risk-mitigations":
            assert len(list(nexus.subjects(RG.controlCategory, None))) == 820
            assert _per_dataset(nexus, RG.ControlCategory)[ds] == group_n == 27
            continue
        assert risks[ds] == entries, src.slug
        assert groups[ds] == group_n, src.slug
    mitigations = _per_dataset(nexus, RG.CatalogueMitigation)
    assert mitigations["nexus-mit-ai-risk-mitigations"] == len(
        yaml.safe_load(package[kg + "mit_ai_risk_repository_data_controls.yaml"])["controls"])
    assert mitigations["nexus-nist-ai-600-1"] == len(
        yaml.safe_load(package[kg + "nist_ai_rmf_actions_data.yaml"])["actions"])
    assert mitigations["nexus-credo-ucf"] == len(yaml.safe_load(package[kg + "credo.yaml"])
                                                 ["actions"])
    assert len(list(nexus.subjects(RDF.type, RG.Incident))) == len(
        yaml.safe_load(package[kg + "risk_atlas_data_incidents.yaml"])["riskincidents"])
    records = _per_dataset(nexus, RG.MappingRecord)
    total = 0
    for name, raw in package.items():
        if name.startswith("ai_atlas_nexus/data/mappings/"):
            ms = parse_sssom_tsv(raw.decode("utf-8"), name)
            stem = name.rsplit("/", 1)[-1].removesuffix(".tsv").removesuffix(".sssom")
            from riskgraph.importers.nexus import slugify

            assert records[f"nexus-mappings-{slugify(stem)}"] == len(ms.rows), name
            total += len(ms.rows)
    assert total == 2531  # ibm2owasp.tsv row 55 is reported, not read


def test_headline_counts_of_the_committed_import(nexus):
    """630 risks from 14 taxonomies (33 of them riskgraph's MIT concepts), 831 + 212 + 42."""
    assert len(set(nexus.subjects(RDF.type, RG.CatalogueRisk))) == 597
    mitigations = _per_dataset(nexus, RG.CatalogueMitigation)
    assert mitigations == {"nexus-mit-ai-risk-mitigations": 831, "nexus-nist-ai-600-1": 212,
                           "nexus-credo-ucf": 42}
    # 2,532 rows; ibm2owasp.tsv row 55 (a cell missing mid-row) is reported, not read
    assert len(set(nexus.subjects(RDF.type, RG.MappingRecord))) == 2531


# --- provenance, licences, one node per entity ----------------------------------------------
def test_every_imported_entity_has_a_source_dataset_with_a_licence_statement(nexus, bundle):
    typed = {s for s in nexus.subjects(RDF.type, None) if str(s).startswith(ID)}
    reused = {s for s, _, _ in nexus if str(s).startswith(ID)} - typed
    for entity in sorted(typed | reused):
        datasets = list(nexus.objects(entity, VOID.inDataset))
        if (entity, RDF.type, RG.SourceDataset) in nexus:
            datasets = [entity]
        assert datasets, entity
        for ds in datasets:
            lic = bundle.value(ds, DCT.license) or bundle.value(ds, RG.licenceNote)
            assert lic is not None, ds


def test_licences_are_the_real_ones_and_never_guessed(nexus):
    def licence(slug):
        ds = iri("dataset", slug)
        return str(nexus.value(ds, DCT.license) or nexus.value(ds, RG.licenceNote))

    assert licence("ai-atlas-nexus-1.2.5") == "https://www.apache.org/licenses/LICENSE-2.0"
    assert licence("nexus-mit-ai-risk-repository") == "https://creativecommons.org/licenses/by/4.0/"
    assert licence("nexus-mit-ai-risk-mitigations") == \
        "https://creativecommons.org/licenses/by/4.0/"
    for owasp in ("nexus-owasp-llm-2025", "nexus-owasp-asi-2026", "nexus-owasp-ast10"):
        assert licence(owasp) == "https://creativecommons.org/licenses/by-sa/4.0/"
    for unknown in ("nexus-ibm-risk-atlas", "nexus-air-2024", "nexus-credo-ucf",
                    "nexus-ailuminate", "nexus-eticas", "nexus-nist-ai-600-1"):
        assert licence(unknown) == "not stated"


def test_every_curated_entity_is_in_the_curated_dataset():
    curated = load_files([p for p in resources.curated_data_files()], bundled=True)
    typed = {s for s in curated.subjects(RDF.type, None) if str(s).startswith(ID)
             and (s, RDF.type, RG.Figure) not in curated}  # figures go with their evidence
    missing = sorted(str(s) for s in typed
                     if (s, VOID.inDataset, iri("dataset", "riskgraph-curated")) not in curated
                     and s != iri("dataset", "riskgraph-curated"))
    assert missing == [], "add them to data/curated-membership.ttl"


def test_the_mit_taxonomy_and_shared_publications_are_one_node(nexus, bundle):
    # The MIT domains/subdomains of the package are riskgraph's concepts, not copies.
    assert not [s for s in nexus.subjects(DCT.identifier, None)
                if str(nexus.value(s, DCT.identifier)).startswith("mit-ai-risk-subdomain")
                and not str(s).startswith(ID + "concept/mit-")]
    assert (iri("concept", "mit-4.2"), VOID.inDataset,
            iri("dataset", "nexus-mit-ai-risk-repository")) in nexus
    for slug in ("slattery-2024-ai-risk-repository", "uuk-2024-effective-mitigations",
                 "nist-ai-600-1"):
        assert (iri("publication", slug), None, None) in nexus
        assert (iri("publication", slug), RDF.type, None) not in nexus  # typed by curation only
    labels = Counter(str(o) for s in bundle.subjects(RDF.type, RG.RiskSubdomain)
                     for o in bundle.objects(s, SKOS.notation))
    assert set(labels.values()) == {1} and len(labels) == 24


def test_nist_actions_link_to_riskgraphs_functions_and_actor_tasks(nexus):
    action = iri("mitigation", "nist-gv-1.2-002")
    assert nexus.value(action, RG.nistFunction) == iri("concept", "rmf-govern")
    assert nexus.value(action, RG.forActorTask) == iri("concept", "task-governance-and-oversight")
    cbrn = iri("concept", "nist-cbrn-information-or-capabilities")
    assert len(set(nexus.subjects(RG.addresses, cbrn))) == 28


# --- mappings --------------------------------------------------------------------------------
def test_no_concept_is_both_broad_and_narrow_match_of_another(bundle):
    both = [(s, o) for s, o in bundle.subject_objects(SKOS.broadMatch)
            if (s, SKOS.narrowMatch, o) in bundle]
    assert both == []


def test_mapping_records_keep_justification_author_and_date(nexus):
    record = iri("mapping", "nexus-ibm2nistgenai-0001")
    assert nexus.value(record, RG.mappingJustification) == URIRef(
        "https://w3id.org/semapv/vocab/ManualMappingCuration")
    assert str(nexus.value(record, RG.mappingAuthor)) == "cgi@zurich.ibm.com"
    assert nexus.value(record, RG.confidence) == Literal("0.95", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#decimal"))
    subject = nexus.value(record, RG.mappingSubject)
    obj = nexus.value(record, RG.mappingObject)
    assert (subject, SKOS.closeMatch, obj) in nexus
    llm = [r for r in nexus.subjects(RG.mappingJustification,
                                     URIRef("https://w3id.org/semapv/vocab/LLMBasedMatching"))]
    assert len(llm) > 100


# --- defects ---------------------------------------------------------------------------------
def test_the_report_lists_the_known_upstream_defects():
    report = (resources.nexus_dir() / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert "### Group.broader declared as skos:narrower" in report
    assert "20 risks name an isPartOf group that no package file defines" in report
    assert "11 of the 831 mitigations of the MIT database have no row" in report
    assert "mit-draft-ai-risk-mitigation-group-3 > mit-draft-ai-risk-mitigation-group-3.6" \
        in report
    assert "ibm-risk-atlas, ibmairisk" in report
    assert "### Corrections made on import" in report.replace("## Corrections", "### Corrections")


def test_the_broader_correction_is_marked_on_the_triple_subject(nexus):
    child = iri("concept", "mit-draft-ai-risk-mitigation-group-3.6")
    parent = iri("concept", "mit-draft-ai-risk-mitigation-group-3")
    assert nexus.value(child, SKOS.broader) == parent
    assert "maps that key to skos:narrower" in str(nexus.value(child, SKOS.editorialNote))


# --- command line ------------------------------------------------------------------------------
def test_import_without_a_wheel_names_the_pip_download_command(run_cli, monkeypatch):
    monkeypatch.delenv("RISKGRAPH_NEXUS_WHEEL", raising=False)
    result = run_cli("import", "nexus", "-o", "/nonexistent/never-written")
    assert result.exit_code == 2
    assert "pip download --no-deps ai-atlas-nexus==1.2.5" in result.output


def test_import_of_a_bad_wheel_fails_and_leaves_the_folder_alone(run_cli, tmp_path):
    bad = tmp_path / "bad.whl"
    bad.write_bytes(b"not a zip")
    out = tmp_path / "nexus"
    out.mkdir()
    (out / "keep.ttl").write_text("kept")
    result = run_cli("import", "nexus", "--from", str(bad), "-o", str(out))
    assert result.exit_code == 2
    assert [p.name for p in tmp_path.iterdir()] == sorted(["bad.whl", "nexus"]) or \
        sorted(p.name for p in tmp_path.iterdir()) == ["bad.whl", "nexus"]
    assert (out / "keep.ttl").read_text() == "kept"


def test_replace_folder_is_all_or_nothing(tmp_path):
    from riskgraph.importers.folder import replace_folder

    out = tmp_path / "out"
    replace_folder(out, {"a.ttl": "one", "b.ttl": "two"}, "a.ttl")
    assert sorted(p.name for p in out.iterdir()) == ["a.ttl", "b.ttl"]

    class Boom(str):
        def encode(self, *args, **kwargs):
            raise OSError("disk full")

    with pytest.raises(OSError):
        replace_folder(out, {"a.ttl": "new", "c.ttl": Boom("x")}, "a.ttl")
    assert sorted(p.name for p in out.iterdir()) == ["a.ttl", "b.ttl"]
    assert (out / "a.ttl").read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    link = tmp_path / "link"
    link.symlink_to(out)
    from riskgraph.errors import InputError

    with pytest.raises(InputError):
        replace_folder(link, {"a.ttl": "x"}, "a.ttl")


def test_import_cli_writes_the_folder(run_cli, wheel, tmp_path, imported):
    out = tmp_path / "nexus"
    result = run_cli("import", "nexus", "--from", str(wheel), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "mappings-ibm2nistgenai: SKOS matches" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(imported.files)


# --- reasoning at the new size ------------------------------------------------------------------
def test_the_ontology_stays_in_the_fragment_split_reasoning_relies_on():
    from riskgraph.build.split_reason import unsupported_axioms

    assert unsupported_axioms(load_files(ontology_files(), bundled=True)) == []


def test_split_reasoning_equals_hermit_over_the_whole_merged_graph():
    from riskgraph.build.split_reason import reason_split
    from riskgraph.reason.reasoner import java_available, reason

    if not java_available():
        pytest.skip("HermiT needs java")
    ontology = load_files(ontology_files(), bundled=True)
    curated = load_files(resources.curated_data_files(), bundled=True)
    external = load_files(resources.external_data_files(), bundled=True)
    split = reason_split(ontology, curated, external, use_hermit=True)
    full = reason(ontology + curated + external, use_hermit=True)
    assert split.consistent and full.consistent
    assert set(split.inferred) == set(full.inferred)


def test_split_reasoning_finds_a_clash_in_the_imported_layer(tmp_path):
    from riskgraph.build.split_reason import reason_split
    from riskgraph.reason.reasoner import java_available

    if not java_available():
        pytest.skip("HermiT needs java")
    ontology = load_files(ontology_files(), bundled=True)
    curated = load_files(resources.curated_data_files(), bundled=True)
    external = Graph()
    bad = iri("mitigation", "nexus-test-clash")
    external.add((bad, RDF.type, RG.CatalogueMitigation))
    external.add((bad, RDF.type, SKOS.Concept))
    result = reason_split(ontology, curated, external, use_hermit=True)
    assert not result.consistent
    assert any("nexus-test-clash" in str(c) for c in result.clashes)


# --- the curated crosswalk ---------------------------------------------------------------------
def test_the_crosswalk_covers_all_28_survey_rows_of_the_database(bundle):
    rows = {s for s in bundle.subjects(RDF.type, RG.CatalogueMitigation)
            if str(bundle.value(s, DCT.identifier)).endswith("_Uuk2024")}
    assert len(rows) == 28
    linked = {o for o in bundle.objects(None, SKOS.exactMatch) if o in rows}
    assert linked == rows
    records = [r for r in bundle.subjects(RG.mappingSet, iri("dataset", "riskgraph-curated"))
               if bundle.value(r, RG.mappingObject) in rows]
    assert len(records) == 28
    for record in records:
        assert bundle.value(record, RG.mappingJustification) == URIRef(
            "https://w3id.org/semapv/vocab/ManualMappingCuration")
        assert "checked by reading both descriptions" in str(bundle.value(record, RG.sourceNote))
        subject = bundle.value(record, RG.mappingSubject)
        assert (subject, RDF.type, RG.Mitigation) in bundle
        assert (subject, SKOS.exactMatch, bundle.value(record, RG.mappingObject)) in bundle
    incident = iri("mitigation", "safety-incident-reports-and-security-information-sharing")
    assert set(bundle.objects(incident, SKOS.exactMatch)) == {
        iri("mitigation", "a1036-uuk2024"), iri("mitigation", "a1037-uuk2024")}


def test_the_four_unknown_survey_measures_are_named_and_the_study_lists_27(bundle):
    study = iri("study", "uuk-2024-expert-survey")
    studied = set(bundle.objects(study, RG.studiedMitigation))
    assert len(studied) == 27
    for slug, row in (("adversarial-robustness", "a1019"), ("fine-tuning-restrictions", "a1025"),
                      ("intolerable-risk-thresholds", "a1028"),
                      ("pre-development-risk-assessments", "a1031")):
        measure = iri("mitigation", slug)
        assert measure in studied
        assert bundle.value(measure, RG.navigatorId) is None
        assert (measure, SKOS.exactMatch, iri("mitigation", f"{row}-uuk2024")) in bundle


# --- SSSOM export ------------------------------------------------------------------------------
def test_export_sssom_writes_riskgraphs_own_mappings(run_cli, tmp_path):
    out = tmp_path / "riskgraph.sssom.tsv"
    result = run_cli("export", "sssom", "-o", str(out))
    assert result.exit_code == 0, result.output
    ms = parse_sssom_tsv(out.read_text(encoding="utf-8"), out.name)
    assert ms.meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    crosswalk = [r for r in ms.rows if r["object_id"].endswith("-uuk2024")]
    assert len(crosswalk) == 28
    assert all(r["mapping_justification"] == "semapv:ManualMappingCuration" for r in crosswalk)
    assert all("checked by reading both descriptions" in r["comment"] for r in crosswalk)
    assert any(r["object_id"].startswith("airo:") for r in ms.rows)  # the AIRO alignments
    assert ms.expand(crosswalk[0]["subject_id"]).startswith(ID + "mitigation/")
    # nothing imported from other projects is re-exported as riskgraph's
    assert not [r for r in ms.rows if r["subject_id"].startswith("concept:atlas-")]
