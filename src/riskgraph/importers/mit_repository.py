"""Import the MIT AI Risk Repository spreadsheet (v3) into riskgraph Turtle.

Reads the workbook with openpyxl (data only, never its formulas' results: the file
stores none for Ev_ID, which is derived here from Paper_ID, Cat_ID, SubCat_ID and
AddEv_ID as the sheet's formula does). Writes the 65 source documents as
publications (reusing riskgraph's node when it has the document: DOI, arXiv id or
title), the risk categories and sub-categories (sub-category under its category)
with their causal and domain codes linked to riskgraph's own MIT concepts, and the
additional-evidence rows as located references. Codes outside the taxonomy ("X.1",
domain-only "4.0", "4 - Not coded") are kept as written (rg:taxonomyCode) and never
forced into a subdomain. Descriptions are riskgraph's sentences; upstream prose stays
in the spreadsheet. Deterministic: same file, same bytes.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from riskgraph import resources
from riskgraph.importers.external_report import render
from riskgraph.importers.nexus import (
    BROADER,
    DCT,
    DEFN,
    IDENT,
    IN_DATASET,
    IN_SCHEME,
    LABEL,
    OUT_PREFIXES,
    RDF_TYPE,
    SOURCE,
    SOURCE_NOTE,
    URL,
    idi,
    rg,
    slugify,
)
from riskgraph.importers.turtle import TurtleDoc, en, literal, typed

SHEET = "AI Risk Database v3"
RESOURCES = "Included resources"
VERSION = "v3 (updated 26 March 2025)"
FILE_NAME = "The AI Risk Repository V3_26_03_2025.xlsx"
HOME = "https://airisk.mit.edu/"
ORIGIN = ("https://github.com/xaitax/MIT-AI-Risk-Repository-Converter "
          "(commit 8dbb778f60d84ab7e1894cf115ef3bf7b38dc6e9, MIT's export stored unchanged)")
RETRIEVED = "2026-12-07"  # when riskgraph took the file (a recorded fact, never the clock)
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = ('Slattery et al., "The AI Risk Repository", MIT AI Risk Initiative, '
               "airisk.mit.edu (CC BY 4.0)")
DATASET = idi("dataset", "mit-ai-risk-repository-v3")
SCHEME = idi("scheme", "mit-ai-risk-database-v3")
MIT_ORG = idi("organisation", "mit-ai-risk-initiative")
BIBO_DOI = "http://purl.org/ontology/bibo/doi"
BIBO = "http://purl.org/ontology/bibo/"
PREFIXES = {**OUT_PREFIXES, "bibo": BIBO}

CAUSAL = {
    "entity": {"1": "human", "2": "ai", "3": "other"},
    "intent": {"1": "intentional", "2": "unintentional", "3": "other"},
    "timing": {"1": "pre-deployment", "2": "post-deployment", "3": "other"},
}
SUBDOMAINS = {"1": 3, "2": 2, "3": 2, "4": 3, "5": 2, "6": 6, "7": 6}  # riskgraph's 24


def concept(slug: str) -> str:
    return idi("concept", slug)


def subdomain_concept(code: str) -> str | None:
    """riskgraph's concept for an MIT subdomain code such as "4.2" (None outside the 24)."""
    m = re.fullmatch(r"([1-7])\.([1-9])", code)
    if m and int(m.group(2)) <= SUBDOMAINS[m.group(1)]:
        return concept(f"mit-{code}")
    return None


def domain_concept(code: str) -> str | None:
    return concept(f"mit-{code}") if re.fullmatch(r"[1-7]", code) else None


def causal_concept(dimension: str, value: str) -> str | None:
    """riskgraph's causal concept for the repository's "2 - AI" style code, or the AIID's
    "AI" / "Post-deployment" words."""
    words = {"ai": "ai", "human": "human", "other": "other", "intentional": "intentional",
             "unintentional": "unintentional", "pre-deployment": "pre-deployment",
             "post-deployment": "post-deployment"}
    text = value.strip()
    m = re.match(r"(\d)\s*-", text)
    slug = CAUSAL[dimension].get(m.group(1)) if m else words.get(text.casefold())
    return concept(f"cause-{dimension}-{slug}") if slug else None


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def norm_title(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(text).casefold())


