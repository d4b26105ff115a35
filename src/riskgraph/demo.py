"""The main job on the bundled data, as a list of steps with their results."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class StepResult:
    name: str
    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)


@dataclass
class DemoReport:
    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


def _build_step(out_dir: Path) -> StepResult:
    from riskgraph.build import build

    result = build(out_dir)
    if not result.consistent:
        return StepResult("build", False, "ontology and data are inconsistent",
                          [str(c) for c in result.reasoning.clashes])
    details = [f"{name}: {count}" for name, count in result.class_counts.items()]
    details += [f"wrote {path}" for path in result.written]
    return StepResult("build", True, f"{result.asserted} asserted + {result.inferred} inferred "
                      f"triples, consistent ({result.reasoning.reasoner})", details)


def run_demo(out_dir: Path) -> DemoReport:
    report = DemoReport()
    report.steps.append(_build_step(Path(out_dir)))
    return report
