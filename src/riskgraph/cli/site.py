"""``riskgraph site``: the entity, ontology and query pages as a static site."""

from __future__ import annotations

from pathlib import Path

import click

from riskgraph.namespaces import BASE


@click.command("site")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              default=Path("riskgraph-site"), show_default=True,
              help="The folder to write (replaced as a whole if it is a riskgraph site).")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="An extra RDF file to publish with the bundled graph (repeatable).")
@click.option("--base-url", default=BASE, show_default=True,
              help="Where the site will be published (for the sitemap's absolute URLs).")
@click.option("--workers", type=click.IntRange(min=1, max=64), default=2, show_default=True,
              help="Query worker processes.")
def site_command(output: Path, data: tuple[Path, ...], base_url: str, workers: int) -> None:
    """Write the graph as a static website: a page per entity (with Turtle, N-Triples
    and JSON-LD beside it), the ontology, the canned queries' answers with CSV and JSON
    downloads, the graph view, an offline search and a sitemap. Links are relative,
    so the folder works on any static host.

    \b
    Example:
      riskgraph site -o riskgraph-site
    """
    from riskgraph.serve.site import write_site

    result = write_site(output, list(data), workers=workers, base_url=base_url)
    click.echo(f"wrote {result.path}: {result.pages:,} pages ({result.entities:,} entities), "
               f"{result.files:,} files in {result.seconds:.1f} s")