def arxiv_of(*texts: str | None) -> str | None:
    for text in texts:
        m = re.search(r"arxiv[./:](?:abs/|pdf/)?(\d{4}\.\d{4,5})", str(text or ""), re.I)
        if m:
            return m.group(1)
    return None


def doi_of(text) -> str | None:
    m = re.search(r"(10\.\d{4,9}/\S+)", str(text or "").strip())
    return m.group(1).rstrip(".") if m else None


# ---------------------------------------------------------------------------
# riskgraph's publications already in the data (one entity, one node)
# ---------------------------------------------------------------------------
@dataclass
class KnownPublications:
    by_doi: dict[str, str] = field(default_factory=dict)
    by_arxiv: dict[str, str] = field(default_factory=dict)
    by_title: dict[str, str] = field(default_factory=dict)

    def match(self, doi: str | None, arxiv: str | None, title: str) -> tuple[str, str] | None:
        if doi and doi.casefold() in self.by_doi:
            return self.by_doi[doi.casefold()], "DOI"
        if arxiv and arxiv in self.by_arxiv:
            return self.by_arxiv[arxiv], "arXiv id"
        if norm_title(title) in self.by_title:
            return self.by_title[norm_title(title)], "title"
        return None


def known_publications(files: list[Path]) -> KnownPublications:
    """Publications in riskgraph's curated data and the other imports (not this one's)."""
    g = Graph()
    for path in files:
        g.parse(path, format="turtle")
    pub_classes = {URIRef(rg(c)) for c in ("Publication", "Paper", "Report", "Benchmark",
                                            "Dataset")}
    known = KnownPublications()
    for cls in sorted(pub_classes):
        for node in sorted(g.subjects(RDF.type, cls), key=str):
            iri = str(node)
            for doi in g.objects(node, URIRef(BIBO_DOI)):
                known.by_doi.setdefault(str(doi).casefold(), iri)
            for arx in g.objects(node, URIRef(rg("arxivId"))):
                known.by_arxiv.setdefault(str(arx), iri)
            for prop in (URIRef(DCT + "title"), RDFS.label):
                for title in g.objects(node, prop):
                    known.by_title.setdefault(norm_title(str(title)), iri)
    return known


def default_known_files() -> list[Path]:
    out = [resources.data_dir() / "publications.ttl"]
    nexus = resources.nexus_dir()
    if nexus.is_dir():
        out += sorted(p for p in nexus.glob("*.ttl") if not p.name.startswith("mappings-"))
    return out


# ---------------------------------------------------------------------------
# Reading the spreadsheet
# ---------------------------------------------------------------------------
EV_ID = re.compile(r"^\s*(\d+)\.(\d+)\.(\d+)(?:\.?([a-z]))?\s*$")


@dataclass
class Row:
    number: int          # spreadsheet row
    level: str           # Paper, Risk Category, Risk Sub-Category, Additional evidence
    ev_id: str           # canonical pp.cc.ss[.x]
    paper: int
    written_id: str | None   # a literal Ev_ID as the cell holds it (None: a formula)
    values: dict


def _two(value) -> str:
    """The sheet's TEXT(x, "00") of a cell value (blank reads as 0)."""
    if value is None or value == "":
        return "00"
    return f"{int(float(value)):02d}"


def read_workbook(path: Path):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        rows = list(wb[SHEET].iter_rows(values_only=True))
        res = list(wb[RESOURCES].iter_rows(values_only=True))
    finally:
        wb.close()
    return rows, res


@dataclass
class ImportResult:
    files: dict[str, str]
    counts: dict[str, int]
    defects: list[tuple[str, str, list[str]]]
    sha256: str

    def summary(self) -> str:
        lines = [f"MIT AI Risk Repository {VERSION} (sha256 {self.sha256})"]
        lines += [f"  {k}: {v}" for k, v in self.counts.items()]
        lines.append(f"  upstream defects reported: {len(self.defects)}")
        return "\n".join(lines)


