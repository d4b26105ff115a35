/* riskgraph graph page. Data comes from the JSON block; every piece of it is
   written with textContent or as a DOM property, never parsed as HTML. */
(function () {
  "use strict";
  performance.mark("riskgraph:start");
  var DATA = JSON.parse(document.getElementById("graph-data").textContent);
  performance.mark("riskgraph:parsed");
  var SYMBOL = { dot: "\u25CF", square: "\u25A0", diamond: "\u25C6", triangle: "\u25B2",
    star: "\u2605", hexagon: "\u2B22", triangleDown: "\u25BC" };
  var BIG = DATA.nodes.length > 3000;
  var EDGE_LABELS = DATA.edges.length <= 1500;
  var SAFE_LINK = /^https?:\/\/[^\s<>"'`\\]+$/i;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function truncate(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
  function outLink(href, text) {
    // Only plain http(s) addresses become links; anything else (javascript:, data:) stays text.
    if (typeof href === "string" && SAFE_LINK.test(href)) {
      var a = el("a", text, "out");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    return el("span", text);
  }

  var classes = DATA.classes;
  var evidenceClass = {}, sourceClass = {}, conceptClass = {};
  classes.forEach(function (c, i) {
    if (c.evidence) evidenceClass[i] = true;
    if (c.source) sourceClass[i] = true;
    if (c.concept) conceptClass[i] = true;
  });

  // Adjacency: for each node, [neighbour, property index, outgoing?].
  var adj = DATA.nodes.map(function () { return []; });
  DATA.edges.forEach(function (e) { adj[e[0]].push([e[1], e[2], true]); adj[e[1]].push([e[0], e[2], false]); });

  // Big graphs: measuring thousands of labels nobody can read at the opening zoom delays the
  // first drawing, so only the largest nodes start labelled; the rest get their labels
  // when the view zooms in on them (see labelInView).
  var labelled = DATA.nodes.map(function () { return !BIG; });
  if (BIG) {
    DATA.nodes.map(function (n, i) { return [n.z, i]; })
      .sort(function (a, b) { return b[0] - a[0]; }).slice(0, 300)
      .forEach(function (p) { labelled[p[1]] = true; });
  }
  function visNode(n, i) {
    var c = classes[n.c];
    var node = { id: i, label: labelled[i] ? truncate(n.l, 40) : undefined, shape: c.shape, size: n.z,
      color: { background: c.colour, border: n.a ? "#f2b705" : (n.n ? "#000000" : c.colour),
        highlight: { background: c.colour, border: "#000000" } },
      borderWidth: n.a ? 4 : (n.n ? 3 : 1),
      font: { size: Math.round(10 + (n.z - 8) / 2), color: "#1d2430" } };
    node.shapeProperties = { borderDashes: n.n ? [5, 3] : false };
    return node;
  }
  function placedNode(n, i) {
    var node = visNode(n, i);
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    return node;
  }
  var nodes = new vis.DataSet(DATA.nodes.map(placedNode));
  var edges = new vis.DataSet(DATA.edges.map(function (e, i) {
    return EDGE_LABELS ? { id: i, from: e[0], to: e[1], label: DATA.props[e[2]] } : { id: i, from: e[0], to: e[1] };
  }));
  // Thousands of arrowheads cost more to draw than they tell at that zoom: big graphs show
  // arrows and property names on the selected node's links only.
  var ARROW_ON = { to: { enabled: true, scaleFactor: 0.6 } }, ARROW_OFF = { to: { enabled: false } };
  performance.mark("riskgraph:datasets");
  var options = {
    autoResize: true,
    physics: { enabled: DATA.physics, stabilization: { enabled: DATA.physics, iterations: 400, fit: true },
      barnesHut: { gravitationalConstant: -6000, springLength: 120, avoidOverlap: 0.1 } },
    layout: { improvedLayout: DATA.physics && DATA.nodes.length <= 150, randomSeed: 1 },
    interaction: { hover: !BIG, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG, multiselect: true,
      tooltipDelay: 300 },
    nodes: { scaling: { label: { enabled: true, drawThreshold: 8 } } },
    edges: { smooth: BIG ? false : { type: "continuous" }, arrows: BIG ? ARROW_OFF : ARROW_ON, width: 0.7,
      font: { size: 9, align: "middle", color: "#5a6478", strokeWidth: 2 },
      color: { color: "#b9c0cc", highlight: "#1d2430", hover: "#1d2430" } }
  };
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  performance.mark("riskgraph:network");

  function markReady() {
    if (window.__riskgraphReady) return;
    window.__riskgraphReady = performance.now();
    document.body.setAttribute("data-ready", "1");
  }
  function labelInView() {
    if (!BIG || network.getScale() < 0.6) return;
    var box = container.getBoundingClientRect();
    var a = network.DOMtoCanvas({ x: 0, y: 0 }), b = network.DOMtoCanvas({ x: box.width, y: box.height });
    var pos = network.getPositions(), updates = [];
    for (var i = 0; i < DATA.nodes.length && updates.length < 2000; i++) {
      var p = pos[i];
      if (!labelled[i] && p && p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y) {
        labelled[i] = true;
        updates.push({ id: i, label: truncate(DATA.nodes[i].l, 40) });
      }
    }
    if (updates.length) nodes.update(updates);
  }
  function labelNodes(ids) {
    var updates = ids.filter(function (i) { return !labelled[i]; }).map(function (i) {
      labelled[i] = true;
      return { id: i, label: truncate(DATA.nodes[i].l, 40) };
    });
    if (updates.length) nodes.update(updates);
  }
  var labelTimer = null;
  function labelSoon() { clearTimeout(labelTimer); labelTimer = setTimeout(labelInView, 150); }
  network.on("zoom", labelSoon);
  network.on("dragEnd", labelSoon);
  network.on("animationFinished", labelSoon);

  if (DATA.physics) {
    network.once("stabilized", markReady);
    if (DATA.nodes.length === 0) markReady();
  } else {
    network.once("afterDrawing", markReady);
  }

  // ---- filters --------------------------------------------------------------
  var hiddenClass = {};
  var facetChoice = DATA.facets.map(function () { return -1; });
  var onlyNew = false;
  var visible = DATA.nodes.map(function () { return true; });

  function passes(n) {
    if (hiddenClass[n.c]) return false;
    if (onlyNew && !n.n) return false;
    for (var f = 0; f < facetChoice.length; f++) {
      var want = facetChoice[f];
      if (want < 0) continue;
      var vals = n.f && n.f[f];
      if (!vals || vals.indexOf(want) < 0) return false;
    }
    return true;
  }
  function applyFilters() {
    var updates = [], shown = 0;
    DATA.nodes.forEach(function (n, i) {
      var v = passes(n);
      if (v) shown++;
      if (v !== visible[i]) { visible[i] = v; updates.push({ id: i, hidden: !v }); }
    });
    if (updates.length) nodes.update(updates);
    document.getElementById("visible-count").textContent =
      "Showing " + shown + " of " + DATA.nodes.length + " entities";
  }

  var facetsBox = document.getElementById("facets");
  DATA.facets.forEach(function (facet, f) {
    var label = el("label", facet.label);
    var select = el("select");
    select.id = "facet-" + f;
    select.setAttribute("data-facet", facet.label);
    var any = el("option", "all");
    any.value = "-1";
    select.appendChild(any);
    facet.values.forEach(function (v) {
      var o = el("option", DATA.nodes[v].l);
      o.value = String(v);
      select.appendChild(o);
    });
    select.addEventListener("change", function () { facetChoice[f] = parseInt(select.value, 10); applyFilters(); });
    label.appendChild(select);
    facetsBox.appendChild(label);
  });
  if (DATA.nodes.some(function (n) { return n.n; })) {
    var newBox = el("label");
    var cb = el("input");
    cb.type = "checkbox";
    cb.id = "only-new";
    cb.addEventListener("change", function () { onlyNew = cb.checked; applyFilters(); });
    newBox.appendChild(cb);
    newBox.appendChild(document.createTextNode(" only entities new in the contribution"));
    facetsBox.appendChild(newBox);
  }

  var legend = document.getElementById("legend");
  classes.forEach(function (c, i) {
    var li = el("li");
    li.setAttribute("data-class", c.label);
    li.title = c.iri;
    var sym = el("span", SYMBOL[c.shape] || "\u25CF", "shape");
    sym.style.color = c.colour;
    li.appendChild(sym);
    li.appendChild(el("span", c.label));
    li.appendChild(el("span", c.count, "count"));
    li.addEventListener("click", function () {
      hiddenClass[i] = !hiddenClass[i];
      li.classList.toggle("off", !!hiddenClass[i]);
      applyFilters();
    });
    legend.appendChild(li);
  });
  var marks = document.getElementById("legend-marks");
  if (DATA.nodes.some(function (n) { return n.n; })) {
    var m1 = el("li"); m1.appendChild(el("span", "", "mark-new")); m1.appendChild(document.createTextNode(" new in the contribution")); marks.appendChild(m1);
  }
  if (DATA.nodes.some(function (n) { return n.a; })) {
    var m2 = el("li"); m2.appendChild(el("span", "", "mark-answer")); m2.appendChild(document.createTextNode(" in the query's answer")); marks.appendChild(m2);
  }
  marks.appendChild(el("li", "Node size: number of links (degree centrality). Edges: property names.", "muted"));

  document.getElementById("reset").addEventListener("click", function () {
    hiddenClass = {};
    onlyNew = false;
    facetChoice = facetChoice.map(function () { return -1; });
    Array.prototype.forEach.call(document.querySelectorAll("#facets select"), function (s) { s.value = "-1"; });
    var on = document.getElementById("only-new");
    if (on) on.checked = false;
    Array.prototype.forEach.call(legend.children, function (li) { li.classList.remove("off"); });
    applyFilters();
  });

  // ---- neighbourhood highlighting --------------------------------------------
  var dimmed = null;
  function highlight(center) {
    if (BIG) return; // selection colouring alone: recolouring thousands of nodes per click is slow
    var keep = {};
    keep[center] = true;
    adj[center].forEach(function (a) { keep[a[0]] = true; });
    var updates = [];
    DATA.nodes.forEach(function (n, i) {
      if (!keep[i]) updates.push({ id: i, color: { background: "#e3e6eb", border: "#d0d4db" }, font: { color: "rgba(0, 0, 0, 0)" } });
      else if (dimmed) updates.push(visNode(n, i));
    });
    nodes.update(updates);
    dimmed = true;
  }
  function clearHighlight() {
    if (!dimmed) return;
    nodes.update(DATA.nodes.map(visNode));
    dimmed = null;
  }

  // ---- side panel -----------------------------------------------------------
  var body = document.getElementById("panel-body");
  function nodeButton(i) {
    var b = el("button", DATA.nodes[i].l, "linkbtn");
    b.type = "button";
    b.addEventListener("click", function () { select(i); });
    return b;
  }
  function detailsList(details) {
    var dl = el("dl");
    details.forEach(function (d) {
      dl.appendChild(el("dt", d[0]));
      var dd = el("dd");
      dd.appendChild(d[2] ? outLink(d[2], d[1]) : el("span", d[1]));
      dl.appendChild(dd);
    });
    return dl;
  }
  function citation(i) {
    var n = DATA.nodes[i];
    var box = el("div", null, "citation");
    box.appendChild(nodeButton(i));
    if (n.t.length) box.appendChild(detailsList(n.t));
    return box;
  }
  // A value node (such as a figure) only points at concepts: its details belong inline.
  function isValueNode(i) {
    var n = DATA.nodes[i];
    return n.t.length > 0 && !conceptClass[n.c] && !sourceClass[n.c] && !evidenceClass[n.c] &&
      adj[i].every(function (b) { return !b[2] || conceptClass[DATA.nodes[b[0]].c]; });
  }
  function evidenceCard(e, from) {
    var card = el("div", null, "evidence");
    var head = el("div");
    head.appendChild(el("strong", classes[DATA.nodes[e].c].label + ": "));
    head.appendChild(nodeButton(e));
    card.appendChild(head);
    if (DATA.nodes[e].d) card.appendChild(el("div", DATA.nodes[e].d));
    var dl = detailsList(DATA.nodes[e].t);
    var sources = [];
    adj[e].forEach(function (a) {
      if (!a[2] || a[0] === from) return;
      var t = DATA.nodes[a[0]];
      if (sourceClass[t.c]) { sources.push(a[0]); return; }
      dl.appendChild(el("dt", DATA.props[a[1]]));
      var dd = el("dd");
      dd.appendChild(nodeButton(a[0]));
      if (isValueNode(a[0])) {
        dd.appendChild(el("span", " (" + t.t.map(function (d) { return d[0] + ": " + d[1]; }).join("; ") + ")"));
      }
      dl.appendChild(dd);
    });
    card.appendChild(dl);
    sources.forEach(function (s) { card.appendChild(el("div", "Source", "muted")); card.appendChild(citation(s)); });
    return card;
  }
  function section(title) { var s = el("section"); s.appendChild(el("h3", title)); return s; }

  function showPanel(i) {
    var n = DATA.nodes[i], c = classes[n.c];
    document.getElementById("panel-hint").hidden = true;
    body.textContent = "";
    var badge = el("span", c.label, "badge");
    badge.style.background = c.colour;
    body.appendChild(badge);
    if (n.n) body.appendChild(el("span", "new in the contribution", "badge new"));
    if (n.a) body.appendChild(el("span", "in the answer", "badge answer"));
    body.appendChild(el("h2", n.l));
    body.appendChild(el("div", n.s !== n.id ? n.s + "  \u2014  " + n.id : n.id, "iri"));
    if (n.d) body.appendChild(el("p", n.d, "definition"));
    if (n.k.length) { var codes = section("Codes"); codes.appendChild(el("p", n.k.join(", "))); body.appendChild(codes); }
    if (n.t.length) { var det = section("Details"); det.appendChild(detailsList(n.t)); body.appendChild(det); }

    var evidence = [], sources = [], groups = {}, order = [];
    adj[i].forEach(function (a) {
      var t = DATA.nodes[a[0]];
      if (evidenceClass[t.c] && !evidenceClass[n.c]) { if (evidence.indexOf(a[0]) < 0) evidence.push(a[0]); return; }
      if (a[2] && sourceClass[t.c]) { sources.push(a[0]); return; }
      var key = (a[2] ? "" : "\u2190 ") + DATA.props[a[1]] + (a[2] ? " \u2192" : "");
      if (!groups[key]) { groups[key] = []; order.push(key); }
      groups[key].push(a[0]);
    });
    if (evidenceClass[n.c]) {
      var own = section("Evidence");
      own.appendChild(evidenceCard(i, -1));
      body.appendChild(own);
    }
    if (evidence.length) {
      var ev = section("Evidence (" + evidence.length + ")");
      evidence.forEach(function (e) { ev.appendChild(evidenceCard(e, i)); });
      body.appendChild(ev);
    }
    if (sources.length && !evidenceClass[n.c]) {
      var src = section("Sources");
      sources.forEach(function (s) { src.appendChild(citation(s)); });
      body.appendChild(src);
    }
    if (order.length) {
      var rel = section("Related entities");
      rel.classList.add("related");
      order.forEach(function (key) {
        rel.appendChild(el("div", key, "muted"));
        var ul = el("ul");
        groups[key].slice(0, 50).forEach(function (j) { var li = el("li"); li.appendChild(nodeButton(j)); ul.appendChild(li); });
        if (groups[key].length > 50) ul.appendChild(el("li", "\u2026 and " + (groups[key].length - 50) + " more", "muted"));
        rel.appendChild(ul);
      });
      body.appendChild(rel);
    }
  }

  var labelledEdges = [];
  function select(i) {
    if (!visible[i]) { visible[i] = true; nodes.update({ id: i, hidden: false }); }
    labelNodes([i].concat(adj[i].map(function (a) { return a[0]; })));
    network.selectNodes([i], true);
    highlight(i);
    if (!EDGE_LABELS) {
      edges.update(labelledEdges.map(function (id) { return { id: id, label: "", arrows: BIG ? ARROW_OFF : ARROW_ON }; }));
      labelledEdges = network.getConnectedEdges(i).slice(0, 300);
      edges.update(labelledEdges.map(function (id) { return { id: id, label: DATA.props[DATA.edges[id][2]], arrows: ARROW_ON }; }));
    }
    network.focus(i, { scale: Math.max(network.getScale(), 0.8), animation: false });
    labelSoon();
    showPanel(i);
  }
  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0]);
    else if (!params.edges.length) clearHighlight();
  });

  // ---- search ---------------------------------------------------------------
  var searchBox = document.getElementById("search");
  var results = document.getElementById("search-results");
  var index = DATA.nodes.map(function (n) { return (n.l + " " + n.s + " " + n.k.join(" ") + " " + n.id).toLowerCase(); });
  function search() {
    var q = searchBox.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) { document.getElementById("search-count").textContent = ""; network.unselectAll(); return []; }
    var hits = [];
    index.forEach(function (text, i) { if (text.indexOf(q) >= 0) hits.push(i); });
    hits.sort(function (a, b) { return (DATA.nodes[a].l.toLowerCase().indexOf(q) === 0 ? 0 : 1) - (DATA.nodes[b].l.toLowerCase().indexOf(q) === 0 ? 0 : 1); });
    document.getElementById("search-count").textContent = hits.length + (hits.length === 1 ? " match" : " matches");
    hits.slice(0, 30).forEach(function (i) { var li = el("li"); li.appendChild(nodeButton(i)); results.appendChild(li); });
    var shown = hits.filter(function (i) { return visible[i]; }).slice(0, 2000);
    labelNodes(shown);
    network.selectNodes(shown, false);
    return hits;
  }
  var timer = null;
  searchBox.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 120); });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var hits = search(); if (hits.length) select(hits[0]); }
  });

  // ---- coverage -------------------------------------------------------------
  var cov = DATA.coverage;
  function buildCoverage() {
    var box = document.getElementById("coverage-table");
    if (!cov.rows.length || !cov.cols.length) { box.appendChild(el("p", "The drawn graph has no risk domains or lifecycle stages to cross.")); return; }
    var cells = {}, max = 0;
    cov.cells.forEach(function (c) { cells[c[0] + ":" + c[1]] = c[2]; max = Math.max(max, c[2].length); });
    var table = el("table"), thead = el("thead"), tr = el("tr");
    tr.appendChild(el("th", cov.rowLabel + " \\ " + cov.colLabel));
    cov.cols.forEach(function (c) { tr.appendChild(el("th", c[0])); });
    tr.appendChild(el("th", "all stages"));
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = el("tbody");
    cov.rows.forEach(function (r, ri) {
      var row = el("tr"), all = {};
      row.appendChild(el("th", r[0]));
      cov.cols.forEach(function (c, ci) {
        var list = cells[ri + ":" + ci] || [];
        list.forEach(function (m) { all[m] = true; });
        var td = el("td", list.length);
        td.title = r[0] + " \u00d7 " + c[0] + ": " + list.length + " mitigation" + (list.length === 1 ? "" : "s");
        td.setAttribute("data-cell", ri + ":" + ci);
        if (!list.length) td.classList.add("gap");
        else {
          var t = list.length / max;
          td.style.background = "rgba(31, 119, 180, " + (0.15 + 0.75 * t).toFixed(2) + ")";
          if (t > 0.55) td.style.color = "#fff";
        }
        td.addEventListener("click", function () {
          network.selectNodes(list, false);
          body.textContent = "";
          document.getElementById("panel-hint").hidden = true;
          var s = section(r[0] + " \u00d7 " + c[0] + ": " + list.length + " mitigations");
          var ul = el("ul");
          list.forEach(function (m) { var li = el("li"); li.appendChild(nodeButton(m)); ul.appendChild(li); });
          s.appendChild(ul);
          body.appendChild(s);
        });
        row.appendChild(td);
      });
      row.appendChild(el("td", Object.keys(all).length, "total"));
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    box.appendChild(table);
  }
  buildCoverage();
  var covBox = document.getElementById("coverage"), covButton = document.getElementById("show-coverage");
  function showCoverage(on) { covBox.hidden = !on; covButton.setAttribute("aria-expanded", on ? "true" : "false"); }
  covButton.addEventListener("click", function () { showCoverage(covBox.hidden); });
  document.getElementById("hide-coverage").addEventListener("click", function () { showCoverage(false); });

  // ---- other controls -------------------------------------------------------
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: false }); });
  var physics = document.getElementById("physics");
  physics.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physics.checked, stabilization: { enabled: false } } });
  });

  applyFilters();
  performance.mark("riskgraph:controls");
  // A small API for tests and for people who script the page from the console.
  window.riskgraph = {
    network: network, nodes: nodes, edges: edges, data: DATA,
    select: function (iri) { for (var i = 0; i < DATA.nodes.length; i++) if (DATA.nodes[i].id === iri) { select(i); return i; } return -1; },
    visibleCount: function () { return visible.filter(Boolean).length; },
    showCoverage: showCoverage
  };
})();
