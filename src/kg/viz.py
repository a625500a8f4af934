"""The explorer: the store as one self-contained interactive HTML page.

The page is our template ``viz/explorer.html`` with vis-network (CSS and JS read from the
installed pyvis package's ``lib/`` folder) and the graph data inlined, so it opens from
disk with no server and makes no network request (its Content-Security-Policy forbids
any, and allows only the page's own scripts, by hash). pyvis's own ``write_html`` is not
used: its "inline" mode still loads scripts from CDNs.

Safety: article text reaches the page only as JSON inside a ``<script
type="application/json">`` block (``<``, ``>`` and ``&`` escaped) and the page script
inserts it with ``textContent``; tooltips are our own DOM elements, never vis-network's
``title`` (which vis renders as HTML).

Large graphs: the layout is computed here (see :func:`layout`); above ``PHYSICS_MAX``
nodes the page draws it with physics off, below it vis-network polishes it for at most
150 iterations and freezes it; above ``max_nodes`` the most central nodes are kept and
the page says what was left out.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
from collections import Counter
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from .lexicon import resource_dir
from .network import TYPE_EN, build_graph, expand_types, filter_graph, find_nodes, neighbourhood

COLOURS = {
    "person": "#e4572e", "party": "#c0392b", "state": "#2e86de", "body": "#17a589",
    "collective": "#76d7c4", "meeting": "#f1c40f", "congress": "#f39c12",
    "award": "#8e44ad", "resolution": "#7f8c8d",
}
SHAPES = {
    "person": "dot", "party": "diamond", "state": "square", "body": "triangle",
    "collective": "triangle", "meeting": "star", "congress": "star", "award": "hexagon",
    "resolution": "triangleDown",
}
TYPE_VI = {
    "person": "Người", "party": "Cơ quan Đảng", "state": "Cơ quan Nhà nước",
    "body": "Cơ quan, tổ chức khác", "collective": "Tập thể", "meeting": "Hội nghị",
    "congress": "Đại hội", "award": "Khen thưởng", "resolution": "Nghị quyết",
}
# Legend rows and page filters: (key, node types, Vietnamese, English).
LEGEND = [
    ("person", ["person"], "Người", "Person"),
    ("party", ["party"], "Cơ quan Đảng", "Party body"),
    ("state", ["state"], "Cơ quan Nhà nước", "State body"),
    ("body", ["body", "collective"], "Cơ quan, tập thể khác", "Other body"),
    ("event", ["meeting", "congress"], "Sự kiện", "Event"),
    ("award", ["award"], "Khen thưởng", "Award"),
    ("resolution", ["resolution"], "Nghị quyết", "Resolution"),
]
PHYSICS_MAX = 300        # up to this many nodes vis-network lays the graph out itself
FR_MAX = 700             # nodes in one force-directed run (dense numpy, O(n^2) a step)
EDGE_PX = 60.0           # wanted length of an edge in the precomputed layout, in pixels
SMALL_EDGE_PX = 110.0    # the same below PHYSICS_MAX, where labels are drawn from the start
VIS_DIR = "vis-9.1.2"


# --- which nodes --------------------------------------------------------------------------

def select(g: nx.MultiDiGraph, *, focus: str | None, depth: int, types: set[str] | None,
           since: str | None, until: str | None, max_nodes: int) -> tuple[nx.MultiDiGraph, dict]:
    """Apply the filters, the focus and the size cap; ``info`` says what was kept and why."""
    info: dict = {"total_nodes": g.number_of_nodes(), "total_edges": g.number_of_edges(),
                  "focus": focus or "", "depth": depth, "types": sorted(types or []),
                  "since": since or "", "until": until or "", "max_nodes": max_nodes,
                  "centres": []}
    g = filter_graph(g, types=types, since=since, until=until)
    centres: list[str] = []
    if focus:
        people_and_bodies = expand_types(["person", "body"])
        centres = (find_nodes(g, focus, people_and_bodies) or find_nodes(g, focus))[:5]
        if not centres:
            raise LookupError(f"nothing in the graph matches {focus!r}")
        g = neighbourhood(g, centres, depth)
        info["centres"] = [g.nodes[c]["label"] for c in centres]
    info["filtered_nodes"] = g.number_of_nodes()
    left_out: Counter = Counter()
    if g.number_of_nodes() > max_nodes:
        # Most central first; among equals (the many leaves) those hanging off the most
        # central neighbour, so a hub keeps its leaves before isolated pairs come in.
        cent = {n: d.get("centrality", 0.0) for n, d in g.nodes(data=True)}
        best_nbr = {n: max((cent[m] for m in nx.all_neighbors(g, n)), default=0.0) for n in g}
        ranked = sorted(g.nodes, key=lambda n: (n not in centres, -cent[n], -best_nbr[n],
                                                g.nodes[n].get("label", "")))
        keep = set(ranked[:max(max_nodes, len(centres))])
        left_out = Counter(g.nodes[n]["type"] for n in g if n not in keep)
        g = g.subgraph(keep).copy()
    info["shown_nodes"] = g.number_of_nodes()
    info["shown_edges"] = g.number_of_edges()
    info["left_out"] = info["filtered_nodes"] - info["shown_nodes"]
    info["left_out_types"] = {TYPE_EN.get(t, t): c for t, c in left_out.most_common()}
    info["centre_ids"] = centres
    return g, info


# --- where nodes go -----------------------------------------------------------------------

def _force_layout(n: int, edges: list[tuple[int, int]], mass, *, iterations: int = 120,
                  seed: int = 7):
    """Fruchterman-Reingold on dense float32 numpy matrices (O(n^2) a step, so callers keep
    n to ``FR_MAX``), repulsion weighted by ``mass`` as in ForceAtlas2 (a hub with many
    leaves gets room for them) plus a weak gravity that keeps disconnected parts together.
    Returns an (n, 2) array with ideal edge length 1."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pos = (rng.random((n, 2)) - 0.5).astype(np.float32)
    if n == 1:
        return pos * 0
    adj = np.zeros((n, n), np.float32)
    for i, j in edges:
        adj[i, j] = adj[j, i] = 1.0
    m = np.asarray(mass, np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    repulse = np.outer(m, m) * (k * k)
    attract = adj / k
    gravity = (0.02 / k) * m[:, None]
    t = 0.1
    cool = t / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = dx * dx
        d2 += dy * dy
        np.maximum(d2, (0.01 * k) ** 2, out=d2)
        force = repulse / d2
        force -= attract * np.sqrt(d2)
        disp = np.stack([(dx * force).sum(1), (dy * force).sum(1)], 1) - gravity * pos
        length = np.sqrt((disp ** 2).sum(1))
        np.maximum(length, 1e-9, out=length)
        pos += disp * (np.minimum(length, t) / length)[:, None]
        t -= cool
    pos -= pos.mean(0)
    return pos / k


def _component_layout(h: nx.Graph, rnd: random.Random) -> dict:
    """Positions (edge length about 1) for one connected component: the nodes with more
    than one neighbour (the core, its most connected ``FR_MAX`` when larger) by forces,
    the rest of the core beside its placed neighbours, then leaves fanned out around
    their only neighbour."""
    n = h.number_of_nodes()
    if n == 1:
        return {next(iter(h)): (0.0, 0.0)}
    if n == 2:
        a, b = h
        return {a: (-0.5, 0.0), b: (0.5, 0.0)}
    leaves = {v for v in h if h.degree(v) == 1}
    core = [v for v in h if v not in leaves] or list(h)
    core.sort(key=lambda v: -h.degree(v))
    sample = core[:FR_MAX]
    index = {v: i for i, v in enumerate(sample)}
    edges = [(index[a], index[b]) for a, b in h.subgraph(sample).edges()]
    mass = [1.0 + sum(1 for w in h[v] if w in leaves) ** 0.8 for v in sample]
    arr = _force_layout(len(sample), edges, mass)
    pos = {v: (float(arr[i, 0]), float(arr[i, 1])) for v, i in index.items()}
    # The rest of the core, breadth first from what is placed.
    todo = [v for v in core if v not in pos]
    while todo:
        rest = []
        for v in todo:
            placed = [pos[w] for w in h[v] if w in pos]
            if not placed:
                rest.append(v)
                continue
            cx = sum(p[0] for p in placed) / len(placed)
            cy = sum(p[1] for p in placed) / len(placed)
            a = rnd.uniform(0, 2 * math.pi)
            pos[v] = (cx + 0.6 * math.cos(a), cy + 0.6 * math.sin(a))
        if len(rest) == len(todo):  # cannot happen in a connected component; be safe
            for v in rest:
                pos[v] = (rnd.uniform(-1, 1), rnd.uniform(-1, 1))
            break
        todo = rest
    cx = sum(p[0] for p in pos.values()) / len(pos)
    cy = sum(p[1] for p in pos.values()) / len(pos)
    for v in core:
        fan = [w for w in h[v] if w in leaves and w not in pos]
        if not fan:
            continue
        x, y = pos[v]
        nbrs = [pos[w] for w in h[v] if w in pos and w not in leaves]
        ax, ay = (sum(p[0] for p in nbrs) / len(nbrs), sum(p[1] for p in nbrs) / len(nbrs)) \
            if nbrs else (cx, cy)
        away = math.atan2(y - ay, x - ax) if (x, y) != (ax, ay) else rnd.uniform(0, 6.3)
        spread = min(2 * math.pi, 0.5 + 0.45 * len(fan))
        radius = max(0.8, 0.35 * len(fan) / spread)
        for i, w in enumerate(sorted(fan, key=lambda w: h.nodes[w].get("label", ""))):
            a = away + spread * ((i + 0.5) / len(fan) - 0.5)
            r = radius * (1.0 if len(fan) < 12 else 1.0 + 0.25 * (i % 3))
            pos[w] = (x + r * math.cos(a), y + r * math.sin(a))
    return pos


def layout(g: nx.Graph, edge_px: float = EDGE_PX, seed: int = 7) -> dict:
    """Pixel positions for every node, in time that grows gently with the graph (about a
    second for the whole corpus): each connected component laid out on its own
    (:func:`_component_layout`), the largest on the left, the others shelf-packed in
    rows beside it, biggest first."""
    u = nx.Graph(g)
    rnd = random.Random(seed)
    comps = sorted(nx.connected_components(u), key=lambda c: (-len(c), min(c)))
    boxes = []
    for comp in comps:
        pos = _component_layout(u.subgraph(comp), rnd)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        boxes.append((pos, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    out: dict = {}
    if not boxes:
        return out
    gap = 1.2
    (first, fx, fy, fw, fh), rest = boxes[0], boxes[1:]
    for v, (x, y) in first.items():
        out[v] = (x - fx, y - fy)
    # The small components fill a block to the right of the largest, as tall as it (a
    # screen is wider than tall), in rows; biggest first.
    area = sum((w + gap) * (h + gap) for _, _, _, w, h in rest)
    width = max([w for *_, w, _ in rest] + [area / max(fh, 1.0) * 1.15, 1.0])
    x0 = fw + 3 * gap
    cx, cy, row_h = x0, 0.0, 0.0
    for pos, mx, my, w, h in rest:
        if cx + w > x0 + width and cx > x0:
            cx, cy, row_h = x0, cy + row_h + gap, 0.0
        for v, (x, y) in pos.items():
            out[v] = (cx + x - mx, cy + y - my)
        cx += w + gap
        row_h = max(row_h, h)
    return {v: (round(x * edge_px), round(y * edge_px)) for v, (x, y) in out.items()}


# --- the page -----------------------------------------------------------------------------

def to_network(g: nx.MultiDiGraph, positions: dict | None = None) -> Network:
    """The pyvis data, built in bulk (pyvis's add_node path is quadratic on big graphs).
    Node ids are small integers to keep the page small; ``iri`` keeps the real id."""
    net = Network(directed=True)
    ids = {n: i for i, n in enumerate(g.nodes)}
    nodes = []
    for n, d in g.nodes(data=True):
        item = {"id": ids[n], "iri": n, "label": d.get("label", ""), "type": d["type"],
                "label_en": d.get("label_en", ""), "search": d.get("search", ""),
                "degree": d.get("degree", 0), "articles": d.get("articles", 0)}
        if positions:
            item["x"], item["y"] = positions[n]
        nodes.append(item)
    net.nodes = nodes
    net.edges = [
        {"from": ids[u], "to": ids[v], "label": d.get("label") or "",
         "label_en": d.get("label_en") or "", "relation": d.get("relation", ""),
         "date": d.get("date") or "", "first": d.get("first") or "",
         "articles": d.get("articles", 1),
         "sources": d.get("sources") or [{"evidence": d.get("evidence") or "",
                                          "article": d.get("article") or "",
                                          "date": d.get("date") or "", "id": ""}]}
        for u, v, d in g.edges(data=True)
    ]
    return net


def _script_json(data: object) -> str:
    """JSON that is inert inside a <script> element (no '<', '>' or '&' left in it)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def page_title(info: dict) -> str:
    if info.get("centres"):
        return f"{', '.join(info['centres'][:3])} — kg explorer"
    return "kg explorer — toàn bộ đồ thị / whole graph"


def write_html(g: nx.MultiDiGraph, path: str | Path, info: dict, title: str | None = None) -> None:
    """Write the page for an already selected graph (see :func:`select`)."""
    import pyvis

    # Small graphs: vis-network polishes our layout for a bounded number of iterations,
    # then freezes it. Large: our layout as it is, physics off.
    physics = g.number_of_nodes() <= PHYSICS_MAX
    positions = layout(g, edge_px=SMALL_EDGE_PX if physics else EDGE_PX)
    net = to_network(g, positions)
    lib = Path(pyvis.__file__).parent / "lib" / VIS_DIR
    template = (resource_dir("viz") / "explorer.html").read_text(encoding="utf-8")
    ids = {n: i for i, n in enumerate(g.nodes)}
    payload = {
        "nodes": net.nodes, "edges": net.edges, "title": title or page_title(info),
        "physics": physics,
        "info": {**{k: v for k, v in info.items() if k != "centre_ids"},
                 "centre_ids": [ids[c] for c in info.get("centre_ids", []) if c in ids]},
        "legend": [{"key": k, "types": ts, "vi": vi, "en": en, "colour": COLOURS[ts[0]],
                    "shape": SHAPES[ts[0]]} for k, ts, vi, en in LEGEND],
        "colours": COLOURS, "shapes": SHAPES, "type_vi": TYPE_VI, "type_en": TYPE_EN,
    }
    vis_js = (lib / "vis-network.min.js").read_text(encoding="utf-8").replace(
        "</script", "<\\/script")
    app_js = (resource_dir("viz") / "explorer.js").read_text(encoding="utf-8")
    csp = (f"default-src 'none'; script-src {_sha256(vis_js)} {_sha256(app_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; "
           "base-uri 'none'; form-action 'none'")
    parts = {
        "/*CSP*/": csp,
        "/*VIS_CSS*/": (lib / "vis-network.css").read_text(encoding="utf-8"),
        "/*VIS_JS*/": vis_js,
        "/*APP_JS*/": app_js,
        "/*DATA*/": _script_json(payload),
    }
    missing = [m for m in parts if m not in template]
    if missing:
        raise ValueError(f"{', '.join(missing)} missing from the explorer template")
    # One pass over the template: inserted text is never scanned for markers again.
    html = re.sub(r"/\*(?:CSP|VIS_CSS|VIS_JS|APP_JS|DATA)\*/", lambda m: parts[m.group(0)],
                  template)
    Path(path).write_text(html, encoding="utf-8")


def render(store, output: str | Path, *, focus: str | None = None, depth: int = 2,
           types: set[str] | None = None, since: str | None = None, until: str | None = None,
           max_nodes: int = 1500) -> str:
    """Build the graph from ``store``, select and write the page; returns a summary."""
    g, info = select(build_graph(store), focus=focus, depth=depth, types=types, since=since,
                     until=until, max_nodes=max_nodes)
    write_html(g, output, info)
    summary = f"{info['shown_nodes']} nodes, {g.number_of_edges()} edges"
    if info["left_out"]:
        summary += f" ({info['left_out']} less central nodes left out; see --max-nodes)"
    return summary
