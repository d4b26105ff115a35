"""The CLI in-process: exit codes, help on every command, build outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph import __version__
from riskgraph.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "foundation"


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(run_cli, name):
    result = run_cli(name, "--help")
    assert result.exit_code == 0
    assert "Usage: riskgraph " + name in result.output
    assert "riskgraph " + name in result.output.split("Usage:", 1)[1].split("\n", 1)[1]


def test_unknown_option_is_a_usage_error(run_cli):
    result = run_cli("build", "--no-such-option")
    assert result.exit_code == 2
    assert "Usage:" in result.output and "--no-such-option" in result.output


def test_unknown_command_is_a_usage_error(run_cli):
    result = run_cli("no-such-command")
    assert result.exit_code == 2


def test_build_writes_three_serialisations_and_counts(run_cli, tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["riskgraph.jsonld", "riskgraph.nt",
                                                     "riskgraph.ttl"]
    assert "consistent: yes" in result.output
    assert "instances per class:" in result.output
    for path in out.iterdir():
        assert path.stat().st_size > 0


def test_build_with_a_syntax_error_names_file_and_line_and_writes_nothing(run_cli, tmp_path):
    out = tmp_path / "out"
    bad = FIXTURES / "syntax_missing_dot.ttl"
    result = run_cli("build", "-o", str(out), "--data", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:7:" in result.output
    assert "hint:" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_build_of_inconsistent_data_exits_1_with_explanation(run_cli, tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "-o", str(out), "--data",
                     str(FIXTURES / "inconsistent_mitigation_typed_as_risk.ttl"))
    assert result.exit_code == 1
    assert "mitigation:fixture-confused cannot be both" in result.output
    assert not out.exists()


def test_reason_reports_a_misspelt_term_and_exits_1(run_cli):
    result = run_cli("reason", str(FIXTURES / "misspelt_property.ttl"))
    assert result.exit_code == 1
    assert "rg#mitigtes" in result.output.replace("ns#", "rg#") or "mitigtes" in result.output


def test_missing_input_file_is_an_input_error(run_cli, tmp_path):
    result = run_cli("reason", str(tmp_path / "absent.ttl"))
    assert result.exit_code == 2
    assert "no such file" in result.output
