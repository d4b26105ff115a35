"""Apply the rules in ``ontology/rules/`` (SPARQL CONSTRUCT) at build.

The evidence grade of each mitigation in each risk area is decided by
``ontology/rules/evidence-grade.rq``, a file, not by code: this module only runs
the rules over the curated layer (plus contributed files) with pyoxigraph and
returns the triples they construct. The imported catalogues hold no assessments or
claims, so they are left out (a rule over 60k more triples would cost seconds).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from riskgraph import resources


def rule_triples(curated: Graph, rules: list[Path] | None = None) -> Graph:
    """The triples every rule constructs from ``curated``, as one rdflib graph."""
    store = ox.Store()
    store.bulk_load(curated.serialize(format="nt", encoding="utf-8"),
                    format=ox.RdfFormat.N_TRIPLES)
    out = Graph()
    data = ox.serialize(construct(store, rules), format=ox.RdfFormat.N_TRIPLES)
    if data:
        out.parse(data=data.decode("utf-8"), format="nt")
    return out


def construct(store: ox.Store, rules: list[Path] | None = None) -> list[ox.Triple]:
    """What every rule constructs from ``store`` (all its graphs as one)."""
    out: list[ox.Triple] = []
    for rule in rules if rules is not None else resources.rule_files():
        result = store.query(rule.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError(f"{rule.name}: a rule is a CONSTRUCT query")
        out.extend(result)
    return out
