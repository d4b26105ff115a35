"""`riskgraph validate` and the shapes: fixtures named after their defect, exit codes,
report formats, bad input, templates, and the contribution-sized data graph."""

from __future__ import annotations

import hashlib
import json
import re
import socket
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from riskgraph import resources
from riskgraph.namespaces import ID_PATTERN
from riskgraph.validation.locate import EntityLocator, statements
from riskgraph.validation.scoped import (
    Context,
    data_graph,
    focus_nodes,
    load_shapes,
    validate_files,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
TEMPLATES = ROOT / "contrib" / "templates"
RGSH = "https://w3id.org/riskgraph/shapes#"


def run_json(run_cli, *args):
    result = run_cli("validate", "--format", "json", *args)
    return result, json.loads(result.stdout)


# ---------------------------------------------------------------------------
# The shapes themselves
# ---------------------------------------------------------------------------
def test_identifier_pattern_in_shapes_is_the_one_in_namespaces():
    shapes = load_shapes()
    pattern = shapes.value(URIRef(RGSH + "EntityIdentifier"), SH.pattern)
    assert str(pattern) == ID_PATTERN.pattern


def _targeted(shapes: Graph):
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    return {s for t in targets for s in shapes.subjects(t, None)}


def test_every_constraint_has_a_message_and_a_severity():
    shapes = load_shapes()
    checked = 0
    node_level = (SH.pattern, SH.node, SH["or"], SH.nodeKind, SH["class"])
    for shape in _targeted(shapes):
        if any((shape, p, None) in shapes for p in node_level):
            assert (shape, SH.message, None) in shapes, shape
            assert (shape, SH.severity, None) in shapes, shape
            checked += 1
        for prop in shapes.objects(shape, SH.property):
            assert (prop, SH.message, None) in shapes, (shape, prop)
            assert (prop, SH.severity, None) in shapes, (shape, prop)
            checked += 1
        for constraint in shapes.objects(shape, SH.sparql):
            assert (constraint, SH.message, None) in shapes, constraint
            assert (constraint, SH.severity, None) in shapes, constraint
            checked += 1
    assert checked > 80


def test_every_kind_has_a_named_node_shape():
    shapes = load_shapes()
    targeted_classes = set(shapes.objects(None, SH.targetClass))
    for kind in ("Risk", "Mitigation", "Publication", "Source", "WebPage", "Study",
                 "Assessment", "RiskJudgement", "Claim", "Figure", "RiskDomain",
                 "RiskSubdomain", "RiskArea", "CausalCategory", "MitigationCategory",
                 "LifecycleStage", "RmfFunction", "Actor", "ActorTask", "Stance",
                 "Scenario", "Measure", "Comparator"):
        assert URIRef("https://w3id.org/riskgraph/ns#" + kind) in targeted_classes, kind
        assert (URIRef(RGSH + kind), RDF.type, SH.NodeShape) in shapes, kind


def test_the_bundled_data_conforms(bundled_reference):
    result = bundled_reference  # validate_bundled(): pyshacl, once per session
    assert result.unreadable_count == 0
    problems = [f"{f.path.name}:{p.line} {p.entity} {p.path} {p.message}"
                for f in result.files for p in f.problems if p.severity == "Violation"]
    assert problems == []
    assert result.violation_count == 0
    assert len(result.files) == len(resources.data_files())
    assert sum(f.entities for f in result.files) > 100


def test_bundled_data_same_report(bundled_reference):
    """`riskgraph validate` with no files: the whole report is the same, message and
    line included, file by file (the reference is pyshacl's, ``validate_bundled()``)."""
    reference = bundled_reference
    from riskgraph.validation import whole

    fast = whole.validate_bundled_fast()
    assert fast.engine == "compiled" and reference.engine == "pyshacl"

    def rows(result):
        return sorted((str(p.file), p.entity, p.line, p.path, p.value, p.message, p.severity,
                       p.shape, p.component) for p in result.problems)

    assert rows(fast) == rows(reference)
    assert [(f.path, f.entities, f.triples) for f in fast.files] == [
        (f.path, f.entities, f.triples) for f in reference.files]
    assert fast.to_text() == reference.to_text()
    assert fast.to_json() == reference.to_json()



def test_validate_without_files_validates_the_bundled_data(run_cli):
    result = run_cli("validate")
    assert result.exit_code == 0, result.output
    for path in resources.data_files():
        assert str(path) in result.output
    assert "0 violations" in result.output


# ---------------------------------------------------------------------------
# Valid fixtures and templates
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in VALID.iterdir()))
def test_valid_fixture_conforms(run_cli, name):
    result = run_cli("validate", str(VALID / name))
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_all_valid_fixtures_in_one_call(run_cli):
    result, report = run_json(run_cli, *sorted(str(p) for p in VALID.iterdir()))
    assert result.exit_code == 0
    assert report["conforms"] is True
    assert {f["status"] for f in report["files"]} == {"conforms"}


