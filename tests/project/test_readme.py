"""The README's two set-up commands are true: CI runs the very test command."""

from __future__ import annotations

import re
from pathlib import Path

from riskgraph.cli.registry import COMMANDS

ROOT = Path(__file__).resolve().parents[2]


def setup_commands() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- BEGIN setup -->", 1)[1].split("<!-- END setup -->", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [line.strip() for line in block.splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert len(commands) == 2, commands
    return {"main": commands[0], "tests": commands[1]}


def ci_test_command() -> str:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = script.split("# README-TEST-COMMAND-BEGIN\n", 1)[1].split(
        "# README-TEST-COMMAND-END", 1)[0]
    return block.strip()


def test_ci_runs_exactly_the_readme_test_command():
    assert ci_test_command() == setup_commands()["tests"]


def test_readme_test_command_runs_pytest():
    assert "pytest" in setup_commands()["tests"]
    assert "[test]" in setup_commands()["tests"]


def test_readme_main_command_runs_a_real_command():
    main = setup_commands()["main"]
    subcommand = main.rsplit("riskgraph ", 1)[1].split()[0]
    assert subcommand in COMMANDS


def test_ci_installs_the_system_packages_the_tests_need():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("default-jre-headless", "chromium", "chromium-driver",
                    "virtuoso-opensource-7-bin"):
        assert package in script
    assert "set -euo pipefail" in script


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"riskgraph {name}" in readme, name


def test_readme_documents_the_exit_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for code in ("0", "1", "2"):
        assert f"| {code} |" in table


def test_readme_is_short():
    """A newcomer reads it in five minutes; the rest lives in docs/."""
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) < 250


def test_command_reference_is_current():
    """docs/commands.md is what `python docs/generate_commands.py` writes from --help."""
    import runpy

    generator = runpy.run_path(str(ROOT / "docs" / "generate_commands.py"))
    current = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert current == generator["render"](), \
        "docs/commands.md is stale: run `python docs/generate_commands.py`"


# Written by other work in progress; a link to it is allowed before it lands.
PENDING_DOCS = {"docs/graph-page.md"}


def test_relative_links_in_the_docs_resolve():
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md",
             *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#") or "[" in target:
                continue
            path = (page.parent / target.split("#", 1)[0]).resolve()
            if not path.exists() and str(path.relative_to(ROOT)) not in PENDING_DOCS:
                broken.append(f"{page.name}: {target}")
    assert not broken, broken
