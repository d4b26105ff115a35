"""How validating one contribution scales with the size of the bundled graph.

For synthetic graphs of 10k, 100k and 1M triples (benchmarks/synthetic.py, the
project's own schema) this validates the same ~50-triple contribution against
each, and the whole graph too, and prints the times and the ratio of the 1M case
to the 10k case (target: at most 3). Loading the graph is done once per run and
timed apart: it is what the cache is for, not part of validating a contribution.

Run:  .venv/bin/python -m benchmarks.validate_bench [--sizes 10000,100000,1000000]
Full-graph validation is skipped where its time, extrapolated from the previous
size, would exceed --full-limit seconds (default 600); the output says so.
"""

from __future__ import annotations

import argparse
import statistics
import time

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from benchmarks.synthetic import RG, concept, generate, iri
from riskgraph.io.rdf import load_files, ontology_files
from riskgraph.validation.locate import EntityLocator
from riskgraph.validation.scoped import Context, check_graph, focus_nodes, namespace_graph


def contribution() -> Graph:
    """About 50 triples: a paper, a risk, two mitigations, two assessments, a claim.
    It refers to entities every synthetic graph has (paper-1, risk-1, mitigation-1)."""
    g = Graph()

    def entity(node: URIRef, cls: URIRef, label: str) -> None:
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(label, lang="en")))
        g.add((node, SKOS.definition, Literal(f"{label}, a benchmark contribution.", lang="en")))

    pub = iri("publication", "bench-2025-contribution")
    entity(pub, RG.Paper, "Bench (2025), a contributed paper")
    g.add((pub, DCTERMS.issued, Literal("2025", datatype=XSD.gYear)))
    g.add((pub, RG.arxivId, Literal("2501.00001")))
    risk = iri("risk", "bench-risk")
    entity(risk, RG.Risk, "Bench risk")
    g.add((risk, RG.inSubdomain, concept("mit-4.2")))
    g.add((risk, DCTERMS.source, pub))
    mitigations = []
    for k, target in enumerate((risk, iri("risk", "risk-1"))):
        mit = iri("mitigation", f"bench-mitigation-{k}")
        entity(mit, RG.Mitigation, f"Bench mitigation {k}")
        g.add((mit, RG.mitigates, target))
        g.add((mit, RG.lifecycleStage, concept("stage-deploy-and-use")))
        g.add((mit, RG.responsibleActor, concept("actor-developer")))
        g.add((mit, RG.rmfFunction, concept("rmf-manage")))
        g.add((mit, RG.relatedMitigation, iri("mitigation", "mitigation-1")))
        g.add((mit, DCTERMS.source, pub))
        mitigations.append(mit)
    for k, mit in enumerate(mitigations):
        a = iri("assessment", f"bench-assessment-{k}")
        entity(a, RG.Assessment, f"Bench assessment {k}")
        g.add((a, RG.assessedMitigation, mit))
        g.add((a, RG.assessedFor, concept("area-cbrn")))
        g.add((a, RG.stance, concept("stance-effective")))
        g.add((a, RG.locator, Literal("Table 1")))
        g.add((a, DCTERMS.source, iri("publication", "paper-1")))
    claim = iri("claim", "bench-claim")
    entity(claim, RG.Claim, "Bench claim")
    g.add((claim, RG.supports, mitigations[0]))
    g.add((claim, RG.concernsRisk, risk))
    g.add((claim, DCTERMS.source, pub))
    return g


def load_context(size: int, ontology: Graph) -> tuple[Context, Graph, float]:
    start = time.perf_counter()
    data = generate(size)
    graph = Graph()
    graph += data
    graph += ontology
    return Context(graph, ontology), data, time.perf_counter() - start


def time_contribution(context: Context, runs: int) -> tuple[float, float, int]:
    piece = contribution()
    locator = EntityLocator(piece.serialize(format="turtle"))
    names = namespace_graph()
    check_graph(piece, context, locator, names)  # warm-up: shapes parsed, queries prepared
    times, problems = [], []
    for _ in range(runs):
        start = time.perf_counter()
        problems = check_graph(piece, context, locator, names)
        times.append(time.perf_counter() - start)
    violations = sum(p.severity == "Violation" for p in problems)
    return min(times), statistics.median(times), violations


def time_full(context: Context, data: Graph) -> tuple[float, int]:
    start = time.perf_counter()
    check_graph(data, context, EntityLocator(""), namespace_graph())
    return time.perf_counter() - start, len(focus_nodes(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--full-limit", type=float, default=600.0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ontology = load_files(ontology_files())
    rows = []
    per_entity = None  # full-validation seconds per entity at the previous size
    print(f"{'triples':>10} {'load s':>8} {'contrib best s':>15} {'median s':>9} "
          f"{'violations':>10} {'full s':>10} {'entities':>9}")
    for size in sizes:
        context, data, load = load_context(size, ontology)
        contrib, median, violations = time_contribution(context, args.runs)
        entities = len(focus_nodes(data))
        estimate = per_entity * entities if per_entity is not None else 0.0
        if estimate > args.full_limit:
            full_text = f"skipped (about {estimate:,.0f} s extrapolated > {args.full_limit:.0f} s)"
            full = None
        else:
            full, entities = time_full(context, data)
            per_entity = full / entities
            full_text = f"{full:10.1f}"
        rows.append((len(context.graph), load, contrib, full, median))
        print(f"{len(context.graph):>10,} {load:8.1f} {contrib:15.3f} {median:9.3f} "
              f"{violations:>10} {full_text:>10} {entities:>9,}", flush=True)
    first, last = rows[0], rows[-1]
    print(f"\ncontribution validation, {last[0]:,} vs {first[0]:,} triples: "
          f"ratio {last[2] / first[2]:.2f} best-of-{args.runs}, "
          f"{last[4] / first[4]:.2f} median (target <= 3)")
    if first[3] and last[3]:
        print(f"full-graph validation, same sizes: ratio {last[3] / first[3]:.1f}")
    print("(load = generating and indexing the graph, once per run; contribution = one "
          f"~50-triple contribution, best and median of {args.runs} runs: the best is the "
          "least disturbed by other processes on the machine)")


if __name__ == "__main__":
    main()
