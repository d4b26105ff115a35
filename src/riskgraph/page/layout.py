"""Where the nodes go: positions in canvas pixels, computed before the page is written.

Four layouts, one per kind of page:

- ``force_layout``: a spring layout (networkx), for ``--layout python`` on a plain graph.
- ``band_layout``: an answer read left to right by role, one column (band) per role,
  e.g. risk area -> mitigations (in the answer's order) -> evidence -> sources.
- ``focus_layout``: one entity in the middle, its neighbours in blocks by the property
  that links them (incoming on the left, outgoing on the right).
- the whole graph: its curated evidence layer in bands (``band_layout``), the rest in
  groups whose members open on a grid of their own (``group_regions``).

Every layout except the force layout also returns ``Group``s: sets of nodes the page
folds into one labelled node that opens on double-click (graph.js creates the members
in vis-network only then). Members get positions near their group, so an opened group
appears where it was.

Sizes are estimated from the label's characters (``label_box``) so that columns and
rows leave room for the labels; the page measures the real text and hides the few
labels that still collide (see graph.js, ``declutter``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx

# Display labels: at most LABEL_LINES lines of LABEL_LINE_CHARS characters; the full
# text is in the tooltip and the panel.
LABEL_LINE_CHARS = 40
LABEL_LINES = 1
CHAR_WIDTH = 0.58  # average glyph width of system-ui, as a share of the font size
LINE_HEIGHT = 1.25  # line pitch, as a share of the font size
# The page draws a node's label at 10 px plus half of the node's size above 8 (graph.js).
FONT_BASE, FONT_SIZE_MIN = 10, 8
# Node sizes by role on laid-out pages: the question's subject, the answer, the rest;
# and the label font sizes that go with them (readable at the first view's scale).
SIZE_SUBJECT, SIZE_ANSWER, SIZE_OTHER, SIZE_GROUP = 14, 10, 8, 12
FONT_SUBJECT, FONT_ANSWER, FONT_OTHER, FONT_GROUP = 16, 15, 13, 15
GROUP_LINE_CHARS = 18
COLUMN_GAP = 40  # pixels between the widest labels of two bands
ROW_GAP = 10  # pixels between one node's label and the next node
BAND_ROWS_MAX = 16  # a longer band wraps into several columns
GROUP_SPIRAL_STEP = 22.0  # pixels between members of an opened group
CORE_MAX = 480  # networkx's spring layout stays dense (no scipy) and fast below 500 nodes


@dataclass
class Group:
    """Nodes drawn as one node until it is opened: a class, or one property's neighbours."""

    label: str
    cls: str  # the class whose colour and shape the group takes
    members: list[str]
    x: float = 0.0
    y: float = 0.0
    size: float = SIZE_GROUP
    font: float = FONT_GROUP


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


def label_box(text: str, size: float, font: float | None = None) -> tuple[float, float]:
    """Estimated (width, height) in pixels of a node's label drawn under it."""
    font = font or font_size(size)
    lines = text.split("\n") if text else []
    width = max((len(line) for line in lines), default=0) * CHAR_WIDTH * font
    return width, len(lines) * LINE_HEIGHT * font


def _place(g: nx.MultiDiGraph, key: str, x: float, y: float) -> None:
    g.nodes[key]["x"], g.nodes[key]["y"] = round(x), round(y)


def _box(g: nx.MultiDiGraph, key: str) -> tuple[float, float]:
    a = g.nodes[key]
    w, h = label_box(a["wrapped"], a["size"], a.get("font"))
    return max(w, 2 * a["size"]), h


def _pitch(size: float, font: float, label_height: float) -> float:
    """Vertical room for a node and its label under it (as vis-network draws it)."""
    return 2 * size + font / 2 + 4 + label_height + ROW_GAP


def group_text(group: Group) -> str:
    return wrap_label(group.label, GROUP_LINE_CHARS, 2)


def _group_box(group: Group, font: float = FONT_GROUP) -> tuple[float, float]:
    w, h = label_box(group_text(group), SIZE_GROUP, font)
    return max(w, 2 * SIZE_GROUP), h


