"""riskgraph's own mappings as an SSSOM TSV mapping set.

"Own" means made by riskgraph's curators: SKOS mapping triples in the curated data
(``data/*.ttl``) and the ontology's alignments, with the justification, author, date
and method their mapping records give (the Uuk crosswalk). Mappings imported from
other projects are theirs and are not re-exported.
"""

from __future__ import annotations

import csv
import io

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from riskgraph.namespaces import ID_IRI, PREFIXES, RG_IRI, SKOS_IRI

MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
SEMAPV = "https://w3id.org/semapv/vocab/"
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "author_id", "mapping_date", "comment")
CURIES = {
    **{k: v for k, v in PREFIXES.items() if v.startswith(ID_IRI)},
    "rg": RG_IRI, "skos": str(SKOS), "semapv": SEMAPV,
    "airo": "https://w3id.org/airo#", "dpv": "https://w3id.org/dpv#",
    "risk": "https://w3id.org/dpv/risk#",
}


def _curie(term) -> str:
    text = str(term)
    best = max((p for p, ns in CURIES.items() if text.startswith(ns)),
               key=lambda p: len(CURIES[p]), default=None)
    return f"{best}:{text[len(CURIES[best]):]}" if best else text


def own_mappings(curated: Graph, context: Graph) -> list[dict[str, str]]:
    """One row per SKOS mapping triple of ``curated``; labels are looked up in ``context``."""
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
                "author_id": str(author or "riskgraph curation"),
                "mapping_date": str(date or ""),
                "comment": str(note or "riskgraph curation"),
            })
    return sorted(rows, key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))


def render_sssom(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    out.write("# curie_map:\n")
    for prefix, ns in sorted(CURIES.items()):
        out.write(f"#   {prefix}: {ns}\n")
    out.write("# mapping_set_id: https://w3id.org/riskgraph/mappings/riskgraph.sssom.tsv\n"
              "# mapping_set_description: riskgraph's own mappings (curated crosswalks and "
              "alignments)\n"
              "# license: https://creativecommons.org/licenses/by/4.0/\n")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def export_sssom() -> str:
    """The SSSOM TSV text of riskgraph's own mappings in the bundled data."""
    from riskgraph import resources
    from riskgraph.io.rdf import load_files, ontology_files

    curated = load_files(resources.curated_data_files() + [resources.alignments_file()],
                         bundled=True)
    context = load_files(ontology_files() + resources.data_files(), bundled=True)
    return render_sssom(own_mappings(curated, context))
