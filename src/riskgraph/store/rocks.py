"""Opening and writing pyoxigraph's on-disk (RocksDB) stores, in one place.

RocksDB starts native threads in the process that opens a store, which a ``fork``
does not carry: a forked child may open a RocksDB store only if its parent never
did. This module remembers whether this process did (``used()``), so that the query
worker knows whether it may fork and open the cache's store itself.
"""

from __future__ import annotations

from pathlib import Path

_USED: list[bool] = []  # non-empty once this process has opened a RocksDB store


def used() -> bool:
    """Whether this process has opened a RocksDB store (a forked child must not)."""
    return bool(_USED)


def _opening() -> None:
    if not _USED:
        _USED.append(True)


def open_read_only(directory: Path | str):
    """The pyoxigraph store at ``directory``, read-only; ``OSError`` if it cannot be opened."""
    import pyoxigraph

    _opening()
    return pyoxigraph.Store.read_only(str(directory))


def write(directory: Path | str, source: Path | bytes, graph: str) -> int:
    """Write the N-Triples ``source`` (file or bytes) into a new store at ``directory``,
    in the named graph ``graph``, compacted and closed; the number of triples."""
    import pyoxigraph as ox

    _opening()
    store = ox.Store(str(directory))
    target = ox.NamedNode(graph)
    if isinstance(source, bytes):
        store.bulk_load(source, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    else:
        store.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    store.optimize()
    triples = len(store)
    store.flush()
    del store  # closes it: the directory is complete once this returns
    return triples
