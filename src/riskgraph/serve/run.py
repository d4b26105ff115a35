"""Run the server: load the backend, then uvicorn until SIGINT/SIGTERM; stop the workers after.

One uvicorn process: queries already run in parallel in the worker pool, and a
single process keeps asyncio's TCP_NODELAY on every connection (uvicorn with
``--workers N`` passes a listening socket that leaves it off: uvicorn issue #3149).
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph.errors import InputError
from riskgraph.serve.pool import Limits

log = logging.getLogger("riskgraph.serve")


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    store_dir: Path | None = None
    endpoint: str | None = None
    data: list[Path] = field(default_factory=list)
    graph: Path | None = None  # an N-Triples file served instead of the bundled graph
    workers: int = 2
    limits: Limits = field(default_factory=Limits)
    max_request_bytes: int = 64 * 1024
    cache: bool = True
    log_level: str = "info"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_backend(config: ServeConfig, work_dir: Path):
    from riskgraph.serve.backend import LocalBackend, RemoteBackend, graph_files

    if config.endpoint and (config.store_dir or config.data or config.graph):
        raise InputError("give --endpoint alone: the data is on the SPARQL server")
    if config.store_dir and (config.data or config.graph):
        raise InputError("give either --store or --graph/--data, not both")
    if config.endpoint:
        return RemoteBackend(config.endpoint, config.limits), None
    if config.store_dir:
        from riskgraph.store.embedded import EmbeddedStore

        EmbeddedStore.open(config.store_dir)  # a clear error if it is not a store
        return LocalBackend(store_dir=Path(config.store_dir), workers=config.workers,
                            limits=config.limits), None
    files = graph_files(config.data, work_dir, config.graph)
    backend = LocalBackend(files, workers=config.workers, limits=config.limits)
    names = [p.name for p in [config.graph, *config.data] if p is not None]
    if names:
        backend.description = ("the bundled graph with " if config.graph is None else "") + \
            ", ".join(names)
    return backend, files


def graph_page_maker(backend, files: list[Path] | None):
    """The graph page of what is served: its N-Triples files, or (an on-disk store) the
    triples the backend answers."""
    from riskgraph.serve.graphpage import graph_page_of

    def make():
        if files is not None:
            return graph_page_of(files)
        from riskgraph.serve.serialize import serialize_triples, triples_from_rows

        result = backend.select("SELECT ?subject ?predicate ?object "
                                "WHERE { ?subject ?predicate ?object }")
        return graph_page_of(nt_bytes=serialize_triples(triples_from_rows(result), "nt"))
    return make


def serve(config: ServeConfig, ready=None) -> None:
    """Serve until stopped. ``ready(url)`` is called once the socket listens."""
    import uvicorn

    from riskgraph.serve.app import ServeOptions, create_app

    with tempfile.TemporaryDirectory(prefix="riskgraph-serve-") as tmp:
        backend, files = make_backend(config, Path(tmp))
        backend.start()
        try:
            options = ServeOptions(max_request_bytes=config.max_request_bytes,
                                   cache_entries=4096 if config.cache else 0)
            app = create_app(backend, options, graph_page_maker(backend, files))
            uv_config = uvicorn.Config(app, host=config.host, port=config.port,
                                       log_level=config.log_level, access_log=False,
                                       server_header=False, lifespan="off",
                                       timeout_graceful_shutdown=5)
            server = uvicorn.Server(uv_config)
            if ready is not None:
                original = server.startup

                async def startup(sockets=None):
                    await original(sockets)
                    if server.started:
                        port = config.port
                        for listening in getattr(server, "servers", []):
                            for sock in listening.sockets:
                                port = sock.getsockname()[1]  # the real one for --port 0
                        ready(f"http://{config.host}:{port}/")
                server.startup = startup  # type: ignore[method-assign]  # wrapped to report readiness
            # uvicorn handles SIGTERM itself, then raises it again with the handler it
            # found: a no-op one here, so that the workers are stopped and the exit is 0.
            signal.signal(signal.SIGTERM, lambda *_: None)
            server.run()
        finally:
            backend.close()
