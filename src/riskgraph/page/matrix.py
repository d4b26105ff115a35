"""The evidence matrix: one row per mitigation, one column per risk area.

Each cell lists the assessments of that mitigation for that area: the stance, the
figure exactly as the source states it (">60%"), or "curated" when the judgement is
riskgraph's curators' reading of qualitative text. It is the page's answer for readers
who do not want a graph, and its accessible alternative (a real, sortable table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from riskgraph.namespaces import RG
from riskgraph.page.model import GraphModel

ASSESSES = str(RG.assessedMitigation)
ASSESSED_FOR = str(RG.assessedFor)
# Where and by whom a mitigation applies: shown beside it in the matrix, so an answer
# page says each mitigation's lifecycle stage and actor without a click.
STAGE, ACTOR = str(RG.lifecycleStage), str(RG.responsibleActor)


@dataclass
class MatrixCell:
    evidence: str  # the assessment's key
    stance: str
    figures: list[str]
    value: float | None
    curated: bool

    @property
    def text(self) -> str:
        """What the cell shows: the stance with the figure as stated, or marked curated."""
        if self.figures:
            return f"{self.stance} {' '.join(self.figures)}".strip()
        return f"{self.stance} (curated)" if self.curated else self.stance


@dataclass
class Matrix:
    rows: list[str]  # mitigation keys, answer order first
    cols: list[str]  # risk area keys
    cells: dict[tuple[str, str], list[MatrixCell]] = field(default_factory=dict)
    stages: dict[str, list[str]] = field(default_factory=dict)  # mitigation -> stage keys
    actors: dict[str, list[str]] = field(default_factory=dict)  # mitigation -> actor keys


def evidence_matrix(model: GraphModel, order: Sequence[str] = ()) -> Matrix | None:
    """The matrix of the drawn mitigations' assessments per drawn risk area, or None when
    there is nothing to cross. ``order`` (the answer's mitigations) leads the rows."""
    g = model.graph
    areas = [v for f in model.facets if f.iri == str(RG.RiskArea) for v, _ in f.values
             if v in g]
    if not areas:
        return None
    area_set = set(areas)
    cells: dict[tuple[str, str], list[MatrixCell]] = {}
    for ev, mitigation, prop in g.edges(data="prop"):
        if prop != ASSESSES or model.roles.get(g.nodes[mitigation]["cls"]) != "mitigation":
            continue
        facts = g.nodes[ev].get("evidence") or {}
        for _, area, p in g.out_edges(ev, data="prop"):
            if p == ASSESSED_FOR and area in area_set:
                cells.setdefault((mitigation, area), []).append(MatrixCell(
                    ev, facts.get("stance", ""), facts.get("figures", []),
                    facts.get("value"), bool(facts.get("curated"))))
    if not cells:
        return None
    for found in cells.values():
        found.sort(key=lambda c: (-(c.value or 0), c.curated, c.evidence))
    mitigations = {m for m, _ in cells}
    lead = [m for m in dict.fromkeys(order) if m in mitigations]

    def best(m: str):
        values = [c.value or 0 for a in areas for c in cells.get((m, a), [])]
        return (-max(values, default=0), g.nodes[m]["label"].casefold(), m)
    rows = lead or sorted(mitigations, key=best)  # an answer's matrix is about the answer
    matrix = Matrix(rows, areas, cells)
    for m in rows:
        for prop, into in ((STAGE, matrix.stages), (ACTOR, matrix.actors)):
            into[m] = sorted({v for _, v, p in g.out_edges(m, data="prop") if p == prop},
                             key=lambda k: g.nodes[k]["label"].casefold())
    return matrix
