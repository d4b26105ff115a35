"""Talk to a SPARQL 1.1 server: run queries (SPARQL 1.1 Protocol) and upload
graphs (SPARQL 1.1 Graph Store HTTP Protocol), with httpx (httpx2, the maintained
httpx that Starlette's test client also uses).

Only http and https URLs are accepted, and redirects only to http(s), so neither a
URL nor a redirect can reach the file system. Parameter values travel as RDF terms
in a ``VALUES`` block (``riskgraph.query.canned.bind_values``), never as pasted user
text.

Credentials are answered by httpx's own Basic and Digest schemes, for the endpoint
named only: a redirect to another origin is refused when credentials are in play.
Every request has a total deadline (connection, headers and body together) and
answers are read up to a size cap (``RISKGRAPH_MAX_RESPONSE_BYTES``, default 64 MiB).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx

from riskgraph.errors import EndpointError, InputError, QueryTimeout
from riskgraph.namespaces import PROJECT_GRAPH as DEFAULT_GRAPH  # noqa: F401 (re-exported)
from riskgraph.query.results import QueryResult, Term
from riskgraph.store.remote_defaults import PASSWORD_ENV, USER_ENV
from riskgraph.text import visible

DEFAULT_TIMEOUT = 60.0
SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
UPLOAD_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle"}
_ERROR_BODY_CHARS = 400
MAX_RESPONSE_ENV = "RISKGRAPH_MAX_RESPONSE_BYTES"
DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024
_MAX_HEADERS = 100  # as http.client: more is a malformed answer


# --- URLs and IRIs ----------------------------------------------------------

def check_url(url: str, what: str = "endpoint") -> str:
    """The URL itself if it is a plain http(s) URL with a host; else ``InputError``.

    ``what`` names the URL in messages; "Graph Store endpoint" is ``push``'s, which
    has ``--user``; the query endpoint takes its login from the environment.
    """
    example = "http://127.0.0.1:8890/" + ("sparql-graph-crud-auth" if "Graph" in what else "sparql")
    try:
        parts = urllib.parse.urlsplit(url.strip()) if isinstance(url, str) else None
    except ValueError:  # an unclosed [IPv6 address
        raise InputError(f"the {what} URL {url!r} is malformed",
                         hint=f"for example {example}") from None
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"the {what} must be an http:// or https:// URL, not {url!r}",
                         hint=f"for example {example}")
    if not parts.hostname or re.search(r"[\s\x00-\x1f\x7f]", url.strip()):
        raise InputError(f"the {what} URL {url!r} is malformed",
                         hint=f"for example {example}")
    if parts.username or parts.password:
        hint = (f"use --user and the {PASSWORD_ENV} environment variable" if "Graph" in what
                else f"set the {USER_ENV} and {PASSWORD_ENV} environment variables")
        raise InputError(f"the {what} URL must not carry a user name or password", hint=hint)
    try:
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise InputError(f"the {what} URL {url!r} has a bad port number") from None
    return url.strip()


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def check_iri(iri: str, what: str = "graph IRI") -> str:
    """An absolute IRI that can be written as ``<iri>``; else ``InputError``."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) or _IRI_FORBIDDEN.search(iri):
        raise InputError(f"the {what} {iri!r} is not an absolute IRI",
                         hint="for example https://w3id.org/riskgraph/graph")
    return iri


