"""``riskgraph validate``: check contributions (or the bundled data) against the shapes."""

from __future__ import annotations

from pathlib import Path

import click

from riskgraph.validation.results import (
    errors_text,
    render_json,
    render_text,
    render_turtle,
    summary,
)

FORMATS = ("text", "json", "turtle", "sarif", "github")


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people; json; turtle = the standard SHACL validation report; "
                   "sarif = a SARIF 2.1.0 log (code scanning); github = GitHub Actions "
                   "annotation lines.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only violations.")
@click.option("--whole", is_flag=True,
              help="FILES are a complete dataset of yours: check them on their own against "
                   "riskgraph's shapes and ontology (fast engine), not as additions to the "
                   "bundled graph.")
@click.option("--shapes", "shapes", type=click.Path(dir_okay=False, path_type=Path),
              help="With --whole: check FILES against this SHACL shapes file instead of "
                   "riskgraph's (plain SHACL, fast engine).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (atomically) instead of standard output.")
def validate_command(files: tuple[Path, ...], fmt: str, strict: bool, whole: bool,
                     shapes: Path | None, output: Path | None) -> None:
    """Check Turtle (or N-Triples, JSON-LD) FILES against riskgraph's SHACL shapes,
    in the context of the bundled graph, so they may refer to existing risks and
    mitigations. With no FILES, validate the bundled data. With --whole, FILES
    are a complete dataset, checked on their own.

    \b
    Example:
      riskgraph validate my-findings.ttl
      riskgraph validate --strict --format json a.ttl b.ttl
      riskgraph validate --whole my-register/*.ttl
      riskgraph validate --format sarif -o riskgraph.sarif changed.ttl
      riskgraph validate --whole --shapes my-shapes.ttl data.ttl
    Exit codes: 0 conforms; 1 violations (or warnings with --strict);
    2 a file could not be read, or held shapes or owl:imports (ignored).
    Files are only read, never changed.
    """
    from riskgraph.io.atomic import refuse_overwriting_inputs
    from riskgraph.validation.annotations import render_github, render_sarif
    from riskgraph.validation.api import validate

    if whole and not files:
        raise click.UsageError("--whole needs the files of your dataset")
    if shapes is not None and not whole:
        raise click.UsageError("--shapes needs --whole and the files of your dataset")
    if output is not None:
        refuse_overwriting_inputs([*files, *([shapes] if shapes is not None else [])],
                                  files=[output])
    result = validate(list(files) or None, whole=whole, shapes=shapes)
    report = {"text": lambda: render_text(result, strict), "github": lambda: render_github(
        result), "json": lambda: render_json(result, strict), "sarif": lambda: render_sarif(
        result), "turtle": lambda: render_turtle(result)}[fmt]()
    if fmt not in ("text", "github"):  # those two carry unreadable files themselves
        stderr = errors_text(result)
        if stderr:
            click.echo(stderr, err=True, nl=False)
    if output is None:
        click.echo(report, nl=False)
    else:
        from riskgraph.io.atomic import write_text_atomic

        write_text_atomic(output, report)
        click.echo(summary(result, strict), err=True)
        click.echo(f"wrote {output}", err=True)
    raise click.exceptions.Exit(result.exit_code(strict))
