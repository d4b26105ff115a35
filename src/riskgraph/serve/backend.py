"""Where the server's queries run: the embedded graph (a worker pool) or a SPARQL server.

Both offer the same blocking, thread-safe calls, which the web app runs in its
thread pool: ``sparql(text, form, fmt)`` for the endpoint (bytes in the asked
format), ``select(text, bindings)`` for pages (a ``QueryResult``), and ``store``,
an object with the ``select(text, bindings, timeout)`` that
``riskgraph.query.canned.prepare``/``run_prepared`` expect.
"""

from __future__ import annotations

from pathlib import Path

from riskgraph.errors import InputError
from riskgraph.query.results import QueryResult, Term
from riskgraph.serve import serialize
from riskgraph.serve.pool import Limits, Pool


class _StoreView:
    """The ``select(text, bindings, timeout)`` of riskgraph's stores, over a backend."""

    def __init__(self, backend) -> None:
        self._backend = backend

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
        return self._backend.select(text, bindings, timeout)


def _bound(text: str, bindings: dict[str, Term] | None) -> str:
    from riskgraph.query.canned import bind_values  # the one place terms become SPARQL text
    from riskgraph.query.safety import check_query

    check_query(text)
    return bind_values(text, dict(bindings or {}))


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
        return serialize.parse_json(self.pool.run(_bound(text, bindings), "json", timeout))


class RemoteBackend:
    """A SPARQL 1.1 server (Virtuoso, ...) holding the graph in its project graph."""

    immutable = False  # the server's data may change: nothing is cached

    def __init__(self, endpoint: str, limits: Limits | None = None) -> None:
        from riskgraph.store.embedded import open_store

        self.limits = limits or Limits()
        self.remote = open_store(endpoint=endpoint, timeout=self.limits.timeout)
        self.store = _StoreView(self)
        self.description = endpoint

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def sparql(self, text: str, form: str, fmt: str) -> bytes:
        result = self.select(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            if not {"subject", "predicate", "object"} <= set(result.variables):
                raise InputError("the SPARQL server did not return the graph as triples")
            data = serialize.serialize_triples(serialize.triples_from_rows(result), fmt)
        else:
            data = serialize.WRITERS[fmt](result)
        if len(data) > self.limits.max_result_bytes:
            from riskgraph.serve.pool import ResultTooLarge

            raise ResultTooLarge(f"the result is larger than the server's limit of "
                                 f"{self.limits.max_result_bytes:,} bytes",
                                 hint="add a LIMIT or ask for fewer columns")
        return data

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
        return self.remote.select(text, bindings, timeout or self.limits.timeout)


def graph_files(extra: list[Path] | None = None, work_dir: Path | None = None) -> list[Path]:
    """The N-Triples files of the bundled built graph and of each extra data file."""
    from riskgraph.build.cache import ensure_cached_graph

    files = [ensure_cached_graph()]
    for i, path in enumerate(extra or []):
        from riskgraph.io.rdf import read_rdf_file

        loaded = read_rdf_file(path)
        target = (work_dir or Path(path).parent) / f"extra-{i}.nt"
        target.write_bytes(loaded.graph.serialize(format="nt", encoding="utf-8"))
        files.append(target)
    return files