PLACEHOLDER_DOC = re.compile(r"^#\s+\{\{([\w-]+)\}\}\s.*?\be\.g\.\s+(.+?)\s*$", re.M)


def fill_template(path: Path) -> str:
    """Replace each placeholder by the example its template documents."""
    text = path.read_text(encoding="utf-8")
    examples = dict(PLACEHOLDER_DOC.findall(text))
    used = set(re.findall(r"\{\{([\w-]+)\}\}", text.split("\n@prefix", 1)[1]))
    assert used <= set(examples), f"undocumented placeholders: {used - set(examples)}"
    for name, value in examples.items():
        text = text.replace("{{" + name + "}}", value)
    assert not re.search(r"\{\{[\w-]+\}\}", text)
    return text


@pytest.mark.parametrize("kind", ["publication", "mitigation", "assessment", "claim"])
def test_template_validates_once_its_placeholders_are_filled(run_cli, tmp_path, kind):
    template = TEMPLATES / f"{kind}.ttl"
    filled = tmp_path / f"my-{kind}.ttl"
    filled.write_text(fill_template(template), encoding="utf-8")
    result = run_cli("validate", "--strict", str(filled))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", ["publication", "mitigation", "assessment", "claim"])
def test_unfilled_template_is_refused_with_a_placeholder_hint(run_cli, kind):
    result = run_cli("validate", str(TEMPLATES / f"{kind}.ttl"))
    assert result.exit_code == 2
    assert "template placeholders {{...}}" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------
