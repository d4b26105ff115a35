"""Opening and writing pyoxigraph's on-disk (RocksDB) stores, in one place, and the one
rule for starting a child that opens one.

RocksDB runs native threads in a process that has opened a store, and keeps them to
the end. A fork copies only the thread that calls it, so a lock another thread held
stays locked in the child. A child that opens a RocksDB store is therefore forked only
from a process that runs a single thread (asked of the system, so a store opened by any
code counts), and spawned otherwise: a spawned child starts a fresh interpreter,
about 0.15 s more, which the cold ``riskgraph query`` (one thread) does not pay.
"""

from __future__ import annotations

import os
from pathlib import Path


def start_method() -> str:
    """How to start a child that opens a RocksDB store: "fork" while this process runs a
    single thread, else "spawn" (also where the thread count cannot be read)."""
    try:
        alone = len(os.listdir("/proc/self/task")) == 1
    except OSError:  # not Linux
        alone = False
    return "fork" if alone and hasattr(os, "fork") else "spawn"


def open_read_only(directory: Path | str):
    """The pyoxigraph store at ``directory``, read-only; ``OSError`` if it cannot be opened."""
    import pyoxigraph

    return pyoxigraph.Store.read_only(str(directory))


def write(directory: Path | str, source: Path | bytes, graph: str) -> int:
    """Write the N-Triples ``source`` (file or bytes) into a new store at ``directory``,
    in the named graph ``graph``, compacted and closed; the number of triples."""
    import pyoxigraph as ox

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
