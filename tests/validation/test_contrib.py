"""Contributions where contributors work: the SARIF log and GitHub annotations of
`riskgraph validate`, the pre-commit hook and the CI action's script, each run for
real (pre-commit against this repository, the script in a scratch git repository)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from riskgraph.validation.annotations import Finding, github_line, render_github, sarif_log
from riskgraph.validation.api import validate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures"
INVALID = sorted((FIXTURES / "invalid").iterdir())
BIN = Path(sys.executable).parent  # the riskgraph command of this environment
# The shared sources beside the project (../shared), or where RISKGRAPH_SHARED says.
SHARED = Path(os.environ.get("RISKGRAPH_SHARED", ROOT.parent / "shared"))
SARIF_SCHEMA = SHARED / "sources" / "sarif" / "sarif-schema-2.1.0.json"


def relative(path: Path) -> Path:
    return path.relative_to(ROOT)


@pytest.fixture(scope="module")
def reports():
    """Each invalid fixture validated on its own (as a contributor would), paths
    relative to the repository, as SARIF readers expect."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return {path.name: validate([relative(path)]) for path in INVALID}
    finally:
        os.chdir(cwd)


def test_sarif_of_every_invalid_fixture_is_valid_against_the_official_schema(reports):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SARIF_SCHEMA} (../shared is missing)")
    from jsonschema import Draft4Validator

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = Draft4Validator(schema)
    for name, result in reports.items():
        log = json.loads(json.dumps(sarif_log(result)))
        errors = sorted(validator.iter_errors(log), key=str)
        assert not errors, (name, [e.message for e in errors[:3]])
        assert log["runs"][0]["results"], name  # every invalid fixture has a finding


def _written_at(path: Path, line: int, column: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1][column - 1:]


def test_sarif_read_back_points_at_the_offending_statement(reports, tmp_path):
    from sarif import loader  # sarif-tools: an independent SARIF reader

    for name, result in reports.items():
        log_path = tmp_path / f"{name}.sarif"
        log_path.write_text(json.dumps(sarif_log(result)), encoding="utf-8")
        records = loader.load_sarif_file(str(log_path)).get_records()
        assert len(records) == len(result.problems) + sum(
            (f.error is not None) + len(f.ignored) for f in result.files), name
        problems = {(p.message, p.line) for p in result.problems}
        for record in records:
            assert record["Tool"] == "riskgraph"
            assert record["Location"] == f"tests/fixtures/invalid/{name}"
            if record["Code"].startswith("riskgraph/"):
                continue  # the file itself: checked below
            assert any(record["Description"].endswith(m) and record["Line"] == line
                       for m, line in problems), (name, record)
        log = json.loads(log_path.read_text(encoding="utf-8"))
        for entry, problem in zip((r for r in log["runs"][0]["results"]
                                   if not r["ruleId"].startswith("riskgraph/")),
                                  result.problems, strict=True):
            region = entry["locations"][0]["physicalLocation"]["region"]
            written = _written_at(FIXTURES / "invalid" / name, region["startLine"],
                                  region["startColumn"])
            # the column is where the value, the property or the entity is written
            shown = [s.split("@")[0] for s in (problem.value, problem.path, problem.entity)
                     if s] + (["a "] if problem.path == "rdf:type" else [])
            assert any(written.startswith(s) for s in shown), (name, written, shown)
            assert entry["locations"][0]["logicalLocations"][0]["name"] == problem.entity


def test_the_misspelt_property_is_reported_on_its_own_line(reports):
    """The issue's example: the statement's line (35), not the entity's (26)."""
    log = sarif_log(reports["misspelt_property.ttl"])
    run = log["runs"][0]
    (entry,) = [r for r in run["results"] if r["level"] == "error"]
    region = entry["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (35, 17)
    assert entry["ruleId"] == "rgsh:Entity/sh:SPARQLConstraintComponent"
    rule = run["tool"]["driver"]["rules"][entry["ruleIndex"]]
    assert rule["id"] == entry["ruleId"]
    assert entry["properties"]["property"] == "rg:mitigtes"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(ids) == len(set(ids))  # each rule described once


def test_unreadable_file_is_a_sarif_result_with_its_line_and_column(reports):
    log = sarif_log(reports["not_utf8.ttl"])
    (entry,) = log["runs"][0]["results"]
    assert entry["ruleId"] == "riskgraph/unreadable" and entry["level"] == "error"
    region = entry["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 65)


def test_github_annotations_carry_file_line_column_and_message(reports):
    for name, result in reports.items():
        lines = render_github(result).splitlines()
        assert len(lines) == len(result.problems) + sum(
            (f.error is not None) + len(f.ignored) for f in result.files), name
        for line, problem in zip(lines[len(lines) - len(result.problems):], result.problems,
                                 strict=True):
            command = {"Violation": "error", "Warning": "warning", "Info": "notice"}
            assert line.startswith(f"::{command[problem.severity]} file=tests/fixtures/"
                                   f"invalid/{name},line={problem.line},col={problem.column},"
                                   "title=riskgraph "), line
            assert line.split("::", 2)[2].endswith(problem.message.replace("%", "%25"))


def test_github_workflow_command_escaping():
    finding = Finding("riskgraph/unreadable", "warning", "50% of\r\nit: a, b", Path("d:ir/a,b.ttl"),
                      3, 7)
    line = github_line(finding)
    assert line == ("::warning file=d%3Air/a%2Cb.ttl,line=3,col=7,"
                    "title=riskgraph%3A unreadable file::50%25 of%0D%0Ait: a, b")


def test_validate_formats_keep_the_exit_codes(run_cli):
    bad = FIXTURES / "invalid" / "misspelt_property.ttl"
    good = FIXTURES / "valid" / "web_page.jsonld"
    unreadable = FIXTURES / "invalid" / "not_utf8.ttl"
    for fmt in ("sarif", "github"):
        assert run_cli("validate", "--format", fmt, str(good)).exit_code == 0
        assert run_cli("validate", "--format", fmt, str(bad)).exit_code == 1
        assert run_cli("validate", "--format", fmt, str(unreadable)).exit_code == 2
    sarif = run_cli("validate", "--format", "sarif", str(bad))
    assert json.loads(sarif.stdout)["version"] == "2.1.0"


# ---------------------------------------------------------------------------
# pre-commit and the CI action's script, for real in scratch repositories
# ---------------------------------------------------------------------------
def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True, timeout=60).stdout


def scratch_repo(path: Path) -> Path:
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "README.md").write_text("contributions\n", encoding="utf-8")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "start")
    return path


