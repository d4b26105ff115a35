"""The report of a validation run, whichever engine produced it, and its renderings:
text for people, JSON for tools, the W3C SHACL validation report in Turtle.

Light on purpose (rdflib is imported only for the Turtle report), so that
``riskgraph.ValidationReport`` can be named without loading the SHACL machinery.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskgraph.errors import InputError
from riskgraph.namespaces import RGSH_IRI, bind_prefixes


@dataclass
class Problem:
    """One SHACL result, with the terms shortened for people and the line it is on."""

    severity: str  # Violation, Warning or Info
    entity: str  # short form of the focus node, e.g. mitigation:data-curation
    line: int | None  # of the offending statement where it can be told, else the entity's
    path: str | None  # e.g. rg:lifecycleStage
    value: str | None  # e.g. concept:rmf-govern or 1.5
    message: str
    shape: str | None = None
    component: str | None = None
    terms: dict = field(default_factory=dict, repr=False, compare=False)  # rdflib terms
    file: Path | None = None  # the file the entity is written in
    column: int | None = None  # of ``line``, 1-based, in characters
    entity_line: int | None = None  # where the entity is first written as a subject

    def as_dict(self) -> dict:
        return {"file": None if self.file is None else str(self.file),
                "severity": self.severity, "entity": self.entity, "iri": str(self.terms.get(
            "focus", self.entity)), "line": self.line, "column": self.column,
            "property": self.path,
            "value": self.value, "message": self.message, "shape": self.shape,
            "constraint": self.component}


@dataclass
class FileReport:
    path: Path
    problems: list[Problem] = field(default_factory=list)
    error: InputError | None = None  # the file could not be read: not validated
    ignored: list[str] = field(default_factory=list)  # content dropped (shapes, imports)
    entities: int = 0
    triples: int = 0

    @property
    def unreadable(self) -> bool:
        return self.error is not None

    @property
    def rejected(self) -> bool:
        """Unreadable, or holding content riskgraph refuses to use (exit code 2)."""
        return self.error is not None or bool(self.ignored)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    def by_entity(self) -> list[tuple[str, int | None, list[Problem]]]:
        groups: dict[str, list[Problem]] = {}
        for problem in self.problems:
            groups.setdefault(problem.entity, []).append(problem)
        ordered = sorted(groups.items(), key=lambda kv: (kv[1][0].entity_line is None,
                                                          kv[1][0].entity_line or 0, kv[0]))
        return [(entity, items[0].entity_line, items) for entity, items in ordered]


@dataclass
class ValidationReport:
    """The report of one validation run, whichever engine produced it."""

    files: list[FileReport]
    engine: str = "pyshacl"  # "pyshacl" (contributions) or "compiled" (whole graphs)
    fallback: dict = field(default_factory=dict)  # shape -> why pyshacl checked it

    @property
    def problems(self) -> list[Problem]:
        """Every problem of every file, each with its ``file``."""
        return [p for f in self.files for p in f.problems]

    def to_text(self, strict: bool = False) -> str:
        return render_text(self, strict)

    def to_json(self, strict: bool = False) -> str:
        return render_json(self, strict)

    def to_turtle(self) -> str:
        """The W3C SHACL validation report (sh:ValidationReport) in Turtle."""
        return render_turtle(self)

    @property
    def violation_count(self) -> int:
        return sum(f.count("Violation") for f in self.files)

    @property
    def warning_count(self) -> int:
        return sum(f.count("Warning") for f in self.files)

    @property
    def unreadable_count(self) -> int:
        return sum(1 for f in self.files if f.unreadable)

    @property
    def conforms(self) -> bool:
        return self.violation_count == 0 and not any(f.rejected for f in self.files)

    def exit_code(self, strict: bool = False) -> int:
        """2 unreadable or refused input; 1 violations (or warnings when strict); 0 ok."""
        if any(f.rejected for f in self.files):
            return 2
        if self.violation_count or (strict and self.warning_count):
            return 1
        return 0


WORDS = {"Violation": "violation", "Warning": "warning", "Info": "info"}


IRREGULAR = {"entity": "entities"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else IRREGULAR.get(word, word + 's')}"


def _file_counts(report: FileReport) -> str:
    parts = [_plural(report.count("Violation"), "violation"),
             _plural(report.count("Warning"), "warning")]
    if report.count("Info"):
        parts.append(_plural(report.count("Info"), "note"))
    return ", ".join(parts)


def _problem_lines(problem: Problem) -> list[str]:
    subject = " ".join(part for part in (problem.path, problem.value) if part)
    if problem.line is not None and problem.line != problem.entity_line:
        subject += f" (line {problem.line})"  # the statement, below the entity's line
    head = f"    {WORDS.get(problem.severity, problem.severity):<9} {subject}".rstrip()
    return [head, f"              {problem.message}"]


def file_text(report: FileReport) -> list[str]:
    if report.error is not None:
        return [f"error: {report.error}", f"  {report.path} was not validated"]
    lines = []
    if not report.problems:
        lines.append(f"{report.path}: conforms ({_plural(report.entities, 'entity')})")
    else:
        lines.append(f"{report.path}: {_file_counts(report)}")
        for entity, line, problems in report.by_entity():
            where = f" (line {line})" if line else ""
            lines.append(f"  {entity}{where}")
            for problem in problems:
                lines += _problem_lines(problem)
    lines += [f"  error: {note}" for note in report.ignored]
    return lines


def summary(result: ValidationReport, strict: bool = False) -> str:
    files = len(result.files)
    text = (f"checked {_plural(files, 'file')}: {_plural(result.violation_count, 'violation')}, "
            f"{_plural(result.warning_count, 'warning')}")
    if result.unreadable_count:
        text += f"; {_plural(result.unreadable_count, 'file')} could not be read"
    refused = sum(1 for f in result.files if f.ignored and not f.unreadable)
    if refused:
        text += f"; {_plural(refused, 'file')} with content that was ignored"
    if strict and result.warning_count:
        text += " (--strict: warnings fail)"
    return text


def render_text(result: ValidationReport, strict: bool = False) -> str:
    lines: list[str] = []
    for report in result.files:
        lines += file_text(report)
    lines.append(summary(result, strict))
    return "\n".join(lines) + "\n"


def _error_dict(report: FileReport) -> dict | None:
    error = report.error
    if error is None:
        return None
    return {"message": error.message, "line": error.line, "column": error.column,
            "hint": error.hint}


def as_dict(result: ValidationReport, strict: bool = False) -> dict:
    files = []
    for report in result.files:
        entities = [{"entity": entity, "iri": str(items[0].terms.get("focus", entity)),
                     "line": line, "results": [p.as_dict() for p in items]}
                    for entity, line, items in report.by_entity()]
        status = ("unreadable" if report.unreadable else "refused" if report.ignored
                  else "violations" if report.count("Violation") else "conforms")
        files.append({"file": str(report.path), "status": status,
                      "violations": report.count("Violation"),
                      "warnings": report.count("Warning"), "error": _error_dict(report),
                      "ignored": report.ignored, "entities": entities})
    return {"conforms": result.conforms, "exit_code": result.exit_code(strict),
            "violations": result.violation_count, "warnings": result.warning_count,
            "unreadable": result.unreadable_count, "files": files}


def render_json(result: ValidationReport, strict: bool = False) -> str:
    return json.dumps(as_dict(result, strict), indent=2, ensure_ascii=False) + "\n"


def report_graph(result: ValidationReport) -> Any:
    """The standard SHACL validation report (an rdflib graph) over every file that was
    validated; rdflib is imported here only, so that the report itself stays light."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, SH

    graph = bind_prefixes(Graph(bind_namespaces="core"))
    graph.bind("sh", SH)
    graph.bind("rgsh", RGSH_IRI)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    problems = [p for f in result.files for p in f.problems]
    graph.add((report, SH.conforms, Literal(not problems)))
    for problem in problems:
        node = BNode()
        terms = problem.terms
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultMessage, Literal(problem.message)))
        for predicate, key in ((SH.focusNode, "focus"), (SH.resultPath, "path"),
                               (SH.value, "value"), (SH.resultSeverity, "severity"),
                               (SH.sourceShape, "shape"),
                               (SH.sourceConstraintComponent, "component")):
            term = terms.get(key)
            if isinstance(term, (URIRef, Literal)) or (key == "focus" and term is not None):
                graph.add((node, predicate, term))
    return graph


def render_turtle(result: ValidationReport) -> str:
    return report_graph(result).serialize(format="turtle")


def errors_text(result: ValidationReport) -> str:
    """Unreadable files and ignored content: for stderr when stdout holds JSON or Turtle."""
    lines = []
    for report in result.files:
        if report.error is not None:
            lines.append(f"error: {report.error}")
        lines += [f"error: {report.path}: {note}" for note in report.ignored]
    return "\n".join(lines) + ("\n" if lines else "")
