"""Shared test fixtures: an in-process CLI runner and an isolated build cache."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Every test session builds into its own cache, never the user's."""
    import os

    cache = tmp_path_factory.mktemp("riskgraph-cache")
    old = os.environ.get("RISKGRAPH_CACHE")
    os.environ["RISKGRAPH_CACHE"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("RISKGRAPH_CACHE", None)
    else:
        os.environ["RISKGRAPH_CACHE"] = old


@pytest.fixture
def run_cli():
    """Run the riskgraph CLI in-process; returns the click Result."""
    from riskgraph.cli import cli

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def loopback_servers():
    """``start(behaviour)`` for loopback HTTP servers (tests/loopback_http.py), all shut
    down after the test."""
    from loopback_http import start

    started = []

    def run(behaviour):
        started.append(start(behaviour))
        return started[-1]

    yield run
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def bundled_reference():
    """pyshacl's report on the bundled data/ (``validate_bundled``), computed once per
    session: it takes tens of seconds, and several tests compare against it. Tests must
    not change it."""
    from riskgraph.validation.scoped import validate_bundled

    return validate_bundled()


@pytest.fixture(scope="session")
def bundled_check():
    """``riskgraph.build.pipeline.check()`` over the bundled data (HermiT when Java is
    there), computed once per session: several tests read its verdict and a full check
    takes tens of seconds. Tests must not change it (copy a graph before adding to it)."""
    from riskgraph.build.pipeline import check

    return check()


@pytest.fixture(scope="session")
def bundled_data():
    """Every bundled data file parsed into one rdflib graph, once per session (tests that
    read the whole data parsed it again, module by module). Tests must not change it."""
    from riskgraph import resources
    from riskgraph.io.rdf import load_files

    return load_files(resources.data_files())
