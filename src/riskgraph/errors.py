"""One base error for riskgraph; each carries the file and line where it can.

The CLI maps ``InputError`` to exit code 2 and ``CheckFailed`` to exit code 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class RiskgraphError(Exception):
    message: str
    file: Path | str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

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
        return text


class InputError(RiskgraphError):
    """Usage or input error: unreadable file, bad option value (exit code 2)."""

    exit_code = 2


class CheckFailed(RiskgraphError):
    """The data does not conform or a check failed (exit code 1)."""

    exit_code = 1
