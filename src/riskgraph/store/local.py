"""The embedded SPARQL store (pyoxigraph): in memory, or on disk read-only.

By default the store is in memory, loaded from the cached built graph
(``riskgraph.build.cache.ensure_cached_graph``: ontology, data and inferred triples
as N-Triples), so a query never imports rdflib or a reasoner. The cache also holds
the same graph as an on-disk store: a worker started early (``start()``, as
``riskgraph query`` does) opens that read-only in about 0.01 s, instead of loading
the N-Triples into memory (about 0.09 s at 55,000 triples, 0.16 s with IRIs
validated). Queries run slower on disk than in memory (2 to 5 times; about 0.1 s
more for the bundled graph's slowest canned queries), which a one-query process
mostly gains back; a caller that stays (``riskgraph.load()``, timed queries without
``start()``, ``serve``) loads the graph in memory once.

Time limits are opt-in: ``select(..., timeout=None)`` runs the query in this process;
with a timeout it runs in a child that is killed at the limit
(``riskgraph.store.timelimit``): a ``fork`` for an in-memory store, a ``spawn`` that
opens the store read-only itself for an on-disk one. Such a child lives for one
query, unless ``start()`` started a worker early (``riskgraph query`` does, so the
graph loads while the command imports the rest); that worker serves the store's
queries until ``close()`` or exit.

``riskgraph serve`` and ``site`` run N of the same workers (``riskgraph.serve.pool``),
opened by ``opener`` and asked with the same request: ``execute`` answers in a
format of ``riskgraph.io.formats`` (the one format table) within a size
cap, and ``unwrap``/``decode`` read the answer back or raise its error.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import IO, cast

from riskgraph.errors import InputError, QueryTimeout, ResultTooLarge
from riskgraph.io.formats import GRAPHS, RESULTS
from riskgraph.namespaces import PREFIXES, PROJECT_GRAPH
from riskgraph.query.results import QueryResult, Term
from riskgraph.store import rocks
from riskgraph.store.timelimit import (
    Expired,
    Opener,
    Stopped,
    Worker,
    check_timeout,
    ended_by_memory,
    memory_error,
)

DEFAULT_TIMEOUT = 30.0  # seconds; what `riskgraph query --timeout` defaults to

# The formats an answer is written in (``execute``): name -> pyoxigraph's format.
# What a pool asks a new worker: answered once the graph is loaded (or its loading error).
READY: tuple[str, dict[str, Term]] = ("ASK {}", {})


def _ox():
    import pyoxigraph

    return pyoxigraph


class EmbeddedStore:
    """A pyoxigraph store with ``select(text, bindings, timeout) -> QueryResult``.

    The embedded store keeps its triples in PROJECT_GRAPH; queries see it as their
    default graph, and FROM <PROJECT_GRAPH> names it, as on a SPARQL server.
    """

    def __init__(self, store, *, directory: Path | None = None, source: Path | None = None,
                 notes: list[str] | None = None, copy_on_disk: Path | None = None,
                 trusted: bool = False) -> None:
        self._handle = store  # None: loaded from ``source`` where it is first needed
        self._worker: Worker | None = None  # a worker started by ``start()``
        self._lock = threading.Lock()
        self.directory = directory  # set for an on-disk store
        self.source = source  # the N-Triples file an in-memory store was loaded from
        self.copy_on_disk = copy_on_disk  # the same graph as an on-disk store, for workers
        self.trusted = trusted  # ``source`` was checked already: parse it leniently
        self.notes = notes or []

    @property
    def _store(self):
        """The store in this process (loaded here on first need)."""
        with self._lock:
            if self._handle is None:
                self._handle = _load(self.source, lenient=self.trusted)  # type: ignore[arg-type]
            return self._handle

    @classmethod
    def from_ntriples(cls, source: Path | bytes) -> EmbeddedStore:
        """An in-memory store holding the N-Triples file (or bytes) ``source``."""
        return cls(_load(source), source=None if isinstance(source, bytes) else Path(source))

    @classmethod
    def lazy(cls, source: Path, copy_on_disk: Path | None = None,
             trusted: bool = False) -> EmbeddedStore:
        """An in-memory store of the N-Triples file ``source``, loaded on first need
        (in this process, or in the worker that ``start()`` starts).

        ``copy_on_disk``: an on-disk store of the same graph, which a worker opens
        read-only instead of loading ``source`` (forked or spawned as
        ``riskgraph.store.rocks`` says). ``trusted``: ``source`` was checked against a record
        of what was written (the cache), so it is parsed without validating IRIs again
        (twice as fast)."""
        return cls(None, source=Path(source), copy_on_disk=copy_on_disk, trusted=trusted)

    @classmethod
    def open(cls, directory: Path | str) -> EmbeddedStore:
        """The on-disk store ``directory`` (written by ``riskgraph build --store``), read-only."""
        from riskgraph.store.ondisk import read_marker, staleness

        directory = Path(directory)
        meta = read_marker(directory)
        return cls(_open_on_disk(directory), directory=directory, notes=staleness(meta))

    def start(self) -> None:
        """Start a worker now, which loads the store (if not loaded here yet) and then
        answers this store's queries until ``close()``."""
        if self._worker is None or not self._worker.alive:
            if self._handle is None and self.source is not None:
                # the child opens or loads the graph while this process goes on
                self._worker = self._loading_worker()
            else:
                self._worker = self._new_worker()

    def _loading_worker(self) -> Worker:
        """A child that holds the graph itself, when this process has not loaded it."""
        assert self.source is not None  # the callers check it
        if self.copy_on_disk is not None:
            return Worker(partial(_answerer_copy_on_disk, self.copy_on_disk, self.source,
                                  self.trusted), rocks.start_method())
        return Worker(opener([self.source], lenient=self.trusted),
                      "fork" if hasattr(os, "fork") else "spawn")

    def close(self) -> None:
        """Stop this store's worker, if any (idempotent)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        if self._handle is None and self._worker is not None and self._worker.alive:
            from riskgraph.query.safety import check_canned

            count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
            check_canned(count)  # riskgraph's own query: no need to parse it with rdflib
            return int(self.select(count, timeout=None).rows[0]["n"].value)
        return len(self._store)

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
        """Run ``text`` with ``bindings`` as pre-bound variables; refuse unsafe queries.

        Raises ``UnsafeQuery`` before running, ``InputError`` with line and
        column for malformed SPARQL, and ``QueryTimeout`` past ``timeout`` seconds
        (``None``: no limit, and no child process unless ``start()`` started one).
        """
        from riskgraph.query.safety import check_query

        text = check_query(text).text  # what runs is the text that was checked
        timeout = check_timeout(timeout)
        request = (text, dict(bindings or {}))
        worker = self._worker
        if worker is not None and worker.alive:
            try:
                return decode(_ask(worker, request, timeout, retry=True), worker.memory)
            except Stopped:  # e.g. the thread that started it ended (PR_SET_PDEATHSIG)
                self.close()
        if timeout is None:
            return decode(execute(self._store, *request))
        with self._new_worker() as once:
            return decode(_ask(once, request, timeout), once.memory)

    def _new_worker(self) -> Worker:
        if self.directory is not None:  # RocksDB threads do not survive a fork
            return Worker(opener(directory=self.directory), rocks.start_method())
        if not hasattr(os, "fork"):
            if self.source is None:
                raise InputError("a time limit needs a store loaded from a file on this "
                                 "platform")
            return Worker(opener([self.source], lenient=self.trusted), "spawn")
        # loaded here once (a caller that stays pays it once), then shared
        # copy-on-write with each child
        return Worker(partial(_answerer, self._store), "fork")

    def __repr__(self) -> str:
        where = self.directory or self.source or "memory"
        return f"EmbeddedStore({str(where)!r})"


def _load(source: Path | bytes | Sequence[Path], lenient: bool = False):
    """A pyoxigraph in-memory store holding the N-Triples file (or bytes) ``source``, or
    each of several files; ``lenient`` skips validating IRIs and language tags (for a
    graph checked already)."""
    ox = _ox()
    store = ox.Store()
    graph = ox.NamedNode(PROJECT_GRAPH)
    sources = [source] if isinstance(source, (bytes, str, Path)) else list(source)
    for one in sources:
        try:
            if isinstance(one, bytes):
                store.bulk_load(one, format=ox.RdfFormat.N_TRIPLES, to_graph=graph,
                                lenient=lenient)
            else:
                store.bulk_load(path=str(one), format=ox.RdfFormat.N_TRIPLES, to_graph=graph,
                                lenient=lenient)
        except (SyntaxError, OSError) as exc:
            raise InputError(f"cannot load the graph: {exc}",
                             file=None if isinstance(one, bytes) else one) from None
    return store


def _open_on_disk(directory: Path | str):
    try:
        return rocks.open_read_only(directory)
    except OSError as exc:
        raise InputError(f"cannot open the store: {exc}", file=directory) from None


def opener(sources: Sequence[Path] = (), directory: Path | str | None = None,
           lenient: bool = False) -> Opener:
    """What a worker (``timelimit.Worker``) runs to hold the graph: the on-disk store
    ``directory`` opened read-only, or else the N-Triples files ``sources`` loaded in
    memory. Picklable, for a ``spawn`` child; a failure to open answers every request."""
    if directory is not None:
        return partial(_answerer_on_disk, str(directory))
    return partial(_answerer_from_file, tuple(Path(s) for s in sources), lenient)


# --- in the worker: open the store, answer requests ----------------------------

def _answerer(store):
    return lambda request: execute(store, *request)


def _answering_failure(exc: InputError):
    failure = _error("load", str(exc))
    return lambda request: failure


def _answerer_from_file(sources: Sequence[Path], lenient: bool = False):
    """Load the store; a loading error answers every query."""
    try:
        return _answerer(_load(sources, lenient))
    except InputError as exc:
        return _answering_failure(exc)


def _answerer_on_disk(directory: str):
    try:
        return _answerer(_open_on_disk(directory))
    except InputError as exc:
        return _answering_failure(exc)


def _answerer_copy_on_disk(directory: Path, source: Path, lenient: bool):
    """Open the on-disk copy read-only; should it fail, load ``source`` instead."""
    try:
        store = rocks.open_read_only(directory)
    except OSError:
        return _answerer_from_file([source], lenient)
    return _answerer(store)


def _ask(worker: Worker, request, timeout: float | None, retry: bool = False) -> bytes:
    """The worker's answer; ``Stopped`` is raised as it is when the caller can ``retry``."""
    try:
        return worker.ask(request, timeout)
    except Expired:
        raise _timed_out(timeout or 0) from None
    except Stopped as stopped:
        if ended_by_memory(stopped.exitcode):
            raise memory_error(worker.memory) from None
        if retry:
            raise
        raise InputError("the query worker stopped without an answer") from None


