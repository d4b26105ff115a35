"""The cache's fingerprint: remembered against the files' stat, yet never stale."""

from __future__ import annotations

import os
import time

import pytest

from riskgraph.build import cache


@pytest.fixture
def bundle(tmp_path, monkeypatch):
    files = [tmp_path / "a.ttl", tmp_path / "b.ttl"]
    for path in files:
        path.write_text("<http://a> <http://b> <http://c> .\n")
        os.utime(path, ns=(1_600_000_000 * 10**9, 1_600_000_000 * 10**9))
    monkeypatch.setattr(cache, "bundle_files", lambda: list(files))
    monkeypatch.setenv("RISKGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "RACY_NS", 0)  # ctime is now: trust it at once in this test
    return files


def test_fingerprint_is_the_content_hash_and_is_remembered(bundle, monkeypatch):
    first = cache.fingerprint()
    assert first == cache.content_fingerprint(bundle)
    assert (cache.cache_root() / cache.STAT_MEMO).is_file()

    def unread(files):
        raise AssertionError("the files were read again although their stat is unchanged")

    monkeypatch.setattr(cache, "content_fingerprint", unread)
    assert cache.fingerprint() == first


def test_a_changed_file_changes_the_fingerprint_even_with_the_same_size_and_mtime(bundle):
    first = cache.fingerprint()
    old = bundle[1].stat()
    time.sleep(0.05)  # past the clock tick of the ctime just remembered
    bundle[1].write_text("<http://a> <http://b> <http://d> .\n")  # same size
    os.utime(bundle[1], ns=(old.st_atime_ns, old.st_mtime_ns))
    assert bundle[1].stat().st_size == old.st_size
    changed = cache.fingerprint()
    assert changed != first
    assert changed == cache.content_fingerprint(bundle)


def test_a_recently_changed_file_is_not_trusted_by_its_stat(bundle, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 3600 * 10**9)
    cache.fingerprint()
    assert not (cache.cache_root() / cache.STAT_MEMO).exists()


# --- integrity (issue 10, case 10): a damaged cache is rebuilt, with a note ----------

@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A cache of its own, seeded with a copy of the session's built graph."""
    import shutil

    built = cache.ensure_cached_graph()
    root = tmp_path / "cache"
    shutil.copytree(built.parent, root / built.parent.name)
    monkeypatch.setenv("RISKGRAPH_CACHE", str(root))
    monkeypatch.setattr(cache, "_DAMAGED", {})
    path = cache.cached_graph_path()
    assert path.is_file() and cache.integrity_problem(path) is None
    return path


@pytest.mark.parametrize("damage", ["truncate", "empty", "edit", "no-record"])
def test_a_damaged_cache_is_rebuilt_with_a_note(private_cache, damage, capsys, monkeypatch):
    data = private_cache.read_bytes()
    if damage == "truncate":
        private_cache.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        private_cache.write_bytes(b"")
    elif damage == "edit":
        private_cache.write_bytes(data.replace(b"<", b"{", 1))  # same size
    else:
        (private_cache.parent / cache.INTEGRITY_NAME).unlink()
    rebuilt = []
    monkeypatch.setattr(cache, "_build_ntriples", lambda: rebuilt.append(1) or (data, 6885))
    monkeypatch.setattr(cache, "_DAMAGED", {})
    path = cache.ensure_cached_graph()
    assert rebuilt == [1]
    assert path.read_bytes() == data and cache.integrity_problem(path) is None
    assert "damaged" in capsys.readouterr().err


def test_a_damaged_cache_is_removed_before_an_early_loader_sees_it(private_cache, monkeypatch):
    private_cache.write_bytes(b"")
    monkeypatch.setattr(cache, "_DAMAGED", {})
    assert not cache.cached_graph_path().exists()  # what prestart checks


def test_an_unwritable_cache_falls_back_to_a_temporary_copy(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("RISKGRAPH_CACHE", str(blocker / "cache"))
    monkeypatch.setattr(cache, "_DAMAGED", {})
    monkeypatch.setattr(cache, "_FALLEN_BACK", {})
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
        cache.write_cached_graph(private_cache, b"<http://a> <http://b> <http://c> .\n", 1)
    finally:
        os.umask(old)
    assert private_cache.stat().st_mode & 0o777 == 0o644


def test_push_of_the_cached_graph_counts_from_its_record(private_cache):
    assert cache.cached_triple_count(private_cache) > 0


def test_a_graph_just_built_is_kept_so_the_next_query_does_not_build_again(tmp_path, monkeypatch):
    # riskgraph demo builds, then queries: the query must reuse the build's graph.
    from riskgraph.build import cache as cache_module

    monkeypatch.setenv("RISKGRAPH_CACHE", str(tmp_path / "cache"))
    cache_module._DAMAGED.clear()
    data = (b"<https://w3id.org/riskgraph/id/risk/x> "
            b"<http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n")
    kept = cache_module.remember_built_graph(data, 1)
    assert kept is not None and kept.read_bytes() == data

    def no_build():
        raise AssertionError("built again")

    monkeypatch.setattr(cache_module, "_build_ntriples", no_build)
    assert cache_module.ensure_cached_graph() == kept
