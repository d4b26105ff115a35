"""The graph page in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

Skipped when Chromium or Playwright is missing, unless RISKGRAPH_REQUIRE_BROWSER=1
(CI sets it), then they fail. Set RISKGRAPH_SCREENSHOT_DIR to keep the screenshot
of the bundled page (the README's docs/screenshot.png is made that way).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from riskgraph.page.render import render_graph

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIXTURES = Path(__file__).parent / "fixtures" / "graph"
ID = "https://w3id.org/riskgraph/id/"
STANDOUT = ID + "mitigation/third-party-pre-deployment-model-audits"
UUK_PAPER = ID + "publication/uuk-2024-effective-mitigations"
EVIL = ID + "mitigation/injection-script-label"
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
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=ARGS, headless=True,
            viewport={"width": 1500, "height": 900})
        yield context
        context.close()


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


@pytest.fixture(scope="module")
def bundled(browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("page") / "riskgraph.html"
    result = render_graph(None, out)
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
    assert opened.js("window.riskgraph.nodes.length") == result.node_count
    assert opened.js("window.riskgraph.edges.length") == result.edge_count
    # The network itself (not only the data set) holds every node, drawn with physics off.
    assert opened.js("window.riskgraph.network.body.nodeIndices.length") == result.node_count
    assert opened.page.inner_text("#visible-count") == \
        f"Showing {result.node_count} of {result.node_count} entities"
    assert "riskgraph: bundled graph" in opened.page.title()
    opened.assert_quiet()


def test_clicking_a_node_opens_its_evidence_with_citation_and_safe_links(page):
    _, opened = page
    index = opened.js(f"window.riskgraph.data.nodes.findIndex(n => n.id === {STANDOUT!r})")
    assert index >= 0
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
        select.select_option(str(index))
        shown = opened.js("window.riskgraph.visibleCount()")
        assert 1 < shown < total, facet
        # Every node left visible belongs to the chosen value.
        wrong = opened.js("""([f, v]) => window.riskgraph.nodes.get().filter(n => !n.hidden &&
              !((window.riskgraph.data.nodes[n.id].f[f] || []).includes(v))).length""",
                          [str(opened.js(f"window.riskgraph.data.facets.findIndex("
                                         f"f => f.label === {facet!r})")), index])
        assert wrong == 0, facet
        assert opened.js(f"window.riskgraph.nodes.get({index}).hidden") is not True
    opened.page.click("#reset")
    row = opened.page.locator('#legend li[data-class="mitigation"]')
    count = int(row.locator(".count").inner_text())
    row.click()
    assert opened.js("window.riskgraph.visibleCount()") == total - count
    opened.page.click("#reset")
    assert opened.js("window.riskgraph.visibleCount()") == total
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
        opened.js(f"window.riskgraph.select({STANDOUT!r})")
        opened.js("window.riskgraph.network.fit({animation: false})")
        opened.page.wait_for_timeout(300)
        shot = tmp_path / "screenshot.png"
        opened.page.screenshot(path=str(shot))
        opened.assert_quiet()
    finally:
        opened.page.close()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    keep = os.environ.get("RISKGRAPH_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / "screenshot.png")


def test_injection_payloads_show_as_text_and_never_run(browser, tmp_path):
    out = tmp_path / "injection.html"
    render_graph(None, out, data=[FIXTURES / "injection_payloads.ttl"])
    opened = Opened(browser, out)
    try:
        assert opened.js("window.__pwned") is None
        opened.js(f"window.riskgraph.select({EVIL!r})")
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
    out = tmp_path / "large.html"
    result = render_model(model, out, title="large", subtitle="synthetic")
    assert result.layout == "python"
    opened = Opened(browser, out)
    try:
        assert opened.js("window.riskgraph.nodes.length") == model.node_count
        assert opened.js("window.riskgraph.network.physics.options.enabled") is False
        labelled = "() => window.riskgraph.nodes.get().filter(n => n.label).length"
        before = opened.js(labelled)
        assert 0 < before <= 300
        opened.js("() => { const net = window.riskgraph.network;"
                  " net.moveTo({position: {x: 0, y: 0}, scale: 1.5}); net.emit('zoom', {}); }")
        opened.page.wait_for_function(
            f"() => window.riskgraph.nodes.get().filter(n => n.label).length > {before}")
        opened.assert_quiet()
    finally:
        opened.page.close()
