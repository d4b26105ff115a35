"""A validation report where contributors look: a SARIF 2.1.0 log (code-scanning
services and editors read it) and GitHub Actions workflow-command annotations (a
problem appears on the changed line of a pull request).

Both are renderings of a ``ValidationReport`` like the text and JSON reports, and
point at the same place: the offending statement's line and column, else the
entity's line. A file that could not be read, or held content riskgraph refuses,
is a result too (rules ``riskgraph/unreadable`` and ``riskgraph/refused``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from riskgraph.namespaces import BASE
from riskgraph.validation.results import FileReport, Problem, ValidationReport
from riskgraph.version import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"Violation": "error", "Warning": "warning", "Info": "note"}
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}
UNREADABLE = "riskgraph/unreadable"
REFUSED = "riskgraph/refused"
FILE_RULES = {
    UNREADABLE: "The file could not be read as Turtle, N-Triples or JSON-LD; it was not "
                "validated.",
    REFUSED: "The file holds content riskgraph never uses in a contribution (SHACL shapes, "
             "owl:imports): it was ignored, and the file must not keep it.",
}


@dataclass(frozen=True)
class Finding:
    """One thing to show at one place: a problem, or a file that was not validated."""

    rule: str
    level: str  # error, warning or note (SARIF's words)
    message: str
    file: Path
    line: int | None = None
    column: int | None = None
    problem: Problem | None = None


def rule_id(problem: Problem) -> str:
    """The shape and the constraint that produced the problem."""
    return f"{problem.shape or 'shape'}/{problem.component or 'constraint'}"


def headline(problem: Problem) -> str:
    """The problem in one line: entity, property, value, then what to do."""
    subject = " ".join(part for part in (problem.entity, problem.path, problem.value) if part)
    return f"{subject}: {problem.message}"


def findings(result: ValidationReport) -> list[Finding]:
    found: list[Finding] = []
    for report in result.files:
        found += _file_findings(report)
        for problem in report.problems:
            found.append(Finding(rule_id(problem), LEVELS.get(problem.severity, "note"),
                                 headline(problem), problem.file or report.path,
                                 problem.line, problem.column, problem))
    return found


def _file_findings(report: FileReport) -> list[Finding]:
    error = report.error
    found = []
    if error is not None:
        text = error.message + (f" (hint: {error.hint})" if error.hint else "")
        found.append(Finding(UNREADABLE, "error", text, report.path, error.line, error.column))
    found += [Finding(REFUSED, "error", note, report.path) for note in report.ignored]
    return found


# ---------------------------------------------------------------------------
# SARIF 2.1.0
# ---------------------------------------------------------------------------
def artifact_uri(path: Path) -> str:
    """A relative path stays relative (code scanning resolves it against the checkout);
    an absolute one becomes a file: URI."""
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def _rule(identifier: str, finding: Finding) -> dict:
    problem = finding.problem
    if problem is None:
        text = FILE_RULES[identifier]
        name = identifier.split("/")[-1]
    else:
        text = (f"A constraint ({problem.component or 'constraint'}) of riskgraph's shape "
                f"{problem.shape or '(unnamed)'} in ontology/shapes.ttl; each result says "
                "what to change.")
        name = identifier
    return {"id": identifier, "name": name, "shortDescription": {"text": text},
            "defaultConfiguration": {"level": finding.level}}


def _region(finding: Finding) -> dict | None:
    if not finding.line:
        return None
    region: dict = {"startLine": finding.line}
    if finding.column:
        region["startColumn"] = finding.column
    return region


def sarif_log(result: ValidationReport) -> dict:
    """The report as a SARIF 2.1.0 log (a dict, ready for ``json.dumps``)."""
    found = findings(result)
    rules: dict[str, int] = {}
    rule_list: list[dict] = []
    artifacts: dict[str, int] = {}
    for report in result.files:
        artifacts.setdefault(artifact_uri(report.path), len(artifacts))
    results = []
    for finding in found:
        if finding.rule not in rules:
            rules[finding.rule] = len(rule_list)
            rule_list.append(_rule(finding.rule, finding))
        uri = artifact_uri(finding.file)
        artifacts.setdefault(uri, len(artifacts))
        physical: dict = {"artifactLocation": {"uri": uri, "index": artifacts[uri]}}
        region = _region(finding)
        if region:
            physical["region"] = region
        location: dict = {"physicalLocation": physical}
        entry: dict = {"ruleId": finding.rule, "ruleIndex": rules[finding.rule],
                       "level": finding.level, "message": {"text": finding.message},
                       "locations": [location]}
        problem = finding.problem
        if problem is not None:
            iri = problem.terms.get("focus")
            location["logicalLocations"] = [{
                "name": problem.entity, "kind": "object",
                **({"fullyQualifiedName": str(iri)} if iri is not None else {})}]
            entry["properties"] = {key: value for key, value in (
                ("entity", problem.entity), ("property", problem.path),
                ("value", problem.value), ("severity", problem.severity))
                if value is not None}
        results.append(entry)
    run = {
        "tool": {"driver": {"name": "riskgraph", "version": __version__,
                            "informationUri": BASE,
                            "rules": rule_list}},
        "columnKind": "unicodeCodePoints",
        "artifacts": [{"location": {"uri": uri}} for uri in artifacts],
        "results": results,
        "invocations": [{"executionSuccessful": True}],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: ValidationReport) -> str:
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------
# GitHub Actions workflow commands
# ---------------------------------------------------------------------------
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding) -> str:
    """``::error file=F,line=L,col=C,title=T::message``, escaped as GitHub requires."""
    properties = [("file", finding.file.as_posix())]
    if finding.line:
        properties.append(("line", str(finding.line)))
        if finding.column:
            properties.append(("col", str(finding.column)))
    problem = finding.problem
    title = (f"riskgraph {problem.severity.lower()}: {problem.path or problem.entity}"
             if problem is not None else f"riskgraph: {finding.rule.split('/')[-1]} file")
    properties.append(("title", title))
    joined = ",".join(f"{key}={_escape_property(value)}" for key, value in properties)
    return f"::{GITHUB_COMMANDS[finding.level]} {joined}::{_escape_data(finding.message)}"


def render_github(result: ValidationReport) -> str:
    return "".join(github_line(finding) + "\n" for finding in findings(result))
