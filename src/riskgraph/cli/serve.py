"""``riskgraph serve``: a SPARQL endpoint, query editor, canned-query API and entity pages."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; loopback unless you say otherwise.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Serve an on-disk store written by `riskgraph build --store DIR`.")
@click.option("--endpoint", metavar="URL",
              help="Run the pages, API and editor against this SPARQL server instead.")
@click.option("--graph", "graph", type=click.Path(dir_okay=False, path_type=Path),
              help="Serve this N-Triples file (e.g. riskgraph-out/riskgraph.nt from "
                   "`riskgraph build --data ...`) instead of the bundled graph.")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="An extra RDF file to serve with the bundled graph (repeatable).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a query may run before it is stopped.")
@click.option("--max-result-bytes", type=click.IntRange(min=1024), default=16 * 1024 * 1024,
              show_default=True, help="Largest answer the endpoint sends.")
@click.option("--max-request-bytes", type=click.IntRange(min=1024), default=64 * 1024,
              show_default=True, help="Largest query (URL or body) the endpoint accepts.")
@click.option("--workers", type=click.IntRange(min=1, max=64), default=2, show_default=True,
              help="Query worker processes (queries run in parallel, one per worker).")
@click.option("--max-query-memory", type=click.IntRange(min=0), default=None,
              help="MiB a query worker may add to the loaded graph before its query is "
                   "stopped (HTTP 503); 0: no cap. Default: $RISKGRAPH_QUERY_MEMORY or 2048.")
@click.option("--header-timeout", type=click.FloatRange(min=0.5, max=600), default=10.0,
              show_default=True, help="Seconds a client has to send a request's headers "
                                      "(and its body).")
@click.option("--max-connections", type=click.IntRange(min=8), default=256,
              show_default=True, help="Open connections at once (lowered to fit the "
                                      "open-file limit).")
@click.option("--no-cache", is_flag=True, help="Do not keep finished pages and answers.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info",
                                                "debug"]), default="info", show_default=True)
def serve_command(host: str, port: int, store_dir: Path | None, endpoint: str | None,
                  graph: Path | None, data: tuple[Path, ...], timeout: float,
                  max_result_bytes: int, max_request_bytes: int, workers: int,
                  max_query_memory: int | None, header_timeout: float, max_connections: int,
                  no_cache: bool, log_level: str) -> None:
    """Serve the graph over HTTP: a SPARQL 1.1 endpoint at /sparql, a query editor,
    the canned queries (pages and a JSON API), and a page for every entity at /id/...

    \b
    Example:
      riskgraph serve
      riskgraph serve --port 8080 --store riskgraph-store
      riskgraph serve --endpoint http://127.0.0.1:8890/sparql
    SIGINT or SIGTERM stops it.
    """
    from riskgraph.serve.pool import Limits
    from riskgraph.serve.run import ServeConfig, is_loopback, serve
    from riskgraph.store.timelimit import query_memory

    if not is_loopback(host):
        click.echo(f"note: listening on {host}, reachable from other machines", err=True)
    config = ServeConfig(host=host, port=port, store_dir=store_dir, endpoint=endpoint,
                         data=list(data), graph=graph, workers=workers,
                         limits=Limits(timeout, max_result_bytes,
                                       query_memory() if max_query_memory is None
                                       else max_query_memory << 20),
                         max_request_bytes=max_request_bytes, cache=not no_cache,
                         log_level=log_level, header_timeout=header_timeout,
                         max_connections=max_connections)
    serve(config, ready=lambda url: click.echo(f"serving on {url}", err=True))
