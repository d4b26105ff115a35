"""``riskgraph push``: upload the built graph to a SPARQL 1.1 server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from riskgraph.namespaces import PROJECT_GRAPH as DEFAULT_GRAPH
from riskgraph.store.remote_defaults import PASSWORD_ENV, USER_ENV


def _ask_password(user: str) -> str:
    return click.prompt(f"password for {user}", hide_input=True)


@click.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store (SPARQL 1.1 Graph Store HTTP Protocol) URL, "
                   "e.g. http://127.0.0.1:8890/sparql-graph-crud-auth for Virtuoso.")
@click.option("--graph", "graph", default=DEFAULT_GRAPH, show_default=True, metavar="IRI",
              help="The named graph to upload into.")
@click.option("--user", default=None, metavar="USER",
              help=f"User name for basic or digest authentication (or set {USER_ENV}).")
@click.option("--password-env", default=PASSWORD_ENV, show_default=True, metavar="VAR",
              help="Environment variable holding the password; asked for on a terminal "
                   "when it is unset.")
@click.option("--append", is_flag=True,
              help="Add to the graph (HTTP POST) instead of replacing it (HTTP PUT).")
@click.option("--file", "file", default=None, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="N-Triples (.nt) or Turtle (.ttl) file to upload. "
                   "Default: the built graph (ontology, data and inferences).")
@click.option("--allow-empty", is_flag=True,
              help="Allow replacing the graph with an empty one (refused by default).")
@click.option("--timeout", default=600.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to wait for the server.")
def push_command(endpoint: str, graph: str, user: str | None, password_env: str, append: bool,
                 file: Path | None, allow_empty: bool, timeout: float) -> None:
    """Upload the built graph (or FILE) into a named graph on a SPARQL 1.1 server.

    PUT replaces the graph's content; --append POSTs to add to it. FILE is
    parsed before anything is sent, and replacing the graph with an empty one
    is refused unless --allow-empty. Credentials go to the endpoint's origin
    only: a redirect elsewhere is refused. The
    password is never taken from the command line: it is read from the
    environment variable named by --password-env (RISKGRAPH_PASSWORD).
    Query the result with `riskgraph query NAME --endpoint URL`.

    \b
    Example:
      export RISKGRAPH_PASSWORD=dba
      riskgraph push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth \\
          --graph https://w3id.org/riskgraph/graph --user dba
    """
    from riskgraph.store.remote import auth_from_env, check_iri, check_url, push_graph

    check_url(endpoint, "Graph Store endpoint")
    check_iri(graph)
    ask = _ask_password if sys.stdin.isatty() else None
    auth = auth_from_env(user, password_env, ask)
    triples = None
    if file is None:
        from riskgraph.build.cache import cached_triple_count, ensure_cached_graph

        file = ensure_cached_graph()  # checked against its integrity record
        triples = cached_triple_count(file)
    result = push_graph(endpoint, graph, file, auth, append=append, timeout=timeout,
                        triples=triples, allow_empty=allow_empty)
    size = f"{result.triples} triples" if result.triples is not None else f"{file.name}"
    action = "added to" if result.method == "POST" else "replaced"
    click.echo(f"pushed {size} ({result.bytes_sent:,} bytes): graph <{result.graph}> {action} "
               f"at {result.endpoint} (HTTP {result.status})")
