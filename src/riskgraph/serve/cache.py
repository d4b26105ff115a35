"""A small thread-safe LRU cache of finished responses (used only while the graph cannot change).

Each response remembers the bytes it was counted with, so that evicting or replacing
it takes back exactly what adding it counted. The parsed objects the app keeps too (the
catalogue, a query's parameter choices: a few, one per query at most) are held apart,
are never evicted and count no bytes, so they cannot disturb the byte count.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class ResponseCache:
    def __init__(self, max_entries: int = 2048, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        # key -> ((status, body or object, media type), bytes counted for it)
        self._items: OrderedDict[object, tuple[tuple[int, Any, str], int]] = OrderedDict()
        self._objects: dict[object, Any] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """The bytes counted for the bodies held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        with self._lock:
            if key in self._objects:
                return 200, self._objects[key], ""
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, status: int, body: bytes, media_type: str) -> None:
        """Keep a finished response; a body over an eighth of the cap is not kept."""
        if not isinstance(body, bytes | bytearray):
            raise TypeError(f"a response body must be bytes, not {type(body).__name__}")
        size = len(body)
        if self.max_entries <= 0 or size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = ((status, body, media_type), size)
            self._bytes += size
            while self._items and (len(self._items) > self.max_entries
                                   or self._bytes > self.max_bytes):
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def put_object(self, key, value: Any) -> None:
        """Keep a parsed object, read back as ``get(key)[1]``: held apart from the
        responses, never evicted, counting no bytes."""
        with self._lock:
            self._objects[key] = value
