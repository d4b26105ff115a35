"""serve's worker pool is N of the store's own workers (one mechanism: ``timelimit.Worker``,
opened by ``store.local.opener``, asked with ``store.local.execute``'s request): the
pool serves once every worker holds the graph, a worker killed at its time limit is
replaced, a result over the size cap is one ``ResultTooLarge``, and no worker outlives
the pool. A tiny graph in a temporary file, so each worker starts in a moment."""

from __future__ import annotations

import importlib
import json
import os

import pytest
from test_timelimit import COUNT, SLOW, TRIPLES, children, exists, nt

from riskgraph.errors import InputError, QueryTimeout, ResultTooLarge
from riskgraph.serve.pool import Limits, Pool
from riskgraph.store.timelimit import Worker


@pytest.fixture
def graph(tmp_path):
    path = tmp_path / "g.nt"
    path.write_bytes(nt())
    return path


def test_there_is_one_worker_mechanism():
    """Failed before: serve started its own ``python -m riskgraph.serve.worker``."""
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("riskgraph.serve.worker")


def test_pool_workers_are_timelimit_workers_and_one_killed_at_its_limit_is_replaced(graph):
    extra = graph.with_name("extra.nt")  # as serve passes the graph and a --data file
    extra.write_bytes(b"<http://a/x> <http://b> <http://c/x> .\n")
    before = children()
    pool = Pool([graph, extra], size=1, limits=Limits(timeout=0.5))
    pool.start()
    try:
        (worker,) = pool._all
        assert isinstance(worker, Worker) and worker.alive
        answer = json.loads(pool.run(COUNT, "json", timeout=30))
        assert answer["results"]["bindings"][0]["n"]["value"] == str(TRIPLES + 1)  # both files
        with pytest.raises(QueryTimeout):
            pool.run(SLOW, "json")
        assert not worker.alive and not exists(worker.pid)
        with pytest.raises(ChildProcessError):  # killed and reaped
            os.waitpid(worker.pid, os.WNOHANG)
        # the replacement, started in the background, answers the next query
        assert b"true" in pool.run("ASK { ?s ?p ?o }", "json", timeout=60)
        (replacement,) = pool._all
        assert isinstance(replacement, Worker) and replacement.pid != worker.pid
        assert b"<http://c/x>" in pool.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "nt")
        with pytest.raises(ResultTooLarge):
            pool.run("SELECT * WHERE { ?s ?p ?o }", "csv", max_bytes=100)
        assert pool.run("ASK {}", "json")  # the worker answers on after a refused result
    finally:
        pool.close()
    assert not exists(replacement.pid)
    assert children() == before


def test_a_graph_that_does_not_load_stops_the_pool_with_a_message(tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_bytes(b"<http://a/1> <http://b> .\n")
    before = children()
    pool = Pool([bad], size=2)
    with pytest.raises(InputError) as info:
        pool.start()
    assert "cannot load the graph" in str(info.value) and "bad.nt" in str(info.value)
    assert children() == before
