"""A small thread-safe LRU cache of finished responses (used only while the graph cannot change).

The responses live in a ``cachetools.LRUCache`` that counts each by its body's bytes
(``getsizeof``), so evicting or replacing one takes back what adding it counted; a
cap on the number of entries is kept on top. The parsed objects the app keeps too
(the catalogue, a query's parameter choices: a few, one per query at most) are held
apart, are never evicted and count no bytes, so they cannot disturb the byte count.
"""

from __future__ import annotations

import threading
from typing import Any

import cachetools


class ResponseCache:
    def __init__(self, max_entries: int = 2048, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        # key -> (status, body, media type), counted by len(body)
        self._items: cachetools.LRUCache = cachetools.LRUCache(
            max_bytes, getsizeof=lambda item: len(item[1]))
        self._objects: dict[object, Any] = {}
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """The bytes counted for the bodies held now."""
        return int(self._items.currsize)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        with self._lock:
            if key in self._objects:
                return 200, self._objects[key], ""
            return self._items.get(key)

    def put(self, key, status: int, body: bytes, media_type: str) -> None:
        """Keep a finished response; a body over an eighth of the cap is not kept."""
        if not isinstance(body, bytes | bytearray):
            raise TypeError(f"a response body must be bytes, not {type(body).__name__}")
        if self.max_entries <= 0 or len(body) > self.max_bytes // 8:
            return
        with self._lock:
            self._items[key] = (status, body, media_type)
            while len(self._items) > self.max_entries:
                self._items.popitem()

    def put_object(self, key, value: Any) -> None:
        """Keep a parsed object, read back as ``get(key)[1]``: held apart from the
        responses, never evicted, counting no bytes."""
        with self._lock:
            self._objects[key] = value