class CappedBuffer:
    """A bytes sink that refuses to grow past ``cap`` bytes (the result-size limit)."""

    def __init__(self, cap: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.cap = cap

    @property
    def over(self) -> bool:
        return self.size > self.cap

    def write(self, data) -> int:
        self.size += len(data)
        if self.over:
            raise ResultTooLarge(f"the result is larger than the limit of {self.cap:,} bytes")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def execute(store, text: str, bindings: dict[str, Term], fmt: str | None = None,
            max_bytes: int | None = None) -> bytes:
    """The answer as bytes: b"R" + results or b"T" + triples, written in ``fmt`` (a
    name in ``riskgraph.io.formats.RESULTS`` or ``GRAPHS``; default SPARQL JSON or N-Triples,
    as ``decode`` reads them) within ``max_bytes``, or b"E" + error JSON."""
    from riskgraph.query.binding import bind_values

    ox = _ox()
    sink = CappedBuffer(max_bytes) if max_bytes else None
    try:
        result = store.query(bind_values(text, bindings), use_default_graph_as_union=True)
        graph = isinstance(result, ox.QueryTriples)
        chosen = (GRAPHS if graph else RESULTS).get(fmt or ("nt" if graph else "json"))
        if chosen is None:
            what = "a CONSTRUCT or DESCRIBE" if graph else "a SELECT or ASK"
            return _error("error", f"{what} answer cannot be written as {fmt}")
        output = cast("IO[bytes] | None", sink)  # write() is all pyoxigraph calls
        if graph:
            data = ox.serialize(result, output, chosen.engine(),
                                prefixes=PREFIXES if fmt == "ttl" else None)
        else:
            data = result.serialize(output, chosen.engine())
        if sink is not None:
            data = sink.getvalue()
        assert data is not None  # no output given: serialize returns the bytes
        return (b"T" if graph else b"R") + data
    except ResultTooLarge as exc:
        return _error("too-large", str(exc))
    except MemoryError:  # Python's side of the cap; pyoxigraph's side ends the process
        return _error("memory", "")
    except SyntaxError as exc:
        return _error("syntax", _as_written(text, exc) if bindings else str(exc))
    except InputError as exc:  # a value that cannot be bound
        return _error("load", str(exc))
    except Exception as exc:  # evaluation errors: pyoxigraph raises several types
        if sink is not None and sink.over:  # the sink's error, wrapped
            return _error("too-large", f"the result is larger than the limit of "
                          f"{sink.cap:,} bytes")
        return _error("error", str(exc))


def _error(kind: str, message: str) -> bytes:
    return b"E" + json.dumps({"kind": kind, "message": message}).encode()


def _as_written(text: str, exc: SyntaxError) -> str:
    """The syntax error as pyoxigraph finds it in ``text`` as written, without the VALUES
    block (whose insertion moves columns): ``text`` has passed the safety check, and an
    empty store only parses it."""
    try:
        _ox().Store().query(text)
    except SyntaxError as original:
        return str(original)
    except Exception:  # noqa: S110 (evaluation errors: the syntax is fine as written)
        pass
    return str(exc)


def _timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query did not finish within its time limit of {timeout:g} s "
                        "and was stopped",
                        hint="add a LIMIT or narrow the patterns, or raise the timeout")


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)


