"""A ``GraphDiff`` as text for the terminal and as Markdown for a release note or a
pull-request comment (JSON is ``GraphDiff.to_json``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from riskgraph.diff import GraphDiff
    from riskgraph.diff.answers import AnswerChange
    from riskgraph.diff.changes import EntityChange

CHANGES = ("added", "id changed", "renamed", "changed", "removed")
MAX_ROWS = 20  # rows shown per answer in text and Markdown (JSON has them all)


def entity_line(change: EntityChange) -> str:
    """"assessment X added: effective for CBRN, >60%, source Y"."""
    text = f"{change.kind} {change.name} {change.change}"
    return f"{text}: {change.summary}" if change.summary else text


def _count_text(counted: dict[str, int]) -> str:
    return ", ".join(f"{counted[c]} {c}" for c in CHANGES if counted.get(c))


def _params(answer: AnswerChange) -> str:
    return ", ".join(f"{k}={v}" for k, v in answer.params.items())


def _row_text(row: dict[str, str], columns: list[str]) -> str:
    return "; ".join(f"{c}={row[c]}" for c in columns if c in row)


def _rows(count: int) -> str:
    return f"{count} row" + ("" if count == 1 else "s")


def _headline(result: GraphDiff) -> str:
    if result.empty:
        return f"{result.old} -> {result.new}: no change"
    return (f"{result.old} -> {result.new}: {result.triples_added} triples added, "
            f"{result.triples_removed} removed; {len(result.entities)} entities changed")


def render_text(result: GraphDiff) -> str:
    lines = [_headline(result)]
    if result.entities:
        lines += ["", "entities:"] + [f"  {entity_line(c)}" for c in result.entities]
        lines += ["", "by class:"] + [f"  {k}: {_count_text(v)}"
                                      for k, v in result.by_class.items()]
        lines += ["", "by source dataset:"] + [f"  {k}: {_count_text(v)}"
                                               for k, v in result.by_dataset.items()]
    for answer in result.answers:
        lines += ["", f"answer {answer.query} ({_params(answer)}): "
                      f"{_rows(len(answer.added))} added, {len(answer.removed)} removed"]
        for sign, rows in (("+", answer.added), ("-", answer.removed)):
            lines += [f"  {sign} {_row_text(row, answer.columns)}" for row in rows[:MAX_ROWS]]
            if len(rows) > MAX_ROWS:
                lines.append(f"  {sign} ... and {len(rows) - MAX_ROWS} more")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text in a Markdown table cell: pipes escaped, no line breaks, no HTML."""
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
            .replace("<", "&lt;").replace(">", "&gt;"))


def render_markdown(result: GraphDiff) -> str:
    lines = [f"## What changed: `{result.old}` → `{result.new}`", ""]
    if result.empty:
        return "\n".join(lines + ["No change.", ""])
    lines += [f"{result.triples_added} triples added, {result.triples_removed} removed; "
              f"{len(result.entities)} entities changed.", ""]
    if result.entities:
        lines += ["### Entities", ""]
        lines += [f"- {_cell(entity_line(c))}" for c in result.entities]
        for title, table in (("By class", result.by_class),
                             ("By source dataset", result.by_dataset)):
            lines += ["", f"### {title}", "", "| | " + " | ".join(CHANGES) + " |",
                      "|---|" + "---:|" * len(CHANGES)]
            lines += [f"| {_cell(name)} | " + " | ".join(str(v.get(c, "")) for c in CHANGES)
                      + " |" for name, v in table.items()]
    for answer in result.answers:
        lines += ["", f"### Answer `{answer.query}` ({_cell(_params(answer))})", "",
                  f"{_rows(len(answer.added))} added, {len(answer.removed)} removed.", "",
                  "| | " + " | ".join(_cell(c) for c in answer.columns) + " |",
                  "|---|" + "---|" * len(answer.columns)]
        for sign, rows in (("+", answer.added), ("−", answer.removed)):
            lines += [f"| {sign} | " + " | ".join(_cell(row.get(c, "")) for c in answer.columns)
                      + " |" for row in rows[:MAX_ROWS]]
            if len(rows) > MAX_ROWS:
                lines.append(f"| {sign} | … and {len(rows) - MAX_ROWS} more |")
    return "\n".join(lines) + "\n"
