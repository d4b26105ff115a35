"""The graph page in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

Skipped when Chromium or Playwright is missing, unless RISKGRAPH_REQUIRE_BROWSER=1
(CI sets it), then they fail. Set RISKGRAPH_SCREENSHOT_DIR to keep the screenshot
of the bundled page (the README's docs/screenshot.png is made that way).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from page_helpers import graph_page
from page_measure import ANSWER_SHARE_MIN, OVERLAP_SHARE_MAX, label_stats

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "graph"
ID = "https://w3id.org/riskgraph/id/"
STANDOUT = ID + "mitigation/third-party-pre-deployment-model-audits"
UUK_PAPER = ID + "publication/uuk-2024-effective-mitigations"
EVIL = ID + "mitigation/injection-script-label"
SURVEY = [ID + "mitigation/" + slug for slug in (
    "third-party-pre-deployment-model-audits", "pre-deployment-risk-assessments",
    "safety-incident-reports-and-security-information-sharing")]
VIEW = {"width": 1400, "height": 850}  # the window the readability limits are stated for
# Collects CSP violations and proves no payload ran: set before any page script.
INIT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def _unavailable(why: str):
    if os.environ.get("RISKGRAPH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here but {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def _store_first():
    """Start the bundled store's worker process before Playwright's driver runs: a worker
    forked from a process that already talks to the browser keeps pytest from exiting."""
    from riskgraph.build.stores import open_store
    from riskgraph.query.canned import run_query

    run_query("effective_mitigations", {"area": "CBRN"}, open_store())  # starts the worker


@contextlib.contextmanager
def chromium(profile: Path, width: int = 1300):
    """Headless Chromium with riskgraph's launch flags on a fresh ``profile``; skips, or
    fails when RISKGRAPH_REQUIRE_BROWSER=1, if it cannot run (``_unavailable``)."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=ARGS, headless=True,
            viewport={"width": width, "height": 900})
        yield context
        context.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory, _store_first):
    with chromium(tmp_path_factory.mktemp("chromium-profile"), 1500) as context:
        yield context


class Opened:
    """A page with everything it tried to do recorded."""

    def __init__(self, context, path: Path):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning")
                     and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)
        url = path.resolve().as_uri()
        self.page.route("**/*", self._route(url))
        self.page.add_init_script(INIT)
        self.page.goto(url)
        self.page.wait_for_function("() => window.__riskgraphReady", timeout=60_000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, own_url: str):
        def handle(route) -> None:
            if route.request.url == own_url:
                route.continue_()
            else:  # record and refuse: nothing may leave the page
                self.requests.append(route.request.url)
                route.abort()
        return handle

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def panel_text(self) -> str:
        return self.page.text_content("#panel-body")

    def assert_quiet(self) -> None:
        assert self.errors == []
        assert self.requests == []
        assert self.dialogs == []
        assert self.js("window.__cspViolations") == []