def _column(g: nx.MultiDiGraph, keys: list[str], x: float) -> None:
    """Stack ``keys`` under each other at ``x``, centred on y = 0."""
    pitches = [_pitch(g.nodes[k]["size"], g.nodes[k].get("font") or font_size(g.nodes[k]["size"]),
                      _box(g, k)[1]) for k in keys]
    y = -sum(pitches) / 2
    for key, pitch in zip(keys, pitches, strict=True):
        _place(g, key, x, y + g.nodes[key]["size"])
        y += pitch


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
                adj: dict[str, set[str]], keep_order: tuple[int, ...] = (),
                inline: tuple[int, ...] = (), rows_max: int = BAND_ROWS_MAX) -> None:
    """Bands left to right; each band a column (or several, past BAND_ROWS_MAX rows).

    A band listed in ``keep_order`` keeps its order (the answer's); the others are
    ordered by their neighbours in the band before, so links run mostly straight. A
    band in ``inline`` (short labels, such as evidence figures) sits in the rows of
    the band before, side by side, instead of a column of its own. Groups stand in
    rows under the bands.
    """
    x, prev_half, left = 0.0, 0.0, None
    previous: list[str] = []
    for i, band in enumerate(bands):
        if not band:
            continue
        if i in inline and previous:
            rows: dict[str, list[str]] = {}
            for k in band:
                home = next((p for p in previous if p in adj.get(k, ())), previous[0])
                rows.setdefault(home, []).append(k)
            step = max(_box(g, k)[0] for k in band) + COLUMN_GAP / 2
            x += prev_half + step / 2 + COLUMN_GAP / 2
            for home, keys in rows.items():
                for j, k in enumerate(keys):
                    _place(g, k, x + j * step, g.nodes[home]["y"])
            widest = max(len(keys) for keys in rows.values())
            x += (widest - 1) * step
            prev_half = step / 2
            continue
        keys = band if i in keep_order or not previous else _barycentre_order(band, previous,
                                                                                   adj)
        previous = keys
        per = len(keys)
        if per > rows_max:  # balance the columns of a wrapped band
            per = math.ceil(per / math.ceil(per / rows_max))
        for j in range(0, len(keys), per):
            column = keys[j:j + per]
            half = max(_box(g, k)[0] for k in column) / 2
            x += (prev_half + half + COLUMN_GAP) if prev_half else 0
            left = -half if left is None else left
            _column(g, column, x)
            prev_half = half
    bottom = max((a["y"] + a["size"] + label_box(a["wrapped"], a["size"], a.get("font"))[1]
                  for _, a in g.nodes(data=True) if "y" in a), default=0.0)
    _group_rows(groups, g, left=left or 0.0, right=x + prev_half, top=bottom + 3 * ROW_GAP)


def _group_rows(groups: list[Group], g: nx.MultiDiGraph, left: float, right: float,
                top: float) -> None:
    """Groups in rows under the bands, left to right, as many per row as fit."""
    if not groups:
        return
    pitch = max(_pitch(SIZE_GROUP, gr.font, _group_box(gr, gr.font)[1]) for gr in groups)
    x, y = left, top + SIZE_GROUP
    for group in groups:
        half = _group_box(group, group.font)[0] / 2
        if x > left and x + 2 * half > right:
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
    block_of = {m: gr for gr in groups for m in gr.members}
    centre_half = _box(g, centre)[0] / 2
    outer = centre_half
    for incoming in (True, False):
        items: list[tuple[str, Any]] = []  # ("node", key) or ("group", Group)
        for _, inc, members in blocks:
            if inc != incoming or not members:
                continue
            group = block_of.get(members[0])
            items += [("group", group)] if group is not None else [("node", m) for m in members]
        if not items:
            continue
        boxes = [_group_box(it) if kind == "group" else _box(g, it) for kind, it in items]
        half = max(w for w, _ in boxes) / 2
        x = (centre_half + half + COLUMN_GAP) * (-1 if incoming else 1)
        outer = max(outer, abs(x) + half)
        sizes = [(SIZE_GROUP, FONT_GROUP) if kind == "group" else
                 (g.nodes[it]["size"], g.nodes[it].get("font") or font_size(g.nodes[it]["size"]))
                 for kind, it in items]
        pitches = [_pitch(size, font, h) for (size, font), (_, h) in zip(sizes, boxes,
                                                                         strict=True)]
        y = -sum(pitches) / 2
        for (kind, it), (size, _), pitch in zip(items, sizes, pitches, strict=True):
            if kind == "group":
                it.x, it.y = x, y + size
                _spread_members(g, it)
            else:
                _place(g, it, x, y + size)
            y += pitch
    if far:
        half = max(_group_box(gr)[0] for gr in far) / 2
        x = outer + half + COLUMN_GAP
        pitch = max(_pitch(SIZE_GROUP, FONT_GROUP, _group_box(gr)[1]) for gr in far)
        for k, group in enumerate(far):
            group.x, group.y = x, (k - (len(far) - 1) / 2) * pitch
            _spread_members(g, group)


def group_regions(g: nx.MultiDiGraph, groups: list[Group]) -> None:
    """Each group's members on a grid of their own, below everything drawn first.

    A group that opens shows its members where nothing else is (the page moves the view
    there), in cells as wide as their labels: members spread around their group node
    covered the groups beside it.
    """
    drawn = [a for _, a in g.nodes(data=True) if "y" in a]
    top = max([a["y"] + a["size"] for a in drawn] + [gr.y + gr.size for gr in groups] + [0.0])
    left = min([a["x"] for a in drawn] + [gr.x for gr in groups] + [0.0])
    top += 8 * ROW_GAP
    for group in groups:
        members = group.members
        if len(members) < 2:  # a group of one is drawn as its entity, where the group stands
            continue
        cell_w = max(_box(g, k)[0] for k in members) + COLUMN_GAP / 2
        cell_h = max(_pitch(g.nodes[k]["size"], g.nodes[k].get("font") or
                            font_size(g.nodes[k]["size"]), _box(g, k)[1]) for k in members)
        cols = max(1, round(math.sqrt(len(members) * cell_h / cell_w * 1.6)))
        for k, key in enumerate(members):
            r, c = divmod(k, cols)
            _place(g, key, left + c * cell_w + cell_w / 2, top + r * cell_h)
        top += math.ceil(len(members) / cols) * cell_h + 8 * ROW_GAP


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
