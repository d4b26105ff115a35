"""``riskgraph push``: placeholder until its issue lands."""

from __future__ import annotations

import click


@click.command("push")
def push_command() -> None:
    """Not built yet.

    \b
    Example:
      riskgraph push --endpoint http://127.0.0.1:8890 --graph https://w3id.org/riskgraph/graph
    """
    raise click.ClickException("riskgraph push is not built yet")
