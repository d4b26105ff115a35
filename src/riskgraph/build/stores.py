"""The one place a store is chosen: ``--endpoint URL``, ``--store DIR`` or the bundled
graph (built once into the cache, ``riskgraph.build.cache``)."""

from __future__ import annotations

from pathlib import Path

from riskgraph.build.cache import cached_graph, cached_store_dir, ensure_cached_graph
from riskgraph.errors import InputError
from riskgraph.store.local import EmbeddedStore

_DEFAULT: dict[Path, EmbeddedStore] = {}


def default_store() -> EmbeddedStore:
    """The bundled graph (built once into the cache) in an in-memory store."""
    return _default(ensure_cached_graph())


def _default(path: Path) -> EmbeddedStore:
    if path not in _DEFAULT:
        for old in _DEFAULT.values():
            old.close()
        _DEFAULT.clear()
        # the cached graph was checked against its integrity record, its store with it
        _DEFAULT[path] = EmbeddedStore.lazy(path, copy_on_disk=cached_store_dir(path),
                                            trusted=True)
    return _DEFAULT[path]


def prestart_default_store() -> EmbeddedStore | None:
    """The default store with its worker started now, if the cache holds the graph, so
    that the worker opens the graph (its on-disk copy, read-only) while this process
    imports the rest (``riskgraph query``); None otherwise. Never builds: a missing or
    damaged cache is built by ``default_store`` later. The caller closes the store (or
    the worker is stopped at exit)."""
    try:
        path = cached_graph()
        if path is not None:
            store = _default(path)
            store.start()
            return store
    except OSError:
        pass
    return None


def open_store(store_dir: Path | str | None = None, endpoint: str | None = None,
               **remote_options):
    """The store a command queries: ``endpoint`` URL, ``store_dir`` or the bundled graph.

    Every store has ``select(text, bindings, timeout) -> QueryResult``.
    """
    if endpoint is not None and store_dir is not None:
        raise InputError("give either a store directory or an endpoint, not both",
                         argument="store+endpoint")
    if endpoint is not None:
        from riskgraph.store.remote import RemoteStore  # urllib, ssl: only for a server

        return RemoteStore(endpoint, **remote_options)
    if store_dir is not None:
        return EmbeddedStore.open(store_dir)
    return default_store()
