"""The Python API: riskgraph.load, KnowledgeGraph.query, graph_page, validate, errors.

Also runs every Python code block of docs/api.md and of the README's "Python"
section, and docs/example.py, so the documentation stays true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest

import riskgraph
from riskgraph.query.results import QueryResult, Term

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "fixtures" / "valid" / "new_mitigation_with_assessment.ttl"
HEAVY = ("rdflib", "pyshacl", "owlready2", "networkx", "pyvis")
STANDOUT = "https://w3id.org/riskgraph/id/mitigation/pre-deployment-risk-assessments"


@pytest.fixture(scope="module")
def kg():
    with riskgraph.load() as graph:
        yield graph


def _children() -> set[int]:
    """This process's children, zombies included, except multiprocessing's resource
    tracker (started once per process by ``spawn`` in other tests; it ends with us)."""
    from multiprocessing import resource_tracker

    tracker = resource_tracker._resource_tracker._pid
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and int(stat.parent.name) != tracker:
            found.add(int(stat.parent.name))
    return found


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_import_is_light():
    code = ("import sys, riskgraph\n"
            f"print(sorted(m for m in {HEAVY!r} + ('pyoxigraph',) if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_are_exported_and_typed():
    for name in riskgraph.__all__:
        assert hasattr(riskgraph, name), name
    assert (Path(riskgraph.__file__).parent / "py.typed").is_file()
    assert issubclass(riskgraph.UnsafeQuery, riskgraph.InputError)
    assert issubclass(riskgraph.QueryTimeout, riskgraph.InputError)
    assert issubclass(riskgraph.ValidationError, riskgraph.CheckFailed)
    assert issubclass(riskgraph.InputError, riskgraph.RiskgraphError)


def test_list_queries_gives_names_summaries_and_params():
    queries = {q.name: q for q in riskgraph.list_queries()}
    assert "effective_mitigations" in queries
    area = queries["effective_mitigations"].param("area")
    assert area is not None and area.default == "CBRN" and not area.required
    assert all(q.summary for q in queries.values())


def test_canned_query_with_friendly_value(kg):
    res = kg.query("effective_mitigations", area="CBRN")
    assert "label" in res.variables and len(res) == len(res.rows) > 0
    rows = res.to_dicts()
    figures = [r for r in rows if ">60% (share of the experts who rated it" in r["evidence"]]
    assert {r["mitigation"] for r in figures} >= {STANDOUT}
    # the same answer when the area is named by its label instead of its code
    by_label = kg.query("effective_mitigations", area="critical infrastructure")
    assert len(by_label) > 0 and by_label.rows != res.rows


def test_own_sparql_gives_plain_python_values(kg):
    res = kg.query("""PREFIX rg: <https://w3id.org/riskgraph/ns#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT (COUNT(?m) AS ?n) (1.5 AS ?d) (true AS ?b) ("2024-12-03"^^xsd:date AS ?day)
        WHERE { ?m a rg:Mitigation }""")
    row = res.to_dicts()[0]
    assert isinstance(row["n"], int) and row["n"] >= 42
    assert row["d"] == Decimal("1.5") and row["b"] is True
    assert row["day"].isoformat() == "2024-12-03"


def test_own_sparql_binds_underscore_variables_from_keywords(kg):
    res = kg.query("SELECT ?label WHERE { ?_m <http://www.w3.org/2000/01/rdf-schema#label> "
                   "?label }", m=Term("uri", STANDOUT))
    assert [r["label"] for r in res.to_dicts()] == ["Pre-deployment risk assessments"]


def test_unsafe_query_is_refused_before_it_runs(kg):
    with pytest.raises(riskgraph.UnsafeQuery) as caught:
        kg.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert "SERVICE" in str(caught.value)
    with pytest.raises(riskgraph.UnsafeQuery):
        kg.query("DELETE WHERE { ?s ?p ?o }")


def test_bad_arguments_are_input_errors(kg):
    with pytest.raises(riskgraph.InputError, match="no canned query named"):
        kg.query("no_such_query")
    with pytest.raises(riskgraph.InputError, match="is not a known"):
        kg.query("effective_mitigations", area="no such area")
    with pytest.raises(riskgraph.InputError, match="has no parameter"):
        kg.query("effective_mitigations", colour="red")
    for bad in (0, -1, float("nan"), float("inf"), 1e300, "5", True):
        with pytest.raises(riskgraph.InputError, match="timeout"):
            kg.query("graph_summary", timeout=bad)
    with pytest.raises(riskgraph.InputError, match="only one of"):
        riskgraph.load(extra=[VALID], endpoint="http://127.0.0.1:9/sparql")


def test_query_timeout_raises_and_leaves_no_child(kg):
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
    with pytest.raises(riskgraph.QueryTimeout):
        kg.query(slow, timeout=0.5)
    assert not _children()


def test_loop_of_queries_with_timeout_leaks_no_process_or_descriptor(kg):
    """200 queries with a time limit, as before, but 190 of them a one-row query: every
    query with a timeout takes the same path through the store's worker (the request,
    the pipe, the watchdog), whatever it asks, so a descriptor or process left per query
    still shows 190 times over; the canned graph_summary (0.1-0.6 s a run, the whole
    loop's cost before) keeps 10 runs for the canned query's own steps."""
    kg.query("graph_summary", timeout=30)  # warm up: the worker and imports exist
    before = _open_fds()
    for _ in range(10):
        assert len(kg.query("graph_summary", timeout=30)) > 0
    for _ in range(190):
        assert len(kg.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", timeout=30)) == 1
    assert _open_fds() <= before
    kg.close()
    assert not _children()


def test_threaded_callers_get_their_own_answers():
    errors: list[BaseException] = []
    counts: dict[str, int] = {}
    with riskgraph.load() as graph:
        def ask(area: str) -> None:
            try:
                for _ in range(10):
                    counts[area] = len(graph.query("effective_mitigations", area=area,
                                                   timeout=30))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=ask, args=(a,)) for a in ("CBRN", "CI", "DB", "DP")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        expected = {a: len(graph.query("effective_mitigations", area=a)) for a in counts}
    assert not errors and counts == expected and len(counts) == 4
    assert not _children()


def test_load_with_extra_files_reasons_them_in():
    with riskgraph.load(extra=[VALID]) as mine:
        res = mine.query("PREFIX rg: <https://w3id.org/riskgraph/ns#> "
                         "SELECT ?m WHERE { ?m a rg:Mitigation }")
    with riskgraph.load() as bundled:
        base = bundled.query("PREFIX rg: <https://w3id.org/riskgraph/ns#> "
                             "SELECT ?m WHERE { ?m a rg:Mitigation }")
    assert len(res) == len(base) + 1


def test_result_html_is_escaped():
    res = QueryResult(["x"], [{"x": Term("literal", "<script>alert(1)</script>")}])
    shown = res._repr_html_()
    assert "<script>" not in shown and "&lt;script&gt;" in shown


def test_graph_page_is_a_string_that_shows_inline(kg):
    page = kg.graph_page(query="effective_mitigations", area="CBRN")
    assert isinstance(page, str) and page.startswith("<!DOCTYPE html>")
    assert page.node_count > 10 and page.edge_count > 10
    frame = page._repr_html_()
    assert frame.startswith("<iframe srcdoc=\"") and "<script" not in frame
    with pytest.raises(riskgraph.InputError, match="query=NAME"):
        kg.graph_page(area="CBRN")


def test_validate_reports_problems_with_lines():
    good = riskgraph.validate(VALID)
    assert good.conforms
    bad = riskgraph.validate(ROOT / "tests" / "fixtures" / "invalid" / "share_above_one.ttl")
    assert not bad.conforms
    problems = [p for f in bad.files for p in f.problems]
    assert problems and all(p.line for p in problems if p.severity == "Violation")


# --- the documentation runs ---------------------------------------------------------

def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def _readme_python_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- BEGIN python -->(.*?)<!-- END python -->", text, re.S)
    assert match, "README has no Python section"
    return match.group(1)


@pytest.mark.parametrize("source", ["docs/api.md", "README.md"])
def test_documented_code_blocks_run(source, tmp_path):
    text = _readme_python_section() if source == "README.md" else \
        (ROOT / source).read_text(encoding="utf-8")
    blocks = _python_blocks(text)
    assert blocks, f"{source} shows no Python"
    shutil.copy(VALID, tmp_path / "mine.ttl")
    for number, block in enumerate(blocks, 1):
        out = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True,
                             text=True, timeout=300, env={**os.environ})
        assert out.returncode == 0, f"{source} block {number} failed:\n{block}\n{out.stderr}"


def test_example_script_runs(tmp_path):
    """Without an argument it writes into a new temporary directory, never the checkout."""
    before = sorted(p.name for p in ROOT.iterdir())
    out = subprocess.run([sys.executable, str(ROOT / "docs" / "example.py")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "TMPDIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in ROOT.iterdir()) == before
    (written,) = tmp_path.iterdir()
    assert "CBRN:" in out.stdout and (written / "cbrn.html").is_file()
    assert (written / "effective-cbrn.csv").read_text().startswith("label,")


def test_graph_page_draws_the_answer_of_the_graph_it_was_given(tmp_path):
    """The page ran the query on the bundled store whatever graph was loaded: on a store
    without assessments, kg.query gave 0 rows while kg.graph_page drew 102 entities."""
    import pyoxigraph as ox
    from page_helpers import page_data

    from riskgraph.build.cache import ensure_cached_graph
    from riskgraph.store.ondisk import write_store

    assessment = ox.NamedNode("https://w3id.org/riskgraph/ns#Assessment")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = list(ox.parse(path=str(ensure_cached_graph()), format=ox.RdfFormat.N_TRIPLES))
    grade = ox.NamedNode("https://w3id.org/riskgraph/ns#EvidenceGrade")
    gone = {t.subject for t in triples
            if t.predicate == rdf_type and t.object in (assessment, grade)}
    kept = [t for t in triples if t.subject not in gone and t.object not in gone]
    write_store(ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES), tmp_path / "store")
    with riskgraph.load(store=tmp_path / "store") as kg:
        assert kg.query("effective_mitigations", area="CBRN").rows == []
        page = kg.graph_page(query="effective_mitigations", area="CBRN")
    data = page_data(page)
    assert [n for n in data["nodes"] if n["a"]] == []
    assert "the answer is empty" in page.heading
    assert not any("/assessment/" in n["id"] for n in data["nodes"])
    assert page.node_count <= 5  # the risk area the question names, and its own links
