"""Every canned query on the bundled data, checked against real rows; output formats;
the on-disk store; and that the query path stays light."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from query_rows import rows, sparql

from riskgraph.query.canned import list_queries, parse_query, prepare, run_prepared, run_query
from riskgraph.query.formats import display

STANDOUTS = {"Pre-deployment risk assessments", "Third party pre-deployment model audits",
             "Safety incident reports and security information sharing"}
TESTED = {"effective_mitigations", "mitigations_for_domain", "who_does_what",
          "mitigations_by_function", "coverage_gaps", "contested_mitigations",
          "evidence_for_mitigation", "publication_claims", "publications", "delphi_risks",
          "domain_stage_matrix", "graph_summary",
          # the imported catalogues (tests/importers/test_import_queries.py)
          "catalogue_mitigations_for_risk", "mit_mitigations_by_category",
          "nist_actions_by_function", "taxonomy_matches", "evidence_catalogue_gaps",
          # the MIT AI Risk Repository and AIID imports (tests/importers/test_import_mit.py)
          "risk_dossier", "incidents", "framework_risks"}


def test_every_canned_query_is_listed_and_described():
    queries = list_queries()
    assert {q.name for q in queries} >= TESTED  # others may add queries; these stay
    for query in queries:
        assert query.summary and query.description and query.tags
        assert query.path is not None and query.path.suffix == ".rq"
        for param in query.params:
            assert param.description, f"{query.name}: parameter {param.name} needs a description"


# --- 1. effective mitigations for a risk area --------------------------------------------

def test_effective_mitigations_cbrn_standouts_first(store):
    found = rows(store, "effective_mitigations")
    first = found[:3]
    assert {r["label"] for r in first} == STANDOUTS
    for row in first:
        assert row["grade"] == "survey figure of expert agreement"
        assert ">60% (share of the experts who rated it for the area who agree it is " \
            "effective)" in row["evidence"]
        assert "Uuk et al. (2024)" in row["citations"]
        assert row["gradeRecord"].endswith("--area-cbrn")
    rest = found[3:]
    assert rest, "other mitigations rated effective for CBRN should follow the standouts"
    assert all(">60%" not in r["evidence"] and r["citations"] for r in rest)
    labels = {r["label"] for r in rest}
    assert "Data curation" in labels  # navigator A1426: positive for CBRN
    assert "Harmlessness training" not in labels  # A1427: sceptical for CBRN


def test_effective_mitigations_other_area_by_code_or_label(store):
    by_code = rows(store, "effective_mitigations", area="CI")
    by_label = rows(store, "effective_mitigations", area="critical infrastructure")
    assert by_code == by_label
    assert {r["label"] for r in by_code[:3]} == STANDOUTS
    assert all(r["gradeRecord"].endswith("--area-critical-infrastructure") for r in by_code)
    assert "Safety drills" in {r["label"] for r in by_code}  # A1437: positive for CI


def test_demo_reads_labels_from_run_query(store):
    result = run_query("effective_mitigations", {}, store)
    labels = [row["label"].value for row in result.rows]
    assert set(labels[:3]) == STANDOUTS


# --- 2. mitigations for an MIT domain or subdomain ---------------------------------------

def _stage_orders(store) -> dict[str, int]:
    found = sparql(store, "PREFIX rg: <https://w3id.org/riskgraph/ns#>\n"
                          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                          "SELECT ?label ?order WHERE { ?s rg:stageOrder ?order ; "
                          "rdfs:label ?label }")
    return {r["label"]: int(r["order"]) for r in found}


def test_mitigations_for_subdomain_4_2(store):
    found = rows(store, "mitigations_for_domain", risk="4.2")
    assert found and all(r["stage"] and r["actor"] for r in found)
    assert {"stage": "Verify and Validate", "actor": "Developer"}.items() <= next(
        r for r in found if r["label"] == "Pre-deployment risk assessments").items()
    orders = _stage_orders(store)
    sequence = [orders.get(r["stage"], 99) for r in found]
    assert sequence == sorted(sequence), "rows are in lifecycle order"
    same = rows(store, "mitigations_for_domain",
                risk="Cyberattacks, weapon development or use, and mass harm")
    assert same == found
    assert rows(store, "mitigations_for_domain", risk="concept:mit-4.2") == found


def test_mitigations_for_domain_4_include_its_subdomains(store):
    domain = {r["mitigation"] for r in rows(store, "mitigations_for_domain", risk="4")}
    sub = {r["mitigation"] for r in rows(store, "mitigations_for_domain", risk="4.2")}
    assert sub and sub <= domain


# --- 3. who does what, when --------------------------------------------------------------

def test_who_does_what(store):
    found = rows(store, "who_does_what")
    assert {"actor": "Developer", "stage": "Verify and Validate",
            "label": "Pre-deployment risk assessments"}.items() <= next(
        r for r in found if r["label"] == "Pre-deployment risk assessments"
        and r["actor"] == "Developer").items()
    orders = _stage_orders(store)
    for actor in {r["actor"] for r in found}:
        sequence = [orders.get(r["stage"], 99) for r in found if r["actor"] == actor]
        assert sequence == sorted(sequence)
    deployer = rows(store, "who_does_what", actor="deployer")
    assert deployer and {r["actor"] for r in deployer} == {"Deployer"}
    assert len(deployer) < len(found)
    stage = rows(store, "who_does_what", stage="deploy and use")
    assert stage and {r["stage"] for r in stage} == {"Deploy and Use"}


# --- 4. by NIST AI RMF function ----------------------------------------------------------

def test_mitigations_by_function(store):
    everything = rows(store, "mitigations_by_function")
    assert {r["code"] for r in everything} == {"GV", "MP", "MS", "MG"}
    measure = rows(store, "mitigations_by_function", function="MS")
    assert {(r["code"], r["function"]) for r in measure} == {("MS", "Measure")}
    assert "Third party pre-deployment model audits" in {r["label"] for r in measure}
    assert rows(store, "mitigations_by_function", function="measure") == measure


# --- 5. coverage gaps --------------------------------------------------------------------

def test_coverage_gaps(store):
    found = rows(store, "coverage_gaps")
    assert found
    for row in found:
        mitigations = int(row["mitigationsAddressingIt"])
        about, about_mitigations = int(row["evidenceItemsAboutIt"]), \
            int(row["evidenceItemsAboutItsMitigations"])
        assert 0 in (mitigations, about, about_mitigations)
        assert ("no mitigation" in row["gap"]) == (mitigations == 0)
        assert ("no evidence item about it;" in row["gap"] + ";") == (about == 0)
        assert ("no evidence item about its mitigations" in row["gap"]) == \
            (about_mitigations == 0)
    codes = {r["code"] for r in found}
    assert "4.2" not in codes and "7.2" not in codes  # well covered by mitigations and evidence
    domain_4_2 = {r["mitigation"] for r in rows(store, "mitigations_for_domain", risk="4.2")}
    assert domain_4_2, "a subdomain with mitigations is not a mitigation gap"


# --- 6. contested mitigations ------------------------------------------------------------

def test_contested_mitigations(store):
    found = rows(store, "contested_mitigations")
    sides: dict[tuple[str, str], set[str]] = {}
    for row in found:
        sides.setdefault((row["label"], row["area"]), set()).add(row["side"].split(" ")[0])
        assert row["citation"]
    assert sides and all(s == {"for", "against"} for s in sides.values())
    # the survey figure says effective, the navigator reading says mixed (failed before)
    assert ("Pre-deployment risk assessments", "Democratic processes") in sides
    # positive for CBRN, sceptical for critical infrastructure: area-dependent, not contested
    assert not any(label == "Data curation" for label, _ in sides)
    dependent = rows(store, "area_dependent_ratings")
    assert any(r["label"] == "Data curation" and r["doubtedFor"] == "Critical infrastructure"
               for r in dependent)


# --- 7. evidence for one mitigation ------------------------------------------------------

def test_evidence_for_mitigation(store):
    found = rows(store, "evidence_for_mitigation", mitigation="A1446")
    assert found == rows(store, "evidence_for_mitigation", mitigation="model-weight-security")
    cbrn = next(r for r in found if r["about"].endswith("(CBRN)"))
    assert cbrn["side"] == "effective" and cbrn["curated"] == "yes"
    assert cbrn["citation"] == "MIT AI Risk Initiative navigator, measure A1446"
    ranks = ["effective", "mixed", "sceptical"]
    sides = [ranks.index(r["side"]) for r in found if r["side"] in ranks]
    assert sides == sorted(sides) and "mixed" in {r["side"] for r in found}


def test_evidence_against_safety_fine_tuning(store):
    found = rows(store, "evidence_for_mitigation", mitigation="safety-fine-tuning")
    against = [r for r in found if r["side"] == "questions"]
    assert against and any(r["citation"].startswith("Lermen") for r in against)
    assert {"sceptical", "effective"} <= {r["side"] for r in found}


# --- 8. what a publication claims --------------------------------------------------------

def test_publication_claims(store):
    found = rows(store, "publication_claims", publication="2310.20624")
    relations = {(r["relation"], r["aboutLabel"]) for r in found if r.get("relation")}
    assert ("questions", "Harmlessness training") in relations
    assert ("supports", "Pre-deployment risk assessments") in relations
    assert all(r["kind"] == "claim" and r["claim"] for r in found)
    assert rows(store, "publication_claims",
                publication="lermen-2023-lora-undoes-safety") == found


# --- 9. publications by domain, year, organisation ---------------------------------------

def test_publications_filters(store):
    everything = rows(store, "publications")
    assert len({r["publication"] for r in everything}) >= 15
    in_2023 = rows(store, "publications", year="2023")
    assert in_2023 and {r["year"] for r in in_2023} == {"2023"}
    nist = rows(store, "publications", organisation="nist")
    assert {r["organisation"] for r in nist} == {"National Institute of Standards and "
                                                  "Technology (NIST)"}
    assert any(r["label"].startswith("NIST AI 100-1") for r in nist)
    malicious = rows(store, "publications", domain="4")
    assert malicious and {r["domainCode"] for r in malicious} == {"4"}
    assert any(r["publication"].endswith("/li-2024-wmdp") for r in malicious)


# --- 10. the Delphi study ----------------------------------------------------------------

def test_delphi_risks(store):
    found = rows(store, "delphi_risks")
    severe = [r for r in found if r["finding"] == "severity rank"]
    assert {r["code"] for r in severe} == {"3.1", "4.2", "6.1", "6.4", "7.2"}
    assert found[:len(severe)] == severe, "the severity ranks come first"
    above = [r for r in found if r["finding"] != "severity rank"]
    assert {r["code"] for r in above} == {"4.2", "6.1", "6.2", "6.6", "7.2"}
    assert {(r["scenario"], r["figure"]) for r in above} == {("Pragmatic mitigations", ">10%")}
    assert all(r["citation"].startswith("Saeri et al. (2026)") for r in found)
    pm = rows(store, "delphi_risks", scenario="pragmatic mitigations")
    assert pm == above
    floor = rows(store, "delphi_risks", threshold="0.05")
    assert len(floor) > len(found)  # every risk is above 5%


# --- 11. domain x stage matrix -----------------------------------------------------------

def test_domain_stage_matrix(store):
    found = rows(store, "domain_stage_matrix")
    assert [r["code"] for r in found] == ["1", "2", "3", "4", "5", "6", "7"]
    four = next(r for r in found if r["code"] == "4")
    listed = rows(store, "mitigations_for_domain", risk="4")
    assert int(four["total"]) == len({r["mitigation"] for r in listed})
    verify = {r["mitigation"] for r in listed if r["stage"] == "Verify and Validate"}
    assert int(four["verify"]) == len(verify) > 0


# --- 12. graph summary -------------------------------------------------------------------

def test_graph_summary_counts_match_the_built_graph(store):
    """The counts are checked against the cached N-Triples read by pyoxigraph's parser
    into plain sets (not through the store or SPARQL); rdflib's parser gave the same
    sets 10 times slower."""
    import pyoxigraph as ox

    from riskgraph.build.cache import ensure_cached_graph

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = {(t.subject, t.predicate, t.object)
               for t in ox.parse(path=str(ensure_cached_graph()),
                                 format=ox.RdfFormat.N_TRIPLES)}

    def instances(cls: str) -> int:
        iri = ox.NamedNode(cls)
        return len({s for s, p, o in triples if p == rdf_type and o == iri})

    found = {(r["group"], r["item"]): int(r["count"]) for r in rows(store, "graph_summary")}
    assert found[("graph", "triples")] == len(triples)
    assert found[("instances of class", "mitigation")] == \
        instances("https://w3id.org/riskgraph/ns#Mitigation")
    stances = sum(v for (g, _), v in found.items() if g == "assessments by stance")
    assert stances == instances("https://w3id.org/riskgraph/ns#Assessment")


# --- output formats ----------------------------------------------------------------------

def test_json_follows_w3c_results_format(run_cli):
    result = run_cli("query", "effective_mitigations", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["head"]["vars"][0] == "label"
    first = data["results"]["bindings"][0]
    assert first["label"]["type"] == "literal" and first["label"]["xml:lang"] == "en"
    assert first["mitigation"]["type"] == "uri"
    assert first["grade"] == {"type": "literal", "value": "survey figure of expert agreement",
                              "xml:lang": "en"}


def test_ask_as_json(run_cli):
    result = run_cli("query", "--sparql", "ASK { ?s ?p ?o }", "--format", "json")
    assert json.loads(result.output) == {"head": {}, "boolean": True}


def test_csv_follows_w3c_results_format(store):
    from riskgraph.query.formats import write

    text = write(run_query("mitigations_for_domain", {"risk": "4.2"}, store), "csv").decode()
    assert text.split("\r\n")[0] == "label,stage,actor,addresses,mitigation"
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    table = list(csv.reader(io.StringIO(text)))
    assert all(len(row) == 5 for row in table)
    assert any(row[3] == "Chemical, biological, radiological and nuclear risks (CBRN)"
               for row in table)  # a comma inside a value is quoted
    assert any(row[4].startswith("https://w3id.org/riskgraph/id/mitigation/") for row in table)


def test_markdown_and_table(run_cli):
    md = run_cli("query", "domain_stage_matrix", "--format", "md").output.splitlines()
    assert md[0].startswith("| code | domain | plan |") and md[1].startswith("|---|---|---:|")
    assert len(md) == 2 + 7
    table = run_cli("query", "mitigations_for_domain", "--param", "risk=4.2").output
    assert "mitigation:" in table or "not shown to fit the terminal: mitigation" in table
    assert table.rstrip().endswith(")") and " rows" in table.splitlines()[-1]


def test_table_shows_prefixed_names_and_every_column():
    from riskgraph.query.formats import to_table
    from riskgraph.query.results import QueryResult, Term

    result = QueryResult(["label", "iri"], [{
        "label": Term("literal", "Data curation", lang="en"),
        "iri": Term("uri", "https://w3id.org/riskgraph/id/mitigation/data-curation")}])
    wide = to_table(result, width=120)
    assert "mitigation:data-curation" in wide and "(1 row)" in wide
    long = [{**result.rows[0], "label": Term("literal", "Data curation " * 3)}]
    narrow = to_table(QueryResult(["label", "iri"], long), width=40)
    assert "mitigation:data-curation" in narrow and "not shown" not in narrow
    assert all(len(line) <= 40 for line in narrow.splitlines()[:-1])


def test_table_at_80_columns_keeps_every_column_and_whole_words(store):
    """Failed before: SELECT ?r ?p ?o printed only o at 80 columns, and words were cut
    ("Pre-deployme/nt")."""
    from riskgraph.query.formats import to_table

    query = parse_query("SELECT ?r ?p ?o WHERE { ?r a <https://w3id.org/riskgraph/ns#Mitigation> ;"
                        " ?p ?o } ORDER BY ?r ?p ?o LIMIT 40", "--sparql", canned=False)
    result = run_prepared(prepare(query, None, store), store)
    text = to_table(result, width=80)
    values = [display(row[name]) for row in result.rows for name in ("r", "p", "o")]
    words = {word for value in values for word in value.split()}
    shown = {word for line in text.splitlines() for word in line.replace("|", " ").split()}
    assert words <= shown  # every value of every column, no word cut in two
    assert "one record per block" in text.splitlines()[-1]  # and it says how it is shown
    answer = run_query("effective_mitigations", {}, store)
    table = to_table(answer, width=80)
    for name in answer.variables:
        assert any(line.startswith(name + " ") or line.split()[:1] == [name]
                   for line in table.splitlines()), name
    words = {w for row in answer.rows for t in row.values() for w in display(t).split()}
    assert words <= {w for line in table.splitlines() for w in line.replace("|", " ").split()}


def test_output_file(run_cli, tmp_path):
    target = tmp_path / "out" / "cbrn.csv"
    result = run_cli("query", "effective_mitigations", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text().startswith("label,grade,stage,stagePlacedBy,actor,actorPlacedBy,"
                                         "evidence,against")


def test_list_shows_summaries_and_parameters(run_cli):
    result = run_cli("query", "--list")
    assert result.exit_code == 0
    for query in list_queries():
        assert query.name in result.output and query.summary in result.output
    assert "--param risk=" in result.output and "default CBRN" in result.output


# --- binding -----------------------------------------------------------------------------

def test_bind_values_opens_the_where_group():
    from riskgraph.query.binding import bind_values
    from riskgraph.query.results import Term

    text = "PREFIX a: <http://a#>\nSELECT ?x WHERE {\n ?x a:p ?_v . FILTER(?_v != 'x {') }"
    bound = bind_values(text, {"_v": Term("literal", 'say "hi"')})
    assert bound.splitlines()[1] == 'SELECT ?x WHERE { VALUES (?_v) { ("say \\"hi\\"") }'
    sub = bind_values("SELECT * WHERE { SELECT ?x WHERE { ?x ?p ?_v } }",
                      {"_v": Term("uri", "http://e/v")})
    assert sub == ("SELECT * WHERE { VALUES (?_v) { (<http://e/v>) } { SELECT ?x WHERE "
                   "{ ?x ?p ?_v } } }")


def test_user_query_with_parameter(run_cli, tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("#+ summary: Mitigations with a stage\n#+ params:\n#+   - name: stage\n"
                    "#+     class: rg:LifecycleStage\n"
                    "PREFIX rg: <https://w3id.org/riskgraph/ns#>\n"
                    "SELECT ?m WHERE { ?m rg:lifecycleStage ?_stage }\n")
    result = run_cli("query", "--file", str(path), "--param", "stage=Plan and Design",
                     "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "mitigation/pre-registration-of-large-training-runs" in result.output


# --- on-disk store -------------------------------------------------------------

def _default_params(query) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.required}


def test_disk_store_gives_the_same_rows(store, tmp_path):
    from riskgraph.build.cache import ensure_cached_graph
    from riskgraph.store.local import EmbeddedStore
    from riskgraph.store.ondisk import write_store

    info = write_store(ensure_cached_graph(), tmp_path / "store")
    assert info.triples == len(store)
    disk = EmbeddedStore.open(tmp_path / "store")
    assert disk.notes == []
    for query in list_queries():
        params = _default_params(query)
        assert run_query(query, params, disk).rows == run_query(query, params, store).rows, \
            query.name


def test_build_store_cli(run_cli, tmp_path):
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    refused = run_cli("build", "-o", str(tmp_path / "out"), "--format", "nt",
                      "--store", str(foreign))
    assert refused.exit_code == 2 and "will not overwrite" in refused.output
    assert (foreign / "keep.txt").read_text() == "mine"
    built = run_cli("build", "-o", str(tmp_path / "out"), "--format", "nt",
                    "--store", str(tmp_path / "store"))
    assert built.exit_code == 0 and "wrote store" in built.output
    result = run_cli("query", "effective_mitigations", "--store", str(tmp_path / "store"),
                     "--format", "csv")
    assert result.exit_code == 0
    assert {line.split(",")[0] for line in result.output.splitlines()[1:4]} == STANDOUTS


# --- the query path stays light ----------------------------------------------------------

def test_query_path_does_not_import_heavy_libraries(_isolated_cache):
    from riskgraph.build.cache import ensure_cached_graph

    ensure_cached_graph()  # built once here; the subprocess only reads it
    code = ("import sys, atexit\n"
            "heavy = ('rdflib', 'pyshacl', 'pyvis', 'owlready2', 'networkx') + tuple("
            "'riskgraph.cli.' + c for c in ('build', 'demo', 'graph', 'push', 'validate'))\n"
            "atexit.register(lambda: print('LOADED', sorted(m for m in heavy "
            "if m in sys.modules), file=sys.stderr))\n"
            "from riskgraph.cli import main\n"
            "main(['query', 'effective_mitigations', '--format', 'csv'])\n")
    env = {**os.environ, "RISKGRAPH_CACHE": str(_isolated_cache)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "Third party pre-deployment model audits" in done.stdout
    assert "LOADED []" in done.stderr


# --- no traceback on empty heads; nothing from the data reaches the terminal raw ---------

@pytest.mark.parametrize("fmt", ["table", "md", "csv", "json"])
def test_query_without_variables(run_cli, fmt):
    result = run_cli("query", "--sparql", "SELECT * WHERE { }", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt in ("table", "md"):
        assert "(1 row)" in result.output


class _NoVariables:
    """A SPARQL endpoint that answers every query with one row and no variables."""

    def __enter__(self):
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = b'{"head": {"vars": []}, "results": {"bindings": [{}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/sparql"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_endpoint_answering_without_variables(run_cli, fmt):
    with _NoVariables() as url:
        result = run_cli("query", "graph_summary", "--endpoint", url, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "(1 row)" in result.output


def test_control_sequences_never_reach_the_terminal():
    from riskgraph.query.formats import render
    from riskgraph.query.results import QueryResult, Term

    hostile = "\x1b]8;;http://evil/\x07click\x1b]8;;\x07 \x1b[2J\x9b31m\u202egnp.exe\x07\x00"
    result = QueryResult(["label\x1b[5m"], [{"label\x1b[5m": Term("literal", hostile)}])
    for fmt in ("table", "md"):
        text = render(result, fmt, width=200)
        assert not any(ord(c) < 0x20 and c != "\n" or 0x7f <= ord(c) <= 0x9f
                       or c == "\u202e" for c in text), repr(text)
        assert "\\x1b]8;;http://evil/\\x07click" in text.replace("\\\\", "\\")


def test_json_escapes_every_control_character_and_keeps_the_value():
    from riskgraph.query.formats import render
    from riskgraph.query.results import QueryResult, Term

    value = "a\x1b[2Jb\x9bc\u202ed\x7fe"
    text = render(QueryResult(["x"], [{"x": Term("literal", value)}]), "json")
    assert not any(ord(c) < 0x20 and c != "\n" or 0x7f <= ord(c) <= 0x9f or c == "\u202e"
                   for c in text)
    assert json.loads(text)["results"]["bindings"][0]["x"]["value"] == value


def test_running_a_query_needs_the_callers_store():
    """Data flows down: the query layer never opens the bundled store by itself (failed
    before: ``store=None`` opened it)."""
    with pytest.raises(TypeError):
        run_query("effective_mitigations", {})  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        prepare("effective_mitigations", {"area": "CBRN"})  # type: ignore[call-arg]
