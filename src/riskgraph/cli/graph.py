"""``riskgraph graph``: write the interactive graph view as one offline HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from riskgraph.cli.params import parse_params
from riskgraph.errors import InputError
from riskgraph.knowledge import load


@click.command("graph")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("riskgraph.html"), show_default=True,
              help="The HTML file to write (nothing else in its folder is touched).")
@click.option("--query", "query", metavar="NAME",
              help="Draw the entities a canned query returns, with their direct links.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of --query (repeatable), e.g. area=CBRN.")
@click.option("--focus", metavar="ID",
              help="Draw the neighbourhood of one entity, named as a query parameter would "
                   "name it: an IRI, a prefixed name (concept:mit-4.2), a code (4.2), a "
                   "navigator id (A1446), a label, a DOI or arXiv id.")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="How many links deep --focus reaches.")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A contribution file to add (repeatable); its new entities are marked.")
@click.option("--layout", "layout_mode", type=click.Choice(["auto", "python", "physics"]),
              default="auto", show_default=True,
              help="auto: the page's own layout (answer bands, focus blocks, or the whole "
                   "graph in groups that open on double-click); python: a spring layout "
                   "computed before the page opens; physics: the browser settles the drawing.")
@click.option("--title", help="The page title (default: says what is drawn).")
def graph_command(output: Path, query: str | None, params: tuple[str, ...], focus: str | None,
                  depth: int, data: tuple[Path, ...], layout_mode: str,
                  title: str | None) -> None:
    """Write an interactive, offline HTML view of the graph or of an answer.

    The page makes no network request, carries a strict Content-Security-Policy
    and shows all contributed text as text. Click a node for its definition,
    codes, related entities and evidence with citations; search, filter by
    class, risk area, lifecycle stage and actor; open the coverage matrix of
    risk domains against lifecycle stages.

    \b
    Example:
      riskgraph graph -o riskgraph.html
      riskgraph graph --query effective_mitigations -p area=CBRN -o cbrn.html
      riskgraph graph --focus 4.2 --depth 2 -o subdomain-4.2.html
      riskgraph graph --data my-contribution.ttl -o review.html
    """
    from riskgraph.io.atomic import refuse_overwriting_inputs, write_text_atomic

    refuse_overwriting_inputs(data, files=[output])

    if params and not query:
        raise InputError("--param needs --query", hint="for example --query "
                         "effective_mitigations -p area=CBRN")
    with load() as kg:
        result = kg.render_page(query=query, params=parse_params(params), focus=focus,
                                depth=depth, data=data, layout=layout_mode, title=title)
    path = write_text_atomic(output, result.html)
    click.echo(f"wrote {path}: {result.node_count:,} entities, {result.edge_count:,} "
               f"links, {result.bytes:,} bytes ({result.layout} layout)")
    if result.group_count:
        click.echo(f"{result.group_count} groups are folded; double-click one to open it")
    if result.matrix_rows:
        click.echo(f"the evidence matrix has {result.matrix_rows} mitigations")
    if result.new_count:
        click.echo(f"{result.new_count} entities new in the contribution are marked")
    if result.answer_count:
        click.echo(f"{result.answer_count} entities from the answer are marked")
