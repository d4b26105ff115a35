"""Run the server: load the backend, then uvicorn until SIGINT/SIGTERM; stop the workers after.

One uvicorn process: queries already run in parallel in the worker pool, and a
single process keeps asyncio's TCP_NODELAY on every connection (uvicorn with
``--workers N`` passes a listening socket that leaves it off: uvicorn issue #3149).

The listening socket is bound here, before uvicorn starts, so that a port in use is
an ``InputError`` (exit 2) with a message, not uvicorn's log line and exit 3.

Connections are guarded (``GuardedH11``, uvicorn's own HTTP/1.1 protocol with two
limits it lacks): a client must finish a request's headers within ``header_timeout``
seconds of connecting (or of its previous answer), and at most ``max_connections``
are open at once; past the cap the oldest connection still waiting for its headers
is closed to make room (so slow clients cannot starve normal ones), or the new one
if none is waiting. Log records are rate-limited (``BoundedLog``).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import resource
import signal
import socket
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from riskgraph.errors import InputError
from riskgraph.io.serialize import write_triples
from riskgraph.serve.app import ServeOptions, create_app
from riskgraph.serve.backend import LocalBackend, RemoteBackend, graph_files
from riskgraph.serve.graphpage import graph_page_of
from riskgraph.serve.pool import Limits


def _ntriples(result) -> bytes:
    """A subject/predicate/object answer (a SPARQL server's whole graph) as N-Triples."""
    import pyoxigraph as ox

    for row in result.rows:
        if row["subject"].kind == "literal" or row["predicate"].kind != "uri":
            raise ValueError("a literal cannot be a subject or predicate")
    return write_triples([ox.Triple(r["subject"].to_oxigraph(), r["predicate"].to_oxigraph(),
                                    r["object"].to_oxigraph()) for r in result.rows], "nt")


log = logging.getLogger("riskgraph.serve")
HEADER_TIMEOUT = 10.0  # seconds a client has to send a request's headers
MAX_CONNECTIONS = 256  # open connections at once (lowered to fit the open-file limit)
RESERVED_FILES = 64  # descriptors kept for the graph, workers, logs and static files


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
    header_timeout: float = HEADER_TIMEOUT
    max_connections: int = MAX_CONNECTIONS


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    """``http://host:port/``, an IPv6 address in brackets (RFC 3986)."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def make_backend(config: ServeConfig, work_dir: Path):
    if config.endpoint and (config.store_dir or config.data or config.graph):
        raise InputError("give --endpoint alone: the data is on the SPARQL server")
    if config.store_dir and (config.data or config.graph):
        raise InputError("give either --store or --graph/--data, not both")
    if config.endpoint:
        return RemoteBackend(config.endpoint, config.limits), None
    if config.store_dir:
        from riskgraph.store.local import EmbeddedStore

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
    def make():
        if files is not None:
            return graph_page_of(files)
        result = backend.select("SELECT ?subject ?predicate ?object "
                                "WHERE { ?subject ?predicate ?object }")
        return graph_page_of(nt_bytes=_ntriples(result))
    return make


def open_files_limit() -> int:
    try:
        return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return 1024


def connection_cap(wanted: int) -> int:
    """``wanted``, lowered so that the connections fit the open-file limit."""
    room = open_files_limit() - RESERVED_FILES
    return max(8, min(wanted, room))


class GuardedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for headers and a connection cap
    (set per server by ``guarded_protocol``)."""

    header_timeout = HEADER_TIMEOUT
    max_connections = MAX_CONNECTIONS
    waiting: OrderedDict  # connections that have not sent a whole request yet

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        if len(self.connections) > self.max_connections:
            oldest = next(iter(self.waiting), None)
            if oldest is None:  # every connection is busy with a request: refuse this one
                transport.abort()
                return
            oldest._drop()
        self._await_headers()

    def _await_headers(self) -> None:
        self._cancel_header_timer()
        self.waiting[self] = None
        self._header_timer = self.loop.call_later(self.header_timeout, self._drop)

    def _cancel_header_timer(self) -> None:
        self.waiting.pop(self, None)
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _drop(self) -> None:
        self._cancel_header_timer()
        if not self.transport.is_closing():
            self.transport.abort()

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a request's headers have arrived
            self._cancel_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_headers()  # the next request's headers have the same deadline

    def connection_lost(self, exc) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)


