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


@pytest.fixture(scope="session")
def store():
    """The bundled graph's store, for the tests of the questions."""
    from riskgraph.store.choose import default_store

    return default_store()


@pytest.fixture(scope="module")
def refusing_server():
    """A loopback server that answers every request 500 and records it in ``seen``: a
    test module's own (tests/loopback_http.py), to show that nothing reached it."""
    from loopback_http import refusing

    server = refusing()
    yield server
    server.shutdown()
    server.server_close()


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
