"""Render a ``ValidationResult`` as text for people, JSON, or a SHACL report in Turtle."""

from __future__ import annotations

import json

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from riskgraph.validation.scoped import FileReport, Problem, ValidationResult, namespace_graph

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


def summary(result: ValidationResult, strict: bool = False) -> str:
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


def render_text(result: ValidationResult, strict: bool = False) -> str:
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


def as_dict(result: ValidationResult, strict: bool = False) -> dict:
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


def render_json(result: ValidationResult, strict: bool = False) -> str:
    return json.dumps(as_dict(result, strict), indent=2, ensure_ascii=False) + "\n"


def report_graph(result: ValidationResult) -> Graph:
    """The standard SHACL validation report over every file that was validated."""
    graph = namespace_graph()
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


def render_turtle(result: ValidationResult) -> str:
    return report_graph(result).serialize(format="turtle")


def errors_text(result: ValidationResult) -> str:
    """Unreadable files and ignored content: for stderr when stdout holds JSON or Turtle."""
    lines = []
    for report in result.files:
        if report.error is not None:
            lines.append(f"error: {report.error}")
        lines += [f"error: {report.path}: {note}" for note in report.ignored]
    return "\n".join(lines) + ("\n" if lines else "")
