"""Where the nodes go: positions in canvas pixels, computed before the page is written.

Four layouts, one per kind of page:

- ``force_layout``: a spring layout (networkx), for ``--layout python`` on a plain graph.
- ``band_layout``: an answer read left to right by role, one column (band) per role,
  e.g. risk area -> mitigations (in the answer's order) -> evidence -> sources.
- ``focus_layout``: one entity in the middle, its neighbours in blocks by the property
  that links them (incoming on the left, outgoing on the right).
- ``group_layout``: the whole graph as a grid of groups, one per class.

Every layout except the force layout also returns ``Group``s: sets of nodes the page
folds into one labelled vis-network cluster that opens on double-click. Members get
positions near their group, so an opened group appears where it was.

Sizes are estimated from the label's characters (``label_box``) so that columns and
rows leave room for the labels; the page measures the real text and hides the few
labels that still collide (see graph.js, ``declutter``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import networkx as nx

# Display labels: at most LABEL_LINES lines of LABEL_LINE_CHARS characters; the full
# text is in the tooltip and the panel.
LABEL_LINE_CHARS = 24
LABEL_LINES = 2
CHAR_WIDTH = 0.58  # average glyph width of system-ui, as a share of the font size
LINE_HEIGHT = 1.25  # line pitch, as a share of the font size
# The page draws a node's label at 10 px plus half of the node's size above 8 (graph.js).
FONT_BASE, FONT_SIZE_MIN = 10, 8
# Node sizes by role on laid-out pages: the question's subject, the answer, the rest.
SIZE_SUBJECT, SIZE_ANSWER, SIZE_OTHER, SIZE_GROUP = 20, 16, 12, 18
COLUMN_GAP = 60  # pixels between the widest labels of two bands
ROW_GAP = 14  # pixels between one node's label and the next node
BAND_ROWS_MAX = 16  # a longer band wraps into several columns
GROUP_SPIRAL_STEP = 22.0  # pixels between members of an opened group
CORE_MAX = 480  # networkx's spring layout stays dense (no scipy) and fast below 500 nodes


@dataclass
class Group:
    """Nodes drawn as one cluster until it is opened: a class, or one property's neighbours."""

    label: str
    cls: str  # the class whose colour and shape the group takes
    members: list[str]
    x: float = 0.0
    y: float = 0.0


def wrap_label(text: str, width: int = LABEL_LINE_CHARS, lines: int = LABEL_LINES) -> str:
    """Break a label into at most ``lines`` lines of about ``width`` characters, ending
    in an ellipsis when text is left over."""
    words = " ".join(str(text).split()).split(" ")
    out: list[str] = []
    line = ""
    for word in words:
        if len(word) > width:
            word = word[:width - 1] + "\u2026"
        candidate = f"{line} {word}".strip()
        if len(candidate) <= width:
            line = candidate
            continue
        out.append(line)
        line = word
        if len(out) == lines:
            last = out[-1]
            out[-1] = (last[:width - 1] if len(last) >= width else last) + "\u2026"
            return "\n".join(out)
    if line:
        out.append(line)
    return "\n".join(out)


def font_size(size: float) -> int:
    return round(FONT_BASE + (size - FONT_SIZE_MIN) / 2)


def label_box(text: str, size: float) -> tuple[float, float]:
    """Estimated (width, height) in pixels of a node's label drawn under it."""
    font = font_size(size)
    lines = text.split("\n") if text else []
    width = max((len(line) for line in lines), default=0) * CHAR_WIDTH * font
    return width, len(lines) * LINE_HEIGHT * font


def _place(g: nx.MultiDiGraph, key: str, x: float, y: float) -> None:
    g.nodes[key]["x"], g.nodes[key]["y"] = round(x), round(y)


def _column(g: nx.MultiDiGraph, keys: list[str], x: float, top: float | None = None) -> float:
    """Stack ``keys`` under each other at ``x``, centred on y = 0; returns the height."""
    pitches = []
    for key in keys:
        a = g.nodes[key]
        _, h = label_box(a["wrapped"], a["size"])
        pitches.append(2 * a["size"] + font_size(a["size"]) / 2 + 4 + h + ROW_GAP)
    height = sum(pitches)
    y = -height / 2 if top is None else top
    for key, pitch in zip(keys, pitches, strict=True):
        _place(g, key, x, y + g.nodes[key]["size"])
        y += pitch
    return height


def _width(g: nx.MultiDiGraph, keys: list[str]) -> float:
    return max((max(label_box(g.nodes[k]["wrapped"], g.nodes[k]["size"])[0],
                    2 * g.nodes[k]["size"]) for k in keys), default=0)


