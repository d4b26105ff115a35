"""The terms of the project namespace ``rg:``, as declared in ``ontology/riskgraph.ttl``.

``riskgraph.namespaces.RG`` is a closed rdflib ``DefinedNamespace`` made from this
list: a misspelt term (``RG.Mitigaton``) raises ``AttributeError`` instead of
quietly naming an IRI nobody declared. ``tests/test_layout.py`` checks that every
term here, and every ``rg:`` term used in ``src/`` and ``queries/``, is declared in
the ontology. A new term used in code is added here too.
"""

TERMS = (
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
)
