"""The W3C SHACL Core test suite through riskgraph's compiled engine.

Each sht:Validate test of ``../shared/sources/w3c-shacl-tests/core`` (beside the
checkout; ``RISKGRAPH_W3C_SHACL`` names another folder) is one test here: the same
``sh:conforms`` and exactly the expected results, compared on (focus node, path,
value, severity, source shape, source constraint component), as
benchmarks/w3c_shacl.py compares them. Without the suite these tests skip, unless
RISKGRAPH_REQUIRE_W3C=1 or RISKGRAPH_REQUIRE_BROWSER=1 (CI sets them): then they fail.

``test_fallback_shape_by_shape`` runs the tests that use the constructs below again
with those constructs taken from the compiled engine, so that their shapes go to
pyshacl, shape by shape, beside the compiled ones: the results must not change.
"""

from __future__ import annotations

import json
import logging
import os

import pytest
from rdflib.namespace import SH

from benchmarks import w3c_shacl as suite
from riskgraph.validation import compiled

FOLDER = suite.suite_folder()
REQUIRED = any(os.environ.get(name) == "1"
               for name in ("RISKGRAPH_REQUIRE_W3C", "RISKGRAPH_REQUIRE_BROWSER"))
# What the compiled engine gets wrong, by test name, with why (pytest runs them as strict
# xfails, so a fix shows as a failure to remove from here). Today: nothing.
KNOWN: dict[str, str] = {}
# Constructs taken from the compiled engine in test_fallback_shape_by_shape.
LEFT_TO_PYSHACL = {SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.closed,
                   SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.languageIn, SH.xone}


def _cases() -> list:
    if not (FOLDER / "manifest.ttl").is_file():
        return []
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    return suite.load_cases(FOLDER)


CASES = _cases()


def test_the_suite_is_there():
    if not CASES:
        message = f"the W3C SHACL test suite is not at {FOLDER}"
        if REQUIRED:
            pytest.fail(message + " and RISKGRAPH_REQUIRE_W3C (or _BROWSER) is 1")
        pytest.skip(message)
    folders = {case.folder for case in CASES}
    assert {"core/node", "core/property", "core/path", "core/targets"} <= folders
    assert len(CASES) >= 90


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case.name])] if case.name in KNOWN else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_w3c_core(case):
    results = suite.run_compiled(case)
    assert suite.differences(case, results) == []


def _uses(case, params) -> bool:
    return any(case.shapes.triples((None, p, None)) for p in params)


FALLBACK_CASES = [_param(c) for c in CASES if _uses(c, LEFT_TO_PYSHACL)]


@pytest.mark.parametrize("case", FALLBACK_CASES)
def test_fallback_shape_by_shape(case, monkeypatch):
    monkeypatch.setattr(compiled, "NODE_PARAMS", compiled.NODE_PARAMS - LEFT_TO_PYSHACL)
    monkeypatch.setattr(compiled, "PROPERTY_PARAMS", compiled.PROPERTY_PARAMS - LEFT_TO_PYSHACL)
    shapes = compiled.CompiledShapes(case.shapes)
    assert suite.differences(case, suite.shacl_results(case.data, shapes)) == []


def test_fallback_cases_exist(monkeypatch):
    """The shapes of those tests do go to pyshacl, and some runs mix both engines."""
    if not CASES:
        pytest.skip("no suite")
    monkeypatch.setattr(compiled, "NODE_PARAMS", compiled.NODE_PARAMS - LEFT_TO_PYSHACL)
    monkeypatch.setattr(compiled, "PROPERTY_PARAMS", compiled.PROPERTY_PARAMS - LEFT_TO_PYSHACL)
    compiled_by_case = [compiled.CompiledShapes(c.values[0].shapes) for c in FALLBACK_CASES]
    falling_back = [s for s in compiled_by_case if s.fallback]
    assert len(falling_back) >= 15
    assert any(len(s.targeted) > len(s.fallback) for s in falling_back)


# ---------------------------------------------------------------------------
# The same through `riskgraph validate --whole --shapes` and `validate(shapes=)`
# ---------------------------------------------------------------------------
def _file(name: str):
    return FOLDER / name


@pytest.mark.skipif(not CASES, reason="no suite")
def test_command_line_with_the_suites_own_files(run_cli):
    """qualified-001: data and shapes in two files; the JSON names the component."""
    result = run_cli("validate", "--whole", "--format", "json", "--shapes",
                     str(_file("node/qualified-001-shapes.ttl")),
                     str(_file("node/qualified-001-data.ttl")))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    found = [(r["entity"], r["constraint"]) for f in report["files"] for e in f["entities"]
             for r in e["results"]]
    assert found == [("ex:i", "sh:ClassConstraintComponent")]


@pytest.mark.skipif(not CASES, reason="no suite")
def test_library_with_the_suites_own_files():
    """validation-reports/shared: a result reached twice is reported twice with a
    user's shapes, as the suite expects."""
    from riskgraph.validation.api import validate

    report = validate([_file("validation-reports/shared-data.ttl")], whole=True,
                      shapes=_file("validation-reports/shared-shapes.ttl"))
    assert report.engine == "compiled" and not report.conforms
    assert [(p.entity, p.component) for p in report.problems] == [
        ("ex:j", "sh:ClassConstraintComponent")] * 2
