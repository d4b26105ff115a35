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

from rdflib import BNode, Graph, Literal, Namespace, URIRef
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


# ---------------------------------------------------------------------------
# Defects at known places: every constraint of every shape violated at least once
# ---------------------------------------------------------------------------
UNDECLARED = URIRef(f"{ID}concept/undeclared-defect-target")
# SPARQL constraints cannot be violated generically: one mutation per constraint.
SPARQL_DEFECTS = {
    "entity-type-declared": lambda g, n: g.add((n, RDF.type, RG.UndeclaredDefectClass)),
    "entity-properties-declared": lambda g, n: g.add((n, RG.undeclaredDefect, Literal("x"))),
    "figure-share-range": lambda g, n: (g.remove((n, RG.value, None)),
                                        g.add((n, RG.value, Literal("1.5", datatype=XSD.decimal)))),
}


def _template(g: Graph, shape_node, compiled, subclasses: dict) -> URIRef | None:
    """An existing focus node of the shape, to copy."""
    from rdflib.namespace import SH

    for kind, target in compiled.shape(shape_node).targets:
        if kind == SH.targetClass:
            for cls in subclasses.get(target, {target}):
                for node in g.subjects(RDF.type, cls):
                    if isinstance(node, URIRef):
                        return node
        elif kind == SH.targetSubjectsOf:
            for node in g.subjects(target, None):
                if isinstance(node, URIRef):
                    return node
    return None


def _clone(g: Graph, template: URIRef | None, shape, compiled, new: URIRef,
           keep_label: bool = False) -> None:
    from rdflib.namespace import SH

    if template is not None:
        for p, o in list(g.predicate_objects(template)):
            if p in (RDFS.label, SKOS.definition) and not keep_label:
                o = Literal(f"{o} ({new.rsplit('/', 1)[-1]})", lang=o.language)
            g.add((new, p, o))
        return
    for kind, target in compiled.shape(shape).targets:  # no instance to copy: a bare one
        if kind == SH.targetClass:
            g.add((new, RDF.type, target))
    g.add((new, RDFS.label, Literal(f"Defect {new.rsplit('/', 1)[-1]}", lang="en")))


def _bad_value(param, arg, existing: list):
    """A value that breaks one value constraint (``param`` ``arg``)."""
    from rdflib.namespace import SH

    if param == SH.datatype:
        return Literal(5) if arg == XSD.string else Literal("not-a-value")
    if param == SH.languageIn:
        return Literal("texte", lang="fr")
    if param == SH.pattern:
        return Literal("!! does not match !!")
    if param == SH.nodeKind:
        return Literal("a literal") if arg in (SH.IRI, SH.BlankNodeOrIRI) else UNDECLARED
    if param in (SH.minInclusive, SH.minExclusive):
        return Literal(-5)
    if param in (SH.maxInclusive, SH.maxExclusive):
        return Literal(10 ** 9)
    return UNDECLARED  # class, node, or, and, xone, in: an undeclared IRI fits none


def _paths_of(compiled, shape_node) -> list:
    """The predicates a nested shape looks at (to remove them)."""
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    shape = compiled.shape(shape_node)
    found = [shape.path[1]] if shape.path and shape.path[0] == "p" else []
    nested = list(shape.properties)
    for param, value in shape.constraints:
        if param == SH.node:
            nested.append(value)
        elif param in (SH["or"], SH["and"], SH.xone):
            nested += list(Collection(compiled.graph, value))
    for child in nested:
        found += _paths_of(compiled, child)
    return found


def inject_defects(g: Graph, shapes: Graph, ontology: Graph) -> list[tuple[URIRef, object]]:
    """Add, for every constraint of every targeted shape, one new entity that breaks it.

    New entities copy an existing focus node of the shape (so they break little
    else) under ``<template>-defect-<n>``; node-level IRI patterns get an IRI outside
    riskgraph's pattern. Returns (entity, constraint) pairs, a constraint being a
    (shape, parameter) pair. Generic over the shapes except for SPARQL constraints,
    which are broken by the mutations in ``SPARQL_DEFECTS`` (by the constraint's name).
    """
    from rdflib.namespace import SH

    from riskgraph.reason.classes import superclass_closure
    from riskgraph.validation.compiled import CompiledShapes

    compiled = CompiledShapes(shapes)
    closure = superclass_closure(ontology)
    subclasses: dict = {}
    for cls, supers in closure.items():
        for sup in supers:
            subclasses.setdefault(sup, set()).add(cls)
    placed: list[tuple[URIRef, object]] = []
    count = 0

    def fresh(template, shape) -> URIRef:
        nonlocal count
        count += 1
        base = str(template) if template is not None else f"{ID}concept/defect-entity"
        return URIRef(f"{base}-defect-{count}")

    for top in sorted(compiled.targeted, key=lambda s: str(s.node)):
        template = _template(g, top.node, compiled, subclasses)
        for param, _arg in top.constraints:  # node-level constraints: on the entity itself
            new = fresh(template, top.node)
            if param == SH.pattern:
                new = URIRef(f"https://example.org/defect/{count}")
            elif param == SH.nodeKind:  # a blank node where an IRI is required
                new = BNode(f"defect{count}")
            _clone(g, template, top.node, compiled, new)
            if param in (SH.node, SH["or"], SH["and"], SH.xone, SH.hasValue):
                for predicate in _paths_of(compiled, top.node):
                    g.remove((new, predicate, None))
            placed.append((new, (top.node, param)))
        for constraint, _text, _messages in top.sparql:
            name = str(constraint).rsplit("#", 1)[-1]
            mutate = SPARQL_DEFECTS.get(name)
            new = fresh(template, top.node)
            _clone(g, template, top.node, compiled, new, keep_label=name.startswith("unique"))
            if mutate is not None:
                mutate(g, new)
            placed.append((new, (top.node, constraint)))
        for child in top.properties:
            prop = compiled.shape(child)
            if not prop.path:
                continue
            predicate = prop.path[1] if prop.path[0] == "p" else (
                prop.path[1][0][1] if prop.path[0] == "alt" else None)
            if predicate is None:
                continue
            for param, arg in prop.constraints:
                if param == SH.flags:
                    continue
                new = fresh(template, top.node)
                _clone(g, template, top.node, compiled, new)
                existing = list(g.objects(new, predicate))
                if param == SH.minCount:
                    for alternative in ([p[1] for p in prop.path[1]] if prop.path[0] == "alt"
                                        else [predicate]):
                        g.remove((new, alternative, None))
                elif param == SH.maxCount:
                    for i in range(int(arg) + 1):
                        g.add((new, predicate, Literal(f"extra value {i}", lang="en")))
                elif param == SH.uniqueLang:
                    g.add((new, predicate, Literal("one", lang="en")))
                    g.add((new, predicate, Literal("two", lang="en")))
                elif param == SH.hasValue:
                    g.remove((new, predicate, None))
                    g.add((new, predicate, UNDECLARED))
                else:
                    g.add((new, predicate, _bad_value(param, arg, existing)))
                placed.append((new, (child, param)))
    return placed


def generate_with_defects(n_triples: int, seed: int = 0) -> tuple[Graph, list]:
    """``generate(n)`` plus ``inject_defects``: the graph and where the defects are."""
    from riskgraph.io.rdf import load_files, ontology_files
    from riskgraph.validation.scoped import load_shapes

    g = generate(n_triples, seed)
    placed = inject_defects(g, load_shapes(), load_files(ontology_files()))
    return g, placed
