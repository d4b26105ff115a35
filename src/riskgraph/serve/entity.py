"""What an entity page shows, read from the graph with one SPARQL query.

The query gathers the entity's outgoing and incoming links (with labels), the
dataset it comes from (``void:inDataset``, with the dataset's title and
licence), and the evidence about it: assessments, claims and risk judgements
with stance, figure as the source states it, locator and citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from riskgraph.errors import InputError
from riskgraph.namespaces import (
    BIBO_IRI,
    DCTERMS_IRI,
    ID_IRI,
    RDF_IRI,
    RDFS_IRI,
    RG_IRI,
    SKOS_IRI,
    VOID_IRI,
)
from riskgraph.query.results import Term

RDF_TYPE = RDF_IRI + "type"
LABELS = (RDFS_IRI + "label", SKOS_IRI + "prefLabel", DCTERMS_IRI + "title")
DEFINITIONS = (SKOS_IRI + "definition", RDFS_IRI + "comment", DCTERMS_IRI + "description")
CODES = {SKOS_IRI + "notation": "notation", RG_IRI + "navigatorId": "navigator id",
         RG_IRI + "arxivId": "arXiv", BIBO_IRI + "doi": "DOI"}
IN_DATASET = VOID_IRI + "inDataset"
MAX_LINKS = 2000  # per direction; a concept such as a lifecycle stage has many

QUERY = """\
PREFIX rg: <https://w3id.org/riskgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX schema: <https://schema.org/>
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?part ?p ?o ?label ?plabel ?ev ?kind ?evlabel ?stance ?about ?aboutLabel ?figure
       ?locator ?reason ?curated ?source ?sourceLabel ?doi ?arxiv ?url ?title ?license
