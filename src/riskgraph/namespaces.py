"""riskgraph's namespaces, every prefix it knows, and IRI <-> prefixed name.

The one place prefixes live: ``PREFIXES`` (written into every serialisation riskgraph
produces), ``KNOWN_PREFIXES`` (those plus rdf: and rdfs:, which readers of results
and front matter may use), ``compact()``, ``expand()`` and ``bind_prefixes(graph)``.
This module does not import rdflib (``riskgraph query`` stays light); ``RG`` (the
closed project namespace, made from ``RG_TERMS``) and ``ID`` load it on first use.
"""

from __future__ import annotations

import re

BASE = "https://w3id.org/riskgraph/"
RG_IRI = BASE + "ns#"
ID_IRI = BASE + "id/"
# The named graph riskgraph loads its data into, locally and on a SPARQL server.
PROJECT_GRAPH = BASE + "graph"
RGSH_IRI = BASE + "shapes#"  # riskgraph's shapes and its own constraints

RDF_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_IRI = "http://www.w3.org/2000/01/rdf-schema#"
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
OWL_IRI = "http://www.w3.org/2002/07/owl#"
SKOS_IRI = "http://www.w3.org/2004/02/skos/core#"
PROV_IRI = "http://www.w3.org/ns/prov#"
DCTERMS_IRI = "http://purl.org/dc/terms/"
BIBO_IRI = "http://purl.org/ontology/bibo/"
SCHEMA_IRI = "https://schema.org/"
VOID_IRI = "http://rdfs.org/ns/void#"
SD_IRI = "http://www.w3.org/ns/sparql-service-description#"
# Named in mappings (SSSOM) and alignments, not written into every serialisation.
SEMAPV_IRI = "https://w3id.org/semapv/vocab/"
MAPPING_PREFIXES = {"semapv": SEMAPV_IRI, "airo": "https://w3id.org/airo#",
                    "dpv": "https://w3id.org/dpv#", "dpv-risk": "https://w3id.org/dpv/risk#"}

# Characters an IRI may not hold where it is written <...> (IRIREF of Turtle, N-Triples
# and SPARQL): what keeps an IRI from ending early or changing the text around it.
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def __getattr__(name: str):
    # RG (closed: a misspelt term fails) and ID need rdflib, so they are made on first use.
    if name == "RG":
        value = _closed_namespace()
    elif name == "ID":
        from rdflib import Namespace

        value = Namespace(ID_IRI)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def _closed_namespace():
    """``rg:`` as an rdflib ``DefinedNamespace`` that fails on an undeclared term."""
    from rdflib.namespace import DefinedNamespace, Namespace
    from rdflib.term import URIRef

    return type("RG", (DefinedNamespace,), {"_NS": Namespace(RG_IRI), "_fail": True,
                                             "__annotations__": dict.fromkeys(RG_TERMS, URIRef)})


