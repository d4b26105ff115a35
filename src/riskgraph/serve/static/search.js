// Offline search over the static site's entities (labels, codes, notations).
// The index is static/search-index.js (window.riskgraphSearchIndex); results are
// built with textContent, never as HTML.
(function () {
  "use strict";
  function init() {
    var index = window.riskgraphSearchIndex || [];
    var box = document.getElementById("search");
    var list = document.getElementById("search-results");
    var count = document.getElementById("search-count");
    function score(entry, q) {
      var codes = entry.c.map(function (c) { return c.toLowerCase(); });
      if (codes.indexOf(q) >= 0) return 0;
      var label = entry.l.toLowerCase();
      if (label === q) return 1;
      if (label.indexOf(q) === 0) return 2;
      if (label.indexOf(q) >= 0) return 3;
      if (codes.some(function (c) { return c.indexOf(q) >= 0; })) return 4;
      return -1;
    }
    function update() {
      var q = box.value.trim().toLowerCase();
      list.textContent = "";
      if (!q) { count.textContent = index.length + " entities"; return; }
      var found = [];
      index.forEach(function (entry) {
        var s = score(entry, q);
        if (s >= 0) found.push([s, entry]);
      });
      found.sort(function (a, b) { return a[0] - b[0] || a[1].l.localeCompare(b[1].l); });
      count.textContent = found.length + (found.length === 1 ? " match" : " matches");
      found.slice(0, 200).forEach(function (pair) {
        var entry = pair[1];
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = entry.u;
        a.textContent = entry.l;
        li.appendChild(a);
        var extra = document.createElement("span");
        extra.className = "codes";
        extra.textContent = " " + entry.k + (entry.c.length ? " · " + entry.c.join(", ") : "");
        li.appendChild(extra);
        list.appendChild(li);
      });
    }
    box.addEventListener("input", update);
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) box.value = params.get("q");
    update();
    window.__riskgraphReady = true;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
