"""Write output files safely: the one place every ``-o`` goes through.

- Only a regular file is ever replaced, and atomically (a temporary file beside
  it, then a rename): a failed or interrupted run leaves no half-written file.
- A symbolic link to a regular file is followed: its target is replaced, the
  link stays. A character device or FIFO (``/dev/null``, ``/dev/stdout``, a
  named pipe) is written to directly, never replaced.
- Anything else (a directory, socket, block device, dangling link, link loop)
  is refused with ``InputError`` before anything is written.
- New files get the user's umask (``mkstemp`` alone would make them 0600);
  a replaced file keeps its permissions.
- ``write_files`` writes several files all at once or not at all: every target
  is checked first, all temporary files are written, then all are renamed with
  SIGINT, SIGTERM and SIGHUP held back so that no signal splits the set.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from riskgraph.errors import InputError

Writer = Callable[[IO[bytes]], object]  # any return value (e.g. write()'s count) is ignored
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


@dataclass
class Target:
    """Where an output goes: ``path`` as given, ``real`` the file actually written."""

    path: Path
    real: Path
    stream: bool  # a character device or FIFO: written directly
    mode: int | None  # permission bits of the regular file it replaces, if any


def _refuse(path: Path, what: str) -> InputError:
    return InputError(f"is {what}; riskgraph writes only regular files (or a device or pipe "
                      "such as /dev/stdout)", file=path, hint="choose another output path")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def check_target(path: Path | str) -> Target:
    """What writing ``path`` would do, or ``InputError`` if riskgraph would refuse it.

    Nothing is created or written here.
    """
    path = Path(path)
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return Target(path, path, False, None)
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        info = os.stat(path)  # follows symbolic links
    except OSError as exc:
        if stat.S_ISLNK(link.st_mode):
            if exc.errno == errno.ELOOP:
                raise _refuse(path, "a symbolic link loop") from None
            raise _refuse(path, "a symbolic link to nothing (dangling)") from None
        raise _os_error(path, exc) from None
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return Target(path, path, True, None)
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, _kind(info.st_mode))
    real = Path(os.path.realpath(path)) if stat.S_ISLNK(link.st_mode) else path
    return Target(path, real, False, stat.S_IMODE(info.st_mode))


def _os_error(path: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write here: {exc.strerror or exc}", file=path,
                      hint="choose a path in a directory you can write to")


def _umask_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _temporary(target: Target, write: Writer) -> Path:
    """Write ``write``'s output to a new temporary file beside ``target.real``."""
    parent = target.real.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.real.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise _os_error(target.path, exc) from None
    tmp = Path(name)
    try:
        os.fchmod(fd, target.mode if target.mode is not None else _umask_mode())
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _write_stream(target: Target, write: Writer) -> None:
    try:
        with open(target.path, "wb") as handle:
            write(handle)
    except OSError as exc:
        raise _os_error(target.path, exc) from None


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP (delivered on exit) in the main thread."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    except (AttributeError, OSError, ValueError):  # no pthread_sigmask on this platform
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class PendingFiles:
    """Outputs written to temporary files, not yet in place: ``commit`` renames them
    all into place (and writes any device or pipe), ``discard`` removes them.
    Use as a context manager: leaving it without ``commit`` discards."""

    def __init__(self, outputs: list[tuple[Path | str, Writer]]) -> None:
        self.targets = [(check_target(path), write) for path, write in outputs]
        self.temps: list[tuple[Path, Target]] = []
        self.done = False
        try:
            for target, write in self.targets:
                if not target.stream:
                    self.temps.append((_temporary(target, write), target))
        except BaseException:
            self.discard()
            raise

    def commit(self) -> list[Path]:
        try:
            with signals_held():
                for tmp, target in self.temps:
                    os.replace(tmp, target.real)
        except OSError as exc:
            self.discard()
            raise _os_error(self.targets[0][0].path, exc) from None
        except BaseException:
            self.discard()
            raise
        self.done = True
        for target, write in self.targets:
            if target.stream:
                _write_stream(target, write)
        return [target.path for target, _ in self.targets]

    def discard(self) -> None:
        for tmp, _ in self.temps:
            tmp.unlink(missing_ok=True)
        self.temps = []

    def __enter__(self) -> PendingFiles:
        return self

    def __exit__(self, *exc) -> None:
        if not self.done:
            self.discard()


def write_files(outputs: list[tuple[Path | str, Writer]]) -> list[Path]:
    """Write every output, or (on any failure, signal included) none of them.

    Returns the paths as given. Outputs that are devices or pipes are written
    after the files are in place.
    """
    with PendingFiles(outputs) as pending:
        return pending.commit()


def write_atomic(path: Path, write: Writer) -> Path:
    """Call ``write`` on a temporary file beside ``path`` and rename it into place
    (or write directly to a device or pipe); see the module docstring."""
    return write_files([(path, write)])[0]


def write_text_atomic(path: Path, text: str) -> Path:
    return write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    return write_atomic(path, lambda handle: handle.write(data))


def is_same_file(output: Path | str, source: Path | str) -> bool:
    """Whether writing ``output`` would overwrite ``source`` (never raises: a path
    that cannot be resolved, a link loop for one, is not the same file)."""
    try:
        return os.path.samefile(output, source)
    except (OSError, ValueError):
        return False