WHERE {
  {
    { SELECT ?p ?o WHERE { <IRI> ?p ?o } LIMIT %(max)d }
    BIND("out" AS ?part)
    OPTIONAL { ?o rdfs:label ?label }
    OPTIONAL { ?p rdfs:label ?plabel }
  } UNION {
    { SELECT ?p ?o WHERE { ?o ?p <IRI> } LIMIT %(max)d }
    BIND("in" AS ?part)
    OPTIONAL { ?o rdfs:label ?label }
    OPTIONAL { ?p rdfs:label ?plabel }
  } UNION {
    <IRI> void:inDataset ?o .
    BIND("dataset" AS ?part)
    OPTIONAL { ?o dcterms:title ?title }
    OPTIONAL { ?o dcterms:license ?license }
  } UNION {
    { ?ev rg:assessedMitigation <IRI> BIND("assessment" AS ?kind) }
    UNION { ?ev rg:assessedFor <IRI> BIND("assessment" AS ?kind) }
    UNION { ?ev rg:supports <IRI> BIND("supports" AS ?kind) }
    UNION { ?ev rg:questions <IRI> BIND("questions" AS ?kind) }
    UNION { ?ev rg:proposes <IRI> BIND("proposes" AS ?kind) }
    UNION { ?ev rg:concernsRisk <IRI> BIND("concerns" AS ?kind) }
    UNION { ?ev rg:judgedRisk <IRI> BIND("judgement" AS ?kind) }
    BIND("evidence" AS ?part)
    OPTIONAL { ?ev rdfs:label ?evlabel }
    OPTIONAL { ?ev rg:stance ?st . ?st rdfs:label ?stance }
    OPTIONAL { ?ev rg:assessedMitigation|rg:assessedFor|rg:judgedRisk ?about
               FILTER(?about != <IRI>) OPTIONAL { ?about rdfs:label ?aboutLabel } }
    OPTIONAL { ?ev rg:hasFigure ?fig . ?fig rg:asStated ?figure }
    OPTIONAL { ?ev rg:locator ?locator }
    OPTIONAL { ?ev rg:reason ?reason }
    OPTIONAL { ?ev rg:derivedByCuration ?curated }
    OPTIONAL { ?ev dcterms:source ?source
               OPTIONAL { ?source rdfs:label ?sourceLabel }
               OPTIONAL { ?source bibo:doi ?doi }
               OPTIONAL { ?source rg:arxivId ?arxiv }
               OPTIONAL { ?source schema:url ?url } }
  }
}
"""

GRAPH_QUERY = """\
CONSTRUCT { <IRI> ?p ?o . ?s ?q <IRI> }
WHERE { { <IRI> ?p ?o } UNION { ?s ?q <IRI> } }
"""


@dataclass
class Link:
    prop: str
    prop_label: str
    target: Term
    label: str


@dataclass
class Citation:
    iri: str
    label: str
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None


@dataclass
class Evidence:
    iri: str
    kind: str
    label: str = ""
    stance: str = ""
    about: list[tuple[str, str]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    locator: str = ""
    reason: str = ""
    curated: bool = False
    citations: dict[str, Citation] = field(default_factory=dict)


@dataclass
class Dataset:
    iri: str
    title: str = ""
    license: str = ""


@dataclass
class Entity:
    iri: str
    label: str = ""
    definition: str = ""
    types: list[tuple[str, str]] = field(default_factory=list)
    codes: list[tuple[str, str]] = field(default_factory=list)
    out: list[Link] = field(default_factory=list)
    incoming: list[Link] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.iri[len(ID_IRI):].split("/")[0] if self.iri.startswith(ID_IRI) else ""


def _text(row: dict[str, Term], name: str) -> str:
    term = row.get(name)
    return term.value if term is not None else ""


def _pick(values: list[Term]) -> str:
    """An English (or untagged) value if there is one."""
    for wanted in ("en", None, ""):
        for term in values:
            if (term.lang or None) == (wanted or None) and term.kind == "literal":
                return term.value
    return values[0].value if values else ""


# An IRI that can only sit inside <...> as one IRI: no space, quote, bracket or escape
# that could end it early (SPARQL's IRIREF excludes these characters too).
_PLAIN_IRI = re.compile(r'https?://[^\x00-\x20<>"{}|^`\\]+')

EXISTS_QUERY = "ASK { { <IRI> ?p ?o } UNION { ?s ?p <IRI> } }"


class TemplateQuery(str):
    """One of this module's fixed query templates with a plain IRI filled in.

    Only these skip the user-query safety parse (``select_internal`` of the serve
    backends accepts nothing else): the template is riskgraph's own, and a plain IRI
    cannot leave its ``<...>``. Everything else, users' queries included, is checked."""


def plain_iri(iri: str) -> bool:
    """True if ``iri`` can be written as ``<iri>`` and read back as that one IRI."""
    return _PLAIN_IRI.fullmatch(iri) is not None


def _fill(template: str, iri: str) -> TemplateQuery:
    if not plain_iri(iri):
        raise InputError(f"{iri!r} is not an IRI riskgraph can show a page for",
                         hint="an entity IRI is http(s) with no space, quote, bracket, "
                              "brace or backslash")
    return TemplateQuery(template.replace("<IRI>", f"<{iri}>"))


def entity_query(iri: str) -> TemplateQuery:
    return _fill(QUERY % {"max": MAX_LINKS}, iri)


def graph_query(iri: str) -> TemplateQuery:
    return _fill(GRAPH_QUERY, iri)


def exists_query(iri: str) -> TemplateQuery:
    return _fill(EXISTS_QUERY, iri)


def _short(iri: str) -> str:
    from riskgraph.serve.links import compact

    return compact(iri)


def build_entity(iri: str, rows: list[dict[str, Term]]) -> Entity | None:
    """The page model from ``entity_query``'s rows; None if the graph does not know ``iri``."""
    parts = _Parts(Entity(iri))
    for row in rows:
        part = _text(row, "part")
        if part in ("out", "in"):
            parts.link(part, row)
        elif part == "dataset":
            parts.dataset(row)
        elif part == "evidence":
            _add_evidence(parts.evidence, row)
    if not parts.out and not parts.incoming:
        return None
    return parts.entity_of()


