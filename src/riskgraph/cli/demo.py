"""``riskgraph demo``: the main job on the bundled data, end to end."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("demo")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("riskgraph-out"), show_default=True,
              help="Directory for the built graph and the graph page.")
def demo_command(out_dir: Path) -> None:
    """Run the whole path on the bundled data: build and reason, validate, answer the
    CBRN question, and draw the graph page.

    \b
    Example:
      riskgraph demo -o riskgraph-out
    """
    from riskgraph.demo import run_demo

    report = run_demo(out_dir)
    for step in report.steps:
        mark = "ok " if step.ok else "FAIL"
        click.echo(f"[{mark}] {step.name}: {step.summary}")
        for line in step.details:
            click.echo(f"       {line}")
    if not report.ok:
        raise click.exceptions.Exit(1)
