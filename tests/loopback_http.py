"""Throw-away HTTP servers on loopback whose every answer a test decides.

``start(behaviour)`` serves on a free 127.0.0.1 port; each request is recorded in
``server.seen`` as (method, path, headers, body) and answered by
``behaviour(handler, body)``, which calls ``handler.reply(...)`` (or writes to
``handler.wfile`` itself, or never answers). The ``loopback_servers`` fixture in
conftest.py starts them and shuts them down after the test.
"""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Callable


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        self.server.behaviour(self, body)

    do_GET = do_HEAD = do_PUT = do_POST = _any

    def log_message(self, *args):
        pass

    def reply(self, code: int, headers: dict | None = None, body: bytes = b"") -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def start(behaviour: Callable[[Handler, bytes], None]) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.seen, server.behaviour = [], behaviour  # type: ignore[attr-defined]
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def refusing() -> http.server.ThreadingHTTPServer:
    """A new server that answers every request 500 and records it in ``server.seen``
    (its own record): a test shows that nothing reached it."""
    return start(lambda handler, body: handler.reply(500))


def url(server: http.server.ThreadingHTTPServer, path: str = "/sparql") -> str:
    return f"http://127.0.0.1:{server.server_port}{path}"


def basic(user: str, password: str) -> str:
    """The Authorization header value of HTTP Basic for ``user``."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def needs_basic(user: str, password: str, then: Callable[[Handler, bytes], None]):
    """A behaviour that answers 401 with a Basic challenge unless the request carries
    ``user``'s credentials, and otherwise does ``then``."""
    good = basic(user, password)

    def behaviour(handler: Handler, body: bytes) -> None:
        if handler.headers.get("Authorization") != good:
            handler.reply(401, {"WWW-Authenticate": 'Basic realm="riskgraph"'})
        else:
            then(handler, body)

    return behaviour
