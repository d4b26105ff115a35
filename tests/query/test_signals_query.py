"""`riskgraph query` ended by a signal mid-query (embedded store and `--store`): SIGINT,
SIGTERM, SIGHUP, and SIGKILL to the command itself. Afterwards no child process of the
command is alive: the command kills and reaps its worker as it unwinds, and a worker
whose parent was killed outright notices and ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import default_signals
from test_timelimit import children, exists

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
BUSY_TICKS = 50  # CPU clock ticks (0.5 s at 100 Hz) a worker has spent once it is querying
WAIT = 60.0  # seconds; generous for a loaded machine


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory):
    from riskgraph.build.cache import ensure_cached_graph
    from riskgraph.store.ondisk import write_store

    directory = tmp_path_factory.mktemp("signals") / "store"
    write_store(ensure_cached_graph(), directory)
    return directory


@pytest.mark.parametrize("where", ["embedded", "store"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP,
                                    signal.SIGKILL], ids=lambda s: signal.Signals(s).name)
def test_signal_mid_query_leaves_no_child(disk_store, where, signum):
    from riskgraph.build.cache import ensure_cached_graph

    ensure_cached_graph()
    argv = [sys.executable, "-m", "riskgraph", "query", "--sparql", SLOW, "--timeout", "600"]
    if where == "store":
        argv += ["--store", str(disk_store)]
    command = subprocess.Popen(argv, preexec_fn=default_signals,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + WAIT
        busy = None
        while busy is None and time.monotonic() < deadline and command.poll() is None:
            seen |= children(command.pid, tracker=True)
            busy = next((pid for pid in seen if cpu_ticks(pid) >= BUSY_TICKS), None)
            time.sleep(0.05)
        assert busy is not None, "the query never started in a child"
        command.send_signal(signum)
        command.wait(WAIT)
        stderr = command.stderr.read().decode()
        assert "Traceback" not in stderr, stderr
        if signum == signal.SIGINT:
            assert command.returncode == 130
        deadline = time.monotonic() + WAIT
        while any(exists(pid) for pid in seen) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in seen if exists(pid)], "a child outlived the command"
    finally:
        command.kill()
        command.wait()
        command.stderr.close()
