"""A read-only triple index for building the page model, much faster than rdflib's store.

build_model asks tens of thousands of small questions (the objects of a subject and
property, the subjects of a property and object); rdflib's memory store answers each
through its context bookkeeping, which was most of the time of a whole-graph page.
This index answers them from two dictionaries, with rdflib terms, in the order the
triples came in. ``from_ntriples`` reads the build cache's N-Triples with pyoxigraph's
parser, so the bundled page never builds an rdflib Graph at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class TripleIndex:
    """Subject -> property -> objects, property -> object -> subjects, and per property
    its (subject, object) pairs, each in the order the triples came in."""

    def __init__(self, triples: Iterable[tuple[Any, Any, Any]] = ()):
        self._spo: dict[Any, dict[Any, dict[Any, None]]] = {}
        self._pos: dict[Any, dict[Any, dict[Any, None]]] = {}
        self._by_p: dict[Any, list[tuple[Any, Any]]] = {}
        self._all: list[tuple[Any, Any, Any]] = []
        for s, p, o in triples:
            self.add(s, p, o)

    @classmethod
    def from_graph(cls, graph: Graph) -> TripleIndex:
        return cls(graph.triples((None, None, None)))

    @classmethod
    def from_ntriples(cls, *sources: Path | bytes) -> TripleIndex:
        """The triples of N-Triples files (paths) or texts (bytes), read by pyoxigraph."""
        terms: dict[Any, Any] = {}  # one rdflib term per distinct term: less memory, faster

        def term(t):
            found = terms.get(t)
            if found is None:
                if isinstance(t, pyoxigraph.NamedNode):
                    found = URIRef(t.value)
                elif isinstance(t, pyoxigraph.BlankNode):
                    found = BNode(t.value)
                elif t.language:
                    found = Literal(t.value, lang=t.language)
                elif t.datatype.value in (_XSD_STRING, _LANG_STRING):
                    found = Literal(t.value)
                else:
                    found = Literal(t.value, datatype=URIRef(t.datatype.value))
                terms[t] = found
            return found

        index = cls()
        for source in sources:
            quads = pyoxigraph.parse(source if isinstance(source, bytes) else None,
                                     path=None if isinstance(source, bytes) else str(source),
                                     format=pyoxigraph.RdfFormat.N_TRIPLES)
            for q in quads:
                index.add(term(q.subject), term(q.predicate), term(q.object))
        return index

    def add(self, s, p, o) -> None:
        objs = self._spo.setdefault(s, {}).setdefault(p, {})
        if o in objs:
            return
        objs[o] = None
        self._pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self._by_p.setdefault(p, []).append((s, o))
        self._all.append((s, p, o))

    def __len__(self) -> int:
        return len(self._all)

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        return iter(self._all)

    def objects(self, subject=None, predicate=None) -> Iterator[Any]:
        if subject is not None:
            yield from self._spo.get(subject, {}).get(predicate, ())
        else:
            for _, o in self._by_p.get(predicate, ()):
                yield o

    def subjects(self, predicate=None, obj=None) -> Iterator[Any]:
        yield from self._pos.get(predicate, {}).get(obj, ())

    def subject_objects(self, predicate) -> Iterator[tuple[Any, Any]]:
        yield from self._by_p.get(predicate, ())

    def predicate_objects(self, subject) -> Iterator[tuple[Any, Any]]:
        for p, objs in self._spo.get(subject, {}).items():
            for o in objs:
                yield p, o

    def value(self, subject, predicate):
        return next(iter(self._spo.get(subject, {}).get(predicate, ())), None)


def as_index(graph: Graph | TripleIndex) -> TripleIndex:
    return graph if isinstance(graph, TripleIndex) else TripleIndex.from_graph(graph)
