"""The one time-limit mechanism (riskgraph.store.timelimit): opt-in for library callers,
one child per limited query (or one started worker), always killed and reaped, no
file descriptor left open, and no child that outlives its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from riskgraph.errors import InputError, QueryTimeout
from riskgraph.store.local import EmbeddedStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TRIPLES = 300


def children(pid: int | None = None, tracker: bool = False) -> set[int]:
    """The child processes of ``pid`` (default: this process), zombies included; without
    multiprocessing's resource tracker unless ``tracker``: ``spawn`` starts that helper
    once per process, and it ends with the process (end-of-file on its pipe)."""
    from multiprocessing import resource_tracker

    skip = None if tracker else resource_tracker._resource_tracker._pid
    me, found = pid or os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and int(stat.parent.name) != skip:
            found.add(int(stat.parent.name))
    return found


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def exists(pid: int) -> bool:
    """True while ``pid`` is a live (not zombie) process."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def nt(n: int = TRIPLES) -> bytes:
    return b"".join(b"<http://a/%d> <http://b> <http://c/%d> .\n" % (i, i) for i in range(n))


@pytest.fixture(scope="module")
def memory_store():
    return EmbeddedStore.from_ntriples(nt())


def count(result) -> int:
    return int(result.rows[0]["n"].value)


def test_no_time_limit_runs_without_a_child(memory_store):
    before = children()
    assert count(memory_store.select(COUNT, timeout=None)) == TRIPLES
    assert children() == before


def test_loop_of_200_limited_queries_leaves_no_child_and_no_descriptor(memory_store):
    memory_store.select(COUNT, timeout=5)  # warm: imports and first-time allocations
    before_children, before_fds = children(), open_fds()
    for _ in range(200):
        assert count(memory_store.select(COUNT, timeout=5)) == TRIPLES
    assert children() == before_children
    assert open_fds() == before_fds


def test_threads_calling_queries_leave_no_child(memory_store):
    before_children, before_fds = children(), open_fds()
    answers: list[int] = []
    errors: list[BaseException] = []

    def work(limit):
        try:
            for _ in range(10):
                answers.append(count(memory_store.select(COUNT, timeout=limit)))
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(None if i % 2 else 5,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and answers == [TRIPLES] * 60
    assert children() == before_children
    assert open_fds() == before_fds


def test_timeout_kills_and_reaps_the_child(memory_store):
    before = children()
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as info:
        memory_store.select(SLOW, timeout=0.3)
    assert time.monotonic() - started < 5
    assert "0.3 s" in str(info.value)
    assert children() == before
    assert count(memory_store.select(COUNT, timeout=5)) == TRIPLES  # the store still answers


def test_started_worker_serves_until_closed_and_is_replaced_after_a_timeout(tmp_path):
    source = tmp_path / "g.nt"
    source.write_bytes(nt())
    store = EmbeddedStore.lazy(source)
    store.start()  # the worker loads the file; this process does not
    worker = store._worker
    assert worker is not None and worker.alive
    assert count(store.select(COUNT, timeout=5)) == TRIPLES
    assert count(store.select(COUNT, timeout=None)) == TRIPLES
    assert store._worker is worker and store._handle is None
    with pytest.raises(QueryTimeout):
        store.select(SLOW, timeout=0.3)
    assert not worker.alive and not exists(worker.pid)
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(worker.pid, os.WNOHANG)
    assert count(store.select(COUNT, timeout=5)) == TRIPLES  # a child for this query alone
    store.start()
    pid = store._worker.pid
    store.close()
    assert not exists(pid) and pid not in children()


def test_on_disk_store_time_limit_in_a_spawned_child(tmp_path):
    from riskgraph.store.ondisk import write_store

    write_store(nt(), tmp_path / "store")
    store = EmbeddedStore.open(tmp_path / "store")
    before = children()
    assert count(store.select(COUNT, timeout=30)) == TRIPLES
    with pytest.raises(QueryTimeout):
        store.select(SLOW, timeout=1)
    assert children() == before


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0, 0.0, 1e300, "soon"])
def test_bad_timeouts_are_refused(memory_store, bad):
    with pytest.raises(InputError) as info:
        memory_store.select(COUNT, timeout=bad)
    assert "timeout must be" in str(info.value)


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "1e300", "0", "abc"])
def test_cli_bad_timeout_is_a_usage_error(run_cli, bad):
    result = run_cli("query", "graph_summary", "--timeout", bad)
    assert result.exit_code == 2
    assert "--timeout" in result.output and "Traceback" not in result.output


def test_child_dies_with_a_parent_killed_by_sigkill(tmp_path):
    """The parent cannot clean up after SIGKILL: the child notices by itself."""
    source = tmp_path / "g.nt"
    source.write_bytes(nt())
    script = textwrap.dedent(f"""
        import sys
        from riskgraph.store.local import EmbeddedStore
        store = EmbeddedStore.lazy({str(source)!r})
        store.start()
        print(store._worker.pid, flush=True)
        store.select({SLOW!r}, timeout=600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        time.sleep(0.5)  # the child is now running the slow query
        assert exists(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while exists(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not exists(child), "the child outlived its parent"
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()


def test_spawned_child_does_not_run_the_callers_script_again(tmp_path):
    """A library caller's script without an `if __name__ == "__main__"` guard runs once,
    though an on-disk store's time limit starts a ``spawn`` child."""
    from riskgraph.store.ondisk import write_store

    write_store(nt(), tmp_path / "store")
    script = tmp_path / "caller.py"
    script.write_text(textwrap.dedent(f"""
        from riskgraph.store.local import EmbeddedStore
        print("script ran", flush=True)
        store = EmbeddedStore.open({str(tmp_path / "store")!r})
        print(store.select({COUNT!r}, timeout=30).rows[0]["n"].value, flush=True)
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["script ran", str(TRIPLES)]


def test_started_worker_that_died_is_replaced(tmp_path):
    source = tmp_path / "g.nt"
    source.write_bytes(nt())
    store = EmbeddedStore.lazy(source)
    store.start()
    os.kill(store._worker.pid, signal.SIGKILL)
    assert count(store.select(COUNT, timeout=5)) == TRIPLES
    assert store._worker is None


def test_a_query_over_the_memory_cap_is_stopped_with_exit_2(run_cli, monkeypatch):
    """One cross product sorted grew a worker to 2-3 GB; now the child is capped."""
    monkeypatch.setenv("RISKGRAPH_QUERY_MEMORY", "150")
    result = run_cli("query", "--sparql", "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(?c)",
                     "--timeout", "60")
    assert result.exit_code == 2
    assert "more memory than its limit of 150 MiB" in result.output
    assert "Traceback" not in result.output
