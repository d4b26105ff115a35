"""Shared test fixtures: an in-process CLI runner and an isolated build cache."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

_CACHE = pytest.StashKey[tuple]()

# The slowest files (about a minute or more each on 2 cores), started first so that the
# two workers finish together rather than one waiting on a long file picked up last.
SLOW_FIRST = ("test_validate", "test_site", "test_contrib", "test_import_nexus",
              "test_signals_query", "test_signals_build", "test_validate_fast", "test_api",
              "test_cli", "test_graph_model", "test_graph_browser", "test_timelimit")


def pytest_collection_modifyitems(config, items):
    """The slowest files first (``--dist loadfile`` hands files out in this order)."""
    def rank(item) -> int:
        stem = item.path.stem
        return SLOW_FIRST.index(stem) if stem in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # stable: the order within a file stays


def pytest_configure(config):
    """Every test run builds into its own cache, never the user's. The controlling process
    makes it, so that pytest-xdist's workers (started later, with this environment) share
    one cache and the bundled graph is built and reasoned once per run, not per worker."""
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller set RISKGRAPH_CACHE
    cache = Path(tempfile.mkdtemp(prefix="riskgraph-test-cache-"))
    config.stash[_CACHE] = (cache, os.environ.get("RISKGRAPH_CACHE"))
    os.environ["RISKGRAPH_CACHE"] = str(cache)
    if getattr(config.option, "numprocesses", None):
        from riskgraph.build.cache import ensure_cached_graph

        ensure_cached_graph()  # once, before the workers start


def pytest_unconfigure(config):
    if _CACHE not in config.stash:
        return
    cache, old = config.stash[_CACHE]
    shutil.rmtree(cache, ignore_errors=True)
    if old is None:
        os.environ.pop("RISKGRAPH_CACHE", None)
    else:
        os.environ["RISKGRAPH_CACHE"] = old


@pytest.fixture
def _isolated_cache() -> Path:
    """The run's build cache (see ``pytest_configure``)."""
    return Path(os.environ["RISKGRAPH_CACHE"])


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
    from riskgraph.build.stores import default_store

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
