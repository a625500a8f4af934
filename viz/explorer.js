// kg explorer: the page script. Every string that came from an article is inserted with
// textContent / createTextNode (never parsed as markup), and vis-network never gets a `title`
// (it would render it as HTML): tooltips are built here from DOM nodes.
(function () {
  "use strict";
  const marks = { start: performance.now() };  // ms since navigation start, per phase
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  marks.parsed = performance.now();
  const $ = (id) => document.getElementById(id);
  const api = { ready: false, drawnAt: null, marks };
  window.kgExplorer = api;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function add(parent, ...kids) { for (const k of kids) if (k) parent.appendChild(k); return parent; }
  const fold = (s) => String(s || "").toLowerCase().replace(/đ/g, "d").normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
  const plural = (n, vi, en) => `${n} ${vi} / ${n} ${en}${n === 1 ? "" : "s"}`;

  const N = data.nodes, E = data.edges, info = data.info;
  const large = !data.physics;
  const typeKey = {};
  for (const row of data.legend) for (const t of row.types) typeKey[t] = row.key;
  const typeName = (t) => `${data.type_vi[t] || t} · ${data.type_en[t] || t}`;

  // --- heading, stats, note -------------------------------------------------------------
  $("heading").textContent = data.title;
  document.title = data.title;
  $("stats").textContent = `${plural(N.length, "nút", "node")} · ${plural(E.length, "liên kết", "link")}`
    + (info.focus ? ` · quanh / around “${info.focus}”, ${info.depth} bước / hops` : "");
  const note = $("note");
  if (info.left_out > 0) {
    const kinds = Object.entries(info.left_out_types).map(([k, v]) => `${v} ${k}`).join(", ");
    add(note,
      el("div", `Đồ thị lớn: chỉ hiện ${info.shown_nodes} nút kết nối nhiều nhất trong ${info.filtered_nodes}; ${info.left_out} nút bị bỏ qua.`),
      el("div", `Large graph: showing the ${info.shown_nodes} most connected of ${info.filtered_nodes} nodes; ${info.left_out} left out (${kinds}).`),
      el("div", "Thu hẹp / narrow the view: kg viz --focus \"tên\" --depth 1, --type person,body, --since 2020-01-01, or raise --max-nodes."));
  }

  // --- vis data ------------------------------------------------------------------------------
  // Per-item fields are kept to plain numbers and strings: vis-network deep-copies every
  // option object per item, which dominated the start-up time on big graphs. Colours and
  // shapes come from one group per node type.
  const groups = {};
  for (const t of Object.keys(data.colours)) {
    const c = data.colours[t];
    groups[t] = { shape: data.shapes[t] || "dot",
      color: { background: c, border: "#3d3d3d", highlight: { background: c, border: "#000" },
        hover: { background: c, border: "#000" } } };
  }
  const EDGE_COLOUR = { holds: "#8d939c", former: "#c2b3aa" };
  let lang = "vi";
  const edgeLabel = (e) => (lang === "en" ? e.label_en || e.label : e.label);

  const pairCount = {};
  const nodes = new vis.DataSet(N.map((n) => ({ id: n.id, label: short(n.label, 42), group: n.type,
    value: n.degree + 1, x: n.x, y: n.y })));
  const edges = new vis.DataSet(E.map((e, i) => {
    const pair = e.from < e.to ? `${e.from}|${e.to}` : `${e.to}|${e.from}`;
    const k = (pairCount[pair] = (pairCount[pair] || 0) + 1) - 1;
    const item = { id: i, from: e.from, to: e.to, label: edgeLabel(e),
      color: EDGE_COLOUR[e.relation] || "#b08fc4" };
    if (k > 0) item.smooth = { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.18 * Math.ceil(k / 2) };
    if (e.relation === "former") item.dashes = true;
    if (e.articles > 1) item.width = Math.min(1 + Math.log2(e.articles), 5);
    return item;
  }));
  const baseEdge = (i) => ({ id: i, color: EDGE_COLOUR[E[i].relation] || "#b08fc4", label: edgeLabel(E[i]) });
  const dimEdge = (i) => ({ id: i, color: "#efefef", label: " " });
  marks.datasets = performance.now();

  // --- filters -----------------------------------------------------------------------------
  const typeOn = {};
  for (const row of data.legend) typeOn[row.key] = true;
  let visN = new Array(N.length).fill(true), visE = new Array(E.length).fill(true);
  const nodeView = new vis.DataView(nodes, { filter: (n) => visN[n.id] });
  const edgeView = new vis.DataView(edges, { filter: (e) => visE[e.id] });

  function applyFilters() {
    const since = $("since").value, until = $("until").value, undated = $("undated").checked;
    const dated = since || until || !undated;
    const nOk = N.map((n) => typeOn[typeKey[n.type]] !== false);
    const touched = new Array(N.length).fill(false);
    visE = E.map((e) => {
      let ok = nOk[e.from] && nOk[e.to];
      if (ok && dated) {
        ok = e.date ? !((since && e.date < since) || (until && (e.first || e.date) > until)) : undated;
      }
      if (ok) touched[e.from] = touched[e.to] = true;
      return ok;
    });
    visN = N.map((n, i) => nOk[i] && (!dated || touched[i]));
    nodeView.refresh();
    edgeView.refresh();
    if (selected !== null && !visN[selected]) clearSelection();
    else if (selected !== null) highlight(selected);
    runSearch();
  }

  // Hub labels: the HUBS most connected nodes get labels that grow with their degree, up
  // to `labelMax` canvas units; the cap follows the zoom, so in the overview the hubs are
  // readable and close up no label is bigger than LABEL_PX on screen. (vis-network's own
  // label scaling re-measures every label when the cap changes, about a second for
  // 2,500 nodes, and its maxVisible option does not take effect.)
  const LABEL_PX = 22, BASE_FONT = 12, HUBS = 80;
  let labelMax = large ? 150 : 24;
  let zoomTimer = null;
  const degrees = N.map((n) => n.degree);
  const minDeg = Math.min(...degrees, 0), maxDeg = Math.max(...degrees, 1);
  const hubs = N.map((n) => n.id).sort((a, b) => N[b].degree - N[a].degree).slice(0, HUBS);
  const hubSet = new Set(hubs);
  let dimmed = new Set();  // nodes outside the selected neighbourhood
  const hubFont = (id) => Math.round(BASE_FONT + (labelMax - BASE_FONT)
    * Math.sqrt((N[id].degree - minDeg) / Math.max(1, maxDeg - minDeg)));
  const fontFor = (id) => ({ size: hubSet.has(id) ? hubFont(id) : BASE_FONT,
    color: dimmed.has(id) ? "#c9c9c9" : "#222" });
  function fitLabels() {
    const want = Math.max(16, Math.min(150, Math.round(LABEL_PX / network.getScale())));
    if (Math.abs(want - labelMax) / labelMax < 0.15) return;
    labelMax = want;
    nodes.update(hubs.map((id) => ({ id, font: fontFor(id) })));
  }
  nodes.update(hubs.map((id) => ({ id, font: fontFor(id) })));

  // --- the network ---------------------------------------------------------------------------
  const options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    nodes: {
      borderWidth: 1, font: { size: BASE_FONT, face: "system-ui, DejaVu Sans, Arial, sans-serif", strokeWidth: 3, strokeColor: "#fff" },
      // square root: hubs stand out, but the middle of the degree range is not all tiny
      scaling: { min: 6, max: large ? 90 : 30, customScalingFunction: (min, max, total, value) =>
        (max === min ? 0.5 : Math.sqrt((value - min) / (max - min))),
      label: { enabled: false, drawThreshold: 8 } },
    },
    groups,
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.4 } }, smooth: { enabled: false },
      font: { size: 10, align: "middle", strokeWidth: 3, strokeColor: "#fff" },
      selectionWidth: 2, hoverWidth: 1.5,
    },
    physics: data.physics ? {
      enabled: true, solver: "barnesHut",
      barnesHut: { gravitationalConstant: -5000, springLength: 110, springConstant: 0.03, avoidOverlap: 0.3, damping: 0.25 },
      // starts from the layout computed in Python, so a bounded polish is enough
      stabilization: { enabled: true, iterations: 150, updateInterval: 150, fit: true },
    } : { enabled: false },
    interaction: { hover: true, tooltipDelay: 3600000, hideEdgesOnDrag: large, hideEdgesOnZoom: large,
      multiselect: false, navigationButtons: false, keyboard: false },
  };
  const network = new vis.Network($("canvas"), { nodes: nodeView, edges: edgeView }, options);
  marks.network = performance.now();

  function drawn() {
    if (api.ready) return;
    $("loading").remove();
    api.ready = true;
    api.drawnAt = marks.drawn = performance.now();
    if (info.centre_ids && info.centre_ids.length) select(info.centre_ids[0], false);
  }
  if (!N.length) {  // nothing passed the filters: say so instead of "drawing…"
    $("loading").textContent = "Không có gì để hiện với các lựa chọn này / nothing to show with these options";
    api.ready = true;
    api.drawnAt = marks.drawn = performance.now();
  } else if (data.physics) {
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: { enabled: false } });  // freeze: no endless jiggle
      network.fit();
      fitLabels();
      network.once("afterDrawing", drawn);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", () => { drawn(); setTimeout(fitLabels, 0); });
  }

  // --- tooltips (DOM text, never HTML) -------------------------------------------------------
  const tip = $("tip");
  function showTip(pointer, build) {
    tip.replaceChildren();
    build(tip);
    const box = $("graph").getBoundingClientRect();
    tip.style.display = "block";
    const x = Math.min(pointer.DOM.x + 14, box.width - tip.offsetWidth - 4);
    const y = Math.min(pointer.DOM.y + 14, box.height - tip.offsetHeight - 4);
    tip.style.left = `${Math.max(0, x)}px`;
    tip.style.top = `${Math.max(0, y)}px`;
  }
  const hideTip = () => { tip.style.display = "none"; };
  function sourceLine(s, articles) {
    const where = [s.article ? `“${short(s.article, 140)}”` : "", s.date || "không rõ ngày / undated"]
      .filter(Boolean).join(" — ");
    return el("div", articles ? `${where} · ${plural(articles, "bài báo", "article")}` : where, "src");
  }
  function relationText(e) {
    const en = e.label_en && e.label_en !== e.label ? ` (${e.label_en})` : "";
    return `${N[e.from].label} — ${e.label}${en} → ${N[e.to].label}`;
  }
  network.on("hoverNode", (p) => {
    const n = N[p.node];
    showTip(p.pointer, (t) => add(t, el("div", n.label, "t"), el("div", typeName(n.type)),
      n.label_en && n.label_en !== data.type_en[n.type] ? el("div", n.label_en, "src") : null,
      el("div", `${plural(n.degree, "liên kết", "link")} · ${plural(n.articles, "bài báo", "article")}`, "src")));
  });
  network.on("hoverEdge", (p) => {
    const e = E[p.edge], s = e.sources[0] || {};
    showTip(p.pointer, (t) => add(t, el("div", relationText(e), "t"),
      s.evidence ? el("div", short(s.evidence, 300), "ev") : null, sourceLine(s, e.articles)));
  });
  for (const ev of ["blurNode", "blurEdge", "dragStart", "zoom"]) network.on(ev, hideTip);
  network.on("zoom", () => { clearTimeout(zoomTimer); zoomTimer = setTimeout(fitLabels, 200); });
  network.on("animationFinished", fitLabels);

  // --- selection, highlight and the side panel ----------------------------------------------
  let selected = null;
  function highlight(id) {
    const keep = new Set([id, ...network.getConnectedNodes(id)]);
    const keepE = new Set(network.getConnectedEdges(id));
    dimmed = new Set(N.map((n) => n.id).filter((i) => !keep.has(i)));
    nodes.update(N.map((n) => ({ id: n.id, opacity: keep.has(n.id) ? 1 : 0.15, font: fontFor(n.id) })));
    edges.update(E.map((e, i) => (keepE.has(i) ? baseEdge(i) : dimEdge(i))));
  }
  function clearSelection() {
    selected = null;
    network.unselectAll();
    dimmed = new Set();
    nodes.update(N.map((n) => ({ id: n.id, opacity: 1, font: fontFor(n.id) })));
    edges.update(E.map((e, i) => baseEdge(i)));
    $("panel").replaceChildren();
  }
  function nodeLink(id) {
    const b = el("button", N[id].label, "link");
    b.type = "button";
    b.addEventListener("click", () => select(id, true));
    return b;
  }
  function evidenceBlock(e) {
    const box = el("div");
    const [first, ...more] = e.sources;
    if (first) add(box, el("div", first.evidence || "(không có câu / no sentence)", "ev"), sourceLine(first, e.articles));
    if (more.length) {
      const d = add(el("details"), el("summary", `Thêm ${more.length} nguồn / ${more.length} more sources`));
      for (const s of more) add(d, el("div", s.evidence, "ev"), sourceLine(s));
      add(box, d);
    }
    return box;
  }
  function showNode(id) {
    const n = N[id];
    const panel = $("panel");
    panel.replaceChildren();
    add(panel, el("h2", n.label), el("div", typeName(n.type), "sub"));
    if (n.label_en && n.label_en !== data.type_en[n.type]) add(panel, el("div", n.label_en, "sub"));
    add(panel, el("div", `${plural(n.degree, "liên kết", "link")} · ${plural(n.articles, "bài báo", "article")}`, "sub"));
    const mine = E.map((e, i) => i).filter((i) => E[i].from === id || E[i].to === id)
      .sort((a, b) => E[b].articles - E[a].articles);
    for (const i of mine) {
      const e = E[i], out = e.from === id;
      const rel = el("div", null, "rel");
      const en = e.label_en && e.label_en !== e.label ? ` (${e.label_en})` : "";
      add(rel, el("b", `${e.label}${en}`), document.createTextNode(out ? " → " : " ← "), nodeLink(out ? e.to : e.from));
      if (!visE[i]) add(rel, el("span", " (ẩn bởi bộ lọc / hidden by a filter)", "src"));
      add(panel, rel, evidenceBlock(e));
    }
    add(panel, el("div", n.iri, "src"));
  }
  function showEdge(i) {
    const e = E[i];
    const panel = $("panel");
    panel.replaceChildren();
    const h = el("h2");
    add(h, nodeLink(e.from), document.createTextNode(" → "), nodeLink(e.to));
    add(panel, h, el("div", `${e.label}${e.label_en && e.label_en !== e.label ? ` (${e.label_en})` : ""}`, "rel"));
    const box = el("div");
    for (const s of e.sources) add(box, el("div", s.evidence, "ev"), sourceLine(s));
    add(panel, box, el("div", plural(e.articles, "bài báo ủng hộ", "supporting article"), "sub"));
  }
  function select(id, move) {
    if (!visN[id]) return false;
    selected = id;
    network.selectNodes([id]);
    highlight(id);
    showNode(id);
    if (move) network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: { duration: 300 } });
    return true;
  }
  network.on("click", (p) => {
    hideTip();
    if (p.nodes.length) select(p.nodes[0], false);
    else if (p.edges.length) { clearSelection(); network.selectEdges([p.edges[0]]); showEdge(p.edges[0]); }
    else clearSelection();
  });

  // --- search ----------------------------------------------------------------------------------
  function matches(q) {
    const f = fold(q);
    if (!f) return [];
    const hits = [];
    for (const n of N) {
      if (!visN[n.id]) continue;
      const s = n.search || fold(n.label);
      const at = s.indexOf(f);
      if (at < 0) continue;
      const rank = s === f ? 0 : at === 0 ? 1 : s.includes(" " + f) ? 2 : 3;
      hits.push([rank, -n.degree, n.label, n.id]);
    }
    hits.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : 1));
    return hits.map((h) => h[3]);
  }
  function runSearch() {
    const list = $("results");
    list.replaceChildren();
    const q = $("search").value;
    if (!fold(q)) return [];
    const found = matches(q);
    for (const id of found.slice(0, 8)) {
      const li = el("li");
      add(li, nodeLink(id), el("span", data.type_vi[N[id].type], "kind"));
      list.appendChild(li);
    }
    if (!found.length) list.appendChild(el("li", "Không tìm thấy / nothing found", "src"));
    else if (found.length > 8) list.appendChild(el("li", `… ${found.length - 8} nữa / more`, "src"));
    return found;
  }
  $("search").addEventListener("input", runSearch);
  $("search").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    const found = matches($("search").value);
    if (found.length) select(found[0], true);
  });

  // --- legend, filters, language, reset ---------------------------------------------------------
  const SVG = "http://www.w3.org/2000/svg";
  function glyph(shape, colour) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16"); svg.setAttribute("height", "16"); svg.setAttribute("viewBox", "0 0 16 16");
    const pts = {
      diamond: "8,1 15,8 8,15 1,8", triangle: "8,1 15,14 1,14", triangleDown: "1,2 15,2 8,15",
      star: "8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6", hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
    }[shape];
    let s;
    if (pts) { s = document.createElementNS(SVG, "polygon"); s.setAttribute("points", pts); }
    else if (shape === "dot") { s = document.createElementNS(SVG, "circle"); s.setAttribute("cx", "8"); s.setAttribute("cy", "8"); s.setAttribute("r", "6.5"); }
    else { s = document.createElementNS(SVG, "rect"); s.setAttribute("x", shape === "box" ? "0.5" : "2"); s.setAttribute("y", shape === "box" ? "4" : "2"); s.setAttribute("width", shape === "box" ? "15" : "12"); s.setAttribute("height", shape === "box" ? "8" : "12"); }
    s.setAttribute("fill", colour); s.setAttribute("stroke", "#444"); s.setAttribute("stroke-width", "0.8");
    svg.appendChild(s);
    return svg;
  }
  const counts = {};
  for (const n of N) counts[typeKey[n.type]] = (counts[typeKey[n.type]] || 0) + 1;
  for (const row of data.legend) {
    const box = el("input");
    box.type = "checkbox"; box.checked = true; box.dataset.key = row.key;
    box.addEventListener("change", () => { typeOn[row.key] = box.checked; applyFilters(); });
    const label = el("label");
    add(label, box, glyph(row.shape, row.colour), el("span", row.vi), el("span", row.en, "en"), el("span", String(counts[row.key] || 0), "n"));
    $("legend").appendChild(label);
  }
  const dates = E.flatMap((e) => [e.first, e.date]).filter(Boolean).sort();
  if (dates.length) for (const id of ["since", "until"]) { $(id).min = dates[0]; $(id).max = dates[dates.length - 1]; }
  for (const id of ["since", "until", "undated"]) $(id).addEventListener("change", applyFilters);
  for (const r of document.querySelectorAll("input[name=lang]")) {
    r.addEventListener("change", () => {
      lang = r.value;
      edges.update(E.map((e, i) => ({ id: i, label: edgeLabel(e) })));
    });
  }
  $("reset").addEventListener("click", () => {
    $("search").value = ""; $("since").value = ""; $("until").value = ""; $("undated").checked = true;
    for (const b of document.querySelectorAll("#legend input")) { b.checked = true; typeOn[b.dataset.key] = true; }
    clearSelection();
    applyFilters();
    network.fit({ animation: false });
  });

  Object.assign(api, {
    network, nodes, edges, data,
    /** nodes and edges vis-network currently draws (after filters) */
    drawnNodes: () => network.body.nodeIndices.length,
    drawnEdges: () => network.body.edgeIndices.length,
    search: (q) => { $("search").value = q; return runSearch().map((id) => N[id].label); },
    select: (id) => select(id, true),
    find: (label) => N.findIndex((n) => n.label === label),
  });
})();
