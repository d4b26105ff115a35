"""Write the graph view: one self-contained, offline HTML page with a strict CSP.

The page is our own Jinja2 template (autoescaped) around the vis-network script
that the installed pyvis package ships, inlined here so that nothing is fetched.
Graph data goes in as escaped JSON that the page's script reads with JSON.parse.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from riskgraph.errors import InputError
from riskgraph.namespaces import PREFIXES, PROV_IRI, expand
from riskgraph.page.embed import csp_hash, script_json
from riskgraph.page.layout import Group, force_layout, group_text
from riskgraph.page.matrix import Matrix, evidence_matrix
from riskgraph.page.model import GraphModel, build_model, neighbourhood
from riskgraph.page.triples import TripleIndex, as_index
from riskgraph.version import __version__

TEMPLATES = Path(__file__).resolve().parent / "templates"
# auto: the page kind's own layout (answer bands, focus blocks, whole-graph groups);
# python: a spring layout computed here; physics: the browser settles the drawing.
LAYOUTS = ("auto", "python", "physics")


@dataclass
class RenderedPage:
    """One page, not yet written anywhere: its HTML and what it draws."""

    html: str
    title: str
    csp: str  # the Content-Security-Policy its <meta> element declares, to send as a header
    node_count: int
    edge_count: int
    layout: str  # "bands", "focus", "groups", "python" (spring) or "physics"
    answer_count: int = 0
    new_count: int = 0
    group_count: int = 0
    matrix_rows: int = 0

    @property
    def bytes(self) -> int:
        return len(self.html.encode("utf-8"))


def _vis_files() -> tuple[Path, Path, str]:
    """The newest vis-network that the installed pyvis ships (script, stylesheet, version)."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    if not lib.is_dir():
        lib = Path(pyvis.__file__).resolve().parent / "lib"
    found = []
    for folder in lib.glob("vis-*"):
        script = folder / "vis-network.min.js"
        if script.is_file():
            numbers = tuple(int(x) for x in re.findall(r"\d+", folder.name))
            found.append((numbers, script, folder / "vis-network.css", folder.name[4:]))
    if not found:
        raise InputError("vis-network was not found in the installed pyvis package",
                         file=lib, hint="reinstall pyvis: pip install --force-reinstall pyvis")
    _, script, css, version = max(found)
    return script, css, version


def _inline(text: str, tag: str) -> str:
    if re.search(rf"</{tag}|<!--", text, re.IGNORECASE):
        raise ValueError(f"inline {tag} holds a sequence that would end its element")
    return text


def _resolve_focus(model: GraphModel, focus: str, store: Any) -> str:
    """Any identifier a query parameter accepts, to a node key.

    An IRI, a prefixed name (concept:mit-4.2) or a code (4.2) is looked up in the drawn
    graph; anything else (a navigator id such as A1446, a label, a DOI, an arXiv id, an
    IRI slug) goes through the query layer's own resolution, over every drawn class.
    """
    g = model.graph
    text = focus.strip()
    candidates = [text[1:-1] if text.startswith("<") and text.endswith(">") else text]
    expanded = expand(text, PREFIXES)
    if expanded is not None:
        candidates.insert(0, expanded)
    for candidate in candidates:
        if candidate in g:
            return candidate
    by_code = sorted(n for n, attrs in g.nodes(data=True) if text in attrs["codes"])
    if len(by_code) == 1:
        return by_code[0]
    if len(by_code) > 1:
        names = ", ".join(g.nodes[n]["short"] for n in by_code[:6])
        raise InputError(f"the code {text!r} names several entities: {names}",
                         hint="give the prefixed name or the IRI of the one you mean")
    if store is not None:
        from riskgraph.query.canned import Param, resolve_iri

        param = Param("focus", "_focus", True, "iri", classes=tuple(model.styles))
        try:
            key = resolve_iri(param, text, store).value
        except InputError as exc:
            exc.message = exc.message.replace("parameter focus", "focus")
            exc.argument = "focus"  # the command line names --focus
            raise
        if key in g:
            return key
    raise InputError(f"no entity {text!r} in the graph",
                     hint="give an IRI, a prefixed name such as concept:mit-4.2, a code "
                          "such as 4.2, a navigator id such as A1446, or a label")


