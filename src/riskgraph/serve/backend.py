"""Where the server's queries run: the embedded graph (a worker pool) or a SPARQL server.

Both offer the same blocking, thread-safe calls, which the web app runs in its
thread pool: ``sparql(text, form, fmt)`` for the endpoint (bytes in the asked
format), ``select(text, bindings)`` for pages (a ``QueryResult``), and ``store``,
an object with the ``select(text, bindings, timeout)`` that
``riskgraph.query.canned.prepare``/``run_prepared`` expect.
"""

from __future__ import annotations

import json
from pathlib import Path

from riskgraph.errors import ResultTooLarge
from riskgraph.io.serialize import write_triples
from riskgraph.namespaces import PREFIXES
from riskgraph.query.formats import write
from riskgraph.query.results import QueryResult, Term
from riskgraph.serve.entity import TemplateQuery
from riskgraph.serve.pool import Limits, Pool


class _StoreView:
    """The ``select(text, bindings, timeout)`` of riskgraph's stores, over a backend."""

    def __init__(self, backend) -> None:
        self._backend = backend

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
        return self._backend.select(text, bindings, timeout)


def _internal(query: TemplateQuery) -> str:
    if not isinstance(query, TemplateQuery):
        raise TypeError("select_internal runs riskgraph's own templates only "
                        "(riskgraph.serve.entity.TemplateQuery); check other queries")
    return str(query)


def _too_large(limit: int, what: str) -> ResultTooLarge:
    return ResultTooLarge(f"the result is larger than the server's limit of {limit:,} bytes",
                          hint=f"add a LIMIT or ask for fewer {what}")


def _results(body: bytes) -> QueryResult:
    """A worker's SPARQL JSON answer as a ``QueryResult``."""
    return QueryResult.from_json(json.loads(body))


class LocalBackend:
    """The graph in worker processes; the graph never changes while serving."""

    immutable = True

    def __init__(self, nt_files: list[Path] | None = None, store_dir: Path | None = None,
                 workers: int = 2, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.pool = Pool(nt_files, store_dir, workers, self.limits)
        self.store = _StoreView(self)
        self.description = str(store_dir) if store_dir else "the bundled graph"

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    def sparql(self, text: str, form: str, fmt: str) -> bytes:
        return self.pool.run(text, fmt)

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
        from riskgraph.query.safety import check_query

        # what runs is the text that was checked; the worker binds the values
        checked = check_query(text).text
        return _results(self.pool.run(checked, "json", timeout, bindings=bindings))

    def select_internal(self, query: TemplateQuery) -> QueryResult:
        """One of riskgraph's fixed templates with a plain IRI (``entity.TemplateQuery``),
        run without the user-query safety parse, which costs ~75 ms in rdflib per query
        and runs one at a time; any other text is refused."""
        return _results(self.pool.run(_internal(query), "json"))


class RemoteBackend:
    """A SPARQL 1.1 server (Virtuoso, ...) holding the graph in its project graph."""

    immutable = False  # the server's data may change: nothing is cached

    def __init__(self, endpoint: str, limits: Limits | None = None) -> None:
        from riskgraph.build.stores import open_store

        self.limits = limits or Limits()
        self.remote = open_store(endpoint=endpoint, timeout=self.limits.timeout)
        self.store = _StoreView(self)
        self.description = endpoint

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def sparql(self, text: str, form: str, fmt: str) -> bytes:
        if form in ("CONSTRUCT", "DESCRIBE"):
            data = write_triples(self._graph(text), fmt, PREFIXES)
        else:
            data = write(self.select(text), fmt)
        if len(data) > self.limits.max_result_bytes:
            raise _too_large(self.limits.max_result_bytes, "columns")
        return data

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
        return self.remote.select(text, bindings, timeout or self.limits.timeout)

    def select_internal(self, query: TemplateQuery) -> QueryResult:
        return self.select(_internal(query))  # the remote store checks every query itself

    def _graph(self, text: str) -> list:
        """A CONSTRUCT/DESCRIBE answer, asked for as N-Triples through the remote store:
        the same login, redirect rules, deadline and size cap as every other request."""
        import pyoxigraph as ox

        from riskgraph.errors import EndpointError
        from riskgraph.store.remote import ResponseTooLarge

        try:
            data = self.remote.construct(text, None, self.limits.timeout,
                                         self.limits.max_result_bytes)
        except ResponseTooLarge:
            raise _too_large(self.limits.max_result_bytes, "triples") from None
        try:
            return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise EndpointError(f"the SPARQL server's answer is not N-Triples: {exc}") from None


def graph_files(extra: list[Path] | None = None, work_dir: Path | None = None,
                graph: Path | None = None) -> list[Path]:
    """The N-Triples files to serve: ``graph`` (default: the bundled built graph), then
    each extra data file converted to N-Triples in ``work_dir``."""
    if graph is not None:
        from riskgraph.io.files import check_regular

        files = [check_regular(graph, "N-Triples file")]  # says what else it is
    else:
        from riskgraph.build.cache import ensure_cached_graph

        files = [ensure_cached_graph()]
    for i, path in enumerate(extra or []):
        from riskgraph.io.rdf import read_rdf_file

        loaded = read_rdf_file(path)
        target = (work_dir or Path(path).parent) / f"extra-{i}.nt"
        target.write_bytes(loaded.graph.serialize(format="nt", encoding="utf-8"))
        files.append(target)
    return files