# One invalid fixture per defect: expected message, line, property and value
# ---------------------------------------------------------------------------
INVALID_CASES = {
    # name: (exit code, severity, entity, line, property, value, message fragment)
    "missing_label": (1, "Violation", "mitigation:fixture-red-teaming", 26, "rdfs:label", None,
                      "add a name: rdfs:label"),
    "missing_definition": (1, "Violation", "mitigation:fixture-red-teaming", 26,
                           "skos:definition", None, "add a definition in your own words"),
    "label_without_language": (1, "Violation", "mitigation:fixture-red-teaming", 26,
                               "rdfs:label", '"Fixture: red-teaming of model behaviour"',
                               "tag it @en"),
    "share_above_one": (1, "Violation", "figure:fixture-red-teaming-cbrn-agreement", 48,
                        "rg:value", "45", "45 is a share or probability, so it lies between 0 "
                        "and 1"),
    "misspelt_mitigation_iri": (1, "Violation", "assessment:fixture-red-teaming-cbrn", 26,
                                "rg:assessedMitigation", "mitigation:data-curaton",
                                "must point at a declared mitigation"),
    "misspelt_risk_iri": (1, "Violation", "mitigation:fixture-red-teaming", 26, "rg:mitigates",
                          "risk:malicous-use", "rg:mitigates must point at a declared risk"),
    "assessment_without_source": (1, "Violation", "assessment:fixture-red-teaming-cbrn", 38,
                                  "dcterms:source", None, "cite where this comes from"),
    "assessment_without_stance": (1, "Violation", "assessment:fixture-red-teaming-cbrn", 38,
                                  "rg:stance", None, "give exactly one rg:stance"),
    "stage_from_wrong_scheme": (1, "Violation", "mitigation:fixture-red-teaming", 26,
                                "rg:lifecycleStage", "concept:rmf-govern",
                                "takes a stage of scheme:lifecycle-stages"),
    "duplicate_label": (1, "Violation", "mitigation:fixture-curation", 26, "rdfs:label",
                        '"Data curation"@en', "another entity of the same kind, "
                        "mitigation:data-curation, already has the label"),
    "duplicate_label_within_file": (1, "Violation", "risk:fixture-weight-exfiltration", 31,
                                    "rdfs:label", '"Fixture: theft of model weights"@en',
                                    "risk:fixture-model-theft, already has the label"),
    "bad_iri_pattern": (1, "Violation", "mitigation:Red_Teaming", 26, None, None,
                        "does not follow riskgraph's pattern"),
    "mitigation_in_risk_namespace": (1, "Violation", "risk:fixture-red-teaming", 26, None, None,
                                     "mitigations are named mitigation:<slug>"),
    "negative_respondent_count": (1, "Violation", "study:fixture-2025-expert-poll", 26,
                                  "rg:respondentCount", "-5", "a positive whole number"),
    "respondent_count_as_text": (1, "Violation", "study:fixture-2025-expert-poll", 26,
                                 "rg:respondentCount", '"twelve"', "a positive whole number"),
    "issued_not_a_date": (1, "Violation", "publication:fixture-2025-example", 18,
                          "dcterms:issued", '"March 2025"', "dcterms:issued is a date or a year"),
    "arxiv_id_with_version": (1, "Violation", "publication:fixture-2025-example", 18,
                              "rg:arxivId", '"2503.00001v2"', "without version"),
    "misspelt_property": (1, "Violation", "mitigation:fixture-red-teaming", 26, "rg:mitigtes",
                          "risk:malicious-use", "property rg:mitigtes is not declared"),
    "undeclared_class": (1, "Violation", "mitigation:fixture-red-teaming", 26, "rdf:type",
                         "rg:Mitigaton", "class rg:Mitigaton is not declared"),
    "untyped_entity": (1, "Violation", "mitigation:fixture-red-teaming", 26, "rdf:type", None,
                       "say what kind of entity this is"),
    "mitigation_without_risk": (0, "Warning", "mitigation:fixture-red-teaming", 26,
                                "rg:mitigates", None, "say which risk this mitigation reduces"),
    "contains_shapes": (2, "Violation", "mitigation:fixture-red-teaming", 28, "rdfs:label", None,
                        "add a name"),
    "remote_import": (2, None, None, None, None, None, None),
}


# Where the offending statement is written (its value, else its predicate) when that
# is not the entity's own line: the report points there, not at the entity.
STATEMENT_LINES = {
    "arxiv_id_with_version": 24, "duplicate_label": 27, "duplicate_label_within_file": 32,
    "issued_not_a_date": 23, "label_without_language": 27, "misspelt_mitigation_iri": 29,
    "misspelt_property": 35, "misspelt_risk_iri": 35, "negative_respondent_count": 29,
    "respondent_count_as_text": 29, "share_above_one": 51, "stage_from_wrong_scheme": 35,
}


def test_every_invalid_turtle_fixture_has_a_case():
    named = {p.stem for p in INVALID.glob("*.ttl")} - set(INPUT_CASES)
    assert named == set(INVALID_CASES)


@pytest.mark.parametrize("name", sorted(INVALID_CASES))
def test_invalid_fixture_reports_message_line_property_and_value(run_cli, name):
    code, severity, entity, line, prop, value, message = INVALID_CASES[name]
    path = INVALID / f"{name}.ttl"
    result, report = run_json(run_cli, str(path))
    assert result.exit_code == code, result.output
    (file_report,) = report["files"]
    found = [r for e in file_report["entities"] for r in e["results"]]
    if severity is None:
        assert found == []
        return
    matching = [r for r in found if message in r["message"]]
    assert matching, found
    problem = matching[0]
    assert problem["severity"] == severity
    assert problem["entity"] == entity
    (group,) = [e for e in file_report["entities"] if problem in e["results"]]
    assert group["line"] == line  # the entity's line
    statement_line = STATEMENT_LINES.get(name, line)
    assert problem["line"] == statement_line
    assert problem["property"] == prop
    assert problem["value"] == value
    written = path.read_text(encoding="utf-8").splitlines()[statement_line - 1]
    if value is not None:  # the column is where the value is written
        assert written[problem["column"] - 1:].startswith(value.split("@")[0])
    # The same facts in the text report a person reads.
    text = run_cli("validate", str(path)).output
    assert f"{entity} (line {line})" in text
    assert message in text
    if statement_line != line:
        assert f"{prop} {value or ''}".strip() + f" (line {statement_line})" in text


