"""Build the merged graph: ontology, alignments, all of data/ and the inferences."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from riskgraph.atomic import write_atomic
from riskgraph.loading import load_bundled
from riskgraph.namespaces import ID, RG
from riskgraph.reasoning import ReasoningResult, reason

SERIALISATIONS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
BASENAME = "riskgraph"


@dataclass
class BuildResult:
    asserted: int
    inferred: int
    reasoning: ReasoningResult
    class_counts: dict[str, int]
    written: list[Path] = field(default_factory=list)
    graph: Graph | None = None

    @property
    def consistent(self) -> bool:
        return self.reasoning.consistent


def class_counts(graph: Graph) -> dict[str, int]:
    """Instances per riskgraph class (including inferred superclass types)."""
    counts: Counter[str] = Counter()
    for node, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and str(node).startswith(str(ID)):
            if str(cls).startswith(str(RG)) or str(cls).startswith("http://www.w3.org/2004/02/skos"):
                counts[graph.namespace_manager.normalizeUri(cls)] += 1
    return dict(sorted(counts.items()))


def merged_graph(extra: list[Path] | None = None) -> tuple[Graph, ReasoningResult]:
    """Asserted plus inferred triples, and the reasoning result."""
    graph = load_bundled(extra)
    result = reason(graph)
    if result.consistent:
        graph += result.inferred
    return graph, result


def build(out_dir: Path | None = None, formats: tuple[str, ...] = ("ttl", "nt", "jsonld"),
          extra: list[Path] | None = None) -> BuildResult:
    """Load, reason and (when consistent and ``out_dir`` is given) write the merged graph."""
    asserted = load_bundled(extra)
    result = reason(asserted)
    merged = asserted + result.inferred if result.consistent else asserted
    for prefix, namespace in asserted.namespaces():
        merged.bind(prefix, namespace)
    build_result = BuildResult(len(asserted), len(result.inferred), result,
                               class_counts(merged), graph=merged)
    if out_dir is not None and result.consistent:
        for fmt in formats:
            target = Path(out_dir) / f"{BASENAME}.{fmt}"
            data = merged.serialize(format=SERIALISATIONS[fmt], encoding="utf-8")
            write_atomic(target, lambda handle, data=data: handle.write(data))
            build_result.written.append(target)
    return build_result