def unwrap(payload: bytes, memory: int | None = None) -> bytes:
    """The written answer in ``execute``'s bytes; its error raised as ``InputError``
    (``memory``: the worker's memory cap, which a "memory" error names)."""
    kind, body = payload[:1], payload[1:]
    if kind in (b"R", b"T"):
        return body
    if kind != b"E":
        raise InputError("the query worker stopped without an answer")
    error = json.loads(body)
    message = error["message"]
    if error["kind"] == "load":  # already says which file and why
        raise InputError(message)
    if error["kind"] == "too-large":
        raise ResultTooLarge(message, hint="add a LIMIT or ask for fewer columns")
    if error["kind"] == "memory":
        raise memory_error(memory) if memory else InputError("the query ran out of memory")
    match = _POSITION.match(message)
    if error["kind"] == "syntax" and match:
        raise InputError(f"SPARQL syntax error: {match.group(3)}", file="query",
                         line=int(match.group(1)), column=int(match.group(2)))
    prefix = "SPARQL syntax error" if error["kind"] == "syntax" else "the query failed"
    raise InputError(f"{prefix}: {message}")


def decode(payload: bytes, memory: int | None = None) -> QueryResult:
    """A ``QueryResult`` from ``execute``'s bytes in its default formats; errors become
    ``InputError`` (see ``unwrap``)."""
    body = unwrap(payload, memory)
    if payload[:1] == b"R":
        return QueryResult.from_json(json.loads(body))
    ox = _ox()
    rows = [{"subject": Term.from_oxigraph(t.subject),
             "predicate": Term.from_oxigraph(t.predicate), "object": Term.from_oxigraph(t.object)}
            for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    return QueryResult(["subject", "predicate", "object"], rows)