def test_pre_commit_hook_definition():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "riskgraph-validate" and hook["entry"] == "riskgraph validate"
    assert all(re.search(hook["files"], n) for n in ("data/x.ttl", "a.nt", "b.jsonld"))
    assert not re.search(hook["files"], "README.md")
    config = yaml.safe_load((ROOT / "contrib" / "pre-commit-config.yaml").read_text(
        encoding="utf-8"))
    assert config["repos"][0]["hooks"] == [{"id": "riskgraph-validate"}]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.skipif(os.environ.get("RISKGRAPH_PRE_COMMIT") != "1",
                    reason="minutes (pre-commit builds riskgraph's environment from PyPI): "
                           "set RISKGRAPH_PRE_COMMIT=1, as CI (.ci/run) does")
def test_pre_commit_try_repo_passes_a_good_file_and_fails_a_bad_one(tmp_path):
    """One `pre-commit try-repo` run (it builds a fresh environment of this repository,
    dependencies from PyPI, on every call: minutes): the good contribution conforms,
    the bad one fails the hook with riskgraph's message and line."""
    repo = scratch_repo(tmp_path / "contributions")
    shutil.copy(FIXTURES / "valid" / "web_page.jsonld", repo / "good.jsonld")
    shutil.copy(FIXTURES / "invalid" / "misspelt_property.ttl", repo / "bad.ttl")
    git(repo, "add", "-A")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PIP_NO_COMPILE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    run = subprocess.run([str(BIN / "pre-commit"), "try-repo", str(ROOT),
                          "riskgraph-validate", "--files", "good.jsonld", "bad.ttl"],
                         cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "riskgraph validate (SHACL shapes)" in output and "Failed" in output
    assert "good.jsonld: conforms (1 entity)" in output
    assert "bad.ttl: 1 violation, 1 warning" in output
    assert "rg:mitigtes risk:malicious-use (line 35)" in output
    assert "property rg:mitigtes is not declared" in output


SCRIPT = ROOT / "contrib" / "ci" / "validate-changed.sh"


def run_script(repo: Path, base: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess,
                                                              dict[str, str]]:
    outputs = tmp_path / "github-output"
    outputs.write_text("", encoding="utf-8")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "RISKGRAPH_BASE": base, "RISKGRAPH_SARIF": "out/riskgraph.sarif",
           "GITHUB_OUTPUT": str(outputs)}
    env.pop("RISKGRAPH_INSTALL", None)
    (repo / "out").mkdir(exist_ok=True)
    run = subprocess.run(["bash", str(SCRIPT)], cwd=repo, env=env, capture_output=True,
                         text=True, timeout=600)
    said = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return run, said


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_action_script_validates_the_changed_files_and_fails_on_a_bad_one(tmp_path):
    repo = scratch_repo(tmp_path / "contributions")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "data").mkdir()
    shutil.copy(FIXTURES / "valid" / "web_page.jsonld", repo / "data" / "good page.jsonld")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a good contribution")
    run, said = run_script(repo, base, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert said == {"files": "1", "sarif": "out/riskgraph.sarif"}
    log = json.loads((repo / "out" / "riskgraph.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["artifacts"] == [{"location": {"uri": "data/good%20page.jsonld"}}]

    shutil.copy(FIXTURES / "invalid" / "misspelt_property.ttl", repo / "data" / "bad.ttl")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a bad contribution")
    run, said = run_script(repo, base, tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert said["files"] == "2"
    assert ("::error file=data/bad.ttl,line=35,col=17,title=riskgraph violation%3A "
            "rg%3Amitigtes::") in run.stdout
    log = json.loads((repo / "out" / "riskgraph.sarif").read_text(encoding="utf-8"))
    (error,) = [r for r in log["runs"][0]["results"] if r["level"] == "error"]
    assert error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "data/bad.ttl"

    (repo / "notes.md").write_text("no RDF here\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "no data")
    run, said = run_script(repo, "HEAD^", tmp_path)
    assert run.returncode == 0 and "no changed RDF files" in run.stdout
    assert said == {"files": "0", "sarif": ""}
