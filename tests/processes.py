"""Finding the processes a test started, by a tag in their environment (which every
child inherits), and waiting for a condition about them."""

from __future__ import annotations

import time
from pathlib import Path


def tagged(tag: str) -> list[str]:
    """The command lines of the live processes whose environment holds ``tag``."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if tag.encode() in (proc / "environ").read_bytes():
                    found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
    return found


def wait_for(condition, seconds: float) -> bool:
    """Whether ``condition()`` became true within ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def default_signals() -> None:
    """In a child, before exec: the default action for the signals a test sends. A shell
    that starts pytest in the background, or `nohup`, leaves SIGINT or SIGHUP ignored, and
    an ignored signal stays ignored across exec, so the command under test would never
    see it."""
    import signal

    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