def _spread_members(g: nx.MultiDiGraph, group: Group) -> None:
    """Members of a folded group around its centre (a sunflower spiral), for when it opens."""
    golden = math.pi * (3 - math.sqrt(5))
    for k, key in enumerate(group.members):
        r = GROUP_SPIRAL_STEP * math.sqrt(k + 0.5)
        _place(g, key, group.x + r * math.cos(k * golden), group.y + r * math.sin(k * golden))


def _barycentre_order(keys: list[str], previous: list[str], adj: dict[str, set[str]]) -> list[str]:
    """Order a band by where its neighbours sit in the band before it (fewer crossings)."""
    rank = {k: i for i, k in enumerate(previous)}
    first = {k: i for i, k in enumerate(keys)}

    def key(k):
        ranks = [rank[n] for n in adj.get(k, ()) if n in rank]
        return (sum(ranks) / len(ranks) if ranks else math.inf, first[k])
    return sorted(keys, key=key)


def band_layout(g: nx.MultiDiGraph, bands: list[list[str]], groups: list[Group],
                adj: dict[str, set[str]], keep_order: tuple[int, ...] = ()) -> None:
    """Bands left to right; each band a column (or several, past BAND_ROWS_MAX rows).

    A band listed in ``keep_order`` keeps its order (the answer's); the others are
    ordered by their neighbours in the band before, so links run mostly straight.
    Groups stand in one more column on the right.
    """
    x = 0.0
    previous: list[str] = []
    prev_half = 0.0
    columns: list[list[str]] = []
    for i, band in enumerate(bands):
        if not band:
            continue
        keys = band if i in keep_order or not previous else _barycentre_order(band, previous,
                                                                                   adj)
        previous = keys
        rows = min(BAND_ROWS_MAX, max(len(keys), 1))
        if len(keys) > BAND_ROWS_MAX:  # balance the columns of a wrapped band
            rows = math.ceil(len(keys) / math.ceil(len(keys) / BAND_ROWS_MAX))
        columns += [keys[j:j + rows] for j in range(0, len(keys), rows)]
    left = None
    for keys in columns:
        half = _width(g, keys) / 2
        x += (prev_half + half + COLUMN_GAP) if prev_half else 0
        left = -half if left is None else left
        _column(g, keys, x)
        prev_half = half
    bottom = max((g.nodes[k]["y"] + g.nodes[k]["size"] for keys in columns for k in keys),
                 default=0.0)
    _group_rows(groups, g, left=left or 0.0, right=x + prev_half, top=bottom + 3 * ROW_GAP)


def _group_rows(groups: list[Group], g: nx.MultiDiGraph, left: float, right: float,
                top: float) -> None:
    """Groups in rows under the bands, left to right, as many per row as fit."""
    pitch = 2 * SIZE_GROUP + font_size(SIZE_GROUP) / 2 + 4 + label_box("x\nx", SIZE_GROUP)[1] \
        + ROW_GAP
    x, y = left, top + SIZE_GROUP
    for group in groups:
        half = max(label_box(wrap_label(group.label), SIZE_GROUP)[0], 2 * SIZE_GROUP) / 2
        if x > left and x + half > right:
            x, y = left, y + pitch
        group.x, group.y = x + half, y
        x += 2 * half + COLUMN_GAP / 2
    for group in groups:
        _spread_members(g, group)


def focus_layout(g: nx.MultiDiGraph, centre: str, blocks: list[tuple[str, bool, list[str]]],
                 groups: list[Group], far: list[Group]) -> None:
    """``centre`` in the middle; ``blocks`` (property name, incoming?, members) stacked in a
    column on the left (incoming) or right (outgoing); a block folded into a group is a
    single group node; ``far`` groups (entities further away) in a column beyond."""
    _place(g, centre, 0, 0)
    folded = {id(gr): gr for gr in groups}
    sides: dict[bool, list] = {True: [], False: []}
    for name, incoming, members in blocks:
        sides[incoming].append((name, members))
    block_of = {m: gr for gr in groups for m in gr.members}
    centre_half = label_box(g.nodes[centre]["wrapped"], g.nodes[centre]["size"])[0] / 2
    outer = 0.0
    for incoming, entries in sides.items():
        items: list[tuple[str, object]] = []  # node key, or a Group
        for _, members in entries:
            group = block_of.get(members[0]) if members else None
            if group is not None and id(group) in folded:
                items.append(("group", group))
            else:
                items += [("node", m) for m in members]
        if not items:
            continue
        widths = [label_box(wrap_label(it.label), SIZE_GROUP)[0] if kind == "group" else
                  max(label_box(g.nodes[it]["wrapped"], g.nodes[it]["size"])[0],
                      2 * g.nodes[it]["size"]) for kind, it in items]
        half = max(widths) / 2
        x = (centre_half + half + COLUMN_GAP) * (-1 if incoming else 1)
        outer = max(outer, abs(x) + half)
        pitches = []
        for kind, it in items:
            size = SIZE_GROUP if kind == "group" else g.nodes[it]["size"]
            text = wrap_label(it.label) if kind == "group" else g.nodes[it]["wrapped"]
            pitches.append(2 * size + font_size(size) / 2 + 4 + label_box(text, size)[1]
                           + ROW_GAP)
        y = -sum(pitches) / 2
        for (kind, it), pitch in zip(items, pitches, strict=True):
            if kind == "group":
                it.x, it.y = x, y + SIZE_GROUP
                _spread_members(g, it)
            else:
                _place(g, it, x, y + g.nodes[it]["size"])
            y += pitch
    if far:
        half = max(label_box(wrap_label(gr.label), SIZE_GROUP)[0] for gr in far) / 2
        x = outer + half + COLUMN_GAP
        pitch = 2 * SIZE_GROUP + label_box("x\nx", SIZE_GROUP)[1] + font_size(SIZE_GROUP) \
            + ROW_GAP
        for k, group in enumerate(far):
            group.x, group.y = x, (k - (len(far) - 1) / 2) * pitch
            _spread_members(g, group)