@dataclass
class _Answer:
    query: str
    order: list[str]  # the entities the query returned, in the answer's order
    subjects: set[str]  # the entities its parameters named
    include: set[str]  # what to draw: the answer and its direct links


def _query_answer(model: GraphModel, name: str, params: dict[str, str],
                  store: Any) -> _Answer:
    """The IRIs a canned query returns on ``store``, and what to draw: them and their
    direct links. An empty answer draws what the parameters name, if anything."""
    from riskgraph.query.canned import prepare, run_prepared

    prepared = prepare(name, params, store)
    result = run_prepared(prepared, store)
    order = list(dict.fromkeys(term.value for row in result.rows for term in row.values()
                               if term.kind == "uri" and term.value in model.graph))
    # An evidence grade (effective_mitigations gives one per row) is drawn as the
    # assessments and claims it rests on, in the answer's order.
    order = list(dict.fromkeys(e for key in order for e in _derived_from(model, key)))
    subjects = {t.value for t in prepared.bindings.values()
                if t.kind == "uri" and t.value in model.graph}
    include = set(order) | subjects
    adj = model.graph.to_undirected(as_view=True)
    for node in order:
        # Expanding a concept such as a lifecycle stage would pull in half the graph.
        if model.graph.nodes[node]["cls"] not in model.concept_classes:
            include.update(adj.neighbors(node))
    return _Answer(name, order, subjects, include)


PROV_DERIVED = PROV_IRI + "wasDerivedFrom"
EVIDENCE_GRADE = "https://w3id.org/riskgraph/ns#EvidenceGrade"
ASSESSMENT = "https://w3id.org/riskgraph/ns#Assessment"


def _derived_from(model: GraphModel, key: str) -> list[str]:
    """``key``, or for an evidence grade the assessments it was derived from. Claims a grade
    also rests on are left to the panel and the matrix: drawn as the answer too, they pull
    their papers' other mitigations and risks in, and the fitted view shrinks below the
    size at which labels are drawn."""
    if model.graph.nodes[key].get("cls") != EVIDENCE_GRADE:
        return [key]
    return sorted(o for _, o, p in model.graph.out_edges(key, data="prop")
                  if p == PROV_DERIVED and model.graph.nodes[o].get("cls") == ASSESSMENT)


def _default_font(size: float) -> int:
    """graph.js's font size for a node of this size when the data names none."""
    return math.floor(10 + (size - 8) / 2 + 0.5)


def short_of(iri: str, namespaces: list[list[str]]) -> str:
    """The prefixed name graph.js derives from an IRI and the page's namespace table
    (as namespaces.compact does: the longest namespace; a local name that would not
    read back leaves the IRI)."""
    best = max((item for item in namespaces if iri.startswith(item[1])),
               key=lambda item: len(item[1]), default=None)
    if best is None:
        return iri
    local = iri[len(best[1]):]
    return f"{best[0]}:{local}" if local and " " not in local else iri


