"""Talk to a SPARQL 1.1 server: run queries (SPARQL 1.1 Protocol) and upload
graphs (SPARQL 1.1 Graph Store HTTP Protocol).

Only the standard library is used, so ``riskgraph query --endpoint`` stays as
light as the embedded path. Only http and https URLs are accepted and no other
URL handler is installed, so neither a URL nor a redirect can reach the file
system. Parameter values travel as RDF terms in a ``VALUES`` block
(``riskgraph.query.canned.bind_values``), never as pasted user text.

Credentials are answered by urllib's own Basic and Digest handlers, from a
password manager that knows only the endpoint's origin (scheme, host, port), and
travel in headers that are never copied onto a redirect; a redirect to another
origin is refused when credentials are in play. Every request has a total
deadline (connection, headers and body together) and answers are read up to a
size cap (``RISKGRAPH_MAX_RESPONSE_BYTES``, default 64 MiB).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


# --- URLs and IRIs ----------------------------------------------------------

def check_url(url: str, what: str = "endpoint") -> str:
    """The URL itself if it is a plain http(s) URL with a host; else ``InputError``.

    ``what`` names the URL in messages; "Graph Store endpoint" is ``push``'s, which
    has ``--user``; the query endpoint takes its login from the environment.
    """
    example = "http://127.0.0.1:8890/" + ("sparql-graph-crud-auth" if "Graph" in what else "sparql")
    parts = urllib.parse.urlsplit(url.strip()) if isinstance(url, str) else None
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


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) URLs, and only within the origin when
    credentials are in play (they are never sent elsewhere)."""

    def __init__(self, credentials: bool) -> None:
        self.credentials = credentials

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        newurl = urllib.parse.urljoin(req.full_url, newurl)
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise EndpointError(f"{req.full_url} redirected to {newurl!r}, which is not http(s)")
        if self.credentials and origin(newurl) != origin(req.full_url):
            raise EndpointError(
                f"{req.full_url} redirected to {newurl}, another server; riskgraph does not "
                "follow it, so that your credentials go only to the endpoint you named",
                hint="give the final URL with --endpoint if you trust that server")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _passwords(auth: Auth, url: str) -> urllib.request.HTTPPasswordMgrWithPriorAuth:
    """A password manager that knows the endpoint's origin only."""
    scheme, host, port = origin(url)
    passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
    passwords.add_password(None, f"{scheme}://{host}:{port}/", auth.user, auth.password)
    return passwords


def _opener(auth: Auth | None, url: str,
            passwords: urllib.request.HTTPPasswordMgrWithPriorAuth | None = None,
            ) -> urllib.request.OpenerDirector:
    # Built by hand (not build_opener) so that no file:, ftp: or data: handler exists.
    opener = urllib.request.OpenerDirector()
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.ProxyHandler(), _WatchedHTTPHandler(),
        _WatchedHTTPSHandler(), _SafeRedirects(auth is not None),
        urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor(),
    ]
    if auth is not None:
        passwords = passwords or _passwords(auth, url)
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                     urllib.request.HTTPBasicAuthHandler(passwords)]
    for handler in handlers:
        opener.add_handler(handler)
    return opener


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


# The deadline of the request this thread is making, for the connections it opens.
_CURRENT = threading.local()


