"""What each kind of page shows where: roles to bands, neighbours to blocks, classes to groups.

An answer page reads left to right in bands, one per role, as the query's shape says
(``QUERY_SHAPES``). Entities that are context rather than content (taxonomy concepts,
stages, actors, web pages; and whatever is neither in the answer nor in a band) are
folded into one group per class that opens on double-click. A focus page puts the
entity in the middle and its neighbours in blocks by the linking property; a big
block is folded. The whole graph starts as one group per class.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set as AbstractSet

from riskgraph.namespaces import PROV_IRI, RG_IRI
from riskgraph.page.layout import (
    BAND_ROWS_MAX,
    FONT_ANSWER,
    FONT_OTHER,
    FONT_SUBJECT,
    SIZE_ANSWER,
    SIZE_OTHER,
    SIZE_SUBJECT,
    Group,
    band_layout,
    focus_layout,
    group_regions,
    wrap_label,
)
from riskgraph.page.model import GraphModel, undirected_adjacency

# The bands of each canned query's answer page, left to right. "subject" is what the
# question is about (the entities its parameters name); the others are roles (see
# model.ROLES). Chosen per query:
#   effective_mitigations: risk area -> mitigations (answer order: figures first)
#                          -> their assessments -> sources
#   contested_mitigations: mitigations -> evidence on both sides -> sources
#   evidence_for_mitigation: the mitigation -> its evidence -> sources
#   mitigations_for_domain: domain or subdomain -> risks -> mitigations
#   mitigations_by_function: RMF function -> mitigations
#   who_does_what: actor -> lifecycle stage -> mitigation
#   publications, publication_claims: publication -> claims and other evidence -> risks
#                          -> mitigations
#   delphi_risks: study -> risk judgements -> risks
#   coverage_gaps: risk categories -> mitigations
QUERY_SHAPES: dict[str, tuple[str, ...]] = {
    "effective_mitigations": ("subject", "mitigation", "evidence", "source"),
    "contested_mitigations": ("subject", "mitigation", "evidence", "source"),
    "evidence_for_mitigation": ("subject", "evidence", "source"),
    "mitigations_for_domain": ("subject", "risk", "mitigation"),
    "mitigations_by_function": ("subject", "mitigation"),
    "who_does_what": ("actor", "stage", "mitigation"),
    "publications": ("source", "evidence", "risk", "mitigation"),
    "publication_claims": ("subject", "evidence", "risk", "mitigation"),
    "delphi_risks": ("study", "evidence", "risk"),
    "coverage_gaps": ("risk", "mitigation"),
}
DEFAULT_SHAPE = ("subject", "risk", "mitigation", "evidence", "source")
FOCUS_BLOCK_MAX = 8  # a property with more neighbours than this is folded into a group
NARROW_LINE_CHARS = 22  # on the whole graph, a bigger class is split by source dataset


def _role(model: GraphModel, key: str) -> str:
    return model.roles.get(model.graph.nodes[key]["cls"], "other")


ROLE_GROUPS = {"evidence": "evidence", "source": "sources", "mitigation": "mitigations",
               "risk": "risks", "area": "taxonomy and context", "actor": "taxonomy and context",
               "stage": "taxonomy and context", "concept": "taxonomy and context"}


def _role_groups(model: GraphModel, keys, more: AbstractSet[str] = frozenset()) -> list[Group]:
    """One group per role (few groups, so the answer keeps the room); ``more`` names the
    roles shown in bands too. A group takes the colour and shape of its commonest class."""
    by_role: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        by_role[ROLE_GROUPS.get(_role(model, key), "other")].append(key)
    groups = []
    for name, members in sorted(by_role.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        counts: dict[str, int] = defaultdict(int)
        for m in members:
            counts[model.graph.nodes[m]["cls"]] += 1
        cls = max(counts, key=lambda c: (counts[c], c))
        label = f"{name}: {len(members)} more" if name in more else f"{name} ({len(members)})"
        groups.append(Group(label, cls, sorted(members)))
    return groups


def _class_groups(model: GraphModel, keys, more: AbstractSet[str] = frozenset()) -> list[Group]:
    """One group per class, biggest first; ``more`` names classes shown in bands too."""
    by_class: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        by_class[model.graph.nodes[key]["cls"]].append(key)
    groups = []
    for cls, members in sorted(by_class.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        name = model.styles[cls].label
        label = f"{name}: {len(members)} more" if cls in more else f"{name} ({len(members)})"
        groups.append(Group(label, cls, sorted(members)))
    return groups


def caption(model: GraphModel, key: str) -> str | None:
    """A short label for a piece of evidence: its figure as stated, e.g. ">60%" (or
    "curated", or its stance)."""
    g = model.graph
    facts = g.nodes[key].get("evidence")
    if not facts or model.roles.get(g.nodes[key]["cls"]) != "evidence":
        return None
    # Short on purpose: it stands beside its mitigation; the source is one link away, and
    # the full label is on hover and in the panel.
    return " ".join(facts["figures"]) or ("curated" if facts["curated"] else facts["stance"]) \
        or None


STAGE_ACTOR = ("lifecycleStage", "responsibleActor")  # short names of the linking properties
CONTEXT_LINE_CHARS = 60


def stage_and_actor(model: GraphModel, key: str) -> str:
    """A mitigation's lifecycle stage(s) and actor(s), by label, from its links:
    "Verify and Validate \u00b7 Developer, Governance Actor" (shortened past a line)."""
    g = model.graph
    parts = []
    for name in STAGE_ACTOR:
        labels = sorted({g.nodes[v]["label"] for _, v, p in g.out_edges(key, data="prop")
                         if model.properties.get(p) == name})
        if labels:
            parts.append(", ".join(labels))
    return wrap_label(" \u00b7 ".join(parts), CONTEXT_LINE_CHARS, 1) if parts else ""


def _sizes(model: GraphModel, subjects: set[str], answer: set[str],
           narrow: AbstractSet[str] = frozenset()) -> None:
    for key, a in model.graph.nodes(data=True):
        a["size"], a["font"] = (SIZE_SUBJECT, FONT_SUBJECT) if key in subjects else \
            (SIZE_ANSWER, FONT_ANSWER) if key in answer else (SIZE_OTHER, FONT_OTHER)
        a["caption"] = caption(model, key)
        # The answer's labels on one line (they stand in rows); the rest narrower, on two.
        a["wrapped"] = wrap_label(a["caption"] or a["label"]) \
            if key in answer and key not in narrow else \
            wrap_label(a["caption"] or a["label"], NARROW_LINE_CHARS, 2)


def plain_sizes(model: GraphModel) -> None:
    """Labels for the force layouts: sizes stay those of degree centrality."""
    for _, a in model.graph.nodes(data=True):
        a["wrapped"] = wrap_label(a["label"])


def answer_view(model: GraphModel, query: str, order: list[str],
                subjects: set[str]) -> list[Group]:
    """Place an answer page by bands; returns the folded groups."""
    g = model.graph
    shape = QUERY_SHAPES.get(query, DEFAULT_SHAPE)
    answer = [k for k in order if k in g]
    answer_set = set(answer)
    subjects = {s for s in subjects if s in g}
    adj = undirected_adjacency(g)
    bands: dict[str, list[str]] = {kind: [] for kind in shape}
    placed: set[str] = set()

    def put(kind: str, key: str) -> None:
        if key not in placed:
            bands[kind].append(key)
            placed.add(key)

    for key in sorted(subjects):
        role = _role(model, key)
        put("subject" if "subject" in bands else role if role in bands else shape[0], key)
    for key in answer:
        role = _role(model, key)
        if role in bands:
            put(role, key)
    extra = [k for k in answer if k not in placed]  # answer entities of no band: never folded
    anchors = subjects | answer_set
    for kind in shape:
        if kind == "subject" or any(k in answer_set for k in bands[kind]):
            continue  # a band the answer fills holds the answer only
        for key in sorted(g.nodes, key=lambda k: g.nodes[k]["label"]):
            if key in placed or _role(model, key) != kind:
                continue
            context = g.nodes[key]["cls"] in model.context_classes
            if context and kind not in ("actor", "stage", "area"):
                continue
            if adj[key] & anchors:
                put(kind, key)
    columns = [bands[k] for k in shape] + ([extra] if extra else [])
    placed.update(extra)
    in_bands = {ROLE_GROUPS.get(_role(model, k), "other") for k in placed}
    groups = _role_groups(model, [k for k in g.nodes if k not in placed], in_bands)
    # A band long enough to wrap into several columns gets narrower, two-line labels.
    narrow = {k for band in columns if len(band) > BAND_ROWS_MAX for k in band}
    _sizes(model, subjects, answer_set, narrow)
    # Each answer mitigation says where and by whom it applies, under its label: unless
    # stages and actors have bands of their own, or the band is too long for a third line
    # (the evidence matrix says it beside each mitigation in any case).
    own_bands = "stage" in shape or "actor" in shape
    for key in [] if own_bands else answer:
        where = stage_and_actor(model, key) \
            if _role(model, key) == "mitigation" and key not in narrow else ""
        if where:
            g.nodes[key]["wrapped"] += "\n" + where
    keep = tuple(i for i, kind in enumerate(shape) if kind != "subject"
                 and any(k in answer_set for k in bands[kind]))
    # Evidence right after mitigations stands in their rows: its labels are short figures.
    inline = tuple(i for i, kind in enumerate(shape)
                   if kind == "evidence" and i and shape[i - 1] == "mitigation")
    band_layout(g, columns, groups, adj, keep_order=keep, inline=inline)
    return groups


def focus_view(model: GraphModel, centre: str) -> list[Group]:
    """The entity in the middle, neighbours in blocks by property; returns the groups."""
    g = model.graph
    blocks: dict[tuple[str, bool], list[str]] = defaultdict(list)
    seen = {centre}
    for _, v, prop in sorted(g.out_edges(centre, data="prop"), key=lambda e: (e[2], e[1])):
        if v not in seen:
            seen.add(v)
            blocks[(model.properties[prop], False)].append(v)
    for u, _, prop in sorted(g.in_edges(centre, data="prop"), key=lambda e: (e[2], e[0])):
        if u not in seen:
            seen.add(u)
            blocks[(model.properties[prop], True)].append(u)
    ordered = sorted(blocks.items(), key=lambda kv: (len(kv[1]), kv[0]))
    groups: list[Group] = []
    for (name, incoming), members in ordered:
        members.sort(key=lambda k: g.nodes[k]["label"].casefold())
        if len(members) > FOCUS_BLOCK_MAX:
            arrow = f"\u2190 {name}" if incoming else f"{name} \u2192"
            classes = {g.nodes[m]["cls"] for m in members}
            cls = max(classes, key=lambda c: sum(g.nodes[m]["cls"] == c for m in members))
            groups.append(Group(f"{arrow} ({len(members)})", cls, members))
    far = _class_groups(model, [k for k in g.nodes if k not in seen])
    for group in far:
        group.label = f"further: {group.label}"
    _sizes(model, {centre}, set())
    focus_layout(g, centre, [(n, inc, m) for (n, inc), m in ordered], groups, far)
    return groups + far


# The whole graph's first view: riskgraph's curated evidence layer, drawn and labelled
# (risk areas, the assessments of mitigations for them, the mitigations, the risks they
# address), left to right; a class of more than FIRST_VIEW_CLASS_MAX entities (a big
# contribution, a synthetic graph) is folded instead. Everything else (catalogues,
# mapping records, sources, taxonomy) sits in one group per role, listed in the panel.
FIRST_VIEW = (("area", "RiskArea"), ("evidence", "Assessment"), ("mitigation", "Mitigation"),
              ("risk", "Risk"))
FIRST_VIEW_CLASS_MAX = 150
WHOLE_FONTS = (24, 20, 22, 22)  # per band: big enough to read at the first view's scale
WHOLE_ROWS_MAX = 20


# Imported records that outnumber everything curated get a group of their own on the whole
# graph, named for what they are (the MIT AI Risk Repository's risks would otherwise swell
# "risks", and the AIID's parties and incidents sit in groups named by class IRI).
WHOLE_GROUP_NAMES = {"RepositoryRiskCategory": "repository risks",
                     "RepositoryRiskSubcategory": "repository risks",
                     "Incident": "incidents", "LocatedReference": "located references",
                     PROV_IRI + "Agent": "parties (agents)"}


def _whole_groups(model: GraphModel, keys) -> list[Group]:
    """One group per role; the "other" role one per class (mapping records, people, ...);
    the imported records of WHOLE_GROUP_NAMES one per kind."""
    g = model.graph
    own = {RG_IRI + name for _, name in FIRST_VIEW}  # too big for the first view: by class
    named = {(c if ":" in c else RG_IRI + c): n for c, n in WHOLE_GROUP_NAMES.items()}
    by_name: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        cls = g.nodes[key]["cls"]
        role = _role(model, key)
        name = model.styles[cls].label if cls in own else named.get(cls) or \
            ROLE_GROUPS.get(role) or model.styles[cls].label
        by_name[name].append(key)
    groups = []
    for name, members in sorted(by_name.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        counts: dict[str, int] = defaultdict(int)
        for m in members:
            counts[g.nodes[m]["cls"]] += 1
        cls = max(counts, key=lambda c: (counts[c], c))
        groups.append(Group(f"{name} ({len(members)})", cls, sorted(members)))
    return groups


def whole_view(model: GraphModel) -> list[Group]:
    """The curated evidence layer in bands; the rest in a few groups (see FIRST_VIEW)."""
    g = model.graph
    counts: dict[str, int] = defaultdict(int)
    for _, cls in g.nodes(data="cls"):
        counts[cls] += 1
    bands: list[list[str]] = []
    placed: set[str] = set()
    for _, name in FIRST_VIEW:
        cls = RG_IRI + name
        band = [] if counts[cls] > FIRST_VIEW_CLASS_MAX else \
            sorted((k for k, c in g.nodes(data="cls") if c == cls),
                   key=lambda k: (g.nodes[k]["label"].casefold(), k))
        bands.append(band)
        placed.update(band)
    groups = _whole_groups(model, [k for k in g.nodes if k not in placed])
    _sizes(model, set(), set())
    for band, font in zip(bands, WHOLE_FONTS, strict=True):
        for key in band:
            g.nodes[key]["font"] = font
            g.nodes[key]["size"] = SIZE_ANSWER
    for key in bands[1]:  # an assessment's figure means little away from its mitigation:
        g.nodes[key]["wrapped"] = ""  # on hover and in the panel (and on answer pages)
    for group in groups:
        group.font = WHOLE_FONTS[0]
    adj = undirected_adjacency(g)
    band_layout(g, bands, groups, adj, keep_order=(0,), rows_max=WHOLE_ROWS_MAX)
    group_regions(g, groups)
    return groups