def test_misspelt_reference_is_the_only_problem_of_its_fixture(run_cli):
    _, report = run_json(run_cli, str(INVALID / "misspelt_mitigation_iri.ttl"))
    assert report["violations"] == 1 and report["warnings"] == 0


def test_warnings_fail_only_with_strict(run_cli):
    path = str(INVALID / "mitigation_without_risk.ttl")
    assert run_cli("validate", path).exit_code == 0
    strict = run_cli("validate", "--strict", path)
    assert strict.exit_code == 1
    assert "--strict: warnings fail" in strict.output


# ---------------------------------------------------------------------------
# Bad input: a clear message, the place, exit code 2, never a traceback
# ---------------------------------------------------------------------------
INPUT_CASES = {
    # name: (message fragment, line, column, hint fragment)
    "syntax_missing_dot": ("Turtle syntax error", 9, 1, "missing its closing '.'"),
    "syntax_unknown_prefix": ('Prefix "mitigation:" not bound', 5, 1, "declare the prefix"),
    "not_utf8": ("not valid UTF-8", 3, 65, "save the file as UTF-8"),
    "empty": ("the file is empty", None, None, None),
    "rdf_xml_named_ttl": ("looks like RDF/XML", None, None, "convert it to Turtle"),
}
OTHER_INPUT = {
    "rdf_xml.rdf": ("RDF/XML files are not accepted", "Turtle (.ttl)"),
    "remote_context.jsonld": ("remote JSON-LD context", "inline the context"),
}


@pytest.mark.parametrize("name", sorted(INPUT_CASES))
def test_unreadable_file_names_file_line_column_and_hint(run_cli, name):
    message, line, column, hint = INPUT_CASES[name]
    path = INVALID / f"{name}.ttl"
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    where = str(path) + (f":{line}:{column}" if line else "")
    assert f"error: {where}: " in result.output
    assert message in result.output
    if hint:
        assert "hint: " in result.output and hint in result.output
    assert "was not validated" in result.output
    _, report = run_json(run_cli, str(path))
    error = report["files"][0]["error"]
    assert report["files"][0]["status"] == "unreadable"
    assert (error["line"], error["column"]) == (line, column)


@pytest.mark.parametrize("name", sorted(OTHER_INPUT))
def test_refused_formats(run_cli, name):
    message, hint = OTHER_INPUT[name]
    result = run_cli("validate", str(INVALID / name))
    assert result.exit_code == 2
    assert message in result.output and hint in result.output
    assert "Traceback" not in result.output


def test_huge_file_is_refused_unread(run_cli, tmp_path):
    from riskgraph.io.rdf import MAX_BYTES

    huge = tmp_path / "huge.ttl"
    with huge.open("wb") as handle:  # sparse: the size is checked before reading
        handle.truncate(MAX_BYTES + 1)
    result = run_cli("validate", str(huge))
    assert result.exit_code == 2
    assert "more than the" in result.output and "split the contribution" in result.output


