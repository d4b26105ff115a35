"""The library patches (riskgraph.patches): each is pinned to the versions it was
written against and to the private part it uses, so that a release that moves the part
fails here, naming the patch; and none changes a library for code outside riskgraph."""

from __future__ import annotations

import inspect
import json
import threading
from importlib.metadata import version

import pytest
from loopback_http import url
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from riskgraph import patches

LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
ID = URIRef("https://w3id.org/riskgraph/id/source/x")
CONTEXT = json.dumps({"@context": {"label": str(LABEL)}}).encode()


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


@pytest.mark.parametrize("patch", sorted(patches.WRITTEN_AGAINST))
def test_each_patch_runs_on_the_versions_it_was_written_against(patch):
    distribution, lowest, beyond = patches.WRITTEN_AGAINST[patch]
    installed = version(distribution)
    assert _release(lowest) <= _release(installed) < _release(beyond), (
        f"riskgraph.patches.{patch} was written against {distribution} {lowest} to "
        f"before {beyond}, and {installed} is installed: check the private part it uses "
        "(tests/project/test_patches.py), then widen WRITTEN_AGAINST")


def test_refuse_jsonld_fetching_private_part_is_where_it_was():
    from rdflib.plugins.shared.jsonld.context import Context

    where = "riskgraph.patches.refuse_jsonld_fetching: rdflib's Context._fetch_context"
    assert hasattr(Context, "_fetch_context"), f"{where} is gone"
    assert list(inspect.signature(Context._fetch_context).parameters) == [
        "self", "source", "base", "referenced_contexts"], f"{where} changed its parameters"
    for caller in (Context._prep_sources, Context._read_source):  # contexts and @import
        assert "self._fetch_context(" in inspect.getsource(caller), (
            f"{where} is no longer called by {caller.__name__}")


def test_java_options_private_part_is_where_it_was():
    from owlready2 import reasoning

    where = "riskgraph.patches.java_options: owlready2's reasoning._subprocess_kargs"
    assert isinstance(getattr(reasoning, "_subprocess_kargs", None), dict), f"{where} is gone"
    assert "**_subprocess_kargs" in inspect.getsource(reasoning.sync_reasoner_hermit), (
        f"{where} is no longer given to HermiT's java command")
    with patches.java_options("-Xfoo"):
        assert "-Xfoo" in reasoning._subprocess_kargs["env"]["JDK_JAVA_OPTIONS"]
    assert "env" not in reasoning._subprocess_kargs  # put back as it was


def test_pyshacl_private_parts_do_what_the_patches_say():
    fill = patches.sparql_message()
    assert fill(None, Literal("{$value} is not {?this}"), {"value": "a", "this": "b"}) == \
        "a is not b", "riskgraph.patches.sparql_message: pyshacl's message filling changed"
    check = patches.datatype_check()
    assert check(None, Literal("3", datatype=XSD.integer), XSD.integer), \
        "riskgraph.patches.datatype_check: pyshacl's datatype test changed"
    assert not check(None, Literal("x", datatype=XSD.integer), XSD.integer), \
        "riskgraph.patches.datatype_check: pyshacl's datatype test changed"


def _document(context_url: str) -> str:
    return json.dumps({"@context": context_url, "@id": str(ID), "label": "x"})


@pytest.fixture
def context_server(loopback_servers):
    return loopback_servers(lambda h, body: h.reply(
        200, {"Content-Type": "application/ld+json"}, CONTEXT))


def test_a_users_own_rdflib_still_loads_remote_contexts(tmp_path, context_server):
    # Before: importing riskgraph.io.rdf replaced rdflib's fetcher for the whole
    # process, so this plain rdflib parse raised riskgraph's refusal.
    import riskgraph  # noqa: F401
    from riskgraph.io.rdf import read_rdf_file

    data = tmp_path / "a.jsonld"
    data.write_text(json.dumps({"@context": {"label": str(LABEL)}, "@id": str(ID),
                                "label": "x"}), encoding="utf-8")
    assert len(read_rdf_file(data).graph) == 1  # riskgraph has loaded a JSON-LD file

    graph = Graph().parse(data=_document(url(context_server, "/c.jsonld")), format="json-ld")
    assert set(graph) == {(ID, LABEL, Literal("x"))}
    assert [path for _, path, _, _ in context_server.seen] == ["/c.jsonld"]


def test_riskgraphs_own_parse_fetches_nothing_even_past_the_walk(tmp_path, context_server):
    from riskgraph.io.rdf import _parse_jsonld

    with pytest.raises(patches.FetchRefused):  # _parse_jsonld alone skips parse_text's walk
        _parse_jsonld(Graph(), _document(url(context_server, "/c.jsonld")),
                      tmp_path / "a.jsonld")
    assert context_server.seen == []


def test_the_refusal_holds_in_riskgraphs_thread_only(context_server):
    from rdflib.plugins.shared.jsonld.context import Context

    rdflibs_own = Context._fetch_context
    document = _document(url(context_server, "/c.jsonld"))
    fetched: list[int] = []

    def users_parse() -> None:
        fetched.append(len(Graph().parse(data=document, format="json-ld")))

    with patches.refuse_jsonld_fetching():
        other = threading.Thread(target=users_parse)
        other.start()
        other.join(30)
        with pytest.raises(patches.FetchRefused):
            Graph().parse(data=document, format="json-ld")
    assert fetched == [1] and len(context_server.seen) == 1
    assert Context._fetch_context is rdflibs_own  # put back once riskgraph's parse ended
