"""The embedded SPARQL store (pyoxigraph), and the one place a store is chosen.

By default the store is in memory, loaded from the cached built graph
(``riskgraph.build.cache.ensure_cached_graph``: ontology, data and inferred triples
as N-Triples), so a query never imports rdflib or a reasoner. A forked worker
(``riskgraph.store.worker``) loads it and answers every query of the process;
``prestart_default_store`` starts the worker early, so that it loads the graph
while this process imports the rest. For graphs too large to load at every
call, ``riskgraph build --store DIR`` writes an on-disk store (``write_store``)
that ``--store DIR`` opens read-only.

Time limit: pyoxigraph cannot interrupt a query, so a query with a time limit
runs in a child process that is killed when the limit passes: the default
store's worker, or for another in-memory store a ``fork`` of this process per
query (a few milliseconds; the store is shared copy-on-write and pyoxigraph's
memory store runs no threads).
An on-disk store runs RocksDB threads, which a fork would not carry over, so
there the child is a fresh interpreter (``python -m riskgraph.store.embedded``) that
opens the store read-only itself. Without a time limit the query runs in-process
(or in the default store's worker).
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from riskgraph.errors import InputError, QueryTimeout
from riskgraph.namespaces import PROJECT_GRAPH
from riskgraph.query.results import QueryResult, Term

# The embedded store keeps its triples in PROJECT_GRAPH; queries see it as their
# default graph, and FROM <PROJECT_GRAPH> names it, as on a SPARQL server.
DEFAULT_TIMEOUT = 30.0
MARKER = "riskgraph-store.json"


@dataclass
class StoreInfo:
    path: Path
    triples: int
    notes: list[str] = field(default_factory=list)


def _ox():
    import pyoxigraph

    return pyoxigraph


class EmbeddedStore:
    """A pyoxigraph store with ``select(text, bindings, timeout) -> QueryResult``."""

    def __init__(self, store, *, directory: Path | None = None, source: Path | None = None,
                 notes: list[str] | None = None) -> None:
        self._handle = store  # None: loaded from ``source`` where it is first needed
        self._worker = None  # the riskgraph.store.worker.Worker that holds the store, if any
        self.directory = directory  # set for an on-disk store
        self.source = source  # the N-Triples file an in-memory store was loaded from
        self.notes = notes or []

    @property
    def _store(self):
        """The store in this process (loaded here on first need if a worker holds it)."""
        if self._handle is None:
            self._handle = _load(self.source)  # type: ignore[arg-type]
        return self._handle

    @classmethod
    def from_ntriples(cls, source: Path | bytes) -> EmbeddedStore:
        """An in-memory store holding the N-Triples file (or bytes) ``source``."""
        return cls(_load(source), source=None if isinstance(source, bytes) else Path(source))

    @classmethod
    def in_worker(cls, source: Path) -> EmbeddedStore:
        """An in-memory store of the N-Triples file ``source``, loaded in a forked
        worker (where ``fork`` exists) when first queried or started."""
        return cls(None, source=Path(source))

    def start(self) -> None:
        """Start the worker now, if this store is held by one, so that it loads meanwhile."""
        self._get_worker()

    @classmethod
    def open(cls, directory: Path | str) -> EmbeddedStore:
        """The on-disk store ``directory`` (written by ``riskgraph build --store``), read-only."""
        directory = Path(directory)
        meta = read_marker(directory)
        try:
            store = _ox().Store.read_only(str(directory))
        except OSError as exc:
            raise InputError(f"cannot open the store: {exc}", file=directory) from None
        return cls(store, directory=directory, notes=_staleness(meta))

    def __len__(self) -> int:
        if self._handle is None and self._get_worker() is not None:
            count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
            return int(self.select(count, timeout=None).rows[0]["n"].value)
        return len(self._store)

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
        """Run ``text`` with ``bindings`` as pre-bound variables; refuse unsafe queries.

        Raises ``UnsafeQuery`` before running, ``InputError`` with line and
        column for malformed SPARQL, and ``QueryTimeout`` past ``timeout`` seconds.
        """
        from riskgraph.query.canned import bind_values
        from riskgraph.query.safety import check_query

        check_query(text)
        query = bind_values(text, dict(bindings or {}))
        worker = self._get_worker()
        if worker is not None:
            payload = _ask(worker, query, timeout)
        elif timeout is None:
            payload = execute(self._store, query)
        elif self.directory is None and hasattr(os, "fork"):
            payload = _in_fork(self._store, query, timeout)
        else:
            payload = _in_subprocess(self.directory, self.source, query, timeout)
        return decode(payload, text, query)

    def _get_worker(self):
        """The worker holding a store loaded from ``source``; started on first need."""
        if self._worker is not None and self._worker.alive:
            return self._worker
        if self._handle is not None or self.source is None or not hasattr(os, "fork"):
            return None
        from riskgraph.store.worker import Worker

        self._worker = Worker(partial(_serve, self.source))
        return self._worker

    def __repr__(self) -> str:
        where = self.directory or self.source or "memory"
        return f"EmbeddedStore({str(where)!r})"


# --- running a query ---------------------------------------------------------

def _load(source: Path | bytes):
    """A pyoxigraph in-memory store holding the N-Triples file (or bytes) ``source``."""
    ox = _ox()
    store = ox.Store()
    graph = ox.NamedNode(PROJECT_GRAPH)
    try:
        if isinstance(source, bytes):
            store.bulk_load(source, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        else:
            store.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    except (SyntaxError, OSError) as exc:
        raise InputError(f"cannot load the graph: {exc}",
                         file=None if isinstance(source, bytes) else source) from None
    return store


def _serve(source: Path):
    """In the worker: load the store and return the function that answers a query;
    a loading error answers every query."""
    try:
        store = _load(source)
    except InputError as exc:
        failure = b"E" + json.dumps({"kind": "load", "message": str(exc)}).encode()
        return lambda request: failure
    return lambda request: execute(store, request.decode())


def _ask(worker, query: str, timeout: float | None) -> bytes:
    from riskgraph.store.worker import Expired, Stopped

    try:
        return worker.ask(query.encode(), timeout)
    except Expired:
        raise _timed_out(timeout or 0) from None
    except Stopped:
        raise InputError("the query worker stopped without an answer") from None


def execute(store, query: str) -> bytes:
    """The answer as bytes: b"R" + SPARQL JSON, b"T" + N-Triples, or b"E" + error JSON."""
    ox = _ox()
    try:
        result = store.query(query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            return b"T" + result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return b"R" + result.serialize(format=ox.QueryResultsFormat.JSON)
    except SyntaxError as exc:
        return b"E" + json.dumps({"kind": "syntax", "message": str(exc)}).encode()
    except Exception as exc:  # evaluation errors: pyoxigraph raises several types
        return b"E" + json.dumps({"kind": "error", "message": str(exc)}).encode()


def _timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query did not finish within its time limit of {timeout:g} s "
                        "and was stopped",
                        hint="add a LIMIT or narrow the patterns, or raise --timeout")


def _in_fork(store, query: str, timeout: float) -> bytes:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: answer, then leave without running any parent clean-up
        try:
            os.close(read_fd)
            data = execute(store, query)
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            ready = select.select([read_fd], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                os.kill(pid, signal.SIGKILL)
                raise _timed_out(timeout)
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)
    return b"".join(chunks)


def _in_subprocess(directory: Path | None, source: Path | None, query: str,
                   timeout: float) -> bytes:
    if directory is None and source is None:
        raise InputError("a time limit needs a store loaded from a file on this platform")
    import subprocess

    job = json.dumps({"dir": str(directory) if directory else None,
                      "nt": str(source) if source else None, "query": query})
    proc = subprocess.Popen([sys.executable, "-m", "riskgraph.store.embedded"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(job.encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise _timed_out(timeout) from None
    if not out:
        raise InputError("the query worker stopped without an answer: "
                         + err.decode(errors="replace").strip()[-400:])
    return out


def _worker_main() -> None:
    job = json.loads(sys.stdin.buffer.read())
    if job["dir"]:
        store = _ox().Store.read_only(job["dir"])
    else:
        store = EmbeddedStore.from_ntriples(Path(job["nt"]))._store
    sys.stdout.buffer.write(execute(store, job["query"]))
    sys.stdout.buffer.flush()


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)


def decode(payload: bytes, text: str, query: str) -> QueryResult:
    """A ``QueryResult`` from ``execute``'s bytes; errors become ``InputError``."""
    kind, body = payload[:1], payload[1:]
    if kind == b"R":
        data = json.loads(body)
        if "boolean" in data:
            return QueryResult([], [], bool(data["boolean"]))
        rows = [{name: Term.from_json(value) for name, value in binding.items()}
                for binding in data["results"]["bindings"]]
        return QueryResult(list(data["head"].get("vars", [])), rows)
    if kind == b"T":
        ox = _ox()
        rows = [{"subject": _term(t.subject), "predicate": _term(t.predicate),
                 "object": _term(t.object)}
                for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        return QueryResult(["subject", "predicate", "object"], rows)
    if kind == b"E":
        error = json.loads(body)
        message = error["message"]
        if error["kind"] == "load":  # already says which file and why
            return _raise(InputError(message))
        match = _POSITION.match(message)
        if error["kind"] == "syntax" and match:
            line, column = int(match.group(1)), int(match.group(2))
            column -= _shift(text, query, line, column)
            return _raise(InputError(f"SPARQL syntax error: {match.group(3)}", file="query",
                                     line=line, column=column))
        prefix = "SPARQL syntax error" if error["kind"] == "syntax" else "the query failed"
        return _raise(InputError(f"{prefix}: {message}"))
    raise InputError("the query worker stopped without an answer")


def _raise(error: InputError):
    raise error


def _shift(text: str, query: str, line: int, column: int) -> int:
    """How far the VALUES block moved ``column`` on ``line`` (0 if it did not)."""
    if text == query:
        return 0
    original = text.split("\n")[line - 1] if line <= text.count("\n") + 1 else ""
    bound = query.split("\n")[line - 1] if line <= query.count("\n") + 1 else ""
    extra = len(bound) - len(original)
    if extra <= 0:
        return 0
    # The block follows the first character that differs between the two lines.
    at = next((i for i, (a, b) in enumerate(zip(original, bound, strict=False)) if a != b),
              len(original))
    return extra if column > at + 1 else 0


def _term(node) -> Term:
    ox = _ox()
    if isinstance(node, ox.NamedNode):
        return Term("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    lang = node.language
    return Term("literal", node.value, None if lang else node.datatype.value, lang)


# --- on-disk stores ------------------------------------------------------------

def read_marker(directory: Path) -> dict:
    marker = directory / MARKER
    if not directory.is_dir():
        raise InputError("no such store directory", file=directory,
                         hint=f"create it with `riskgraph build --store {directory}`")
    if not marker.is_file():
        raise InputError("this directory is not a riskgraph store", file=directory,
                         hint=f"create one with `riskgraph build --store {directory}`")
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"the store's {MARKER} cannot be read: {exc}", file=directory) from None


def _staleness(meta: dict) -> list[str]:
    if meta.get("extra"):
        return []
    from riskgraph.build.cache import fingerprint

    if meta.get("fingerprint") != fingerprint():
        return ["the store was built from other versions of the bundled files; run "
                "`riskgraph build --store DIR` again to refresh it"]
    return []


def write_store(source: Path | bytes, directory: Path | str,
                extra: list[Path] | None = None) -> StoreInfo:
    """Write the N-Triples ``source`` as an on-disk store at ``directory``.

    The store is built beside ``directory`` and renamed into place, so a failed
    run leaves nothing half-written. An existing riskgraph store there is
    replaced; any other existing, non-empty directory is refused.
    """
    import shutil
    import tempfile

    from riskgraph import __version__
    from riskgraph.build.cache import fingerprint

    ox = _ox()
    directory = Path(directory)
    foreign = directory.exists() and not (directory / MARKER).is_file()
    if foreign and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError("exists and is not a riskgraph store; riskgraph will not "
                         "overwrite it", file=directory, hint="choose a new directory")
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp",
                                dir=directory.parent))
    try:
        store = ox.Store(str(tmp))
        graph = ox.NamedNode(PROJECT_GRAPH)
        if isinstance(source, bytes):
            store.bulk_load(source, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        else:
            store.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        store.optimize()
        triples = len(store)
        store.flush()
        del store
        meta = {"riskgraph": __version__, "triples": triples, "graph": PROJECT_GRAPH,
                "fingerprint": fingerprint(extra), "extra": [str(p) for p in extra or []],
                "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (tmp / MARKER).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        old = None
        if directory.exists():
            old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
            os.replace(directory, old)
        os.replace(tmp, directory)
        if old is not None:  # the previous riskgraph store, which riskgraph wrote
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return StoreInfo(directory, triples)


# --- choosing a store ----------------------------------------------------------

_DEFAULT: dict[Path, EmbeddedStore] = {}


def default_store() -> EmbeddedStore:
    """The bundled graph (built once into the cache) in an in-memory store."""
    from riskgraph.build.cache import ensure_cached_graph

    return _default(ensure_cached_graph())


def _default(path: Path) -> EmbeddedStore:
    if path not in _DEFAULT:
        _DEFAULT.clear()
        _DEFAULT[path] = EmbeddedStore.in_worker(path)
    return _DEFAULT[path]


def prestart_default_store() -> None:
    """Start loading the default store's worker now, if the cache holds the graph,
    so that it loads while this process imports the rest. Never builds, never raises:
    ``default_store`` reports any problem later, in its usual order."""
    from riskgraph.build.cache import cached_graph_path

    try:
        path = cached_graph_path()
        if path.is_file():
            _default(path).start()
    except OSError:
        pass


def open_store(store_dir: Path | str | None = None, endpoint: str | None = None,
               **remote_options):
    """The store a command queries: ``--endpoint URL``, ``--store DIR`` or the bundled graph.

    Every store has ``select(text, bindings, timeout) -> QueryResult``.
    """
    if endpoint is not None and store_dir is not None:
        raise InputError("give either --store or --endpoint, not both")
    if endpoint is not None:
        from riskgraph.store.remote import RemoteStore

        return RemoteStore(endpoint, **remote_options)
    if store_dir is not None:
        return EmbeddedStore.open(store_dir)
    return default_store()


if __name__ == "__main__":  # the worker process for on-disk stores (see module doc)
    _worker_main()
