"""Query answers as plain rows (variable -> value text), for the tests of the questions."""

from __future__ import annotations

from riskgraph.query.canned import parse_query, prepare, run_prepared, run_query


def _plain(result) -> list[dict[str, str]]:
    return [{k: v.value for k, v in row.items()} for row in result.rows]


def rows(store, name: str, **params) -> list[dict[str, str]]:
    """The rows of the canned query ``name``."""
    return _plain(run_query(name, params, store))


def sparql(store, text: str) -> list[dict[str, str]]:
    """The rows of a query of one's own."""
    query = parse_query(text, "--sparql", canned=False)
    return _plain(run_prepared(prepare(query, None, store), store))
