"""Run queries in a child process that is killed when a time limit passes.

pyoxigraph cannot interrupt a query, so a query with a time limit runs in a
child: a ``multiprocessing`` process (``Worker``) that answers requests over a
``Pipe``. ``fork`` serves an in-memory store (the child shares it copy-on-write,
or loads it while the parent goes on); ``spawn`` serves an on-disk store, whose
RocksDB threads a fork would not carry, and ``riskgraph serve``, whose threads a
fork would copy mid-flight. ``Worker`` is the only place riskgraph starts a query
child: the CLI and the API start one per store (``riskgraph.store.local``), and
``serve`` and ``site`` a pool of them (``riskgraph.serve.pool``). The other children
are no query workers and end with the call that starts them: ``git archive`` for
``riskgraph diff git:REV`` (``subprocess.run`` with a timeout) and HermiT's ``java``,
which owlready2 runs for the reasoner.

No child outlives its parent, whatever ends it:
- the parent kills (SIGKILL) and reaps the child in a ``finally`` on every exit
  from ``ask`` (time limit, KeyboardInterrupt, SystemExit from a signal handler),
  and ``weakref.finalize`` does it when the ``Worker`` is dropped or at exit;
- the child asks Linux to kill it when the thread that started it ends
  (``PR_SET_PDEATHSIG``, which also covers a parent killed with SIGKILL; a caller that
  keeps workers starts them from a thread that lives as long: serve's pool does), polls
  ``os.getppid()`` elsewhere, and ends on end-of-file on its pipe.

The first ``spawn`` also makes ``multiprocessing`` start its resource tracker, one
helper per process that ends with it (end-of-file on its own pipe).

A child's memory is capped too (``cap_memory``): once it holds the graph, its address
space may grow by ``query_memory()`` bytes at most (``RISKGRAPH_QUERY_MEMORY``, in MiB;
default 2048; ``riskgraph serve --max-query-memory``). Past the cap pyoxigraph cannot
allocate and the child ends; the caller gets ``MemoryLimit`` (``memory_error``).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Any

MAX_TIMEOUT = 24 * 3600.0  # seconds; a longer limit is a mistake, and too big for poll()
MIN_TIMEOUT = 0.1  # seconds; below this, starting the child alone takes longer
PARENT_POLL_SECONDS = 0.5  # how often a child checks that its parent still exists
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

DEFAULT_QUERY_MEMORY_MIB = 2048
MEMORY_VARIABLE = "RISKGRAPH_QUERY_MEMORY"

# A function run once in the child that returns the function answering each request.
Opener = Callable[[], Callable[[Any], bytes]]


class MemoryLimit(Exception):
    """Raised as ``riskgraph.errors.InputError`` by ``memory_error``; kept apart here so
    that this module imports nothing of riskgraph's at start."""


def query_memory() -> int:
    """Bytes a query child may add to what it holds after loading the graph:
    ``$RISKGRAPH_QUERY_MEMORY`` MiB, or 2048 MiB; 0 means no cap."""
    from riskgraph.errors import InputError

    value = os.environ.get(MEMORY_VARIABLE, "").strip()
    if not value:
        return DEFAULT_QUERY_MEMORY_MIB << 20
    if not value.isdigit():
        raise InputError(f"{MEMORY_VARIABLE} must be a whole number of MiB, not {value!r}")
    return int(value) << 20


def cap_memory(extra: int | None) -> None:
    """Let this process's address space grow by ``extra`` bytes beyond what it holds now
    (RLIMIT_AS); ``None`` or 0: no cap. A cap relative to the current size works the
    same for a forked child (which inherits its parent's mappings) and a fresh one."""
    if not extra:
        return
    import faulthandler

    # Reaching the cap ends the process (Rust aborts when an allocation fails): say so in
    # one line, without a Rust backtrace or a Python stack dump (pytest enables one).
    os.environ["RUST_BACKTRACE"] = "0"
    faulthandler.disable()
    try:
        import resource

        with open("/proc/self/statm") as handle:
            now = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = now + extra
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: no cap (documented)


def memory_error(cap: int):
    """The error for a query child that ended past its memory cap."""
    from riskgraph.errors import InputError

    class QueryMemoryLimit(InputError, MemoryLimit):
        pass

    return QueryMemoryLimit(f"the query needed more memory than its limit of {cap >> 20:,} MiB "
                            "and was stopped", hint="add a LIMIT or narrow the patterns; "
                            f"the limit is set by {MEMORY_VARIABLE} (MiB) or `riskgraph serve "
                            "--max-query-memory`")


def ended_by_memory(exitcode: int | None) -> bool:
    """A child that ended this way most likely ran out of its capped memory: Rust aborts
    (SIGABRT) when an allocation fails, Python exits with a MemoryError."""
    return exitcode in (-signal.SIGABRT, 134, 1)


