"""Import an AI Incident Database snapshot (incidents.csv, classifications_MIT.csv) into
riskgraph Turtle.

Each incident keeps its id, date, title (as its name), the alleged deployers,
developers and harmed parties (as agents) and its address at incidentdatabase.ai; the
classified ones get their MIT domain, subdomain and causal codes as links to
riskgraph's own MIT concepts. The database is CC BY-SA 4.0: the converted files stay
their own datasets. Descriptions are riskgraph's sentences; the database's incident
descriptions stay at the source. Deterministic: same files, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph import resources
from riskgraph.errors import InputError
from riskgraph.importers.external_report import render
from riskgraph.importers.mit_repository import (
    causal_concept,
    domain_concept,
    sha256,
    subdomain_concept,
)
from riskgraph.importers.nexus import (
    DCT,
    DEFN,
    IDENT,
    IN_DATASET,
    LABEL,
    OUT_PREFIXES,
    RDF_TYPE,
    SOURCE,
    SOURCE_NOTE,
    URL,
    idi,
    rg,
)
from riskgraph.importers.turtle import TurtleDoc, en, literal, typed

SNAPSHOT = "2025-03"
RETRIEVED = "2026-12-07"  # when riskgraph took the files (a recorded fact)
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ORIGIN = ("https://github.com/thecraigd/AI-Incident-Database-Dashboard (commit "
          "451e5e10ffc4be8614be2dc7aba9dc909cf2f93f, folder mongodump_full_snapshot/)")
HOME = "https://incidentdatabase.ai/"
ATTRIBUTION = ("AI Incident Database, Responsible AI Collaborative, incidentdatabase.ai "
               "(CC BY-SA 4.0; report contents keep their own rights)")
DATASET = idi("dataset", "aiid-2025-03")
CLASSIFIED = idi("dataset", "aiid-mit-classifications-2025-03")
LINKS = idi("dataset", "riskgraph-nexus-aiid-incident-links")
PUBLISHER = idi("organisation", "responsible-ai-collaborative")
CURATION = idi("agent", "riskgraph-curation")
SEMAPV_MANUAL = "https://w3id.org/semapv/vocab/ManualMappingCuration"
ROLES = (("Alleged deployer of AI system", "allegedDeployer", "deployer"),
         ("Alleged developer of AI system", "allegedDeveloper", "developer"),
         ("Alleged harmed or nearly harmed parties", "allegedHarmedParty",
          "harmed or nearly harmed party"))

COLUMNS = {
    "incidents.csv": ("incident_id", "date", "title") + tuple(column for column, _, _ in ROLES),
    "classifications_MIT.csv": ("Incident ID", "Risk Domain", "Risk Subdomain", "Entity",
                                "Timing", "Intent"),
}

# riskgraph's curation: IBM AI Risk Atlas example incidents (AI Atlas Nexus import) that
# report the same event as an AIID incident, and why riskgraph says so.
SAME_INCIDENTS = {
    "fake-legal-cases": ("541", "Both report lawyers in a US court filing case law that "
                         "ChatGPT had invented (May-June 2023)."),
    "audio-deepfakes": ("628", "Both concern the AI-generated Biden voice robocalls before the "
                        "2024 New Hampshire primary; the Atlas cites the FCC's response."),
    "toxic-and-aggressive-chatbot-responses": ("477", "Both report Bing Chat's hostile and "
                                               "erratic replies in long conversations, "
                                               "February 2023."),
    "harmful-content-generation": ("505", "Both report the Belgian man's suicide after "
                                   "conversations with a Chai chatbot, March-April 2023."),
    "low-wage-workers-for-data-annotation": ("450", "Both report Kenyan workers labelling "
                                             "graphic content for OpenAI for low pay (TIME, "
                                             "January 2023)."),
    "text-copyright-infringement-claims": ("995", "Both report The New York Times suing "
                                           "OpenAI and Microsoft over training on its "
                                           "articles, December 2023."),
    "exposure-of-personal-information": ("516", "Both report the March 2023 ChatGPT bug that "
                                         "showed users other users' data."),
    "biased-generated-images": ("423", "Both report Lensa's 'magic avatars' sexualising "
                                "women's pictures, late 2022 to January 2023."),
    "misguiding-advice": ("714", "Both report New York City's business chatbot advising "
                          "people to break the law, March-April 2024."),
}


@dataclass
class ImportResult:
    files: dict[str, str]
    counts: dict[str, int]
    defects: list[tuple[str, str, list[str]]]
    sha256: dict[str, str]

    def summary(self) -> str:
        lines = [f"AI Incident Database snapshot {SNAPSHOT}"]
        lines += [f"  {k}: {v}" for k, v in self.counts.items()]
        lines.append(f"  upstream defects reported: {len(self.defects)}")
        return "\n".join(lines)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9.-]+", "-", text.casefold())
    return re.sub(r"-{2,}", "-", slug).strip("-.")


def known_organisations() -> set[str]:
    """Slugs of organisations riskgraph already has (organisation:<slug>)."""
    files = [resources.data_dir() / "publications.ttl"]
    nexus = resources.nexus_dir() / "datasets.ttl"
    if nexus.exists():
        files.append(nexus)
    found = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"^organisation:([a-z0-9.-]+)\s+a prov:Organization", text,
                                re.M))
        found |= set(re.findall(r"^organisation:([a-z0-9.-]+)\n\s+a prov:Organization", text,
                                re.M))
    return found


def _nexus_incidents() -> set[str]:
    path = resources.nexus_dir() / "ibm-risk-atlas.ttl"
    if not path.exists():
        return set()
    return set(re.findall(r"^incident:([a-z0-9.-]+)$", path.read_text(encoding="utf-8"), re.M))


@dataclass
class _Parties:
    """The parties the incidents name: their nodes, and the roles each is named in."""

    orgs: set[str]  # slugs of riskgraph's own organisations
    agents: dict[str, str] = field(default_factory=dict)  # upstream name -> IRI
    taken: dict[str, str] = field(default_factory=dict)  # IRI -> upstream name
    roles: dict[str, Counter] = field(default_factory=dict)


class _Importer:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.sha = {name: sha256(self.folder / name)
                    for name in ("incidents.csv", "classifications_MIT.csv", "license.txt")}
        self.counts: Counter[str] = Counter()
        self.defects: dict[str, tuple[str, list[str]]] = {}
        self.docs: dict[str, TurtleDoc] = {}

    def doc(self, name: str, title: str) -> TurtleDoc:
        if name not in self.docs:
            self.docs[name] = TurtleDoc(OUT_PREFIXES, (
                f"# {title}\n# Generated by `riskgraph import aiid` from the AI Incident "
                f"Database snapshot {SNAPSHOT} (incidents.csv sha256 "
                f"{self.sha['incidents.csv']}, classifications_MIT.csv sha256 "
                f"{self.sha['classifications_MIT.csv']}).\n# Licence of this file: CC BY-SA "
                "4.0 (share-alike, as the database). Do not edit by hand.\n"))
        return self.docs[name]

    def defect(self, kind: str, detail: str, item: str) -> None:
        self.defects.setdefault(kind, (detail, []))[1].append(item)

    def read(self, name: str) -> list[dict]:
        path = self.folder / name
        text = path.read_text(encoding="utf-8")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = sorted(set(COLUMNS[name]) - set(reader.fieldnames or ()))
        if missing:
            raise InputError(f"not the AI Incident Database's {name}: no column "
                             + ", ".join(repr(m) for m in missing), file=path)
        return list(reader)

    def datasets(self) -> None:
        d = self.doc("datasets.ttl", "Source datasets of the AI Incident Database import")
        d.add(PUBLISHER, RDF_TYPE, d.ref("http://www.w3.org/ns/prov#Organization"))
        d.add(PUBLISHER, LABEL, en("Responsible AI Collaborative"))
        d.add(PUBLISHER, DEFN, en("The organisation that publishes the AI Incident Database."))
        d.add(PUBLISHER, IN_DATASET, d.ref(DATASET))
        for ds, title, label, definition, files in (
            (DATASET, "AI Incident Database", f"AI Incident Database (snapshot {SNAPSHOT})",
             "Incidents in which AI caused or nearly caused harm, as the AI Incident Database "
             "records them: id, date, title and the parties it names.", "incidents.csv"),
            (CLASSIFIED, "AI Incident Database: MIT AI Risk Initiative classifications",
             f"AIID incident classifications by the MIT AI Risk Initiative (snapshot "
             f"{SNAPSHOT})",
             "The MIT AI Risk Initiative's coding of AI Incident Database incidents into its "
             "domain and causal taxonomies, as the database publishes it.",
             "classifications_MIT.csv")):
            d.add(ds, RDF_TYPE, d.ref(rg("SourceDataset")))
            d.add(ds, LABEL, en(label))
            d.add(ds, DCT + "title", en(title))
            d.add(ds, DEFN, en(definition))
            d.add(ds, DCT + "publisher", d.ref(PUBLISHER))
            d.add(ds, DCT + "hasVersion", literal(f"snapshot of {SNAPSHOT} (mongodump "
                                                  "converted to CSV)"))
            d.add(ds, URL, typed(HOME, "anyURI"))
            d.add(ds, DCT + "license", d.ref(CC_BY_SA))
            d.add(ds, rg("retrievedOn"), typed(RETRIEVED, "date"))
            d.add(ds, rg("sha256"), literal(self.sha[files]))
            d.add(ds, SOURCE_NOTE, literal(
                f"CC BY-SA 4.0 per the snapshot's license.txt (sha256 {self.sha['license.txt']}"
                f"); share-alike binds riskgraph's converted files, kept as their own dataset. "
                f"Attribution: {ATTRIBUTION}. File {files}, obtained from {ORIGIN}."))
        d.add(CLASSIFIED, DCT + "isPartOf", d.ref(DATASET))

    def incidents(self) -> None:
        d = self.doc("incidents.ttl", "Incidents of the AI Incident Database")
        self.incident_iri: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        parties = _Parties(known_organisations())
        for n, row in enumerate(self.read("incidents.csv"), start=2):
            self.incident(d, n, row, parties)
        self.agents(self.doc("agents.ttl", "Parties named in AI Incident Database incidents"),
                    parties)

    def incident(self, d: TurtleDoc, n: int, row: dict, parties: _Parties) -> None:
        """One row of incidents.csv (line ``n``): the incident and the parties it names."""
        iid = str(row.get("incident_id") or "").strip()
        if not iid.isdigit():
            self.defect("incident without a numeric id", "Left out.", f"line {n}")
            return
        iri = idi("incident", f"aiid-{iid}")
        if iid in self.incident_iri:
            self.defect("incident id twice", "The later row is left out.", iid)
            return
        self.incident_iri[iid] = iri
        title = " ".join(str(row.get("title") or "").split()) or f"AIID incident {iid}"
        self.titles[iid] = title
        date = str(row.get("date") or "").strip()
        d.add(iri, RDF_TYPE, d.ref(rg("Incident")))
        d.add(iri, LABEL, en(title))
        d.add(iri, IDENT, literal(iid))
        d.add(iri, URL, typed(f"{HOME}cite/{iid}", "anyURI"))
        d.add(iri, SOURCE, d.ref(DATASET))
        d.add(iri, IN_DATASET, d.ref(DATASET))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            d.add(iri, DCT + "date", typed(date, "date"))
        else:
            self.defect("incident date not a date", "No date recorded.", f"{iid}: {date!r}")
        named = []
        for column, prop, role in ROLES:
            count = self.incident_parties(d, iri, iid, row, (column, prop, role), parties)
            if count:
                named.append(f"{count} alleged {role}{'' if count == 1 else 's'}"
                             .replace("partys", "parties"))
        when = f" dated {date}" if date else ""
        names = "; it names " + ", ".join(named) if named else ""
        d.add(iri, DEFN, en(f"Incident {iid} of the AI Incident Database{when}{names}. "
                            "The reports are at the source address."))
        self.counts["incidents"] += 1

    def incident_parties(self, d: TurtleDoc, iri: str, iid: str, row: dict,
                         role_of: tuple[str, str, str], parties: _Parties) -> int:
        """The parties of one role (a JSON list in its column) linked to the incident;
        how many."""
        column, prop, role = role_of
        try:
            names = json.loads(row.get(column) or "[]")
        except ValueError:
            self.defect("party list not readable", "Left out.", f"{iid} {column}")
            names = []
        count = 0
        for party in names:
            party = str(party).strip()
            if not party:
                self.defect("empty party name", "An empty string in a party list "
                            "(left out).", f"{iid}: {column}")
                continue
            d.add(iri, rg(prop), d.ref(self.party_iri(party, parties)))
            parties.roles.setdefault(party, Counter())[role] += 1
            count += 1
        return count

    def party_iri(self, party: str, parties: _Parties) -> str:
        """A party's node: riskgraph's organisation of that slug, else an agent of its own
        (numbered when two names give one slug)."""
        if party in parties.agents:
            return parties.agents[party]
        slug = _slug(party)
        if slug in parties.orgs:
            parties.agents[party] = idi("organisation", slug)
            self.counts["parties that are riskgraph's organisations"] += 1
            return parties.agents[party]
        target = idi("agent", f"aiid-{slug}")
        k = 2
        while target in parties.taken and parties.taken[target] != party:
            target = idi("agent", f"aiid-{slug}-{k}")
            k += 1
        if slug != party:
            self.defect("party slug not an IRI-safe name", "riskgraph's "
                        "agent IRI is made from the slug; its label keeps "
                        "the slug as written.", party)
        parties.agents[party] = target
        parties.taken[target] = party
        return target

    def agents(self, ag: TurtleDoc, parties: _Parties) -> None:
        """Each party's agent node, with the roles the incidents give it; a party that is
        riskgraph's organisation gets only its dataset."""
        for party, iri in sorted(parties.agents.items()):
            if iri.startswith(idi("organisation", "")):
                ag.add(iri, IN_DATASET, ag.ref(DATASET))
                continue
            said = ", ".join(f"{role} in {n}" for role, n in sorted(parties.roles[party].items()))
            ag.add(iri, RDF_TYPE, ag.ref("http://www.w3.org/ns/prov#Agent"))
            ag.add(iri, LABEL, en(party))
            ag.add(iri, DEFN, en(f"A party the AI Incident Database names (as '{party}') as "
                                 f"alleged {said} incident(s)."))
            ag.add(iri, IN_DATASET, ag.ref(DATASET))
            self.counts["parties (agents)"] += 1

    def classifications(self) -> None:
        d = self.doc("classifications-mit.ttl",
                     "MIT AI Risk Initiative classifications of AIID incidents")
        seen = set()
        for n, row in enumerate(self.read("classifications_MIT.csv"), start=2):
            iid = str(row.get("Incident ID") or "").strip()
            iri = self.incident_iri.get(iid)
            if not iri:
                self.defect("classification of an unknown incident", "Left out.",
                            f"line {n}: {iid}")
                continue
            if iid in seen:
                self.defect("incident classified twice", "Both kept.", iid)
            seen.add(iid)
            d.add(iri, IN_DATASET, d.ref(CLASSIFIED))
            dom_text, sub_text = (" ".join(str(row.get(k) or "").split())
                                  for k in ("Risk Domain", "Risk Subdomain"))
            dm = re.match(r"(\d)\.\s", dom_text)
            sm = re.match(r"(\d\.\d+)\.?\s", sub_text)
            sub = subdomain_concept(sm.group(1)) if sm else None
            if sub:
                d.add(iri, rg("mitSubdomain"), d.ref(sub))
                self.counts["classified incidents with a subdomain"] += 1
                if dm and sm and not sm.group(1).startswith(dm.group(1) + "."):
                    self.defect("subdomain outside its domain", "Both linked as written.",
                                f"{iid}: {dom_text} / {sub_text}")
            elif sub_text:
                d.add(iri, rg("taxonomyCode"), literal(sub_text))
                self.defect("subdomain not in the taxonomy", "Kept as written.",
                            f"{iid}: {sub_text}")
            dom = domain_concept(dm.group(1)) if dm else None
            if dom:
                d.add(iri, rg("mitDomain"), d.ref(dom))
            elif dom_text:
                d.add(iri, rg("taxonomyCode"), literal(dom_text))
            if not sub and not dom:
                self.counts["classified incidents without a domain code"] += 1
            for dim, col in (("entity", "Entity"), ("intent", "Intent"), ("timing", "Timing")):
                value = " ".join(str(row.get(col) or "").split())
                target = causal_concept(dim, value) if value else None
                if target:
                    d.add(iri, rg("mit" + dim.capitalize()), d.ref(target))
                else:
                    d.add(iri, rg("taxonomyCode"), literal(f"{col}: {value or 'blank'}"))
                    self.counts[f"classified incidents without causal {dim}"] += 1
            self.counts["classified incidents"] += 1

    def links(self) -> None:
        d = self.doc("links-nexus.ttl", "riskgraph's links between AI Atlas Nexus and AIID "
                     "incidents")
        d.header = d.header.replace("# Licence of this file: CC BY-SA 4.0 (share-alike, as "
                                    "the database).", "# riskgraph's curation (CC BY 4.0).")
        d.add(LINKS, RDF_TYPE, d.ref(rg("SourceDataset")))
        d.add(LINKS, LABEL, en("riskgraph's links between IBM AI Risk Atlas and AIID incidents"))
        d.add(LINKS, DCT + "title", en("Same-incident links, AI Atlas Nexus to AIID"))
        d.add(LINKS, DEFN, en("riskgraph's curated statements that an example incident of the "
                              "IBM AI Risk Atlas (via AI Atlas Nexus) and an AI Incident "
                              "Database incident report the same event, each with its "
                              "reason."))
        d.add(LINKS, DCT + "publisher", d.ref(CURATION))
        d.add(LINKS, DCT + "license", d.ref(CC_BY))
        d.add(LINKS, SOURCE_NOTE, literal("riskgraph's curation, read from the two incidents' "
                                          "titles, dates and cited reports."))
        nexus = _nexus_incidents()
        for slug, (iid, why) in sorted(SAME_INCIDENTS.items()):
            left, right = idi("incident", slug), self.incident_iri.get(iid)
            if slug not in nexus or not right:
                self.defect("curated incident link without its incidents", "Not written.",
                            f"{slug} = AIID {iid}")
                continue
            rec = idi("mapping", f"riskgraph-same-incident-{slug}")
            d.add(left, rg("sameIncidentAs"), d.ref(right))
            d.add(rec, RDF_TYPE, d.ref(rg("MappingRecord")))
            d.add(rec, rg("mappingSet"), d.ref(LINKS))
            d.add(rec, rg("mappingSubject"), d.ref(left))
            d.add(rec, rg("mappingObject"), d.ref(right))
            d.add(rec, rg("mappingPredicate"), d.ref(rg("sameIncidentAs")))
            d.add(rec, rg("mappingJustification"), d.ref(SEMAPV_MANUAL))
            d.add(rec, rg("mappingAuthor"), literal("riskgraph curation"))
            d.add(rec, rg("classifiedBy"), d.ref(CURATION))
            d.add(rec, SOURCE_NOTE, literal(why))
            d.add(rec, IN_DATASET, d.ref(LINKS))
            self.counts["Nexus incidents linked to an AIID incident (riskgraph's curation)"] += 1
            self.linked.append(f"`incident:{slug}` = `incident:aiid-{iid}` "
                               f"({self.titles[iid]}): {why}")

    def run(self) -> None:
        self.linked: list[str] = []
        self.datasets()
        self.incidents()
        self.classifications()
        self.counts["incidents not classified"] = (self.counts["incidents"]
                                                   - self.counts["classified incidents"])
        self.links()


