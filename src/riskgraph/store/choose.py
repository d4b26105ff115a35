"""The one place a store is chosen: ``--endpoint URL``, ``--store DIR`` or the bundled graph."""

from __future__ import annotations

from pathlib import Path

from riskgraph.errors import InputError
from riskgraph.store.local import EmbeddedStore

_DEFAULT: dict[Path, EmbeddedStore] = {}


def default_store() -> EmbeddedStore:
    """The bundled graph (built once into the cache) in an in-memory store."""
    from riskgraph.build.cache import ensure_cached_graph

    return _default(ensure_cached_graph())


def _default(path: Path) -> EmbeddedStore:
    from riskgraph.build.cache import cached_store_dir

    if path not in _DEFAULT:
        for old in _DEFAULT.values():
            old.close()
        _DEFAULT.clear()
        # the cached graph was checked against its integrity record, its store with it
        _DEFAULT[path] = EmbeddedStore.lazy(path, copy_on_disk=cached_store_dir(path),
                                            trusted=True)
    return _DEFAULT[path]


def prestart_default_store() -> EmbeddedStore | None:
    """Start the default store's worker now, if the cache holds the graph, so that the
    worker opens the graph (its on-disk copy, read-only) while this process imports the
    rest (``riskgraph query``).
    Never builds, never raises: ``default_store`` reports any problem later, in its
    usual order. The caller closes the store (or the worker is stopped at exit)."""
    from riskgraph.build.cache import sound_cached_graph

    try:
        path = sound_cached_graph()
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
        from riskgraph.store.remote import RemoteStore

        return RemoteStore(endpoint, **remote_options)
    if store_dir is not None:
        return EmbeddedStore.open(store_dir)
    return default_store()
