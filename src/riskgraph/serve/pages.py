"""The HTML pages, built from a backend's answers; shared by the server and the static site.

Every function here blocks (it runs queries); the server calls them from its
thread pool, the site writer directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from riskgraph.errors import InputError
from riskgraph.io.formats import FILE_GRAPHS, GRAPHS
from riskgraph.namespaces import BASE, ID_IRI, OWL_IRI, RDFS_IRI, RG_IRI
from riskgraph.page.embed import script_json
from riskgraph.query.canned import get_query, prepare, run_prepared
from riskgraph.query.results import QueryResult
from riskgraph.query.results import Term as RdfTerm
from riskgraph.serve import entity as entity_mod
from riskgraph.serve import html, neighbourhood
from riskgraph.serve.links import Linker, compact

CATALOGUE = f"""\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rg: <https://w3id.org/riskgraph/ns#>
PREFIX bibo: <http://purl.org/ontology/bibo/>
SELECT ?x ?type ?label ?code WHERE {{
  {{ SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
     FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{ID_IRI}")) }} }}
  OPTIONAL {{ ?x a ?type }}
  OPTIONAL {{ ?x rdfs:label ?label }}
  OPTIONAL {{ ?x skos:notation|rg:navigatorId|rg:arxivId|bibo:doi ?code }}
}}
"""

CLASS_LABELS = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?c ?label WHERE { ?c a owl:Class ; rdfs:label ?label }
"""

ONTOLOGY = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?t ?kind ?label ?def ?p ?o ?olabel WHERE {
  ?t a ?kind .
  FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty))
  FILTER(isIRI(?t) && ?t NOT IN (owl:Thing, owl:Nothing, owl:topObjectProperty,
                                  owl:bottomObjectProperty, owl:topDataProperty,
                                  owl:bottomDataProperty))
  OPTIONAL { ?t rdfs:label ?label }
  OPTIONAL { ?t skos:definition ?def }
  OPTIONAL { ?t ?p ?o
             FILTER(?p IN (rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range,
                           owl:inverseOf, owl:disjointWith, owl:equivalentClass))
             FILTER(isIRI(?o) && ?o != ?t && ?o NOT IN (owl:Thing, owl:topObjectProperty,
                                                         owl:topDataProperty))
             OPTIONAL { ?o rdfs:label ?olabel } }
}
"""

ONTOLOGY_HEAD = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label ?def WHERE {
  OPTIONAL { <https://w3id.org/riskgraph/ns> rdfs:label ?label }
  OPTIONAL { <https://w3id.org/riskgraph/ns> skos:definition ?def }
}
"""

FACT_NAMES = {RDFS_IRI + "subClassOf": "subclass of",
              RDFS_IRI + "subPropertyOf": "subproperty of",
              RDFS_IRI + "domain": "domain", RDFS_IRI + "range": "range",
              OWL_IRI + "inverseOf": "inverse of", OWL_IRI + "disjointWith": "disjoint with",
              OWL_IRI + "equivalentClass": "equivalent to"}
KIND_NAMES = {OWL_IRI + "Class": "class", OWL_IRI + "ObjectProperty": "object property",
              OWL_IRI + "DatatypeProperty": "datatype property",
              OWL_IRI + "AnnotationProperty": "annotation property"}


# --- entities --------------------------------------------------------------------

def rdf_links(linker: Linker, iri: str) -> dict[str, str]:
    page = linker.entity(iri) or ""
    base = page[: -len(linker.suffix)] if linker.suffix and page.endswith(linker.suffix) else page
    return {fmt: base + GRAPHS[fmt].suffix for fmt in FILE_GRAPHS}


def entity_page(backend, iri: str, linker: Linker, meta_csp: str | None = None) -> str | None:
    """The HTML page of ``iri``; None if the graph does not know it. The query is a
    fixed template (``entity.TemplateQuery``), so it skips the user-query safety parse;
    an IRI that is not plain is refused with ``InputError``."""
    rows = backend.select_internal(entity_mod.entity_query(iri)).rows
    return render_entity(iri, rows, linker, meta_csp)


def entity_exists(backend, iri: str) -> bool:
    return bool(backend.select_internal(entity_mod.exists_query(iri)).boolean)


def render_entity(iri: str, rows, linker: Linker, meta_csp: str | None = None) -> str | None:
    e = entity_mod.build_entity(iri, rows)
    if e is None:
        return None
    centre, nodes, edges, hidden = neighbourhood.layout(e, linker)
    return html.render("entity.html.j2", linker, meta_csp, e=e, centre=centre, nodes=nodes,
                       edges=edges, hidden=hidden, svg_w=neighbourhood.WIDTH,
                       svg_h=neighbourhood.HEIGHT, rdf_links=rdf_links(linker, iri))