def guarded_protocol(header_timeout: float, max_connections: int) -> type[GuardedH11]:
    return type("GuardedH11", (GuardedH11,), {"header_timeout": header_timeout,
                                              "max_connections": max_connections,
                                              "waiting": OrderedDict()})


class BoundedLog(logging.Filter):
    """At most ``burst`` records per ``window`` seconds pass; then one line says how many
    were left out. A flood of bad connections cannot fill the disk with tracebacks."""

    def __init__(self, burst: int = 50, window: float = 10.0) -> None:
        super().__init__()
        self.burst, self.window = burst, window
        self._start, self._count, self._dropped = 0.0, 0, 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._start > self.window:
                if self._dropped:
                    record.msg = f"({self._dropped} log records left out) " + str(record.msg)
                self._start, self._count, self._dropped = now, 0, 0
            self._count += 1
            if self._count > self.burst:
                self._dropped += 1
                return False
            return True


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or ``InputError`` (exit 2) with what went wrong."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot listen on {host}: {exc.strerror}",
                         hint="give --host an address of this machine") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is already in use",
                             hint="stop what listens there, or choose another port "
                                  "with --port (--port 0 takes any free one)") from None
        raise InputError(f"cannot listen on {url_for(host, port)}: {exc.strerror or exc}",
                         hint="a port below 1024 needs privileges; try --port 8000") from None
    sock.set_inheritable(False)
    return sock


def serve(config: ServeConfig, ready=None) -> None:
    """Serve until stopped. ``ready(url)`` is called once the socket listens."""

    sock = bind(config.host, config.port)  # before loading: a taken port fails at once
    with sock, tempfile.TemporaryDirectory(prefix="riskgraph-serve-") as tmp:
        backend, files = make_backend(config, Path(tmp))
        backend.start()
        bounded = BoundedLog()
        loggers = [logging.getLogger(name) for name in ("uvicorn.error", "asyncio",
                                                          "riskgraph.serve")]
        for logger in loggers:
            logger.addFilter(bounded)
        try:
            options = ServeOptions(max_request_bytes=config.max_request_bytes,
                                   cache_entries=4096 if config.cache else 0,
                                   body_timeout=config.header_timeout)
            app = create_app(backend, options, graph_page_maker(backend, files))
            protocol = guarded_protocol(config.header_timeout,
                                        connection_cap(config.max_connections))
            uv_config = uvicorn.Config(app, log_level=config.log_level, access_log=False,
                                       server_header=False, lifespan="off",
                                       timeout_graceful_shutdown=5, http=protocol,
                                       timeout_keep_alive=5)
            server = _stopping_server(uv_config, backend)
            if ready is not None:
                original = server.startup

                async def startup(sockets=None):
                    await original(sockets)
                    if server.started:
                        ready(url_for(config.host, sock.getsockname()[1]))
                server.startup = startup  # wrapped to report readiness
            # uvicorn handles SIGTERM itself, then raises it again with the handler it
            # found: a no-op one here, so that the workers are stopped and the exit is 0.
            signal.signal(signal.SIGTERM, lambda *_: None)
            server.run(sockets=[sock])
        finally:
            backend.close()
            for logger in loggers:
                logger.removeFilter(bounded)


def _stopping_server(config, backend):
    """uvicorn's server, stopping the backend's running queries as soon as it is told
    to stop: their clients get HTTP 503 at once, not after the time limit."""
    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            super().handle_exit(sig, frame)
            # off the signal handler: killing and reaping workers takes a moment
            threading.Thread(target=backend.close, daemon=True).start()

    return Server(config)
