"""Import the data files of an IBM AI Atlas Nexus wheel into riskgraph Turtle.

Reads the wheel as a zip (or an unpacked directory) and never imports the
package's Python code. Returns the files as text (one per source taxonomy or
dataset, plus the datasets, the mapping sets and the import report); the CLI
writes them. Output is deterministic: sorted, and no clock time (the retrieval
date is a fixed fact in ``nexus_sources.RETRIEVED``).

Descriptions are riskgraph's own, made from the structured facts (which
taxonomy, which group, which code); the upstream wording stays at the source.
Upstream defects are reported, and where the import reads something against
the package's own schema (the direction of ``broader``) the entity says so.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph import resources
from riskgraph.importers import nexus_sources as S
from riskgraph.importers.nexus_report import render_report
from riskgraph.importers.sssom import MappingSet, parse_sssom_tsv
from riskgraph.importers.turtle import TurtleDoc, en, literal, typed
from riskgraph.importers.upstream import decode, load_mapping, read_members
from riskgraph.namespaces import (
    DCTERMS_IRI,
    ID_IRI,
    PREFIXES,
    PROV_IRI,
    RDF_IRI,
    RDFS_IRI,
    RG_IRI,
    SCHEMA_IRI,
    SEMAPV_IRI,
    SKOS_IRI,
    VOID_IRI,
)

RDF_TYPE = RDF_IRI + "type"
OUT_PREFIXES = {**PREFIXES, "rdfs": RDFS_IRI, "semapv": SEMAPV_IRI}

LABEL, DEFN, NOTE = RDFS_IRI + "label", SKOS_IRI + "definition", SKOS_IRI + "editorialNote"
SOURCE, IN_DATASET = DCTERMS_IRI + "source", VOID_IRI + "inDataset"
IDENT = DCTERMS_IRI + "identifier"
IN_SCHEME, BROADER = SKOS_IRI + "inScheme", SKOS_IRI + "broader"
TOP_OF = SKOS_IRI + "topConceptOf"
NOTATION, URL, SOURCE_NOTE = SKOS_IRI + "notation", SCHEMA_IRI + "url", RG_IRI + "sourceNote"


def rg(name: str) -> str:
    return RG_IRI + name


def idi(kind: str, slug: str) -> str:
    return f"{ID_IRI}{kind}/{slug}"


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9.-]+", "-", str(text).lower())
    slug = re.sub(r"-{2,}", "-", slug)
    return slug.strip("-.")


# ---------------------------------------------------------------------------
# Reuse of riskgraph's own nodes (one entity, one node)
# ---------------------------------------------------------------------------
CURATED_TASKS = {
    "ai design": "task-ai-design", "ai development": "task-ai-development",
    "ai deployment": "task-ai-deployment", "operation and monitoring":
    "task-operation-and-monitoring", "tevv": "task-tevv", "human factors": "task-human-factors",
    "domain experts": "task-domain-expert", "ai impact assessment": "task-ai-impact-assessment",
    "procurement": "task-procurement", "governance and oversight": "task-governance-and-oversight",
    "third-party entities": "task-third-party-entities", "end-users": "task-end-users",
    "end users": "task-end-users",
    "affected individuals and communities": "task-affected-individuals-and-communities",
}
RMF_FUNCTIONS = {"GV": "rmf-govern", "MP": "rmf-map", "MS": "rmf-measure", "MG": "rmf-manage"}
# Package documents that are publications riskgraph already has (besides arXiv matches).
CURATED_DOCUMENTS = {
    "NIST.AI.600-1": "nist-ai-600-1",
    "doc-Uuk2024": "uuk-2024-effective-mitigations",
    "doc-mit-draft-ai-risk-repository": "mit-2025-mapping-ai-risk-mitigations",
}
# Taxonomies riskgraph already has as schemes.
CURATED_SCHEMES = {"mit-ai-risk-repository": "mit-domain-taxonomy",
                   "mit-ai-risk-repository-causal": "mit-causal-taxonomy"}
# Taxonomies the package names after another document: the name riskgraph gives them
# (the package's name is kept as skos:altLabel, and the import report lists it).
SCHEME_NAMES = {"nist-ai-rmf": "NIST AI 600-1 Generative AI Profile of the AI RMF"}


def curated_concept(pkg_id: str) -> str | None:
    """riskgraph's concept for a package id of the MIT taxonomies, if it has one."""
    m = re.fullmatch(r"mit-ai-risk-domain-(\d)", pkg_id)
    if m:
        return idi("concept", f"mit-{m.group(1)}")
    m = re.fullmatch(r"mit-ai-risk-subdomain-(\d\.\d+)", pkg_id)
    if m:
        return idi("concept", f"mit-{m.group(1)}")
    m = re.fullmatch(r"mit-ai-causal-risk-(entity|intent|timing)-(.+)", pkg_id)
    if m:
        return idi("concept", f"cause-{m.group(1)}-{m.group(2)}")
    return None


# ---------------------------------------------------------------------------
# Reading the package
# ---------------------------------------------------------------------------
# The keys of the package's YAML files that hold lists of items (checked on reading).
LIST_KEYS = ("documents", "taxonomies", "groups", "entries", "controls", "actions",
             "riskincidents")


@dataclass
class Package:
    """The data files of one ai-atlas-nexus wheel (or unpacked tree)."""

    origin: str
    version: str
    sha256: str | None
    files: dict[str, bytes]

    def yaml(self, name: str) -> dict:
        return load_mapping(self.files[S.KG + name], self.where(S.KG + name), LIST_KEYS)

    def text(self, path: str) -> str:
        return decode(self.files[path], self.where(path))

    def where(self, path: str) -> str:
        """How messages name one of the package's files."""
        return f"{self.origin}!{path}" if self.sha256 else f"{self.origin}/{path}"


