"""What changed between two graphs: triples (blank nodes compared canonically), then
per entity in words, and counts by class and by source dataset. Sides are sets of
rdflib triples."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from riskgraph.namespaces import RG_IRI, VOID_IRI, compact

VOID_IN_DATASET = URIRef(VOID_IRI + "inDataset")
RG_ = {name: URIRef(RG_IRI + name) for name in (
    "Assessment", "assessedMitigation", "assessedFor", "stance", "hasFigure", "asStated")}
NO_DATASET = "(no dataset)"

Triple = tuple


def _has_bnode(triple: Triple) -> bool:
    return isinstance(triple[0], BNode) or isinstance(triple[2], BNode)


def triple_diff(old: set[Triple], new: set[Triple]) -> tuple[set[Triple], set[Triple]]:
    """(removed, added). Triples without blank nodes are compared as they are; those
    with blank nodes are compared after canonical relabelling (rdflib.compare), so two
    graphs that differ only in blank-node labels have no difference."""
    old_blank = {t for t in old if _has_bnode(t)}
    new_blank = {t for t in new if _has_bnode(t)}
    old_ground, new_ground = old - old_blank, new - new_blank
    old_blank, new_blank = _canonical(old_blank), _canonical(new_blank)
    return (old_ground - new_ground) | (old_blank - new_blank), \
        (new_ground - old_ground) | (new_blank - old_blank)


def _canonical(triples: set[Triple]) -> set[Triple]:
    if not triples:
        return set()
    blank = Graph()
    for triple in triples:
        blank.add(triple)
    return set(to_canonical_graph(blank))


class Index:
    """A side's triples by subject, and each blank node's parent: the lookups a diff
    makes, without loading an rdflib graph store."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.subjects: dict = defaultdict(list)
        self.parents: dict = {}
        for s, p, o in triples:
            self.subjects[s].append((p, o))
            if isinstance(o, BNode):
                self.parents.setdefault(o, s)

    def __contains__(self, node) -> bool:
        return node in self.subjects

    def objects(self, node, predicate) -> list:
        return [o for p, o in self.subjects.get(node, ()) if p == predicate]

    def value(self, node, predicate):
        return next(iter(self.objects(node, predicate)), None)


@dataclass
class EntityChange:
    """One entity that was added, removed, renamed, given a new id, or changed."""

    iri: str
    name: str  # short form, e.g. assessment:uuk-2024-...
    kind: str  # its class in words, e.g. "assessment"
    change: str  # added, removed, renamed, id changed, changed
    summary: str  # the change in words
    datasets: list[str] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)  # (property, value)
    removed: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"iri": self.iri, "entity": self.name, "class": self.kind,
                "change": self.change, "summary": self.summary, "datasets": self.datasets,
                "added": [list(pair) for pair in self.added],
                "removed": [list(pair) for pair in self.removed]}


class Namer:
    """Short names, labels and class words, read from a side with the ontology beside it."""

    def __init__(self, index: Index, ontology: Index) -> None:
        self.index = index
        self.ontology = ontology

    def short(self, term) -> str:
        if isinstance(term, URIRef):
            return compact(str(term))
        if isinstance(term, Literal):
            return term.n3() if term.language or term.datatype else f'"{term}"'
        return "[]"

    def value(self, node, predicate):
        found = self.index.value(node, predicate)
        return found if found is not None else self.ontology.value(node, predicate)

    def label(self, node) -> str | None:
        label = self.value(node, RDFS.label) if isinstance(node, URIRef) else None
        return None if label is None else str(label)

    def words(self, node) -> str:
        """The node as a reader says it: its code, else its label, else its short name."""
        if isinstance(node, Literal):
            return str(node)
        notation = self.value(node, SKOS.notation)
        return str(notation or self.label(node) or self.short(node))

    def kind(self, node) -> str:
        types = sorted(self.index.objects(node, RDF.type), key=lambda t: (
            not str(t).startswith(RG_IRI), str(t)))
        for cls in types:
            if cls in (OWL.NamedIndividual, RDFS.Resource):
                continue
            label = self.label(cls)
            if label:
                return label.lower()
            return re.sub(r"(?<!^)(?=[A-Z])", " ", str(cls).rsplit("#", 1)[-1].rsplit(
                "/", 1)[-1]).lower()
        return "entity"

    def describe(self, node) -> str:
        """An entity in a few words: an assessment by its judgement, others by label."""
        if RG_["Assessment"] in self.index.objects(node, RDF.type):
            return self._assessment(node)
        label = self.label(node) or self.value(node, RG_["asStated"])  # a figure: as stated
        return f'"{label}"' if label else ""

    def _assessment(self, node) -> str:
        parts = []
        mitigation = self.value(node, RG_["assessedMitigation"])
        stance = self.value(node, RG_["stance"])
        area = self.value(node, RG_["assessedFor"])
        judged = " ".join(w for w in (
            self.words(mitigation) if mitigation is not None else "",
            self.words(stance).lower() if stance is not None else "",
            f"for {self.words(area)}" if area is not None else "") if w)
        if judged:
            parts.append(judged)
        for figure in self.index.objects(node, RG_["hasFigure"]):
            stated = self.value(figure, RG_["asStated"])
            if stated is not None:
                parts.append(str(stated))
        source = self.value(node, DCTERMS.source)
        if source is not None:
            parts.append(f"source {self.words(source)}")
        return ", ".join(parts)


