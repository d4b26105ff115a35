"""``riskgraph query``: canned questions, or the user's own read-only SPARQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from riskgraph.cli.params import SECONDS, parse_params
from riskgraph.errors import InputError
from riskgraph.query.canned import (
    get_query,
    list_queries,
    load_query_file,
    parse_query,
    prepare,
    run_prepared,
)

if TYPE_CHECKING:
    from riskgraph.store.local import EmbeddedStore

from riskgraph.query.formats import FORMATS, render


def _echo_list(fmt: str) -> None:
    if fmt == "json":  # for programs: the same facts as the text, as JSON
        click.echo(json.dumps([{
            "name": q.name, "summary": q.summary, "tags": list(q.tags),
            "params": [{"name": p.name, "type": p.type_label, "required": p.required,
                        "default": p.default, "description": p.description}
                       for p in q.params]} for q in list_queries()], indent=2))
        return
    for query in list_queries():
        click.echo(click.style(query.name, bold=True) + f"  {query.summary}")
        for param in query.params:
            if param.default is not None:
                need = f"default {param.default}"
            else:
                need = "required" if param.required else "optional"
            text = f"    --param {param.name}=...  ({param.type_label}; {need})"
            if param.description:
                text += f" {param.description}"
            click.echo(text)
        if query.tags:
            click.echo(f"    tags: {', '.join(query.tags)}")


def _load(name: str | None, file: Path | None, sparql: str | None):
    given = [x for x in (name, file, sparql) if x is not None]
    if len(given) != 1:
        raise InputError("give one of: a query NAME, --file Q.rq or --sparql 'SELECT ...'",
                         hint="`riskgraph query --list` shows the canned queries")
    if file is not None:
        return load_query_file(file)
    if sparql is not None:
        return parse_query(sparql, "--sparql", canned=False)
    return get_query(name)  # type: ignore[arg-type]


@click.command("query")
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List every canned query.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value (repeatable), e.g. area=CBRN or risk=4.2.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format; json, xml, csv and tsv are the W3C SPARQL 1.1 results formats.")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="Run your own query from a .rq file.")
@click.option("--sparql", "sparql", metavar="QUERY", help="Run your own query given inline.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Query the on-disk store written by `riskgraph build --store DIR`.")
@click.option("--endpoint", "endpoint", metavar="URL",
              help="Query a SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--graph", "graphs", multiple=True, metavar="IRI",
              help="With --endpoint: the named graph(s) to query as the default graph "
                   "(default: the graph `riskgraph push` writes).")
@click.option("--timeout", type=SECONDS, default=30.0, show_default=True,
              help="Stop the query after this many seconds.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the result to this file instead of the terminal.")
def query_command(name: str | None, list_queries: bool, params: tuple[str, ...], fmt: str,
                  file: Path | None, sparql: str | None, store_dir: Path | None,
                  endpoint: str | None, graphs: tuple[str, ...], timeout: float,
                  output: Path | None) -> None:
    """Answer a question about AI risks and mitigations with a canned SPARQL query,
    or run your own read-only query.

    \b
    Example:
      riskgraph query --list
      riskgraph query effective_mitigations
      riskgraph query effective_mitigations --param area="critical infrastructure"
      riskgraph query mitigations_for_domain --param risk=4.2 --format csv
      riskgraph query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'

    Parameter values are bound as RDF terms, never pasted into the query; SERVICE,
    LOAD, updates and FROM on other graphs are refused before the query runs.
    """
    if list_queries:
        _echo_list(fmt)
        return
    started = None
    if store_dir is None and endpoint is None:
        from riskgraph.build.stores import prestart_default_store

        started = prestart_default_store()  # the worker loads the graph meanwhile
    try:
        _run(name, file, sparql, params, fmt, store_dir, endpoint, graphs, timeout, output,
             started)
    finally:  # the worker never outlives the command, whatever ends it
        if started is not None:
            started.close()


def _run(name: str | None, file: Path | None, sparql: str | None, params: tuple[str, ...],
         fmt: str, store_dir: Path | None, endpoint: str | None, graphs: tuple[str, ...],
         timeout: float, output: Path | None, started: EmbeddedStore | None = None) -> None:
    from riskgraph.build.stores import open_store

    if output is not None and file is not None:
        from riskgraph.io.atomic import refuse_overwriting_inputs

        refuse_overwriting_inputs([file], files=[output])
    query = _load(name, file, sparql)
    if graphs and endpoint is None:
        raise InputError("--graph needs --endpoint: the embedded store holds one graph")
    remote_options = {"graphs": list(graphs)} if graphs else {}
    # the one place a store is chosen (the bundled one, started early: checked already)
    store = started if started is not None else open_store(store_dir, endpoint,
                                                           **remote_options)
    for note in getattr(store, "notes", []):
        click.echo(f"note: {note}", err=True)
    if store_dir is not None:
        store.start()  # one worker for the command's queries, not one per query
    try:
        prepared = prepare(query, parse_params(params), store, timeout)
        result = run_prepared(prepared, store, timeout)
    finally:
        if store_dir is not None:
            store.close()
    text = render(result, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        from riskgraph.io.atomic import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"wrote {len(result.rows)} rows to {output}", err=True)