def import_aiid(folder: Path) -> ImportResult:
    """Read an AIID snapshot folder and return the Turtle files and the report (as text)."""
    imp = _Importer(Path(folder))
    imp.run()
    files = {name: doc.text() for name, doc in sorted(imp.docs.items())}
    defects = [(k, v[0], sorted(v[1])) for k, v in sorted(imp.defects.items())]
    counts = dict(sorted(imp.counts.items()))
    files["IMPORT-REPORT.md"] = render(
        title="AI Incident Database import report", command="riskgraph import aiid",
        facts=[f"Snapshot: {SNAPSHOT}, obtained from {ORIGIN}", f"Retrieved: {RETRIEVED}"]
        + [f"SHA-256 of `{k}`: `{v}`" for k, v in sorted(imp.sha.items())]
        + ["Licence: CC BY-SA 4.0 (license.txt); report contents keep their own rights. "
           "Share-alike binds the converted files (`incidents.ttl`, `agents.ttl`, "
           "`classifications-mit.ttl`, `datasets.ttl`): they are their own datasets "
           "(`dataset:aiid-2025-03`, `dataset:aiid-mit-classifications-2025-03`) and "
           "any adaptation must be shared under CC BY-SA 4.0. Attribution: " + ATTRIBUTION,
           "`links-nexus.ttl` is riskgraph's curation (CC BY 4.0, "
           "`dataset:riskgraph-nexus-aiid-incident-links`).",
           "Descriptions are riskgraph's own sentences from the structured facts; the "
           "database's incident descriptions stay at the source (schema:url)."],
        counts=counts, defects=defects,
        lists={"Same-incident links (riskgraph's curation)": imp.linked},
        triples={n: len(doc) for n, doc in imp.docs.items()})
    return ImportResult(files, counts, defects, imp.sha)
