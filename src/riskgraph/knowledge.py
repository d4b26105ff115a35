"""The Python face of riskgraph: load a graph, ask it questions, draw an answer.

    import riskgraph
    kg = riskgraph.load()
    res = kg.query("effective_mitigations", area="CBRN")
    res.to_dicts()

Everything heavy (rdflib, pyoxigraph, the reasoner, the page code) is imported
inside the functions that need it, so ``import riskgraph`` stays light.
Library messages name arguments; the command line adds its option names.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from riskgraph.errors import InconsistentGraph, InputError
from riskgraph.query.canned import CannedQuery, get_query, parse_query, prepare, run_prepared
from riskgraph.query.canned import list_queries as _list_queries
from riskgraph.query.results import QueryResult, Term

if TYPE_CHECKING:
    from riskgraph.page.render import RenderedPage
    from riskgraph.query.canned import CannedQuery
    from riskgraph.validation.results import ValidationReport

PathArg = str | PathLike[str]
# A canned query is named like a Python identifier; anything else is SPARQL text.
_QUERY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Store(Protocol):
    """What riskgraph needs of a store: the embedded one, an on-disk one or a server."""

    def select(self, text: str, bindings: dict[str, Term] | None = None,
               timeout: float | None = None) -> QueryResult: ...


class GraphPage(str):
    """The graph page as an HTML string; shows itself inline in Jupyter.

    ``node_count`` and ``edge_count`` say what was drawn. Write it with
    ``Path("page.html").write_text(page)``, or use ``riskgraph graph -o``.
    """

    node_count: int
    edge_count: int
    heading: str  # the page's title (``title`` is str's own method)

    def __new__(cls, text: str, *, node_count: int, edge_count: int,
                heading: str) -> GraphPage:
        page = super().__new__(cls, text)
        page.node_count, page.edge_count, page.heading = node_count, edge_count, heading
        return page

    def _repr_html_(self) -> str:
        # srcdoc keeps the page's own Content-Security-Policy and scripts apart
        # from the notebook's; the attribute value is escaped as a whole.
        return (f'<iframe srcdoc="{html.escape(str(self), quote=True)}" '
                f'title="{html.escape(self.heading, quote=True)}" '
                'style="width:100%;height:640px;border:1px solid #ccc" '
                'sandbox="allow-scripts"></iframe>')

    def __repr__(self) -> str:
        return (f"<GraphPage {self.heading!r}: {self.node_count} entities, "
                f"{self.edge_count} links, {len(self):,} characters>")


@dataclass
class KnowledgeGraph:
    """A riskgraph graph you can query: the bundled one, with your files, an
    on-disk store or a SPARQL server. Make one with :func:`riskgraph.load`.

    Use it as a context manager (or call :meth:`close`) to stop its query
    worker at once; it is stopped at exit otherwise.
    """

    store: Store
    source: str
    extra: tuple[Path, ...] = ()
    # What the page draws, read once: the store does not change under a KnowledgeGraph,
    # and reading the bundled graph's 120,000 triples cost 3-8 s per page.
    _drawn: tuple[Any, str | None] | None = field(default=None, init=False, repr=False,
                                                  compare=False)

    def query(self, query: str | CannedQuery, /, *, timeout: float | None = None,
              **params: object) -> QueryResult:
        """Run a canned query by name, or your own read-only SPARQL.

        Parameters are keywords (``area="CBRN"``); friendly values (codes,
        labels, prefixed names) are resolved as on the command line. Your own
        SPARQL may use ``?_name`` variables, bound from the keywords.
        ``timeout`` (seconds) stops a query that runs too long with
        :class:`riskgraph.QueryTimeout`; there is none by default.
        Unsafe queries (``SERVICE``, ``LOAD``, updates, ...) raise
        :class:`riskgraph.UnsafeQuery` before anything runs.
        """
        _check_timeout(timeout)
        if isinstance(query, CannedQuery):
            canned = query
        elif not isinstance(query, str):
            raise InputError(f"query must be a canned query's name or SPARQL text, not "
                             f"{type(query).__name__}")
        elif _QUERY_NAME.fullmatch(query.strip()):
            canned = get_query(query.strip())
        else:
            canned = parse_query(query, "query", canned=False)
        values = {name: _param_text(name, value) for name, value in params.items()}
        prepared = prepare(canned, values, self.store, timeout)
        return run_prepared(prepared, self.store, timeout)

    def graph_page(self, *, query: str | None = None, focus: str | None = None,
                   depth: int = 1, title: str | None = None, layout: str = "auto",
                   **params: object) -> GraphPage:
        """The interactive graph page (one offline HTML document) as a string.

        ``query`` draws a canned query's answer on this graph (its parameters as
        keywords), ``focus`` the neighbourhood of one entity ``depth`` links deep;
        with neither, the whole graph. Files given to :func:`load` are drawn and
        their new entities marked.
        """
        if params and not query:
            raise InputError("query parameters need query=NAME",
                             hint="for example graph_page(query='effective_mitigations', "
                                  "area='CBRN')")
        page = self.render_page(query=query,
                                params={k: _param_text(k, v) for k, v in params.items()},
                                focus=focus, depth=depth, layout=layout, title=title)
        return GraphPage(page.html, node_count=page.node_count, edge_count=page.edge_count,
                         heading=page.title)

    def render_page(self, *, query: str | None = None, params: dict[str, str] | None = None,
                    focus: str | None = None, depth: int = 1,
                    data: Iterable[PathArg] = (), layout: str = "auto",
                    title: str | None = None) -> RenderedPage:
        """The graph page of this graph with what it drew (``riskgraph graph`` prints
        those counts): the query runs on this graph's store, and the page draws this
        graph. ``data`` adds contribution files, drawn as they are (not reasoned over)
        and their new entities marked."""
        from riskgraph.page.render import graph_page

        if self._drawn is None:
            self._drawn = self._page_graph()
        graph, built = self._drawn
        return graph_page(graph, self.store, query, params, focus=focus, depth=depth,
                          data=[*self.extra, *(Path(p) for p in data)], layout_mode=layout,
                          title=title, what=self.source.split(" with ")[0], built=built)

    def __len__(self) -> int:
        result = self.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(result.rows[0]["n"].value)

    def close(self) -> None:
        """Stop the store's query worker, if it has one (idempotent)."""
        close = getattr(self.store, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.source}>"

    @property
    def _is_bundled(self) -> bool:
        return self.source.startswith("bundled")

    def _page_graph(self) -> tuple[Any, str | None]:
        """What the page draws (the graph this store holds) and when it was built.

        The bundled graph (with files given to load: those are drawn as a
        contribution on top) is read from the build cache the store was loaded from;
        any other store or server gives every triple it holds."""
        from riskgraph.page.triples import TripleIndex

        if self._is_bundled:
            from riskgraph.build.cache import ensure_cached_graph

            path = ensure_cached_graph()
            built = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            return TripleIndex.from_ntriples(path), built.strftime("%Y-%m-%d %H:%M UTC")
        from rdflib import Literal, URIRef
        from rdflib.term import BNode

        def node(term: Term) -> Any:
            if term.kind == "uri":
                return URIRef(term.value)
            if term.kind == "bnode":
                return BNode(term.value)
            return Literal(term.value, lang=term.lang,
                           datatype=URIRef(term.datatype) if term.datatype else None)

        rows = self.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows
        return TripleIndex((node(r["s"]), node(r["p"]), node(r["o"])) for r in rows), None


