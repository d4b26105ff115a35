"""The web application: SPARQL 1.1 Protocol endpoint, pages, canned-query API (Starlette).

Queries run off the event loop (``run_in_threadpool``) so that many requests are
answered at once; with the embedded graph they run in the worker pool
(``riskgraph.serve.pool``), which holds the time limit. While the graph cannot
change (the embedded store), finished pages and canned answers are kept in an
LRU cache. Errors reach the client as a short message with a 4xx/5xx status;
tracebacks go to the log only.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from riskgraph.errors import EndpointError, InputError, QueryTimeout, ResultTooLarge
from riskgraph.io import formats
from riskgraph.namespaces import ID_IRI, PROJECT_GRAPH, SD_IRI
from riskgraph.query import safety
from riskgraph.query.canned import list_queries
from riskgraph.query.formats import write
from riskgraph.serve import negotiate, pages
from riskgraph.serve.cache import ResponseCache
from riskgraph.serve.html import CSP, STATIC
from riskgraph.serve.links import ONTOLOGY_IRI, Linker, entity_path
from riskgraph.serve.pool import Busy, ServerStopping
from riskgraph.store.timelimit import MemoryLimit
from riskgraph.version import __version__

if TYPE_CHECKING:
    from riskgraph.query.canned import CannedQuery

log = logging.getLogger("riskgraph.serve")
LINK = Linker("/")
SPARQL_TEXT = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"


@dataclass
class ServeOptions:
    max_request_bytes: int = 64 * 1024  # a query (body or URL) larger than this is refused
    cache_entries: int = 4096
    body_timeout: float = 10.0  # seconds a client has to send a request's body


class RequestTooLarge(Exception):
    pass


class NotAcceptable(Exception):
    def __init__(self, offered) -> None:
        self.offered = offered


# --- errors ------------------------------------------------------------------------

def _status(exc: InputError) -> int:
    if isinstance(exc, (QueryTimeout, Busy, ServerStopping, MemoryLimit)):
        return 503
    if isinstance(exc, EndpointError):
        return 502
    return 400


def _text_error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(message.rstrip() + "\n", status_code=status,
                    media_type="text/plain; charset=utf-8", headers=headers)


def _html_error(status: int, message: str, heading: str | None = None) -> HTMLResponse:
    heading = heading or {404: "Not found", 405: "Method not allowed", 406: "Not acceptable",
                          400: "Bad request", 503: "Unavailable"}.get(status, "Error")
    return HTMLResponse(pages.error_page(LINK, status, heading, message), status_code=status)


def _wants_text(request: Request) -> bool:
    return request.url.path.startswith(("/sparql", "/api/"))


async def _http_exception(request: Request, exc: Exception) -> Response:
    # registered for HTTPException only; typed Exception as Starlette's handler map expects
    assert isinstance(exc, HTTPException)
    messages = {404: f"there is nothing at {request.url.path}",
                405: f"{request.method} is not allowed here"}
    message = messages.get(exc.status_code, str(exc.detail))
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        message += "; use " + headers.get("Allow", "GET")
    if _wants_text(request):
        return _text_error(exc.status_code, message, headers)
    response = _html_error(exc.status_code, message)
    response.headers.update(headers)
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("error answering %s %s", request.method, request.url.path, exc_info=exc)
    return _text_error(500, "internal error; the server's log has the details")


# --- headers -----------------------------------------------------------------------

class SecurityHeaders:
    """Adds the CSP and related headers to every response that has none of its own."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        public = scope["path"].startswith(("/sparql", "/api/"))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    headers["content-security-policy"] = CSP
                headers["x-content-type-options"] = "nosniff"
                headers["referrer-policy"] = "no-referrer"
                if public:  # read-only open data: any site's script may query it
                    headers["access-control-allow-origin"] = "*"
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- the application ---------------------------------------------------------------