def group_layout(groups: list[Group], g: nx.MultiDiGraph) -> None:
    """Groups on a grid, biggest first, each cell wide enough for its label."""
    if not groups:
        return
    cols = max(1, round(math.sqrt(len(groups) * 1.6)))
    cell_w = max(label_box(wrap_label(gr.label), SIZE_GROUP * 2)[0] for gr in groups) + \
        COLUMN_GAP
    cell_h = 4 * SIZE_GROUP + label_box("x\nx", SIZE_GROUP * 2)[1] + 2 * ROW_GAP
    rows = math.ceil(len(groups) / cols)
    for k, group in enumerate(groups):
        r, c = divmod(k, cols)
        group.x = (c - (cols - 1) / 2) * cell_w
        group.y = (r - (rows - 1) / 2) * cell_h
        _spread_members(g, group)


def force_layout(g: nx.MultiDiGraph, seed: int = 1) -> None:
    """Positions in pixels, so the browser can draw at once with physics off.

    Up to CORE_MAX nodes: a spring layout of the whole graph. Above that, a
    spring layout of the best-connected CORE_MAX nodes, then every other node
    placed, in breadth-first order, at the centre of its placed neighbours on
    a small spiral so that nodes with the same neighbours do not overlap.
    This is linear in the size of the graph after the core.
    """
    n = g.number_of_nodes()
    if n == 0:
        return
    und = nx.Graph(g.to_undirected(as_view=True))
    # Links to hubs (a curation agent, a large study) pull weaker, or every hub would
    # drag its hundreds of neighbours into one knot in the middle.
    for u, v in und.edges():
        und.edges[u, v]["weight"] = 1 / math.sqrt(max(und.degree(u), und.degree(v)))
    side = 60 * math.sqrt(n)
    if n <= CORE_MAX:
        pos = nx.spring_layout(und, seed=seed, iterations=80 if n < 200 else 50,
                               k=1.6 / math.sqrt(n))
        for node, (x, y) in pos.items():
            g.nodes[node]["x"], g.nodes[node]["y"] = round(x * side / 2), round(y * side / 2)
        return
    core = sorted(und.nodes, key=lambda v: (-und.degree(v), v))[:CORE_MAX]
    pos = {v: (x * side / 2, y * side / 2) for v, (x, y) in
           nx.spring_layout(und.subgraph(core), seed=seed, iterations=50,
                            k=1.6 / math.sqrt(len(core))).items()}
    placed_around: Counter = Counter()
    step, golden = 14.0, math.pi * (3 - math.sqrt(5))
    queue = list(core)
    head = 0
    pending = set(und.nodes) - set(core)
    while pending:
        if head == len(queue):  # a part not connected to the core: start it anywhere
            start = min(pending)
            pos[start] = ((len(queue) % 100) * step * 3 - side / 2, side / 2 + step * 4)
            pending.discard(start)
            queue.append(start)
        node = queue[head]
        head += 1
        for nb in sorted(und.neighbors(node)):
            if nb not in pending:
                continue
            placed = [pos[v] for v in und.neighbors(nb) if v in pos]
            cx = sum(p[0] for p in placed) / len(placed)
            cy = sum(p[1] for p in placed) / len(placed)
            cell = (round(cx / step), round(cy / step))
            k = placed_around[cell] + 1
            placed_around[cell] = k
            r = step * 1.6 * math.sqrt(k)
            pos[nb] = (cx + r * math.cos(k * golden), cy + r * math.sin(k * golden))
            pending.discard(nb)
            queue.append(nb)
    for node, (x, y) in pos.items():
        g.nodes[node]["x"], g.nodes[node]["y"] = round(x), round(y)
