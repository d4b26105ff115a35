"""A pool of query worker processes with a hard per-query time limit.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so a
time limit that holds for every query (ORDER BY or COUNT over a cross product
included) needs the query in a process that can be killed. Each worker
(``riskgraph.serve.worker``) is a fresh interpreter that loads the graph once
and answers queries one at a time; the pool hands a request to an idle worker,
waits for the answer until the limit, and past it kills that worker, starts a
replacement in the background and reports a ``QueryTimeout``. With N workers, N
queries run at once (pyoxigraph evaluates in Rust, so they use the cores). The
calls are blocking and thread-safe: the web app calls them from its thread pool.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from riskgraph.errors import InputError, QueryTimeout
from riskgraph.store.timelimit import ended_by_memory, memory_error, query_memory

log = logging.getLogger("riskgraph.serve")
START_TIMEOUT = 300.0  # a bound on loading the graph, not a performance target


class ResultTooLarge(InputError):
    """The answer is larger than the server's result-size limit."""


class Busy(InputError):
    """Every worker stayed busy for the whole time limit."""


class ServerStopping(InputError):
    """The server stopped (SIGTERM) while the query ran."""


class _Stopped(Exception):
    pass


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise _Stopped
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float | None) -> bytes:
    (size,) = struct.unpack(">I", _read_exact(fd, 4, deadline))
    return _read_exact(fd, size, deadline)


class _Worker:
    def __init__(self, store_dir: Path | None, nt_files: list[Path], memory: int) -> None:
        args = [sys.executable, "-m", "riskgraph.serve.worker", str(os.getpid()),
                str(memory), str(store_dir or "")] + [str(p) for p in nt_files]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     bufsize=0, close_fds=True)
        # both are pipes (stdin=PIPE, stdout=PIPE above), never None
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._stdin: IO[bytes] = self.proc.stdin
        self._stdout: IO[bytes] = self.proc.stdout

    def wait_ready(self) -> None:
        try:
            frame = _read_frame(self._stdout.fileno(), time.monotonic() + START_TIMEOUT)
        except (TimeoutError, _Stopped):
            self.kill()
            raise InputError("a query worker did not start") from None
        if frame != b"R":
            self.kill()
            message = json.loads(frame[1:])["message"] if frame[:1] == b"E" else "no answer"
            raise InputError(f"cannot load the graph: {message}")

    def ask(self, request: bytes, deadline: float) -> bytes:
        fd = self._stdin.fileno()
        os.write(fd, struct.pack(">I", len(request)) + request)
        return _read_frame(self._stdout.fileno(), deadline)

    def kill(self) -> int:
        """Kill (if still running) and reap; the exit code it ended with by itself, or
        -SIGKILL."""
        if self.proc.poll() is None:
            try:  # an end of file comes just before the exit: let it finish
                self.proc.wait(0.5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        code = self.proc.wait()
        for stream in (self._stdin, self._stdout):
            with contextlib.suppress(OSError):
                stream.close()
        return code


@dataclass
class Limits:
    timeout: float = 10.0  # seconds per query
    max_result_bytes: int = 16 * 1024 * 1024
    # bytes a worker may add to what it holds once the graph is loaded (0: no cap)
    max_query_memory: int = field(default_factory=query_memory)


class Pool:
    """``size`` workers over the N-Triples files ``nt_files`` or the on-disk ``store_dir``."""

    def __init__(self, nt_files: list[Path] | None = None, store_dir: Path | None = None,
                 size: int = 2, limits: Limits | None = None) -> None:
        self.nt_files = list(nt_files or [])
        self.store_dir = store_dir
        self.size = max(1, size)
        self.limits = limits or Limits()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        workers = [self._spawn() for _ in range(self.size)]
        try:
            for worker in workers:
                worker.wait_ready()
        except BaseException:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.store_dir, self.nt_files, self.limits.max_query_memory)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> int:
        """Replace ``dead`` in the background; its exit code."""
        with self._lock:
            self._all.discard(dead)
        code = dead.kill()
        if self._closed:
            return code

        def start() -> None:
            worker = self._spawn()
            try:
                worker.wait_ready()
            except InputError:
                log.exception("a replacement query worker failed to start")
                return
            if self._closed:
                worker.kill()
            else:
                self._idle.put(worker)

        threading.Thread(target=start, daemon=True).start()
        return code

    def run(self, query: str, fmt: str, timeout: float | None = None,
            max_bytes: int | None = None) -> bytes:
        """The answer to ``query`` serialised as ``fmt`` (see ``worker.answer``)."""
        timeout = timeout or self.limits.timeout
        cap = max_bytes or self.limits.max_result_bytes
        if self._closed:
            raise ServerStopping("the server is stopping", hint="try again when it is back")
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy("the server is busy: no query worker was free within "
                       f"{timeout:g} s", hint="try again shortly") from None
        deadline = time.monotonic() + timeout
        request = json.dumps({"q": query, "f": fmt, "max": cap}).encode()
        try:
            payload = worker.ask(request, deadline)
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeout(f"the query did not finish within the server's time limit of "
                               f"{timeout:g} s and was stopped",
                               hint="add a LIMIT or narrow the patterns") from None
        except (_Stopped, OSError):
            if self._closed:
                raise ServerStopping("the server is stopping; the query was not finished",
                                     hint="try again when it is back") from None
            if ended_by_memory(self._replace(worker)):
                raise memory_error(self.limits.max_query_memory) from None
            raise InputError("the query worker stopped without an answer") from None
        self._idle.put(worker)
        if payload[:1] == b"D":
            return payload[1:]
        error = json.loads(payload[1:])
        if error["kind"] == "memory":
            raise memory_error(self.limits.max_query_memory)
        if error["kind"] == "too-large":
            raise ResultTooLarge(error["message"], hint="add a LIMIT or ask for fewer columns")
        prefix = "SPARQL syntax error" if error["kind"] == "syntax" else "the query failed"
        raise InputError(f"{prefix}: {error['message']}")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
