"""Talk to a SPARQL 1.1 server: run queries (SPARQL 1.1 Protocol) and upload
graphs (SPARQL 1.1 Graph Store HTTP Protocol).

Only the standard library is used, so ``riskgraph query --endpoint`` stays as
light as the embedded path. Only http and https URLs are accepted and no other
URL handler is installed, so neither a URL nor a redirect can reach the file
system. Parameter values travel as RDF terms in a ``VALUES`` block, serialised
and escaped here, never as pasted user text.
"""

from __future__ import annotations

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
from riskgraph.results import QueryResult, Term

# The graph riskgraph pushes to and queries when no --graph is given.
DEFAULT_GRAPH = "https://w3id.org/riskgraph/graph"
DEFAULT_TIMEOUT = 60.0
PASSWORD_ENV = "RISKGRAPH_PASSWORD"
USER_ENV = "RISKGRAPH_USER"
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


# --- RDF terms in SPARQL text ----------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
          "\b": "\\b", "\f": "\\f"}
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")


def _escape_string(value: str) -> str:
    out = []
    for char in value:
        if char in _ECHAR:
            out.append(_ECHAR[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def term_to_sparql(term: Term) -> str:
    """One term in N-Triples form, escaped so that no value can change the query."""
    if term.kind == "uri":
        return f"<{check_iri(term.value, 'IRI')}>"
    if term.kind != "literal":
        raise InputError(f"a {term.kind} cannot be sent to a SPARQL server as a parameter value")
    text = f'"{_escape_string(term.value)}"'
    if term.lang:
        if not _LANG.match(term.lang):
            raise InputError(f"{term.lang!r} is not a language tag")
        return f"{text}@{term.lang}"
    if term.datatype:
        return f"{text}^^<{check_iri(term.datatype, 'datatype IRI')}>"
    return text


# A lexer just good enough to find the first '{' that is real syntax: it skips
# comments, strings (short and long) and IRIs, where a '{' means nothing.
_SKIP = re.compile(
    r'#[^\n]*'
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>',
    re.S,
)


def _first_open_brace(text: str) -> int:
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "{":
            return pos
        match = _SKIP.match(text, pos) if char in "#\"'<" else None
        pos = match.end() if match else pos + 1
    raise InputError("the query has no WHERE { ... } block to bind parameters into")


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """The query with a ``VALUES`` block for ``bindings`` opening its WHERE group.

    Placed first in the outermost group, the block is joined before every
    pattern, FILTER and BIND of that group, as a pre-bound variable would be.
    """
    if not bindings:
        return text
    names = []
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"{name!r} is not a SPARQL variable name")
        names.append("?" + name)
    values = " ".join(term_to_sparql(bindings[name]) for name in bindings)
    block = f" VALUES ({' '.join(names)}) {{ ({values}) }} "
    brace = _first_open_brace(text)
    return text[: brace + 1] + block + text[brace + 1:]


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


def _send(request: urllib.request.Request, auth: Auth | None,
          timeout: float) -> tuple[int, str, bytes]:
    """(status, content type, body) of a 2xx answer; every failure is an ``InputError``."""
    url = request.full_url
    try:
        with _opener(auth, url).open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        body = _body_excerpt(exc.read() or b"")
        hint = None
        if exc.code in (401, 403):
            hint = ("check the user name and the password (read from the environment "
                    f"variable {PASSWORD_ENV} unless --password-env names another)")
        message = f"{url} answered HTTP {exc.code} {exc.reason}"
        raise InputError(message + (f": {body}" if body else ""), hint=hint) from None
    except TimeoutError:
        raise InputError(f"{url} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise InputError(f"{url} did not answer within {timeout:g} s") from None
        raise InputError(f"cannot reach {url}: {reason}",
                         hint="is the server running, and is the URL right?") from None
    except (OSError, ValueError) as exc:  # connection reset, bad digest challenge ...
        raise InputError(f"cannot talk to {url}: {exc}") from None


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
        self.auth = auth
        self.timeout = timeout

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult:
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
    status, _, _ = _send(request, auth, timeout)
    triples = _count_ntriples(data) if content_type == UPLOAD_TYPES[".nt"] else None
    return PushResult(endpoint, graph, method, status, len(data), triples)
