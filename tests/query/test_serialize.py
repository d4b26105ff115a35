"""The build's writers (pyoxigraph's) give back exactly the graph they were given."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from riskgraph.io.formats import GRAPHS
from riskgraph.io.serialize import serialisations


def graph_bytes(graph: Graph, fmt: str) -> bytes:
    return serialisations(graph, (fmt,))[fmt]

EX = "http://example.org/"


def _graph() -> Graph:
    graph = Graph()
    graph.bind("ex", EX)
    node = BNode()
    graph.add((URIRef(EX + "a"), URIRef(EX + "p"), Literal("line one\nline \"two\"", lang="en")))
    graph.add((URIRef(EX + "a"), URIRef(EX + "q"), Literal(7)))
    graph.add((URIRef(EX + "a"), URIRef(EX + "q"), Literal("2024", datatype=XSD.gYear)))
    graph.add((URIRef(EX + "a"), URIRef(EX + "r"), node))
    graph.add((node, URIRef(EX + "p"), Literal("plain ünïcode")))
    return graph


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_written_graph_reads_back_the_same(fmt):
    graph = _graph()
    data = graph_bytes(graph, fmt)
    assert isomorphic(Graph().parse(data=data, format=GRAPHS[fmt].rdflib), graph)
    assert graph_bytes(graph, fmt) == data  # sorted: the same graph, the same bytes


def test_turtle_uses_the_graphs_prefixes():
    assert b"@prefix ex: <http://example.org/>" in graph_bytes(_graph(), "ttl")


def test_a_term_pyoxigraph_refuses_goes_to_rdflibs_writer_not_dropped():
    graph = _graph()
    graph.add((URIRef(EX + "a"), URIRef(EX + "p"), URIRef("relative/iri")))
    data = graph_bytes(graph, "nt")
    assert b"<relative/iri>" in data
    assert data.count(b"\n") == len(graph)


# --- query results: one writer, the embedded store's bytes ------------------------------
def _store_with_every_kind_of_term():
    import pyoxigraph as ox

    store = ox.Store()
    s, p = ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p")
    for o in (ox.Literal("plain, \"quoted\"\nline"), ox.Literal("en", language="en"),
              ox.Literal("7", datatype=ox.NamedNode(str(XSD.integer))),
              ox.Literal("2024", datatype=ox.NamedNode(str(XSD.gYear))),
              ox.NamedNode(EX + "o"), ox.BlankNode("b0")):
        store.add(ox.Quad(s, p, o))
    return store


def test_a_result_is_written_as_the_embedded_store_writes_it():
    """Answers that arrive as QueryResult (a remote server's, the CLI's, the site's
    downloads) and the embedded store's workers give the same bytes in every format."""
    import json

    from riskgraph.io.formats import RESULTS
    from riskgraph.query.formats import write
    from riskgraph.query.results import QueryResult

    store = _store_with_every_kind_of_term()
    for query in ("SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY STR(?o)", "ASK { ?s ?p ?o }"):
        result = QueryResult.from_json(json.loads(store.query(query).serialize(
            format=RESULTS["json"].engine())))
        for fmt, form in RESULTS.items():
            assert write(result, fmt) == store.query(query).serialize(format=form.engine()), fmt


def test_a_servers_blank_node_label_is_written_in_every_format():
    """Virtuoso labels blank nodes ``nodeID://b1``, which no results format can carry."""
    from riskgraph.io.formats import RESULTS
    from riskgraph.query.formats import write
    from riskgraph.query.results import QueryResult, Term

    result = QueryResult(["b"], [{"b": Term("bnode", "nodeID://b1")}, {"b": Term("bnode", "b1")}])
    assert b'"nodeID://b1"' in write(result, "json")  # JSON keeps the server's label
    tsv = write(result, "tsv").decode().split("\n")
    assert tsv[1] != tsv[2] and all(line.startswith("_:") for line in tsv[1:3])
    for fmt in RESULTS:
        assert write(result, fmt)


def test_one_string_literal_escaper_for_turtle_and_sparql():
    import pyoxigraph as ox

    from riskgraph.text import string_literal

    value = 'a "q" \\ \n\r\t\b\f\x01\x7f é \u2028'
    text = string_literal(value)
    graph = Graph().parse(data=f"<{EX}a> <{EX}b> {text} .", format="turtle")
    assert str(next(graph.objects())) == value
    answer = ox.Store().query(f"SELECT ({text} AS ?v) {{}}")
    assert next(iter(answer))["v"].value == value