def entity_rdf(backend, iri: str, fmt: str) -> bytes:
    return backend.sparql(entity_mod.graph_query(iri), "CONSTRUCT", fmt)


# --- the catalogue: every entity by class ------------------------------------------

@dataclass
class ClassGroup:
    iri: str
    label: str
    anchor: str
    entities: list[tuple[str, str, list[str]]] = field(default_factory=list)


@dataclass
class Catalogue:
    groups: list[ClassGroup]
    entries: dict[str, tuple[str, list[str], str]]  # iri -> (label, codes, class label)

    @property
    def total(self) -> int:
        return len(self.entries)


def catalogue(backend) -> Catalogue:
    rows = backend.select(CATALOGUE).rows
    class_labels = {r["c"].value: r["label"].value for r in backend.select(CLASS_LABELS).rows
                    if r["label"].lang in (None, "en")}
    types: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    codes: dict[str, list[str]] = {}
    for row in rows:
        x = row["x"].value
        types.setdefault(x, set())
        if "type" in row and row["type"].kind == "uri":
            types[x].add(row["type"].value)
        if "label" in row and (x not in labels or row["label"].lang == "en"):
            labels[x] = row["label"].value
        if "code" in row and row["code"].value not in codes.setdefault(x, []):
            codes[x].append(row["code"].value)
    counts: dict[str, int] = {}
    for ts in types.values():
        for t in ts:
            counts[t] = counts.get(t, 0) + 1
    groups: dict[str, ClassGroup] = {}
    entries = {}
    def by_label(i: str) -> tuple[str, str]:
        return labels.get(i, i).lower(), i

    for x in sorted(types, key=by_label):
        # The most specific class: a riskgraph class first, then the rarest.
        best = min(types[x], key=lambda t: (not t.startswith(BASE),
                                            counts[t], t), default="")
        label = class_labels.get(best) or (compact(best) if best else "untyped")
        group = groups.get(best)
        if group is None:
            anchor = re.sub(r"[^A-Za-z0-9]+", "-", compact(best) if best else "untyped")
            group = groups[best] = ClassGroup(best, label, anchor.strip("-"))
        entry = (x, labels.get(x) or compact(x), codes.get(x, []))
        group.entities.append(entry)
        entries[x] = (entry[1], entry[2], label)
    ordered = sorted(groups.values(), key=lambda g: g.label.lower())
    return Catalogue(ordered, entries)


def home_page(cat: Catalogue, linker: Linker, what: str, meta_csp=None) -> str:
    return html.render("index.html.j2", linker, meta_csp, classes=cat.groups, total=cat.total,
                       what=what)


def browse_page(cat: Catalogue, linker: Linker, meta_csp=None) -> str:
    return html.render("browse.html.j2", linker, meta_csp, classes=cat.groups, total=cat.total)


# --- the ontology ------------------------------------------------------------------

@dataclass
class Term:
    iri: str
    kind: str
    label: str = ""
    definition: str = ""
    facts: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        if self.iri.startswith(RG_IRI):
            return self.iri.rsplit("#", 1)[1]
        return re.sub(r"[^A-Za-z0-9]+", "-", compact(self.iri)).strip("-")


def ontology_page(backend, linker: Linker, meta_csp=None) -> str:
    terms: dict[str, Term] = {}
    facts: dict[str, dict[str, dict[str, str]]] = {}
    for row in backend.select(ONTOLOGY).rows:
        iri = row["t"].value
        kind = KIND_NAMES[row["kind"].value]
        term = terms.get(iri)
        if term is None:
            term = terms[iri] = Term(iri, kind)
        elif kind != "class" and term.kind == "annotation property":
            term.kind = kind
        if "label" in row and (not term.label or row["label"].lang == "en"):
            term.label = row["label"].value
        if "def" in row and (not term.definition or row["def"].lang == "en"):
            term.definition = row["def"].value
        if "p" in row:
            o = row["o"].value
            label = row["olabel"].value if "olabel" in row else compact(o)
            facts.setdefault(iri, {}).setdefault(FACT_NAMES[row["p"].value], {})[o] = label
    for iri, term in terms.items():
        term.label = term.label or compact(iri)
        term.facts = [(name, sorted(values.items(), key=lambda kv: kv[1].lower()))
                      for name, values in sorted(facts.get(iri, {}).items())]
    ordered = sorted(terms.values(), key=lambda t: (not t.iri.startswith(
        RG_IRI), t.label.lower()))
    head = backend.select(ONTOLOGY_HEAD).rows
    title = head[0]["label"].value if head and "label" in head[0] else "riskgraph ontology"
    definition = head[0]["def"].value if head and "def" in head[0] else ""
    return html.render("ontology.html.j2", linker, meta_csp, title=title,
                       iri=RG_IRI.rstrip("#"), definition=definition,
                       classes=[t for t in ordered if t.kind == "class"],
                       properties=[t for t in ordered if t.kind != "class"])