def test_missing_file_and_unknown_type(run_cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    result = run_cli("validate", str(tmp_path / "absent.ttl"), str(notes))
    assert result.exit_code == 2
    assert "absent.ttl: no such file" in result.output
    assert "unknown file type '.txt'" in result.output


def test_remote_import_is_ignored_not_fetched(run_cli, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("validation tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    result = run_cli("validate", str(INVALID / "remote_import.ttl"))
    assert result.exit_code == 2
    assert ("owl:imports <https://example.org/remote-ontology.ttl> was ignored and not "
            "fetched") in result.output
    assert "conforms" in result.output  # the rest of the file was still validated


def test_shapes_in_a_contribution_are_ignored(run_cli):
    # The file tries to deactivate rgsh:Mitigation and to forbid labels; neither works.
    result = run_cli("validate", str(INVALID / "contains_shapes.ttl"))
    assert result.exit_code == 2
    assert "SHACL shape(s) in this file were ignored" in result.output
    assert "add a name: rdfs:label" in result.output
    assert "<https://example.org/shapes#Anything>" not in result.output


# ---------------------------------------------------------------------------
# Several files in one run
# ---------------------------------------------------------------------------
def renamed(tmp_path: Path, name: str, slug: str) -> Path:
    """A copy of an invalid fixture whose mitigation has another IRI and label. Files
    given in one call are validated together: two fixtures describing one IRI would
    merge, and two mitigations with one label are duplicates."""
    text = (INVALID / f"{name}.ttl").read_text(encoding="utf-8")
    copy = tmp_path / f"{name}.ttl"
    text = text.replace("fixture-red-teaming", slug).replace("red-teaming of model", slug)
    copy.write_text(text, encoding="utf-8")
    return copy


def test_every_problem_in_every_file_is_reported_in_one_run(run_cli, tmp_path):
    files = [VALID / "extends_existing_mitigation.ttl", INVALID / "missing_label.ttl",
             INVALID / "syntax_missing_dot.ttl", INVALID / "negative_respondent_count.ttl",
             renamed(tmp_path, "mitigation_without_risk", "fixture-other")]
    result, report = run_json(run_cli, *map(str, files))
    assert result.exit_code == 2  # one file is unreadable
    statuses = {Path(f["file"]).name: f["status"] for f in report["files"]}
    assert statuses == {"extends_existing_mitigation.ttl": "conforms",
                        "missing_label.ttl": "violations",
                        "syntax_missing_dot.ttl": "unreadable",
                        "negative_respondent_count.ttl": "violations",
                        "mitigation_without_risk.ttl": "conforms"}
    assert report["violations"] == 2 and report["warnings"] == 1
    text = run_cli("validate", *map(str, files)).output
    assert "checked 5 files: 2 violations, 1 warning; 1 file could not be read" in text


def test_violations_without_unreadable_files_exit_1(run_cli):
    result = run_cli("validate", str(VALID / "extends_existing_mitigation.ttl"),
                     str(INVALID / "missing_label.ttl"))
    assert result.exit_code == 1


def test_a_contribution_may_refer_to_a_sibling_file(run_cli, tmp_path):
    text = (VALID / "new_mitigation_with_assessment.ttl").read_text(encoding="utf-8")
    head, body = text.split("\nmitigation:fixture-red-teaming", 1)
    mitigation, assessment = body.split("\nassessment:", 1)
    prefixes = "".join(line + "\n" for line in head.splitlines() if line.startswith("@prefix"))
    (tmp_path / "a.ttl").write_text(head + "\nmitigation:fixture-red-teaming" + mitigation,
                                    encoding="utf-8")
    (tmp_path / "b.ttl").write_text(prefixes + "\nassessment:" + assessment, encoding="utf-8")
    assert run_cli("validate", str(tmp_path / "b.ttl")).exit_code == 1  # alone: unresolved
    assert run_cli("validate", str(tmp_path / "a.ttl"), str(tmp_path / "b.ttl")).exit_code == 0


# ---------------------------------------------------------------------------
# Formats and output
# ---------------------------------------------------------------------------
def test_turtle_format_is_a_standard_shacl_validation_report(run_cli, tmp_path):
    result = run_cli("validate", "--format", "turtle", str(INVALID / "stage_from_wrong_scheme.ttl"),
                     str(renamed(tmp_path, "mitigation_without_risk", "fixture-other")))
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    results = list(report.objects(node, SH.result))
    assert len(results) == 2
    paths = {report.value(r, SH.resultPath) for r in results}
    assert URIRef("https://w3id.org/riskgraph/ns#lifecycleStage") in paths
    severities = {report.value(r, SH.resultSeverity) for r in results}
    assert severities == {SH.Violation, SH.Warning}
    for r in results:
        assert isinstance(report.value(r, SH.focusNode), URIRef)
        assert report.value(r, SH.resultMessage) is not None
        assert report.value(r, SH.sourceConstraintComponent) is not None


def test_turtle_format_of_a_conforming_file(run_cli):
    result = run_cli("validate", "--format", "turtle", str(VALID / "web_page.jsonld"))
    assert result.exit_code == 0
    report = Graph().parse(data=result.stdout, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(True)


def test_machine_formats_send_unreadable_files_to_stderr(run_cli):
    result = run_cli("validate", "--format", "json", str(INVALID / "empty.ttl"))
    assert result.exit_code == 2
    assert json.loads(result.stdout)["unreadable"] == 1
    assert "the file is empty" in result.stderr


def test_output_file_is_written_and_inputs_are_protected(run_cli, tmp_path):
    target = tmp_path / "report.json"
    result = run_cli("validate", "--format", "json", "-o", str(target),
                     str(INVALID / "missing_label.ttl"))
    assert result.exit_code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["violations"] == 1
    copy = tmp_path / "mine.ttl"
    copy.write_bytes((VALID / "extends_existing_mitigation.ttl").read_bytes())
    before = copy.read_bytes()
    refused = run_cli("validate", "-o", str(copy), str(copy))
    assert refused.exit_code == 2
    assert "would overwrite an input file" in refused.output
    assert copy.read_bytes() == before


def test_validation_never_changes_the_files_it_reads(run_cli):
    files = sorted(p for p in FIXTURES.glob("*/*") if p.parent.name in ("valid", "invalid"))

    def state():
        return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
                for p in files}

    before = state()
    run_cli("validate", *map(str, files))
    run_cli("validate", "--format", "turtle", *map(str, files))
    assert state() == before


def test_library_result_for_the_demo(tmp_path):
    result = validate_files([INVALID / "share_above_one.ttl",
                             renamed(tmp_path, "mitigation_without_risk", "fixture-other")])
    assert (result.violation_count, result.warning_count) == (1, 1)
    assert result.exit_code() == 1 and result.exit_code(strict=True) == 1


# ---------------------------------------------------------------------------
# Cost follows the contribution: the data graph does not grow with the context
# ---------------------------------------------------------------------------
def test_data_graph_size_does_not_depend_on_the_size_of_the_bundled_graph():
    from benchmarks.synthetic import generate
    from benchmarks.validate_bench import contribution
    from riskgraph.io.rdf import load_files, ontology_files

    ontology = load_files(ontology_files())
    piece = contribution()
    sizes = []
    for n in (2_000, 20_000):
        graph = generate(n)
        graph += ontology
        context = Context(graph, ontology)
        sizes.append(len(data_graph(piece, focus_nodes(piece), context)))
    assert sizes[0] == sizes[1]
    assert sizes[0] < len(ontology) + 200


def test_bundled_entities_referred_to_are_not_validated():
    """A broken bundled entity the contribution points at is not the contribution's
    problem: only the contribution's own entities are focus nodes."""
    from riskgraph.io.rdf import load_files, ontology_files

    ontology = load_files(ontology_files())
    bundled = Graph()
    bundled += ontology
    broken = URIRef("https://w3id.org/riskgraph/id/risk/broken")
    bundled.add((broken, RDF.type, URIRef("https://w3id.org/riskgraph/ns#Risk")))
    bundled.add((broken, RDFS.label, Literal("Broken risk", lang="en")))  # no definition
    piece = Graph().parse(data="""
        @prefix rg: <https://w3id.org/riskgraph/ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/riskgraph/id/mitigation/m> a rg:Mitigation ;
            rdfs:label "M"@en ; skos:definition "A mitigation."@en ;
            rg:mitigates <https://w3id.org/riskgraph/id/risk/broken> ;
            <http://purl.org/dc/terms/source> <https://w3id.org/riskgraph/id/source/s> .
        <https://w3id.org/riskgraph/id/source/s> a rg:WebPage ; rdfs:label "S"@en ;
            skos:definition "A page."@en ; <https://schema.org/url> "https://example.org" .
    """, format="turtle")
    from riskgraph.validation.scoped import check_graph

    problems = check_graph(piece, Context(bundled, ontology), EntityLocator(""))
    assert problems == []


# ---------------------------------------------------------------------------
# Finding the line of an entity
# ---------------------------------------------------------------------------
LOCATE_TEXT = """# mitigation:a in a comment
@prefix concept: <https://w3id.org/riskgraph/id/concept/> .
@prefix m: <https://w3id.org/riskgraph/id/mitigation/> .

m:b a <x> ;
    <y> m:a ,
        m:a-long .
concept:mit-4.2 <y> "m:a" .
concept:mit-4 <y> \"\"\"two
m:a lines\"\"\" .
<https://w3id.org/riskgraph/id/mitigation/a> <y> concept:mit-4 .
m:a-long <y> 1.5 .
"""


def test_entity_line_is_its_first_occurrence_as_a_subject():
    locate = EntityLocator(LOCATE_TEXT)
    assert locate.line("https://w3id.org/riskgraph/id/mitigation/b") == 5
    assert locate.line("https://w3id.org/riskgraph/id/mitigation/a") == 11
    assert locate.line("https://w3id.org/riskgraph/id/mitigation/a-long") == 12
    assert locate.line("https://w3id.org/riskgraph/id/concept/mit-4.2") == 8
    assert locate.line("https://w3id.org/riskgraph/id/concept/mit-4") == 9
    assert locate.line("https://w3id.org/riskgraph/id/concept/mit-7") is None


def test_statement_starts_skip_strings_comments_and_nested_nodes():
    text = 'a:x <p> [ <q> "s . t" ] .\n# b:y .\nb:z <p> 1 .'
    starts = [text[s.subject.offset:s.subject.offset + 3] for s in statements(text)]
    assert starts == ["a:x", "b:z"]


def test_statement_place_is_the_value_else_the_predicate():
    from rdflib import Literal as Lit

    text = ('@prefix m: <https://w3id.org/riskgraph/id/mitigation/> .\n'
            'PREFIX rg: <https://w3id.org/riskgraph/ns#>\n'
            'm:a a rg:Mitigation ;\n'              # 3
            '    rg:mitigates m:x ,\n'               # 4
            '        m:y ;\n'                        # 5
            '    rg:note [ rg:q "m:y" ] ;\n'         # 6
            '    rg:value 1.50 .\n'                  # 7
            'm:b rg:mitigates m:y .\n'               # 8
            'm:a rg:label "two . lines"@en .\n')    # 9
    locate = EntityLocator(text)
    rg, m = "https://w3id.org/riskgraph/ns#", "https://w3id.org/riskgraph/id/mitigation/"
    place = locate.statement(m + "a", rg + "mitigates", URIRef(m + "y"))
    assert (place.line, place.column) == (5, 9)
    assert locate.statement(m + "a", rg + "mitigates", URIRef(m + "z")).line == 4
    assert locate.statement(m + "a", str(RDF.type), URIRef(rg + "Mitigation")).line == 3
    assert locate.statement(m + "a", rg + "value", Lit("1.5")).line == 7
    assert locate.statement(m + "a", rg + "label", Lit("two . lines", lang="en")).line == 9
    assert locate.statement(m + "b", rg + "mitigates", URIRef(m + "y")).line == 8
    assert locate.statement(m + "a", rg + "missing") is None
    assert locate.place(m + "a").line == 3


def test_entity_line_in_json_ld():
    text = (VALID / "web_page.jsonld").read_text(encoding="utf-8")
    locate = EntityLocator(text, json=True)
    assert locate.line("https://w3id.org/riskgraph/id/source/fixture-example-page") == 10


# ---------------------------------------------------------------------------
# Contributor tooling and documentation
# ---------------------------------------------------------------------------
def test_contributing_guide_names_templates_and_tools():
    guide = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    for name in ("publication.ttl", "mitigation.ttl", "assessment.ttl", "claim.ttl",
                 "pre-commit-config.yaml", ".pre-commit-hooks.yaml", "action.yml",
                 "validate-changed.sh", "riskgraph validate", "riskgraph diff",
                 "--format sarif", "--format github"):
        assert name in guide, name
    assert "docs/contributing.md" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_docs_document_every_validate_option_and_exit_code():
    readme = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    section = readme.split("<!-- BEGIN commands-validate -->", 1)[1].split(
        "<!-- END commands-validate -->", 1)[0]
    for option in ("--format json", "--format turtle", "--strict", "-o ", "--whole"):
        assert option in section, option
    for code in ("0", "1", "2"):
        assert f"| {code} |" in section
