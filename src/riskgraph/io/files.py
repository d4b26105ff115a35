"""Read files safely: regular files only, and a cap on the bytes actually read.

Kept free of heavy imports (``riskgraph query`` reads its cache through it).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from riskgraph.errors import InputError

MAX_BYTES = 50 * 1024 * 1024


def read_bytes(path: Path | str, max_bytes: int = MAX_BYTES, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    A FIFO, device, socket or directory is refused before it is read (it could
    block forever or never end); the cap counts the bytes actually read, not
    ``st_size``. Every failure is an ``InputError``.
    """
    path = Path(path)
    info = _regular(path, what)
    if info.st_size > max_bytes:  # refused unread; the read below is capped all the same
        raise InputError(f"the file is {info.st_size:,} bytes, more than the {max_bytes:,} "
                         "accepted", file=path, hint="split the contribution into smaller files")
    try:
        # O_NONBLOCK: should the path have been swapped for a FIFO since the stat,
        # opening does not wait for a writer; fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _os_error(path, exc) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"is not a regular file; riskgraph reads only regular {what}s",
                             file=path)
        chunks, total = [], 0  # read in chunks: read(n) may allocate n bytes at once
        while total <= max_bytes:
            chunk = handle.read(min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        raw = b"".join(chunks)
    if len(raw) > max_bytes:
        raise InputError(f"the file grew to more than the {max_bytes:,} bytes accepted",
                         file=path, hint="split the contribution into smaller files")
    return raw


def check_regular(path: Path | str, what: str = "file") -> Path:
    """``path`` if it is a regular file; else ``InputError`` saying what it is (missing,
    a directory, a device such as /dev/zero, a FIFO...). Nothing is opened."""
    path = Path(path)
    _regular(path, what)
    return path


def _regular(path: Path, what: str) -> os.stat_result:
    """``path``'s stat if it is a regular file; else ``InputError`` saying what it is."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _os_error(path, exc) from None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a directory" if stat.S_ISDIR(info.st_mode) else "a device"
                if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "a FIFO"
                if stat.S_ISFIFO(info.st_mode) else "a special file")
        raise InputError(f"is {kind}, not a regular file; riskgraph reads only regular "
                         f"{what}s", file=path)
    return info


def _os_error(path: Path, exc: OSError) -> InputError:
    if exc.errno == errno.ENOENT:
        return InputError("no such file", file=path)
    if exc.errno == errno.ELOOP:
        return InputError("is a symbolic link loop", file=path)
    return InputError(f"cannot read the file: {exc.strerror or exc}", file=path)
