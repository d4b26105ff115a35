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
