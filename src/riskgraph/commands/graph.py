"""``riskgraph graph``: placeholder until its issue lands."""

from __future__ import annotations

import click


@click.command("graph")
def graph_command() -> None:
    """Not built yet.

    \b
    Example:
      riskgraph graph -o riskgraph.html
    """
    raise click.ClickException("riskgraph graph is not built yet")