def _page_data(model: GraphModel, physics: bool, view: str, groups: list[Group],
               matrix: Matrix | None) -> dict:
    g = model.graph
    order = sorted(g.nodes, key=lambda n: (g.nodes[n]["cls"], g.nodes[n]["label"], n))
    index = {n: i for i, n in enumerate(order)}
    class_index = {c: i for i, c in enumerate(model.styles)}
    props = sorted(set(model.properties.values()))
    prop_index = {name: i for i, name in enumerate(props)}
    namespaces = _page_namespaces(g, order)
    details = _Details()
    entry = _NodeEntry(model, class_index, namespaces, physics)
    nodes = [entry(key, g.nodes[key], details.refs(g.nodes[key]["details"])) for key in order]
    # (straight from the adjacency: networkx's edge views are slow at this size; an edge's
    # key is its property, see build_model)
    edges = [[index[u], index[v], prop_index[model.properties[p]]]
             for u, nbrs in g.adj.items() for v, keys in nbrs.items() for p in keys]
    data = {
        "view": view,
        "classes": [{"iri": s.iri, "label": s.label, "colour": s.colour, "shape": s.shape,
                     "count": s.count, "evidence": s.iri in model.evidence_classes,
                     "source": s.iri in model.source_classes,
                     "concept": s.iri in model.concept_classes} for s in model.styles.values()],
        "props": props, "details": details.table, "ns": namespaces, "nodes": nodes,
        "edges": edges, "physics": physics,
        "facets": [{"label": f.label, "values": [[label, index.get(v, -1)]
                                                 for v, label in f.values]}
                   for f in model.facets],
        "groups": [{"l": gr.label, "w": group_text(gr), "c": class_index[gr.cls],
                    "m": [index[m] for m in gr.members], "x": round(gr.x), "y": round(gr.y),
                    "z": gr.size, "fs": gr.font} for gr in groups if gr.members],
        "coverage": _coverage_data(model, index),
    }
    if matrix is not None:
        data["matrix"] = _matrix_data(matrix, g, index)
    return data


def _page_namespaces(g, order: list[str]) -> list[list[str]]:
    """The page's namespace table: prefixed names are derived on the page from the
    namespaces they use (short_of), written out only where that would not give the
    same name."""
    spaces: dict[str, str] = {}
    for key in order:
        short = g.nodes[key]["short"]
        if short != key and ":" in short:
            prefix, local = short.split(":", 1)
            if key.endswith(local):
                spaces.setdefault(key[:len(key) - len(local)], prefix)
    return sorted([p, ns] for ns, p in spaces.items())


class _Details:
    """The page's size is mostly the entities' details, and most of those repeat (the
    same dataset, mapping justification or predicate on thousands of entities): each
    distinct detail is written once, in "details", and an entity lists their indices."""

    def __init__(self) -> None:
        self.table: list = []
        self.index: dict[tuple, int] = {}

    def refs(self, details: list) -> list[int]:
        refs = []
        for detail in details:
            known = tuple(detail)
            if known not in self.index:
                self.index[known] = len(self.table)
                self.table.append(detail)
            refs.append(self.index[known])
        return refs


class _NodeEntry:
    """One node as the page's data writes it. Empty and default fields are left out;
    graph.js restores them as it reads the data."""

    def __init__(self, model: GraphModel, class_index: dict[str, int],
                 namespaces: list[list[str]], physics: bool) -> None:
        self.class_index, self.namespaces, self.physics = class_index, namespaces, physics
        self.facet_index = {f.iri: i for i, f in enumerate(model.facets)}
        self.facet_value = {f.iri: {v: j for j, (v, _) in enumerate(f.values)}
                            for f in model.facets}

    def __call__(self, key: str, a: dict, refs: list[int]) -> dict:
        # An IRI under one of the page's namespaces is written as its prefixed name ("i"),
        # which graph.js expands; any other as it is ("id", with "s" where it has one).
        short = a["short"]
        derived = short_of(key, self.namespaces)
        node = ({"i": short} if short != key and short == derived else {"id": key}) | {
            "l": a["label"], "c": self.class_index[a["cls"]], "z": a["size"],
            "f": self.facets(a)}
        if "id" in node and short != derived:
            node["s"] = short
        for field_name, flag in (("definition", "d"), ("codes", "k")):
            if a[field_name]:
                node[flag] = a[field_name]
        if refs:
            node["t"] = refs
        for field_name, flag in (("new", "n"), ("answer", "a")):
            if a[field_name]:
                node[flag] = 1
        if a.get("wrapped") == "" or a.get("wrapped") and (a["wrapped"] != a["label"]
                                                           or len(a["label"]) > 40):
            node["w"] = a["wrapped"]  # "": drawn without a label (the panel names it)
        if a.get("font") and a["font"] != _default_font(a["size"]):
            node["fs"] = a["font"]
        if "x" in a and not self.physics:
            node["x"], node["y"] = a["x"], a["y"]
        return node

    def facets(self, a: dict) -> dict[str, list[int]]:
        return {str(self.facet_index[f]): [self.facet_value[f][v] for v in vals
                                           if v in self.facet_value[f]]
                for f, vals in a.get("facets", {}).items()}