def _page(value) -> tuple[str | None, str | None]:
    """(locator, problem) of a page cell."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "NA", "-")):
        return None, None if value is None else f"page given as {str(value).strip()!r}"
    if isinstance(value, _dt.datetime):
        return None, (f"page cell holds a date ({value.date().isoformat()}), probably a page "
                      "range the spreadsheet turned into a date")
    if isinstance(value, float) and value.is_integer():
        return f"p. {int(value)}", None
    text = " ".join(str(value).split())
    return (f"pp. {text}" if re.fullmatch(r"\d+\s*-\s*\d+", text) else f"p. {text}"), None


def _paper_meta(res: list[tuple]) -> dict[int, dict]:
    """The 'Included resources' sheet: each document's row by its Paper_ID."""
    header_at = next(i for i, r in enumerate(res) if r and "Paper_ID" in r)
    names = [str(c) if c is not None else "" for c in res[header_at]]
    meta: dict[int, dict] = {}
    for raw in res[header_at + 1:]:
        values = dict(zip(names, raw, strict=False))
        if values.get("Paper_ID") not in (None, ""):
            meta[int(float(values["Paper_ID"]))] = values
    return meta


class _Importer:
    def __init__(self, path: Path, known: KnownPublications) -> None:
        self.path = Path(path)
        self.sha = sha256(path)
        self.known = known
        self.counts: Counter[str] = Counter()
        self.defects: dict[str, tuple[str, list[str]]] = {}
        header = (f"# {{title}}\n# Generated by `riskgraph import mit-repository` from "
                  f"'{FILE_NAME}' (sha256 {self.sha}).\n"
                  "# Do not edit by hand: change the importer and re-run it.\n")
        self.header = header
        self.docs: dict[str, TurtleDoc] = {}

    def doc(self, name: str, title: str) -> TurtleDoc:
        if name not in self.docs:
            self.docs[name] = TurtleDoc(PREFIXES, self.header.format(title=title))
        return self.docs[name]

    def defect(self, kind: str, detail: str, item: str) -> None:
        self.defects.setdefault(kind, (detail, []))[1].append(item)

    # -- rows ----------------------------------------------------------------
    def parse_rows(self, rows: list[tuple]) -> list[Row]:
        header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Title" and r[2] == "Ev_ID")
        names = [str(c) if c is not None else "" for c in rows[header_at]]
        out = []
        for n, raw in enumerate(rows[header_at + 1:], start=header_at + 2):
            values = dict(zip(names, raw, strict=False))
            level = str(values.get("Category level") or "").strip()
            if not level:
                continue
            cell = values.get("Ev_ID")
            written = None
            if isinstance(cell, str) and cell.startswith("="):
                paper, cat, sub = (_two(values.get(k)) for k in ("Paper_ID", "Cat_ID",
                                                                  "SubCat_ID"))
                add = values.get("AddEv_ID")
                letter = chr(97 + int(float(add)) - 1) if add not in (None, "") else None
                ev = f"{paper}.{cat}.{sub}" + (f".{letter}" if letter else "")
            else:
                written = str(cell)
                m = EV_ID.match(written)
                if not m:
                    self.defect("Ev_ID not readable", "A literal Ev_ID the importer cannot "
                                "read; the row is left out.", f"row {n}: {written!r}")
                    continue
                ev = f"{int(m.group(1)):02d}.{int(m.group(2)):02d}.{int(m.group(3)):02d}" + (
                    f".{m.group(4)}" if m.group(4) else "")
                if ev != written.strip():
                    self.defect("Ev_ID written in another form",
                                "Rows whose Ev_ID is a typed value rather than the formula, "
                                "in a form the formula would not produce; riskgraph uses the "
                                "formula's form (the value as written is kept in "
                                "dcterms:identifier).", f"row {n}: {written!r} -> {ev}")
                if values.get("Paper_ID") in (None, ""):
                    self.counts["rows without Paper_ID (id read from Ev_ID)"] += 1
            paper_no = int(ev[:2])
            out.append(Row(n, level, ev, paper_no, written, values))
        return out

    # -- documents -------------------------------------------------------------
    def documents(self, res: list[tuple], rows: list[Row]) -> None:
        d = self.doc("documents.ttl", "Source documents of the MIT AI Risk Repository v3")
        meta = _paper_meta(res)
        papers = [r for r in rows if r.level == "Paper"]
        dois = Counter(doi_of(meta.get(r.paper, {}).get("DOI")) for r in papers)
        self.pub: dict[int, str] = {}
        self.pub_name: dict[int, str] = {}
        for row in papers:
            m = meta.get(row.paper, {})
            title = " ".join(str(m.get("Title") or row.values.get("Title") or "").split())
            quickref = " ".join(str(m.get("QuickRef") or row.values.get("QuickRef") or
                                    "").split())
            url = " ".join(str(m.get("URL") or "").split())
            doi, arxiv, notes = self.document_ids(quickref, m.get("DOI"), url, dois)
            self.pub_name[row.paper] = quickref or title
            found = self.known.match(doi, arxiv, title)
            if found:
                iri, how = found
                self.pub[row.paper] = iri
                d.add(iri, IN_DATASET, d.ref(DATASET))
                d.add(iri, IDENT, literal(quickref))
                self.counts["documents (riskgraph's publication reused)"] += 1
                self.reused.append(f"{quickref} -> {d.iri(iri)} (by {how})")
                continue
            iri = idi("publication", "mit-rr-" + slugify(quickref))
            self.pub[row.paper] = iri
            d.add(iri, RDF_TYPE, d.ref(rg("Publication")))
            d.add(iri, LABEL, en(title))
            d.add(iri, DCT + "title", en(title))
            d.add(iri, IDENT, literal(quickref))
            year = m.get("Year")
            if isinstance(year, float) and year.is_integer():
                d.add(iri, DCT + "issued", typed(str(int(year)), "gYear"))
            if doi and not doi.casefold().startswith("10.48550/arxiv"):
                d.add(iri, BIBO_DOI, literal(doi))
            if arxiv:
                d.add(iri, rg("arxivId"), literal(arxiv))
            if url.startswith(("http://", "https://")):
                d.add(iri, URL, typed(url, "anyURI"))
            authors = " ".join(str(m.get("Authors (full)") or "").split())
            if authors:
                d.add(iri, rg("authorList"), literal(authors))
            for note in notes:
                d.add(iri, SOURCE_NOTE, literal(note))
            self.pending_defs[iri] = (row.paper, year)
            d.add(iri, SOURCE, d.ref(DATASET))
            d.add(iri, IN_DATASET, d.ref(DATASET))
            self.counts["documents (new publication)"] += 1

    def document_ids(self, quickref: str, raw_doi, url: str,
                     dois: Counter) -> tuple[str | None, str | None, list[str]]:
        """A document's DOI and arXiv id as riskgraph records them, and notes on what it
        did not record: a DOI two documents share is dropped; where DOI and address name
        different arXiv papers, the DOI's is kept."""
        doi = doi_of(raw_doi)
        arxiv_doi, arxiv_url = arxiv_of(doi), arxiv_of(url)
        arxiv = arxiv_doi or arxiv_url
        notes = []
        if arxiv_doi and arxiv_url and arxiv_doi != arxiv_url:
            self.defect("DOI and address name different arXiv papers",
                        "The DOI and the URL of a document give different arXiv ids; "
                        "riskgraph uses the DOI's and notes the URL's.",
                        f"{quickref}: DOI {arxiv_doi}, URL {arxiv_url}")
            notes.append(f"The repository's address for this document names arXiv "
                         f"{arxiv_url}, its DOI arXiv {arxiv_doi}; riskgraph follows the "
                         "DOI.")
        if doi and dois[doi] > 1:
            self.defect("one DOI for two documents",
                        "Two different documents carry the same DOI in 'Included "
                        "resources'; riskgraph writes the DOI on neither and notes it.",
                        f"{quickref}: {doi}")
            notes.append(f"The repository gives this document the DOI {doi}, which it "
                         "also gives another document; riskgraph does not record it.")
            doi = None
        return doi, arxiv, notes

    # -- risks -----------------------------------------------------------------
    def code_risk(self, d: TurtleDoc, iri: str, v: dict, ev: str) -> str:
        """Link the risk's codes to riskgraph's concepts; return the subdomain code in words."""
        for dim, col in (("entity", "Entity"), ("intent", "Intent"), ("timing", "Timing")):
            value = " ".join(str(v.get(col) or "").split())
            target = causal_concept(dim, value) if value else None
            if target:
                d.add(iri, rg("mit" + dim.capitalize()), d.ref(target))
                continue
            d.add(iri, rg("taxonomyCode"), literal(f"{col}: {value or 'blank'}"))
            key = "not coded" if "not coded" in value.casefold() else "blank"
            self.counts[f"causal {dim} {key}"] += 1
        dom_text = " ".join(str(v.get("Domain") or "").split())
        sub_text = " ".join(str(v.get("Sub-domain") or "").split())
        dom_code = (re.match(r"(\d)\.", dom_text) or [None, None])[1] if dom_text else None
        sub_code = sub_text.split(">")[0].strip() if sub_text else ""
        sub = subdomain_concept(sub_code)
        dom = domain_concept(dom_code or "")
        if sub:
            d.add(iri, rg("mitSubdomain"), d.ref(sub))
            if dom_code and sub_code.split(".")[0] != dom_code:
                self.defect("subdomain outside its domain",
                            "A risk's sub-domain code does not belong to its domain; riskgraph "
                            "links both as written.", f"{ev}: {dom_text} / {sub_text}")
            self.counts["risks coded to a subdomain"] += 1
            return sub_code
        if sub_text:
            d.add(iri, rg("taxonomyCode"), literal(sub_code))
        if sub_code.startswith("X"):
            self.counts["risks excluded from the domain taxonomy (X.1)"] += 1
        elif re.fullmatch(r"\d\.0", sub_code):
            self.counts["risks coded to a domain only (N.0)"] += 1
        elif not sub_text:
            self.counts["risks without a domain code"] += 1
        else:
            self.defect("sub-domain code not in the taxonomy", "Kept as written.", f"{ev}: "
                        f"{sub_text}")
        if dom:
            d.add(iri, rg("mitDomain"), d.ref(dom))
        return sub_code or "no code"

    def risk_place(self, d: TurtleDoc, iri: str, row: Row, sub: bool) -> tuple[str, str]:
        """A risk's place in the scheme: a category is a top concept, a sub-category sits
        under the nearest category row above it with its Paper_ID and Cat_ID. Returns
        what it is and where, in words."""
        if not sub:
            d.add(iri, SKOS_TOP, d.ref(SCHEME))
            self.counts["risk categories"] += 1
            return "category", "as a category"
        parent = self.above(row.ev_id[:6] + "00", row.number, self.category_rows)
        if parent:
            d.add(iri, BROADER, d.ref(parent))
            where = f"under the category '{self.risk_label[parent]}'"
        else:
            self.defect("sub-category without its category", "No category row with "
                        "the sub-category's Paper_ID and Cat_ID; riskgraph gives it no "
                        "broader risk.", row.ev_id)
            where = "without a category row"
            d.add(iri, SKOS_TOP, d.ref(SCHEME))
        self.counts["risk sub-categories"] += 1
        return "sub-category", where

    def risks(self, rows: list[Row]) -> None:
        d = self.doc("risks.ttl", "Risks of the MIT AI Risk Repository v3")
        # (row number, IRI) per Ev_ID in sheet order: some Ev_IDs name two risks, and a
        # sub-category or evidence row belongs to the nearest row above it with its id.
        self.risk_rows: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.category_rows: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.risk_label: dict[str, str] = {}
        seen: Counter[str] = Counter()
        for row in rows:
            if row.level not in ("Risk Category", "Risk Sub-Category"):
                continue
            seen[row.ev_id] += 1
            v = row.values
            sub = row.level == "Risk Sub-Category"
            name = " ".join(str(v.get("Risk subcategory" if sub else "Risk category") or
                                "").split())
            slug = "mit-rr-" + row.ev_id + (f"-{seen[row.ev_id]}" if seen[row.ev_id] > 1
                                            else "")
            if seen[row.ev_id] > 1:
                self.defect("one Ev_ID for two risks", "Two risk rows derive the same Ev_ID "
                            "(Paper_ID, Cat_ID, SubCat_ID); riskgraph keeps both, the later "
                            "with '-2' in its IRI, and files sub-categories and evidence under "
                            "the nearest row above them.", f"{row.ev_id} (row {row.number})")
            iri = idi("concept", slug)
            self.risk_rows[row.ev_id].append((row.number, iri))
            if not sub:
                self.category_rows[row.ev_id].append((row.number, iri))
            if not name:
                self.defect("risk without a name", "riskgraph names it by its Ev_ID.",
                            row.ev_id)
                name = f"Risk {row.ev_id}"
            self.risk_label[iri] = name
            cls = "RepositoryRiskSubcategory" if sub else "RepositoryRiskCategory"
            d.add(iri, RDF_TYPE, d.ref(rg(cls)))
            d.add(iri, LABEL, en(name))
            d.add(iri, IN_SCHEME, d.ref(SCHEME))
            d.add(iri, IDENT, literal(row.written_id or row.ev_id))
            pub = self.pub.get(row.paper)
            if pub:
                d.add(iri, SOURCE, d.ref(pub))
            else:
                d.add(iri, SOURCE, d.ref(DATASET))
                self.defect("risk of an unlisted document", "No 'Paper' row for its Paper_ID.",
                            row.ev_id)
            d.add(iri, IN_DATASET, d.ref(DATASET))
            code = self.code_risk(d, iri, v, row.ev_id)
            doc_name = self.pub_name.get(row.paper, f"document {row.paper}")
            what, where = self.risk_place(d, iri, row, sub)
            coded = (f"MIT code {code}" if code and code[0].isdigit() and not code.endswith(".0")
                     else f"domain code {code}" if code.endswith(".0") else
                     f"code {code}")
            d.add(iri, DEFN, en(f"A risk {what} that {doc_name} names, {where}; the AI Risk "
                                f"Repository v3 ({row.ev_id}) files it with {coded}. Its own "
                                "description is in the repository."))
            self.per_paper[row.paper] += 1

    def above(self, ev_id: str, number: int, among=None) -> str | None:
        """The risk (or, ``among`` the categories, the category) with ``ev_id`` on the
        nearest row above row ``number``."""
        rows = self.risk_rows if among is None else among
        found = [iri for n, iri in rows.get(ev_id, ()) if n < number]
        return found[-1] if found else None

    def evidence(self, rows: list[Row]) -> None:
        d = self.doc("evidence.ttl", "Additional evidence rows of the MIT AI Risk Repository v3")
        for row in rows:
            if row.level != "Additional evidence":
                continue
            iri = idi("source", "mit-rr-" + row.ev_id)
            target_id = row.ev_id[:8]
            risk = self.above(target_id, row.number)
            self.counts["additional-evidence rows"] += 1
            d.add(iri, RDF_TYPE, d.ref(rg("LocatedReference")))
            d.add(iri, IDENT, literal(row.written_id or row.ev_id))
            d.add(iri, IN_DATASET, d.ref(DATASET))
            pub = self.pub.get(row.paper)
            if pub:
                d.add(iri, SOURCE, d.ref(pub))
            name = self.risk_label.get(risk or "", target_id)
            if risk:
                d.add(iri, rg("referenceFor"), d.ref(risk))
            else:
                self.defect("additional evidence for an unknown risk", "No risk row with the "
                            "evidence's Paper_ID, Cat_ID and SubCat_ID.", row.ev_id)
            page, problem = _page(row.values.get("p.AddEv"))
            if page:
                d.add(iri, rg("page"), literal(page))
                self.counts["additional-evidence rows with a page"] += 1
            else:
                if problem:
                    self.defect("page not usable", "The additional evidence's page cell "
                                "does not hold a page number; riskgraph records no page.",
                                f"{row.ev_id}: {problem}")
            d.add(iri, LABEL, en(f"Additional evidence {row.ev_id} for '{name}'"
                                 + (f", {page}" if page else "")))
            doc_name = self.pub_name.get(row.paper, f"document {row.paper}")
            d.add(iri, DEFN, en(f"A place in {doc_name} ({page or 'page not given'}) that the "
                                f"AI Risk Repository v3 cites as further evidence for the risk "
                                f"'{name}'; the passage it quotes is in the repository."))

    def datasets(self) -> None:
        d = self.doc("datasets.ttl", "Source dataset of the MIT AI Risk Repository import")
        d.add(DATASET, RDF_TYPE, d.ref(rg("SourceDataset")))
        d.add(DATASET, LABEL, en("MIT AI Risk Repository v3"))
        d.add(DATASET, DCT + "title", en("The AI Risk Repository (AI Risk Database v3)"))
        d.add(DATASET, DEFN, en(
            "The MIT AI Risk Initiative's database of risks named by published frameworks, "
            "each coded with the causal and domain taxonomies, as exported to a spreadsheet; "
            "riskgraph imports its documents, risks, codes and additional-evidence rows."))
        d.add(DATASET, DCT + "publisher", d.ref(MIT_ORG))
        d.add(DATASET, DCT + "hasVersion", literal(VERSION))
        d.add(DATASET, URL, typed(HOME, "anyURI"))
        d.add(DATASET, DCT + "license", d.ref(CC_BY))
        d.add(DATASET, rg("retrievedOn"), typed(RETRIEVED, "date"))
        d.add(DATASET, rg("sha256"), literal(self.sha))
        d.add(DATASET, SOURCE_NOTE, literal(
            f"CC BY 4.0 as the file's header row states. Attribution: {ATTRIBUTION}. File "
            f"'{FILE_NAME}', obtained from {ORIGIN}."))
        d.add(SCHEME, RDF_TYPE, d.ref(SKOS_SCHEME))
        d.add(SCHEME, LABEL, en("MIT AI Risk Database v3 (risks as frameworks name them)"))
        d.add(SCHEME, DEFN, en(
            "The list of risk categories and sub-categories that the documents of the MIT "
            "AI Risk Repository name, each in its document's own terms; their positions in "
            "MIT's domain and causal taxonomies are links to those taxonomies, not this list."))
        d.add(SCHEME, SOURCE, d.ref(DATASET))
        d.add(SCHEME, IN_DATASET, d.ref(DATASET))

    def run(self, rows_raw, res) -> None:
        self.reused: list[str] = []
        self.pending_defs: dict[str, tuple] = {}
        self.per_paper: Counter[int] = Counter()
        rows = self.parse_rows(rows_raw)
        self.counts["documents"] = sum(1 for r in rows if r.level == "Paper")
        self.datasets()
        self.documents(res, rows)
        self.risks(rows)
        self.evidence(rows)
        d = self.docs["documents.ttl"]
        for iri, (paper, year) in self.pending_defs.items():
            when = f" ({int(year)})" if isinstance(year, float) else ""
            d.add(iri, DEFN, en(f"A document{when} that the MIT AI Risk Repository v3 "
                                f"includes as a source of {self.per_paper[paper]} of its risk "
                                "categories and sub-categories."))


SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOS_TOP = SKOS + "topConceptOf"
SKOS_SCHEME = SKOS + "ConceptScheme"


def import_mit_repository(path: Path, known_files: list[Path] | None = None) -> ImportResult:
    """Read the repository workbook and return the Turtle files and the report (as text)."""
    path = Path(path)
    known = known_publications(default_known_files() if known_files is None else known_files)
    imp = _Importer(path, known)
    rows, res = read_workbook(path)
    imp.run(rows, res)
    files = {name: doc.text() for name, doc in sorted(imp.docs.items())}
    defects = [(k, v[0], sorted(v[1])) for k, v in sorted(imp.defects.items())]
    counts = dict(sorted(imp.counts.items()))
    files["IMPORT-REPORT.md"] = render(
        title="MIT AI Risk Repository import report",
        command="riskgraph import mit-repository",
        facts=[f"File: `{FILE_NAME}` ({VERSION})", f"SHA-256: `{imp.sha}`",
               f"Obtained from: {ORIGIN}", f"Retrieved: {RETRIEVED}",
               "Licence: CC BY 4.0 (the file's header row). Attribution: " + ATTRIBUTION,
               "Dataset: `dataset:mit-ai-risk-repository-v3`",
               "Read: the sheets 'AI Risk Database v3' and 'Included resources' (openpyxl); "
               "Ev_ID is derived from Paper_ID, Cat_ID, SubCat_ID and AddEv_ID as the "
               "sheet's formula does (two digits each, a letter for AddEv_ID); rows holding "
               "a typed Ev_ID are read from that value.",
               "Descriptions are riskgraph's own sentences from the structured facts; the "
               "risks' descriptions and the evidence quotes stay in the spreadsheet."],
        counts=counts, defects=defects,
        lists={"Documents that are riskgraph's existing publications": sorted(imp.reused)},
        triples={n: len(doc) for n, doc in imp.docs.items()})
    return ImportResult(files, counts, defects, imp.sha)
