"""The MIT AI Risk Repository and AI Incident Database imports: reproduction from the
upstream files in ../shared/sources/external/, counts against those files, links to
riskgraph's own MIT concepts, datasets and licences, one node per publication, and the
risk_dossier query.

The upstream files are beside the checkout (../shared, as in CI); RISKGRAPH_SHARED may
name the shared folder elsewhere. Without them the reproduction tests fail rather than
skip: the committed files must stay reproducible.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest
from query_rows import rows
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from riskgraph import resources
from riskgraph.io.rdf import load_files

RG = Namespace("https://w3id.org/riskgraph/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCT = Namespace("http://purl.org/dc/terms/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
ID = "https://w3id.org/riskgraph/id/"
ROOT = Path(__file__).resolve().parents[2]
XLSX = "mit-ai-risk-repository-v3/The AI Risk Repository V3_26_03_2025.xlsx"
AIID = "aiid-snapshot-2025-03"
MIT_DIR = resources.data_dir() / "external" / "mit-ai-risk-repository"
AIID_DIR = resources.data_dir() / "external" / "aiid"
CODES = (RG.mitDomain, RG.mitSubdomain, RG.mitEntity, RG.mitIntent, RG.mitTiming)


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


@pytest.fixture(scope="module")
def external() -> Path:
    given = os.environ.get("RISKGRAPH_SHARED")
    shared = Path(given) if given else ROOT.parent / "shared"
    folder = shared / "sources" / "external"
    assert (folder / XLSX).is_file() and (folder / AIID).is_dir(), (
        f"the upstream files are not at {folder}: put the shared folder beside the checkout "
        "or set RISKGRAPH_SHARED to it")
    return folder


@pytest.fixture(scope="module")
def mit_import(external):
    from riskgraph.importers.mit_repository import import_mit_repository

    return import_mit_repository(external / XLSX)


@pytest.fixture(scope="module")
def aiid_import(external):
    from riskgraph.importers.aiid import import_aiid

    return import_aiid(external / AIID)


@pytest.fixture(scope="module")
def graph() -> Graph:
    files = sorted(MIT_DIR.glob("*.ttl")) + sorted(AIID_DIR.glob("*.ttl"))
    return load_files(files + [resources.data_dir() / "taxonomies.ttl"], bundled=True)


@pytest.fixture(scope="module")
def mit_concepts() -> set:
    g = load_files([resources.data_dir() / "taxonomies.ttl"], bundled=True)
    return {s for cls in (RG.RiskDomain, RG.RiskSubdomain, RG.CausalCategory)
            for s in g.subjects(RDF.type, cls)}


def committed(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}


# --- reproduction ----------------------------------------------------------------------
def test_mit_import_reproduces_the_committed_files(mit_import):
    files = committed(MIT_DIR)
    assert sorted(files) == sorted(mit_import.files)
    for name, text in mit_import.files.items():
        assert files[name] == text, f"{name} differs: re-run `riskgraph import mit-repository`"


def test_aiid_import_reproduces_the_committed_files(aiid_import):
    files = committed(AIID_DIR)
    assert sorted(files) == sorted(aiid_import.files)
    for name, text in aiid_import.files.items():
        assert files[name] == text, f"{name} differs: re-run `riskgraph import aiid`"


# --- counts against the upstream files ----------------------------------------------------
def test_counts_per_kind_match_the_spreadsheet(external, graph):
    from riskgraph.importers.mit_repository import read_workbook

    rows, _ = read_workbook(external / XLSX)
    levels = Counter(r[7] for r in rows if r and r[7])
    assert (levels["Paper"], levels["Risk Category"], levels["Risk Sub-Category"],
            levels["Additional evidence"]) == (65, 515, 1097, 565)
    ds = iri("dataset", "mit-ai-risk-repository-v3")
    docs = {s for s in graph.subjects(VOID.inDataset, ds) if str(s).startswith(ID +
                                                                                "publication/")}
    assert len(docs) == levels["Paper"]
    assert len(set(graph.subjects(RDF.type, RG.RepositoryRiskCategory))) == 515
    assert len(set(graph.subjects(RDF.type, RG.RepositoryRiskSubcategory))) == 1097
    assert len(set(graph.subjects(RDF.type, RG.LocatedReference))) == 565
    # every sub-category sits under a category, except those the report names as defects
    subs = set(graph.subjects(RDF.type, RG.RepositoryRiskSubcategory))
    orphans = {s for s in subs if (s, SKOS.broader, None) not in graph}
    report = (MIT_DIR / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert f"### sub-category without its category ({len(orphans)})" in report
    for s in subs - orphans:
        assert (graph.value(s, SKOS.broader), RDF.type, RG.RepositoryRiskCategory) in graph


def test_counts_match_the_incident_files(external, graph):
    with open(external / AIID / "incidents.csv", encoding="utf-8", newline="") as f:
        incidents = list(csv.DictReader(f))
    with open(external / AIID / "classifications_MIT.csv", encoding="utf-8", newline="") as f:
        classified = list(csv.DictReader(f))
    assert (len(incidents), len(classified)) == (989, 869)
    aiid = set(graph.subjects(VOID.inDataset, iri("dataset", "aiid-2025-03")))
    found = {s for s in aiid if (s, RDF.type, RG.Incident) in graph}
    assert len(found) == 989
    assert {str(graph.value(s, DCT.identifier)) for s in found} == {
        r["incident_id"] for r in incidents}
    with_codes = set(graph.subjects(VOID.inDataset,
                                    iri("dataset", "aiid-mit-classifications-2025-03")))
    assert len(with_codes) == 869 and with_codes <= found


def test_coded_risks_and_incidents_link_to_existing_mit_concepts(graph, mit_concepts):
    linked = set()
    for prop in CODES:
        for s, o in graph.subject_objects(prop):
            assert o in mit_concepts, f"{s} {prop} {o} is not one of riskgraph's MIT concepts"
            linked.add(s)
    # no second taxonomy: the imports declare no domain, subdomain or causal concept
    for cls in (RG.RiskDomain, RG.RiskSubdomain, RG.CausalCategory):
        assert set(graph.subjects(RDF.type, cls)) <= mit_concepts
    risks = set(graph.subjects(RDF.type, RG.RepositoryRiskCategory)) | set(
        graph.subjects(RDF.type, RG.RepositoryRiskSubcategory))
    uncoded = {r for r in risks if (r, RG.mitSubdomain, None) not in graph}
    # every risk without a subdomain keeps its out-of-taxonomy code, and is counted
    for r in uncoded:
        assert (r, RG.taxonomyCode, None) in graph
    written = Counter()
    for r in uncoded:
        codes = {str(c) for c in graph.objects(r, RG.taxonomyCode) if ":" not in str(c)}
        if any(c.startswith("X") for c in codes):
            written["X"] += 1
            assert (r, RG.mitDomain, None) not in graph  # excluded: never forced in
        elif any(c.endswith(".0") for c in codes):
            written["N.0"] += 1
            dom = graph.value(r, RG.mitDomain)
            assert dom is not None and str(dom).endswith("mit-" + next(iter(codes))[0])
    report = (MIT_DIR / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert f"| risks excluded from the domain taxonomy (X.1) | {written['X']} |" in report
    assert f"| risks coded to a domain only (N.0) | {written['N.0']} |" in report
    assert f"| risks coded to a subdomain | {len(risks - uncoded)} |" in report
    incidents = set(graph.subjects(VOID.inDataset,
                                   iri("dataset", "aiid-mit-classifications-2025-03")))
    assert all((i, RG.mitSubdomain, None) in graph or (i, RG.taxonomyCode, None) in graph
               for i in incidents)
    assert incidents <= linked


def test_every_new_entity_is_in_a_dataset_with_a_licence(graph):
    datasets = set(graph.subjects(RDF.type, RG.SourceDataset))
    for ds in datasets:
        assert (ds, DCT.license, None) in graph, f"{ds} has no licence"
    typed = {s for s in graph.subjects(RDF.type, None) if str(s).startswith(ID)}
    curated = set(load_files([resources.data_dir() / "taxonomies.ttl"], bundled=True).subjects())
    for s in typed - curated - datasets:
        found = set(graph.objects(s, VOID.inDataset))
        assert found and found <= datasets | {iri("dataset", "riskgraph-curated")}, s
    aiid = [d for d in datasets if "aiid" in str(d)]
    for ds in aiid:  # share-alike: the converted incident files are their own datasets
        if "links" not in str(ds):
            assert graph.value(ds, DCT.license) == URIRef(
                "https://creativecommons.org/licenses/by-sa/4.0/")


def test_no_publication_is_there_twice(store):
    from riskgraph.query.canned import parse_query, prepare, run_prepared

    # over the whole bundled graph (curated data and every import), in the store
    text = """PREFIX rg: <https://w3id.org/riskgraph/ns#>
    PREFIX bibo: <http://purl.org/ontology/bibo/>
    SELECT ?key (COUNT(DISTINCT ?p) AS ?n) WHERE {
      ?p a rg:Publication .
      { ?p bibo:doi ?k BIND(CONCAT("doi ", LCASE(STR(?k))) AS ?key) }
      UNION { ?p rg:arxivId ?k BIND(CONCAT("arXiv ", STR(?k)) AS ?key) }
    } GROUP BY ?key HAVING (COUNT(DISTINCT ?p) > 1)"""
    result = run_prepared(prepare(parse_query(text, "--sparql", canned=False), None, store),
                          store)
    assert result.rows == []
    # the documents riskgraph already had are reused, not minted again
    reused = iri("publication", "hendrycks-2023-catastrophic-risks")
    documents = load_files([MIT_DIR / "documents.ttl"], bundled=True)
    assert (reused, VOID.inDataset, iri("dataset", "mit-ai-risk-repository-v3")) in documents
    assert (reused, RDF.type, None) not in documents


def test_nexus_incidents_linked_to_aiid_with_a_reason(graph):
    nexus = load_files([resources.nexus_dir() / "ibm-risk-atlas.ttl"], bundled=True)
    links = list(graph.subject_objects(RG.sameIncidentAs))
    assert links
    for left, right in links:
        assert (left, RDF.type, RG.Incident) in nexus and (right, RDF.type, RG.Incident) in graph
        records = [r for r in graph.subjects(RG.mappingSubject, left)
                   if (r, RG.mappingObject, right) in graph]
        assert len(records) == 1
        assert graph.value(records[0], RG.mappingJustification) is not None
        assert graph.value(records[0], RG.sourceNote) is not None
        assert graph.value(records[0], RG.classifiedBy) == iri("agent", "riskgraph-curation")


# --- the questions -----------------------------------------------------------------------
@pytest.mark.parametrize("risk", ["4.2", "CBRN"])
def test_risk_dossier_gives_frameworks_incidents_and_evidenced_mitigations(store, risk):
    found = rows(store, "risk_dossier", risk=risk)
    parts = Counter(r["part"] for r in found)
    assert parts["1 framework"] >= 10 and parts["2 incident"] >= 2
    assert parts["3 evidenced mitigation"] >= 3
    mitigations = {r["item"] for r in found if r["part"] == "3 evidenced mitigation"}
    # risks and incidents are context, never mitigations
    assert not any("/concept/" in m or "/incident/" in m for m in mitigations)
    assert all(r["sources"] for r in found)
    incident = next(r for r in found if r["part"] == "2 incident")
    assert incident["year"].isdigit() and "AI Incident Database" in incident["sources"]


def test_framework_risks_and_incidents_queries(store):
    risks = rows(store, "framework_risks", document="An Overview of Catastrophic AI Risks")
    assert {"Bioterrorism"} <= {r["label"] for r in risks}
    assert all(r.get("code") or r.get("outside") for r in risks)
    found = rows(store, "incidents", subdomain="4.2")
    assert len(found) == 2 and all(r.get("code") == "4.2" for r in found)
    assert rows(store, "incidents", deployer="openai", year="2023")


def test_effective_mitigations_stays_evidence_led(store):
    found = rows(store, "effective_mitigations")
    assert found and all("/mitigation/" in r["mitigation"] for r in found)


# --- the command line -------------------------------------------------------------------
def test_bad_input_is_exit_2_with_the_file_named(run_cli, tmp_path):
    bad = tmp_path / "not.xlsx"
    bad.write_text("hello")
    result = run_cli("import", "mit-repository", "--from", str(bad), "-o", str(tmp_path / "o"))
    assert result.exit_code == 2 and "not.xlsx" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("import", "aiid", "--from", str(empty), "-o", str(tmp_path / "o"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
    for name in ("incidents.csv", "classifications_MIT.csv", "license.txt"):
        (empty / name).write_bytes(b"incident_id,title\n1,\x00bad\n")
    result = run_cli("import", "aiid", "--from", str(empty), "-o", str(tmp_path / "o"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_risk_dossier_lists_each_incident_of_a_domain_once(store):
    found = [r for r in rows(store, "risk_dossier", risk="4") if r["part"] == "2 incident"]
    items = [r["item"] for r in found]
    assert len(items) == len(set(items)) == 157  # the snapshot's domain-4 classifications


@pytest.mark.parametrize("command", ["mit-repository", "aiid"])
def test_an_import_never_replaces_a_folder_it_did_not_make(run_cli, tmp_path, command):
    """The two imports passed no marker to the one folder writer: a TypeError ("this is a
    bug") instead of the refusal import nexus gives, after reading the whole input."""
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "thesis.tex").write_text("chapter one", encoding="utf-8")
    source = tmp_path / ("in.xlsx" if command == "mit-repository" else "snapshot")
    if command == "aiid":
        source.mkdir()
    else:
        source.write_bytes(b"not read")
    result = run_cli("import", command, "--from", str(source), "-o", str(mine))
    assert result.exit_code == 2 and "bug" not in result.output, result.output
    assert "thesis" in result.output
    assert [p.name for p in mine.iterdir()] == ["thesis.tex"]