@dataclass
class _Parts:
    """The rows of ``entity_query`` gathered by part, one link, dataset or piece of
    evidence per key (a value with several labels gives several rows)."""

    entity: Entity
    out: dict[tuple, Link] = field(default_factory=dict)
    incoming: dict[tuple, Link] = field(default_factory=dict)
    labels: dict[str, list[Term]] = field(default_factory=dict)
    definitions: list[Term] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)

    def link(self, part: str, row: dict[str, Term]) -> None:
        prop, target = row["p"].value, row["o"]
        key = (prop, target)
        table = self.out if part == "out" else self.incoming
        link = table.get(key)
        if link is None:
            link = table[key] = Link(prop, "", target, "")
        if "plabel" in row and (not link.prop_label or row["plabel"].lang == "en"):
            link.prop_label = row["plabel"].value
        if "label" in row and (not link.label or row["label"].lang == "en"):
            link.label = row["label"].value
        if part == "out" and prop in LABELS and target.kind == "literal":
            self.labels.setdefault(prop, []).append(target)
        if part == "out" and prop in DEFINITIONS and target.kind == "literal":
            self.definitions.append(target)

    def dataset(self, row: dict[str, Term]) -> None:
        datasets = self.entity.datasets
        ds = next((d for d in datasets if d.iri == row["o"].value), None)
        if ds is None:
            ds = Dataset(row["o"].value)
            datasets.append(ds)
        ds.title = ds.title or _text(row, "title")
        ds.license = ds.license or _text(row, "license")

    def entity_of(self) -> Entity:
        """The entity: its label and definition (English first), types and codes, the
        evidence strongest first, the links in label order."""
        entity = self.entity
        for prop in LABELS:
            if self.labels.get(prop):
                entity.label = _pick(self.labels[prop])
                break
        entity.label = entity.label or _short(entity.iri)
        entity.definition = _pick(self.definitions)
        for link in self.out.values():
            if link.prop == RDF_TYPE:
                entity.types.append((link.target.value, link.label or _short(link.target.value)))
            if link.prop in CODES and link.target.kind == "literal":
                entity.codes.append((CODES[link.prop], link.target.value))
        order = {"effective": 0, "supports": 0, "proposes": 1, "mixed": 2}
        entity.evidence = sorted(self.evidence.values(),
                                 key=lambda e: (order.get(e.stance or e.kind, 3), e.label, e.iri))
        entity.out = sorted(self.out.values(), key=_link_key)
        entity.incoming = sorted(self.incoming.values(), key=_link_key)
        return entity


def _link_key(link: Link) -> tuple[str, str]:
    return link.prop_label or link.prop, link.label or link.target.value


def _add_evidence(evidence: dict[str, Evidence], row: dict[str, Term]) -> None:
    """One row about a piece of evidence: its first label, stance, locator, reason, and
    every subject, figure and citation it gives."""
    ev_iri = row["ev"].value
    ev = evidence.get(ev_iri)
    if ev is None:
        ev = evidence[ev_iri] = Evidence(ev_iri, _text(row, "kind"))
    ev.label = ev.label or _text(row, "evlabel")
    ev.stance = ev.stance or _text(row, "stance")
    ev.locator = ev.locator or _text(row, "locator")
    ev.reason = ev.reason or _text(row, "reason")
    ev.curated = ev.curated or _text(row, "curated") in ("true", "1")
    if "about" in row:
        about = (row["about"].value, _text(row, "aboutLabel") or _short(row["about"].value))
        if about not in ev.about:
            ev.about.append(about)
    figure = _text(row, "figure")
    if figure and figure not in ev.figures:
        ev.figures.append(figure)
    if "source" in row:
        src = row["source"].value
        cite = ev.citations.setdefault(src, Citation(src, _text(row, "sourceLabel")))
        cite.doi = cite.doi or _text(row, "doi") or None
        cite.arxiv = cite.arxiv or _text(row, "arxiv") or None
        cite.url = cite.url or _text(row, "url") or None
