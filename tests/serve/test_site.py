"""``riskgraph site``: a static site whose every internal link resolves, with offline search.

The site is written once for the module (with the injection-payload fixture, so
hostile data is checked on static pages too), then crawled; Chromium checks
the search and that no page requests anything from elsewhere.
"""

from __future__ import annotations

import functools
import http.server
import os
import posixpath
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from riskgraph.errors import InputError
from riskgraph.serve.site import MARKER, write_site

FIXTURES = Path(__file__).parents[1] / "fixtures" / "graph"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "public"
    result = write_site(out, [FIXTURES / "injection_payloads.ttl"])
    return result


class Links:
    """What a page's tags say: its links, its ids, inline scripts and event handlers.

    Read with lxml's HTML parser (libxml2): the site has over 11,000 pages and
    the standard library's pure-Python ``HTMLParser`` spent about 100 s of CPU on
    them; lxml reads the same tags (attribute values unescaped alike) in about 7 s.
    """

    def __init__(self, text: str) -> None:
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts_inline = 0
        self.handlers: list[str] = []
        for el in lxml.html.document_fromstring(text).iter():
            if not isinstance(el.tag, str):  # comments, processing instructions
                continue
            attrs = el.attrib
            for name in ("href", "src"):
                if attrs.get(name):
                    self.links.append(attrs[name])
            if "id" in attrs:
                self.ids.add(attrs["id"])
            self.handlers += [n for n in attrs if n.startswith("on")]
            if (el.tag == "script" and not attrs.get("src")
                    and attrs.get("type") != "application/json" and (el.text or "").strip()):
                self.scripts_inline += 1


@functools.cache
def parse(path: Path) -> Links:
    return Links(path.read_text(encoding="utf-8"))


def _site_files(root: Path) -> set[str]:
    """Every regular file under root, as a normalised path; the site holds no symlink."""
    files = set()
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            assert not os.path.islink(os.path.join(folder, name)), f"symlink {folder}/{name}"
        files.update(os.path.join(folder, name) for name in names)
    return files


def test_site_is_complete_and_marked(site):
    root = site.path
    assert (root / MARKER).is_file()
    for name in ("index.html", "browse.html", "ns.html", "queries.html", "graph.html",
                 "search.html", "sitemap.xml", "static/search-index.js",
                 "static/search-index.json", "static/style.css",
                 "id/mitigation/pre-deployment-risk-assessments.html",
                 "id/mitigation/pre-deployment-risk-assessments.ttl",
                 "queries/effective_mitigations.csv", "queries/effective_mitigations.json"):
        assert (root / name).is_file(), name
    assert site.entities > 500
    # Nothing left beside the folder.
    assert [p.name for p in root.parent.iterdir()] == [root.name]


def test_every_internal_link_resolves(site):
    """Crawl from index.html: every relative link names a file inside the site (and an id on
    an HTML target), and every page is reached.

    Targets are resolved as strings (``posixpath.normpath``) against one listing of the
    site's files, once per (folder, link): 419,000 links cost 14 s of ``lstat`` through
    ``Path.resolve`` before. The listing refuses symlinks, so a normalised path names
    exactly the file ``resolve`` would have found.
    """
    root = str(site.path.resolve())
    files = _site_files(Path(root))
    pages = sorted(f for f in files if f.endswith(".html"))
    start = posixpath.join(root, "index.html")
    reached, queue = {start}, [start]
    resolved: dict[tuple[str, str], str] = {}
    while queue:
        page = queue.pop()
        folder = posixpath.dirname(page)
        for link in parse(Path(page)).links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme and not parts.netloc, f"{page}: {link}"
            if not parts.path:
                target = page
            elif (target := resolved.get((folder, parts.path))) is None:
                target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
                resolved[folder, parts.path] = target
                assert target.startswith(root + "/"), f"{page}: {link} leaves the site"
                assert target in files, f"{page}: broken link {link}"
            if parts.fragment and target.endswith(".html"):
                assert parts.fragment in parse(Path(target)).ids, f"{page}: no #{parts.fragment}"
            if target.endswith(".html") and target not in reached:
                reached.add(target)
                queue.append(target)
    unreached = [posixpath.relpath(p, root) for p in pages if p not in reached]
    assert unreached == [], unreached[:10]


def test_pages_carry_a_strict_policy_and_no_inline_code(site):
    for page in site.path.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'http-equiv="Content-Security-Policy"' in text, page
        if page.name == "graph.html":  # the graph page has its own hash-based policy
            continue
        links = parse(page)
        assert links.scripts_inline == 0 and links.handlers == [], page
        assert "unsafe-inline" not in text


def test_hostile_data_is_escaped_on_static_pages(site):
    page = (site.path / "id/mitigation/injection-script-label.html").read_text()
    assert "<script>window.__pwned" not in page
    assert "&lt;script&gt;window.__pwned" in page
    assert 'href="javascript:' not in page


def test_sitemap_lists_every_page(site):
    sitemap = (site.path / "sitemap.xml").read_text()
    pages = list(site.path.rglob("*.html"))
    assert sitemap.count("<loc>") == len(pages)
    assert "<loc>https://w3id.org/riskgraph/id/mitigation/model-weight-security.html</loc>" \
        in sitemap


def test_refuses_to_replace_a_symlink_or_a_foreign_folder(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not a riskgraph site"):
        write_site(foreign)
    link = tmp_path / "link"
    link.symlink_to(foreign)
    with pytest.raises(InputError, match="symbolic link"):
        write_site(link)
    assert (foreign / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "mine"]


# --- in Chromium -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def hosted(site):
    handler = functools.partial(Quiet, directory=str(site.path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
def test_search_finds_an_entity_by_code_offline(hosted, tmp_path_factory):
    from test_graph_browser import INIT, chromium

    errors, outside = [], []
    with chromium(tmp_path_factory.mktemp("site-chromium")) as browser:
        page = browser.new_page()
        page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(r):
            if r.request.url.startswith(hosted + "/"):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()
        page.route("**/*", route)
        page.add_init_script(INIT)
        page.goto(hosted + "/search.html")
        page.wait_for_function("() => window.__riskgraphReady")
        page.fill("#search", "A1446")
        first = page.locator("#search-results li a").first
        # the survey's name for A1446 (the database's, since the crosswalk; the old
        # working label is kept as an alternative label)
        assert first.inner_text().startswith("Advanced information security")
        with page.expect_navigation():
            first.click()
        assert page.url.endswith("/id/mitigation/model-weight-security.html")
        assert "A1446" in page.inner_text("dl.codes")
        for path in ("/index.html", "/id/mitigation/pre-deployment-risk-assessments.html",
                     "/queries/effective_mitigations.html", "/ns.html",
                     "/id/mitigation/injection-script-label.html"):
            page.goto(hosted + path)
            assert page.evaluate("window.__pwned") is None
            assert page.evaluate("window.__cspViolations") == []
        page.goto(hosted + "/id/mitigation/pre-deployment-risk-assessments.html")
        assert ">60%" in page.inner_text("section.evidence")
    assert errors == [] and outside == []


def test_site_command_is_registered(run_cli):
    result = run_cli("site", "--help")
    assert result.exit_code == 0 and "static website" in result.output
