"""A query worker process: it loads the graph once, then answers queries read from stdin.

Started by ``riskgraph.serve.pool`` as a fresh interpreter (``python -m
riskgraph.serve.worker``), never forked from the server, so it inherits no
threads or locks from it and can open an on-disk store itself. Frames are a
4-byte big-endian length and a payload. A request is JSON ``{"q": query,
"f": format, "max": bytes}``; the answer is one kind byte and a body:
``D`` + the serialised result, ``E`` + error JSON (``{"kind", "message"}``).
The worker exits when its parent goes away, even in the middle of a query.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import threading
import time
from typing import IO, cast

RESULT_FORMATS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
GRAPH_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}


class TooLarge(Exception):
    pass


class CappedBuffer:
    """A bytes sink that refuses to grow past ``cap`` bytes (the result-size limit)."""

    def __init__(self, cap: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.cap = cap

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def load(nt_files: list[str], store_dir: str | None):
    import pyoxigraph as ox

    from riskgraph.namespaces import PROJECT_GRAPH

    if store_dir:
        return ox.Store.read_only(store_dir)
    store = ox.Store()
    for path in nt_files:
        store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.NamedNode(PROJECT_GRAPH))
    return store


def answer(store, request: dict) -> bytes:
    import pyoxigraph as ox

    from riskgraph.namespaces import PREFIXES

    sink = CappedBuffer(int(request["max"]))
    fmt = request["f"]
    try:
        result = store.query(request["q"], use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            # CappedBuffer is a duck-typed binary sink: write() is all serialize calls
            ox.serialize(result, cast("IO[bytes]", sink),
                         getattr(ox.RdfFormat, GRAPH_FORMATS[fmt]),
                         prefixes=PREFIXES if fmt == "ttl" else None)
        else:
            result.serialize(sink, getattr(ox.QueryResultsFormat, RESULT_FORMATS[fmt]))
        return b"D" + sink.getvalue()
    except MemoryError:  # Python's side of the cap; pyoxigraph's side ends the process
        return _error("memory", "")
    except TooLarge:
        return _error("too-large", f"the result is larger than the server's limit of "
                      f"{sink.cap:,} bytes")
    except SyntaxError as exc:
        return _error("syntax", str(exc))
    except Exception as exc:  # evaluation errors: pyoxigraph raises several types
        if isinstance(exc.__context__, TooLarge) or "TooLarge" in repr(exc):
            return _error("too-large", f"the result is larger than the server's limit of "
                          f"{sink.cap:,} bytes")
        return _error("error", str(exc))


def _error(kind: str, message: str) -> bytes:
    return b"E" + json.dumps({"kind": kind, "message": message}).encode()


def read_frame(stream) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    return stream.read(size)


def write_frame(stream, data: bytes) -> None:
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def _watch_parent(parent: int) -> None:
    # pyoxigraph releases the GIL while it evaluates, so this runs even mid-query.
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def main(argv: list[str]) -> None:
    from riskgraph.store.timelimit import cap_memory

    parent = int(argv[0])
    memory = int(argv[1])
    store_dir = argv[2] or None
    nt_files = argv[3:]
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        store = load(nt_files, store_dir)
    except Exception as exc:  # reported to the pool, which refuses to start
        write_frame(stdout, _error("load", str(exc)))
        return
    cap_memory(memory)  # the graph is loaded: a query may add this much at most
    write_frame(stdout, b"R")  # ready
    while (frame := read_frame(stdin)) is not None:
        write_frame(stdout, answer(store, json.loads(frame)))


if __name__ == "__main__":
    main(sys.argv[1:])
