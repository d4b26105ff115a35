"""``riskgraph serve``'s pages in a real headless Chromium (Debian's, through Playwright).

Every page is opened with all requests recorded: anything not to this server is
refused and fails the test, as do console errors and CSP violations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from serve_process import start

pytestmark = pytest.mark.browser

# One browser set-up for every page test (launch flags, the CSP watcher, the skip rule).
from test_graph_browser import INIT, chromium  # noqa: E402, F401

FIXTURES = Path(__file__).parents[1] / "fixtures" / "graph"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile"), 1300) as context:
        yield context


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = start(tmp_path_factory.mktemp("serve"), "--data",
                   str(FIXTURES / "injection_payloads.ttl"))
    yield served
    served.stop()


class Opened:
    def __init__(self, context, base: str, path: str):
        self.base = base
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning")
                     and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.errors.append("dialog: " + d.message),
                                          d.dismiss()))
        self.page.route("**/*", self._route)
        self.page.add_init_script(INIT)
        self.page.goto(base + path)

    def _route(self, route) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def assert_quiet(self) -> None:
        assert self.errors == []
        assert self.requests == []
        assert self.page.evaluate("window.__cspViolations") == []
        assert self.page.evaluate("window.__pwned") is None


@pytest.fixture
def opened(browser, server):
    pages = []

    def open_(path: str) -> Opened:
        page = Opened(browser, server.base, path)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.page.close()


def test_editor_runs_a_typed_query_and_shows_rows(opened):
    page = opened("/editor")
    page.page.wait_for_function("() => window.__riskgraphReady")
    page.page.fill("#query", "PREFIX rg: <https://w3id.org/riskgraph/ns#>\n"
                   "SELECT ?m ?id WHERE { ?m rg:navigatorId ?id } ORDER BY ?id LIMIT 5")
    assert page.page.locator("#highlight .tok-kw").count() >= 4  # highlighted as typed
    page.page.click("#run")
    page.page.wait_for_selector("#results table tbody tr")
    assert page.page.locator("#results table tbody tr").count() == 5
    assert page.page.inner_text("#results thead").split() == ["m", "id"]
    # An entity IRI in the answer links to its page on this server.
    assert page.page.get_attribute("#results tbody tr:first-child a", "href").startswith("/id/")
    page.assert_quiet()


def test_editor_shows_a_refusal_as_text(opened):
    page = opened("/editor")
    page.page.wait_for_function("() => window.__riskgraphReady")
    page.page.fill("#query", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    page.page.click("#run")
    page.page.wait_for_selector("#results .error")
    assert "SERVICE is not allowed" in page.page.inner_text("#results .error")
    # Chromium logs every 4xx answer to fetch(); that one is expected, nothing else.
    expected = "Failed to load resource: the server responded with a status of 400"
    assert [e for e in page.errors if expected in e] != []
    page.errors = [e for e in page.errors if expected not in e]
    page.assert_quiet()


def test_entity_page_of_a_standout_measure_shows_the_figure_and_citation(opened):
    page = opened("/id/mitigation/pre-deployment-risk-assessments")
    evidence = page.page.inner_text("section.evidence")
    assert ">60%" in evidence
    assert "Uuk et al. (2024), Effective Mitigations for Systemic Risks" in evidence
    link = page.page.locator("section.evidence a[href='https://arxiv.org/abs/2412.02145']")
    assert link.count() >= 1
    assert page.page.locator("svg.nbh circle").count() > 3
    page.assert_quiet()


def test_navigator_measure_a1446_page(opened):
    page = opened("/id/mitigation/model-weight-security")
    assert "A1446" in page.page.inner_text("dl.codes")
    assert page.page.locator("section.evidence tbody tr").count() > 0
    page.assert_quiet()


def test_hostile_data_is_shown_as_text(opened):
    page = opened("/id/mitigation/injection-script-label")
    assert page.page.inner_text("h1") == "<script>window.__pwned = 'label'</script>"
    page.assert_quiet()


def test_canned_query_form_runs_and_shows_an_escaped_table(opened):
    page = opened("/queries/effective_mitigations")
    page.page.fill("#param-area", "CBRN")
    with page.page.expect_navigation():
        page.page.click("form.params button[type=submit]")
    rows = page.page.locator("table.results tbody tr")
    assert rows.count() > 0
    assert "area=CBRN" in page.page.url
    csv = page.page.get_attribute("p.downloads a:first-child", "href")
    assert csv.startswith("/api/queries/effective_mitigations?") and "format=csv" in csv
    page.assert_quiet()


def test_graph_page_is_served_with_its_own_policy(opened):
    page = opened("/graph")
    page.page.wait_for_function("() => window.__riskgraphReady", timeout=120_000)
    assert page.page.evaluate("window.riskgraph.data.nodes.length") > 100
    page.assert_quiet()