def load(extra: Iterable[PathArg] | PathArg = (), *, store: PathArg | None = None,
         endpoint: str | None = None, graphs: Sequence[str] | None = None,
         user: str | None = None, password: str | None = None) -> KnowledgeGraph:
    """Open a riskgraph graph to query.

    - ``load()``: the bundled ontology, data and inferences (built once into
      the cache, then reused until a bundled file changes).
    - ``load(extra=["mine.ttl"])`` (or ``extra="mine.ttl"``): the same plus your files, checked and
      reasoned over together (raises :class:`riskgraph.InconsistentGraph` if
      they make the graph inconsistent).
    - ``load(store="dir")``: an on-disk store written by ``riskgraph build --store``.
    - ``load(endpoint=URL)``: a SPARQL 1.1 server holding the graph ``riskgraph
      push`` wrote (``graphs`` names other graphs; ``user``/``password`` log in,
      else ``RISKGRAPH_USER``/``RISKGRAPH_PASSWORD`` are used).
    """
    if isinstance(extra, str | PathLike):  # one file, not the characters of its name
        extra = [extra]
    files = tuple(Path(p) for p in extra)
    chosen = [name for name, given in (("extra", files), ("store", store),
                                       ("endpoint", endpoint)) if given]
    if len(chosen) > 1:
        raise InputError(f"give only one of extra, store and endpoint (got {', '.join(chosen)})")
    if (graphs is not None or user is not None or password is not None) and endpoint is None:
        raise InputError("graphs, user and password go with endpoint=URL")
    if endpoint is not None:
        from riskgraph.store.remote import Auth, RemoteStore

        auth = Auth(user, password or "") if user is not None else None
        remote = RemoteStore(endpoint, list(graphs) if graphs is not None else None, auth)
        return KnowledgeGraph(remote, f"endpoint {endpoint}")
    if store is not None:
        from riskgraph.store.local import EmbeddedStore

        return KnowledgeGraph(EmbeddedStore.open(Path(store)), f"store {store}")
    if files:
        return KnowledgeGraph(_store_with(files), "bundled graph with "
                              + ", ".join(p.name for p in files), files)
    from riskgraph.build.stores import default_store

    return KnowledgeGraph(default_store(), "bundled graph")


