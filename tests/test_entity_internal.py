"""The static site's entity queries skip the user-query safety parse only for plain IRIs."""

from riskgraph.serve.entity import entity_query, plain_iri


def test_plain_iri_accepts_graph_iris():
    assert plain_iri("https://w3id.org/riskgraph/id/mitigation/model-weight-security")
    assert plain_iri("https://w3id.org/riskgraph/id/risk/a1045-uuk2024")


def test_plain_iri_refuses_anything_that_could_leave_the_brackets():
    for iri in ("https://a/b> } SERVICE <http://evil/", "https://a/b c", 'https://a/"x',
                "https://a/b\\u003e", "https://a/{x}", "file:///etc/passwd", "", "https://"):
        assert not plain_iri(iri), iri


def test_entity_query_holds_the_iri_once_per_template_slot():
    iri = "https://w3id.org/riskgraph/id/mitigation/x"
    assert "SERVICE" not in entity_query(iri).upper()
    assert f"<{iri}>" in entity_query(iri)
