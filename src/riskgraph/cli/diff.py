"""``riskgraph diff OLD NEW``: what changed between two versions of the graph."""

from __future__ import annotations

from pathlib import Path

import click

FORMATS = ("text", "markdown", "json")


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--query", "queries", multiple=True, metavar="NAME",
              help="Also compare this canned query's answers (repeatable); "
                   "effective_mitigations is always compared, for every risk area.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text; markdown (a release note or pull-request comment); json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the graphs differ (as git diff).")
def diff_command(old: str, new: str, queries: tuple[str, ...], fmt: str,
                 output: Path | None, exit_code: bool) -> None:
    """Compare two versions of the graph: per entity in words, counts by class and
    by source dataset, and the rows each canned answer gains or loses.

    OLD and NEW are each: bundled (the graph riskgraph ships), git:REV (ontology/
    and data/ of a revision of the git repository here; nothing is fetched), a
    folder (a build output, a checkout, or RDF files), or a file; join several
    with + (bundled+mine.ttl). Blank nodes are compared canonically.

    \b
    Example:
      riskgraph diff bundled bundled+my-assessment.ttl
      riskgraph diff git:v0.1.0 git:HEAD --format markdown -o release-note.md
      riskgraph diff old-build/ new-build/ --query coverage_gaps
    Exit codes: 0 compared (with --exit-code: no difference); 1 with --exit-code,
    the graphs differ; 2 a side could not be read, or an unknown query.
    """
    from riskgraph.diff import DEFAULT_QUERIES, diff

    result = diff(old, new, queries=DEFAULT_QUERIES + queries)
    report = {"text": result.to_text, "markdown": result.to_markdown,
              "json": result.to_json}[fmt]()
    if output is None:
        click.echo(report, nl=False)
    else:
        from riskgraph.io.atomic import write_text_atomic

        write_text_atomic(output, report)
        click.echo(f"wrote {output}", err=True)
    raise click.exceptions.Exit(1 if exit_code and not result.empty else 0)
