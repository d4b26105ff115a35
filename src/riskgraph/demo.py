"""The main job on the bundled data, as a list of steps with their results.

Each step calls the library function a user would call; the demo only strings
them together and says what each produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from riskgraph.build.cache import remember_built_graph
from riskgraph.build.pipeline import build
from riskgraph.io.atomic import write_text_atomic
from riskgraph.knowledge import load
from riskgraph.query.canned import run_query
from riskgraph.validation.api import validate

DEMO_QUERY = "effective_mitigations"


@dataclass
class StepResult:
    name: str
    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)


@dataclass
class DemoReport:
    steps: list[StepResult] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


def _build_step(out_dir: Path, report: DemoReport) -> StepResult:
    result = build(out_dir)
    if not result.ok:
        problems = [str(c) for c in result.reasoning.clashes] + [str(u) for u in result.undeclared]
        return StepResult("build", False, "ontology and data do not pass their checks", problems)
    report.outputs += result.written
    built = next((path for path in result.written if path.suffix == ".nt"), None)
    if built is not None and result.graph is not None:  # the next steps query this graph
        remember_built_graph(built.read_bytes(), len(result.graph))
    details = [f"{name}: {count}" for name, count in result.class_counts.items()]
    details += [f"wrote {path}" for path in result.written]
    return StepResult("build", True, f"{result.asserted} asserted + {result.inferred} inferred "
                      f"triples, consistent ({result.reasoning.reasoner})", details)


def _validate_step(report: DemoReport) -> StepResult:
    result = validate()  # the bundled data, with the compiled engine
    counts = f"{result.violation_count} violations, {result.warning_count} warnings"
    return StepResult("validate", result.violation_count == 0,
                      f"bundled data against ontology/shapes.ttl: {counts}")


def _query_step(report: DemoReport) -> StepResult:
    from riskgraph.build.stores import open_store

    result = run_query(DEMO_QUERY, {}, open_store())
    labels = []
    for row in result.rows:
        label = row.get("label") or row.get("mitigationLabel") or row.get("mitigation")
        if label is not None and label.value not in labels:
            labels.append(label.value)
    return StepResult(f"query {DEMO_QUERY}", bool(labels),
                      f"{len(labels)} mitigations rated effective for CBRN by experts",
                      labels)


def _graph_step(out_dir: Path, report: DemoReport) -> StepResult:
    with load() as kg:
        page = kg.render_page()
    path = write_text_atomic(out_dir / "riskgraph.html", page.html)
    report.outputs.append(path)
    return StepResult("graph", True, f"{page.node_count} nodes, {page.edge_count} edges, "
                      f"{page.bytes:,} bytes", [f"wrote {path} (open it in a browser)"])


def run_demo(out_dir: Path) -> DemoReport:
    out_dir = Path(out_dir)
    report = DemoReport()
    report.steps.append(_build_step(out_dir, report))
    if not report.ok:
        return report
    report.steps.append(_validate_step(report))
    report.steps.append(_query_step(report))
    report.steps.append(_graph_step(out_dir, report))
    return report
