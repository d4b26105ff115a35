"""What ``serve``'s backends write answers with (``riskgraph.serve.backend``): the one
result writer (``riskgraph.query.formats.write``) and graph writer
(``riskgraph.io.serialize.write_triples``), with riskgraph's prefixes in Turtle."""

from __future__ import annotations

import json
from typing import Any

from riskgraph.io.formats import RESULTS
from riskgraph.io.serialize import write_triples
from riskgraph.namespaces import PREFIXES
from riskgraph.query.formats import write
from riskgraph.query.results import QueryResult

WRITERS = {fmt: lambda result, fmt=fmt: write(result, fmt) for fmt in RESULTS}


def parse_json(body: bytes) -> QueryResult:
    return QueryResult.from_json(json.loads(body))


def triples_from_rows(result: QueryResult) -> list:
    """A CONSTRUCT answer given as subject/predicate/object rows, as pyoxigraph triples."""
    import pyoxigraph as ox

    for row in result.rows:
        if row["subject"].kind == "literal" or row["predicate"].kind != "uri":
            raise ValueError("a literal cannot be a subject or predicate")
    return [ox.Triple(r["subject"].to_oxigraph(), r["predicate"].to_oxigraph(),
                      r["object"].to_oxigraph()) for r in result.rows]


def serialize_triples(triples: Any, fmt: str) -> bytes:
    return write_triples(triples, fmt, PREFIXES)
