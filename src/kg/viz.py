"""The explorer: the store as one self-contained interactive HTML page (pyvis data,
vis-network inlined from the pyvis package, no network access, article text only ever
inserted as text)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from .lexicon import resource_dir
from .network import build_graph, filter_graph, find_nodes, neighbourhood

COLOURS = {
    "person": "#e4572e", "party": "#c0392b", "state": "#2e86de", "body": "#17a589",
    "collective": "#76d7c4", "meeting": "#f1c40f", "congress": "#f39c12",
    "award": "#8e44ad", "resolution": "#7f8c8d",
}
SHAPES = {
    "person": "dot", "party": "diamond", "state": "square", "body": "triangle",
    "collective": "triangleDown", "meeting": "star", "congress": "star", "award": "hexagon",
    "resolution": "box",
}


def select(g: nx.MultiDiGraph, *, focus: str | None, depth: int, types: set[str] | None,
           since: str | None, until: str | None, max_nodes: int) -> tuple[nx.MultiDiGraph, dict]:
    info: dict = {"total_nodes": g.number_of_nodes(), "focus": focus}
    g = filter_graph(g, types=types, since=since, until=until)
    if focus:
        centres = find_nodes(g, focus)
        if not centres:
            raise LookupError(f"nothing in the graph matches {focus!r}")
        g = neighbourhood(g, centres[:5], depth)
        info["centres"] = centres[:5]
    if g.number_of_nodes() > max_nodes:
        ranked = sorted(g.nodes, key=lambda n: -g.nodes[n].get("centrality", 0.0))
        g = g.subgraph(ranked[:max_nodes]).copy()
    info["shown_nodes"] = g.number_of_nodes()
    info["left_out"] = info["total_nodes"] - info["shown_nodes"]
    return g, info


def to_network(g: nx.MultiDiGraph) -> Network:
    """pyvis data built in bulk (pyvis's add_node path is quadratic on big graphs)."""
    net = Network(directed=True)
    top = max((d.get("degree", 1) for _, d in g.nodes(data=True)), default=1)
    net.nodes = [
        {"id": n, "label": d["label"], "group": d["type"], "type": d["type"],
         "color": COLOURS.get(d["type"], "#999"), "shape": SHAPES.get(d["type"], "dot"),
         "value": 1 + 20 * d.get("degree", 1) / top, "search": d.get("search", "")}
        for n, d in g.nodes(data=True)
    ]
    net.edges = [
        {"from": u, "to": v, "label": d.get("label") or "", "label_en": d.get("label_en") or "",
         "relation": d.get("relation", ""), "evidence": d.get("evidence") or "",
         "article": d.get("article") or "", "date": d.get("date") or "",
         "articles": d.get("articles", 1)}
        for u, v, d in g.edges(data=True)
    ]
    return net


def _script_json(data: object) -> str:
    """JSON that is safe inside a <script> element."""
    return (json.dumps(data, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def write_html(g: nx.MultiDiGraph, path: str | Path, info: dict, title: str = "kg explorer") -> None:
    import pyvis

    net = to_network(g)
    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    template = (resource_dir("viz") / "explorer.html").read_text(encoding="utf-8")
    physics = g.number_of_nodes() <= 800
    payload = {"nodes": net.nodes, "edges": net.edges, "info": info, "title": title,
               "physics": physics, "colours": COLOURS, "shapes": SHAPES}
    html = (template
            .replace("/*VIS_CSS*/", (lib / "vis-network.css").read_text(encoding="utf-8"))
            .replace("/*VIS_JS*/", (lib / "vis-network.min.js").read_text(encoding="utf-8")
                     .replace("</script", "<\\/script"))
            .replace("/*DATA*/", _script_json(payload)))
    Path(path).write_text(html, encoding="utf-8")


def render(store, output: str | Path, *, focus: str | None = None, depth: int = 2,
           types: set[str] | None = None, since: str | None = None, until: str | None = None,
           max_nodes: int = 1500) -> str:
    g, info = select(build_graph(store), focus=focus, depth=depth, types=types, since=since,
                     until=until, max_nodes=max_nodes)
    write_html(g, output, info)
    return f"{info['shown_nodes']} nodes, {g.number_of_edges()} edges"
