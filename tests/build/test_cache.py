"""The build cache: a fingerprint computed each call, a folder trusted only while it
matches its integrity record, written whole or not at all, and the one rule for
starting a worker that opens its on-disk store."""

from __future__ import annotations

import os
import time

import pytest

from riskgraph import resources
from riskgraph.build import cache


@pytest.fixture
def bundle(tmp_path, monkeypatch):
    files = [tmp_path / "a.ttl", tmp_path / "b.ttl"]
    for path in files:
        path.write_text("<http://a> <http://b> <http://c> .\n")
        os.utime(path, ns=(1_600_000_000 * 10**9, 1_600_000_000 * 10**9))
    monkeypatch.setattr(resources, "bundle_files", lambda: list(files))
    monkeypatch.setenv("RISKGRAPH_CACHE", str(tmp_path / "cache"))
    return files


def test_a_changed_file_changes_the_fingerprint_at_once_even_with_the_same_stat(bundle):
    first = resources.fingerprint()
    assert cache.cache_folder().name.endswith(first)
    old = bundle[1].stat()
    bundle[1].write_text("<http://a> <http://b> <http://d> .\n")  # same size, same mtime
    os.utime(bundle[1], ns=(old.st_atime_ns, old.st_mtime_ns))
    assert resources.fingerprint() != first  # nothing remembered, nothing stale
    assert [p.name for p in cache.cache_root().iterdir()] == []  # no memo to trust


# --- integrity (issue 10, case 10): a damaged cache is rebuilt, with a note ----------

@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A cache of its own, seeded with a copy of the session's built graph."""
    import shutil

    built = cache.ensure_cached_graph()
    root = tmp_path / "cache"
    shutil.copytree(built.parent, root / built.parent.name)
    monkeypatch.setenv("RISKGRAPH_CACHE", str(root))
    path = cache.cached_graph()
    assert path is not None and path.parent.name == built.parent.name
    assert cache.integrity_problem(path.parent) is None
    return path


def _biggest_store_file(path):
    return max(cache.cached_store_dir(path).iterdir(), key=lambda p: p.stat().st_size)


@pytest.mark.parametrize("damage", ["truncate", "empty", "edit", "no-record", "store-truncate",
                                    "store-edit", "store-missing-file", "store-extra-file",
                                    "no-store"])
