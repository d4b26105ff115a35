"""The serve response cache: its byte count stays exact and its caps hold, whatever it holds."""

from __future__ import annotations

import random

import pytest

from riskgraph.serve.cache import ResponseCache


def _real_bytes(cache: ResponseCache) -> int:
    return sum(len(item[1]) for item in cache._items.values())


def test_byte_count_stays_exact_over_many_mixed_inserts_and_evictions():
    # Before: the app put parsed objects (a dict, a catalogue) into the same LRU, and
    # evicting or replacing one took len(object) off the byte count (or raised).
    cache = ResponseCache(max_entries=50, max_bytes=40_000)
    rng = random.Random(7)
    for i in range(5000):
        key = ("k", rng.randrange(120))
        if rng.random() < 0.3:
            cache.put_object(("choices", i % 10), {"x": list(range(rng.randrange(50)))})
        else:
            cache.put(key, 200, b"x" * rng.randrange(0, 5000), "text/plain")
        assert cache.size == _real_bytes(cache), f"drift after {i} operations"
        assert cache.size <= cache.max_bytes and len(cache) <= cache.max_entries
    assert all(cache.get(("choices", n)) is not None for n in range(10))


def test_objects_are_kept_apart_and_readable():
    cache = ResponseCache(max_entries=2, max_bytes=100)
    cache.put_object("catalogue-object", {"groups": 3})
    for i in range(10):  # enough responses to evict anything evictable
        cache.put(i, 200, b"12345", "text/plain")
    assert cache.get("catalogue-object") == (200, {"groups": 3}, "")
    assert cache.size == 10 and len(cache) == 2


def test_replacing_a_response_takes_back_its_old_size():
    cache = ResponseCache(max_entries=10, max_bytes=1000)
    cache.put("a", 200, b"x" * 100, "text/plain")
    cache.put("a", 200, b"x" * 30, "text/plain")
    assert cache.size == 30
    assert cache.get("a") == (200, b"x" * 30, "text/plain")


def test_a_body_must_be_bytes():
    with pytest.raises(TypeError):
        ResponseCache().put("k", 200, {"not": "bytes"}, "text/plain")  # type: ignore[arg-type]
