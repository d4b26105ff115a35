"""Query results as bytes in the SPARQL 1.1 results formats, and back.

The embedded store's workers serialise with pyoxigraph; these writers serve
answers that arrive as ``QueryResult`` (from a remote server, or canned-query
downloads), so that every path offers the same formats.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

from riskgraph.query.results import QueryResult, Term

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


def parse_json(body: bytes) -> QueryResult:
    return QueryResult.from_json(json.loads(body))


def to_json(result: QueryResult) -> bytes:
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}).encode()
    return json.dumps({"head": {"vars": result.variables},
                       "results": {"bindings": [{k: t.to_json() for k, t in row.items()}
                                                for row in result.rows]}},
                      ensure_ascii=False).encode()


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    attr = f" xml:lang={quoteattr(term.lang)}" if term.lang else \
        (f" datatype={quoteattr(term.datatype)}" if term.datatype else "")
    return f"<literal{attr}>{escape(term.value)}</literal>"


def to_xml(result: QueryResult) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
           "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.boolean is not None:
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>" + "".join(
                f"<binding name={quoteattr(k)}>{_xml_term(t)}</binding>" for k, t in row.items())
                + "</result>")
        out.append("</results>")
    out.append("</sparql>\n")
    return "\n".join(out).encode()


def to_csv(result: QueryResult) -> bytes:
    """SPARQL 1.1 CSV: plain values, no types (the W3C format)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([row[v].value if v in row else "" for v in result.variables])
    return buffer.getvalue().encode()


def _tsv_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    text = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\r", "\\r").replace("\t", "\\t")
    if term.lang:
        return f'"{text}"@{term.lang}'
    if term.datatype and not term.datatype.endswith("#string"):
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def to_tsv(result: QueryResult) -> bytes:
    lines = ["\t".join("?" + v for v in result.variables)]
    if result.boolean is not None:
        lines = ["?boolean", "true" if result.boolean else "false"]
    for row in result.rows:
        lines.append("\t".join(_tsv_term(row[v]) if v in row else "" for v in result.variables))
    return ("\n".join(lines) + "\n").encode()


WRITERS = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}


def triples_from_rows(result: QueryResult) -> list:
    """A CONSTRUCT answer given as subject/predicate/object rows, as pyoxigraph triples."""
    import pyoxigraph as ox

    def node(term: Term, literal_ok: bool):
        if term.kind == "uri":
            return ox.NamedNode(term.value)
        if term.kind == "bnode":
            return ox.BlankNode(term.value)
        if not literal_ok:
            raise ValueError("a literal cannot be a subject or predicate")
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype) if term.datatype
                          else None)

    return [ox.Triple(node(r["subject"], False), node(r["predicate"], False),
                      node(r["object"], True)) for r in result.rows]


def serialize_triples(triples, fmt: str) -> bytes:
    import pyoxigraph as ox

    from riskgraph.namespaces import PREFIXES
    from riskgraph.store.local import GRAPH_FORMATS

    data = ox.serialize(triples, format=getattr(ox.RdfFormat, GRAPH_FORMATS[fmt]),
                        prefixes=PREFIXES if fmt == "ttl" else None)
    assert data is not None  # no output given: serialize returns the bytes
    return data
