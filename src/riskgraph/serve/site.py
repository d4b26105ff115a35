"""``riskgraph site``: the server's pages as static files, for any static host.

The site is built in a temporary folder beside the target and renamed into
place, so a reader never sees half a site and a failed run leaves nothing. An
existing riskgraph site (it carries ``.riskgraph-site``) is replaced; a symlink
or any other non-empty folder is refused.
"""

from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox

from riskgraph.io.atomic import (
    check_folder,
    fresh_folder,
    install_folder,
    refuse_overwriting_inputs,
)
from riskgraph.io.formats import FILE_GRAPHS, RESULTS
from riskgraph.io.serialize import write_triples
from riskgraph.namespaces import BASE, PREFIXES
from riskgraph.query.canned import list_queries
from riskgraph.query.formats import write
from riskgraph.serve import pages
from riskgraph.serve.backend import LocalBackend, graph_files
from riskgraph.serve.graphpage import graph_page_of
from riskgraph.serve.html import SITE_CSP, STATIC
from riskgraph.serve.links import Linker, entity_path
from riskgraph.serve.pool import Limits
from riskgraph.version import __version__

MARKER = ".riskgraph-site"
DEFAULT_BASE_URL = BASE


@dataclass
class SiteResult:
    path: Path
    pages: int
    entities: int
    files: int
    seconds: float


def check_target(out: Path) -> None:
    """Refuse a target that is not absent, empty or a riskgraph site."""
    check_folder(out, MARKER, "site")


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        self.pages: list[str] = []
        self._folders: set[Path] = set()  # made already: one mkdir per folder, not per file

    def write(self, rel: str, data: str | bytes) -> None:
        path = self.root / rel
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.count += 1
        if rel.endswith(".html"):
            self.pages.append(rel)


def _default_values(query) -> dict[str, str]:
    values = {}
    for p in query.params:
        if p.default is None and p.required and p.example:
            values[p.name] = str(p.example)
    return values


def write_site(out: Path | str, data: list[Path] | None = None, *, workers: int = 2,
               base_url: str = DEFAULT_BASE_URL) -> SiteResult:
    started = time.monotonic()
    out = Path(out)
    refuse_overwriting_inputs(data or [], folders=[out])
    check_target(out)
    tmp = fresh_folder(out)  # a workspace beside the target; the site is its "site"
    backend = None
    try:
        files = graph_files(data, tmp)
        backend = LocalBackend(files, workers=workers, limits=Limits(timeout=60.0))
        backend.start()
        site = tmp / "site"
        writer = _Writer(site)
        cat = pages.catalogue(backend)
        _write_front_pages(writer, backend, cat, data)
        _write_queries(writer, backend)
        written = _write_entities(writer, backend, cat, workers)
        writer.write("graph.html", graph_page_of(files).html)
        _write_static(writer, site, cat)
        writer.write("sitemap.xml", _sitemap(base_url, writer.pages))
        writer.write(MARKER, json.dumps({"riskgraph": __version__, "entities": written}) + "\n")
        backend.close()
        backend = None
        install_folder(site, out, MARKER, "site")
        return SiteResult(out, len(writer.pages), written, writer.count,
                          time.monotonic() - started)
    finally:
        if backend is not None:
            backend.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _write_front_pages(writer: _Writer, backend: LocalBackend, cat: pages.Catalogue,
                       data: list[Path] | None) -> None:
    top = Linker("", ".html", static=True)
    what = "the bundled graph" + (" with " + ", ".join(Path(p).name for p in data)
                                  if data else "")
    writer.write("index.html", pages.home_page(cat, top, what, SITE_CSP))
    writer.write("browse.html", pages.browse_page(cat, top, SITE_CSP))
    writer.write("ns.html", pages.ontology_page(backend, top, SITE_CSP))
    writer.write("search.html", pages.html.render("search.html.j2", top, SITE_CSP))


def _write_queries(writer: _Writer, backend: LocalBackend) -> None:
    """The list of canned queries, and each one's page run with its default values, with
    its answer as CSV and JSON."""
    queries = list_queries()
    writer.write("queries.html", pages.queries_page(queries, Linker("", ".html", static=True),
                                                    SITE_CSP))
    one = Linker("../", ".html", static=True)
    for query in queries:
        values = _default_values(query)
        downloads = {fmt: query.name + RESULTS[fmt].suffix for fmt in ("csv", "json")}
        page, ok = pages.query_page(backend, query, values, one, run=True,
                                    downloads=downloads, meta_csp=SITE_CSP, choices={})
        writer.write(f"queries/{query.name}.html", page)
        if ok:
            _, result = pages.run_canned(backend, query, values)
            for fmt, name in downloads.items():
                writer.write(f"queries/{name}", write(result, fmt))


def _write_entities(writer: _Writer, backend: LocalBackend, cat: pages.Catalogue,
                    workers: int) -> int:
    """Each entity's page and its RDF (made on threads: the backend's workers answer in
    parallel); the number of entities written."""
    deep = Linker("../../", ".html", static=True)

    def entity(iri: str) -> tuple[str, str | None, dict[str, bytes]]:
        return (iri, *_entity_files(backend, iri, deep))

    iris = [iri for iri in cat.entries if entity_path(iri)]
    written = 0
    with ThreadPoolExecutor(max_workers=max(2, workers * 2)) as threads:
        for iri, entity_html, rdf in threads.map(entity, iris):
            if entity_html is None:
                continue
            path = entity_path(iri)
            assert path is not None  # iris holds entity IRIs only (filtered above)
            rel = "id/" + path
            writer.write(rel + ".html", entity_html)
            for fmt, body in rdf.items():
                writer.write(f"{rel}.{fmt}", body)
            written += 1
    return written


def _entity_files(backend: LocalBackend, iri: str,
                  links: Linker) -> tuple[str | None, dict[str, bytes]]:
    """An entity's page (None if the graph does not know it) and its triples as N-Triples,
    Turtle and JSON-LD."""
    page = pages.entity_page(backend, iri, links, SITE_CSP)
    if page is None:
        return None, {}
    nt = pages.entity_rdf(backend, iri, "nt")
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    return page, {fmt: nt if fmt == "nt" else write_triples(triples, fmt, PREFIXES)
                  for fmt in FILE_GRAPHS}


def _write_static(writer: _Writer, site: Path, cat: pages.Catalogue) -> None:
    """The static assets and the search index of the entity pages written."""
    for asset in STATIC.iterdir():
        if asset.is_file():
            writer.write("static/" + asset.name, asset.read_bytes())
    index = [{"u": "id/" + path + ".html", "l": label, "c": codes, "k": kind}
             for iri, (label, codes, kind) in cat.entries.items()
             if (path := entity_path(iri)) and (site / ("id/" + path + ".html")).is_file()]
    payload = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    writer.write("static/search-index.json", payload)
    writer.write("static/search-index.js", "window.riskgraphSearchIndex = " + payload + ";\n")


def _sitemap(base_url: str, page_paths: list[str]) -> str:
    base = base_url if base_url.endswith("/") else base_url + "/"
    urls = "".join(f"<url><loc>{escape(base + p)}</loc></url>\n" for p in sorted(page_paths))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")
