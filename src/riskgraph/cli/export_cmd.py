"""``riskgraph export sssom``: riskgraph's own mappings as an SSSOM TSV file."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("export")
def export_command() -> None:
    """Export parts of the graph in other formats.

    \b
    Example:
      riskgraph export sssom -o riskgraph.sssom.tsv
    """


@export_command.command("sssom")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the TSV to this file (atomically) instead of standard output.")
def sssom_command(output: Path | None) -> None:
    """Write riskgraph's own mappings (curated crosswalks included) as SSSOM TSV:
    every SKOS mapping triple in the bundled data outside the imported catalogues,
    with its justification, author and date where a mapping record gives them.

    \b
    Example:
      riskgraph export sssom -o riskgraph.sssom.tsv
    """
    from riskgraph.importers.sssom_export import export_sssom

    text = export_sssom()
    if output is None:
        click.echo(text, nl=False)
    else:
        from riskgraph.io.atomic import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
