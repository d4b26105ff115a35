"""The one format table: every format riskgraph reads or writes as bytes, with its
name (``--format``, ``?format=``), media types, file suffix and pyoxigraph format.

Used by the CLI, ``serve``'s content negotiation, the result and graph writers
(``riskgraph.query.formats``, ``riskgraph.io.serialize``) and the readers. No heavy
import: pyoxigraph is imported only when a format's engine is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Format:
    name: str
    media: tuple[str, ...]  # the media types it answers to, most specific first
    content_type: str  # what riskgraph sends
    suffix: str = ""  # a file's suffix
    oxigraph: str = ""  # the member of pyoxigraph's RdfFormat / QueryResultsFormat
    rdflib: str = ""  # rdflib's parser and serialiser name
    aliases: tuple[str, ...] = ()  # other names a ?format= parameter may give

    def engine(self) -> Any:
        """pyoxigraph's format object (``ox.RdfFormat.TURTLE``, ``ox.QueryResultsFormat.CSV``)."""
        import pyoxigraph as ox

        kind = ox.RdfFormat if self.name in GRAPHS else ox.QueryResultsFormat
        return getattr(kind, self.oxigraph)


# The W3C SPARQL 1.1 query results formats.
RESULTS = {f.name: f for f in (
    Format("json", ("application/sparql-results+json", "application/json"),
           "application/sparql-results+json", ".json", "JSON"),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"),
           "application/sparql-results+xml", ".xml", "XML"),
    Format("csv", ("text/csv",), "text/csv; charset=utf-8", ".csv", "CSV"),
    Format("tsv", ("text/tab-separated-values",), "text/tab-separated-values; charset=utf-8",
           ".tsv", "TSV"),
)}
# RDF graph formats.
GRAPHS = {f.name: f for f in (
    Format("ttl", ("text/turtle", "application/x-turtle"), "text/turtle; charset=utf-8",
           ".ttl", "TURTLE", "turtle", ("turtle",)),
    Format("nt", ("application/n-triples", "text/plain"), "application/n-triples", ".nt",
           "N_TRIPLES", "nt", ("ntriples", "n-triples")),
    Format("jsonld", ("application/ld+json", "application/json"), "application/ld+json",
           ".jsonld", "JSON_LD", "json-ld", ("json-ld",)),
    Format("rdfxml", ("application/rdf+xml",), "application/rdf+xml", ".rdf", "RDF_XML",
           "xml", ("rdf",)),
)}
HTML = Format("html", ("text/html", "application/xhtml+xml"), "text/html; charset=utf-8",
              ".html")
FORMATS = {**RESULTS, **GRAPHS, "html": HTML}
# The graph formats riskgraph writes files in (`build`, `site`); RDF/XML is served only.
FILE_GRAPHS = ("ttl", "nt", "jsonld")


def name_of(param: str) -> str | None:
    """The format a ``?format=`` value names (its name or an alias, any case)."""
    param = param.lower()
    return next((f.name for f in FORMATS.values() if param == f.name or param in f.aliases),
                None)