def _owner(node, index: Index):
    """The IRI a blank node hangs off (its subject's subject ...), if any."""
    seen: set = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = index.parents.get(node)
    return node if isinstance(node, URIRef) else None


def entity_changes(old: Index, new: Index, removed: set[Triple], added: set[Triple],
                   ontology: Index) -> list[EntityChange]:
    old_names, new_names = Namer(old, ontology), Namer(new, ontology)
    touched: dict[URIRef, tuple[list[Triple], list[Triple]]] = {}
    for triples, index, slot in ((removed, old, 0), (added, new, 1)):
        for triple in triples:
            owner = triple[0] if isinstance(triple[0], URIRef) else _owner(triple[0], index)
            if owner is None:
                continue  # a blank node nothing points at: counted, not described
            touched.setdefault(owner, ([], []))[slot].append(triple)
    changes = []
    for node, (gone, came) in touched.items():
        in_old, in_new = node in old, node in new
        names = new_names if in_new else old_names
        kind = names.kind(node)
        description = names.describe(node)
        if not in_old:
            change, summary = "added", description
        elif not in_new:
            change, summary = "removed", description
        else:
            before, after = old_names.label(node), new_names.label(node)
            if before and after and before != after:
                change, summary = "renamed", f'"{before}" -> "{after}"'
            else:
                change, summary = "changed", _changed_words(gone, came, old_names, new_names)
        changes.append(EntityChange(
            str(node), names.short(node), kind, change, summary,
            _datasets(node, names),
            added=sorted({(new_names.short(p), new_names.short(o)) for _, p, o in came}),
            removed=sorted({(old_names.short(p), old_names.short(o)) for _, p, o in gone})))
    _pair_new_ids(changes)
    order = {"added": 0, "id changed": 1, "renamed": 2, "changed": 3, "removed": 4}
    changes.sort(key=lambda c: (order.get(c.change, 5), c.kind, c.name))
    return changes


def _changed_words(gone, came, old_names: Namer, new_names: Namer) -> str:
    said = [f"+ {new_names.short(p)} {new_names.short(o)}" for _, p, o in sorted(came)]
    said += [f"- {old_names.short(p)} {old_names.short(o)}" for _, p, o in sorted(gone)]
    shown = said[:3]
    more = len(said) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")


def _pair_new_ids(changes: list[EntityChange]) -> None:
    """A removed and an added entity of one class with the same label: one entity whose
    id changed (users of a catalogue see a renamed id, not a loss and a gain)."""
    added = {(c.kind, c.summary): c for c in changes if c.change == "added" and c.summary}
    for change in [c for c in changes if c.change == "removed" and c.summary]:
        twin = added.pop((change.kind, change.summary), None)
        if twin is not None:
            changes.remove(change)
            twin.change = "id changed"
            twin.summary = f"was {change.name} ({twin.summary})"
            twin.removed = change.removed


def _datasets(node, names: Namer) -> list[str]:
    found = sorted(names.words(d) for d in names.index.objects(node, VOID_IN_DATASET))
    return found or [NO_DATASET]


def counts(changes: list[EntityChange]) -> tuple[dict, dict]:
    """{class: {change: n}} and {dataset: {change: n}}."""
    by_class: dict[str, Counter] = {}
    by_dataset: dict[str, Counter] = {}
    for change in changes:
        by_class.setdefault(change.kind, Counter())[change.change] += 1
        for dataset in change.datasets:
            by_dataset.setdefault(dataset, Counter())[change.change] += 1
    return ({k: dict(v) for k, v in sorted(by_class.items())},
            {k: dict(v) for k, v in sorted(by_dataset.items())})