# --- canned queries ------------------------------------------------------------------

def queries_page(queries, linker: Linker, meta_csp=None) -> str:
    return html.render("queries.html.j2", linker, meta_csp, queries=queries)


CHOICES = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rg: <https://w3id.org/riskgraph/ns#>
SELECT DISTINCT ?x ?label ?code WHERE {
  ?x a ?class . OPTIONAL { ?x rdfs:label ?label }
  OPTIONAL { ?x skos:notation|rg:navigatorId ?code }
} ORDER BY ?label LIMIT 500
"""


def param_choices(backend, query) -> dict[str, list[tuple[str, str]]]:
    """For each IRI parameter, the values it accepts (a code or a label) and their labels."""
    choices: dict[str, list[tuple[str, str]]] = {}
    for param in query.params:
        if param.kind != "iri":
            continue
        seen: dict[str, tuple[str, str]] = {}
        for cls in param.classes:
            for row in backend.select(CHOICES, {"class": RdfTerm("uri", cls)}).rows:
                x = row["x"].value
                label = row["label"].value if "label" in row else compact(x)
                code = row["code"].value if "code" in row else None
                if x not in seen or code:
                    seen[x] = (code or label, f"{label} ({code})" if code else label)
        choices[param.name] = sorted(set(seen.values()), key=lambda v: v[1].lower())
    return choices


def run_canned(backend, name_or_query, params: dict[str, str]) -> tuple[object, QueryResult]:
    """A canned query (name or ``CannedQuery``) with ``params``, run on ``backend``.

    Bad parameters raise ``InputError``. On a graph that cannot change, the values
    a parameter resolves to (a code such as CBRN to its IRI) are kept per query and
    parameters, so a repeated request runs one query, not two.
    """
    query = get_query(name_or_query) if isinstance(name_or_query, str) else name_or_query
    timeout = backend.limits.timeout
    key = (query.name, tuple(sorted(params.items())))
    prepared = _PREPARED.get(key) if backend.immutable else None
    if prepared is None:
        prepared = prepare(query, params, backend.store, timeout)
        if backend.immutable:
            if len(_PREPARED) > 4096:
                _PREPARED.clear()
            _PREPARED[key] = prepared
    return query, run_prepared(prepared, backend.store, timeout)


_PREPARED: dict = {}


def query_page(backend, query, values: dict[str, str], linker: Linker, *, run: bool,
               downloads: dict[str, str] | None = None, meta_csp=None,
               choices=None) -> tuple[str, bool]:
    """The page of a canned query, with its answer if ``run``; (html, ok)."""
    result, error = None, None
    if run:
        try:
            _, result = run_canned(backend, query, values)
        except InputError as exc:
            error = str(exc)
    page = html.render("query.html.j2", linker, meta_csp, q=query, values=values,
                       choices=choices if choices is not None else param_choices(backend, query),
                       result=result, error=error, downloads=downloads or {})
    return page, error is None


def editor_page(queries, linker: Linker, endpoint: str, timeout: float) -> str:
    initial = (f"PREFIX rdfs: <{RDFS_IRI}>\nPREFIX rg: <{RG_IRI}>\n\n"
               "SELECT ?mitigation ?label WHERE {\n  ?mitigation a rg:Mitigation ;"
               " rdfs:label ?label .\n}\nORDER BY ?label\nLIMIT 20\n")
    canned = {q.name: q.text for q in queries if not q.params}
    canned.update({q.name: q.text for q in queries if q.params})
    return html.render("editor.html.j2", linker, None, initial=initial, queries=queries,
                       endpoint=endpoint, timeout=f"{timeout:g}",
                       canned_json=script_json(canned))


def error_page(linker: Linker, status: int, heading: str, message: str, meta_csp=None) -> str:
    return html.render("error.html.j2", linker, meta_csp, status=status, heading=heading,
                       message=message)
