"""riskgraph's namespaces and the IRI pattern its instance data follows."""

from __future__ import annotations

import re

BASE = "https://w3id.org/riskgraph/"
RG_IRI = BASE + "ns#"
ID_IRI = BASE + "id/"
# The named graph riskgraph loads its data into, locally and on a SPARQL server.
PROJECT_GRAPH = BASE + "graph"


def __getattr__(name: str):
    # RG and ID are rdflib Namespaces, made on first use so that importing
    # PREFIXES (as `riskgraph query` does) does not import rdflib.
    if name in ("RG", "ID"):
        from rdflib import Namespace

        value = Namespace(RG_IRI if name == "RG" else ID_IRI)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Kinds of instance IRI: https://w3id.org/riskgraph/id/<kind>/<slug>
ID_KINDS = (
    "risk", "mitigation", "publication", "source", "person", "organisation",
    "study", "assessment", "judgement", "claim", "figure", "concept", "scheme", "agent",
    "dataset", "mapping", "incident",
)
ID_PATTERN = re.compile(
    r"^https://w3id\.org/riskgraph/id/(" + "|".join(ID_KINDS) + r")/[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"
)

# Prefixes written into every serialisation riskgraph produces.
PREFIXES = {
    "rg": RG_IRI,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "bibo": "http://purl.org/ontology/bibo/",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": "http://rdfs.org/ns/void#",
    **{kind: f"{ID_IRI}{kind}/" for kind in ID_KINDS},
}
