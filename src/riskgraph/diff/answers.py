"""How the canned answers change: each query is run on both sides, and rows are
compared whole (every column, by name), so a query's columns may change freely.

A query with a risk-area parameter is asked for every risk area either side knows;
any other query is asked with its defaults. Each side is queried as given: the
bundled data and data folders without the reasoner's inferences, build outputs with
them (compare like with like).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF

from riskgraph.build.grading import construct
from riskgraph.errors import InputError
from riskgraph.namespaces import PROJECT_GRAPH, RG_IRI, compact
from riskgraph.query.canned import get_query, prepare, run_prepared
from riskgraph.query.results import QueryResult, Term

DEFAULT_QUERIES = ("effective_mitigations",)
RISK_AREA = RG_IRI + "RiskArea"

Row = tuple[tuple[str, Term], ...]


@dataclass
class AnswerChange:
    """Rows one query gained and lost for one set of parameter values."""

    query: str
    params: dict[str, str]
    columns: list[str]
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"query": self.query, "params": self.params, "columns": self.columns,
                "added": self.added, "removed": self.removed}


def store_of(triples: set):
    """An in-memory store of the triples, as riskgraph's own stores hold them."""

    from riskgraph.io.terms import to_oxigraph
    from riskgraph.store.local import EmbeddedStore

    store = ox.Store()
    graph = ox.NamedNode(PROJECT_GRAPH)
    store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)
                      for s, p, o in triples)
    # The evidence grades the build makes (ontology/rules/), so that a side of plain data
    # files answers as its build would; a build output already holds the same triples.
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                      for t in construct(store))
    return EmbeddedStore(store)


def _rows(result: QueryResult) -> set[Row]:
    return {tuple(sorted(row.items())) for row in result.rows}


def _order(row: Row) -> list[tuple[str, str]]:
    return [(name, term.value) for name, term in row]


def _shown(row: Row) -> dict[str, str]:
    return {name: compact(term.value) if term.kind == "uri" else term.value
            for name, term in row}


def _areas(*sides: set) -> list[str]:
    area = URIRef(RISK_AREA)
    return sorted({str(s) for triples in sides for s, p, o in triples
                   if o == area and p == RDF.type})


def _ask(query, params: dict[str, str], store) -> tuple[list[str], set[Row]]:
    try:
        result = run_prepared(prepare(query, params, store), store)
    except InputError as exc:
        if exc.argument and exc.argument.startswith("param"):
            return [], set()  # the value (an area) is not in this side: no rows
        raise
    return result.variables, _rows(result)


def answer_changes(old: set, new: set, queries: tuple[str, ...] = DEFAULT_QUERIES,
                   ) -> list[AnswerChange]:
    chosen = [get_query(name) for name in dict.fromkeys(queries)]  # unknown names raise first
    old_store, new_store = store_of(old), store_of(new)
    areas = _areas(old, new)
    changes = []
    for query in chosen:
        area_params = [p for p in query.params if p.kind == "iri" and RISK_AREA in p.classes]
        runs = [{area_params[0].name: f"<{area}>"} for area in areas] if area_params else [{}]
        for params in runs:
            old_columns, before = _ask(query, params, old_store)
            new_columns, after = _ask(query, params, new_store)
            if before == after:
                continue
            shown = {k: compact(v.strip("<>")) for k, v in params.items()}
            changes.append(AnswerChange(
                query.name, shown, new_columns or old_columns,
                added=[_shown(r) for r in sorted(after - before, key=_order)],
                removed=[_shown(r) for r in sorted(before - after, key=_order)]))
    return changes