def read_package(path: Path) -> Package:
    """Read the YAML, TSV and metadata files of a wheel (zip) or an unpacked directory."""
    path = Path(path)
    files, sha = read_members(path, (".yaml", ".tsv", "METADATA", "LICENSE"))
    meta = next((v for k, v in files.items() if k.endswith(".dist-info/METADATA")), b"")
    m = re.search(rb"^Version: (\S+)", meta, re.M)
    version = m.group(1).decode() if m else "unknown"
    return Package(str(path), version, sha, files)


# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------
@dataclass
class Defect:
    kind: str
    detail: str
    items: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    files: dict[str, str]               # file name (in the output folder) -> text
    counts: dict[str, dict[str, int]]   # dataset slug -> what -> count
    defects: list[Defect]
    corrections: list[str]
    version: str
    sha256: str | None

    @property
    def report(self) -> str:
        return self.files["IMPORT-REPORT.md"]

    def summary(self) -> str:
        lines = [f"ai-atlas-nexus {self.version} (sha256 {self.sha256 or 'n/a'})"]
        for slug, counts in sorted(self.counts.items()):
            lines.append(f"  {slug}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        lines.append(f"  upstream defects reported: {len(self.defects)}; "
                     f"corrections made on import: {len(self.corrections)}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# The importer
# ---------------------------------------------------------------------------
def _header(title: str, version: str, sha: str | None) -> str:
    return (f"# {title}\n"
            f"# Generated by `riskgraph import nexus` from ai-atlas-nexus {version} "
            f"(wheel sha256 {sha or 'not available: read from a directory'}).\n"
            "# Do not edit by hand: change the importer and re-run it.\n")


class _Importer:
    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.docs: dict[str, TurtleDoc] = {}
        self.index: dict[str, str] = {}       # package id -> riskgraph IRI
        self.labels: dict[str, str] = {}      # riskgraph IRI -> label (for definitions)
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.defects: list[Defect] = []
        self.corrections: list[str] = []
        self.package_dataset = idi("dataset", f"ai-atlas-nexus-{slugify(pkg.version)}")

    # -- helpers -----------------------------------------------------------
    def doc(self, name: str, title: str) -> TurtleDoc:
        if name not in self.docs:
            self.docs[name] = TurtleDoc(OUT_PREFIXES, _header(title, self.pkg.version,
                                                              self.pkg.sha256))
        return self.docs[name]

    def dataset(self, slug: str) -> str:
        return idi("dataset", f"nexus-{slug}")

    def defect(self, kind: str, detail: str, items=()) -> None:
        self.defects.append(Defect(kind, detail, sorted(set(items))))

    # -- datasets ----------------------------------------------------------
    def write_datasets(self) -> None:
        d = self.doc("datasets.ttl", "Source datasets of the AI Atlas Nexus import")
        pkg = self.package_dataset
        d.add(pkg, RDF_TYPE, d.ref(rg("SourceDataset")))
        d.add(pkg, LABEL, en(f"AI Atlas Nexus {self.pkg.version} (Python package data)"))
        d.add(pkg, DCTERMS_IRI + "title", en(f"ai-atlas-nexus {self.pkg.version}"))
        d.add(pkg, DEFN, en("The data files (YAML and SSSOM TSV) shipped in IBM's ai-atlas-nexus "
                            "wheel, from which riskgraph imports risk taxonomies, mitigation "
                            "catalogues and mapping sets."))
        d.add(pkg, DCTERMS_IRI + "publisher", d.ref(idi("organisation", "ibm")))
        d.add(pkg, DCTERMS_IRI + "hasVersion", literal(self.pkg.version))
        d.add(pkg, URL, typed(S.PACKAGE_URL, "anyURI"))
        d.add(pkg, DCTERMS_IRI + "license", d.ref(S.APACHE))
        d.add(pkg, rg("retrievedOn"), typed(S.RETRIEVED, "date"))
        if self.pkg.sha256:
            d.add(pkg, rg("sha256"), literal(self.pkg.sha256))
        d.add(pkg, SOURCE_NOTE, literal(
            f"Apache-2.0 per the wheel's licence file and metadata; repository {S.PACKAGE_REPO}. "
            "The licence covers the package; the sources it converts keep their own licences."))
        for key, pub in sorted(S.PUBLISHERS.items()):
            org = idi("organisation", pub.slug)
            if key == "nist":
                continue  # riskgraph's organisation:nist
            d.add(org, RDF_TYPE, d.ref(PROV_IRI + "Organization"))
            d.add(org, LABEL, en(pub.label))
            d.add(org, DEFN, en(f"{pub.label}, named by riskgraph as the publisher of a "
                                "dataset the AI Atlas Nexus package converts."))
            d.add(org, IN_DATASET, d.ref(pkg))
        for src in S.SOURCES:
            ds = self.dataset(src.slug)
            d.add(ds, RDF_TYPE, d.ref(rg("SourceDataset")))
            d.add(ds, LABEL, en(f"{src.title} (via AI Atlas Nexus {self.pkg.version})"))
            d.add(ds, DCTERMS_IRI + "title", en(src.title))
            d.add(ds, DEFN, en(f"The {src.title} as converted by the AI Atlas Nexus package "
                               f"(files {', '.join(src.files)})."))
            publisher = S.PUBLISHERS[src.publisher].slug
            d.add(ds, DCTERMS_IRI + "publisher", d.ref(idi("organisation", publisher)))
            d.add(ds, DCTERMS_IRI + "isPartOf", d.ref(pkg))
            d.add(ds, PROV_IRI + "wasDerivedFrom", d.ref(pkg))
            d.add(ds, DCTERMS_IRI + "hasVersion",
                  literal(f"as in ai-atlas-nexus {self.pkg.version}"))
            d.add(ds, rg("retrievedOn"), typed(S.RETRIEVED, "date"))
            if self.pkg.sha256:
                d.add(ds, rg("sha256"), literal(self.pkg.sha256))
            if src.licence:
                d.add(ds, DCTERMS_IRI + "license", d.ref(src.licence))
            else:
                d.add(ds, rg("licenceNote"), literal(S.NOT_STATED))
            d.add(ds, SOURCE_NOTE, literal(src.licence_basis + (
                f" Attribution: {src.attribution}." if src.attribution else "")))
        self.datasets_doc = d

    def source_url(self, src: S.Source, url: str | None) -> None:
        if url:
            self.datasets_doc.add(self.dataset(src.slug), URL, typed(str(url), "anyURI"))

    # -- documents ---------------------------------------------------------
    def documents(self, src: S.Source, d: TurtleDoc, items: list[dict]) -> None:
        ds = self.dataset(src.slug)
        for item in items:
            pid = str(item["id"])
            url = str(item.get("url") or "")
            curated = CURATED_DOCUMENTS.get(pid) or self.curated_arxiv.get(_arxiv(url) or "")
            if curated:
                iri = idi("publication", curated)
                self.index[pid] = iri
                d.add(iri, IN_DATASET, d.ref(ds))
                d.add(iri, IDENT, literal(pid))
                self.counts[src.slug]["documents (riskgraph's publication reused)"] += 1
                continue
            key = _arxiv(url) or url.rstrip("/")
            if key and key in self.doc_keys:
                # The same document under a second id: one node, and a reported defect.
                iri = self.doc_keys[key]
                self.index[pid] = iri
                d.add(iri, IDENT, literal(pid))
                d.add(iri, IN_DATASET, d.ref(ds))
                self.duplicate_docs.append(f"{pid} = {self.doc_ids[iri]} ({key})")
                self.counts[src.slug]["documents (duplicate of another package document)"] += 1
                continue
            iri = idi("publication", "nexus-" + slugify(pid))
            self.index[pid] = iri
            if key:
                self.doc_keys[key] = iri
                self.doc_ids[iri] = pid
            name = " ".join(str(item.get("name") or pid).split()).strip('"')
            d.add(iri, RDF_TYPE, d.ref(rg("Publication")))
            d.add(iri, LABEL, en(name))
            d.add(iri, DCTERMS_IRI + "title", en(name))
            d.add(iri, DEFN, en(f"A document the AI Atlas Nexus package cites for the "
                                f"{src.title}."))
            d.add(iri, IDENT, literal(pid))
            if url:
                d.add(iri, URL, typed(url, "anyURI"))
                arxiv_id = _arxiv(url)
                if arxiv_id:
                    d.add(iri, rg("arxivId"), literal(arxiv_id))
            created = item.get("dateCreated")
            if created:
                d.add(iri, DCTERMS_IRI + "issued", typed(str(created), "date"))
            author = item.get("author")
            if author:
                d.add(iri, rg("authorList"), literal(" ".join(str(author).split())))
            d.add(iri, SOURCE, d.ref(ds))
            d.add(iri, IN_DATASET, d.ref(ds))
            self.counts[src.slug]["documents"] += 1

    # -- taxonomies, groups, risks -------------------------------------------
    def scheme_for(self, tax_id: str) -> str:
        if tax_id in CURATED_SCHEMES:
            return idi("scheme", CURATED_SCHEMES[tax_id])
        return idi("scheme", slugify(tax_id))

    def taxonomies(self, src: S.Source, d: TurtleDoc, items: list[dict]) -> None:
        ds = self.dataset(src.slug)
        for item in items:
            tid = str(item["id"])
            iri = self.scheme_for(tid)
            self.index[tid] = iri
            self.tax_titles[tid] = " ".join(str(item.get("name") or tid).split())
            self.source_url(src, item.get("url"))
            d.add(iri, IN_DATASET, d.ref(ds))
            d.add(iri, IDENT, literal(tid))
            if tid in CURATED_SCHEMES:
                continue
            d.add(iri, RDF_TYPE, d.ref(SKOS_IRI + "ConceptScheme"))
            if tid in SCHEME_NAMES:
                upstream, self.tax_titles[tid] = self.tax_titles[tid], SCHEME_NAMES[tid]
                d.add(iri, SKOS_IRI + "altLabel", en(upstream))
                d.add(iri, NOTE, en(f"The package names this taxonomy '{upstream}'; its risks "
                                    "and actions are those of NIST AI 600-1, the framework's "
                                    "generative AI profile, so riskgraph names it so."))
                self.corrections.append(f"taxonomy {tid}: named '{SCHEME_NAMES[tid]}' (the "
                                        f"package's name '{upstream}' kept as skos:altLabel)")
            d.add(iri, LABEL, en(self.tax_titles[tid]))
            d.add(iri, DEFN, en(f"The {self.tax_titles[tid]}, as the AI Atlas Nexus package "
                                "converts it."))
            if item.get("url"):
                d.add(iri, URL, typed(str(item["url"]), "anyURI"))
            if item.get("version"):
                d.add(iri, DCTERMS_IRI + "hasVersion", literal(str(item["version"])))
            d.add(iri, SOURCE, d.ref(ds))
            for doc_id in item.get("hasDocumentation") or ():
                if doc_id in self.index:
                    d.add(iri, SOURCE, d.ref(self.index[doc_id]))
            self.counts[src.slug]["taxonomies"] += 1

    def reuse(self, curated: str, pid: str, d: TurtleDoc, ds: str, src: S.Source,
              what: str) -> None:
        """The package's ``pid`` is riskgraph's concept ``curated``: one node, marked as
        also in the source's dataset and carrying the package's id."""
        self.index[pid] = curated
        d.add(curated, IN_DATASET, d.ref(ds))
        d.add(curated, IDENT, literal(pid))
        self.counts[src.slug][f"{what} (riskgraph's concept reused)"] += 1

    def new_concept(self, pid: str, item: dict) -> tuple[str, str]:
        """The IRI minted for the package's ``pid`` (indexed) and its name, spaces folded."""
        iri = idi("concept", slugify(pid))
        self.index[pid] = iri
        return iri, " ".join(str(item.get("name") or pid).split())

    def groups(self, src: S.Source, d: TurtleDoc, items: list[dict], kind: str) -> None:
        ds = self.dataset(src.slug)
        cls = rg("RiskGroup") if kind == "risk" else rg("ControlCategory")
        for item in items:
            gid = str(item["id"])
            tax = str(item.get("isDefinedByTaxonomy") or "")
            curated = curated_concept(gid)
            if gid.startswith("mit-ai-risk-repository-causal-"):
                # The causal dimensions are properties in riskgraph (rg:causalEntity ...).
                self.counts[src.slug]["groups (causal dimensions, not nodes)"] += 1
                continue
            if curated:
                self.reuse(curated, gid, d, ds, src, "groups")
                continue
            iri, name = self.new_concept(gid, item)
            # The draft taxonomy's codes stay in its names ("4.2 Risk Disclosure"), as the
            # package gives them, and are not skos:notation: as bare notations they would
            # read as MIT risk subdomain codes (4.2) wherever a code is looked up globally.
            self.labels[iri] = name
            d.add(iri, RDF_TYPE, d.ref(cls))
            d.add(iri, LABEL, en(name))
            what = "risks" if kind == "risk" else "mitigations"
            d.add(iri, DEFN, en(f"A heading under which the {self.tax_titles.get(tax, tax)} "
                                f"groups {what}."))
            d.add(iri, IN_SCHEME, d.ref(self.scheme_for(tax)))
            d.add(iri, IDENT, literal(gid))
            d.add(iri, SOURCE, d.ref(ds))
            d.add(iri, IN_DATASET, d.ref(ds))
            self.counts[src.slug]["risk groups" if kind == "risk" else "control categories"] += 1
            self.group_items[gid] = item

    def link_groups(self, d: TurtleDoc, src: S.Source) -> None:
        """skos:broader between groups, from the YAML's broader/narrower keys, as meant."""
        declared: dict[tuple[str, str], set[str]] = {}
        for gid, item in self.group_items.items():
            for parent in item.get("broader") or ():
                declared.setdefault((gid, str(parent)), set()).add("broader")
            for child in item.get("narrower") or ():
                declared.setdefault((str(child), gid), set()).add("narrower")
        one_sided = []
        for (child, parent), keys in sorted(declared.items()):
            c, p = self.index.get(child), self.index.get(parent)
            if not c or not p:
                continue
            d.add(c, BROADER, d.ref(p))
            if "broader" in keys:
                d.add(c, NOTE, en("skos:broader follows the package's 'broader' key as meant; "
                                  "the package schema maps that key to skos:narrower (an upstream "
                                  "defect riskgraph does not follow)."))
            if keys != {"broader", "narrower"} and (child in self.group_items
                                                    and parent in self.group_items):
                pitem = self.group_items[parent]
                if pitem.get("narrower") or self.group_items[child].get("broader"):
                    one_sided.append(f"{parent} > {child} (only '{'/'.join(sorted(keys))}')")
                    if src.slug == "mit-ai-risk-mitigations":  # the defect reported below
                        d.add(c, SOURCE_NOTE, literal(
                            f"The package states this category's link to {parent} only with "
                            f"'{'/'.join(sorted(keys))}'; riskgraph keeps the link."))
                        self.corrections.append(f"{child}: kept under {parent}, a link the "
                                                "package states on one side only (noted on "
                                                "the concept)")
        for gid in self.group_items:
            if gid in self.index and not any(k[0] == gid for k in declared):
                d.add(self.index[gid], TOP_OF, d.ref(self.scheme_for(
                    str(self.group_items[gid].get("isDefinedByTaxonomy")))))
        if one_sided and src.slug == "mit-ai-risk-mitigations":
            self.defect("hierarchy stated on one side only",
                        "A child names its parent with 'broader' but the parent's 'narrower' "
                        "list leaves the child out (riskgraph keeps the link).", one_sided)

    def risks(self, src: S.Source, d: TurtleDoc, items: list[dict]) -> None:
        ds = self.dataset(src.slug)
        for item in items:
            rid = str(item["id"])
            tax = str(item.get("isDefinedByTaxonomy") or "")
            curated = curated_concept(rid)
            if curated:
                self.reuse(curated, rid, d, ds, src, "risks")
                continue
            iri, name = self.new_concept(rid, item)
            self.labels[iri] = name
            d.add(iri, RDF_TYPE, d.ref(rg("CatalogueRisk")))
            d.add(iri, LABEL, en(name))
            parent = item.get("isPartOf")
            parent_name = ""
            if parent:
                if str(parent) in self.index:
                    d.add(iri, BROADER, d.ref(self.index[str(parent)]))
                    parent_name = self.labels.get(self.index[str(parent)], "")
                else:
                    self.missing_groups.append(f"{rid} -> {parent}")
                    d.add(iri, SOURCE_NOTE, literal(
                        f"The package files this risk under group '{parent}', which it does "
                        "not define; riskgraph leaves the risk without a broader concept."))
            title = self.tax_titles.get(tax, tax)
            where = f" under '{parent_name}'" if parent_name else ""
            d.add(iri, DEFN, en(f"A risk listed in the {title}{where}; the catalogue's own "
                                "description is at its source."))
            d.add(iri, IN_SCHEME, d.ref(self.scheme_for(tax)))
            if not parent:
                d.add(iri, TOP_OF, d.ref(self.scheme_for(tax)))
            d.add(iri, IDENT, literal(rid))
            if item.get("url"):
                d.add(iri, URL, typed(str(item["url"]), "anyURI"))
            d.add(iri, SOURCE, d.ref(ds))
            d.add(iri, IN_DATASET, d.ref(ds))
            self.counts[src.slug]["risks"] += 1

    # -- mitigations -------------------------------------------------------
    def catalogue_mitigation(self, src: S.Source, d: TurtleDoc, iri: str, pid: str,
                             label: str, definition: str, docs) -> None:
        ds = self.dataset(src.slug)
        self.index[pid] = iri
        self.labels[iri] = label
        d.add(iri, RDF_TYPE, d.ref(rg("CatalogueMitigation")))
        d.add(iri, LABEL, en(label))
        d.add(iri, DEFN, en(definition))
        d.add(iri, IDENT, literal(pid))
        d.add(iri, SOURCE, d.ref(ds))
        for doc_id in docs or ():
            if doc_id in self.index:
                d.add(iri, SOURCE, d.ref(self.index[doc_id]))
        d.add(iri, IN_DATASET, d.ref(ds))

    def mit_controls(self, src: S.Source, d: TurtleDoc, items: list[dict]) -> None:
        for item in items:
            pid = str(item["id"])
            code = pid.split("_")[0]
            docs = item.get("hasDocumentation") or ()
            doc_name = ", ".join(self.doc_names.get(x, x) for x in docs)
            name = " ".join(str(item.get("name") or pid).split())
            label = f"{name} ({code})"
            if all(part.strip() in self.list_risk_names for part in name.split(";")):
                # Named by the risks it is filed under, not by what it does: named from
                # the first words of its description, the package's name kept.
                label = f"{_opening(str(item.get('description') or '')) or 'Action'} ({code})"
                self.corrections.append(f"{pid}: named '{label}' from its description; the "
                                        f"package names it by a list of risks ('{name}', "
                                        "kept as skos:altLabel)")
            iri = idi("mitigation", slugify(pid))
            self.catalogue_mitigation(
                src, d, iri, pid, label,
                f"Entry {code} of the MIT AI Risk Mitigation Database, which took it from "
                f"{doc_name}; the database's own wording is at the source.", docs)
            if label != f"{name} ({code})":
                d.add(iri, SKOS_IRI + "altLabel", en(f"{name} ({code})"))
                d.add(iri, NOTE, en("The package names this entry by the risks it is filed "
                                    "under; riskgraph names it from the first words of its "
                                    "description."))
            d.add(iri, NOTATION, literal(code))
            self.counts[src.slug]["mitigations"] += 1

    def nist_actions(self, src: S.Source, d: TurtleDoc, items: list[dict]) -> None:
        variants: dict[str, set[str]] = defaultdict(set)
        for item in items:
            pid = str(item["id"])
            iri = idi("mitigation", "nist-" + slugify(pid))
            function = RMF_FUNCTIONS.get(pid[:2])
            fname = {"GV": "Govern", "MP": "Map", "MS": "Measure", "MG": "Manage"}.get(pid[:2])
            self.catalogue_mitigation(
                src, d, iri, pid, f"NIST AI 600-1 action {pid}",
                f"Suggested action {pid} of NIST AI 600-1 (the Generative AI Profile), under the "
                f"{fname} function; its wording is in the profile.",
                item.get("hasDocumentation"))
            d.add(iri, NOTATION, literal(pid))
            if function:
                d.add(iri, rg("nistFunction"), d.ref(idi("concept", function)))
            for risk in item.get("hasRelatedRisk") or ():
                d.add(iri, rg("addresses"), d.ref(self.index[str(risk)]))
                self.action_risks.add((pid, str(risk)))
            for task in item.get("hasAiActorTask") or ():
                key = str(task).strip().lower()
                variants[key.replace("-", " ")].add(str(task))
                d.add(iri, rg("forActorTask"), d.ref(idi("concept", CURATED_TASKS[key])))
            self.counts[src.slug]["suggested actions"] += 1
        odd = sorted(f"{' / '.join(sorted(v))}" for v in variants.values() if len(v) > 1)
        for spellings in (v for v in variants.values() if len(v) > 1):
            task_iri = idi("concept", CURATED_TASKS[min(spellings).strip().lower()])
            d.add(task_iri, IN_DATASET, d.ref(self.dataset(src.slug)))  # it describes it too
            d.add(task_iri, NOTE, en("The package spells this actor task in several ways ("
                                     + " / ".join(sorted(spellings)) + "); riskgraph links "
                                     "every spelling to this one concept."))
        if odd:
            self.corrections.append("actor-task spellings merged into one concept each "
                                    "(noted on the concept with skos:editorialNote): "
                                    + "; ".join(odd))
            self.defect("AI actor task spelled in several ways",
                        "NIST AI 600-1 actions name the same actor task with different "
                        "spelling or case; riskgraph links each to one actor task concept.", odd)

    def credo_actions(self, src: S.Source, d: TurtleDoc, items: list[dict]) -> None:
        for item in items:
            pid = str(item["id"])
            num = pid.rsplit("-", 1)[-1]
            name = " ".join(str(item.get("name") or pid).split())
            iri = idi("mitigation", slugify(pid))
            self.catalogue_mitigation(
                src, d, iri, pid, f"{name} (Credo UCF control {num})",
                f"Control {num} of the Credo AI Unified Control Framework; its wording is at the "
                "source.", item.get("hasDocumentation"))
            for risk in item.get("hasRelatedRisk") or ():
                d.add(iri, rg("addresses"), d.ref(self.index[str(risk)]))
            self.counts[src.slug]["controls"] += 1

    def incidents(self, src: S.Source, d: TurtleDoc, items: list[dict]) -> None:
        ds = self.dataset(src.slug)
        for item in items:
            pid = str(item["id"])
            iri = idi("incident", slugify(pid.removeprefix("ibm-risk-atlas-ri-")))
            name = " ".join(str(item.get("name") or pid).split())
            risks = [self.index[str(r)] for r in item.get("refersToRisk") or ()
                     if str(r) in self.index]
            risk_names = ", ".join(f"'{self.labels.get(r, r)}'" for r in risks)
            d.add(iri, RDF_TYPE, d.ref(rg("Incident")))
            d.add(iri, LABEL, en(name))
            d.add(iri, DEFN, en(f"A reported incident the IBM AI Risk Atlas cites as an example "
                                f"of {risk_names or 'a risk'}; the report is at the source."))
            for r in risks:
                d.add(iri, rg("exemplifiesRisk"), d.ref(r))
            if item.get("author"):
                d.add(iri, DCTERMS_IRI + "bibliographicCitation", literal(str(item["author"])))
            if item.get("source_uri"):
                d.add(iri, URL, typed(str(item["source_uri"]), "anyURI"))
            d.add(iri, IDENT, literal(pid))
            d.add(iri, SOURCE, d.ref(ds))
            d.add(iri, IN_DATASET, d.ref(ds))
            self.counts[src.slug]["incidents"] += 1

    # -- run ---------------------------------------------------------------
    def run(self) -> None:
        self.curated_arxiv = _curated_arxiv_ids()
        self.tax_titles: dict[str, str] = {}
        self.group_items: dict[str, dict] = {}
        self.missing_groups: list[str] = []
        self.action_risks: set[tuple[str, str]] = set()
        self.doc_names: dict[str, str] = {}
        self.doc_keys: dict[str, str] = {}
        self.doc_ids: dict[str, str] = {}
        self.duplicate_docs: list[str] = []
        self.write_datasets()
        loaded = {name: self.pkg.yaml(name) for src in S.SOURCES for name in src.files}
        # NIST AI 600-1's risk names: a database entry named by a list of them is renamed.
        self.list_risk_names = {" ".join(str(e.get("name")).split()) for e in
                                loaded.get("nist_ai_rmf_data.yaml", {}).get("entries") or ()}
        for src in S.SOURCES:
            d = self.doc(f"{src.slug}.ttl", f"{src.title} (AI Atlas Nexus import)")
            self.group_items = {}
            for name in src.files:
                data = loaded[name]
                for item in data.get("documents") or ():
                    self.doc_names[str(item["id"])] = " ".join(str(item.get("name")).split())
                self.documents(src, d, data.get("documents") or [])
                self.taxonomies(src, d, data.get("taxonomies") or [])
            for name in src.files:
                data = loaded[name]
                kind = "control" if src.slug == "mit-ai-risk-mitigations" else "risk"
                self.groups(src, d, data.get("groups") or [], kind)
            self.link_groups(d, src)
            for name in src.files:
                self.risks(src, d, loaded[name].get("entries") or [])
            for name in src.files:
                data = loaded[name]
                if name == "mit_ai_risk_repository_data_controls.yaml":
                    self.mit_controls(src, d, data.get("controls") or [])
                if name == "nist_ai_rmf_actions_data.yaml":
                    self.nist_actions(src, d, data.get("actions") or [])
                if name == "credo.yaml":
                    self.credo_actions(src, d, data.get("actions") or [])
                if name == "risk_atlas_data_incidents.yaml":
                    self.incidents(src, d, data.get("riskincidents") or [])
        self.check_entries(loaded)
        self.mappings()
        self.schema_defects()

    def check_entries(self, loaded: dict[str, dict]) -> None:
        if self.duplicate_docs:
            self.defect("one document under two ids",
                        "Two package documents have the same address; riskgraph keeps one "
                        "publication node with both identifiers.", self.duplicate_docs)
        if self.missing_groups:
            def norm(text: str) -> str:
                return re.sub(r"[^a-z0-9]", "", text.lower())

            defined = {norm(k): k for k in self.index if "-rg-" in k or k.startswith("ibm-risk")}
            items = []
            for entry in self.missing_groups:
                group = entry.split(" -> ")[1]
                near = defined.get(norm(group))
                items.append(entry + (f" (a defined group differs only in case or punctuation: "
                                      f"{near})" if near else ""))
            self.defect("risks filed under undefined groups",
                        f"{len(self.missing_groups)} risks name an isPartOf group that no package "
                        "file defines; riskgraph gives them no broader concept and a note, and "
                        "does not guess the intended group.", items)
        controls = loaded["mit_ai_risk_repository_data_controls.yaml"].get("controls") or []
        by_text: dict[tuple, list[str]] = defaultdict(list)
        for item in controls:
            text = " ".join(str(item.get("description") or "").split())
            by_text[(tuple(item.get("hasDocumentation") or ()), text)].append(str(item["id"]))
        same = sorted(" = ".join(sorted(ids)) for ids in by_text.values() if len(ids) > 1)
        if same:
            self.defect("mitigations with the same description",
                        "Rows of the MIT database from one document share their description "
                        "word for word (kept as separate rows).", same)
        listed = set()
        for item in loaded["nist_ai_rmf_data.yaml"].get("entries") or ():
            for action in item.get("hasRelatedAction") or ():
                listed.add((str(action), str(item["id"])))
        only_risk = sorted(f"{r} lists {a}" for a, r in listed - self.action_risks)
        only_action = sorted(f"{a} tags {r}" for a, r in self.action_risks - listed)
        if only_risk or only_action:
            self.defect("NIST AI 600-1 risk and action links disagree",
                        "A risk's hasRelatedAction and the actions' hasRelatedRisk should be "
                        "inverses; riskgraph links actions to risks from hasRelatedRisk only. "
                        f"{len(only_action)} action tags have no counterpart on the risk; "
                        f"{len(only_risk)} risk listings have no counterpart on the action.",
                        (only_action + only_risk))
        cbrn = sum(1 for _, r in self.action_risks if r == "nist-cbrn-information-or-capabilities")
        self.counts["nist-ai-600-1"]["actions tagged with CBRN"] = cbrn
        causal = loaded["mit_ai_risk_repository_data.yaml"]["taxonomies"]
        typos = [t["name"] for t in causal if "Casual" in str(t.get("name"))]
        if typos:
            self.defect("misspelt taxonomy name", "'Casual' for 'Causal'.", typos)

    def schema_defects(self) -> None:
        schema = self.pkg.files.get("ai_atlas_nexus/ai_risk_ontology/schema/common.yaml", b"")
        text = schema.decode("utf-8")
        m = re.search(r"broader:\n(?:\s+\w+:.*\n)*?\s+slot_uri: (\S+)", text)
        if m and m.group(1) == "skos:narrower":
            self.defect("Group.broader declared as skos:narrower",
                        "The package schema (ai_risk_ontology/schema/common.yaml) gives the "
                        "'broader' slot of Group the slot_uri skos:narrower, so its own RDF states "
                        "every broader link in the wrong direction. riskgraph reads 'broader' as "
                        "meant (skos:broader) and notes it on each concept.",
                        ["Group.broader slot_uri skos:narrower"])
            self.corrections.append(
                "skos:broader for the package's 'broader' key, against the schema's "
                "slot_uri skos:narrower (noted on each concept with skos:editorialNote)")

    def ragged_rows(self, name: str, ms) -> None:
        """Rows whose cells do not fit their columns: reported, not read (their mapping
        record number is left unused, so the other records keep theirs)."""
        if ms.ragged:
            self.defect("ragged rows in a mapping set",
                        f"{name}: rows with fewer cells than the header's {ms.ragged[0].columns}, "
                        "whose cells do not fit their columns read by position (a cell in "
                        "the middle is missing); riskgraph does not guess which, and leaves "
                        "the row out.",
                        [f"{name} line {r.line} ({r.cells} cells)" for r in ms.ragged])

    def mappings(self) -> None:
        tally = _MappingTally()
        for path in sorted(k for k in self.pkg.files if k.startswith(S.MAPPINGS)
                           and k.endswith(".tsv")):
            self.mapping_set(path, tally)
        self.uncategorised_defect(tally.categorised)
        self.mapping_defects(tally)

    def mapping_set(self, path: str, tally: _MappingTally) -> None:
        """One SSSOM file: its dataset, then one record per row."""
        name = path.rsplit("/", 1)[-1]
        ms = parse_sssom_tsv(self.pkg.text(path), self.pkg.where(path))
        self.ragged_rows(name, ms)
        stem = slugify(name.removesuffix(".tsv").removesuffix(".sssom"))
        ds = self.mapping_dataset(name, stem, ms)
        tally.set_ids[str(ms.meta.get("mapping_set_id"))].append(name)
        tally.set_curies.append((ds, dict(ms.curie_map)))
        for prefix, ns in ms.curie_map.items():
            tally.prefixes[ns].add(prefix)
        doc = self.doc(f"mappings-{stem}.ttl", f"Mapping set {name} (AI Atlas Nexus import)")
        one = _OneSet(name, stem, ms, ds, doc)
        for n, row in zip(ms.numbers, ms.rows, strict=True):
            self.mapping_record(one, n, row, tally)

    def mapping_dataset(self, name: str, stem: str, ms) -> str:
        """The dataset node of one mapping set, with its licence as its header states it."""
        ds = idi("dataset", f"nexus-mappings-{stem}")
        dd = self.datasets_doc
        title = " ".join(str(ms.meta.get("mapping_set_description") or
                             ms.meta.get("mapping_set_title") or name).split())
        dd.add(ds, RDF_TYPE, dd.ref(rg("SourceDataset")))
        dd.add(ds, LABEL, en(f"Mapping set {name} (AI Atlas Nexus {self.pkg.version})"))
        dd.add(ds, DCTERMS_IRI + "title", en(title))
        dd.add(ds, DEFN, en(f"The SSSOM mapping set {name} shipped in the AI Atlas Nexus "
                            "package, one mapping record per row."))
        dd.add(ds, DCTERMS_IRI + "isPartOf", dd.ref(self.package_dataset))
        dd.add(ds, DCTERMS_IRI + "publisher", dd.ref(idi("organisation", "ibm")))
        dd.add(ds, rg("retrievedOn"), typed(S.RETRIEVED, "date"))
        if self.pkg.sha256:
            dd.add(ds, rg("sha256"), literal(self.pkg.sha256))
        lic = str(ms.meta.get("license") or "")
        if lic:
            dd.add(ds, DCTERMS_IRI + "license", dd.ref(lic.replace(".html", "")))
        else:
            dd.add(ds, rg("licenceNote"), literal(S.NOT_STATED))
        dd.add(ds, SOURCE_NOTE, literal(
            f"Licence as the mapping set's header states it ({lic or 'none stated'}); "
            f"mapping_set_id {ms.meta.get('mapping_set_id', 'not given')}."))
        return ds

    def mapping_record(self, one: _OneSet, n: int, row: dict[str, str],
                       tally: _MappingTally) -> None:
        """One row: its record (kept lean: the row number is in the IRI, the set is the
        dataset; the records are most of the import's triples), then the mapping itself."""
        d, ms = one.doc, one.ms
        rec = idi("mapping", f"nexus-{one.stem}-{n:04d}")
        subj, obj = row.get("subject_id", ""), row.get("object_id", "")
        pred = row.get("predicate_id", "")
        s_iri = self.index.get(subj.partition(":")[2])
        o_iri = self.index.get(obj.partition(":")[2])
        d.add(rec, RDF_TYPE, d.ref(rg("MappingRecord")))
        d.add(rec, rg("mappingSet"), d.ref(one.ds))
        if not s_iri:
            d.add(rec, rg("sourceSubjectId"), literal(subj))
        if not o_iri:
            d.add(rec, rg("sourceObjectId"), literal(obj))
        pred_iri = ms.expand(pred) if ":" in pred else None
        d.add(rec, rg("mappingPredicate"), d.ref(pred_iri) if pred_iri else literal(pred))
        for prop, target, curie in (("mappingSubject", s_iri, subj),
                                    ("mappingObject", o_iri, obj)):
            full = target or ms.expand(curie)
            if full:
                d.add(rec, rg(prop), d.ref(full))
            if not target:
                tally.unresolved.append(f"{one.name}: {curie}")
        _record_details(d, rec, ms, row)
        d.add(rec, IN_DATASET, d.ref(one.ds))
        counts = self.counts[f"mappings-{one.stem}"]
        counts["rows"] += 1
        # The mapping triple itself, between imported or reused nodes.
        if s_iri and o_iri and pred.startswith("skos:"):
            d.add(s_iri, SKOS_IRI + pred.partition(":")[2], d.ref(o_iri))
            tally.pair_preds[(s_iri, o_iri)].add(pred)
            counts["SKOS matches"] += 1
        elif s_iri and o_iri and pred == "nexus:isCategorizedAs":
            d.add(s_iri, rg("controlCategory"), d.ref(o_iri))
            tally.categorised.add(subj.partition(":")[2])
            counts["categorisations"] += 1

    def uncategorised_defect(self, categorised: set[str]) -> None:
        mit = [k for k in self.index if re.fullmatch(r"A\d{4}_.*", k)]
        uncategorised = sorted(set(mit) - categorised)
        if uncategorised:
            self.defect("MIT mitigations without a category",
                        f"{len(uncategorised)} of the {len(mit)} mitigations of the MIT database "
                        "have no row in the categorisation mapping set.", uncategorised)

    def mapping_defects(self, tally: _MappingTally) -> None:
        """What the mapping sets show together: pairs mapped both ways, prefix variants
        (also noted on each set that uses one), reused set ids, ids not imported."""
        both = sorted(f"{a} / {b}" for (a, b), p in tally.pair_preds.items()
                      if {"skos:broadMatch", "skos:narrowMatch"} <= p)
        if both:
            self.defect("pair mapped both broader and narrower", "The TSV rows themselves map "
                        "the same pair both ways.", both)
        self.prefix_variants(tally)
        dup = sorted(f"{k}: {', '.join(v)}" for k, v in tally.set_ids.items() if len(v) > 1)
        if dup:
            self.defect("mapping_set_id reused", "Different mapping files give the same "
                        "mapping_set_id.", dup)
        if tally.unresolved:
            counts = Counter(u.split(": ")[0] for u in tally.unresolved)
            self.defect("mapping ends outside the imported data",
                        f"{len(tally.unresolved)} subject or object ids name entities riskgraph "
                        "does not import (for example AIUC-1 requirements, capabilities, AI "
                        "tasks) or that no package file defines; the record keeps the id, no "
                        "SKOS triple is written.", [f"{k}: {v}" for k, v in sorted(counts.items())])

    def prefix_variants(self, tally: _MappingTally) -> None:
        prefixes = tally.prefixes
        for ds, curies in tally.set_curies:
            mine = sorted(f"{p} ({ns})" for p, ns in curies.items() if len(prefixes[ns]) > 1)
            if mine:
                self.datasets_doc.add(ds, NOTE, en(
                    "Other mapping sets write these namespaces with other prefixes: "
                    + "; ".join(mine) + ". riskgraph resolves ids by their local part."))
        variants = sorted(f"{ns}: {', '.join(sorted(p))}" for ns, p in prefixes.items()
                          if len(p) > 1)
        if variants:
            self.corrections.append("CURIE prefix variants resolved by the id's local part "
                                    "(noted on each mapping set that uses one)")
            self.defect("CURIE prefixes vary", "The mapping sets name one namespace with "
                        "different prefixes (riskgraph resolves ids by their local part).",
                        variants)


@dataclass
class _MappingTally:
    """What the mapping sets show across files, for the defects reported after them."""

    prefixes: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    set_ids: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unresolved: list[str] = field(default_factory=list)
    categorised: set[str] = field(default_factory=set)
    pair_preds: defaultdict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set))
    set_curies: list[tuple[str, dict[str, str]]] = field(default_factory=list)


