"""The embedded store's stable entry points, gathered from the modules that hold them:
``EmbeddedStore`` (``riskgraph.store.local``), ``open_store`` / ``default_store``
(``riskgraph.store.choose``) and ``write_store`` (``riskgraph.store.ondisk``)."""

from __future__ import annotations

from riskgraph.errors import QueryTimeout
from riskgraph.store.choose import default_store, open_store, prestart_default_store
from riskgraph.store.local import DEFAULT_TIMEOUT, EmbeddedStore, decode, execute
from riskgraph.store.ondisk import MARKER, StoreInfo, read_marker, write_store

__all__ = ["DEFAULT_TIMEOUT", "MARKER", "EmbeddedStore", "QueryTimeout", "StoreInfo",
           "decode", "default_store", "execute", "open_store", "prestart_default_store",
           "read_marker", "write_store"]
