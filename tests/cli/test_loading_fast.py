"""The fast reader of riskgraph's own files (pyoxigraph's parser, rdflib terms) gives
exactly what rdflib's parser gives, and leaves every refusal to rdflib's messages."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL

from riskgraph import resources
from riskgraph.errors import InputError
from riskgraph.io.rdf import bundled_triples, load_files, ontology_files

SHIPPED = (ontology_files() + resources.data_files()
           + sorted(resources.ontology_dir().glob("shapes*.ttl")))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_reads_the_same_as_with_rdflib(path):
    fast = load_files([path], bundled=True)
    slow = load_files([path])
    assert len(fast) == len(slow) > 0
    assert isomorphic(fast, slow)


def test_terms_are_rdflib_terms_equal_to_rdflibs(tmp_path):
    path = tmp_path / "terms.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\n'
                    '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    'ex:a ex:p "plain", "tagged"@en, "7"^^xsd:integer ;\n'
                    '     ex:q [ ex:r ex:b ] .\n')
    fast = load_files([path], bundled=True)
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/p"),
            Literal("plain")) in fast
    assert Literal("tagged", lang="en") in set(fast.objects())
    assert Literal(7) in set(fast.objects())
    assert isomorphic(fast, load_files([path]))
    assert dict(fast.namespaces())["ex"] == URIRef("http://example.org/")


def test_blank_node_labels_of_two_files_stay_apart(tmp_path):
    for name in ("one", "two"):
        (tmp_path / f"{name}.ttl").write_text(
            f'_:b <http://example.org/name> "{name}" .\n')
    graph = load_files(sorted(tmp_path.glob("*.ttl")), bundled=True)
    assert len(set(graph.subjects())) == 2


@pytest.mark.parametrize("text, message", [
    ("<http://example.org/a> <http://example.org/p> .\n", "bad.ttl:1:"),
    ('<http://example.org/a b> <http://example.org/p> "x" .\n', "contains a space"),
])
def test_a_refused_file_gets_rdflibs_message_with_the_line(tmp_path, text, message):
    path = tmp_path / "bad.ttl"
    path.write_text(text)
    assert bundled_triples(text, "turtle", path) is None  # left to rdflib
    with pytest.raises(InputError) as caught:
        load_files([path], bundled=True)
    shown = str(caught.value)
    assert str(path) in shown or path.name in shown
    assert message in shown


def test_owl_imports_are_dropped_and_reported_on_the_fast_path_too(tmp_path):
    path = tmp_path / "imports.ttl"
    path.write_text("<http://example.org/o> <http://www.w3.org/2002/07/owl#imports> "
                    "<http://127.0.0.1:9/never> .\n<http://example.org/o> a "
                    "<http://www.w3.org/2002/07/owl#Ontology> .\n")
    warnings: list[str] = []
    graph = load_files([path], warnings=warnings, bundled=True)
    assert not list(graph.triples((None, OWL.imports, None)))
    assert len(graph) == 1
    assert len(warnings) == 1 and "never fetches" in warnings[0]
