"""Talk to a SPARQL 1.1 server: run queries (SPARQL 1.1 Protocol) and upload
graphs (SPARQL 1.1 Graph Store HTTP Protocol).

Only the standard library is used, so ``riskgraph query --endpoint`` stays as
light as the embedded path. Only http and https URLs are accepted and no other
URL handler is installed, so neither a URL nor a redirect can reach the file
system. Parameter values travel as RDF terms in a ``VALUES`` block
(``riskgraph.query.canned.bind_values``), never as pasted user text.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from riskgraph.errors import InputError
from riskgraph.namespaces import PROJECT_GRAPH as DEFAULT_GRAPH  # noqa: F401 (re-exported)
from riskgraph.query.results import QueryResult, Term
from riskgraph.store.remote_defaults import PASSWORD_ENV, USER_ENV

DEFAULT_TIMEOUT = 60.0
SPARQL_JSON = "application/sparql-results+json"
UPLOAD_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle"}
_ERROR_BODY_CHARS = 400


# --- URLs and IRIs ----------------------------------------------------------

def check_url(url: str, what: str = "endpoint") -> str:
    """The URL itself if it is a plain http(s) URL with a host; else ``InputError``."""
    example = "http://127.0.0.1:8890/" + ("sparql-graph-crud-auth" if "Graph" in what else "sparql")
    parts = urllib.parse.urlsplit(url.strip()) if isinstance(url, str) else None
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"the {what} must be an http:// or https:// URL, not {url!r}",
                         hint=f"for example {example}")
    if not parts.hostname or re.search(r"[\s\x00-\x1f\x7f]", url.strip()):
        raise InputError(f"the {what} URL {url!r} is malformed",
                         hint=f"for example {example}")
    if parts.username or parts.password:
        raise InputError(f"the {what} URL must not carry a user name or password",
                         hint="use --user and the RISKGRAPH_PASSWORD environment variable")
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


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) URLs."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise InputError(f"{req.full_url} redirected to {newurl!r}, which is not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(auth: Auth | None, url: str) -> urllib.request.OpenerDirector:
    # Built by hand (not build_opener) so that no file:, ftp: or data: handler exists.
    opener = urllib.request.OpenerDirector()
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.ProxyHandler(), urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(), _HttpOnlyRedirects(),
        urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor(),
    ]
    if auth is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        # Offered to the endpoint's own host only, never to a host it redirects to.
        parts = urllib.parse.urlsplit(url)
        passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", auth.user, auth.password)
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                     urllib.request.HTTPBasicAuthHandler(passwords)]
    for handler in handlers:
        opener.add_handler(handler)
    return opener


def _body_excerpt(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text) if "<html" in text[:500].lower() else text
    text = " ".join(text.split())
    return text[:_ERROR_BODY_CHARS] + ("..." if len(text) > _ERROR_BODY_CHARS else "")


_AUTH_HINT = ("check the user name (--user) and the password (read from the environment "
              f"variable {PASSWORD_ENV} unless --password-env names another)")


def _http_error(url: str, code: int, reason: str, body: bytes) -> InputError:
    excerpt = _body_excerpt(body)
    message = f"{url} answered HTTP {code} {reason}" + (f": {excerpt}" if excerpt else "")
    return InputError(message, hint=_AUTH_HINT if code in (401, 403) else None)


def _send(request: urllib.request.Request, auth: Auth | None,
          timeout: float) -> tuple[int, str, bytes]:
    """(status, content type, body) of a 2xx answer; every failure is an ``InputError``."""
    url = request.full_url
    try:
        with _opener(auth, url).open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        raise _http_error(url, exc.code, exc.reason, exc.read() or b"") from None
    except (OSError, ValueError) as exc:  # refused, timed out, reset, bad digest challenge
        raise _connection_error(url, exc, timeout) from None


def _connection_error(url: str, exc: Exception, timeout: float) -> InputError:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return InputError(f"{url} did not answer within {timeout:g} s")
    if isinstance(reason, BrokenPipeError | ConnectionResetError):
        return InputError(f"{url} closed the connection while the request was being sent",
                          hint="the server may refuse uploads of this size, or want "
                               "credentials it did not ask for in advance")
    if isinstance(exc, urllib.error.URLError):
        return InputError(f"cannot reach {url}: {reason}",
                          hint="is the server running, and is the URL right?")
    return InputError(f"cannot talk to {url}: {exc}")


def _challenge(url: str, auth: Auth | None, authorization: str | None,
               timeout: float) -> tuple[int, list[str]]:
    """Status and WWW-Authenticate headers of a bodiless HEAD request."""
    headers = {"Authorization": authorization} if authorization else {}
    request = urllib.request.Request(url, method="HEAD", headers=headers)
    try:
        with _opener(None, url).open(request, timeout=timeout) as response:
            return response.status, []
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_all("WWW-Authenticate") or []
    except (OSError, ValueError) as exc:
        raise _connection_error(url, exc, timeout) from None


def _authorization(request: urllib.request.Request, auth: Auth, challenges: list[str]) -> str:
    """The Authorization header answering a Digest or Basic challenge for ``request``."""
    for challenge in challenges:
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, request.full_url, auth.user, auth.password)
            fields = urllib.request.parse_keqv_list(
                filter(None, urllib.request.parse_http_list(rest)))
            answer = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(
                request, fields)
            if answer:
                return "Digest " + answer
    if any(c.lower().startswith("basic") for c in challenges):
        token = base64.b64encode(f"{auth.user}:{auth.password}".encode()).decode("ascii")
        return "Basic " + token
    raise InputError(f"{request.full_url} asks for an authentication scheme riskgraph does "
                     f"not speak: {'; '.join(challenges) or '(none given)'}",
                     hint="riskgraph speaks HTTP Basic and Digest (MD5) authentication")


def _send_upload(request: urllib.request.Request, auth: Auth | None,
                 timeout: float) -> tuple[int, str, bytes]:
    """Send a request with a (possibly large) body, settling authentication first.

    A server that challenges only after the body arrived may close the
    connection mid-upload, losing its 401. So a bodiless HEAD fetches the
    challenge, a second HEAD checks the credentials, and the body goes once,
    already authorised.
    """
    url = request.full_url
    status, challenges = _challenge(url, None, None, timeout)
    if status != 401:
        return _send(request, auth, timeout)
    if auth is None:
        raise InputError(f"{url} answered HTTP 401 Unauthorized: it needs credentials",
                         hint="give --user and set the password in the environment "
                              f"variable {PASSWORD_ENV}")
    probe = urllib.request.Request(url, method="HEAD")
    status, _ = _challenge(url, auth, _authorization(probe, auth, challenges), timeout)
    if status == 401:
        raise _http_error(url, 401, "Unauthorized", b"user name or password refused")
    _, challenges = _challenge(url, None, None, timeout)  # a fresh nonce for the upload
    request.add_header("Authorization", _authorization(request, auth, challenges))
    return _send(request, None, timeout)


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
                 auth: Auth | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.endpoint = check_url(endpoint)
        # The default graph of every query; servers such as Virtuoso otherwise
        # query the union of all their graphs, system graphs included.
        self.graphs = [check_iri(g) for g in (graphs if graphs is not None else [DEFAULT_GRAPH])]
        # Endpoints that want a login get it from $RISKGRAPH_USER and $RISKGRAPH_PASSWORD.
        self.auth = auth if auth is not None else auth_from_env(None)
        self.timeout = timeout

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
        """Run a read-only query; refused before sending if it could reach further
        than the graph (``riskgraph.query.safety``), as on the embedded store."""
        from riskgraph.query.binding import bind_values  # the one place terms become SPARQL text
        from riskgraph.query.safety import check_query

        check_query(text)
        query = bind_values(text, dict(bindings or {}))
        form = [("query", query)] + [("default-graph-uri", g) for g in self.graphs]
        request = urllib.request.Request(
            self.endpoint, data=urllib.parse.urlencode(form).encode("ascii"), method="POST",
            headers={"Accept": SPARQL_JSON,
                     "Content-Type": "application/x-www-form-urlencoded"})
        _, _, body = _send(request, self.auth, timeout or self.timeout)
        return parse_results(body, self.endpoint)

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
    triples: int | None  # counted for N-Triples uploads


def _count_ntriples(data: bytes) -> int:
    lines = (line.strip() for line in data.splitlines())
    return sum(1 for line in lines if line and not line.startswith(b"#"))


def push_graph(endpoint: str, graph: str, data: Path | bytes, auth: Auth | None = None, *,
               append: bool = False, content_type: str | None = None,
               timeout: float = 600.0) -> PushResult:
    """Upload ``data`` into ``graph`` with the SPARQL 1.1 Graph Store HTTP Protocol.

    PUT replaces the graph's content; ``append=True`` POSTs, adding to it.
    A path's content type follows its suffix (.nt or .ttl).
    """
    endpoint = check_url(endpoint, "Graph Store endpoint")
    check_iri(graph)
    if isinstance(data, Path):
        content_type = content_type or UPLOAD_TYPES.get(data.suffix.lower())
        if content_type is None:
            raise InputError("only N-Triples (.nt) or Turtle (.ttl) files can be pushed",
                             file=data)
        try:
            data = data.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the file: {exc.strerror or exc}", file=data) from None
    content_type = content_type or UPLOAD_TYPES[".nt"]
    method = "POST" if append else "PUT"
    request = urllib.request.Request(
        with_params(endpoint, graph=graph), data=data, method=method,
        headers={"Content-Type": content_type})
    status, _, _ = _send_upload(request, auth, timeout)
    triples = _count_ntriples(data) if content_type == UPLOAD_TYPES[".nt"] else None
    return PushResult(endpoint, graph, method, status, len(data), triples)