class _Deadline:
    """A total time limit for one request: connection, headers and body together.

    Each socket operation gets at most the time left. A server that trickles its
    headers or body a byte at a time would still outlast that, so at the deadline an
    interval timer (SIGALRM) interrupts the main thread, and in any other thread (serve,
    the Python API) a watchdog timer shuts the request's sockets down, which ends any
    read at once; either way the caller gets ``QueryTimeout``.
    """

    def __init__(self, url: str, seconds: float) -> None:
        self.url, self.seconds = url, seconds
        self.end = time.monotonic() + seconds
        self.fired = False
        self._sockets: list = []
        self._lock = threading.Lock()

    def watch(self, sock) -> None:
        """Shut ``sock`` down at the deadline (called as a connection opens)."""
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
    def _shut(sock) -> None:
        import socket

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

    @contextlib.contextmanager
    def alarm(self):
        usable = (threading.current_thread() is threading.main_thread()
                  and hasattr(signal, "setitimer")
                  and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None))
        if not usable:
            with self._watchdog():
                yield
            return

        def ring(signum, frame):  # noqa: ARG001
            raise self.expired()

        old = signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, max(self.left(), 0.001))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


    @contextlib.contextmanager
    def _watchdog(self):
        outer = getattr(_CURRENT, "deadline", None)
        _CURRENT.deadline = self
        timer = threading.Timer(max(self.end - time.monotonic(), 0.0), self._ring)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            _CURRENT.deadline = outer
            if self.fired:  # whatever the cut-off read raised, it was the deadline
                raise self.expired() from None  # noqa: B012 (replaces it on purpose)


class _Watched:
    """A connection that registers its socket with the current thread's deadline."""

    sock: object

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]  # the http.client class it is mixed into
        deadline = getattr(_CURRENT, "deadline", None)
        if deadline is not None:
            deadline.watch(self.sock)


class _WatchedHTTPConnection(_Watched, http.client.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, http.client.HTTPSConnection):
    pass


class _WatchedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_WatchedHTTPConnection, req)


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_WatchedHTTPSConnection, req,
                            context=getattr(self, "_context", None))


