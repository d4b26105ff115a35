"""The CLI in-process: exit codes, help on every command, build outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph import __version__
from riskgraph.cli import cli
from riskgraph.cli.registry import COMMANDS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "foundation"


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
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


# --- issue 10, case 12: never a traceback; signals end a command by unwinding ---------

def test_an_unexpected_exception_is_one_line_asking_for_a_report(monkeypatch):
    from click.testing import CliRunner

    import riskgraph.build.pipeline as pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "check", broken)
    result = CliRunner().invoke(cli, ["reason"])
    assert result.exit_code == 2
    assert "unexpected ZeroDivisionError" in result.output and "please report" in result.output
    assert "Traceback" not in result.output


def test_the_dead_exit_constants_are_gone():
    import riskgraph.cli as module

    assert not [name for name in vars(module) if name.startswith("EXIT_")]


def test_sigterm_and_sighup_unwind_like_any_exit():
    import signal

    from riskgraph.cli import Terminated, install_signal_handlers

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        for sig in saved:
            signal.signal(sig, signal.SIG_DFL)
        install_signal_handlers()
        for sig in saved:
            cleaned = []
            with pytest.raises(Terminated) as ended:
                try:
                    signal.raise_signal(sig)
                finally:
                    cleaned.append(sig)
            assert ended.value.code == 128 + sig and cleaned == [sig]
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
            install_signal_handlers()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_build_data_with_owl_imports_warns_and_builds(run_cli, tmp_path):
    imports = tmp_path / "imports.ttl"
    imports.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                       "<https://w3id.org/riskgraph/id/source/x> a owl:Ontology ; "
                       "owl:imports <http://127.0.0.1:9/evil.owl> .\n")
    result = run_cli("build", "-o", str(tmp_path / "out"), "--format", "nt", "--data",
                     str(imports))
    assert result.exit_code == 0, result.output
    assert "owl:imports <http://127.0.0.1:9/evil.owl> ignored" in result.output
    assert b"owl#imports" not in (tmp_path / "out" / "riskgraph.nt").read_bytes()


def test_an_os_error_is_a_message_not_a_bug_report(monkeypatch):
    from click.testing import CliRunner

    import riskgraph.build.pipeline as pipeline

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/somewhere/file.ttl")

    monkeypatch.setattr(pipeline, "check", denied)
    result = CliRunner().invoke(cli, ["reason"])
    assert result.exit_code == 2
    assert "error: /somewhere/file.ttl: Permission denied" in result.output
    assert "please report" not in result.output
