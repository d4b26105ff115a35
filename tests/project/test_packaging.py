"""The wheel carries ontology/, data/ and queries/ and works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out)],
        check=True, capture_output=True, text=True,
    )
    (built,) = out.glob("riskgraph-*.whl")
    return built


def test_wheel_contains_the_knowledge_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "riskgraph/_bundled/ontology/riskgraph.ttl" in names
    assert "riskgraph/_bundled/ontology/alignments.ttl" in names
    data = [n for n in names if n.startswith("riskgraph/_bundled/data/") and n.endswith(".ttl")]
    assert len(data) == len(list((ROOT / "data").rglob("*.ttl")))  # data/external/ too
    assert "riskgraph/_bundled/data/external/nexus/IMPORT-REPORT.md" in names
    assert "riskgraph/_bundled/data/external/nexus/datasets.ttl" in names
    queries = [n for n in names
               if n.startswith("riskgraph/_bundled/queries/") and n.endswith(".rq")]
    assert len(queries) == len(list((ROOT / "queries").glob("*.rq")))


def test_installed_wheel_works_from_another_directory(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "RISKGRAPH_CACHE": str(tmp_path / "cache")}
    where = subprocess.run(
        [sys.executable, "-c", "from riskgraph import resources; print(resources.bundled_root())"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )
    assert where.stdout.strip() == str(site / "riskgraph" / "_bundled")
    helped = subprocess.run([sys.executable, "-m", "riskgraph", "--help"], cwd=elsewhere, env=env,
                            capture_output=True, text=True)
    assert helped.returncode == 0 and "build" in helped.stdout
    built = subprocess.run([sys.executable, "-m", "riskgraph", "build", "-o", "out"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (elsewhere / "out" / "riskgraph.ttl").stat().st_size > 0
