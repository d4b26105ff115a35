"""Synthetic graphs in riskgraph's own schema, for benchmarks.

``generate(n)`` returns about ``n`` triples: the fixed taxonomies of
docs/CONVENTIONS.md plus publications, risks, mitigations, assessments with
figures, and claims in the proportions the bundled data has. Labels are
unique per entity so that label-based checks behave as on real data.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

RG = Namespace("https://w3id.org/riskgraph/ns#")
ID = "https://w3id.org/riskgraph/id/"
PROV = Namespace("http://www.w3.org/ns/prov#")

SUBDOMAINS = {1: 3, 2: 2, 3: 2, 4: 3, 5: 2, 6: 6, 7: 6}
AREAS = ["cbrn", "critical-infrastructure", "democratic-processes", "discrimination-bias"]
STAGES = ["plan-and-design", "collect-and-process-data", "build-and-use-model",
          "verify-and-validate", "deploy-and-use", "operate-and-monitor", "outside-lifecycle"]
ACTORS = ["developer", "deployer", "governance", "infrastructure-provider", "user",
          "affected-stakeholder", "third-party-evaluator"]
FUNCTIONS = ["govern", "map", "measure", "manage"]
STANCES = ["effective", "mixed", "sceptical"]
CATEGORIES = ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "2.2.1", "2.2.2", "2.2.3", "2.3.1", "2.3.2"]


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


def concept(slug: str) -> URIRef:
    return iri("concept", slug)


def _entity(g: Graph, node: URIRef, cls: URIRef, label: str) -> None:
    g.add((node, RDF.type, cls))
    g.add((node, RDFS.label, Literal(label, lang="en")))
    g.add((node, SKOS.definition, Literal(f"Synthetic {label.lower()} for benchmarks.", lang="en")))


def _taxonomies(g: Graph) -> list[URIRef]:
    scheme = iri("scheme", "mit-domain-taxonomy")
    subdomains = []
    for domain, count in SUBDOMAINS.items():
        d = concept(f"mit-{domain}")
        _entity(g, d, RG.RiskDomain, f"Domain {domain}")
        g.add((d, SKOS.notation, Literal(str(domain))))
        g.add((d, SKOS.inScheme, scheme))
        for sub in range(1, count + 1):
            s = concept(f"mit-{domain}.{sub}")
            _entity(g, s, RG.RiskSubdomain, f"Subdomain {domain}.{sub}")
            g.add((s, SKOS.notation, Literal(f"{domain}.{sub}")))
            g.add((s, SKOS.broader, d))
            g.add((s, SKOS.inScheme, scheme))
            subdomains.append(s)
    schemes = [
        ("uuk-risk-areas", RG.RiskArea, [f"area-{a}" for a in AREAS]),
        ("lifecycle-stages", RG.LifecycleStage, [f"stage-{s}" for s in STAGES]),
        ("actors", RG.Actor, [f"actor-{a}" for a in ACTORS]),
        ("nist-rmf-functions", RG.RmfFunction, [f"rmf-{f}" for f in FUNCTIONS]),
        ("stances", RG.Stance, [f"stance-{s}" for s in STANCES]),
        ("mit-mitigation-taxonomy", RG.MitigationCategory, [f"mcat-{c}" for c in CATEGORIES]),
    ]
    for name, cls, values in schemes:
        for slug in values:
            _entity(g, concept(slug), cls, slug.replace("-", " ").capitalize())
            g.add((concept(slug), SKOS.inScheme, iri("scheme", name)))
    for i, area in enumerate(AREAS):
        g.add((concept(f"area-{area}"), RG.coversSubdomain, subdomains[i * 5]))
    for slug, cls in [("measure-share-agreeing-effective", RG.Measure),
                      ("comparator-greater-than", RG.Comparator)]:
        _entity(g, concept(slug), cls, slug.replace("-", " ").capitalize())
    return subdomains


def generate(n_triples: int, seed: int = 0) -> Graph:
    """A graph of roughly ``n_triples`` triples (within a few percent)."""
    rnd = random.Random(seed)
    g = Graph()
    g.bind("rg", RG)
    subdomains = _taxonomies(g)
    i = 0
    publications: list[URIRef] = []
    risks: list[URIRef] = []
    mitigations: list[URIRef] = []
    while len(g) < n_triples:
        i += 1
        pub = iri("publication", f"paper-{i}")
        _entity(g, pub, RG.Paper, f"Paper {i}")
        g.add((pub, DCTERMS.title, Literal(f"Paper {i}", lang="en")))
        g.add((pub, RG.arxivId, Literal(f"{2300 + i % 300}.{i:05d}")))
        g.add((pub, DCTERMS.issued, Literal(str(2019 + i % 7), datatype=XSD.gYear)))
        publications.append(pub)

        risk = iri("risk", f"risk-{i}")
        _entity(g, risk, RG.Risk, f"Risk {i}")
        g.add((risk, RG.inSubdomain, rnd.choice(subdomains)))
        g.add((risk, DCTERMS.source, pub))
        risks.append(risk)

        mit = iri("mitigation", f"mitigation-{i}")
        _entity(g, mit, RG.Mitigation, f"Mitigation {i}")
        g.add((mit, RG.mitigates, rnd.choice(risks)))
        g.add((mit, RG.mitigationCategory, concept(f"mcat-{rnd.choice(CATEGORIES)}")))
        g.add((mit, RG.lifecycleStage, concept(f"stage-{rnd.choice(STAGES)}")))
        g.add((mit, RG.responsibleActor, concept(f"actor-{rnd.choice(ACTORS)}")))
        g.add((mit, RG.rmfFunction, concept(f"rmf-{rnd.choice(FUNCTIONS)}")))
        g.add((mit, DCTERMS.source, pub))
        mitigations.append(mit)

        for k in range(2):
            a = iri("assessment", f"assessment-{i}-{k}")
            _entity(g, a, RG.Assessment, f"Assessment {i}-{k}")
            g.add((a, RG.assessedMitigation, rnd.choice(mitigations)))
            g.add((a, RG.assessedFor, concept(f"area-{rnd.choice(AREAS)}")))
            g.add((a, RG.stance, concept(f"stance-{rnd.choice(STANCES)}")))
            g.add((a, DCTERMS.source, rnd.choice(publications)))
            g.add((a, RG.locator, Literal("abstract")))
            if rnd.random() < 0.2:
                f = iri("figure", f"figure-{i}-{k}")
                g.add((f, RDF.type, RG.Figure))
                g.add((f, RG.measure, concept("measure-share-agreeing-effective")))
                g.add((f, RG.comparator, concept("comparator-greater-than")))
                g.add((f, RG.value, Literal(f"0.{rnd.randint(1, 9)}", datatype=XSD.decimal)))
                g.add((a, RG.hasFigure, f))

        c = iri("claim", f"claim-{i}")
        _entity(g, c, RG.Claim, f"Claim {i}")
        g.add((c, DCTERMS.source, pub))
        g.add((c, RG.concernsRisk, rnd.choice(risks)))
        g.add((c, rnd.choice([RG.supports, RG.questions, RG.proposes]), rnd.choice(mitigations)))
    return g


def write_nt(n_triples: int, path: Path, seed: int = 0) -> Path:
    generate(n_triples, seed).serialize(destination=str(path), format="nt", encoding="utf-8")
    return Path(path)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(generate(size).serialize(format="turtle"))
