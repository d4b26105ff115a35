"""Build the merged graph: ontology, alignments, all of data/ and the inferences."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from riskgraph import resources
from riskgraph.build.grading import rule_triples
from riskgraph.build.split_reason import reason_split
from riskgraph.errors import InputError
from riskgraph.io.atomic import PendingFiles, Writer, check_target, refuse_overwriting_inputs
from riskgraph.io.formats import FILE_GRAPHS, GRAPHS
from riskgraph.io.rdf import Triple, file_triples, load_files, ontology_files
from riskgraph.io.serialize import serialisations
from riskgraph.namespaces import ID, RG, VOID_IRI, bind_prefixes
from riskgraph.reason.reasoner import ReasoningResult, reason
from riskgraph.reason.vocabulary import UndeclaredTerm, undeclared_terms

BASENAME = "riskgraph"


@dataclass
class CheckedGraph:
    """Ontology plus data, checked: undeclared terms and reasoning."""

    asserted: Graph
    undeclared: list[UndeclaredTerm]
    reasoning: ReasoningResult
    warnings: list[str] = field(default_factory=list)  # owl:imports ignored, and such

    @property
    def ok(self) -> bool:
        return self.reasoning.consistent and not self.undeclared


@dataclass
class BuildResult:
    asserted: int
    inferred: int
    reasoning: ReasoningResult
    class_counts: dict[str, int]
    undeclared: list[UndeclaredTerm] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    graph: Graph | None = None
    warnings: list[str] = field(default_factory=list)
    dataset_counts: dict[str, int] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        return self.reasoning.consistent

    @property
    def ok(self) -> bool:
        return self.consistent and not self.undeclared


def class_counts(graph: Graph) -> dict[str, int]:
    """Instances per riskgraph class (including inferred superclass types)."""
    counts: Counter[URIRef] = Counter()
    for node, cls in graph.subject_objects(RDF.type):
        counted = str(cls).startswith((str(RG), "http://www.w3.org/2004/02/skos"))
        if isinstance(cls, URIRef) and counted and str(node).startswith(str(ID)):
            counts[cls] += 1
    # each class named once (normalizeUri costs a namespace split per call)
    named = {graph.namespace_manager.normalizeUri(cls): n for cls, n in counts.items()}
    return dict(sorted(named.items()))


VOID_IN_DATASET = URIRef(VOID_IRI + "inDataset")


def dataset_counts(graph: Graph) -> dict[str, int]:
    """Entities per source dataset (void:inDataset): riskgraph's curated layer and each
    imported catalogue or mapping set. An entity several datasets describe counts in each."""
    counts = Counter(graph.objects(None, VOID_IN_DATASET))
    # every rdflib term is a str; normalizeUri's annotation says str
    named = {graph.namespace_manager.normalizeUri(cast(str, dataset)): n
             for dataset, n in counts.items()}
    return dict(sorted(named.items()))


def _new_graph() -> Graph:
    # A store without named-graph bookkeeping: the build never uses contexts, and rdflib's
    # default store spends a third of each add and lookup on them.
    return bind_prefixes(Graph(store="SimpleMemory"))


def check(extra: list[Path] | None = None, *, use_hermit: bool | None = None) -> CheckedGraph:
    """Load ontology and data (plus ``extra`` files), check terms and reason."""
    warnings: list[str] = []
    # The extra files first: a contributor's mistake is reported before the long load.
    contributed = load_files(list(extra or []), _new_graph(), warnings)
    ontology = load_files(ontology_files(), _new_graph(), warnings, bundled=True)
    curated = load_files(resources.curated_data_files(), _new_graph(), warnings, bundled=True)
    curated += contributed
    # The imported catalogues (nine in ten triples) stay a list: each rdflib graph they
    # were copied into would cost about a second.
    imported: list[Triple] = []
    asserted = _new_graph()
    for path in resources.external_data_files():
        parsed = file_triples(path, warnings, bundled=True)
        imported += parsed.triples
        for prefix, namespace in parsed.prefixes.items():
            asserted.bind(prefix, namespace, override=False)
    found = {(t.role, t.term): t for t in undeclared_terms(imported, ontology)}
    found.update({(t.role, t.term): t for t in undeclared_terms(curated, ontology)})
    undeclared = [found[key] for key in sorted(found)]
    asserted += ontology
    asserted += curated
    asserted.addN((s, p, o, asserted) for s, p, o in imported)
    bind_prefixes(asserted)
    if imported:
        # The imported catalogues go to HermiT as one representative per profile.
        reasoning = reason_split(ontology, curated, imported, use_hermit=use_hermit,
                                 full=asserted)
    else:
        reasoning = reason(asserted, use_hermit=use_hermit)
    if reasoning.consistent:
        # The rules of ontology/rules/ (the evidence grades) join the inferences, so a
        # contribution loaded with load(extra=...) is graded with the bundled data.
        reasoning.inferred += rule_triples(curated)
    return CheckedGraph(asserted, undeclared, reasoning, warnings)


def output_paths(out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    """The files ``build`` writes into ``out_dir``, each checked (``InputError`` if one
    could not be written safely); nothing is created."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is not a directory", file=out_dir, hint="choose a directory for -o")
    paths = [out_dir / (BASENAME + GRAPHS[fmt].suffix) for fmt in formats]
    for path in paths:
        check_target(path)
    return paths


def _bytes_writer(data: bytes) -> Writer:
    return lambda handle: handle.write(data)


def build(out_dir: Path | None = None, formats: tuple[str, ...] = FILE_GRAPHS,
          extra: list[Path] | None = None,
          before_commit: Callable[[Graph], None] | None = None) -> BuildResult:
    """Load, check, reason and (when all is well and ``out_dir`` is given) write the graph.

    The files appear all at once or not at all (``riskgraph.io.atomic.PendingFiles``):
    every target is checked before the long work, all are written to temporary
    files, ``before_commit(graph)`` runs (e.g. writes a store; if it raises, no file
    appears), then all are renamed into place.
    """
    if out_dir is not None:  # refuse a bad target before the long work
        refuse_overwriting_inputs(extra or [], files=output_paths(out_dir, formats))
    checked = check(extra)
    result = checked.reasoning
    asserted = checked.asserted
    asserted_count, per_dataset = len(asserted), dataset_counts(asserted)
    merged = asserted
    if result.consistent:
        merged += result.inferred  # in place: the asserted graph is not used apart
    build_result = BuildResult(asserted_count, len(result.inferred), result,
                               class_counts(merged), checked.undeclared, graph=merged,
                               warnings=checked.warnings, dataset_counts=per_dataset)
    if out_dir is not None and build_result.ok:
        outputs: list[tuple[Path | str, Writer]] = []
        written = serialisations(merged, formats)
        for fmt, target in zip(formats, output_paths(out_dir, formats), strict=True):
            outputs.append((target, _bytes_writer(written[fmt])))
        with PendingFiles(outputs) as pending:
            if before_commit is not None:
                before_commit(merged)
            build_result.written = pending.commit()
    elif before_commit is not None and build_result.ok:
        before_commit(merged)
    return build_result
