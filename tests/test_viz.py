"""The explorer without a browser: the graph projection, selection, layout and the page's
self-containment and escaping (tests/test_browser.py drives the page in Chromium)."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest

from kg import Store
from kg.network import build_graph, filter_graph, find_nodes, neighbourhood
from kg.viz import PHYSICS_MAX, layout, render, select, write_html

from .conftest import run_kg

PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


@pytest.fixture(scope="module")
def graph(sample_store: Path) -> nx.MultiDiGraph:
    with Store.open(sample_store) as store:
        return build_graph(store)


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def select_all(g, **kw):
    args = {"focus": None, "depth": 2, "types": None, "since": None, "until": None,
            "max_nodes": 10_000} | kw
    return select(g, **args)


# --- the graph ------------------------------------------------------------------------------

def test_graph_has_typed_nodes_and_edges_with_provenance(graph):
    types = {d["type"] for _, d in graph.nodes(data=True)}
    assert {"person", "party", "state"} <= types
    viet = find_nodes(graph, "phan quoc viet")
    assert len(viet) == 1 and graph.nodes[viet[0]]["label"] == "Phan Quốc Việt"
    edges = list(graph.edges(viet[0], data=True))
    assert edges
    for _, _, d in edges:
        assert d["label"] and d["label_en"] and d["relation"] in {"holds", "former"}
        assert d["articles"] >= 1 and d["evidence"] and "Phan Quốc Việt" in d["evidence"]
        assert d["article"] and d["sources"][0]["evidence"] == d["evidence"]
    posts_en = {d["label_en"] for _, _, d in edges}
    assert "Chairman" in " ".join(posts_en) or "Chair" in " ".join(posts_en), posts_en


def test_supporting_articles_are_counted_once_per_article(graph):
    # Phan Quốc Việt is Chủ tịch UBND tỉnh Hòa Bắc in more than one sample article.
    viet = find_nodes(graph, "Phan Quốc Việt")[0]
    counts = [d["articles"] for _, _, d in graph.edges(viet, data=True)]
    assert max(counts) >= 2
    for _, _, d in graph.edges(data=True):
        ids = [s["id"] for s in d["sources"]]
        assert len(ids) == len(set(ids)) and len(ids) == min(d["articles"], 5)


def test_find_nodes_is_accent_and_case_blind(graph):
    assert find_nodes(graph, "PHAN QUỐC VIỆT") == find_nodes(graph, "phan quoc viet")
    assert find_nodes(graph, "quoc viet")  # part of a name
    assert find_nodes(graph, "no such person anywhere") == []
    assert find_nodes(graph, "   ") == []


def test_neighbourhood_and_filters(graph):
    viet = find_nodes(graph, "phan quoc viet")
    one = neighbourhood(graph, viet, 1)
    two = neighbourhood(graph, viet, 2)
    assert viet[0] in one
    assert one.number_of_nodes() < two.number_of_nodes() <= graph.number_of_nodes()
    people = filter_graph(graph, types={"person"})
    assert {d["type"] for _, d in people.nodes(data=True)} == {"person"}
    bodies = filter_graph(graph, types={"body"})
    assert {d["type"] for _, d in bodies.nodes(data=True)} <= {"party", "state", "body",
                                                               "collective"}
    dates = sorted(d["date"] for *_, d in graph.edges(data=True) if d["date"])
    late = filter_graph(graph, since=dates[-1])
    assert 0 < late.number_of_edges() < graph.number_of_edges()
    assert all(not d["date"] or d["date"] >= dates[-1] for *_, d in late.edges(data=True))


# --- selection ------------------------------------------------------------------------------

def test_select_focus_depth_and_unknown_name(graph):
    g, info = select_all(graph, focus="phan quoc viet", depth=1)
    assert info["centres"] == ["Phan Quốc Việt"]
    assert all(nx.has_path(g.to_undirected(), info["centre_ids"][0], n) for n in g)
    with pytest.raises(LookupError, match="nothing in the graph matches"):
        select_all(graph, focus="Không Có Ai")


def test_select_caps_to_most_central_and_says_what_was_left_out(graph):
    g, info = select_all(graph, max_nodes=5)
    assert g.number_of_nodes() == 5 and info["left_out"] == graph.number_of_nodes() - 5
    assert sum(info["left_out_types"].values()) == info["left_out"]
    kept = min(d["centrality"] for _, d in g.nodes(data=True))
    dropped = max(d["centrality"] for n, d in graph.nodes(data=True) if n not in g)
    assert kept >= dropped


# --- layout ---------------------------------------------------------------------------------

def test_layout_places_every_node_apart_and_components_do_not_overlap():
    g = nx.Graph()
    nx.add_star(g, range(0, 40))                      # a hub with 39 leaves
    nx.add_path(g, range(40, 60))
    g.add_edges_from((i, i + 1) for i in range(100, 160, 2))   # 30 pairs
    g.add_node(999)
    pos = layout(g)
    assert set(pos) == set(g)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())
    assert len({(round(x), round(y)) for x, y in pos.values()}) == len(pos)
    boxes = []
    for comp in nx.connected_components(g):
        xs = [pos[n][0] for n in comp]
        ys = [pos[n][1] for n in comp]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], (a, b)


def test_layout_scales_past_the_dense_limit():
    g = nx.barabasi_albert_graph(3000, 1, seed=3)   # a tree: 3000 nodes, one component
    pos = layout(g)
    assert len(pos) == 3000
    hub = max(g, key=g.degree)
    leaf = next(n for n in g[hub] if g.degree(n) == 1)
    d = math.dist(pos[hub], pos[leaf])
    assert 10 < d < 2000  # a leaf sits near its hub


# --- the page -------------------------------------------------------------------------------

def test_page_is_self_contained_and_scripts_are_pinned_by_hash(sample_store, tmp_path):
    out = tmp_path / "g.html"
    with Store.open(sample_store) as store:
        summary = render(store, out)
    html = out.read_text(encoding="utf-8")
    assert "nodes" in summary and "edges" in summary
    assert "<link" not in html and not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp
    assert "script-src 'unsafe-inline'" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2  # vis-network and the page script; the data block is JSON
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    data = page_data(html)
    assert len(data["nodes"]) == data["info"]["shown_nodes"]
    assert {e["from"] for e in data["edges"]} | {e["to"] for e in data["edges"]} <= set(
        range(len(data["nodes"])))


def test_article_text_never_reaches_the_markup(graph, tmp_path):
    g = graph.copy()
    for n in g:
        g.nodes[n]["label"] = PAYLOAD + g.nodes[n]["label"]
    for *_, d in g.edges(data=True):
        d["sources"] = [{**s, "evidence": PAYLOAD, "article": PAYLOAD} for s in d["sources"]]
    out = tmp_path / "evil.html"
    sub, info = select_all(g)
    write_html(sub, out, info, title=PAYLOAD + "</title></script>")
    html = out.read_text(encoding="utf-8")
    assert "<img" not in html and "window.__pwned" in html
    assert html.count("</script>") == 3 and html.count("</title>") == 1
    data = page_data(html)
    assert data["title"].startswith(PAYLOAD)
    assert all(n["label"].startswith(PAYLOAD) for n in data["nodes"])
    # vis-network renders a string `title` as HTML: the page never gives it one.
    assert not any("title" in item for item in data["nodes"] + data["edges"])
    js = (Path(__file__).resolve().parents[1] / "viz" / "explorer.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\btitle:", js)


def test_large_graph_gets_a_precomputed_layout_and_no_physics(tmp_path):
    g = nx.MultiDiGraph()
    for i in range(PHYSICS_MAX + 50):
        g.add_node(f"p{i}", label=f"Người {i}", type="person", search=f"nguoi {i}", degree=1)
        g.add_node(f"b{i % 7}", label=f"Cơ quan {i % 7}", type="state", search="", degree=1)
        g.add_edge(f"p{i}", f"b{i % 7}", label="Ủy viên", label_en="Member", relation="holds",
                   sources=[{"evidence": "Câu.", "article": "Bài", "date": "", "id": "a"}])
    out = tmp_path / "big.html"
    sub, info = select_all(g)
    write_html(sub, out, info)
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["physics"] is False
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    small, info = select_all(g, max_nodes=40)
    write_html(small, out, info)
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["physics"] is True and "x" in data["nodes"][0]
    assert data["info"]["left_out"] == g.number_of_nodes() - 40


# --- the command line -----------------------------------------------------------------------

def test_cli_focus_type_and_errors(sample_store, tmp_path):
    out = tmp_path / "focus.html"
    r = run_kg("viz", "--store", str(sample_store), "-o", str(out), "--focus", "PHAN quoc viet",
               "--depth", "1")
    assert r.returncode == 0, r.stderr
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["info"]["centres"] == ["Phan Quốc Việt"]
    assert data["title"].startswith("Phan Quốc Việt")
    labels = {n["label"] for n in data["nodes"]}
    assert "Phan Quốc Việt" in labels and len(labels) < 15

    r = run_kg("viz", "--store", str(sample_store), "-o", str(out), "--type", "person,award")
    assert r.returncode == 0, r.stderr
    data = page_data(out.read_text(encoding="utf-8"))
    assert {n["type"] for n in data["nodes"]} <= {"person", "award"}

    r = run_kg("viz", "--store", str(sample_store), "-o", str(out), "--max-nodes", "6")
    assert r.returncode == 0 and b"left out" in r.stderr
    data = page_data(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 6 and data["info"]["left_out"] > 0

    r = run_kg("viz", "--store", str(sample_store), "-o", str(out), "--focus", "Không Có Ai")
    assert r.returncode == 1 and b"nothing in the graph matches" in r.stderr
