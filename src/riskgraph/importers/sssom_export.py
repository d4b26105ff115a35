"""riskgraph's own mappings as an SSSOM TSV mapping set.

"Own" means made by riskgraph's curators: SKOS mapping triples in the curated data
(``data/*.ttl``) and the ontology's alignments, with the justification, author, date
and method their mapping records give (the Uuk crosswalk). Mappings imported from
other projects are theirs and are not re-exported.
"""

from __future__ import annotations

import io

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from riskgraph import resources
from riskgraph.io.rdf import load_files, ontology_files
from riskgraph.namespaces import ID_IRI, MAPPING_PREFIXES, PREFIXES, RG_IRI, SKOS_IRI
from riskgraph.text import without_controls

MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "author_id", "author_label", "mapping_date", "comment")
CURIES = {
    **{k: v for k, v in PREFIXES.items() if v.startswith(ID_IRI)},
    "rg": RG_IRI, "skos": SKOS_IRI,
    # not "risk": that is riskgraph's own prefix of its risks (id/risk/)
    **MAPPING_PREFIXES,
}
CURATION = ID_IRI + "agent/riskgraph-curation"  # the agent of riskgraph's own curation
# A cell a spreadsheet would run as a formula starts with one of these (OWASP's CSV
# injection advice): such a cell gets a leading apostrophe.
_FORMULA = ("=", "+", "-", "@")


def _curie(term) -> str:
    text = str(term)
    best = max((p for p, ns in CURIES.items() if text.startswith(ns)),
               key=lambda p: len(CURIES[p]), default=None)
    return f"{best}:{text[len(CURIES[best]):]}" if best else text


def _author_id(author) -> str:
    """A CURIE, as SSSOM's author_id must be: riskgraph's curation agent for its own
    ("riskgraph curation", or no author given), else the author's IRI."""
    if author is None or str(author) == "riskgraph curation":
        return _curie(URIRef(CURATION))
    return _curie(author) if isinstance(author, URIRef) else ""


def _dated(graph: Graph | None) -> str:
    """The dcterms:modified of ``graph``'s ontology node (the alignments' date)."""
    if graph is None:
        return ""
    for ontology in graph.subjects(RDF.type, OWL.Ontology):
        date = graph.value(ontology, DCTERMS.modified)
        if date is not None:
            return str(date)
    return ""


def own_mappings(curated: Graph, context: Graph,
                 alignments: Graph | None = None) -> list[dict[str, str]]:
    """One row per SKOS mapping triple of ``curated``; labels are looked up in ``context``.
    A triple of ``alignments`` without a mapping record of its own is dated by the
    alignments' ``dcterms:modified``."""
    aligned_on = _dated(alignments)
    records: dict[tuple, tuple] = {}
    for rec in curated.subjects(URIRef(RG_IRI + "mappingSubject"), None):
        key = (curated.value(rec, URIRef(RG_IRI + "mappingSubject")),
               curated.value(rec, URIRef(RG_IRI + "mappingPredicate")),
               curated.value(rec, URIRef(RG_IRI + "mappingObject")))
        records[key] = (curated.value(rec, URIRef(RG_IRI + "mappingJustification")),
                        curated.value(rec, URIRef(RG_IRI + "mappingAuthor")),
                        curated.value(rec, URIRef(RG_IRI + "mappingDate")),
                        curated.value(rec, URIRef(RG_IRI + "sourceNote")))
    rows = []
    for name in MATCHES:
        pred = URIRef(SKOS_IRI + name)
        for s, o in curated.subject_objects(pred):
            just, author, date, note = records.get((s, pred, o), (None, None, None, None))
            rows.append({
                "subject_id": _curie(s), "subject_label": str(context.value(s, RDFS.label) or ""),
                "predicate_id": f"skos:{name}", "object_id": _curie(o),
                "object_label": str(context.value(o, RDFS.label) or ""),
                "mapping_justification": _curie(just) if just else "semapv:ManualMappingCuration",
                "author_id": _author_id(author),
                "author_label": "riskgraph curation" if author is None
                else "" if isinstance(author, URIRef) else str(author),
                "mapping_date": str(date or (aligned_on if alignments is not None
                                             and (s, pred, o) in alignments else "")),
                "comment": str(note or "riskgraph curation"),
            })
    return sorted(rows, key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))


def cell(text: str) -> str:
    """One TSV cell: no tab, line break or other control character can end the cell or
    the row (each becomes a space), and a cell a spreadsheet would run as a formula is
    neutralised with a leading apostrophe."""
    text = without_controls(text)
    return "'" + text if text.startswith(_FORMULA) else text


def render_sssom(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    out.write("# curie_map:\n")
    for prefix, ns in sorted(CURIES.items()):
        out.write(f"#   {prefix}: {ns}\n")
    out.write("# mapping_set_id: https://w3id.org/riskgraph/mappings/riskgraph.sssom.tsv\n"
              "# mapping_set_description: riskgraph's own mappings (curated crosswalks and "
              "alignments)\n"
              "# license: https://creativecommons.org/licenses/by/4.0/\n")
    # SSSOM TSV: plain tab-separated cells, no quoting (``cell`` leaves nothing to quote)
    out.write("\t".join(COLUMNS) + "\n")
    for row in rows:
        out.write("\t".join(cell(row.get(column, "")) for column in COLUMNS) + "\n")
    return out.getvalue()


def export_sssom() -> str:
    """The SSSOM TSV text of riskgraph's own mappings in the bundled data."""
    curated = load_files(resources.curated_data_files() + [resources.alignments_file()],
                         bundled=True)
    context = load_files(ontology_files() + resources.data_files(), bundled=True)
    alignments = load_files([resources.alignments_file()], bundled=True)
    return render_sssom(own_mappings(curated, context, alignments))
