"""An unexpected failure inside ``riskgraph serve`` reaches the client as a short message;
the traceback goes to the log only. The app runs in-process under Starlette's test
client (no socket: what is under test is the app's error handling, not HTTP) with a
backend that fails as a bug would."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from riskgraph.serve.app import create_app
from riskgraph.serve.negotiate import choose, parse_accept
from riskgraph.serve.pool import Limits


class BrokenBackend:
    immutable = False
    description = "a broken backend"
    limits = Limits()
    store = None

    def select(self, *args, **kwargs):
        raise RuntimeError("secret internal detail")

    def sparql(self, *args, **kwargs):
        raise RuntimeError("secret internal detail")

    select_internal = select


@pytest.fixture(scope="module")
def broken():
    with TestClient(create_app(BrokenBackend()), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("path", ["/id/mitigation/anything", "/sparql?query=ASK%7B%7D",
                                  "/browse"])
def test_internal_errors_show_no_traceback(broken, path, caplog):
    with caplog.at_level(logging.ERROR, logger="riskgraph.serve"):
        response = broken.get(path)
    assert response.status_code == 500
    assert response.content == b"internal error; the server's log has the details\n"
    assert "secret internal detail" in caplog.text  # the log keeps it


@pytest.mark.parametrize("header,offered,expected", [
    (None, ("html", "ttl"), "html"),
    ("*/*", ("json", "xml"), "json"),
    ("text/turtle;q=0.9, application/ld+json", ("html", "ttl", "jsonld"), "jsonld"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     ("html", "ttl"), "html"),
    ("application/sparql-results+json,application/json,text/javascript", ("json", "xml"),
     "json"),
    ("text/*", ("json", "csv"), "csv"),
    ("image/png", ("html", "ttl"), None),
    ("text/turtle;q=0", ("ttl", "nt"), None),
])
def test_content_negotiation(header, offered, expected):
    assert choose(header, offered) == expected


def test_accept_with_bad_q_is_not_an_error():
    assert parse_accept("text/html;q=abc") == [("text/html", 0.0)]
