"""A forked child that answers requests one at a time, each within a time limit.

``riskgraph.store.embedded`` runs the default store's queries in one: the child loads the
built graph itself, after the fork, so that it loads while the parent is still
importing; it serves all the queries of a process and is killed when a query runs
past its limit.
The child is killed and reaped when its ``Worker`` is dropped or the process exits.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import select
import signal
import time
import weakref
from collections.abc import Callable

HEADER = 8  # each request and answer is its length (big-endian) and then its bytes


class Expired(Exception):
    """The answer did not come within the time limit; the child was killed."""


class Stopped(Exception):
    """The child ended without an answer."""


class Worker:
    """``ask(request, timeout) -> answer`` answered by ``start()``'s function in a child.

    ``start`` runs in the child, once, and returns the function that answers.
    """

    def __init__(self, start: Callable[[], Callable[[bytes], bytes]]) -> None:
        requests_in, requests_out = os.pipe()
        answers_in, answers_out = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: serve until the parent goes, without any parent clean-up
            try:
                os.close(requests_out)
                os.close(answers_in)
                answer = start()
                while True:
                    try:
                        request = _read_frame(requests_in, None)
                    except Stopped:
                        break
                    _write_frame(answers_out, answer(request))
            finally:
                os._exit(0)
        os.close(requests_in)
        os.close(answers_out)
        self.pid = pid
        self._requests, self._answers = requests_out, answers_in
        self._lock = _thread.allocate_lock()  # one request at a time on the pipes
        self._finalizer = weakref.finalize(self, _stop, pid, requests_out, answers_in)

    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def ask(self, request: bytes, timeout: float | None) -> bytes:
        """The answer; raises ``Expired`` past ``timeout`` s, ``Stopped`` if the child ended."""
        with self._lock:
            if not self.alive:
                raise Stopped()
            deadline = None if timeout is None else time.monotonic() + timeout
            try:
                _write_frame(self._requests, request)
                return _read_frame(self._answers, deadline)
            except OSError:  # the child is gone (broken pipe)
                self.stop()
                raise Stopped() from None
            except BaseException:  # past the limit, or interrupted: an answer may be pending
                self.stop()
                raise

    def stop(self) -> None:
        self._finalizer()


def _stop(pid: int, *fds: int) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)  # it holds nothing to clean up: it only reads
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _write_frame(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(HEADER, "big") + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    while size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise Expired()
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise Stopped()
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float | None) -> bytes:
    size = int.from_bytes(_read_exact(fd, HEADER, deadline), "big")
    return _read_exact(fd, size, deadline)
