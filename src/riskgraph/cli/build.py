"""``riskgraph build`` and ``riskgraph reason``."""

from __future__ import annotations

from pathlib import Path

import click

from riskgraph.io.formats import FILE_GRAPHS


def echo_reasoning(result) -> None:
    click.echo(f"reasoner: {result.reasoner}")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if result.consistent:
        click.echo(f"consistent: yes ({result.inferred_count} triples inferred)")
    else:
        click.echo("consistent: NO", err=True)
        for clash in result.clashes:
            click.echo(f"  - {clash}", err=True)


def echo_warnings(warnings) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def echo_undeclared(undeclared) -> None:
    for term in undeclared:
        click.echo(f"error: {term}", err=True)


def echo_counts(counts: dict[str, int]) -> None:
    width = max((len(name) for name in counts), default=0)
    for name, count in counts.items():
        click.echo(f"  {name:<{width}}  {count:>6}")


@click.command("build")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("riskgraph-out"), show_default=True,
              help="Directory to write riskgraph.ttl, .nt and .jsonld into.")
@click.option("--format", "formats", type=click.Choice(FILE_GRAPHS), multiple=True,
              help="Serialisation(s) to write (repeatable). Default: all three.")
@click.option("--data", "extra", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              help="Extra Turtle/N-Triples/JSON-LD file(s) to merge with the bundled data.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write an on-disk SPARQL store that `riskgraph query --store DIR` opens.")
def build_command(out_dir: Path, formats: tuple[str, ...], extra: tuple[Path, ...],
                  store_dir: Path | None) -> None:
    """Load the ontology and all bundled data, reason, and write the merged graph.

    The files (and the --store) appear all at once or not at all: every target
    is checked before the work starts, and a failed or interrupted build
    leaves the previous outputs as they were. owl:imports in --data files are
    reported and ignored, never followed.

    \b
    Example:
      riskgraph build -o riskgraph-out
      riskgraph build --store riskgraph-store
    """
    from riskgraph.build.pipeline import build
    from riskgraph.io.atomic import check_folder, refuse_overwriting_inputs
    from riskgraph.store.ondisk import MARKER

    stores = []
    if store_dir is not None:  # the output files are checked by build()
        refuse_overwriting_inputs(extra, folders=[store_dir])
    if store_dir is not None:
        check_folder(store_dir, MARKER, "store")  # before anything is written or computed

    def write_the_store(graph) -> None:
        from riskgraph.store.ondisk import write_store

        assert store_dir is not None  # passed to build() only when --store is given
        stores.append(write_store(graph.serialize(format="nt", encoding="utf-8"), store_dir,
                                  list(extra)))

    result = build(out_dir, formats or FILE_GRAPHS, list(extra),
                   before_commit=write_the_store if store_dir is not None else None)
    echo_warnings(result.warnings)
    echo_reasoning(result.reasoning)
    echo_undeclared(result.undeclared)
    if not result.ok:
        raise click.exceptions.Exit(1)
    click.echo(f"triples: {result.asserted} asserted + {result.inferred} inferred")
    click.echo("instances per class:")
    echo_counts(result.class_counts)
    if result.dataset_counts:
        click.echo("entities per source dataset:")
        echo_counts(result.dataset_counts)
    for path in result.written:
        click.echo(f"wrote {path}")
    for info in stores:
        click.echo(f"wrote store {info.path} ({info.triples} triples)")


@click.command("reason")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-hermit", is_flag=True,
              help="Use the pure-Python OWL-RL closure even when Java is available.")
def reason_command(files: tuple[Path, ...], no_hermit: bool) -> None:
    """Check that ontology, bundled data and FILES use only declared terms and are
    logically consistent.

    \b
    Example:
      riskgraph reason my-contribution.ttl
    Exit code 1 when inconsistent, with the individuals and axioms that clash.
    """
    from riskgraph.build.pipeline import check

    checked = check(list(files), use_hermit=False if no_hermit else None)
    echo_warnings(checked.warnings)
    echo_reasoning(checked.reasoning)
    echo_undeclared(checked.undeclared)
    if not checked.ok:
        raise click.exceptions.Exit(1)