def _read_capped(response, url: str, deadline: _Deadline, cap: int) -> bytes:
    """The body, read in chunks against the deadline and the size cap."""
    chunks: list[bytes] = []
    total = 0
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    while True:
        if response.isclosed():  # http.client closes it once the whole body is read
            return b"".join(chunks)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.settimeout(deadline.left())
        chunk = response.read(min(65536, cap + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            raise ResponseTooLarge(
                f"{url} answered with more than {cap:,} bytes; riskgraph stopped reading",
                hint=f"narrow the query (LIMIT), or raise the cap with {MAX_RESPONSE_ENV}")
        deadline.left()


def _send(request: urllib.request.Request, auth: Auth | None, timeout: float,
          opener: urllib.request.OpenerDirector | None = None,
          cap: int | None = None) -> tuple[int, str, bytes]:
    """(status, content type, body) of a 2xx answer; every failure is an ``InputError``."""
    url = request.full_url
    cap = cap if cap is not None else max_response_bytes()
    deadline = _Deadline(url, timeout)
    opener = opener or _opener(auth, url)
    try:
        with deadline.alarm(), opener.open(request, timeout=deadline.left()) as response:
            body = _read_capped(response, url, deadline, cap)
            return response.status, response.headers.get("Content-Type", ""), body
    except urllib.error.HTTPError as exc:
        try:
            with deadline.alarm():
                body = exc.read(64 * 1024) or b""
        except (OSError, ValueError, QueryTimeout, http.client.HTTPException):
            body = b""
        raise _http_error(url, exc.code, exc.reason, body) from None
    # refused, timed out, reset, a bad digest challenge, a malformed answer
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise _connection_error(url, exc, timeout) from None


def _connection_error(url: str, exc: Exception, timeout: float) -> InputError:
    if isinstance(exc, http.client.HTTPException):  # too many headers, a bad status line...
        return EndpointError(f"{url} sent a malformed HTTP answer ({type(exc).__name__}: "
                             f"{visible(str(exc)[:200])})",
                             hint="is the URL that of a SPARQL endpoint?")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return QueryTimeout(f"{url} did not answer within {timeout:g} s")
    if isinstance(reason, BrokenPipeError | ConnectionResetError):
        return EndpointError(f"{url} closed the connection while the request was being sent",
                             hint="the server may refuse uploads of this size, or want "
                                  "credentials it did not ask for in advance")
    if isinstance(exc, urllib.error.URLError):
        return EndpointError(f"cannot reach {url}: {reason}",
                             hint="is the server running, and is the URL right?")
    return EndpointError(f"cannot talk to {url}: {exc}")


def _challenge(url: str, timeout: float,
               opener: urllib.request.OpenerDirector | None = None) -> tuple[int, list[str]]:
    """Status and WWW-Authenticate headers of a bodiless HEAD request (through
    ``opener``, whose handlers may answer a challenge themselves)."""
    request = urllib.request.Request(url, method="HEAD")
    deadline = _Deadline(url, timeout)
    opener = opener or _opener(None, url)
    try:
        with deadline.alarm(), opener.open(request, timeout=deadline.left()) as answer:
            return answer.status, []
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_all("WWW-Authenticate") or []
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise _connection_error(url, exc, timeout) from None


def _send_upload(request: urllib.request.Request, auth: Auth | None,
                 timeout: float) -> tuple[int, str, bytes]:
    """Send a request with a (possibly large) body, settling authentication first.

    A server that challenges only after the body arrived may close the
    connection mid-upload, losing its 401. So a bodiless HEAD fetches the
    challenge, a second HEAD lets urllib's own handlers answer it (checking the
    credentials), and the body goes once, already authorised: Basic by the
    handler itself (the origin is marked authenticated), Digest by the
    handler's answer to a fresh challenge; both in headers urllib never copies onto a
    redirect.
    """
    url = request.full_url
    status, challenges = _challenge(url, timeout)
    if status != 401:
        return _send(request, auth, timeout)
    if auth is None:
        raise EndpointError(f"{url} answered HTTP 401 Unauthorized: it needs credentials",
                            hint="give --user and set the password in the environment "
                                 f"variable {PASSWORD_ENV}")
    schemes = {c.partition(" ")[0].lower() for c in challenges}
    if not schemes & {"basic", "digest"}:
        raise EndpointError(f"{url} asks for an authentication scheme riskgraph does not "
                            f"speak: {'; '.join(challenges) or '(none given)'}",
                            hint="riskgraph speaks HTTP Basic and Digest (MD5) authentication")
    passwords = _passwords(auth, url)
    opener = _opener(auth, url, passwords)
    status, _ = _challenge(url, timeout, opener)
    if status == 401:
        raise _http_error(url, 401, "Unauthorized", b"user name or password refused")
    if "digest" in schemes:
        # OpenerDirector.handlers is set in its __init__ but missing from typeshed's stub
        digest = next(h for h in opener.handlers  # type: ignore[attr-defined]
                      if isinstance(h, urllib.request.HTTPDigestAuthHandler))
        _, fresh = _challenge(url, timeout)  # a fresh nonce for the upload
        for challenge in fresh:
            scheme, _, rest = challenge.partition(" ")
            if scheme.lower() == "digest":
                fields = urllib.request.parse_keqv_list(
                    list(filter(None, urllib.request.parse_http_list(rest))))
                answer = digest.get_authorization(request, fields)
                if answer:
                    request.add_unredirected_header("Authorization", "Digest " + answer)
                break
    else:
        # Basic: the credentials were accepted, so the handler may send them with the
        # upload itself (urllib's "prior auth"), to this origin only.
        scheme, host, port = origin(url)
        passwords.update_authenticated(f"{scheme}://{host}:{port}/", True)
    return _send(request, auth, timeout, opener)


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
        # One password manager for every request of this store, knowing the endpoint's
        # origin only; each request's opener answers challenges from it (see _opener).
        self._passwords = _passwords(self.auth, self.endpoint) if self.auth else None

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
        form = [("query", query)] + [("default-graph-uri", g) for g in self.graphs]
        request = urllib.request.Request(
            self.endpoint, data=urllib.parse.urlencode(form).encode("ascii"), method="POST",
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        opener = _opener(self.auth, self.endpoint, self._passwords)
        _, _, body = _send(request, self.auth, timeout or self.timeout, opener, cap=cap)
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
    request = urllib.request.Request(
        with_params(endpoint, graph=graph), data=data, method=method,
        headers={"Content-Type": content_type})
    status, _, _ = _send_upload(request, auth, timeout)
    return PushResult(endpoint, graph, method, status, len(data), triples)
