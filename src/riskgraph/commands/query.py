"""``riskgraph query``: placeholder until its issue lands."""

from __future__ import annotations

import click


@click.command("query")
def query_command() -> None:
    """Not built yet.

    \b
    Example:
      riskgraph query effective_mitigations
    """
    raise click.ClickException("riskgraph query is not built yet")
