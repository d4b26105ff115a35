"""``riskgraph validate``: placeholder until its issue lands."""

from __future__ import annotations

import click


@click.command("validate")
def validate_command() -> None:
    """Not built yet.

    \b
    Example:
      riskgraph validate my-findings.ttl
    """
    raise click.ClickException("riskgraph validate is not built yet")
