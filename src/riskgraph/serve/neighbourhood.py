"""A small neighbourhood drawing for an entity page: inline SVG, laid out here.

The entity sits in the middle and its linked entities on a circle around it;
each line is one typed link. Text goes through the template's escaping; the SVG
uses presentation attributes only (no style attributes), so the CSP holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_NODES = 18
WIDTH, HEIGHT, RADIUS = 720, 420, 160


@dataclass
class Node:
    x: float
    y: float
    label: str
    href: str | None
    kind: str


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    outgoing: bool


def _short(text: str, size: int = 28) -> str:
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def layout(entity, linker) -> tuple[Node, list[Node], list[Edge], int]:
    """Centre node, neighbour nodes, edges, and how many neighbours were left out."""
    from riskgraph.serve.entity import RDF_TYPE

    cx, cy = WIDTH / 2, HEIGHT / 2
    centre = Node(cx, cy, _short(entity.label, 36), None, entity.kind)
    seen: dict[str, tuple[str, list[tuple[str, bool]]]] = {}
    for links, outgoing in ((entity.out, True), (entity.incoming, False)):
        for link in links:
            if link.target.kind != "uri" or link.prop == RDF_TYPE:
                continue
            label = link.label or link.target.value.rsplit("/", 1)[-1]
            entry = seen.setdefault(link.target.value, (label, []))
            entry[1].append((link.prop_label or link.prop.rsplit("#", 1)[-1], outgoing))
    items = list(seen.items())
    hidden = max(0, len(items) - MAX_NODES)
    items = items[:MAX_NODES]
    nodes, edges = [], []
    for i, (iri, (label, props)) in enumerate(items):
        angle = 2 * math.pi * i / max(1, len(items)) - math.pi / 2
        x = cx + RADIUS * 1.7 * math.cos(angle)
        y = cy + RADIUS * math.sin(angle)
        kind = iri.split("/id/")[-1].split("/")[0] if "/id/" in iri else ""
        nodes.append(Node(round(x, 1), round(y, 1), _short(label), linker.href(iri), kind))
        names = ", ".join(sorted({p for p, _ in props}))
        edges.append(Edge(cx, cy, round(x, 1), round(y, 1), _short(names, 30),
                          any(o for _, o in props)))
    return centre, nodes, edges, hidden