class Server:
    def __init__(self, backend, options: ServeOptions | None = None, graph_page=None) -> None:
        self.backend = backend
        self.options = options or ServeOptions()
        self.cache = ResponseCache(self.options.cache_entries if backend.immutable else 0)
        self._graph_page = graph_page  # () -> RenderedPage, called once on first request
        self._graph_rendered = None
        self._graph_lock = threading.Lock()
        self._queries: list[CannedQuery] | None = None

    # helpers

    def queries(self):
        if self._queries is None:
            self._queries = list_queries()
        return self._queries

    async def _cached(self, key, build) -> Response:
        """The response for ``key``, built by ``build() -> (status, body, media type)``."""
        hit = self.cache.get(key)
        if hit is None:
            hit = await run_in_threadpool(build)
            if hit[0] == 200:
                self.cache.put(key, *hit)
        status, body, media = hit
        return Response(body, status_code=status, media_type=media)

    async def _body(self, request: Request) -> bytes:
        limit = self.options.max_request_bytes
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise RequestTooLarge
        chunks, size = [], 0
        async with asyncio.timeout(self.options.body_timeout):  # a trickled body ends
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise RequestTooLarge
                chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> Response:
        return _text_error(413, f"the request is larger than this server's limit of "
                           f"{self.options.max_request_bytes:,} bytes")

    # SPARQL 1.1 Protocol

    async def sparql(self, request: Request) -> Response:
        if len(request.url.query) > self.options.max_request_bytes:
            return _text_error(414, f"the URL is longer than this server's limit of "
                               f"{self.options.max_request_bytes:,} bytes; send the query "
                               "by POST")
        params = parse_qsl(request.url.query, keep_blank_values=True)
        refused = await self._read_post(request, params) if request.method == "POST" else None
        if refused is None:
            refused = _refused_params(params)
        if refused is not None:
            return refused
        queries = [v for k, v in params if k == "query"]
        if not queries:
            if request.method == "GET":
                return await self.service_description(request)
            return _text_error(400, "no query: send it as the 'query' parameter or as a "
                               f"{SPARQL_TEXT} body")
        if len(queries) > 1:
            return _text_error(400, "give exactly one 'query' parameter")
        return await self._answer(queries[0], dict(params).get("format"),
                                  request.headers.get("accept"))

    async def _read_post(self, request: Request, params: list[tuple[str, str]]
                         ) -> Response | None:
        """A POST body's query or form fields, added to ``params``; or why not."""
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            body = await self._body(request)
        except RequestTooLarge:
            return self._too_large()
        except TimeoutError:
            return _text_error(408, "the request body did not arrive within "
                               f"{self.options.body_timeout:g} s")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _text_error(400, "the request body is not UTF-8 text")
        return _add_body(media, text, params)

    async def _answer(self, text: str, param: str | None, accept: str | None) -> Response:
        """One query's answer in the format asked for, from the cache if it is there."""
        # The cache is asked first; only an answer that was checked and run is kept.
        key = ("sparql", text, param, accept)

        def build():
            # off the event loop: the check reads the text once (linear, no lock); the
            # engine parses the checked text in a worker, within the time limit
            shape = safety.check_query(text, "query")  # looked up here: tests replace it
            graphs = shape.form in ("CONSTRUCT", "DESCRIBE")
            offered = negotiate.GRAPH_NAMES if graphs else negotiate.RESULT_NAMES
            fmt = self._choose(accept, param, offered)
            if fmt is None:
                raise NotAcceptable(offered)
            return 200, self.backend.sparql(shape.text, shape.form, fmt), _media(fmt)
        try:
            return await self._cached(key, build)
        except NotAcceptable as exc:
            return self._not_acceptable(exc.offered)
        except InputError as exc:
            return _text_error(_status(exc), str(exc))

    def _format(self, request: Request, param: str | None, offered) -> str | None:
        return self._choose(request.headers.get("accept"), param, offered)

    @staticmethod
    def _choose(accept: str | None, param: str | None, offered) -> str | None:
        if param:
            fmt = formats.name_of(param)
            return fmt if fmt in offered else None
        return negotiate.choose(accept, offered)

    def _not_acceptable(self, offered) -> Response:
        types = ", ".join(formats.FORMATS[f].media[0] for f in offered)
        return _text_error(406, f"none of the formats in Accept can be served here; "
                           f"available: {types}")

    async def service_description(self, request: Request) -> Response:
        fmt = self._format(request, request.query_params.get("format"),
                           negotiate.GRAPH_NAMES)
        if fmt is None:
            return self._not_acceptable(negotiate.GRAPH_NAMES)
        endpoint = str(request.url.replace(query=""))
        return Response(service_description(endpoint, fmt), media_type=_media(fmt))

    # pages

    def _catalogue(self):
        hit = self.cache.get("catalogue-object")
        if hit is not None:
            return hit[1]
        cat = pages.catalogue(self.backend)
        if self.backend.immutable:
            self.cache.put_object("catalogue-object", cat)
        return cat

    async def home(self, request: Request) -> Response:
        def build():
            page = pages.home_page(self._catalogue(), LINK, self.backend.description)
            return 200, page.encode(), "text/html; charset=utf-8"
        return await self._guard_html(self._cached("home", build))

    async def browse(self, request: Request) -> Response:
        def build():
            return 200, pages.browse_page(self._catalogue(), LINK).encode(), \
                "text/html; charset=utf-8"
        return await self._guard_html(self._cached("browse", build))

    async def _guard_html(self, awaitable) -> Response:
        try:
            return await awaitable
        except InputError as exc:
            return _html_error(_status(exc), str(exc))

    async def entity(self, request: Request) -> Response:
        path = request.path_params["path"]
        fmt = None
        for name in negotiate.ENTITY_NAMES:
            suffix = formats.FORMATS[name].suffix
            if path.endswith(suffix):
                path, fmt = path[: -len(suffix)], name
                break
        iri = ID_IRI + path
        if entity_path(iri) is None:
            return _html_error(404, f"{iri} is not a riskgraph entity IRI")
        if fmt is None:
            fmt = negotiate.choose(request.headers.get("accept"), negotiate.ENTITY_NAMES)
            if fmt is None:
                return self._not_acceptable(negotiate.ENTITY_NAMES)
        response = await self._entity(iri, fmt)
        response.headers["vary"] = "Accept"
        return response

    async def _entity(self, iri: str, fmt: str) -> Response:
        def build():
            if fmt == "html":
                page = pages.entity_page(self.backend, iri, LINK)
                if page is None:
                    return 404, b"", ""
                return 200, page.encode(), "text/html; charset=utf-8"
            if not pages.entity_exists(self.backend, iri):
                return 404, b"", ""
            return 200, pages.entity_rdf(self.backend, iri, fmt), _media(fmt)
        try:
            response = await self._cached(("entity", iri, fmt), build)
        except InputError as exc:
            return _html_error(_status(exc), str(exc))
        if response.status_code == 404:
            return _html_error(404, f"the graph has nothing about {iri}")
        return response

    async def ontology(self, request: Request) -> Response:
        fmt = negotiate.choose(request.headers.get("accept"), negotiate.ENTITY_NAMES)
        if fmt is None:
            return self._not_acceptable(negotiate.ENTITY_NAMES)

        def build():
            if fmt == "html":
                return 200, pages.ontology_page(self.backend, LINK).encode(), \
                    "text/html; charset=utf-8"
            query = ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "
                     f'"{ONTOLOGY_IRI}")) }}')
            return 200, self.backend.sparql(query, "CONSTRUCT", fmt), _media(fmt)
        response = await self._guard_html(self._cached(("ontology", fmt), build))
        response.headers["vary"] = "Accept"
        return response

    async def graph(self, request: Request) -> Response:
        def build():
            with self._graph_lock:
                if self._graph_rendered is None:
                    self._graph_rendered = self._graph_page()
                return self._graph_rendered
        try:
            page = await run_in_threadpool(build)
        except InputError as exc:
            return _html_error(_status(exc), str(exc))
        # The page's own policy (hashes of its inline script), as a header too; never framed.
        return HTMLResponse(page.html,
                            headers={"content-security-policy": _framed_never(page.csp)})

    async def editor(self, request: Request) -> Response:
        page = pages.editor_page(self.queries(), LINK, "/sparql", self.backend.limits.timeout)
        return HTMLResponse(page)

    # canned queries

    def _query_or_none(self, name: str):
        return next((q for q in self.queries() if q.name == name), None)

    async def queries_page(self, request: Request) -> Response:
        return HTMLResponse(pages.queries_page(self.queries(), LINK))

    async def query_page(self, request: Request) -> Response:
        name = request.path_params["name"]
        query = self._query_or_none(name)
        if query is None:
            return _html_error(404, f"there is no canned query named {name!r}")
        values = {k: v for k, v in parse_qsl(request.url.query, keep_blank_values=True)
                  if v != ""}
        run = bool(values) or not any(p.required for p in query.params)
        qs = urlencode(values)
        downloads = {fmt: f"/api/queries/{name}?" + urlencode({**values, "format": fmt})
                     for fmt in ("csv", "json")}

        def build():
            choices = self._choices(query)
            page, ok = pages.query_page(self.backend, query, values, LINK, run=run,
                                        downloads=downloads, choices=choices)
            return (200 if ok else 400), page.encode(), "text/html; charset=utf-8"
        return await self._guard_html(self._cached(("query-page", name, qs), build))

    def _choices(self, query):
        key = ("choices", query.name)
        hit = self.cache.get(key)
        if hit is not None:
            return hit[1]
        choices = pages.param_choices(self.backend, query)
        if self.backend.immutable:
            self.cache.put_object(key, choices)
        return choices

    async def api_list(self, request: Request) -> Response:
        return JSONResponse({"queries": [query_json(q) for q in self.queries()]})

    async def api_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        query = self._query_or_none(name)
        if query is None:
            return JSONResponse({"error": f"there is no canned query named {name!r}"}, 404)
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        fmt = params.pop("format", None)
        fmt = formats.name_of(fmt) if fmt else \
            negotiate.choose(request.headers.get("accept"), negotiate.RESULT_NAMES)
        if fmt not in negotiate.RESULT_NAMES:
            return JSONResponse({"error": "format must be json, csv, tsv or xml"}, 406)
        key = ("api", name, tuple(sorted(params.items())), fmt)

        def build():
            _, result = pages.run_canned(self.backend, query, params)
            media = "application/json" if fmt == "json" else _media(fmt)
            return 200, write(result, fmt), media
        try:
            response = await self._cached(key, build)
        except InputError as exc:
            return JSONResponse({"error": str(exc)}, _status(exc))
        if fmt in ("csv", "tsv"):
            response.headers["content-disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document(self.queries()))


def _framed_never(policy: str) -> str:
    """``policy`` with ``frame-ancestors 'none'`` (a <meta> CSP cannot carry it, so the
    graph page's own policy lacks it)."""
    if "frame-ancestors" in policy:
        return policy
    return policy.rstrip().rstrip(";") + "; frame-ancestors 'none'"


def _media(fmt: str) -> str:
    return formats.FORMATS[fmt].content_type


def query_json(query) -> dict:
    return {"name": query.name, "summary": query.summary, "description": query.description,
            "tags": query.tags, "form": query.form, "url": f"/api/queries/{query.name}",
            "params": [{"name": p.name, "required": p.required, "type": p.type_label,
                        "description": p.description, "default": p.default,
                        "example": p.example} for p in query.params]}


def openapi_document(queries) -> dict:
    results = {"description": "SPARQL 1.1 Query Results (JSON by default; CSV, TSV, XML "
                              "by ?format= or Accept)",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/"
                                                                     "Results"}},
                           "text/csv": {"schema": {"type": "string"}}}}
    error = {"description": "bad parameters", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}
    paths: dict = {"/api/queries": {"get": {
        "summary": "Every canned query with its parameters", "operationId": "listQueries",
        "responses": {"200": {"description": "the queries", "content": {
            "application/json": {"schema": {"type": "object"}}}}}}}}
    for q in queries:
        parameters = [{"name": p.name, "in": "query", "required": p.required,
                       "description": (p.type_label + (f": {p.description}" if p.description
                                                        else "")),
                       "schema": {"type": "string", **({"default": p.default} if p.default
                                                       else {})},
                       **({"example": p.example} if p.example else {})} for p in q.params]
        parameters.append({"name": "format", "in": "query", "required": False,
                           "schema": {"type": "string", "enum": ["json", "csv", "tsv", "xml"]}})
        paths[f"/api/queries/{q.name}"] = {"get": {
            "summary": q.summary, "description": q.description, "operationId": q.name,
            "tags": q.tags, "parameters": parameters,
            "responses": {"200": results, "400": error, "503": error}}}
    paths["/sparql"] = {"get": {"summary": "SPARQL 1.1 Protocol query (read-only)",
                                "parameters": [{"name": "query", "in": "query",
                                                "schema": {"type": "string"}}],
                                "responses": {"200": {"description": "results"}}}}
    return {"openapi": "3.1.0",
            "info": {"title": "riskgraph canned-query API", "version": _version(),
                     "description": "Read-only answers to riskgraph's canned queries."},
            "paths": paths,
            "components": {"schemas": {
                "Results": {"type": "object", "properties": {
                    "head": {"type": "object"}, "results": {"type": "object"},
                    "boolean": {"type": "boolean"}}},
                "Error": {"type": "object", "properties": {"error": {"type": "string"}}}}}}


