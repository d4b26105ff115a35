// riskgraph's SPARQL editor: a textarea over a highlighted copy of its text; runs the
// query against this server's /sparql and shows the answer as a table. All data is
// inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  var KEYWORDS = /^(SELECT|ASK|CONSTRUCT|DESCRIBE|WHERE|PREFIX|BASE|OPTIONAL|FILTER|UNION|MINUS|GRAPH|BIND|VALUES|DISTINCT|REDUCED|ORDER|BY|ASC|DESC|LIMIT|OFFSET|GROUP|HAVING|AS|FROM|NAMED|NOT|EXISTS|IN|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|LANGMATCHES|DATATYPE|BOUND|IRI|URI|BNODE|RAND|ABS|CEIL|FLOOR|ROUND|CONCAT|STRLEN|UCASE|LCASE|ENCODE_FOR_URI|CONTAINS|STRSTARTS|STRENDS|STRBEFORE|STRAFTER|YEAR|MONTH|DAY|NOW|COALESCE|IF|STRLANG|STRDT|SAMETERM|ISIRI|ISURI|ISBLANK|ISLITERAL|ISNUMERIC|REGEX|REPLACE|SUBSTR|TRUE|FALSE|A)$/i;
  var TOKEN = /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][A-Za-z0-9_]+)|([A-Za-z][\w.-]*)?(:[\w.-]*)|(\d+(?:\.\d+)?)|([A-Za-z_]+)/g;

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function highlight(text, target) {
    var frag = document.createDocumentFragment();
    var last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var cls = m[1] ? "tok-cmt" : m[2] ? "tok-str" : m[3] ? "tok-iri" : m[4] ? "tok-var"
        : m[6] !== undefined ? "tok-pn" : m[7] ? "tok-num"
        : (m[8] && KEYWORDS.test(m[8])) ? "tok-kw" : null;
      frag.appendChild(cls ? span(cls, m[0]) : document.createTextNode(m[0]));
      last = m.index + m[0].length;
    }
    frag.appendChild(document.createTextNode(text.slice(last) + "\n"));
    target.textContent = "";
    target.appendChild(frag);
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      var m = /^https:\/\/w3id\.org\/riskgraph\/id\/([a-z]+\/[a-z0-9][a-z0-9.-]*)$/.exec(term.value);
      if (m) {
        var a = document.createElement("a");
        a.href = "/id/" + m[1];
        a.textContent = term.value;
        td.appendChild(a);
        return td;
      }
    }
    var lang = term["xml:lang"];
    td.textContent = term.value + (lang && lang !== "en" ? " @" + lang : "");
    return td;
  }

  function show(data, box) {
    box.textContent = "";
    if (typeof data.boolean === "boolean") {
      box.appendChild(span("boolean", "Answer: " + (data.boolean ? "yes" : "no")));
      return 0;
    }
    var vars = data.head.vars || [], rows = data.results.bindings;
    var count = document.createElement("p");
    count.className = "count";
    count.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
    box.appendChild(count);
    var table = document.createElement("table");
    table.className = "results";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    var wrap = document.createElement("div");
    wrap.className = "scroll";
    wrap.appendChild(table);
    box.appendChild(wrap);
    return rows.length;
  }

  function init() {
    var area = document.getElementById("query");
    var pre = document.getElementById("highlight");
    var status = document.getElementById("status");
    var box = document.getElementById("results");
    var canned = JSON.parse(document.getElementById("canned").textContent);
    function sync() { highlight(area.value, pre); pre.scrollTop = area.scrollTop; }
    area.addEventListener("input", sync);
    area.addEventListener("scroll", function () { pre.scrollTop = area.scrollTop; });
    function run() {
      status.textContent = "running…";
      var started = Date.now();
      var text = area.value;
      var graph = /^\s*(?:(?:PREFIX|BASE)[^\n]*\n|#[^\n]*\n|\s)*(CONSTRUCT|DESCRIBE)/i.test(text);
      fetch("/sparql", {
        method: "POST",
        headers: {"Content-Type": "application/sparql-query",
                  "Accept": graph ? "application/n-triples" : "application/sparql-results+json"},
        body: text
      }).then(function (r) {
        return r.text().then(function (body) { return {ok: r.ok, status: r.status, body: body}; });
      }).then(function (r) {
        var took = ((Date.now() - started) / 1000).toFixed(2) + " s";
        if (!r.ok) {
          box.textContent = "";
          var p = document.createElement("p");
          p.className = "error";
          p.setAttribute("role", "alert");
          p.textContent = r.body;
          box.appendChild(p);
          status.textContent = "error " + r.status + " (" + took + ")";
          return;
        }
        if (graph) {
          box.textContent = "";
          var pre2 = document.createElement("pre");
          pre2.className = "sparql";
          pre2.textContent = r.body;
          box.appendChild(pre2);
          status.textContent = "graph (" + took + ")";
          return;
        }
        var n = show(JSON.parse(r.body), box);
        status.textContent = n + " rows in " + took;
      }).catch(function (e) { status.textContent = "failed: " + e; });
    }
    document.getElementById("run").addEventListener("click", run);
    area.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    });
    document.getElementById("examples").addEventListener("change", function (e) {
      if (canned[e.target.value]) { area.value = canned[e.target.value]; sync(); }
    });
    sync();
    window.__riskgraphReady = true;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
