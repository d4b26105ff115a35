"""The RDF graph as a drawable model: entities become networkx nodes, literals become details.

Everything the page shows about classes (their labels, colours, shapes, roles),
facets (risk areas, lifecycle stages, actors, and source datasets named with
void:inDataset) and the coverage matrix is read from the ontology and data in the
graph, so new concepts in data/ appear without code changes. Where nodes go is
riskgraph.page.layout's and riskgraph.page.views' business, not this module's.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from riskgraph.namespaces import BIBO_IRI, PREFIXES, RG, VOID_IRI, XSD_IRI, compact, expand
from riskgraph.page.triples import TripleIndex, as_index

BIBO_DOI = URIRef(BIBO_IRI + "doi")
ARXIV_ID = RG.arxivId
META = (str(OWL), str(RDF), str(RDFS), XSD_IRI)
# Shown in their own place in the panel, so not repeated among the details.
OWN_PLACE = {RDFS.label, SKOS.definition, SKOS.notation}
# Looked up once: rdflib's namespace attribute lookup is slow in build_model's hot loops.
RDF_TYPE, SKOS_NOTATION, SKOS_DEFINITION = RDF.type, SKOS.notation, SKOS.definition
LABEL_PROPS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, RG.asStated, SKOS.notation)
# Filter dimensions and coverage axes: ontology classes whose instances the data supplies.
FACET_CLASSES = (RG.RiskArea, RG.LifecycleStage, RG.Actor)
COVERAGE_ROWS, COVERAGE_COLS = RG.RiskDomain, RG.LifecycleStage
# Links from a mitigation to what it addresses, and from there up the risk taxonomy.
ADDRESSES = (RG.mitigates,)
EVIDENCE_FOR = (RG.assessedMitigation, RG.supports, RG.proposes)
EVIDENCE_TARGET = (RG.assessedFor, RG.concernsRisk)
TAXONOMY_UP = (RG.inSubdomain, RG.coversSubdomain, SKOS.broader)
TAXONOMY_STEPS = 4  # risk -> subdomain -> domain, area -> subdomain -> domain
# A facet value reached through a neighbour with more links than this is not inherited:
# a large study or a curation agent would otherwise give every node every value.
HUB_MIN_DEGREE = 30
HUB_SQRT_FACTOR = 2  # ... or, on big graphs, more than this times sqrt(number of nodes)
NODE_SIZE_MIN, NODE_SIZE_RANGE = 8, 24  # pixels: least-linked node, added for the most linked
# Imported catalogue entities name the data set they come from (VoID); the data set's
# title labels a filter of its own, and data set nodes are not drawn (they would be hubs).
VOID_IN_DATASET = URIRef(VOID_IRI + "inDataset")
DATASET_FACET = "source dataset"
# Evidence facts the evidence matrix and the page's captions read.
STANCE, HAS_FIGURE, AS_STATED, VALUE = RG.stance, RG.hasFigure, RG.asStated, RG.value
CURATED = RG.derivedByCuration

# The part an entity's class plays on a page, first match wins: layouts place entities by
# role (a mitigation band, an evidence band, ...) and fold context roles into groups.
ROLES = (("evidence", RG.Evidence), ("source", RG.Source), ("mitigation", RG.Mitigation),
         ("risk", RG.Risk), ("area", RG.RiskArea), ("risk", RG.RiskCategory),
         ("actor", RG.Actor), ("stage", RG.LifecycleStage), ("concept", SKOS.Concept),
         ("concept", SKOS.ConceptScheme), ("study", RG.Study))
# Roles that are context rather than content: taxonomy concepts, stages, actors; and
# web pages (a navigator page per measure), which say where rather than what.
CONTEXT_ROLES = ("concept", "stage", "actor")
CONTEXT_CLASSES = (RG.WebPage,)
# How each class is drawn: one table for every page (classes.toml, documented there).
CLASS_TABLE = Path(__file__).resolve().parent / "classes.toml"
SHAPES = ("dot", "square", "diamond", "triangle", "star", "hexagon", "triangleDown")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.IGNORECASE)
_ARXIV = re.compile(r"^[a-z\-.]*/?\d{4}\.\d{4,5}$|^[a-z\-.]+/\d{7}$", re.IGNORECASE)


@dataclass
class ClassStyle:
    iri: str
    label: str
    colour: str
    shape: str
    count: int = 0


@dataclass
class Facet:
    iri: str
    label: str
    values: list[tuple[str, str]]  # (concept IRI, label)


@dataclass
class Coverage:
    rows: list[tuple[str, str]]  # risk domains (IRI, label)
    cols: list[tuple[str, str]]  # lifecycle stages
    cells: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # -> mitigation IRIs
    row_label: str = ""
    col_label: str = ""


@dataclass
class GraphModel:
    graph: nx.MultiDiGraph
    styles: dict[str, ClassStyle]
    facets: list[Facet]
    coverage: Coverage
    properties: dict[str, str]  # property IRI -> short name
    evidence_classes: list[str]
    source_classes: list[str]
    concept_classes: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # class IRI -> role (see ROLES)
    context_classes: list[str] = field(default_factory=list)  # folded into groups on answers

    @property
    def node_count(self) -> int:
        return self.graph.number_of_nodes()

    @property
    def edge_count(self) -> int:
        return self.graph.number_of_edges()


@functools.lru_cache(maxsize=4096)  # the same few properties, thousands of times
def short_name(iri: str) -> str:
    """The local name of an IRI: ``mitigates`` for rg:mitigates."""
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return tail or iri


def prefixed(iri: str) -> str:
    return compact(iri, PREFIXES)


def safe_url(value: str) -> str | None:
    """Only plain http(s) addresses become links; anything else stays text."""
    value = value.strip()
    return value if _SAFE_URL.match(value) else None


def link_for(prop: URIRef, value: str) -> str | None:
    if prop == BIBO_DOI:
        doi = value.strip().removeprefix("https://doi.org/")
        return safe_url("https://doi.org/" + doi) if doi.startswith("10.") else None
    if prop == ARXIV_ID:
        return safe_url("https://arxiv.org/abs/" + value.strip()) if _ARXIV.match(value.strip()) \
            else None
    return safe_url(value)


def _text(value: Literal) -> str:
    return str(value)


def _pick(graph: TripleIndex, node, prop) -> str | None:
    """An English (or untagged) literal value, preferring English."""
    best = None
    for value in graph.objects(node, prop):
        if isinstance(value, Literal):
            if value.language in (None, "en") or value.language.startswith("en"):
                if value.language:
                    return _text(value)
                best = best or _text(value)
            else:
                best = best or _text(value)
    return best


def _node_key(node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


class _Ontology:
    """Class hierarchy and property facts read from the graph."""

    def __init__(self, graph: TripleIndex):
        self.graph = graph
        parents: dict[URIRef, set[URIRef]] = defaultdict(set)
        for sub, sup in graph.subject_objects(RDFS.subClassOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
                parents[sub].add(sup)
        self._parents = parents
        self._ancestors: dict[URIRef, frozenset[URIRef]] = {}
        self._specific: dict[frozenset[URIRef], URIRef] = {}
        self.inverse: dict[URIRef, URIRef] = {}
        for p, q in graph.subject_objects(OWL.inverseOf):
            # The property that states the inverseOf is the canonical direction.
            if isinstance(p, URIRef) and isinstance(q, URIRef) and p not in self.inverse:
                self.inverse[q] = p
        self.symmetric = set(graph.subjects(RDF.type, OWL.SymmetricProperty))

    def ancestors(self, cls: URIRef) -> frozenset[URIRef]:
        if cls not in self._ancestors:
            seen: set[URIRef] = set()
            stack = list(self._parents.get(cls, ()))
            while stack:
                c = stack.pop()
                if c not in seen and c != cls:
                    seen.add(c)
                    stack.extend(self._parents.get(c, ()))
            self._ancestors[cls] = frozenset(seen)
        return self._ancestors[cls]

    def is_a(self, cls: URIRef, target: URIRef) -> bool:
        return cls == target or target in self.ancestors(cls)

    def subclasses_of(self, target: URIRef, among: Iterable[URIRef]) -> list[str]:
        return sorted(str(c) for c in among if self.is_a(c, target))

    def label(self, iri: URIRef) -> str:
        return _pick(self.graph, iri, RDFS.label) or short_name(str(iri))

    def most_specific(self, types: set[URIRef]) -> URIRef:
        key = frozenset(types)
        if key not in self._specific:
            self._specific[key] = self._most_specific(types)
        return self._specific[key]

    def _most_specific(self, types: set[URIRef]) -> URIRef:
        candidates = [t for t in types if not any(t in self.ancestors(u) for u in types if u != t)]
        return sorted(candidates, key=lambda t: (-len(self.ancestors(t)), str(t)))[0]


def _entity_types(graph: TripleIndex) -> dict[Any, set[URIRef]]:
    """Every subject typed with a non-OWL/RDF class: the entities to draw."""
    types: dict[Any, set[URIRef]] = defaultdict(set)
    for node, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and not str(cls).startswith(META):
            types[node].add(cls)
    ontology_terms = set(graph.subjects(RDF.type, OWL.Class)) | set(
        graph.subjects(RDF.type, OWL.Ontology))
    for term in ontology_terms | set(graph.objects(None, VOID_IN_DATASET)):
        types.pop(term, None)
    return types


def _label(graph: TripleIndex, node) -> str:
    return _named(graph, node) or short_name(str(node))


def _named(graph: TripleIndex, node) -> str | None:
    """The label the graph gives ``node``, if it gives one."""
    for prop in LABEL_PROPS:
        value = _pick(graph, node, prop)
        if value:
            return value
    return None


def _details(graph: TripleIndex, node, entities: set) -> list[list]:
    details = []
    pairs = sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1])))
    for prop, value in pairs:
        if prop in OWN_PLACE or prop == RDF_TYPE or value in entities:
            continue
        if isinstance(value, Literal):
            text = _text(value)
            if value.language and not value.language.startswith("en") and \
                    _pick(graph, node, prop) != text:
                continue
            details.append([short_name(str(prop)), text, link_for(URIRef(str(prop)), text)])
        elif isinstance(value, URIRef):
            # An entity not drawn on this page (a stance, say) is named by its label; an
            # address outside the graph (a licence) stays an address, a link if plain.
            named = _named(graph, value)
            details.append([short_name(str(prop)), named, None] if named else
                           [short_name(str(prop)), str(value), safe_url(str(value))])
    return details


def _evidence_facts(graph: TripleIndex, node) -> dict | None:
    """Stance, figures as the source states them, and whether curators read it so."""
    stance = [_label(graph, s) for s in graph.objects(node, STANCE)]
    figures, values = [], []
    for fig in graph.objects(node, HAS_FIGURE):
        figures += sorted(str(v) for v in graph.objects(fig, AS_STATED))
        values += [float(v.toPython()) for v in graph.objects(fig, VALUE)  # Decimal too
                   if isinstance(v, Literal) and isinstance(v.toPython(), (int, float, Decimal))]
    curated = any(bool(v.toPython()) for v in graph.objects(node, CURATED)
                  if isinstance(v, Literal))
    if not (stance or figures or curated):
        return None
    return {"stance": ", ".join(sorted(stance)), "figures": figures,
            "value": max(values, default=None), "curated": curated}


def build_model(graph: Graph | TripleIndex, *, new: Iterable[str] = (),
                answer: Iterable[str] = (),
                include: set[str] | None = None) -> GraphModel:
    """Turn an RDF graph (ontology included) into the model the page draws.

    ``include`` limits the drawn entities to those keys; ``new`` marks entities
    that a contribution adds; ``answer`` marks entities a query returned.
    """
    graph = as_index(graph)  # answers build_model's many small lookups fast
    onto = _Ontology(graph)
    all_types = _entity_types(graph)
    types = all_types
    if include is not None:
        types = {n: t for n, t in all_types.items() if _node_key(n) in include}
    entities = set(types)
    new, answer = set(new), set(answer)
    g = nx.MultiDiGraph()
    primary: dict[str, URIRef] = {}
    for node, node_types in types.items():
        key = _node_key(node)
        cls = onto.most_specific(node_types)
        primary[key] = cls
        codes = sorted({str(v) for v in graph.objects(node, SKOS_NOTATION)})
        g.add_node(key, label=_label(graph, node), short=prefixed(key), cls=str(cls),
                   definition=_pick(graph, node, SKOS_DEFINITION) or "", codes=codes,
                   details=_details(graph, node, entities), new=key in new,
                   answer=key in answer, evidence=_evidence_facts(graph, node))
    properties: dict[str, str] = {}
    seen: set[tuple[str, str, str]] = set()
    for s, p, o in graph:
        if p == RDF_TYPE or s not in entities or o not in entities or s == o:
            continue
        if isinstance(p, URIRef) and p in onto.inverse:  # draw one direction of each pair
            s, p, o = o, onto.inverse[p], s
        sk, ok = _node_key(s), _node_key(o)
        if p in onto.symmetric and sk > ok:
            sk, ok = ok, sk
        if (sk, str(p), ok) in seen:
            continue
        seen.add((sk, str(p), ok))
        properties.setdefault(str(p), short_name(str(p)))
        g.add_edge(sk, ok, key=str(p), prop=str(p))
    styles = _styles(onto, primary)
    roles = {c: next((r for r, root in ROLES if onto.is_a(URIRef(c), root)), "other")
             for c in styles}
    context = sorted(c for c, r in roles.items()
                     if r in CONTEXT_ROLES or any(onto.is_a(URIRef(c), x) for x in CONTEXT_CLASSES))
    _size_by_centrality(g)
    return GraphModel(
        graph=g, styles=styles, facets=_facets(graph, onto, g, types),
        coverage=_coverage(graph, onto, all_types, set(g.nodes)), properties=properties,
        evidence_classes=onto.subclasses_of(RG.Evidence, {URIRef(c) for c in styles}),
        source_classes=onto.subclasses_of(RG.Source, {URIRef(c) for c in styles}),
        concept_classes=sorted(set(onto.subclasses_of(SKOS.Concept, {URIRef(c) for c in styles}))
                               | set(onto.subclasses_of(SKOS.ConceptScheme,
                                                        {URIRef(c) for c in styles}))),
        roles=roles, context_classes=context,
    )


@dataclass(frozen=True)
class ClassTable:
    """classes.toml read: class IRI -> (shape, colour or None for a family entry)."""

    entries: dict[str, tuple[str, str | None]]
    palette: tuple[str, ...]
    fallback_shape: str


@functools.lru_cache(maxsize=1)
def class_table() -> ClassTable:
    with CLASS_TABLE.open("rb") as f:
        raw = tomllib.load(f)
    entries = {}
    for name, style in raw["classes"].items():
        iri = expand(name, PREFIXES)
        if iri is None or style.get("shape") not in SHAPES:
            raise ValueError(f"{CLASS_TABLE.name}: bad entry {name!r}")
        entries[iri] = (style["shape"], style.get("colour"))
    return ClassTable(entries, tuple(raw["palette"]), raw["fallback_shape"])


def class_style(onto: _Ontology, cls: URIRef) -> tuple[str, str]:
    """(shape, colour) of a class from the one table: its own entry; else the shape of
    its nearest listed ancestor and a palette colour fixed by its IRI."""
    table = class_table()
    shape, colour = table.entries.get(str(cls), (None, None))
    if shape is not None and colour is not None:
        return shape, colour
    if shape is None:
        listed = [a for a in onto.ancestors(cls) if str(a) in table.entries]
        # nearest: the listed ancestor with the most ancestors of its own
        listed.sort(key=lambda a: (-len(onto.ancestors(a)), str(a)))
        shape = table.entries[str(listed[0])][0] if listed else table.fallback_shape
    digest = hashlib.sha256(str(cls).encode("utf-8")).digest()
    return shape, table.palette[int.from_bytes(digest[:4], "big") % len(table.palette)]


def _styles(onto: _Ontology, primary: dict[str, URIRef]) -> dict[str, ClassStyle]:
    """Each drawn class with its fixed shape and colour (class_table), commonest first."""
    counts = Counter(primary.values())
    styles = {}
    for cls, count in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        shape, colour = class_style(onto, cls)
        styles[str(cls)] = ClassStyle(str(cls), onto.label(cls), colour, shape, count)
    return styles


def _size_by_centrality(g: nx.MultiDiGraph) -> None:
    centrality = nx.degree_centrality(g) if g.number_of_nodes() > 1 else {}
    top = max(centrality.values(), default=0) or 1
    for node in g.nodes:
        g.nodes[node]["size"] = round(
            NODE_SIZE_MIN + NODE_SIZE_RANGE * math.sqrt(centrality.get(node, 0) / top), 1)


def _instances(onto: _Ontology, types: dict, cls: URIRef) -> list:
    classes = {t for ts in types.values() for t in ts}
    wanted = {t for t in classes if onto.is_a(t, cls)}
    return [n for n, ts in types.items() if not wanted.isdisjoint(ts)]


def _ordered(graph: TripleIndex, nodes: list) -> list[tuple[str, str]]:
    def key(node):
        order = graph.value(node, RG.stageOrder)
        notation = graph.value(node, SKOS.notation)
        number = float(order) if order is not None else math.inf
        parts = [int(p) if p.isdigit() else p for p in re.split(r"[.\-]", str(notation or ""))]
        return (number, [(0, p) if isinstance(p, int) else (1, p) for p in parts],
                _label(graph, node))
    return [(_node_key(n), _label(graph, n)) for n in sorted(nodes, key=key)]


def _facets(graph: TripleIndex, onto: _Ontology, g: nx.MultiDiGraph, types: dict) -> list[Facet]:
    """Which risk areas, stages and actors each drawn node belongs to (see _belongs),
    and the dataset each comes from."""
    adj = undirected_adjacency(g)
    hub = max(HUB_MIN_DEGREE, int(HUB_SQRT_FACTOR * math.sqrt(max(g.number_of_nodes(), 1))))
    skip = {_node_key(n) for n in _instances(onto, types, SKOS.ConceptScheme)}
    facets = []
    for node in g.nodes:
        g.nodes[node]["facets"] = {}
    for cls in FACET_CLASSES:
        values = [v for v, _ in _ordered(graph, _instances(onto, types, cls)) if v in g]
        if not values:
            continue
        for node, found in _belongs(g, adj, values, skip, hub).items():
            g.nodes[node]["facets"][str(cls)] = sorted(found, key=values.index)
        facets.append(Facet(str(cls), onto.label(cls),
                            [(v, g.nodes[v]["label"]) for v in values]))
    datasets = _dataset_facet(graph, g)
    if datasets:
        facets.append(Facet(str(VOID_IN_DATASET), DATASET_FACET,
                            sorted(datasets.items(), key=lambda kv: (kv[1], kv[0]))))
    return facets


def _belongs(g: nx.MultiDiGraph, adj: dict[str, set[str]], values: list[str],
             schemes: set[str], hub: int) -> dict[str, set[str]]:
    """The values of one facet each drawn node belongs to. A node belongs to a value when
    it is that concept or links to it directly; failing any direct link in that
    dimension, through one intermediate entity that is neither a hub nor a concept
    scheme (so a mitigation gets the risk areas its assessments are for, but not every
    area a large study covers)."""
    value_set = set(values)
    direct: dict[str, set[str]] = defaultdict(set)
    for v in values:
        direct[v].add(v)
        for u in adj[v]:
            direct[u].add(v)
    out = {}
    for node in g.nodes:
        found = direct.get(node)
        if not found:
            found = set()
            for u in adj[node]:
                if u in value_set or u in schemes or len(adj[u]) > hub:
                    continue
                found |= adj[u] & value_set
        if found:
            out[node] = found
    return out


def _dataset_facet(graph: TripleIndex, g: nx.MultiDiGraph) -> dict[str, str]:
    """Each drawn node's datasets, noted on the node; the datasets' titles."""
    datasets: dict[str, str] = {}
    for node, dataset in graph.subject_objects(VOID_IN_DATASET):
        key = _node_key(node)
        if key in g:
            title = _pick(graph, dataset, DCTERMS.title) or _label(graph, dataset)
            datasets[str(dataset)] = title
            g.nodes[key]["facets"].setdefault(str(VOID_IN_DATASET), []).append(str(dataset))
    return datasets


def _coverage(graph: TripleIndex, onto: _Ontology, types: dict, drawn: set[str]) -> Coverage:
    """Risk domains x lifecycle stages: the drawn mitigations that apply in each cell."""
    rows = _ordered(graph, _instances(onto, types, COVERAGE_ROWS))
    cols = _ordered(graph, _instances(onto, types, COVERAGE_COLS))
    coverage = Coverage(rows, cols, row_label=onto.label(COVERAGE_ROWS),
                        col_label=onto.label(COVERAGE_COLS))
    row_set = {URIRef(r) for r, _ in rows}
    col_set = {c for c, _ in cols}
    memo: dict = {}

    def domains(target) -> set:
        if target not in memo:
            memo[target] = _domains_above(graph, target, row_set)
        return memo[target]

    for mitigation in _instances(onto, types, RG.Mitigation):
        key = _node_key(mitigation)
        if key not in drawn:
            continue
        stages = {str(s) for s in graph.objects(mitigation, RG.lifecycleStage)} & col_set
        if not stages:
            continue
        targets = _addressed(graph, mitigation)
        for domain in set().union(*(domains(t) for t in targets)) if targets else ():
            for stage in stages:
                coverage.cells.setdefault((str(domain), stage), []).append(key)
    return coverage


def _domains_above(graph: TripleIndex, target, domains: set) -> set:
    """The risk domains within TAXONOMY_STEPS steps up the taxonomy from ``target``."""
    found, frontier, seen = set(), [target], {target}
    for _ in range(TAXONOMY_STEPS):
        nxt = []
        for node in frontier:
            if node in domains:
                found.add(node)
            for prop in TAXONOMY_UP:
                for up in graph.objects(node, prop):
                    if up not in seen:
                        seen.add(up)
                        nxt.append(up)
        frontier = nxt
    return found | {n for n in frontier if n in domains}


def _addressed(graph: TripleIndex, mitigation) -> set:
    """What a mitigation addresses, directly or through the evidence about it."""
    targets = {t for p in ADDRESSES for t in graph.objects(mitigation, p)}
    for prop in EVIDENCE_FOR:
        for evidence in graph.subjects(prop, mitigation):
            targets |= {t for q in EVIDENCE_TARGET for t in graph.objects(evidence, q)}
    return targets


def undirected_adjacency(g: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Plain neighbour sets: much faster to query than networkx's multigraph views."""
    adj: dict[str, set[str]] = {node: set() for node in g.nodes}
    for u, v in g.edges():
        adj[u].add(v)
        adj[v].add(u)
    return adj


def neighbourhood(g: nx.MultiDiGraph, start: str, depth: int) -> set[str]:
    """Keys within ``depth`` links of ``start``, in either direction."""
    return set(nx.single_source_shortest_path_length(g.to_undirected(as_view=True), start,
                                                     cutoff=depth))
