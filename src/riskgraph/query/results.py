"""Query results independent of where the query ran (embedded store or remote server).

Terms (``riskgraph.io.terms.Term``) follow the W3C SPARQL 1.1 Query Results JSON
Format's term model.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from riskgraph.io.terms import Term

_HTML_ROW_LIMIT = 500  # a notebook shows this many rows; to_dicts() has them all


@dataclass
class QueryResult:
    variables: list[str]
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None  # for ASK queries

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QueryResult:
        """From the W3C SPARQL 1.1 Query Results JSON Format (already decoded)."""
        if "boolean" in data:
            return cls([], [], bool(data["boolean"]))
        rows = [{name: Term.from_json(value) for name, value in binding.items()}
                for binding in data["results"]["bindings"]]
        return cls(list(data["head"].get("vars", [])), rows)

    def to_json(self) -> dict[str, Any]:
        """In the W3C SPARQL 1.1 Query Results JSON Format (to be encoded)."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        return {"head": {"vars": self.variables},
                "results": {"bindings": [{name: term.to_json() for name, term in row.items()}
                                         for row in self.rows]}}

    def column(self, name: str) -> list[str | None]:
        return [row[name].value if name in row else None for row in self.rows]

    def to_dicts(self) -> list[dict[str, Any]]:
        """One dict per row, variable -> plain Python value (unbound: ``None``)."""
        return [{name: row[name].to_python() if name in row else None
                 for name in self.variables} for row in self.rows]

    def to_pandas(self) -> Any:
        """The rows as a ``pandas.DataFrame`` (needs pandas, which riskgraph does not require)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install pandas") from None
        return pandas.DataFrame(self.to_dicts(), columns=self.variables)

    def __len__(self) -> int:
        return len(self.rows)

    def _repr_html_(self) -> str:
        """An escaped HTML table, for Jupyter."""
        if self.boolean is not None:
            return f"<p>{html.escape(str(self.boolean).lower())}</p>"
        head = "".join(f"<th>{html.escape(name)}</th>" for name in self.variables)
        body = []
        for row in self.rows[:_HTML_ROW_LIMIT]:
            cells = "".join(f"<td>{html.escape(row[n].value) if n in row else ''}</td>"
                            for n in self.variables)
            body.append(f"<tr>{cells}</tr>")
        more = len(self.rows) - _HTML_ROW_LIMIT
        note = f"<p>{more:,} more rows: use to_dicts()</p>" if more > 0 else ""
        return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
                f"</table>{note}")
