"""The cache trusts nobody else (issue 22): a shared or planted cache is never used,
never written through a link, never waited on (a FIFO)."""

from __future__ import annotations

import json
import os
import threading

import pytest

from riskgraph import resources
from riskgraph.build import cache
from riskgraph.errors import InputError
from riskgraph.io import private

NT = b"<http://a> <http://b> <http://c> .\n"


def _finishes(call, seconds: float = 60.0):
    """Run ``call`` in a thread; its result, or a failure if it is still blocked."""
    box: dict = {}

    def run():
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked (a FIFO was waited on)"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.fixture
def root(tmp_path, monkeypatch):
    files = [tmp_path / "a.ttl"]
    files[0].write_bytes(NT)
    os.utime(files[0], ns=(1_600_000_000 * 10**9, 1_600_000_000 * 10**9))
    monkeypatch.setattr(resources, "bundle_files", lambda: list(files))
    monkeypatch.setattr(cache, "RACY_NS", 0)
    monkeypatch.setattr(cache, "_TEMPORARY", {})
    monkeypatch.setattr(cache, "_build_ntriples", lambda: (NT, 1))
    path = tmp_path / "cache"
    monkeypatch.setenv("RISKGRAPH_CACHE", str(path))
    return path


def test_a_new_cache_folder_is_private(root):
    cache.ensure_cached_graph()
    assert root.stat().st_mode & 0o777 == 0o700
    unit = cache.cache_folder()
    assert unit.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_a_cache_folder_others_may_write_is_refused(root, mode, run_cli):
    root.mkdir()
    os.chmod(root, mode)
    with pytest.raises(InputError, match="writable by group or others"):
        cache.ensure_cached_graph()
    result = run_cli("query", "graph_summary")
    assert result.exit_code == 2
    assert "writable by group or others" in result.output and "chmod 700" in result.output


def test_a_cache_folder_of_someone_else_is_refused(root, monkeypatch):
    root.mkdir(mode=0o700)
    monkeypatch.setattr(private, "_uid", lambda: os.geteuid() + 1)
    with pytest.raises(InputError, match="owned by someone else"):
        cache.cached_graph()


def _beside(root, suffix: str):
    """The memo or lock file beside the cache folder of today's fingerprint."""
    return root / f".{cache.cache_folder().name}.{suffix}"


def test_a_link_planted_at_the_memo_is_replaced_never_written_through(root, tmp_path):
    victim = tmp_path / "bashrc"
    victim.write_text("export SAFE=1\n")
    root.mkdir(mode=0o700)
    _beside(root, "verified").symlink_to(victim)
    path = cache.ensure_cached_graph()
    assert cache.integrity_problem(path.parent) is None  # writes the memo
    assert victim.read_text() == "export SAFE=1\n"
    assert not _beside(root, "verified").is_symlink()  # the link itself was replaced


def test_a_memo_planted_as_a_link_is_not_read(root, tmp_path):
    path = cache.ensure_cached_graph()
    unit, memo = path.parent, _beside(root, "verified")
    assert cache.integrity_problem(unit) is None  # hashed, and remembered
    assert memo.is_file()
    path.write_bytes(FORGED[: len(NT)].ljust(len(NT), b" "))  # same size, other content
    memo.unlink()
    assert cache.integrity_problem(unit) is not None
    forged = tmp_path / "forged"  # what the memo would say of the edited folder
    names = [cache.RECORD, *sorted(json.loads((unit / cache.RECORD).read_text())["files"])]
    forged.write_text(json.dumps(cache._stamps(unit, names)))
    memo.symlink_to(forged)
    assert "sha256" in (cache.integrity_problem(unit) or "")


@pytest.mark.parametrize("where", ["verified", "lock"])
def test_a_fifo_in_the_cache_never_blocks(root, where):
    root.mkdir(mode=0o700)
    fifo = _beside(root, where)
    os.mkfifo(fifo)
    path = _finishes(cache.ensure_cached_graph)
    assert path.read_bytes() == NT
    _finishes(cache.cached_graph)
    _finishes(lambda: cache.integrity_problem(path.parent))


def _forge(unit, text: bytes) -> None:
    """Rewrite the graph in ``unit`` and its integrity record to match (what an
    attacker able to write there would do)."""
    import hashlib

    (unit / cache.GRAPH).write_bytes(text)
    record = json.loads((unit / cache.RECORD).read_text())
    record["files"][cache.GRAPH] = [len(text), hashlib.sha256(text).hexdigest()]
    (unit / cache.RECORD).write_text(json.dumps(record))


FORGED = b'<http://a> <http://www.w3.org/2000/01/rdf-schema#label> "FORGED: disable all" .\n'


@pytest.mark.parametrize("how", ["group-writable-folder", "world-writable-file",
                                 "someone-elses-file", "linked-folder"])
def test_a_forged_folder_with_a_matching_record_is_not_trusted(root, tmp_path, how,
                                                                monkeypatch):
    path = cache.ensure_cached_graph()
    unit = path.parent
    if how == "linked-folder":  # a folder elsewhere, linked at the fingerprint
        elsewhere = tmp_path / "planted"
        os.rename(unit, elsewhere)
        _forge(elsewhere, FORGED)
        unit.symlink_to(elsewhere)
    else:
        _forge(unit, FORGED)
    if how == "group-writable-folder":
        os.chmod(unit, 0o770)
    elif how == "world-writable-file":
        os.chmod(path, 0o666)
    elif how == "someone-elses-file":
        real_lstat = os.lstat

        class Foreign:  # what lstat says of a file another user planted
            def __init__(self, info):
                self._info = info

            def __getattr__(self, name):
                return getattr(self._info, name)

            st_uid = os.geteuid() + 1

        monkeypatch.setattr(private.os, "lstat", lambda p: Foreign(real_lstat(p))
                            if str(p) == str(path) else real_lstat(p))
    assert cache.integrity_problem(unit) is not None
    again = cache.ensure_cached_graph()
    assert again.read_bytes() == NT  # rebuilt, the forged graph never used
    if how == "linked-folder":
        assert not again.parent.is_symlink()
        assert (tmp_path / "planted" / cache.GRAPH).read_bytes() == FORGED  # untouched


def test_a_cache_written_under_umask_002_is_trusted(root):
    old = os.umask(0o002)  # common: a user's private group
    try:
        path = cache.ensure_cached_graph()
    finally:
        os.umask(old)
    assert cache.integrity_problem(path.parent) is None
    assert not any(p.stat().st_mode & 0o022 for p in [path.parent, *path.parent.rglob("*")])