def with_params(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query string (percent-encoded)."""
    extra = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + extra


# --- HTTP ----------------------------------------------------------------

class ResponseTooLarge(EndpointError):
    """The answer was larger than the size cap; reading stopped there."""


@dataclass(frozen=True)
class Auth:
    user: str
    password: str


def auth_from_env(user: str | None, password_env: str = PASSWORD_ENV,
                  ask: Callable[[str], str] | None = None) -> Auth | None:
    """Credentials for ``user`` (or $RISKGRAPH_USER) with the password read from
    ``password_env``, or from ``ask(user)`` when that variable is unset."""
    user = user or os.environ.get(USER_ENV) or None
    if not user:
        return None
    password = os.environ.get(password_env)
    if password is None and ask is not None:
        password = ask(user)
    if password is None:
        raise InputError(f"a user name was given but the environment variable {password_env} "
                         "holding the password is not set",
                         hint=f"export {password_env}=... (it is read from the environment "
                              "so that it never appears on the command line)")
    return Auth(user, password)


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(
        scheme)


class _Login(httpx.Auth):
    """Answers the endpoint's Basic or Digest challenge with httpx's own schemes. Once
    the server has said which it wants, later requests carry it from the start (an
    upload is then sent once, already authorised). httpx applies it to the request
    riskgraph makes, never to a redirect's target, and ``_client`` refuses a redirect
    to another origin while credentials are in play."""

    def __init__(self, auth: Auth) -> None:
        self.schemes: dict[str, httpx.Auth] = {
            "digest": httpx.DigestAuth(auth.user, auth.password),
            "basic": httpx.BasicAuth(auth.user, auth.password)}
        self.scheme: str | None = None
        self.offered: list[str] = []  # the challenges of the last 401

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.scheme is None:
            response = yield request
            if response.status_code != 401:
                return
            self.offered = response.headers.get_list("WWW-Authenticate")
            offered = {c.partition(" ")[0].lower() for c in self.offered}
            self.scheme = next((s for s in self.schemes if s in offered), None)
            if self.scheme is None:
                return
        yield from self.schemes[self.scheme].sync_auth_flow(request)


def _body_excerpt(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text) if "<html" in text[:500].lower() else text
    text = visible(" ".join(text.split()))  # a server's text never drives the terminal
    return text[:_ERROR_BODY_CHARS] + ("..." if len(text) > _ERROR_BODY_CHARS else "")


_AUTH_HINT = ("check the user name (--user) and the password (read from the environment "
              f"variable {PASSWORD_ENV} unless --password-env names another)")


def _http_error(url: str, code: int, reason: str, body: bytes) -> EndpointError:
    excerpt = _body_excerpt(body)
    message = f"{url} answered HTTP {code} {reason}" + (f": {excerpt}" if excerpt else "")
    return EndpointError(message, hint=_AUTH_HINT if code in (401, 403) else None)


def max_response_bytes() -> int:
    """The response size cap: $RISKGRAPH_MAX_RESPONSE_BYTES, or 64 MiB."""
    value = os.environ.get(MAX_RESPONSE_ENV)
    if value is None:
        return DEFAULT_MAX_RESPONSE
    try:
        cap = int(value)
    except ValueError:
        cap = 0
    if cap <= 0:
        raise InputError(f"{MAX_RESPONSE_ENV} must be a whole number of bytes above 0, "
                         f"not {value!r}")
    return cap


class _Deadline:
    """A total time limit for one request: connection, headers and body together.

    httpx's timeouts bound each socket operation; a server that trickles its headers
    or body a byte at a time would outlast them. So a timer shuts the request's sockets
    down at the deadline, which ends any read at once, in any thread; the sockets are
    known from httpcore's documented ``trace`` extension as they open.
    """

    def __init__(self, url: str, seconds: float) -> None:
        self.url, self.seconds = url, seconds
        self.end = time.monotonic() + seconds
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._ring)
        self._timer.daemon = True

    def trace(self, event: str, info: dict) -> None:
        if event.endswith((".connect_tcp.complete", ".start_tls.complete")):
            sock = info["return_value"].get_extra_info("socket")
            with self._lock:
                self._sockets.append(sock)
                fired = self.fired
            if fired:
                self._shut(sock)

    def _ring(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> QueryTimeout:
        return QueryTimeout(f"{self.url} did not answer within {self.seconds:g} s",
                            hint="raise --timeout, or ask the server's administrator")

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, kind, error, _traceback) -> None:
        self._timer.cancel()
        if error is not None and self.fired and not isinstance(error, QueryTimeout):
            raise self.expired() from None  # whatever the cut-off read raised


@functools.cache
def _tls() -> ssl.SSLContext:
    """httpx's verifying TLS context, built once (it costs about 100 ms)."""
    return httpx.create_ssl_context()


def _client(url: str, login: _Login | None, cap: int) -> httpx.Client:
    """A client for the requests of one call: redirects only to http(s), and only within
    the origin while credentials are in play; answers larger than ``cap`` refused as
    soon as they say so; no connection kept (each request's sockets are its deadline's)."""

    def check(response: httpx.Response) -> None:
        if len(response.headers) > _MAX_HEADERS:
            raise EndpointError(f"{url} sent a malformed HTTP answer (more than "
                                f"{_MAX_HEADERS} headers)")
        if response.is_success and int(response.headers.get("Content-Length") or 0) > cap:
            raise _too_large(url, cap)
        if not response.has_redirect_location:
            return
        target = urllib.parse.urljoin(str(response.url), response.headers["Location"])
        if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
            raise EndpointError(f"{url} redirected to {target!r}, which is not http(s)")
        if login is not None and origin(target) != origin(str(response.url)):
            raise EndpointError(
                f"{url} redirected to {target}, another server; riskgraph does not "
                "follow it, so that your credentials go only to the endpoint you named",
                hint="give the final URL with --endpoint if you trust that server")

    return httpx.Client(auth=login, verify=_tls(), follow_redirects=True,
                        limits=httpx.Limits(max_keepalive_connections=0),
                        event_hooks={"response": [check]})


def _too_large(url: str, cap: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"{url} answered with more than {cap:,} bytes; riskgraph stopped reading",
        hint=f"narrow the query (LIMIT), or raise the cap with {MAX_RESPONSE_ENV}")


def _read_capped(response: httpx.Response, url: str, deadline: _Deadline, cap: int,
                 cut: bool = False) -> bytes:
    """The body, read in chunks against the deadline and the size cap (or, ``cut``,
    its first ``cap`` bytes)."""
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes(65536):
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            if cut:
                return b"".join(chunks)[:cap]
            raise _too_large(url, cap)
        deadline.left()
    return b"".join(chunks)


def _send(client: httpx.Client, method: str, url: str, timeout: float, cap: int,
          errors: bool = True, **request: Any) -> tuple[int, bytes]:
    """(status, body) of a 2xx answer, or with ``errors=False`` of any answer; every
    failure is an ``InputError``."""
    try:
        with _Deadline(url, timeout) as deadline, client.stream(
                method, url, timeout=timeout, extensions={"trace": deadline.trace},
                **request) as response:
            ok = response.is_success or not errors
            body = _read_capped(response, url, deadline, cap if ok else 64 * 1024, cut=not ok)
    except httpx.HTTPError as exc:
        raise _connection_error(url, exc, timeout) from None
    except (httpx.InvalidURL, UnicodeError) as exc:  # a host name IDNA cannot encode...
        raise InputError(f"the URL {url!r} is malformed: {exc}") from None
    if not ok:
        raise _http_error(url, response.status_code, response.reason_phrase, body)
    return response.status_code, body


def _connection_error(url: str, exc: httpx.HTTPError, timeout: float) -> InputError:
    if isinstance(exc, httpx.TimeoutException):
        return QueryTimeout(f"{url} did not answer within {timeout:g} s")
    if isinstance(exc, httpx.ProtocolError | httpx.DecodingError):
        # too many headers, a bad status line or chunk, a malformed Digest challenge...
        return EndpointError(f"{url} sent a malformed HTTP answer ({type(exc).__name__}: "
                             f"{visible(str(exc)[:200])})",
                             hint="is the URL that of a SPARQL endpoint?")
    if isinstance(exc, httpx.WriteError):
        return EndpointError(f"{url} closed the connection while the request was being sent",
                             hint="the server may refuse uploads of this size, or want "
                                  "credentials it did not ask for in advance")
    if isinstance(exc, httpx.ConnectError):
        return EndpointError(f"cannot reach {url}: {exc}",
                             hint="is the server running, and is the URL right?")
    return EndpointError(f"cannot talk to {url}: {type(exc).__name__}: {exc}")


# --- queries -------------------------------------------------------------

def parse_results(body: bytes, url: str) -> QueryResult:
    """A W3C SPARQL 1.1 Query Results JSON document as a ``QueryResult``."""
    try:
        data = json.loads(body.decode("utf-8"))
        variables = list(data.get("head", {}).get("vars", []))
        if "boolean" in data:
            return QueryResult(variables, [], bool(data["boolean"]))
        bindings = data["results"]["bindings"]
        if variables == ["__ASK_RETVAL"] and len(bindings) <= 1:  # Virtuoso's ASK answer
            answer = bindings[0]["__ASK_RETVAL"]["value"] if bindings else "0"
            return QueryResult([], [], answer not in ("0", "false"))
        rows = [{name: Term.from_json(value) for name, value in binding.items()}
                for binding in bindings]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(f"{url} did not answer with SPARQL JSON results: "
                         f"{_body_excerpt(body)}") from None
    return QueryResult(variables, rows)


class RemoteStore:
    """A SPARQL 1.1 query endpoint with the same ``select`` as the embedded store."""

    def __init__(self, endpoint: str, graphs: list[str] | None = None,
                 auth: Auth | None = None, timeout: float = DEFAULT_TIMEOUT,
                 max_bytes: int | None = None) -> None:
        self.endpoint = check_url(endpoint)
        # The default graph of every query; servers such as Virtuoso otherwise
        # query the union of all their graphs, system graphs included.
        self.graphs = [check_iri(g) for g in (graphs if graphs is not None else [DEFAULT_GRAPH])]
        # Endpoints that want a login get it from $RISKGRAPH_USER and $RISKGRAPH_PASSWORD.
        self.auth = auth if auth is not None else auth_from_env(None)
        self.timeout = timeout
        self.max_bytes = max_bytes if max_bytes is not None else max_response_bytes()
        # One login for every request of this store: the scheme the server asked for
        # (and Digest's challenge) carry over from one request to the next.
        self._login = _Login(self.auth) if self.auth else None

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
        """Run a read-only query; refused before sending if it could reach further
        than the graph (``riskgraph.query.safety``), as on the embedded store."""
        body = self._query(text, bindings, SPARQL_JSON, timeout, self.max_bytes)
        return parse_results(body, self.endpoint)

    def construct(self, text: str, bindings: dict[str, Term] | None = None,
                  timeout: float | None = None, max_bytes: int | None = None) -> bytes:
        """A CONSTRUCT or DESCRIBE answer as N-Triples bytes, checked and sent like
        ``select`` (same login, same redirect rules, same deadline and size cap)."""
        return self._query(text, bindings, N_TRIPLES, timeout,
                           max_bytes if max_bytes is not None else self.max_bytes)

    def _query(self, text: str, bindings: dict[str, Term] | None, accept: str,
               timeout: float | None, cap: int) -> bytes:
        from riskgraph.query.binding import bind_values  # the one place terms become SPARQL text
        from riskgraph.query.safety import check_query

        # what is sent is the text that was checked
        query = bind_values(check_query(text).text, dict(bindings or {}))
        form = {"query": query, "default-graph-uri": self.graphs}
        with _client(self.endpoint, self._login, cap) as client:
            _, body = _send(client, "POST", self.endpoint, timeout or self.timeout, cap,
                            data=form, headers={"Accept": accept})
        return body

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r}, graphs={self.graphs!r})"


