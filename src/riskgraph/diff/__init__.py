"""``riskgraph.diff(old, new)``: what changed between two versions of the graph.

    from riskgraph.diff import diff
    result = diff("git:v0.1.0", "bundled")          # or "bundled", "bundled+mine.ttl"
    print(result.to_markdown())                      # a release note

Each side is named as ``riskgraph.diff.sources`` describes (bundled, git:REV, a
folder, a file, joined with ``+``). The result lists each changed entity in words,
counts by class and by source dataset, and the rows each canned answer gained or lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from riskgraph.diff.answers import DEFAULT_QUERIES, AnswerChange, answer_changes
from riskgraph.diff.changes import EntityChange, Index, counts, entity_changes, triple_diff
from riskgraph.diff.render import render_markdown, render_text
from riskgraph.diff.sources import bundled_ontology, load_side
from riskgraph.query.canned import get_query


@dataclass
class GraphDiff:
    old: str
    new: str
    triples_removed: int
    triples_added: int
    entities: list[EntityChange] = field(default_factory=list)
    by_class: dict[str, dict[str, int]] = field(default_factory=dict)
    by_dataset: dict[str, dict[str, int]] = field(default_factory=dict)
    answers: list[AnswerChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.triples_added or self.triples_removed or self.answers)

    def as_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "same": self.empty,
                "triples": {"added": self.triples_added, "removed": self.triples_removed},
                "entities": [c.as_dict() for c in self.entities],
                "by_class": self.by_class, "by_dataset": self.by_dataset,
                "answers": [a.as_dict() for a in self.answers]}

    def to_text(self) -> str:
        return render_text(self)

    def to_markdown(self) -> str:
        return render_markdown(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"


def diff(old: str, new: str, *, queries: Iterable[str] = DEFAULT_QUERIES) -> GraphDiff:
    """Compare two versions of the graph; raises ``InputError`` for a side that
    cannot be read or an unknown query name."""
    queries = tuple(queries)
    for name in queries:
        get_query(name)  # an unknown name fails before any graph is read
    before, after = load_side(old), load_side(new)
    removed, added = triple_diff(before.triples, after.triples)
    entities = entity_changes(Index(before.triples), Index(after.triples), removed, added,
                              Index(bundled_ontology()))
    by_class, by_dataset = counts(entities)
    answers = answer_changes(before.triples, after.triples, queries) if (
        removed or added) else []
    return GraphDiff(old, new, len(removed), len(added), entities, by_class, by_dataset,
                     answers)


__all__ = ["DEFAULT_QUERIES", "AnswerChange", "EntityChange", "GraphDiff", "diff"]
