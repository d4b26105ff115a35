"""Files only their user may change: the rules of riskgraph's cache (as ssh's for ~/.ssh).

- The cache folder is created 0700. A folder or file in it that someone else owns,
  or that group or others may write, is refused: another user could have planted
  or edited it, and riskgraph would answer from their graph.
- Nothing is read or written through a symbolic link (``O_NOFOLLOW``; writes go to
  a new file beside the target, renamed over it, so a link there is replaced, never
  followed), and nothing blocks on a FIFO (``O_NONBLOCK``, then ``fstat``: only
  regular files are read).

Kept free of heavy imports (``riskgraph query`` reads its cache through it).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from riskgraph.errors import InputError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _uid() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


def problem(info: os.stat_result, *, directory: bool) -> str | None:
    """Why a file or folder with this (l)stat cannot be trusted, or None."""
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if directory and not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if not directory and not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    uid = _uid()
    if uid is not None and info.st_uid != uid:
        return f"is owned by someone else (uid {info.st_uid})"
    if info.st_mode & 0o022:
        return f"is writable by group or others (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def path_problem(path: Path, *, directory: bool = False) -> str | None:
    """``problem`` for ``path`` itself (a link is not followed); None if it is fine."""
    try:
        return problem(os.lstat(path), directory=directory)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"


def private_root(path: Path) -> Path:
    """The cache folder ``path``, created 0700 if missing; ``InputError`` if it is
    someone else's or others may write it. The folder itself may be reached
    through a link (a user may move ~/.cache); what it is must be the user's own."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return path  # cannot be created: writing fails later, and the caller falls back
    try:
        why = problem(os.stat(path), directory=True)
    except OSError:
        return path  # not there and cannot be made: as above
    if why is not None:
        raise InputError(f"the cache folder {why}; riskgraph will not use it", file=path,
                         hint=f"`chmod 700 {path}` if it is yours, or set RISKGRAPH_CACHE to "
                              "a folder only you can write")
    return path


def read_private(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, a regular file of the user's own that only they may
    write; ``InputError`` otherwise (a link, FIFO, device, someone else's file...)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", file=path) from None
    with os.fdopen(fd, "rb") as handle:
        why = problem(os.fstat(fd), directory=False)
        if why is not None:
            raise InputError(f"{why}; riskgraph will not trust it", file=path)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"holds more than {max_bytes:,} bytes", file=path)
    return data


def write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` as ``path``: a new file beside it, renamed over it (whatever is at
    ``path``, a link included, is replaced, never written through). Raises OSError."""
    import tempfile  # only when writing: the query path reads the cache and starts fast

    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the lock file ``path`` (created 0600). A link, FIFO or
    anything not the user's own is refused with OSError, never followed or waited on.
    Without ``fcntl`` (Windows) nothing is locked: the renames it guards are atomic."""
    if fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC, 0o600)
    try:
        if (why := problem(os.fstat(fd), directory=False)) is not None:
            raise OSError(f"the lock file {path} {why}")
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