def write(page, out: Path) -> Path:
    out.write_text(page.html, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def bundled(browser, tmp_path_factory):
    result = graph_page()
    out = write(result, tmp_path_factory.mktemp("page") / "riskgraph.html")
    result.path = out
    opened = Opened(browser, out)
    yield result, opened
    opened.page.close()


@pytest.fixture
def page(bundled):
    result, opened = bundled
    opened.page.click("#reset")
    opened.page.fill("#search", "")
    return result, opened


def test_every_node_and_edge_is_rendered(page):
    result, opened = page
    # Every entity and link is in the page; vis-network holds only what is drawn (lazy
    # groups): the groups, each folding its members, with physics off.
    assert opened.js("window.riskgraph.data.nodes.length") == result.node_count
    assert opened.js("window.riskgraph.data.edges.length") == result.edge_count
    groups = opened.js("window.riskgraph.data.groups.filter(g => g.m.length >= 2).length")
    drawn = opened.js("window.riskgraph.network.body.nodeIndices.length")
    outside = opened.js("window.riskgraph.data.nodes.filter((n, i) => "
                        "window.riskgraph.groupOf(i) < 0).length")
    assert drawn == groups + outside and 5 <= groups <= 15 and outside < 200
    assert opened.js("window.riskgraph.nodes.length") == drawn
    # Every link is drawn: between two drawn entities, or once to the folded group(s).
    assert opened.js("""() => { const rg = window.riskgraph, d = rg.data;
        const end = i => rg.isDrawn(i) ? i : 'group:' + rg.groupOf(i);
        const want = new Set();
        d.edges.forEach(([a, b]) => {
          const x = end(a), y = end(b);
          if (x !== y) want.add(x + '|' + y); });
        const have = new Set(rg.edges.get().map(e => e.from + '|' + e.to));
        return want.size === have.size && [...want].every(k => have.has(k)); }""")
    assert opened.page.inner_text("#visible-count") == \
        f"Showing {result.node_count} of {result.node_count} entities"
    assert "riskgraph: bundled graph" in opened.page.title()
    opened.assert_quiet()


def test_clicking_a_node_opens_its_evidence_with_citation_and_safe_links(page):
    _, opened = page
    index = opened.js(f"window.riskgraph.data.nodes.findIndex(n => n.id === {STANDOUT!r})")
    assert index >= 0
    opened.js(f"window.riskgraph.openGroup(window.riskgraph.groupOf({index}))")
    # Drag-like: move the node clear of the others, zoom onto it, then click where the
    # network draws it, as a user would.
    opened.js(f"""() => {{ const net = window.riskgraph.network;
        const box = net.getBoundingBox({index});
        const all = Object.values(net.getPositions());
        const top = Math.min(...all.map(p => p.y)) - 400;
        net.moveNode({index}, 0, top);
        net.moveTo({{position: {{x: 0, y: top}}, scale: 2, animation: false}}); }}""")
    box = opened.page.locator("#network").bounding_box()
    at = opened.js(f"window.riskgraph.network.canvasToDOM("
                   f"window.riskgraph.network.getPositions([{index}])[{index}])")
    opened.page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    opened.page.wait_for_selector("#panel-body h2")
    label = opened.js(f"window.riskgraph.data.nodes[{index}].l")
    assert opened.page.inner_text("#panel-body h2") == label
    text = opened.panel_text()
    assert ">60%" in text and "Uuk" in text and "Evidence" in text
    links = opened.js("""Array.from(document.querySelectorAll('#panel-body a')).map(a =>
        [a.getAttribute('href'), a.target, a.rel])""")
    assert ["https://arxiv.org/abs/2412.02145", "_blank", "noopener noreferrer"] in links
    assert all(href.startswith(("https://", "http://")) for href, _, _ in links)
    # The neighbourhood stays bright; the rest of the graph is dimmed -- except on big
    # pages (over 3,000 nodes, as the bundled graph is since the AI Atlas Nexus import),
    # where graph.js leaves colours alone because recolouring every node per click is slow.
    neighbours = opened.js(f"window.riskgraph.network.getConnectedNodes({index})")
    dimmed = opened.js("window.riskgraph.nodes.get().filter(n => n.color && "
                       "n.color.background === '#e3e6eb').map(n => n.id)")
    if opened.js("window.riskgraph.data.nodes.length") > 3000:
        assert dimmed == []
    else:
        assert dimmed and index not in dimmed and not set(neighbours) & set(dimmed)
    opened.assert_quiet()


def test_related_entities_are_clickable(page):
    _, opened = page
    opened.js(f"window.riskgraph.select({UUK_PAPER!r})")
    before = opened.page.inner_text("#panel-body h2")
    opened.page.locator("#panel-body .related button.linkbtn").first.click()
    assert opened.page.inner_text("#panel-body h2") != before
    opened.assert_quiet()


def test_search_finds_by_label_and_by_code(page):
    _, opened = page
    opened.page.fill("#search", "model weight")
    opened.page.wait_for_function(
        "() => document.getElementById('search-count').textContent !== ''")
    assert "model weight" in opened.page.inner_text("#search-results").lower()
    opened.page.press("#search", "Enter")
    assert "weight" in opened.page.inner_text("#panel-body h2").lower()
    opened.page.fill("#search", "4.2")
    opened.page.press("#search", "Enter")
    assert "4.2" in opened.panel_text()
    opened.page.fill("#search", "no such thing anywhere")
    opened.page.wait_for_function(
        "() => document.getElementById('search-count').textContent === '0 matches'")
    opened.assert_quiet()


def test_filters_by_risk_area_stage_actor_and_class(page):
    result, opened = page
    total = result.node_count
    for facet, value in (("risk area", ID + "concept/area-cbrn"),
                         ("lifecycle stage", ID + "concept/stage-deploy-and-use"),
                         ("actor", ID + "concept/actor-developer")):
        opened.page.click("#reset")
        select = opened.page.locator(f'select[data-facet="{facet}"]')
        index = opened.js(f"window.riskgraph.data.nodes.findIndex(n => n.id === {value!r})")
        position = opened.js(f"""window.riskgraph.data.facets.find(f => f.label === {facet!r})
            .values.findIndex(v => v[1] === {index})""")
        select.select_option(str(position))
        shown = opened.js("window.riskgraph.visibleCount()")
        assert 1 < shown < total, facet
        # Every node left visible belongs to the chosen value (a folded group left visible:
        # every one of its members).
        wrong = opened.js("""([f, v]) => { const rg = window.riskgraph;
              const ok = i => (rg.data.nodes[i].f[f] || []).includes(v);
              return rg.nodes.get().filter(n => !n.hidden && !(typeof n.id === 'number' ? ok(n.id)
                : rg.data.groups[+n.id.slice(6)].m.every(ok))).length; }""",
                          [str(opened.js(f"window.riskgraph.data.facets.findIndex("
                                         f"f => f.label === {facet!r})")), position])
        assert wrong == 0, facet
        assert opened.js(f"""() => {{ const rg = window.riskgraph;
            return rg.nodes.get(rg.isDrawn({index}) ? {index} : 'group:' + rg.groupOf({index}))
              .hidden; }}""") is not True
    opened.page.click("#reset")
    row = opened.page.locator('#legend li[data-class="mitigation"]')
    count = int(row.locator(".count").inner_text())
    row.locator("button").click()
    assert opened.js("window.riskgraph.visibleCount()") == total - count
    assert row.locator("button").get_attribute("aria-pressed") == "false"
    opened.page.click("#reset")
    assert opened.js("window.riskgraph.visibleCount()") == total
    opened.assert_quiet()


def test_reset_of_the_whole_page_after_opening_and_filtering_is_quick_and_folds_again(page):
    """Before lazy groups, a reset restyled every one of the 5,118 entities and kept a
    loaded machine busy past Playwright's default 30 s; it also left groups open."""
    result, opened = page
    initial = opened.js("window.riskgraph.initialDrawn")
    drawn = "window.riskgraph.network.body.nodeIndices.length"
    assert opened.js(drawn) == initial < 200
    biggest = opened.js("""() => { const g = window.riskgraph.data.groups;
        return g.reduce((best, x, k) => x.m.length > g[best].m.length ? k : best, 0); }""")
    opened.js(f"window.riskgraph.openGroup({biggest})")
    assert opened.js(drawn) > initial + 400
    # The source filter: only the chosen dataset's entities stay drawn.
    facet = opened.js("window.riskgraph.data.facets.findIndex(f => f.label === 'source dataset')")
    assert facet >= 0
    position = opened.js(f"""window.riskgraph.data.facets[{facet}].values.findIndex(v =>
        v[0].startsWith('MIT AI Risk Mitigation Database'))""")
    opened.page.locator('select[data-facet="source dataset"]').select_option(str(position))
    shown = opened.js("window.riskgraph.visibleCount()")
    assert 800 < shown < result.node_count
    wrong = opened.js(f"""() => {{ const rg = window.riskgraph;
        const ok = i => (rg.data.nodes[i].f['{facet}'] || []).includes({position});
        return rg.nodes.get().filter(n => !n.hidden && !(typeof n.id === 'number' ? ok(n.id)
          : rg.data.groups[+n.id.slice(6)].m.every(ok))).length; }}""")
    assert wrong == 0
    # Members the filter leaves out are not created (the drawing stays small).
    assert opened.js("window.riskgraph.nodes.length") <= initial + shown
    opened.page.click("#reset")
    # The page answers within Playwright's default timeout, back at its first view.
    opened.page.wait_for_function(f"() => {drawn} === window.riskgraph.initialDrawn")
    assert opened.js("window.riskgraph.nodes.length") == initial
    assert opened.js("window.riskgraph.nodes.get().filter(n => n.hidden).length") == 0
    assert opened.js("window.riskgraph.data.groups.some((g, k) => window.riskgraph.isOpen(k))") \
        is False
    assert opened.js("window.riskgraph.visibleCount()") == result.node_count
    opened.page.fill("#search", "model weight")
    opened.page.wait_for_function(
        "() => document.getElementById('search-count').textContent !== ''")
    opened.assert_quiet()


def test_coverage_matrix_shows_mitigations_per_domain_and_stage(page):
    _, opened = page
    opened.page.click("#show-coverage")
    assert opened.page.is_visible("#coverage table")
    data = opened.js("window.riskgraph.data.coverage")
    rows = opened.page.locator("#coverage tbody tr")
    assert rows.count() == len(data["rows"]) >= 7
    assert opened.page.locator("#coverage thead th").count() == len(data["cols"]) + 2
    first = data["cells"][0]
    cell = opened.page.locator(f'#coverage td[data-cell="{first[0]}:{first[1]}"]')
    assert cell.inner_text() == str(len(first[2]))
    cell.click()
    assert f"{len(first[2])} mitigations" in opened.panel_text()
    gaps = opened.page.locator("#coverage td.gap").count()
    assert gaps == len(data["rows"]) * len(data["cols"]) - len(data["cells"])
    opened.page.click("#hide-coverage")
    assert not opened.page.is_visible("#coverage")
    opened.assert_quiet()


def test_csp_blocks_script_injected_at_run_time(bundled, browser):
    # A page of its own: the browser reports the refusal asynchronously, and a late
    # report must not land in the shared page other tests check for silence.
    result, _ = bundled
    opened = Opened(browser, result.path)
    try:
        opened.js("""() => { const s = document.createElement('script');
            s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }""")
        assert opened.js("window.__injected") is None
        assert any("script-src" in v for v in opened.js("window.__cspViolations"))
        for _ in range(100):
            if any("Content Security Policy" in e for e in opened.errors):
                break
            opened.page.wait_for_timeout(100)
        assert any("Content Security Policy" in e for e in opened.errors)
    finally:
        opened.page.close()


def test_physics_toggle(page):
    _, opened = page
    opened.page.check("#physics")
    assert opened.js("window.riskgraph.network.physics.options.enabled") is True
    opened.page.uncheck("#physics")
    assert opened.js("window.riskgraph.network.physics.options.enabled") is False
    opened.assert_quiet()


def test_screenshot_of_the_bundled_page(bundled, browser, tmp_path):
    result, _ = bundled
    opened = Opened(browser, result.path)  # a fresh load: other tests move nodes about
    try:
        opened.page.set_viewport_size(VIEW)
        opened.page.wait_for_timeout(300)
        shot = tmp_path / "screenshot-whole.png"
        opened.page.screenshot(path=str(shot))
        opened.assert_quiet()
    finally:
        opened.page.close()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def keep_screenshot(shot: Path) -> None:
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    keep = os.environ.get("RISKGRAPH_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / shot.name)


def test_injection_payloads_show_as_text_and_never_run(browser, tmp_path):
    out = write(graph_page(data=[FIXTURES / "injection_payloads.ttl"]),
                tmp_path / "injection.html")
    opened = Opened(browser, out)
    try:
        assert opened.js("window.__pwned") is None
        opened.js(f"window.riskgraph.select({EVIL!r})")  # opens its group
        assert opened.page.inner_text("#panel-body h2") == \
            "<script>window.__pwned = 'label'</script>"
        text = opened.panel_text()
        assert "<img src=x onerror=\"window.__pwned = 'img'\">" in text
        assert "javascript:window.__pwned = 'url'" in text
        assert "<b onmouseover=alert(1)>X</b>" in text
        opened.js(f"window.riskgraph.select({ID + 'publication/injection-paper'!r})")
        assert "</script><script>alert('title')</script>" in opened.panel_text()
        # Payloads became no element, and no link other than plain http(s).
        assert opened.js("document.querySelectorAll('img, iframe, svg, b, object, embed')"
                         ".length") == 0
        assert opened.js("document.querySelectorAll('script').length") == 3
        hrefs = opened.js("Array.from(document.querySelectorAll('a')).map(a => a.href)")
        assert all(h.startswith(("https://", "http://")) for h in hrefs)
        actors = opened.page.locator('select[data-facet="actor"] option').all_inner_texts()
        assert "<script>alert('actor')</script>" in actors
        opened.page.fill("#search", "<script>")
        opened.page.wait_for_function(
            "() => document.getElementById('search-count').textContent !== ''")
        assert "<script>alert('actor')</script>" in opened.page.inner_text("#search-results")
        assert opened.js("window.__pwned") is None
        opened.assert_quiet()
    finally:
        opened.page.close()


def test_a_large_graph_opens_laid_out_and_labels_what_is_zoomed_in(browser, tmp_path):
    from benchmarks.synthetic import generate
    from riskgraph.io.rdf import load_files, ontology_files
    from riskgraph.page.model import build_model
    from riskgraph.page.render import render_model

    model = build_model(generate(26_000) + load_files(ontology_files()))
    assert model.node_count > 3000
    result = render_model(model, title="large", subtitle="synthetic")
    assert result.layout == "groups"
    opened = Opened(browser, write(result, tmp_path / "large.html"))
    try:
        assert opened.js("window.riskgraph.data.nodes.length") == model.node_count
        assert opened.js("window.riskgraph.network.physics.options.enabled") is False
        # A few dozen groups are drawn, all labelled and apart.
        assert opened.js("window.riskgraph.network.body.nodeIndices.length") <= 60
        stats = label_stats(opened.page)
        assert stats.drawn >= 10 and stats.overlap_share <= OVERLAP_SHARE_MAX
        labelled = "() => window.riskgraph.nodes.get().filter(n => n.label).length"
        before = opened.js(labelled)
        assert 0 < before <= 300
        opened.js("window.riskgraph.openGroup(0)")
        members = opened.js("window.riskgraph.data.groups[0].m")
        assert all(opened.js(f"window.riskgraph.isDrawn({i})") for i in members)
        opened.js("""() => { const net = window.riskgraph.network;
                  const m = window.riskgraph.data.groups[0].m[0];
                  net.moveTo({position: net.getPositions([m])[m], scale: 1.5});
                  net.emit('zoom', {}); }""")
        opened.page.wait_for_function(
            f"() => window.riskgraph.nodes.get().filter(n => n.label).length > {before}")
        opened.assert_quiet()
    finally:
        opened.page.close()


# ---- readability: labels that do not collide, an answer that is labelled ------------------

def readable_page(browser, tmp_path, name: str, **options) -> tuple[object, Opened]:
    """A page opened at the 1400x850 window, after its first drawing and declutter pass."""
    page = graph_page(**options)
    opened = Opened(browser, write(page, tmp_path / f"{name}.html"))
    opened.page.set_viewport_size(VIEW)
    opened.js("window.riskgraph.network.fit({animation: false}); window.riskgraph.declutter()")
    opened.page.wait_for_timeout(300)
    return page, opened


@pytest.mark.parametrize("name, options", [
    ("cbrn", {"query": "effective_mitigations", "params": {"area": "CBRN"}}),
    ("developer", {"query": "who_does_what", "params": {"actor": "developer"}}),
    ("focus", {"focus": "mitigation:model-weight-security"}),
    ("whole", {}),
])
def test_labels_do_not_collide_and_the_answer_is_labelled(browser, tmp_path, name, options):
    page, opened = readable_page(browser, tmp_path, name, **options)
    try:
        stats = label_stats(opened.page)
        assert stats.overlap_share <= OVERLAP_SHARE_MAX, stats
        assert stats.answer_share >= ANSWER_SHARE_MIN, stats
        assert stats.drawn >= (20 if name != "whole" else 10), stats
        if options.get("query"):
            assert stats.answer >= 20
        opened.assert_quiet()
    finally:
        opened.page.close()


@pytest.fixture(scope="module")
def cbrn(browser, tmp_path_factory):
    page, opened = readable_page(browser, tmp_path_factory.mktemp("cbrn"), "cbrn",
                                 query="effective_mitigations", params={"area": "CBRN"})
    yield page, opened
    opened.page.close()


def matrix_rows(opened) -> list[str]:
    return opened.js("Array.from(document.querySelectorAll('#matrix tbody tr'))"
                     ".map(r => r.getAttribute('data-row'))")


def test_matrix_shows_the_survey_figures_under_every_risk_area(cbrn):
    _, opened = cbrn
    headers = opened.page.locator("#matrix thead th").all_inner_texts()
    assert [h.strip() for h in headers] == ["Mitigation", "Stage \u00b7 actor", "CBRN", "CI",
                                            "DB", "DP"]
    assert opened.page.locator("#matrix caption").count() == 1
    for iri in SURVEY:
        cells = opened.page.locator(f'#matrix tr[data-row="{iri}"] td[data-col]').all_inner_texts()
        assert len(cells) == 4 and all(">60%" in c for c in cells), (iri, cells)
    others = [r for r in matrix_rows(opened) if r not in SURVEY]
    assert others
    for iri in others:  # the other measures are riskgraph's readings, marked as such
        text = " ".join(opened.page.locator(f'#matrix tr[data-row="{iri}"] td[data-col]')
                        .all_inner_texts())
        assert ">60%" not in text and "curated" in text
    opened.assert_quiet()


def test_matrix_sorts_by_a_column_and_by_name(cbrn):
    _, opened = cbrn
    before = matrix_rows(opened)
    opened.page.click('#matrix button[data-sort="-1"]')
    by_name = matrix_rows(opened)
    labels = opened.js("Array.from(document.querySelectorAll('#matrix tbody th'))"
                       ".map(t => t.textContent)")
    assert labels == sorted(labels, key=str.casefold) and sorted(by_name) == sorted(before)
    assert opened.page.get_attribute("#matrix thead th:first-child", "aria-sort") == "ascending"
    cbrn_col = opened.js("window.riskgraph.data.matrix.cols.findIndex(c => c[2] === 'CBRN')")
    opened.page.click(f'#matrix button[data-sort="{cbrn_col}"]')
    assert set(matrix_rows(opened)[:3]) == set(SURVEY)  # strongest evidence first
    assert opened.page.get_attribute(f"#matrix thead th:nth-child({cbrn_col + 3})",
                                     "aria-sort") == "descending"
    opened.page.click(f'#matrix button[data-sort="{cbrn_col}"]')
    assert not set(matrix_rows(opened)[:3]) & set(SURVEY)
    opened.assert_quiet()


def test_matrix_cell_click_opens_the_evidence_panel(cbrn):
    _, opened = cbrn
    opened.page.click(f'#matrix tr[data-row="{STANDOUT}"] td[data-col] button >> nth=0')
    text = opened.panel_text()
    assert "\u00d7" in opened.page.inner_text("#panel-body h2")
    assert ">60%" in text and "Uuk" in text and "Evidence" in text
    opened.assert_quiet()


def test_matrix_is_reachable_by_keyboard(cbrn):
    _, opened = cbrn
    opened.page.click("#panel-body")  # start somewhere neutral, then only the keyboard
    opened.js("document.getElementById('search').focus()")
    for _ in range(400):
        opened.page.keyboard.press("Tab")
        if opened.js("document.activeElement.classList.contains('cell')"):
            break
    else:
        pytest.fail("Tab never reached a matrix cell")
    opened.js("document.getElementById('panel-body').textContent = ''")
    opened.page.keyboard.press("Enter")
    assert "Evidence" in opened.panel_text()
    opened.assert_quiet()


def test_stage_and_actor_show_on_the_answer_page_without_a_click(cbrn):
    """The answer page folded stages and actors into a group."""
    _, opened = cbrn
    rows = opened.js("""() => { const rg = window.riskgraph, d = rg.data;
        const mitigation = d.classes.findIndex(c => c.iri.endsWith('#Mitigation'));
        const linked = (i, prop) => d.edges.filter(e => e[0] === i && d.props[e[2]] === prop)
            .map(e => d.nodes[e[1]].l).sort();
        return d.nodes.map((n, i) => [n, i]).filter(([n]) => n.a && n.c === mitigation)
            .map(([n, i]) => ({id: n.id, stages: linked(i, 'lifecycleStage'),
                               actors: linked(i, 'responsibleActor'),
                               label: rg.network.body.nodes[i].options.label})); }""")
    assert len(rows) >= 10
    matrix_rows = 0
    for row in rows:
        assert row["stages"] and row["actors"], row
        # on the graph: the second line of its label (shortened past a line)
        line = row["label"].split("\n")[-1]
        full = ", ".join(row["stages"]) + " \u00b7 " + ", ".join(row["actors"])
        assert line == full or line.endswith("\u2026") and full.startswith(line[:-1]), row
        # in the matrix, beside it (its rows are the mitigations with assessments; a
        # mitigation in the answer through claims only has no row there)
        cells = opened.page.locator(f'#matrix tr[data-row="{row["id"]}"]')
        if not cells.count():
            continue
        matrix_rows += 1
        assert cells.locator("td.where .stage").inner_text().replace("\n", " ") == \
            ", ".join(row["stages"])
        assert cells.locator("td.where .actor").inner_text().replace("\n", " ") == \
            ", ".join(row["actors"])
        assert cells.locator("td.where").is_visible()
    assert matrix_rows >= 10
    opened.assert_quiet()


def test_search_lists_the_answer_first_near_the_search_box(cbrn):
    """The catalogue's "KYC screenings (A1029)" came before the answer's own mitigation,
    and results were listed under the legend."""
    _, opened = cbrn
    opened.page.fill("#search", "kyc")
    opened.page.wait_for_function(
        "() => document.getElementById('search-count').textContent !== ''")
    hits = opened.page.locator("#search-results li")
    assert hits.count() >= 2
    kinds = [hits.nth(k).get_attribute("class") == "answer" for k in range(hits.count())]
    assert kinds[0] and kinds == sorted(kinds, reverse=True)
    assert hits.first.locator("button").inner_text() == "KYC screenings"
    assert any("A1029" in t for t in hits.all_inner_texts())
    results = opened.page.locator("#search-results").bounding_box()
    legend = opened.page.locator("#legend").bounding_box()
    assert results["y"] < legend["y"] and results["y"] + results["height"] < VIEW["height"]
    opened.page.fill("#search", "")
    opened.assert_quiet()


def test_a_group_opens_on_double_click(cbrn):
    _, opened = cbrn
    gid = opened.js("window.riskgraph.data.groups.findIndex(g => g.m.length >= 2)")
    assert opened.js(f"window.riskgraph.isOpen({gid})") is False
    assert opened.js(f"window.riskgraph.network.body.nodes['group:{gid}'] !== undefined")
    box = opened.page.locator("#network").bounding_box()
    at = opened.js(f"window.riskgraph.network.canvasToDOM(window.riskgraph.network"
                   f".getPositions(['group:{gid}'])['group:{gid}'])")
    opened.page.mouse.dblclick(box["x"] + at["x"], box["y"] + at["y"])
    opened.page.wait_for_function(
        f"() => window.riskgraph.network.body.nodes['group:{gid}'] === undefined")
    member = opened.js(f"window.riskgraph.data.groups[{gid}].m[0]")
    assert member in opened.js("window.riskgraph.network.body.nodeIndices")
    opened.assert_quiet()


def test_screenshots_of_the_answer_page_and_its_matrix(browser, tmp_path):
    _, opened = readable_page(browser, tmp_path, "shot", query="effective_mitigations",
                              params={"area": "CBRN"})
    try:
        opened.js(f"window.riskgraph.select({STANDOUT!r})")
        opened.js("window.riskgraph.network.fit({animation: false}); window.riskgraph.declutter()")
        opened.page.wait_for_timeout(300)
        shot = tmp_path / "screenshot.png"
        opened.page.screenshot(path=str(shot))
        matrix = tmp_path / "screenshot-matrix.png"
        opened.page.locator("#matrix-box").screenshot(path=str(matrix))
        opened.assert_quiet()
    finally:
        opened.page.close()
    keep_screenshot(shot)
    keep_screenshot(matrix)


CONTRAST = """() => {
  // WCAG contrast of every visible text element against its nearest opaque background.
  const lum = (c) => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((x) => {
    x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const opaque = (c) => {
    const m = c.match(/[\\d.]+/g); return m && (m.length < 4 || +m[3] === 1); };
  const bad = [];
  for (const e of document.querySelectorAll("body *")) {
    // Legend symbols are aria-hidden pictures of the shape: the text beside them names it.
    if (!e.offsetParent || e.closest("#network, script, style, [aria-hidden=true]")) continue;
    const own = Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    let b = e, bg = null;
    while (b) {
      const c = getComputedStyle(b).backgroundColor;
      if (opaque(c)) { bg = c; break; }
      b = b.parentElement;
    }
    const fg = getComputedStyle(e).color, a = lum(fg), z = lum(bg || "rgb(255,255,255)");
    const ratio = (Math.max(a, z) + 0.05) / (Math.min(a, z) + 0.05);
    if (ratio < 4.5) bad.push([e.tagName, e.className, e.textContent.slice(0, 30), fg, bg,
                               ratio.toFixed(2)]);
  }
  return bad;
}"""


def test_text_contrast_is_at_least_4_5_to_1(cbrn):
    _, opened = cbrn
    opened.js(f"window.riskgraph.select({STANDOUT!r})")  # the panel with its badges
    assert opened.js(CONTRAST) == []


def _looks(opened) -> dict[str, set[tuple[str, str]]]:
    """Class IRI -> the (shape, colour) of every entity of it that vis-network draws."""
    found = opened.js("""() => { const rg = window.riskgraph, d = rg.data, out = {};
        rg.network.body.nodeIndices.filter(id => typeof id === 'number').forEach(id => {
          const o = rg.network.body.nodes[id].options, iri = d.classes[d.nodes[id].c].iri;
          (out[iri] = out[iri] || []).push([o.shape, o.color.background]); });
        return out; }""")
    return {iri: {tuple(x) for x in looks} for iri, looks in found.items()}


def test_a_class_has_one_shape_and_colour_on_answer_focus_and_whole_pages(bundled, browser,
                                                                          tmp_path):
    """Shapes and colours were handed out by frequency per page: a mitigation was an orange
    diamond on the CBRN answer, a green hexagon on a focus page, a down-triangle on the
    whole graph."""
    _, whole = bundled
    whole.page.click("#reset")
    pages = {"whole": _looks(whole)}
    for name, options in (("answer", {"query": "effective_mitigations",
                                      "params": {"area": "CBRN"}}),
                          ("focus", {"focus": "mitigation:model-weight-security"})):
        page, opened = readable_page(browser, tmp_path, name, **options)
        try:
            for k, group in enumerate(opened.js("window.riskgraph.data.groups")):
                if len(group["m"]) >= 2:
                    opened.js(f"window.riskgraph.openGroup({k})")
            pages[name] = _looks(opened)
            opened.assert_quiet()
        finally:
            opened.page.close()
    mitigation = "https://w3id.org/riskgraph/ns#Mitigation"
    assert all(mitigation in looks for looks in pages.values())
    seen: dict[str, set] = {}
    for looks in pages.values():
        for iri, found in looks.items():
            assert len(found) == 1, (iri, found)  # one look per class on a page
            seen.setdefault(iri, set()).update(found)
    assert {iri: found for iri, found in seen.items() if len(found) > 1} == {}
    assert pages["answer"][mitigation] == {("diamond", "#D55E00")}


def test_the_whole_graph_opens_on_the_curated_evidence_layer_and_its_largest_group_reads(
        browser, tmp_path):
    """The whole graph opened on 57 groups, 20 of them "mapping record ..." with cut-off
    labels; opening "mitigation (46)" dropped unlabelled nodes over the groups beside it."""
    page, opened = readable_page(browser, tmp_path, "whole")
    try:
        first = opened.js("""() => { const rg = window.riskgraph, d = rg.data;
            const cls = i => d.classes[d.nodes[i].c].iri.split('#')[1];
            const drawn = rg.network.body.nodeIndices.filter(id => typeof id === 'number');
            return drawn.map(i => [cls(i), rg.network.body.nodes[i].options.label || '']); }""")
        classes = {c for c, _ in first}
        assert {"RiskArea", "Assessment", "Mitigation", "Risk"} <= classes
        labelled = [c for c, text in first if text and c in ("RiskArea", "Mitigation", "Risk")]
        assert len(labelled) >= 40
        groups = opened.js("window.riskgraph.data.groups.filter(g => g.m.length >= 2)")
        assert 5 <= len(groups) <= 15
        assert not [g["w"] for g in groups if "\u2026" in g["w"]]  # no cut-off group label
        assert sum("mapping record" in g["l"] for g in groups) == 1
        stats = label_stats(opened.page)
        assert stats.overlap_share <= OVERLAP_SHARE_MAX and stats.drawn >= 40, stats
        biggest = max(range(len(groups)), key=lambda k: len(groups[k]["m"]))
        k = opened.js(f"window.riskgraph.data.groups.indexOf("
                      f"window.riskgraph.data.groups.filter(g => g.m.length >= 2)[{biggest}])")
        opened.js(f"window.riskgraph.openGroup({k})")
        opened.page.wait_for_timeout(300)
        opened.js("window.riskgraph.declutter()")
        stats = label_stats(opened.page)
        assert stats.overlap_share <= OVERLAP_SHARE_MAX, stats
        # Zoomed in on the opened members: labelled, and still apart.
        opened.js(f"""() => {{ const rg = window.riskgraph, net = rg.network;
            const m = rg.data.groups[{k}].m[0];
            net.moveTo({{position: net.getPositions([m])[m], scale: 1}});
            net.emit('zoom', {{}}); }}""")
        opened.page.wait_for_timeout(600)
        opened.js("window.riskgraph.declutter()")
        stats = label_stats(opened.page)
        assert stats.drawn >= 10 and stats.overlap_share <= OVERLAP_SHARE_MAX, stats
        opened.assert_quiet()
    finally:
        opened.page.close()