def _version() -> str:
    return __version__


SD = """\
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
[] a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,
    <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
    <http://www.w3.org/ns/formats/SPARQL_Results_CSV>,
    <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
    <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>,
    <http://www.w3.org/ns/formats/JSON-LD>, <http://www.w3.org/ns/formats/RDF_XML> ;
  sd:feature sd:UnionDefaultGraph ;
  dcterms:description "riskgraph: a read-only SPARQL 1.1 endpoint over one graph" ;
  sd:defaultDataset [ a sd:Dataset ;
    sd:defaultGraph [ a sd:Graph ] ;
    sd:namedGraph [ a sd:NamedGraph ; sd:name <{graph}> ] ] .
"""


def _add_body(media: str, text: str, params: list[tuple[str, str]]) -> Response | None:
    """A POST body of the SPARQL Protocol's two query media types, added to ``params``;
    or the refusal of any other body."""
    if media == SPARQL_TEXT:
        if any(k == "query" for k, _ in params):
            return _text_error(400, "give the query either in the body or as the "
                               "query parameter, not both")
        params.append(("query", text))
    elif media == FORM:
        params += parse_qsl(text, keep_blank_values=True)
    elif media == "application/sparql-update":
        return _text_error(400, "this endpoint is read-only: updates are not accepted")
    else:
        return _text_error(415, f"a query is sent as {SPARQL_TEXT} or {FORM}, not "
                           f"{media or 'a body without a Content-Type'}")
    return None