# The terms of rg:, as declared in ontology/riskgraph.ttl; RG accepts these only, so a
# misspelt term (RG.Mitigaton) fails. tests/project/test_layout.py checks that each is declared
# there, as is every rg: term used in src/ and queries/. A term new to code goes here too.
RG_TERMS = (
    "Actor", "ActorTask", "Assessment", "Benchmark", "CausalCategory", "Claim", "Comparator",
    "Dataset", "DelphiStudy", "Evidence", "ExpertSurvey", "Figure", "LifecycleStage", "Measure",
    "Mitigation", "MitigationCategory", "Paper", "Publication", "PublicationType", "Report",
    "Risk", "RiskArea", "RiskCategory", "RiskDomain", "RiskJudgement", "RiskOrCategory",
    "RiskSubdomain", "RmfFunction", "Scenario", "Source", "Stance", "Study", "WebPage",
    "actorTask", "arxivId", "asStated", "assessedFor", "assessedMitigation", "authorList",
    "causalEntity", "causalIntent", "causalTiming", "citedVersion", "classifiedBy", "comparator",
    "concernsRisk", "coversSubdomain", "derivedByCuration", "fromStudy", "hasAssessment",
    "hasFigure", "inSubdomain", "judgedRisk", "lifecycleStage", "locator", "measure",
    "mitigatedBy", "mitigates", "mitigationCategory", "navigatorId", "organisation", "outOf",
    "preliminary", "proposes", "questions", "reason", "relatedMitigation", "reportedIn",
    "reports", "respondentCount", "responsibleActor", "responsibleFor", "rmfFunction",
    "roundCount", "scenario", "sourceNote", "stageOrder", "stance", "studiedMitigation",
    "studiedMitigationCount", "studiedRiskArea", "subjectArea", "supports", "taskStage", "value",
    "venue", "withinRiskArea", "workingLabel",
    # the imported catalogues (riskgraph import nexus) and their provenance
    "CatalogueMitigation", "CatalogueRisk", "ControlCategory", "Incident", "MappingRecord",
    "RiskGroup", "SourceDataset", "addresses", "confidence", "controlCategory",
    "exemplifiesRisk", "forActorTask", "licenceNote", "mappingAuthor", "mappingDate",
    "mappingJustification", "mappingObject", "mappingPredicate", "mappingSet",
    "mappingSubject", "nistFunction", "retrievedOn", "sha256", "similarityScore",
    "sourceObjectId", "sourceRow", "sourceSubjectId",
    # who placed a statement, and the evidence grades (ontology/rules/evidence-grade.rq)
    "CuratedLink", "EvidenceGrade", "GradeLevel", "curatedProperty", "gradeFor", "gradeLevel",
    "gradeOf", "gradeRank", "linkObject", "linkPredicate", "linkSubject", "sourcedProperty",
    # the MIT AI Risk Repository and the AI Incident Database (riskgraph import mit-repository,
    # riskgraph import aiid)
    "LocatedReference", "RepositoryRiskCategory", "RepositoryRiskSubcategory", "allegedDeployer",
    "allegedDeveloper", "allegedHarmedParty", "mitDomain", "mitEntity", "mitIntent",
    "mitSubdomain", "mitTiming", "page", "referenceFor", "sameIncidentAs", "taxonomyCode",
)


# Kinds of instance IRI: https://w3id.org/riskgraph/id/<kind>/<slug>
ID_KINDS = (
    "risk", "mitigation", "publication", "source", "person", "organisation",
    "study", "assessment", "judgement", "claim", "figure", "concept", "scheme", "agent",
    "dataset", "mapping", "incident", "grade", "curation",
)
ID_PATTERN = re.compile(
    r"^https://w3id\.org/riskgraph/id/(" + "|".join(ID_KINDS) + r")/[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"
)

# Prefixes written into every serialisation riskgraph produces.
PREFIXES = {
    "rg": RG_IRI,
    "skos": SKOS_IRI,
    "prov": PROV_IRI,
    "dcterms": DCTERMS_IRI,
    "bibo": BIBO_IRI,
    "schema": SCHEMA_IRI,
    "owl": OWL_IRI,
    "xsd": XSD_IRI,
    "void": VOID_IRI,
    **{kind: f"{ID_IRI}{kind}/" for kind in ID_KINDS},
}

# Every prefix riskgraph reads or shows: the above plus rdf: and rdfs:, which rdflib
# binds by itself in serialisations.
KNOWN_PREFIXES = {**PREFIXES, "rdf": RDF_IRI, "rdfs": RDFS_IRI}


def compact(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """``iri`` as a prefixed name under the longest known namespace that covers it,
    else ``iri`` unchanged. A local name that would not read back (empty, or with a
    space) leaves the IRI unchanged too."""
    prefixes = KNOWN_PREFIXES if prefixes is None else prefixes
    best = max(((p, ns) for p, ns in prefixes.items() if iri.startswith(ns)),
               key=lambda item: len(item[1]), default=None)
    if best is None:
        return iri
    local = iri[len(best[1]):]
    return f"{best[0]}:{local}" if local and " " not in local else iri


def expand(name: str, prefixes: dict[str, str] | None = None) -> str | None:
    """The IRI a prefixed name such as ``concept:mit-4.2`` stands for, or None when it
    is not one (no colon, an unknown prefix, or a URL such as ``http://...``)."""
    prefix, colon, local = name.partition(":")
    if not colon or local.startswith("//"):
        return None
    namespace = (KNOWN_PREFIXES if prefixes is None else prefixes).get(prefix)
    return namespace + local if namespace is not None else None


def bind_prefixes(graph, prefixes: dict[str, str] | None = None):
    """Bind riskgraph's prefixes in an rdflib graph (replacing other bindings of
    those names); returns the graph."""
    for prefix, namespace in (PREFIXES if prefixes is None else prefixes).items():
        graph.bind(prefix, namespace, override=True)
    return graph
