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
- A FIFO is opened without blocking before anything is written: one with no
  reader is refused instead of hanging the command.
- Folders (``new_folder``, ``install_folder``) are written whole beside their place
  and renamed in. A folder there is replaced only if riskgraph made it (it holds
  the writer's marker file) or it is empty; anything else is refused, never removed.
- ``refuse_overwriting_inputs``: no output may be, or contain, one of the inputs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from riskgraph.errors import InputError

Writer = Callable[[IO[bytes]], object]  # any return value (e.g. write()'s count) is ignored
FIFO_GRACE = 2.0  # seconds a FIFO may wait for its reader to open it
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


def _open_stream(target: Target) -> int:
    """Open a device or FIFO for writing without blocking: a FIFO nobody reads
    (ENXIO) is refused after a short grace (a reader started beside the command
    may not have opened it yet) rather than waited on forever."""
    deadline = time.monotonic() + FIFO_GRACE
    while True:
        try:
            fd = os.open(target.path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise _os_error(target.path, exc) from None
            if time.monotonic() >= deadline:
                raise _refuse(target.path, "a named pipe (FIFO) that nobody reads") from None
            time.sleep(0.02)
    os.set_blocking(fd, True)  # a reader is there: write at its pace
    return fd


def _write_stream(target: Target, fd: int, write: Writer) -> None:
    try:
        with os.fdopen(fd, "wb") as handle:
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
        self.streams: dict[int, int] = {}  # index in targets -> open descriptor
        self.done = False
        try:
            for index, (target, _) in enumerate(self.targets):
                if target.stream:
                    self.streams[index] = _open_stream(target)
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
        for index, (target, write) in enumerate(self.targets):
            if index in self.streams:
                _write_stream(target, self.streams.pop(index), write)
        return [target.path for target, _ in self.targets]

    def discard(self) -> None:
        for tmp, _ in self.temps:
            tmp.unlink(missing_ok=True)
        self.temps = []
        for fd in self.streams.values():
            os.close(fd)
        self.streams = {}

    def __enter__(self) -> PendingFiles:
        return self

    def __exit__(self, *exc) -> None:
        if not self.done:
            self.discard()
        for fd in self.streams.values():  # a failed write leaves the rest unopened
            os.close(fd)
        self.streams = {}


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


def is_same_file(output: Path | str, source: Path | str) -> bool:
    """Whether writing ``output`` would overwrite ``source`` (never raises: a path
    that cannot be resolved, a link loop for one, is not the same file). Compares
    the files themselves (device and inode), so symbolic and hard links count."""
    try:
        return os.path.samefile(output, source)
    except (OSError, ValueError):
        return False


def _inside(path: Path | str, folder: Path | str) -> bool:
    """Whether ``path`` (resolved, links followed) lies in ``folder`` (resolved)."""
    try:
        real, top = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    except (OSError, ValueError):
        return False
    return real == top or top in real.parents


def refuse_overwriting_inputs(inputs: Sequence[Path | str], *,
                              files: Sequence[Path | str] = (),
                              folders: Sequence[Path | str] = ()) -> None:
    """Raise ``InputError`` if an output file is one of ``inputs`` (through any link)
    or an output folder (replaced whole) holds one: the one check every command makes
    before it writes."""
    for output in files:
        for source in inputs:
            if is_same_file(output, source):
                raise InputError(f"the output would overwrite an input file ({source})",
                                 file=output, hint="choose another output path")
    for folder in folders:
        for source in inputs:
            if _inside(source, folder):
                raise InputError(f"the output folder holds the input file {source}, which "
                                 "writing it would replace", file=folder,
                                 hint="choose another output folder, or move the input out")


# ---- folders: written whole beside their place, renamed in --------------------------


def check_folder(target: Path | str, marker: str, what: str = "folder") -> Path:
    """Refuse (``InputError``) to replace ``target`` unless it is absent, an empty folder
    or a folder riskgraph made (it holds ``marker``). A symbolic link is refused."""
    target = Path(target)
    if target.is_symlink():
        raise InputError("is a symbolic link; riskgraph will not replace it", file=target,
                         hint="give the real folder, or a new one")
    if not os.path.lexists(target):
        return target
    if not target.is_dir():
        raise InputError("exists and is not a folder; riskgraph will not replace it",
                         file=target, hint="choose a new folder")
    marked = os.path.lexists(target / marker) and (target / marker).is_file() \
        and not (target / marker).is_symlink()
    try:
        empty = not any(target.iterdir())
    except OSError as exc:
        raise _os_error(target, exc) from None
    if not (marked or empty):
        raise InputError(f"exists and is not a riskgraph {what} (it holds no {marker}); "
                         "riskgraph will not overwrite it", file=target,
                         hint="choose a new or empty folder")
    return target


def fresh_folder(target: Path | str, mode: int | None = None) -> Path:
    """A new empty folder beside ``target`` (same file system, so it can be renamed in),
    with ``mode`` (default: what the umask gives a new folder)."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp",
                                      dir=target.parent))
        os.chmod(fresh, mode if mode is not None else 0o777 & ~_umask_bits())
    except OSError as exc:
        raise _os_error(target, exc) from None
    return fresh


def _umask_bits() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def install_folder(fresh: Path, target: Path | str, marker: str | None,
                   what: str = "folder") -> Path:
    """Rename the finished folder ``fresh`` to ``target``, replacing what is there only
    if ``check_folder`` allows (checked again here: something may have appeared since).
    ``marker`` None: ``target``'s parent is riskgraph's own (the private cache), so what
    is there is replaced whatever it is. The old folder is renamed aside first, then
    removed: a reader never sees half a folder, and no signal splits the swap."""
    target = Path(target)
    if marker is not None:
        if not (fresh / marker).is_file():
            raise InputError(f"internal: the new folder lacks its marker {marker}", file=fresh)
        check_folder(target, marker, what)
    aside = None
    try:
        with signals_held():
            aside = _move_aside(target)
            try:
                os.rename(fresh, target)
            except BaseException:
                if aside is not None:  # put the old one back
                    os.rename(aside / target.name, target)
                    aside.rmdir()
                    aside = None
                raise
    except OSError as exc:
        raise _os_error(target, exc) from None
    finally:
        _remove_aside(aside)
    return target


def remove_folder(target: Path | str) -> None:
    """Remove ``target`` (a folder or a link: the link itself) from a folder that is
    riskgraph's own: renamed aside first, so that its place is free at once and no
    reader finds it half removed. Raises OSError."""
    _remove_aside(_move_aside(Path(target)))


def _move_aside(target: Path) -> Path | None:
    if not os.path.lexists(target):
        return None
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    try:
        os.rename(target, aside / target.name)
    except BaseException:
        aside.rmdir()
        raise
    return aside


def _remove_aside(aside: Path | None) -> None:
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def new_folder(target: Path | str, marker: str, mode: int | None = None,
               what: str = "folder") -> Iterator[Path]:
    """Write a folder whole: yields an empty folder beside ``target``; when the block
    ends without error (the caller must have written ``marker`` in it) it replaces
    ``target`` (``install_folder``). On any failure nothing is left behind and
    ``target`` is as it was."""
    check_folder(target, marker, what)  # before the caller's long work
    fresh = fresh_folder(target, mode)
    try:
        yield fresh
        install_folder(fresh, target, marker, what)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)  # gone already if it was renamed in
