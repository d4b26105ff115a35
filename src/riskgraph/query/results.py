"""Query results independent of where the query ran (embedded store or remote server).

Terms follow the W3C SPARQL 1.1 Query Results JSON Format's term model.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    kind: str  # "uri", "literal" or "bnode"
    value: str
    datatype: str | None = None
    lang: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Term:
        kind = data["type"]
        if kind == "typed-literal":  # SPARQL 1.0 JSON, still sent by some servers
            kind = "literal"
        return cls(kind, data["value"], data.get("datatype"), data.get("xml:lang"))


@dataclass
class QueryResult:
    variables: list[str]
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None  # for ASK queries

    def column(self, name: str) -> list[str | None]:
        return [row[name].value if name in row else None for row in self.rows]
