"""The project namespace ``rg:`` as a closed rdflib ``DefinedNamespace``.

A misspelt term (``RG.Mitigaton``) raises ``AttributeError`` instead of quietly
naming an IRI nobody declared. The terms are those declared in
``ontology/riskgraph.ttl``; ``tests/test_layout.py`` checks that every term listed
here and every ``rg:`` term used in ``src/`` and ``queries/`` is declared there.
Imported by ``riskgraph.namespaces.RG`` on first use (it needs rdflib).
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

from riskgraph.namespaces import RG_IRI


class RG(DefinedNamespace):
    _NS = Namespace(RG_IRI)
    _fail = True

    Actor: URIRef
    ActorTask: URIRef
    Assessment: URIRef
    Benchmark: URIRef
    CausalCategory: URIRef
    Claim: URIRef
    Comparator: URIRef
    Dataset: URIRef
    DelphiStudy: URIRef
    Evidence: URIRef
    ExpertSurvey: URIRef
    Figure: URIRef
    LifecycleStage: URIRef
    Measure: URIRef
    Mitigation: URIRef
    MitigationCategory: URIRef
    Paper: URIRef
    Publication: URIRef
    PublicationType: URIRef
    Report: URIRef
    Risk: URIRef
    RiskArea: URIRef
    RiskCategory: URIRef
    RiskDomain: URIRef
    RiskJudgement: URIRef
    RiskOrCategory: URIRef
    RiskSubdomain: URIRef
    RmfFunction: URIRef
    Scenario: URIRef
    Source: URIRef
    Stance: URIRef
    Study: URIRef
    WebPage: URIRef
    actorTask: URIRef
    arxivId: URIRef
    asStated: URIRef
    assessedFor: URIRef
    assessedMitigation: URIRef
    authorList: URIRef
    causalEntity: URIRef
    causalIntent: URIRef
    causalTiming: URIRef
    citedVersion: URIRef
    classifiedBy: URIRef
    comparator: URIRef
    concernsRisk: URIRef
    coversSubdomain: URIRef
    derivedByCuration: URIRef
    fromStudy: URIRef
    hasAssessment: URIRef
    hasFigure: URIRef
    inSubdomain: URIRef
    judgedRisk: URIRef
    lifecycleStage: URIRef
    locator: URIRef
    measure: URIRef
    mitigatedBy: URIRef
    mitigates: URIRef
    mitigationCategory: URIRef
    navigatorId: URIRef
    organisation: URIRef
    outOf: URIRef
    preliminary: URIRef
    proposes: URIRef
    questions: URIRef
    reason: URIRef
    relatedMitigation: URIRef
    reportedIn: URIRef
    reports: URIRef
    respondentCount: URIRef
    responsibleActor: URIRef
    responsibleFor: URIRef
    rmfFunction: URIRef
    roundCount: URIRef
    scenario: URIRef
    sourceNote: URIRef
    stageOrder: URIRef
    stance: URIRef
    studiedMitigation: URIRef
    studiedMitigationCount: URIRef
    studiedRiskArea: URIRef
    subjectArea: URIRef
    supports: URIRef
    taskStage: URIRef
    value: URIRef
    venue: URIRef
    withinRiskArea: URIRef
    workingLabel: URIRef
