/* How readable is the graph page at its current view? Label overlap and labelled answer.
 *
 * Run it on an open graph page: paste into the browser console and call it, or hand it to
 * Playwright's page.evaluate (tests/page_measure.py's label_stats does). It reads only the
 * page's scripting surface, window.riskgraph:
 *
 *   - the nodes vis-network draws: network.body.nodeIndices (folded groups count as one
 *     node, their members are not drawn), less hidden ones;
 *   - their positions (network.getPositions) and the view's scale (network.getScale);
 *   - each label's text, font and shape from the node's options;
 *
 * and measures text with a canvas 2D context (measureText), as vis-network does. A label
 * is drawn when its text is not empty, its on-screen font is at least drawThreshold - 1
 * pixels (vis-network skips smaller ones) and its box meets the drawing's viewport. The
 * box is centred under the node (top at y + size + font/2 + 4, vis-network's "hanging"
 * label) or centred on it for box-like shapes; one line per "\n", each font-size high.
 *
 * Returns { drawn, overlapping, overlapShare, answer, answerLabelled, answerShare, scale,
 * width, height }: overlapping counts drawn labels whose box meets another drawn label's
 * box; answer counts the entities the query returned (data node flag a), answerLabelled
 * those among them with a drawn label in the viewport.
 */
() => {
  const rg = window.riskgraph, net = rg.network;
  const scale = net.getScale();
  const rect = net.body.container.getBoundingClientRect();
  const ctx = document.createElement("canvas").getContext("2d");
  const inside = { box: 1, ellipse: 1, circle: 1, database: 1, text: 1 };
  const ids = net.body.nodeIndices.filter((id) => {
    const n = net.body.nodes[id];
    return n && !n.options.hidden;
  });
  const positions = net.getPositions(ids);
  const boxes = [];
  for (const id of ids) {
    const o = net.body.nodes[id].options;
    const text = o.label === undefined || o.label === null ? "" : String(o.label);
    if (!text.trim()) continue;
    const threshold = o.scaling && o.scaling.label ? o.scaling.label.drawThreshold : 5;
    const maxVisible = o.scaling && o.scaling.label ? o.scaling.label.maxVisible : 30;
    const font = o.font.size;
    if (font * scale < threshold - 1) continue;
    const shown = Math.min(font * scale, maxVisible) / scale;  // canvas units
    ctx.font = `${shown}px ${o.font.face || "arial"}`;
    const lines = text.split("\n");
    const w = Math.max(...lines.map((l) => ctx.measureText(l).width));
    const h = lines.length * shown;
    const p = positions[id];
    const top = inside[o.shape] ? p.y - h / 2 : p.y + o.size + shown / 2 + 4;
    const a = net.canvasToDOM({ x: p.x - w / 2, y: top });
    const box = { id, x: a.x, y: a.y, w: w * scale, h: h * scale };
    if (box.x + box.w < 0 || box.y + box.h < 0 || box.x > rect.width || box.y > rect.height) continue;
    boxes.push(box);
  }
  const meets = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  let overlapping = 0;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = 0; j < boxes.length; j++) {
      if (i !== j && meets(boxes[i], boxes[j])) { overlapping++; break; }
    }
  }
  const labelled = new Set(boxes.map((b) => b.id));
  const answer = rg.data.nodes.map((n, i) => (n.a ? i : -1)).filter((i) => i >= 0);
  const answerLabelled = answer.filter((i) => labelled.has(i)).length;
  return {
    drawn: boxes.length, overlapping, overlapShare: boxes.length ? overlapping / boxes.length : 0,
    answer: answer.length, answerLabelled,
    answerShare: answer.length ? answerLabelled / answer.length : 1,
    scale, width: rect.width, height: rect.height,
  };
}
