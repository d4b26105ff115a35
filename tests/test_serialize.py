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