def check_timeout(timeout: float | None) -> float | None:
    """``timeout`` if it is None or a finite number of seconds within the allowed range."""
    import math

    from riskgraph.errors import InputError

    if timeout is None:
        return None
    try:
        value = float(timeout)
    except (TypeError, ValueError):
        raise InputError(f"timeout must be a number of seconds, not {timeout!r}") from None
    if not math.isfinite(value) or not MIN_TIMEOUT <= value <= MAX_TIMEOUT:
        raise InputError(f"timeout must be between {MIN_TIMEOUT:g} and {MAX_TIMEOUT:g} "
                         f"seconds, not {timeout!r}",
                         hint="or None (library) for no time limit")
    return value


class Expired(Exception):
    """The answer did not come within the time limit; the child was killed."""


class Stopped(Exception):
    """The child ended without an answer; ``exitcode`` says how, where known."""

    def __init__(self, exitcode: int | None = None) -> None:
        super().__init__(exitcode)
        self.exitcode = exitcode


class Worker:
    """``ask(request, timeout) -> bytes`` answered in a child by ``opener()``'s function.

    ``method`` is the ``multiprocessing`` start method: "fork" (the child inherits
    this process's memory; ``opener`` need not be picklable) or "spawn".
    """

    def __init__(self, opener: Opener, method: str = "fork",
                 memory: int | None = None) -> None:
        import multiprocessing

        self.memory = query_memory() if memory is None else memory

        context = multiprocessing.get_context(method)
        here, there = context.Pipe()
        # A forked child inherits this end too; it closes it, so that it sees EOF
        # when this process goes.
        inherited = here if method == "fork" else None
        self._process = context.Process(target=_serve,  # type: ignore[attr-defined]
                                        args=(there, opener, inherited, os.getpid(),
                                              self.memory),
                                        name="riskgraph-query", daemon=True)
        try:
            with _main_not_reimported(method):
                self._process.start()
        finally:
            there.close()
        self.pid = self._process.pid
        self._conn = here
        # one poll object for the answers: Connection.poll builds a selector per call
        self._answers = select.poll()
        self._answers.register(here.fileno(), select.POLLIN)
        self._lock = threading.Lock()  # one request at a time on the pipe
        self._finalizer = weakref.finalize(self, _stop, self._process, here)

    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def ask(self, request: Any, timeout: float | None) -> bytes:
        """The answer; ``Expired`` past ``timeout`` seconds, ``Stopped`` if the child ended.

        On any exception (the time limit, or a signal turned into an exception
        while waiting) the child is killed and reaped before it propagates.
        """
        with self._lock:
            if not self.alive:
                raise Stopped()
            try:
                self._conn.send(request)
                if timeout is not None and not self._answers.poll(timeout * 1000):
                    raise Expired()
                return self._conn.recv_bytes()
            except (EOFError, OSError):  # the child is gone: let it finish ending,
                with contextlib.suppress(ValueError):  # (closed by a concurrent stop())
                    self._process.join(1.0)  # so that its exit code says how it ended
                raise Stopped(self.stop()) from None
            except BaseException:
                self.stop()
                raise

    def stop(self) -> int | None:
        """Kill and reap the child (idempotent); its exit code the first time."""
        return self._finalizer()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def _main_not_reimported(method: str):
    """A ``spawn`` child imports the parent's ``__main__`` script again (so that pickled
    functions defined there resolve); a library caller's script without an
    ``if __name__ == "__main__"`` guard would then run again in the child. The child
    needs only riskgraph's own functions, so it is told of no main script."""
    main = sys.modules.get("__main__")
    if method == "fork" or main is None:
        yield
        return
    saved: dict[str, Any] = {name: main.__dict__[name] for name in ("__file__", "__spec__")
                             if name in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.update(saved)
        if "__spec__" not in saved:
            main.__dict__.pop("__spec__", None)


def _stop(process, conn) -> int | None:
    with contextlib.suppress(OSError):
        conn.close()
    exitcode = None
    with contextlib.suppress(OSError, ValueError, AttributeError):
        exitcode = process.exitcode  # before the kill: how it ended by itself
        if exitcode is None:
            process.kill()  # it holds nothing to clean up: it only reads
    with contextlib.suppress(OSError, ValueError, AssertionError, AttributeError):
        process.join()
        if exitcode is None:
            # ended between the look and the kill, or killed here (-SIGKILL)
            exitcode = process.exitcode
        process.close()  # releases the sentinel descriptor
    return exitcode


# --- in the child ------------------------------------------------------------

def _serve(conn, opener: Opener, inherited, parent: int, memory: int | None = None) -> None:
    # The parent decides when the child ends: Ctrl-C reaches the whole process
    # group, and the parent's own handlers must not run here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if inherited is not None:
        inherited.close()
    _die_with_parent(parent)
    answer = opener()
    cap_memory(memory)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        conn.send_bytes(answer(request))


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
