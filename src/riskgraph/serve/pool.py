"""A pool of query workers with a hard per-query time limit.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so a
time limit that holds for every query (ORDER BY or COUNT over a cross product
included) needs the query in a process that can be killed. Each worker is the
store's own ``riskgraph.store.timelimit.Worker``, started with ``spawn`` (the
server has threads, which a fork would copy mid-flight) and opened as the
embedded store opens its graph (``riskgraph.store.local.opener``): it loads the
graph once and answers ``execute``'s requests one at a time. The pool serves once
every worker has loaded the graph; it hands a request to an idle worker, waits
for the answer until the limit, and past it kills that worker, starts a
replacement in the background and reports a ``QueryTimeout``. With N workers, N
queries run at once (pyoxigraph evaluates in Rust, so they use the cores). The
calls are blocking and thread-safe: the web app calls them from its thread pool.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph.errors import InputError, QueryTimeout
from riskgraph.query.results import Term
from riskgraph.store.local import READY, opener, unwrap
from riskgraph.store.timelimit import (
    Expired,
    Stopped,
    Worker,
    ended_by_memory,
    memory_error,
    query_memory,
)

log = logging.getLogger("riskgraph.serve")
START_TIMEOUT = 300.0  # a bound on loading the graph, not a performance target


class Busy(InputError):
    """Every worker stayed busy for the whole time limit."""


class ServerStopping(InputError):
    """The server stopped (SIGTERM) while the query ran."""


@dataclass
class Limits:
    timeout: float = 10.0  # seconds per query
    max_result_bytes: int = 16 * 1024 * 1024
    # bytes a worker may add to what it holds once the graph is loaded (0: no cap)
    max_query_memory: int = field(default_factory=query_memory)


class Pool:
    """``size`` workers over the N-Triples files ``nt_files`` or the on-disk ``store_dir``.

    Every worker is started by the pool's own thread, which lives until ``close()``:
    Linux ends a worker when the thread that started it ends (``PR_SET_PDEATHSIG``),
    and the threads that ask for replacements are the web app's, which come and go.
    """

    def __init__(self, nt_files: list[Path] | None = None, store_dir: Path | None = None,
                 size: int = 2, limits: Limits | None = None) -> None:
        self.opener = opener(nt_files or [], store_dir)
        self.size = max(1, size)
        self.limits = limits or Limits()
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        # (how many workers to start, the future of their start or None); None: end
        self._starts: queue.Queue[tuple[int, Future | None] | None] = queue.Queue()
        self._starter = threading.Thread(target=self._start_workers, daemon=True,
                                         name="riskgraph-query-workers")

    def start(self) -> None:
        """Start the workers; return once every one has loaded the graph."""
        started: Future = Future()
        self._starter.start()
        self._starts.put((self.size, started))
        try:
            started.result()
        except BaseException:
            self.close()
            raise

    def _start_workers(self) -> None:
        """The starter thread: start the workers asked for, until ``close()``."""
        while (job := self._starts.get()) is not None:
            count, started = job
            try:
                workers = [self._spawn() for _ in range(count)]
                for worker in workers:  # they load the graph at the same time
                    self._ready(worker)
                    self._idle.put(worker)
            except BaseException as exc:  # noqa: BLE001 (reported to the caller or the log)
                if started is not None:
                    started.set_exception(exc)
                elif not self._closed:
                    log.error("a replacement query worker failed to start: %s", exc)
            else:
                if started is not None:
                    started.set_result(None)

    def _spawn(self) -> Worker:
        worker = Worker(self.opener, "spawn", self.limits.max_query_memory)
        with self._lock:
            self._all.add(worker)
            closed = self._closed
        if closed:  # close() came while it started
            self._discard(worker)
            raise ServerStopping("the server is stopping")
        return worker

    def _ready(self, worker: Worker) -> None:
        """Wait until ``worker`` holds the graph; its loading error, if any."""
        try:
            unwrap(worker.ask(READY, START_TIMEOUT))
        except (Expired, Stopped):
            self._discard(worker)
            raise InputError("a query worker did not start") from None
        except InputError:
            self._discard(worker)
            raise

    def _discard(self, worker: Worker) -> int | None:
        """Stop ``worker`` and forget it; its exit code."""
        with self._lock:
            self._all.discard(worker)
        return worker.stop()

    def _replace(self, dead: Worker) -> int | None:
        """Replace ``dead`` in the background; its exit code."""
        code = self._discard(dead)
        if not self._closed:
            self._starts.put((1, None))
        return code

    def run(self, query: str, fmt: str, timeout: float | None = None,
            max_bytes: int | None = None, bindings: dict[str, Term] | None = None) -> bytes:
        """The answer to ``query`` (with ``bindings`` pre-bound) written as ``fmt`` (a
        format of ``riskgraph.store.local.execute``)."""
        timeout = timeout or self.limits.timeout
        cap = max_bytes or self.limits.max_result_bytes
        if self._closed:
            raise ServerStopping("the server is stopping", hint="try again when it is back")
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy("the server is busy: no query worker was free within "
                       f"{timeout:g} s", hint="try again shortly") from None
        try:
            payload = worker.ask((query, dict(bindings or {}), fmt, cap), timeout)
        except Expired:
            self._replace(worker)
            raise QueryTimeout(f"the query did not finish within the server's time limit of "
                               f"{timeout:g} s and was stopped",
                               hint="add a LIMIT or narrow the patterns") from None
        except Stopped as stopped:
            if self._closed:
                raise ServerStopping("the server is stopping; the query was not finished",
                                     hint="try again when it is back") from None
            self._replace(worker)
            if ended_by_memory(stopped.exitcode):
                raise memory_error(self.limits.max_query_memory) from None
            raise InputError("the query worker stopped without an answer") from None
        self._idle.put(worker)
        return unwrap(payload, self.limits.max_query_memory)

    def close(self) -> None:
        """Stop every worker (idempotent); a query running in one ends with
        ``ServerStopping``."""
        self._closed = True
        self._starts.put(None)
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