def _coverage_data(model: GraphModel, index: dict[str, int]) -> dict:
    cov = model.coverage
    rows, cols = cov.rows, cov.cols
    cells = [[ri, ci, sorted(index[m] for m in cov.cells.get((r[0], c[0]), []) if m in index)]
             for ri, r in enumerate(rows) for ci, c in enumerate(cols)
             if cov.cells.get((r[0], c[0]))]
    return {"rowLabel": cov.row_label, "colLabel": cov.col_label,
            "rows": [[label, index.get(iri, -1)] for iri, label in rows],
            "cols": [[label, index.get(iri, -1)] for iri, label in cols],
            "cells": cells}


def _matrix_data(matrix: Matrix, g, index: dict[str, int]) -> dict:
    return {
        "rows": [index[m] for m in matrix.rows],
        "stages": [[index[k] for k in matrix.stages.get(m, [])] for m in matrix.rows],
        "actors": [[index[k] for k in matrix.actors.get(m, [])] for m in matrix.rows],
        "cols": [[g.nodes[a]["label"], index[a], (g.nodes[a]["codes"] or [""])[0]]
                 for a in matrix.cols],
        "cells": [[ri, ci, [[index[c.evidence], c.text, c.value, 1 if c.curated else 0]
                            for c in matrix.cells[(m, a)]]]
                  for ri, m in enumerate(matrix.rows) for ci, a in enumerate(matrix.cols)
                  if (m, a) in matrix.cells],
    }


def render_model(model: GraphModel, *, title: str, subtitle: str, layout_mode: str = "auto",
                 view: str = "whole", answer: _Answer | None = None,
                 focus: str | None = None) -> RenderedPage:
    """Lay out one model and make its page (nothing is written).

    ``view`` is the kind of page: "answer" (give ``answer``), "focus" (give ``focus``,
    the centre's key) or "whole"; with ``layout_mode`` "auto" each kind has its own
    layout and folded groups (see riskgraph.page.views).
    """
    import jinja2
    from markupsafe import Markup

    import riskgraph.page.views as views

    if layout_mode not in LAYOUTS:
        raise InputError(f"unknown layout {layout_mode!r}", hint="use auto, python or physics")
    physics = layout_mode == "physics"
    groups: list[Group] = []
    if layout_mode == "auto":
        if view == "answer" and answer is not None:
            groups = views.answer_view(model, answer.query, answer.order, answer.subjects)
            used = "bands"
        elif view == "focus" and focus is not None:
            groups = views.focus_view(model, focus)
            used = "focus"
        else:
            groups = views.whole_view(model)
            used = "groups"
    else:
        views.plain_sizes(model)
        if not physics:
            force_layout(model.graph)
        used = "physics" if physics else "python"
    matrix = evidence_matrix(model, answer.order if answer else ())
    vis_js_path, vis_css_path, vis_version = _vis_files()
    vis_js = _inline(vis_js_path.read_text(encoding="utf-8"), "script")
    vis_css = _inline(vis_css_path.read_text(encoding="utf-8"), "style")
    app_js = _inline((TEMPLATES / "graph.js").read_text(encoding="utf-8"), "script")
    app_css = _inline((TEMPLATES / "graph.css").read_text(encoding="utf-8"), "style")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {csp_hash(vis_js)} {csp_hash(app_js)}",
        f"style-src {csp_hash(vis_css)} {csp_hash(app_css)}",
        "img-src data: blob:", "font-src 'none'", "connect-src 'none'", "object-src 'none'",
        "base-uri 'none'", "form-action 'none'",
    ])
    cov = model.coverage
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    # Markup only for our own and pyvis's code (checked by _inline) and for the JSON,
    # which script_json escapes for a script element; all data text is autoescaped.
    html = env.get_template("graph.html.j2").render(
        csp=csp, title=title, subtitle=subtitle, version=__version__, physics=physics,
        vis_version=vis_version, coverage_title=f"{cov.row_label} \u00d7 {cov.col_label}",
        has_matrix=matrix is not None,
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        app_js=Markup(app_js),
        app_css=Markup(app_css),
        data_json=script_json(_page_data(model, physics, view, groups, matrix)),
    )
    g = model.graph
    return RenderedPage(html=html, title=title, csp=csp, node_count=model.node_count,
                     edge_count=model.edge_count, layout=used,
                     answer_count=sum(1 for _, a in g.nodes(data="answer") if a),
                     new_count=sum(1 for _, a in g.nodes(data="new") if a),
                     group_count=len(groups), matrix_rows=len(matrix.rows) if matrix else 0)