def _refused_params(params: list[tuple[str, str]]) -> Response | None:
    """Why the protocol parameters are refused: an update, or a graph not served here."""
    if any(k == "update" for k, _ in params):
        return _text_error(400, "this endpoint is read-only: updates are not accepted")
    for k, v in params:
        if k in ("default-graph-uri", "named-graph-uri") and v != PROJECT_GRAPH:
            return _text_error(400, f"{k} {v!r} is not served here; this endpoint serves "
                               f"one graph, <{PROJECT_GRAPH}>")
    return None


def service_description(endpoint: str, fmt: str) -> bytes:
    from riskgraph.io.serialize import write_triples

    text = SD.format(endpoint=endpoint.replace(">", "%3E"), graph=PROJECT_GRAPH)
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    return write_triples(triples, fmt, {"sd": SD_IRI})


def create_app(backend, options: ServeOptions | None = None, graph_page=None) -> Starlette:
    """The ASGI app over a started ``backend`` (``riskgraph.serve.backend``)."""
    server = Server(backend, options, graph_page)
    routes = [
        Route("/", server.home),
        Route("/browse", server.browse),
        Route("/sparql", server.sparql, methods=["GET", "POST"]),
        Route("/editor", server.editor),
        Route("/queries", server.queries_page),
        Route("/queries/{name}", server.query_page),
        Route("/api/queries", server.api_list),
        Route("/api/openapi.json", server.openapi),
        Route("/api/queries/{name}", server.api_query),
        Route("/id/{path:path}", server.entity),
        Route("/ns", server.ontology),
        Route("/graph", server.graph),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception,
                                                       Exception: _server_error})
    app.state.server = server
    app.add_middleware(SecurityHeaders)
    return app


__all__ = ["create_app", "ServeOptions", "ResultTooLarge"]