def _store_with(files: tuple[Path, ...]) -> Store:
    from riskgraph.build.pipeline import check
    from riskgraph.store.local import EmbeddedStore

    checked = check(list(files))
    if not checked.reasoning.consistent:
        clashes = "; ".join(str(c) for c in checked.reasoning.clashes) or "see riskgraph reason"
        raise InconsistentGraph(f"the files make the graph inconsistent: {clashes}")
    if checked.undeclared:
        first = checked.undeclared[0]
        raise InputError(f"undeclared term: {first}", hint="check the spelling against "
                         "ontology/riskgraph.ttl")
    graph = checked.asserted + checked.reasoning.inferred
    return EmbeddedStore.from_ntriples(graph.serialize(format="nt", encoding="utf-8"))


def validate(*files: PathArg, whole: bool = False, engine: str = "auto",
             shapes: PathArg | None = None) -> ValidationReport:
    """Check files against riskgraph's SHACL shapes; with no files, the bundled data.

    Contributions are checked in the context of the bundled graph (they may
    refer to existing entities, and may only add to them); ``whole=True``
    checks the files as a complete dataset on its own. The report has
    ``conforms``, ``problems`` (file, line, entity, property, value, message,
    severity, shape, constraint) and ``to_text()``, ``to_json()``,
    ``to_turtle()``. Unreadable files are reported in it, not raised.
    ``engine="pyshacl"`` uses the reference engine for whole datasets too.
    ``shapes="my-shapes.ttl"`` (with ``whole=True``) checks the files against those
    shapes instead of riskgraph's, as plain SHACL (docs/shacl-conformance.md).
    """
    from riskgraph.validation.api import validate as run

    return run([Path(f) for f in files] or None, whole=whole, engine=engine,
               shapes=None if shapes is None else Path(shapes))


def list_queries() -> list[CannedQuery]:
    """Every canned query (name, summary, description, tags, params), by name."""
    return _list_queries()


def _check_timeout(timeout: float | None) -> None:
    from riskgraph.store.timelimit import check_timeout

    if isinstance(timeout, bool) or not isinstance(timeout, int | float | None):
        raise InputError(f"timeout must be a number of seconds or None, not {timeout!r}")
    check_timeout(timeout)


def _param_text(name: str, value: object) -> str:
    """A keyword value as the text the parameter parser reads."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, Term):
        return f"<{value.value}>" if value.kind == "uri" else value.value
    raise InputError(f"parameter {name!r} takes text, a number or a Term, not "
                     f"{type(value).__name__}")