# --- uploads -------------------------------------------------------------

@dataclass
class PushResult:
    endpoint: str
    graph: str
    method: str  # PUT (replace the graph) or POST (add to it)
    status: int
    bytes_sent: int
    triples: int | None  # as parsed before the upload


def read_upload(path: Path) -> tuple[bytes, int]:
    """The bytes of a .nt or .ttl file and its triple count, parsed (with riskgraph's
    loader, which fetches nothing) before anything is sent."""
    from riskgraph.io.rdf import _decode, _format_for, parse_text, read_bytes

    if path.suffix.lower() not in UPLOAD_TYPES:
        raise InputError("only N-Triples (.nt) or Turtle (.ttl) files can be pushed", file=path)
    raw = read_bytes(path)
    text = _decode(path, raw)
    if not text.strip():
        return raw, 0
    return raw, len(parse_text(text, _format_for(path, text), path))


def push_graph(endpoint: str, graph: str, data: Path | bytes, auth: Auth | None = None, *,
               append: bool = False, content_type: str | None = None,
               timeout: float = 600.0, triples: int | None = None,
               allow_empty: bool = False) -> PushResult:
    """Upload ``data`` into ``graph`` with the SPARQL 1.1 Graph Store HTTP Protocol.

    PUT replaces the graph's content; ``append=True`` POSTs, adding to it.
    A path's content type follows its suffix (.nt or .ttl), and the file is
    parsed first (its triples counted) unless ``triples`` is given. Replacing a
    graph with an empty one is refused unless ``allow_empty``.
    """
    endpoint = check_url(endpoint, "Graph Store endpoint")
    check_iri(graph)
    if isinstance(data, Path):
        content_type = content_type or UPLOAD_TYPES.get(data.suffix.lower())
        if triples is None:
            data, triples = read_upload(data)
        else:
            from riskgraph.io.files import read_bytes

            data = read_bytes(data, 1 << 40)
    content_type = content_type or UPLOAD_TYPES[".nt"]
    if triples == 0 and not append and not allow_empty:
        raise InputError(f"the upload holds no triples: it would empty the graph <{graph}>; "
                         "nothing was sent", hint="pass --allow-empty if you mean to empty it")
    method = "POST" if append else "PUT"
    url = with_params(endpoint, graph=graph)
    login = _Login(auth) if auth is not None else None
    cap = max_response_bytes()
    with _client(url, login, cap) as client:
        # A server that challenges only after the body arrived may close the connection
        # mid-upload, losing its 401; so a bodiless HEAD settles the login first, and the
        # body goes once, already authorised.
        status, _ = _send(client, "HEAD", url, timeout, cap, errors=False)
        if status == 401:
            raise _refused(url, login)
        status, _ = _send(client, method, url, timeout, cap, content=data,
                          headers={"Content-Type": content_type})
    return PushResult(endpoint, graph, method, status, len(data), triples)


def _refused(url: str, login: _Login | None) -> EndpointError:
    """Why a server still answers 401 once ``login`` (if any) has had its turn."""
    if login is None:
        return EndpointError(f"{url} answered HTTP 401 Unauthorized: it needs credentials",
                             hint="give --user and set the password in the environment "
                                  f"variable {PASSWORD_ENV}")
    if login.scheme is None:
        return EndpointError(f"{url} asks for an authentication scheme riskgraph does not "
                             f"speak: {'; '.join(login.offered) or '(none given)'}",
                             hint="riskgraph speaks HTTP Basic and Digest authentication")
    return _http_error(url, 401, "Unauthorized", b"user name or password refused")