def test_a_damaged_cache_is_rebuilt_with_a_note(private_cache, damage, capsys, monkeypatch):
    import shutil

    data = private_cache.read_bytes()
    part = _biggest_store_file(private_cache)
    if damage == "truncate":
        private_cache.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        private_cache.write_bytes(b"")
    elif damage == "edit":
        private_cache.write_bytes(data.replace(b"<", b"{", 1))  # same size
    elif damage == "store-truncate":
        part.write_bytes(part.read_bytes()[:100])
    elif damage == "store-edit":
        body = bytearray(part.read_bytes())
        body[len(body) // 2] ^= 0xFF  # same size
        part.write_bytes(bytes(body))
    elif damage == "store-missing-file":
        part.unlink()
    elif damage == "store-extra-file":
        (part.parent / "000099.sst").write_bytes(b"x")
    elif damage == "no-store":
        shutil.rmtree(part.parent)
    else:
        (private_cache.parent / cache.RECORD).unlink()
    rebuilt = []
    monkeypatch.setattr(cache, "_build_ntriples", lambda: rebuilt.append(1) or (data, 6885))
    path = cache.ensure_cached_graph()
    assert rebuilt == [1]
    assert path.read_bytes() == data and cache.integrity_problem(path.parent) is None
    assert "damaged" in capsys.readouterr().err
    assert [p.name for p in path.parent.parent.iterdir() if p.name.endswith((".tmp", ".old"))] \
        == []  # neither the damaged directory nor the new one's temporary is left


def test_a_verified_cache_is_not_hashed_again_but_a_same_size_edit_is_still_found(
        private_cache, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    unit = private_cache.parent
    assert cache.integrity_problem(unit) is None  # hashed, and remembered
    hashed = []
    real = cache._sha256
    monkeypatch.setattr(cache, "_sha256", lambda data: hashed.append(1) or real(data))
    assert cache.integrity_problem(unit) is None
    assert hashed == []  # the stat of every file is unchanged: not read again
    part = _biggest_store_file(private_cache)
    old = part.stat()
    body = bytearray(part.read_bytes())
    body[len(body) // 2] ^= 0xFF
    time.sleep(0.05)  # past the clock tick of the ctime just remembered
    part.write_bytes(bytes(body))
    os.utime(part, ns=(old.st_atime_ns, old.st_mtime_ns))  # same size and mtime; ctime moves
    assert "sha256" in (cache.integrity_problem(unit) or "")


_WORKER = """
import sys
from pathlib import Path
import pyoxigraph
from riskgraph.store.local import EmbeddedStore
source, on_disk, missing = map(Path, sys.argv[1:])
ask = "SELECT ?o WHERE { ?s ?p ?o }"
def answer(store):
    with store:
        store.start()
        with open(f"/proc/{store._worker.pid}/cmdline", "rb") as child, \
                open("/proc/self/cmdline", "rb") as parent:  # a forked child's is the same
            how = "fork" if child.read() == parent.read() else "spawn"
        return how, store.select(ask, timeout=30).rows[0]["o"].value
print(*answer(EmbeddedStore.lazy(source, copy_on_disk=on_disk)))
print(*answer(EmbeddedStore.lazy(source, copy_on_disk=missing)))
print(EmbeddedStore.lazy(source, copy_on_disk=on_disk).select(ask).rows[0]["o"].value)
opened = pyoxigraph.Store.read_only(str(on_disk))  # the user's own code: RocksDB
assert len(opened) == 1  # and its threads run here
print(*answer(EmbeddedStore.lazy(source, copy_on_disk=on_disk)))
"""


def test_the_early_worker_opens_the_on_disk_copy_forked_only_while_it_is_safe(tmp_path):
    """Proved by giving it an N-Triples file that says something else. In a fresh
    process, which runs one thread until a RocksDB store is opened in it."""
    import subprocess
    import sys

    from riskgraph.store import rocks

    if not os.path.isdir("/proc/self/task"):
        pytest.skip("needs /proc to count threads and see how the worker started")
    on_disk = tmp_path / "store"
    rocks.write(on_disk, b"<http://a> <http://b> <http://disk> .\n",
                "https://w3id.org/riskgraph/graph")
    source = tmp_path / "g.nt"
    source.write_bytes(b"<http://a> <http://b> <http://file> .\n")
    done = subprocess.run([sys.executable, "-c", _WORKER, str(source), str(on_disk),
                           str(tmp_path / "none")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # one thread: a forked worker opens the copy; a copy that cannot be opened: it loads
    # the N-Triples; in-process (no worker), the graph is loaded from the N-Triples; once
    # any code has opened a RocksDB store here (its threads run), the worker is spawned
    # and opens the copy (failed before: forked, whatever a user's own code had opened)
    assert done.stdout.splitlines() == ["fork http://disk", "fork http://file",
                                        "http://file", "spawn http://disk"]


def test_a_process_that_runs_rocksdb_spawns_the_worker_that_opens_the_copy(tmp_path):
    from riskgraph.store import rocks
    from riskgraph.store.local import EmbeddedStore

    on_disk = tmp_path / "store"
    rocks.write(on_disk, b"<http://a> <http://b> <http://disk> .\n", "urn:g")
    source = tmp_path / "g.nt"
    source.write_bytes(b"<http://a> <http://b> <http://file> .\n")
    assert rocks.start_method() == "spawn"  # RocksDB's threads run in this process now
    with EmbeddedStore.lazy(source, copy_on_disk=on_disk) as store:
        store.start()
        assert store.select("SELECT ?o WHERE { ?s ?p ?o }", timeout=30).rows[0]["o"].value \
            == "http://disk"  # was the N-Triples, loaded in a forked child: 0.3 s more


def test_a_failed_cache_write_leaves_no_temporary_files(tmp_path, monkeypatch):
    from riskgraph.errors import InputError
    from riskgraph.store import rocks

    def broken(directory, source, graph):
        directory.mkdir()
        (directory / "half").write_bytes(b"x")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rocks, "write", broken)
    target = tmp_path / "cache" / "abc"
    with pytest.raises(InputError):
        cache.write_cached_graph(target, b"<http://a> <http://b> <http://c> .\n", 1)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == []


_RACE = """
import os, sys, time
from riskgraph.build import cache
cache._build_ntriples = lambda: (time.sleep(0.5), (b"<http://a> <http://b> <http://c> .\\n", 1))[1]
while time.time() < float(sys.argv[1]):
    time.sleep(0.005)
path = cache.ensure_cached_graph()
from riskgraph.store.local import EmbeddedStore
with EmbeddedStore.lazy(path, copy_on_disk=cache.cached_store_dir(path)) as store:
    store.start()
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=60).rows
time.sleep(1.5)  # the others finish meanwhile: none may have replaced this directory
print(path.parent.stat().st_ino, rows[0]["n"].value, cache.integrity_problem(path.parent))
"""


def test_concurrent_first_runs_share_one_sound_cache(tmp_path):
    import subprocess
    import sys

    env = dict(os.environ, RISKGRAPH_CACHE=str(tmp_path / "cache"))
    start = time.time() + 3
    runs = [subprocess.Popen([sys.executable, "-c", _RACE, str(start)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in outputs]
    lines = {out.strip() for out, _ in outputs}
    assert len(lines) == 1, lines  # one directory (the first one written), sound, for all
    inode, count, problem = lines.pop().split()
    assert count == "1" and problem == "None"
    left = {p.name for p in (tmp_path / "cache").iterdir() if not p.name.startswith(".")}
    assert len(left) == 1  # the fingerprint's folder, and nothing else
    assert [p.name for p in (tmp_path / "cache").iterdir()
            if p.name.endswith((".tmp", ".old"))] == []


_REPLACED = """
import os
from riskgraph.build import cache
from riskgraph.build.stores import prestart_default_store
from riskgraph.io.atomic import remove_folder
store = prestart_default_store()
count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
before = store.select(count, timeout=60).rows[0]["n"].value
fds = os.listdir(f"/proc/{store._worker.pid}/fd")
opened = [os.readlink(f"/proc/{store._worker.pid}/fd/{fd}") for fd in fds]
print(any(name.endswith(".sst") for name in opened))  # the worker reads the store on disk
path = cache.cached_graph()
inode = path.parent.stat().st_ino
data = path.read_bytes()
remove_folder(path.parent)  # as when it is found damaged, then built again, while open
cache.write_cached_graph(path.parent, data, int(before))
print(path.parent.stat().st_ino != inode, cache.integrity_problem(path.parent))
print(store.select(count, timeout=60).rows[0]["n"].value == before)
store.close()
"""


def test_a_worker_keeps_answering_when_its_cache_directory_is_replaced(private_cache):
    """A worker that opened the store read-only is not disturbed by a rebuild: the
    directory it opened is renamed aside, never written, and its files stay open.
    In a fresh process, whose worker may open the store on disk."""
    import subprocess
    import sys

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to see the worker's open files")
    done = subprocess.run([sys.executable, "-c", _REPLACED], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "None", "True"]


def test_a_damaged_cache_is_removed_before_an_early_loader_sees_it(private_cache, monkeypatch):
    private_cache.write_bytes(b"")
    assert cache.cached_graph() is None  # what prestart asks
    assert not private_cache.parent.exists()


def test_an_unwritable_cache_falls_back_to_a_temporary_copy(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("RISKGRAPH_CACHE", str(blocker / "cache"))
    monkeypatch.setattr(cache, "_TEMPORARY", {})
    monkeypatch.setattr(cache, "_build_ntriples",
                        lambda: (b"<http://a> <http://b> <http://c> .\n", 1))
    path = cache.ensure_cached_graph()
    assert path.is_file() and blocker.is_file()
    assert "cannot write the cache" in capsys.readouterr().err
    assert cache.ensure_cached_graph() == path  # built once per process


def test_a_cold_query_with_an_unwritable_cache_works(tmp_path):
    import subprocess
    import sys

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = dict(os.environ, RISKGRAPH_CACHE=str(blocker / "cache"), TMPDIR=str(private_tmp))
    done = subprocess.run([sys.executable, "-m", "riskgraph", "query", "graph_summary"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "triples" in done.stdout and "Traceback" not in done.stderr
    assert list(private_tmp.iterdir()) == []  # the temporary copy is removed at exit


def test_cache_files_get_the_umask(private_cache):
    old = os.umask(0o022)
    try:
        path = cache.write_cached_graph(private_cache.parent.with_name("other"),
                                        b"<http://a> <http://b> <http://c> .\n", 1)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_push_of_the_cached_graph_counts_from_its_record(private_cache):
    assert cache.cached_triple_count(private_cache) > 0


def test_a_graph_just_built_is_kept_so_the_next_query_does_not_build_again(tmp_path, monkeypatch):
    # riskgraph demo builds, then queries: the query must reuse the build's graph.
    from riskgraph.build import cache as cache_module

    monkeypatch.setenv("RISKGRAPH_CACHE", str(tmp_path / "cache"))
    data = (b"<https://w3id.org/riskgraph/id/risk/x> "
            b"<http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n")
    kept = cache_module.remember_built_graph(data, 1)
    assert kept is not None and kept.read_bytes() == data

    def no_build():
        raise AssertionError("built again")

    monkeypatch.setattr(cache_module, "_build_ntriples", no_build)
    assert cache_module.ensure_cached_graph() == kept


def test_a_graph_built_over_a_damaged_cache_is_kept_and_not_noted_again(private_cache,
                                                                       monkeypatch, capsys):
    data = private_cache.read_bytes()
    private_cache.write_bytes(b"")
    assert cache.remember_built_graph(data, 6885) == private_cache
    capsys.readouterr()

    def no_build():
        raise AssertionError("built again")

    monkeypatch.setattr(cache, "_build_ntriples", no_build)
    assert cache.ensure_cached_graph() == private_cache
    assert "damaged" not in capsys.readouterr().err
