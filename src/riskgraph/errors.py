"""riskgraph's errors: one hierarchy; each error carries the file and line where it can.

    RiskgraphError              base of every error riskgraph raises on purpose
    ├── InputError              usage or input error (exit code 2)
    │   ├── UnsafeQuery         a query that could reach the network, files or updates
    │   ├── QueryTimeout        a query ran past its time limit and was stopped
    │   ├── ResultTooLarge      a query's answer is larger than its size limit
    │   └── EndpointError       a SPARQL server could not be reached or refused
    └── CheckFailed             the data does not conform or a check failed (exit code 1)
        ├── ValidationError     the data does not conform to the shapes
        └── InconsistentGraph   the reasoner found the graph inconsistent

Library messages speak of arguments; the command line adds its option names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from riskgraph.text import visible


@dataclass
class RiskgraphError(Exception):
    message: str
    file: Path | str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    # The argument the error is about, e.g. "param:area" or "timeout": the command
    # line names its own option for it; the message itself names no option.
    argument: str | None = None

    exit_code = 2

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = where + self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return visible(text, newlines=True)  # names and messages may quote hostile input


class InputError(RiskgraphError):
    """Usage or input error: unreadable file, bad option value (exit code 2)."""

    exit_code = 2


class CheckFailed(RiskgraphError):
    """The data does not conform or a check failed (exit code 1)."""

    exit_code = 1


class UnsafeQuery(InputError):
    """The query could reach the network or files, or change data; it was not run."""


class QueryTimeout(InputError):
    """The query ran past its time limit and was stopped."""


class ResultTooLarge(InputError):
    """The query's answer is larger than the result-size limit (``riskgraph serve``)."""


class EndpointError(InputError):
    """A SPARQL server could not be reached, refused the login or answered with an error."""


class ValidationError(CheckFailed):
    """The data does not conform to riskgraph's shapes."""


class InconsistentGraph(CheckFailed):
    """The reasoner found the ontology and data inconsistent."""
