"""A small thread-safe LRU cache of finished responses (used only while the graph cannot change)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class ResponseCache:
    def __init__(self, max_entries: int = 2048, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        # (status, body, media type); put() stores bytes bodies, and the app also keeps
        # a few parsed objects here directly (the catalogue, a query's parameter choices)
        self._items: OrderedDict[object, tuple[int, Any, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key, status: int, body: bytes, media_type: str) -> None:
        if self.max_entries <= 0 or len(body) > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._items[key] = (status, body, media_type)
            self._bytes += len(body)
            while self._items and (len(self._items) > self.max_entries
                                   or self._bytes > self.max_bytes):
                _, (_, dropped, _) = self._items.popitem(last=False)
                self._bytes -= len(dropped)
