"""The one graph writer: triples as Turtle, N-Triples, JSON-LD or RDF/XML, written by
pyoxigraph (the format table is ``riskgraph.io.formats``).

At the size of the bundled graph (about 55k triples) rdflib's Turtle and JSON-LD
writers take about three seconds each; pyoxigraph's take a tenth of that. An rdflib
graph's triples are sorted, so the same graph gives the same bytes (blank-node labels
aside). A term pyoxigraph will not carry (an IRI it finds invalid) sends the whole
graph to rdflib's writer instead, so nothing is ever dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from rdflib import Graph

from riskgraph.io.formats import GRAPHS
from riskgraph.io.terms import to_oxigraph


def write_triples(triples: Iterable[Any], fmt: str,
                  prefixes: dict[str, str] | None = None) -> bytes:
    """pyoxigraph triples in the graph format named ``fmt`` (``ttl``, ``nt``, ``jsonld``,
    ``rdfxml``); ``prefixes`` are used by Turtle only."""
    import pyoxigraph as ox

    data = ox.serialize(triples, format=GRAPHS[fmt].engine(),
                        prefixes=prefixes if fmt == "ttl" else None)
    assert data is not None  # no output given: serialize returns the bytes
    return data


def serialisations(graph: Graph, formats: tuple[str, ...]) -> dict[str, bytes]:
    """``graph`` in each of ``formats`` (``ttl``, ``nt``, ``jsonld``), UTF-8; its triples
    are sorted and converted once for all."""
    import pyoxigraph as ox

    term = cache(to_oxigraph)  # each distinct term converted once
    ordered = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    try:
        triples = [ox.Triple(term(s), term(p), term(o)) for s, p, o in ordered]
        return {fmt: write_triples(triples, fmt, prefixes) for fmt in formats}
    except ValueError:
        return {fmt: graph.serialize(format=GRAPHS[fmt].rdflib, encoding="utf-8")
                for fmt in formats}