@dataclass
class _OneSet:
    """One mapping set being read: its file name, slug, rows, dataset and output."""

    name: str
    stem: str
    ms: MappingSet
    ds: str
    doc: TurtleDoc


def _record_details(d: TurtleDoc, rec: str, ms: MappingSet, row: dict[str, str]) -> None:
    """A record's justification, author, date, scores and comment, where the row has them."""
    just = row.get("mapping_justification", "")
    jfull = ms.expand(just) or (SEMAPV_IRI + just.partition(":")[2] if just else None)
    if jfull:
        d.add(rec, rg("mappingJustification"), d.ref(jfull))
    if row.get("author_id"):
        d.add(rec, rg("mappingAuthor"), literal(row["author_id"]))
    date = row.get("mapping_date") or str(ms.meta.get("mapping_date") or "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        d.add(rec, rg("mappingDate"), typed(date, "date"))
    for col, prop in (("confidence", "confidence"), ("similarity_score", "similarityScore")):
        value = row.get(col, "")
        if value and _is_number(value):
            d.add(rec, rg(prop), typed(value, "decimal"))
    if row.get("comment"):
        d.add(rec, rg("sourceNote"), literal(row["comment"]))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

def _opening(text: str, size: int = 60) -> str:
    """The first words of ``text``, about ``size`` characters, with an ellipsis if cut."""
    words, out = " ".join(text.split()).split(" "), ""
    for word in words:
        if out and len(out) + 1 + len(word) > size:
            return out.rstrip(",;:.") + "\u2026"
        out = f"{out} {word}".strip()
    return out.rstrip(".")


def _arxiv(url: str) -> str | None:
    m = re.search(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", url or "")
    if not m:
        m = re.search(r"arXiv\.(\d{4}\.\d{4,5})", url or "")
    return m.group(1) if m else None


def _curated_arxiv_ids() -> dict[str, str]:
    """arXiv id -> slug of riskgraph's curated publication with that id."""
    text = (resources.data_dir() / "publications.ttl").read_text(encoding="utf-8")
    out = {}
    for block in text.split("\n\n"):
        m = re.search(r"^publication:(\S+) a ", block, re.M)
        a = re.search(r'rg:arxivId "([^"]+)"', block)
        if m and a:
            out[a.group(1)] = m.group(1)
    return out


def import_nexus(path: Path) -> ImportResult:
    """Read an ai-atlas-nexus wheel (or unpacked tree) and return the Turtle files."""
    pkg = read_package(path)
    imp = _Importer(pkg)
    imp.run()
    files = {name: doc.text() for name, doc in sorted(imp.docs.items())}
    counts = {k: dict(v) for k, v in sorted(imp.counts.items())}
    files["IMPORT-REPORT.md"] = render_report(pkg, counts, imp.defects, imp.corrections,
                                              {n: len(d) for n, d in imp.docs.items()})
    return ImportResult(files, counts, imp.defects, imp.corrections, pkg.version, pkg.sha256)