def graph_page(graph: Graph | TripleIndex, store: Any = None,
               query: str | None = None, params: dict[str, str] | None = None, *,
               focus: str | None = None, depth: int = 1,
               data: list[Path] | tuple[Path, ...] = (), layout_mode: str = "auto",
               title: str | None = None, what: str = "a graph",
               built: str | None = None) -> RenderedPage:
    """The graph page of ``graph``, as a string and counts; nothing is written.

    The caller chooses the data: ``graph`` is what is drawn and ``store`` answers
    ``query`` (a canned query's name, with ``params``) and resolves ``focus`` names;
    give the store that holds ``graph`` (riskgraph.load() does). With ``query``, the
    page draws the answer; with ``focus`` (any identifier a query parameter accepts) the
    neighbourhood of one entity, ``depth`` links deep; with neither, the whole graph.
    ``data`` adds contribution files, whose new entities are marked. ``what`` names the
    graph in the title; ``built`` (when the graph was built) goes in the subtitle. Bad
    input raises InputError.
    """
    from riskgraph.io.rdf import read_rdf_file

    if depth < 0:
        raise InputError("depth must be 0 or more", argument="depth")
    if query and store is None:
        raise ValueError("graph_page needs the store to run the query on")
    index = as_index(graph)
    new: set[str] = set()
    contributions = []
    if data:
        known = {s for s, _, _ in index}
        # A copy of the index takes the contributions (it drops repeated triples as a
        # Graph does); copying 120,000 triples through an rdflib Graph took 4-8 s.
        merged = TripleIndex(index)
        for file in data:
            loaded = read_rdf_file(file)
            contributions.append(Path(file).name)
            for subject in set(loaded.graph.subjects(RDF.type)):
                if isinstance(subject, URIRef) and subject not in known:
                    new.add(str(subject))
            for s, p, o in loaded.graph:
                merged.add(s, p, o)
        index = merged
        what += " with " + ", ".join(contributions)
    model = build_model(index, new=new)
    answer: _Answer | None = None
    include: set[str] | None = None
    start = None
    if query and store is not None:
        answer = _query_answer(model, query, params or {}, store)
        include = answer.include
        shown = ", ".join(f"{k}={v}" for k, v in (params or {}).items())
        what = f"answer to query {query}" + (f" ({shown})" if shown else "") + f" on {what}"
        if not answer.order:
            what += ": the answer is empty"
    if focus:
        start = _resolve_focus(model, focus, store)
        within = neighbourhood(model.graph, start, depth)
        include = within if include is None else (include & within) | {start}
        label = model.graph.nodes[start]["label"]
        what = f"neighbourhood of {label} ({depth} link{'s' if depth != 1 else ''}) in {what}"
    if include is not None:
        marked: set[str] = set(answer.order) if answer else {start} if start else set()
        model = build_model(index, new=new, answer=marked, include=include)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page_title = title or f"riskgraph: {what}"
    subtitle = (f"{model.node_count:,} entities, {model.edge_count:,} links"
                + (f" \u00b7 graph built {built}" if built else "")
                + f" \u00b7 page generated {now} \u00b7 riskgraph {__version__}")
    view = "answer" if query else "focus" if focus else "whole"
    return render_model(model, title=page_title, subtitle=subtitle, layout_mode=layout_mode,
                        view=view, answer=answer, focus=start)
