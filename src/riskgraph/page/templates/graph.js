/* riskgraph graph page. Data comes from the JSON block; every piece of it is
   written with textContent or as a DOM property, never parsed as HTML. */
(function () {
  "use strict";
  performance.mark("riskgraph:start");
  var DATA = JSON.parse(document.getElementById("graph-data").textContent);
  // The data leaves out empty fields and writes each distinct detail once (render.py).
  // A prefixed name comes from the page's namespaces, as render.short_of derives it.
  var NS = DATA.ns || [];
  function shortOf(iri) {
    var best = null;
    for (var q = 0; q < NS.length; q++) {
      if (iri.lastIndexOf(NS[q][1], 0) === 0 && (!best || NS[q][1].length > best[1].length)) best = NS[q];
    }
    if (!best) return iri;
    var local = iri.slice(best[1].length);
    return local && local.indexOf(" ") < 0 ? best[0] + ":" + local : iri;
  }
  var NS_OF = {};
  NS.forEach(function (p) { NS_OF[p[0]] = p[1]; });
  DATA.nodes.forEach(function (n) {
    if (n.i !== undefined) {  // a prefixed name: the IRI is its namespace and local name
      var colon = n.i.indexOf(":");
      n.id = NS_OF[n.i.slice(0, colon)] + n.i.slice(colon + 1);
      n.s = n.i;
      delete n.i;
    }
    if (n.s === undefined) n.s = shortOf(n.id);
    n.d = n.d || "";
    n.k = n.k || [];
    n.t = n.t ? n.t.map(function (j) { return DATA.details[j]; }) : [];
    n.n = n.n || 0;
    n.a = n.a || 0;
  });
  performance.mark("riskgraph:parsed");
  var SHAPE_NAME = { dot: "circle", square: "square", diamond: "diamond", triangle: "triangle",
    star: "star", hexagon: "hexagon", triangleDown: "triangle down" };
  var SYMBOL = { dot: "\u25CF", square: "\u25A0", diamond: "\u25C6", triangle: "\u25B2",
    star: "\u2605", hexagon: "\u2B22", triangleDown: "\u25BC" };
  var BIG = DATA.nodes.length > 3000;
  var DRAW_THRESHOLD = 8;  // vis-network skips a label whose on-screen font is below this - 1
  var DECLUTTER_MAX = 2000;  // labels compared per pass (the rest keep their state)
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
  // The label drawn on the graph: wrapped and shortened by the layout (full text on hover
  // and in the panel). declutter() may blank it while it would cover another label.
  function shownLabel(i) { var n = DATA.nodes[i]; return n.w !== undefined ? n.w : truncate(n.l, 40); }
  function fontSize(z) { return Math.round(10 + (z - 8) / 2); }
  function textColour(hex) {
    // Dark text on light class colours, white on dark ones: 4.5:1 either way.
    var v = parseInt(hex.slice(1), 16), c = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map(function (x) {
      x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    var L = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return (L + 0.05) / 0.05 > 1.05 / (L + 0.05) ? "#000000" : "#ffffff";
  }
  // ---- lazy groups -------------------------------------------------------------
  // vis-network holds only what is drawn: entities outside folded groups, one node per
  // folded group, and one edge per pair of drawn ends (links into a folded group are drawn
  // once, to the group). A group's members are created when it opens and removed when it
  // folds again, so a page of thousands of entities starts, resets and filters at the cost
  // of the few dozen nodes it draws; the rest stays plain JSON in DATA.
  var N = DATA.nodes.length;
  var groupOf = {}, groupOpen = DATA.groups.map(function () { return false; });
  var groupHidden = DATA.groups.map(function () { return false; });
  var present = new Uint8Array(N);  // 1: the entity is in the vis DataSet
  DATA.groups.forEach(function (gr, k) {
    if (gr.m.length < 2) return;  // a group of one is just its entity
    gr.m.forEach(function (i) { groupOf[i] = k; });
  });
  for (var p0 = 0; p0 < N; p0++) present[p0] = groupOf[p0] === undefined ? 1 : 0;
  // What the first view draws outside groups is what the page is about: labelled too.
  if (BIG) for (var p1 = 0; p1 < N; p1++) if (present[p1]) labelled[p1] = true;
  function groupId(k) { return "group:" + k; }
  function foldable(k) { return DATA.groups[k].m.length >= 2; }
  var visible = DATA.nodes.map(function () { return true; });
  var blanked = {};
  var dimKeep = null;  // while a neighbourhood is highlighted: the ids kept bright
  var DIM = { background: "#e3e6eb", border: "#d0d4db" };

  function visNode(n, i) {
    var c = classes[n.c];
    var node = { id: i, label: labelled[i] ? (blanked[i] ? "" : shownLabel(i)) : undefined,
      shape: c.shape, size: n.z, hidden: !visible[i],
      color: { background: c.colour, border: n.a ? "#9C6B00" : (n.n ? "#000000" : c.colour),
        highlight: { background: c.colour, border: "#000000" } },
      borderWidth: n.a ? 4 : (n.n ? 3 : 1),
      font: { size: n.fs || fontSize(n.z), color: "#1d2430" } };  // stroke: options.nodes.font
    if (dimKeep && !dimKeep[i]) { node.color = DIM; node.font = { size: node.font.size, color: "#8a93a3" }; }
    if (!BIG) node.title = n.l + " \u2014 " + c.label;
    node.shapeProperties = { borderDashes: n.n ? [5, 3] : false };
    return node;
  }
  function placedNode(n, i) {
    var node = visNode(n, i);
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    return node;
  }
  function groupNode(k) {
    var gr = DATA.groups[k], c = classes[gr.c];
    return { id: groupId(k), label: gr.w, title: gr.l + " \u2014 double-click to open",
      shape: c.shape, size: gr.z, x: gr.x, y: gr.y, borderWidth: 3, hidden: groupHidden[k],
      color: { background: c.colour, border: "#1d2430", highlight: { background: c.colour, border: "#000000" } },
      font: { size: gr.fs, color: "#1d2430", strokeWidth: 3, strokeColor: "#ffffff" } };
  }
  // Only drawn entities may be updated: DataSet.update would add any other one.
  function updateDrawn(list) {
    var drawn = list.filter(function (u) { return typeof u.id !== "number" || present[u.id]; });
    if (drawn.length) nodes.update(drawn);
  }
  // The drawn end of an entity: itself, or its folded group.
  function drawnEnd(i) {
    if (present[i]) return i;
    var k = groupOf[i];
    return k !== undefined && !groupOpen[k] ? groupId(k) : null;  // null: filtered out
  }

  // Thousands of arrowheads cost more to draw than they tell at that zoom: big graphs show
  // arrows on the selected node's links only.
  var ARROW_ON = { to: { enabled: true, scaleFactor: 0.6 } }, ARROW_OFF = { to: { enabled: false } };
  var labelledEdge = {};  // edge index -> true while its name is shown
  function edgeName(id) { return DATA.props[DATA.edges[id][2]]; }
  var drawnEdges = {};  // id -> true for the edges in the vis DataSet
  // Edge names show on hover and for the selected node's links, never all at once: on a
  // laid-out answer they would cover the entity labels.
  // A link into a folded group is drawn once per pair of ends: ends are numbers here (an
  // entity i, a folded group N + k), and a pair's edge id (a string) is made once.
  function endCode(i) {
    if (present[i]) return i;
    var k = groupOf[i];
    return k !== undefined && !groupOpen[k] ? N + k : -1;  // -1: filtered out
  }
  function endId(c) { return c < N ? c : groupId(c - N); }
  function wantedEdges() {
    var want = {}, list = [], pairs = new Set(), M = N + DATA.groups.length;
    for (var e = 0; e < DATA.edges.length; e++) {
      var d = DATA.edges[e], ca = endCode(d[0]), cb = endCode(d[1]);
      if (ca === cb || ca < 0 || cb < 0) continue;
      var id = e, a = ca, b = cb;
      if (ca >= N || cb >= N) {
        var pair = ca * M + cb;
        if (pairs.has(pair)) continue;
        pairs.add(pair);
        a = endId(ca);
        b = endId(cb);
        id = "x" + a + "|" + b;
      }
      if (want[id]) continue;
      want[id] = true;
      var edge = { id: id, from: a, to: b };
      if (labelledEdge[id]) { edge.label = edgeName(id); edge.arrows = ARROW_ON; }
      list.push(edge);
    }
    return { want: want, list: list };
  }
  // Bring the edge DataSet in line with what is drawn; nodeChanges runs between the removal
  // of edges that lost an end and the addition of the new ones.
  function syncEdges(nodeChanges) {
    var w = wantedEdges(), gone = [];
    Object.keys(drawnEdges).forEach(function (k) {
      var id = /^\d+$/.test(k) ? +k : k;
      if (!w.want[id]) gone.push(id);
    });
    if (gone.length) edges.remove(gone);
    if (nodeChanges) nodeChanges();
    var added = w.list.filter(function (e) { return !drawnEdges[e.id]; });
    if (added.length) edges.add(added);
    drawnEdges = w.want;
  }

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  (function () {
    var first = [];
    for (var i = 0; i < N; i++) if (present[i]) first.push(placedNode(DATA.nodes[i], i));
    DATA.groups.forEach(function (gr, k) { if (foldable(k)) first.push(groupNode(k)); });
    nodes.add(first);
    syncEdges();
  })();
  var INITIAL_DRAWN = nodes.length;
  performance.mark("riskgraph:datasets");
  var options = {
    autoResize: true,
    physics: { enabled: DATA.physics, stabilization: { enabled: DATA.physics, iterations: 400, fit: true },
      barnesHut: { gravitationalConstant: -6000, springLength: 120, avoidOverlap: 0.1 } },
    layout: { improvedLayout: DATA.physics && DATA.nodes.length <= 150, randomSeed: 1 },
    interaction: { hover: !BIG, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG, multiselect: true,
      tooltipDelay: 200, keyboard: { enabled: true, bindToWindow: false }, navigationButtons: false },
    nodes: { scaling: { label: { enabled: true, drawThreshold: DRAW_THRESHOLD } },
      font: { strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: { smooth: BIG ? false : { type: "continuous" }, arrows: BIG ? ARROW_OFF : ARROW_ON, width: 0.7,
      font: { size: 11, align: "middle", color: "#1d2430", strokeWidth: 3, strokeColor: "#ffffff" },
      color: { color: "#b9c0cc", highlight: "#1d2430", hover: "#1d2430" } }
  };
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  performance.mark("riskgraph:network");

  // ---- groups: folded into one node each, opened on double-click -------------
  // A group's member is drawn while its group is open and it passes the filters (members
  // a filter leaves out are not created, rather than created hidden).
  function wanted(i) { var k = groupOf[i]; return k === undefined || groupOpen[k] && visible[i]; }
  var groupDrawn = DATA.groups.map(function (_, k) { return foldable(k); });
  // Bring the DataSets in line with groupOpen and visible: add and remove members and
  // group nodes, then the edges between what is drawn.
  function syncDrawn() {
    var add = [], remove = [], addGroups = [], removeGroups = [];
    for (var i = 0; i < N; i++) {
      if (groupOf[i] === undefined) continue;
      var w = wanted(i);
      if (w && !present[i]) { present[i] = 1; labelled[i] = true; add.push(i); }
      else if (!w && present[i]) { present[i] = 0; delete blanked[i]; remove.push(i); }
    }
    DATA.groups.forEach(function (gr, k) {
      if (!foldable(k) || groupDrawn[k] === !groupOpen[k]) return;
      groupDrawn[k] = !groupOpen[k];
      (groupDrawn[k] ? addGroups : removeGroups).push(k);
    });
    if (!add.length && !remove.length && !addGroups.length && !removeGroups.length) return;
    syncEdges(function () {
      if (remove.length) nodes.remove(remove);
      if (removeGroups.length) nodes.remove(removeGroups.map(groupId));
      if (add.length) nodes.add(add.map(function (i) { return placedNode(DATA.nodes[i], i); }));
      if (addGroups.length) nodes.add(addGroups.map(groupNode));
    });
    if (add.length) declutterSoon();
  }
  // Open (true) or fold (false) the groups ks.
  function setGroups(ks, open) {
    ks = ks.filter(function (k) { return foldable(k) && groupOpen[k] !== open; });
    if (!ks.length) return false;
    ks.forEach(function (k) { groupOpen[k] = open; });
    syncDrawn();
    updateGroupList();
    return true;
  }
  // Opened by the reader: the view moves to the members (on the whole graph they stand
  // on a grid of their own, away from the rest).
  function openGroup(k) {
    if (!DATA.groups[k] || !setGroups([k], true)) return;
    var shown = DATA.groups[k].m.filter(function (i) { return present[i]; });
    if (shown.length) network.fit({ nodes: shown, animation: false });
    declutterSoon();
  }
  function foldAll() { setGroups(DATA.groups.map(function (_, k) { return k; }), false); }
  network.fit({ animation: false });

  function markReady() {
    if (window.__riskgraphReady) return;
    window.__riskgraphReady = performance.now();
    document.body.setAttribute("data-ready", "1");
  }
  function labelInView() {
    if (!BIG || network.getScale() < 0.6) return;
    var box = container.getBoundingClientRect();
    var a = network.DOMtoCanvas({ x: 0, y: 0 }), b = network.DOMtoCanvas({ x: box.width, y: box.height });
    var updates = [];
    for (var i = 0; i < DATA.nodes.length && updates.length < DECLUTTER_MAX; i++) {
      if (labelled[i] || !present[i]) continue;
      var p = network.body.nodes[i];
      if (p && p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y) {
        labelled[i] = true;
        updates.push({ id: i, label: shownLabel(i) });
      }
    }
    if (updates.length) nodes.update(updates);
  }
  function labelNodes(ids) {
    var updates = ids.filter(function (i) { return !labelled[i]; }).map(function (i) {
      labelled[i] = true;
      return { id: i, label: shownLabel(i) };
    });
    updateDrawn(updates);
  }

  // ---- labels that do not collide --------------------------------------------
  // After each change of view, labels are taken in order of importance (groups, the
  // question's subject and answer, then bigger nodes) and a label that would cover one
  // already kept is blanked until the view changes; its full text stays on hover and in
  // the panel. Boxes come from canvas text metrics, as vis-network draws them: centred
  // under the node, top at y + size + font/2 + 4 (inside, for box-like shapes).
  var measureCtx = document.createElement("canvas").getContext("2d");
  var INSIDE = { box: 1, ellipse: 1, circle: 1, database: 1, text: 1 };
  function labelBox(node, text, scale) {
    var o = node.options, size = o.font.size, lines = String(text).split("\n"), w = 0;
    measureCtx.font = size + "px " + (o.font.face || "arial");
    lines.forEach(function (l) { w = Math.max(w, measureCtx.measureText(l).width); });
    var h = lines.length * size * 1.15;
    var top = INSIDE[o.shape] ? node.y - h / 2 : node.y + o.size + size / 2 + 4;
    var p = network.canvasToDOM({ x: node.x - w / 2, y: top });
    return { x: p.x, y: p.y, w: w * scale, h: h * scale };
  }
  function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }
  function priority(id) {
    if (typeof id === "string") return 3e6;
    var n = DATA.nodes[id];
    return (n.a ? 2e6 : 0) + n.z * 1000 - id / 1e6;
  }
  function declutter() {
    var scale = network.getScale(), box = container.getBoundingClientRect();
    var ids = network.body.nodeIndices.filter(function (id) {
      var node = network.body.nodes[id];
      if (!node || node.options.hidden) return false;
      var text = typeof id === "string" ? node.options.label : (labelled[id] ? shownLabel(id) : "");
      if (!text || node.options.font.size * scale < DRAW_THRESHOLD - 1) return false;
      var p = network.canvasToDOM({ x: node.x, y: node.y });
      return p.x > -200 && p.y > -100 && p.x < box.width + 200 && p.y < box.height + 100;
    }).sort(function (a, b) { return priority(b) - priority(a); }).slice(0, DECLUTTER_MAX);
    var kept = [], cell = 80, grid = {}, updates = [], clusterUpdates = [];
    ids.forEach(function (id) {
      var node = network.body.nodes[id];
      var text = typeof id === "string" ? (node.options.label || node.options.fullLabel) : shownLabel(id);
      var b = labelBox(node, text, scale), clash = false;
      var x0 = Math.floor(b.x / cell), x1 = Math.floor((b.x + b.w) / cell);
      var y0 = Math.floor(b.y / cell), y1 = Math.floor((b.y + b.h) / cell);
      for (var gx = x0; gx <= x1 && !clash; gx++) for (var gy = y0; gy <= y1 && !clash; gy++) {
        (grid[gx + ":" + gy] || []).forEach(function (k) { if (!clash && overlaps(b, kept[k])) clash = true; });
      }
      if (!clash) {
        kept.push(b);
        for (gx = x0; gx <= x1; gx++) for (gy = y0; gy <= y1; gy++) (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(kept.length - 1);
      }
      if (clash && !blanked[id]) {
        blanked[id] = true;
        if (typeof id === "number") updates.push({ id: id, label: "" });
      } else if (!clash && blanked[id]) {
        delete blanked[id];
        if (typeof id === "number") updates.push({ id: id, label: shownLabel(id) });
      }
    });
    if (updates.length) nodes.update(updates);
    // Blanked labels outside this pass come back, to be judged again when in view.
    var inPass = {};
    ids.forEach(function (id) { inPass[id] = true; });
    Object.keys(blanked).forEach(function (k) {
      var id = /^\d+$/.test(k) ? +k : k;
      if (!inPass[id]) { delete blanked[k]; if (typeof id === "number" && labelled[id]) updateDrawn([{ id: id, label: shownLabel(id) }]); }
    });
  }
  var labelTimer = null;
  function declutterSoon() { clearTimeout(labelTimer); labelTimer = setTimeout(function () { labelInView(); declutter(); }, 120); }
  var labelSoon = declutterSoon;
  network.on("zoom", declutterSoon);
  network.on("dragEnd", declutterSoon);
  network.on("animationFinished", declutterSoon);
  declutter();

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
  // A filter looks into every group: a folded group whose members all match stays folded,
  // one with no match is hidden, and one with some matches opens so that they are drawn.
  function applyFilters() {
    var updates = [], shown = 0, opening = [];
    DATA.nodes.forEach(function (n, i) {
      var v = passes(n);
      if (v) shown++;
      if (v !== visible[i]) {
        visible[i] = v;
        if (present[i] && groupOf[i] === undefined) updates.push({ id: i, hidden: !v });
      }
    });
    DATA.groups.forEach(function (gr, k) {
      if (!foldable(k)) return;
      var pass = 0;
      gr.m.forEach(function (i) { if (visible[i]) pass++; });
      if (!groupOpen[k] && pass > 0 && pass < gr.m.length) opening.push(k);
      var hide = pass === 0;
      if (hide !== groupHidden[k]) {
        groupHidden[k] = hide;
        if (!groupOpen[k]) updates.push({ id: groupId(k), hidden: hide });
      }
    });
    if (updates.length) nodes.update(updates);
    opening.forEach(function (k) { groupOpen[k] = true; });
    syncDrawn();  // open groups: the members that now pass are created, the others removed
    if (opening.length) updateGroupList();
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
    facet.values.forEach(function (v, j) {
      var o = el("option", v[0]);
      o.value = String(j);
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
    var btn = el("button", null, "legend-item");
    btn.type = "button";
    btn.title = c.iri + " (click to hide or show)";
    btn.setAttribute("aria-pressed", "true");
    var sym = el("span", SYMBOL[c.shape] || "\u25CF", "shape");
    sym.style.color = c.colour;
    sym.setAttribute("aria-hidden", "true");
    btn.appendChild(sym);
    btn.appendChild(el("span", c.label + " (" + (SHAPE_NAME[c.shape] || c.shape) + ")"));
    btn.appendChild(el("span", c.count, "count"));
    btn.addEventListener("click", function () {
      hiddenClass[i] = !hiddenClass[i];
      li.classList.toggle("off", !!hiddenClass[i]);
      btn.setAttribute("aria-pressed", hiddenClass[i] ? "false" : "true");
      applyFilters();
    });
    li.appendChild(btn);
    legend.appendChild(li);
  });
  var marks = document.getElementById("legend-marks");
  if (DATA.nodes.some(function (n) { return n.n; })) {
    var m1 = el("li"); m1.appendChild(el("span", "", "mark-new")); m1.appendChild(document.createTextNode(" new in the contribution")); marks.appendChild(m1);
  }
  if (DATA.nodes.some(function (n) { return n.a; })) {
    var m2 = el("li"); m2.appendChild(el("span", "", "mark-answer")); m2.appendChild(document.createTextNode(" in the query's answer")); marks.appendChild(m2);
  }
  marks.appendChild(el("li", DATA.physics || !DATA.groups.length && DATA.view !== "answer" ?
    "Node size: number of links (degree centrality). Hover an edge or select a node for property names." :
    DATA.view === "whole" ? "Drawn first: riskgraph\u2019s curated evidence (risk areas, assessments, mitigations, risks); the rest is in the folded groups. Hover an edge or select a node for property names." :
    "Large nodes: the question's subject and the answer. Hover an edge or select a node for property names.", "muted"));

  document.getElementById("reset").addEventListener("click", function () {
    hiddenClass = {};
    onlyNew = false;
    facetChoice = facetChoice.map(function () { return -1; });
    Array.prototype.forEach.call(document.querySelectorAll("#facets select"), function (s) { s.value = "-1"; });
    var on = document.getElementById("only-new");
    if (on) on.checked = false;
    Array.prototype.forEach.call(legend.children, function (li) { li.classList.remove("off"); li.firstChild.setAttribute("aria-pressed", "true"); });
    // Back to the first view: every group folds again (removing members is cheap; nothing
    // else is restyled), then only the few drawn nodes take the cleared filters.
    foldAll();
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
    dimKeep = keep;
    for (var i = 0; i < N; i++) if (present[i]) updates.push(visNode(DATA.nodes[i], i));
    nodes.update(updates);
    dimmed = true;
  }
  function clearHighlight() {
    if (!dimmed) return;
    dimKeep = null;
    var updates = [];
    for (var i = 0; i < N; i++) if (present[i]) updates.push(visNode(DATA.nodes[i], i));
    nodes.update(updates);
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
    badge.style.color = textColour(c.colour);
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

  function labelEdges(ids) {
    var next = {};
    ids.slice(0, 300).forEach(function (id) { next[id] = true; });
    var updates = [];
    Object.keys(labelledEdge).forEach(function (k) {
      if (!next[k] && drawnEdges[k]) updates.push({ id: +k, label: "", arrows: BIG ? ARROW_OFF : ARROW_ON });
    });
    Object.keys(next).forEach(function (k) {
      if (drawnEdges[k]) updates.push({ id: +k, label: edgeName(+k), arrows: ARROW_ON });
    });
    labelledEdge = next;
    if (updates.length) edges.update(updates);
  }
  // Select drawn entities; an entity inside a folded group selects its group.
  function selectDrawn(list) {
    var ids = {}, out = [];
    list.forEach(function (i) {
      var id = drawnEnd(i);
      if (id !== null && !ids[id]) { ids[id] = true; out.push(id); }
    });
    network.selectNodes(out, false);
  }
  function select(i) {
    if (!visible[i]) { visible[i] = true; updateDrawn([{ id: i, hidden: false }]); }
    if (groupOf[i] !== undefined && !setGroups([groupOf[i]], true)) syncDrawn();
    labelNodes([i].concat(adj[i].map(function (a) { return a[0]; })));
    network.selectNodes([i], true);
    highlight(i);
    labelEdges(DATA.edges.map(function (e, id) { return e[0] === i || e[1] === i ? id : -1; }).filter(function (id) { return id >= 0; }));
    network.focus(i, { scale: Math.max(network.getScale(), 0.8), animation: false });
    labelSoon();
    showPanel(i);
  }
  function groupIndex(id) { return typeof id === "string" && id.indexOf("group:") === 0 ? parseInt(id.slice(6), 10) : -1; }
  function showGroup(k) {
    var gr = DATA.groups[k];
    document.getElementById("panel-hint").hidden = true;
    body.textContent = "";
    body.appendChild(el("h2", gr.l));
    var open = el("button", "Open this group", "action");
    open.type = "button";
    open.addEventListener("click", function () { openGroup(k); });
    body.appendChild(open);
    var s = section("Members");
    var ul = el("ul");
    gr.m.slice(0, 200).forEach(function (m) { var li = el("li"); li.appendChild(nodeButton(m)); ul.appendChild(li); });
    if (gr.m.length > 200) ul.appendChild(el("li", "\u2026 and " + (gr.m.length - 200) + " more (search finds them)", "muted"));
    s.appendChild(ul);
    body.appendChild(s);
  }
  network.on("click", function (params) {
    var k = params.nodes.length ? groupIndex(params.nodes[0]) : -1;
    if (k >= 0) showGroup(k);
    else if (params.nodes.length) select(params.nodes[0]);
    else if (!params.edges.length) { clearHighlight(); labelEdges([]); }
  });
  network.on("doubleClick", function (params) {
    var k = params.nodes.length ? groupIndex(params.nodes[0]) : -1;
    if (k >= 0) openGroup(k);
  });
  network.on("hoverEdge", function (params) {
    if (typeof params.edge === "number" && !labelledEdge[params.edge] && drawnEdges[params.edge]) edges.update({ id: params.edge, label: edgeName(params.edge) });
  });
  network.on("blurEdge", function (params) {
    if (typeof params.edge === "number" && !labelledEdge[params.edge] && drawnEdges[params.edge]) edges.update({ id: params.edge, label: "" });
  });

  // ---- search ---------------------------------------------------------------
  var searchBox = document.getElementById("search");
  var results = document.getElementById("search-results");
  var resultsBox = document.getElementById("search-box");
  // Built at the first search: thousands of entities' strings would delay the first view.
  var index = null;
  function search() {
    if (!index) index = DATA.nodes.map(function (n) { return (n.l + " " + n.s + " " + n.k.join(" ") + " " + n.id).toLowerCase(); });
    var q = searchBox.value.trim().toLowerCase();
    results.textContent = "";
    resultsBox.hidden = !q;
    if (!q) { document.getElementById("search-count").textContent = ""; network.unselectAll(); return []; }
    var hits = [];
    index.forEach(function (text, i) { if (text.indexOf(q) >= 0) hits.push(i); });
    // The page's own answer first, then labels that start with the text, then the rest;
    // within each, the order of the data (stable sort).
    function rank(i) { var n = DATA.nodes[i]; return (n.a ? 0 : 2) + (n.l.toLowerCase().indexOf(q) === 0 ? 0 : 1); }
    hits.sort(function (a, b) { return rank(a) - rank(b); });
    document.getElementById("search-count").textContent = hits.length + (hits.length === 1 ? " match" : " matches");
    hits.slice(0, 30).forEach(function (i) {
      var li = el("li");
      li.appendChild(nodeButton(i));
      if (DATA.nodes[i].a) { li.classList.add("answer"); li.appendChild(el("span", "in the answer", "muted")); }
      results.appendChild(li);
    });
    var shown = hits.filter(function (i) { return visible[i]; }).slice(0, 2000);
    labelNodes(shown);
    selectDrawn(shown);
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
          // Dark text on a light-to-mid blue: at least 4.5:1 at the darkest cell.
          td.style.background = "rgba(0, 114, 178, " + (0.1 + 0.6 * t).toFixed(2) + ")";
        }
        if (list.length) {
          td.tabIndex = 0;
          td.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); td.click(); } });
        }
        td.addEventListener("click", function () {
          selectDrawn(list);
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

  // ---- folded groups, listed for the keyboard -------------------------------
  var groupList = document.getElementById("groups");
  function updateGroupList() {
    if (!groupList) return;
    groupList.textContent = "";
    DATA.groups.forEach(function (gr, k) {
      if (gr.m.length < 2) return;
      var li = el("li"), b = el("button", gr.l, "linkbtn");
      b.type = "button";
      if (groupOpen[k]) { li.appendChild(el("span", gr.l + " (open)", "muted")); }
      else {
        b.title = "Open this group on the graph";
        b.addEventListener("click", function () { openGroup(k); showGroup(k); });
        li.appendChild(b);
      }
      groupList.appendChild(li);
    });
    var box = document.getElementById("groups-box");
    if (box) box.hidden = !DATA.groups.some(function (gr) { return gr.m.length >= 2; });
  }
  updateGroupList();

  // ---- evidence matrix -------------------------------------------------------
  // One row per mitigation, one column per risk area; each cell the stance with the figure
  // as the source states it, or "curated". A real table: headers sort, cells are buttons.
  var MX = DATA.matrix;
  function cellScore(list) {
    if (!list) return -1;
    return Math.max.apply(null, list.map(function (c) { return c[2] !== null ? 1 + c[2] : (c[3] ? 0.5 : 0.25); }));
  }
  function showCell(ri, ci, list) {
    var m = MX.rows[ri], area = MX.cols[ci];
    document.getElementById("panel-hint").hidden = true;
    body.textContent = "";
    body.appendChild(el("h2", DATA.nodes[m].l + " \u00d7 " + area[0]));
    var s = section("Evidence (" + list.length + ")");
    list.forEach(function (c) { s.appendChild(evidenceCard(c[0], m)); });
    body.appendChild(s);
    if (present[m]) network.selectNodes([m], false);
  }
  function buildMatrix() {
    var box = document.getElementById("matrix-table");
    if (!MX || !box) return;
    var cells = {};
    MX.cells.forEach(function (c) { cells[c[0] + ":" + c[1]] = c[2]; });
    var table = el("table"), cap = el("caption", "Stage and actor as the graph links them; stance and figure as the source states it; \u201ccurated\u201d marks riskgraph\u2019s reading of qualitative text. Click a cell for its evidence; click a heading to sort.");
    table.id = "matrix";
    table.appendChild(cap);
    var thead = el("thead"), tr = el("tr"), tbody = el("tbody");
    var order = MX.rows.map(function (_, ri) { return ri; }), sortCol = null, sortDir = 0;
    function header(text, col, full) {
      var th = el("th");
      th.scope = "col";
      th.setAttribute("aria-sort", "none");
      var b = el("button", text, "sort");
      b.type = "button";
      if (full) b.title = full;
      b.setAttribute("data-sort", String(col));
      b.addEventListener("click", function () { sortBy(col, th); });
      th.appendChild(b);
      tr.appendChild(th);
    }
    header("Mitigation", -1, "sort by name");
    var where = el("th", "Stage \u00b7 actor");
    where.scope = "col";
    where.title = "lifecycle stage and responsible actor, as the graph links them";
    tr.appendChild(where);
    MX.cols.forEach(function (c, ci) { header(c[2] || c[0], ci, c[0] + ": sort by the strongest evidence"); });
    thead.appendChild(tr);
    table.appendChild(thead);
    table.appendChild(tbody);
    function render() {
      tbody.textContent = "";
      order.forEach(function (ri) {
        var m = MX.rows[ri], row = el("tr");
        row.setAttribute("data-row", DATA.nodes[m].id);
        var th = el("th");
        th.scope = "row";
        th.appendChild(nodeButton(m));
        row.appendChild(th);
        var td = el("td", null, "where");
        [MX.stages, MX.actors].forEach(function (lists, which) {
          var line = el("div", null, which ? "actor" : "stage");
          var list = lists ? lists[ri] : [];
          list.forEach(function (k, j) {
            if (j) line.appendChild(document.createTextNode(", "));
            line.appendChild(nodeButton(k));
          });
          if (!list.length) { line.appendChild(el("span", "\u2014", "none")); line.title = "none linked"; }
          td.appendChild(line);
        });
        row.appendChild(td);
        MX.cols.forEach(function (c, ci) {
          var list = cells[ri + ":" + ci], td = el("td");
          td.setAttribute("data-col", c[0]);
          if (list) {
            var b = el("button", list.map(function (x) { return x[1]; }).join("; "), "cell");
            b.type = "button";
            b.title = DATA.nodes[m].l + " \u00d7 " + c[0] + ": open the evidence";
            if (list.some(function (x) { return x[2] !== null; })) b.classList.add("figure");
            else if (list.every(function (x) { return x[3]; })) b.classList.add("curated");
            b.addEventListener("click", function () { showCell(ri, ci, list); });
            td.appendChild(b);
          } else {
            td.appendChild(el("span", "\u2014", "none"));
            td.title = "no assessment";
          }
          row.appendChild(td);
        });
        tbody.appendChild(row);
      });
    }
    function sortBy(col, th) {
      sortDir = sortCol === col ? -sortDir : (col < 0 ? 1 : -1);
      sortCol = col;
      Array.prototype.forEach.call(thead.querySelectorAll("th"), function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      order.sort(function (a, b) {
        var d = col < 0 ? DATA.nodes[MX.rows[a]].l.localeCompare(DATA.nodes[MX.rows[b]].l) :
          cellScore(cells[a + ":" + col]) - cellScore(cells[b + ":" + col]);
        return d * sortDir || a - b;
      });
      render();
    }
    render();
    box.appendChild(table);
  }
  buildMatrix();

  applyFilters();
  performance.mark("riskgraph:controls");
  // A small API for tests and for people who script the page from the console.
  window.riskgraph = {
    network: network, nodes: nodes, edges: edges, data: DATA,
    select: function (iri) { for (var i = 0; i < DATA.nodes.length; i++) if (DATA.nodes[i].id === iri) { select(i); return i; } return -1; },
    openGroup: openGroup, groupOf: function (i) { return groupOf[i] === undefined ? -1 : groupOf[i]; },
    // Lazy groups: whether group k is open, whether entity i is in vis-network's DataSet,
    // and how many nodes the first view draws (the reset view draws as many).
    isOpen: function (k) { return !!groupOpen[k]; },
    isDrawn: function (i) { return !!present[i]; },
    initialDrawn: INITIAL_DRAWN,
    foldAll: foldAll,
    declutter: declutter,
    visibleCount: function () { return visible.filter(Boolean).length; },
    showCoverage: showCoverage
  };
})();
