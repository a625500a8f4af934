"""The explorer page in a real browser: Debian's headless Chromium driven by Playwright,
every request that is not file:// or data: blocked and recorded.

Needs `apt-get install -y chromium` and `pip install playwright` (never `playwright
install`: the browser is Debian's, at /usr/bin/chromium). Skipped, with the reason, where
either is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import Store, ingest
from kg.network import build_graph, find_nodes
from kg.viz import PHYSICS_MAX, render

from .conftest import SAMPLES

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# An article whose title and sentences carry markup: none of it may run or become markup.
TITLE = ('Hội nghị <img src=x onerror="window.__pwned=1"> tổng kết '
         '<script>window.__pwned=2</script>')
HOSTILE = "\n\n".join([
    f" date 2024-03-05 {TITLE}",
    "Sáng 5/3, Tỉnh ủy Hòa Bắc tổ chức hội nghị tổng kết. Ông Phạm Đức Tiến chủ trì "
    "<img src=x onerror=window.__pwned=3> hội nghị.",
    "Đồng chí Phạm Đức Tiến, Bí thư Tỉnh ủy Hòa Bắc, phát biểu <script>window.__pwned=4"
    "</script> tại hội nghị <img src=x onerror=alert(5)>.",
]) + "\n"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install playwright)")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data-dir
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 900})
        yield ctx
        ctx.close()


class Opened:
    """A page of the explorer with what it tried to fetch and every error it reported."""

    def __init__(self, ctx, path: Path):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page = page = ctx.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("dialog", self._dialog)
        page.route("**/*", self._route)
        page.goto(path.resolve().as_uri())
        # A function, not a string: the page's CSP forbids eval.
        page.wait_for_function("() => window.kgExplorer && window.kgExplorer.ready",
                               timeout=60_000)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def text(self, selector: str) -> str:
        return self.page.locator(selector).text_content() or ""

    def point(self, node_id: int) -> tuple[float, float]:
        """Where a node is drawn, in page coordinates."""
        return tuple(self.js("""(id) => {
            const net = kgExplorer.network, p = net.canvasToDOM(net.getPosition(id));
            const r = document.getElementById("canvas").getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", node_id))

    def hover_edge(self, edge_id: int) -> None:
        x, y = self.js("""(id) => {
            const net = kgExplorer.network, e = kgExplorer.edges.get(id);
            const a = net.getPosition(e.from), b = net.getPosition(e.to);
            const p = net.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
            const r = document.getElementById("canvas").getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", edge_id)
        self.page.mouse.move(x, y)

    def clean(self) -> None:
        assert self.blocked == [], self.blocked
        assert self.errors == [], self.errors

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    articles = root / "articles"
    shutil.copytree(SAMPLES, articles)
    (articles / "hostile-0001.txt").write_text(HOSTILE, encoding="utf-8")
    path = root / "kg-data"
    with Store.open(path, write=True) as store:
        report = ingest([articles], store)
    assert report.articles == len(list(articles.glob("*.txt")))
    return path


@pytest.fixture(scope="module")
def hostile_page(hostile_store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "hostile.html"
    with Store.open(hostile_store) as store:
        render(store, out)
    return out


@pytest.fixture
def opened(browser, hostile_page):
    page = Opened(browser, hostile_page)
    yield page
    page.close()


# --- tests ----------------------------------------------------------------------------------

def test_page_draws_every_node_offline(opened, hostile_store):
    with Store.open(hostile_store) as store:
        g = build_graph(store)
    assert opened.js("kgExplorer.drawnNodes()") == g.number_of_nodes()
    assert opened.js("kgExplorer.drawnEdges()") == g.number_of_edges()
    assert opened.js("kgExplorer.data.physics") is True
    assert opened.js("kgExplorer.network.physics.options.enabled") is False  # frozen
    assert opened.js("typeof kgExplorer.drawnAt") == "number"
    legend = opened.text("#legend")
    for kind in ("Person", "Party body", "State body", "Other body", "Event", "Award",
                 "Resolution"):
        assert kind in legend
    opened.clean()


def test_search_finds_a_person_without_accents_and_the_panel_shows_evidence(opened):
    opened.page.fill("#search", "pham duc tien")
    results = opened.page.locator("#results button")
    assert "Phạm Đức Tiến" in results.all_text_contents()
    results.filter(has_text="Phạm Đức Tiến").first.click()
    assert opened.text("#panel h2") == "Phạm Đức Tiến"
    panel = opened.text("#panel")
    evidence = ("Đồng chí Phạm Đức Tiến, Bí thư Tỉnh ủy Hòa Bắc, phát biểu "
                "<script>window.__pwned=4</script> tại hội nghị <img src=x onerror=alert(5)>.")
    assert evidence in panel
    assert "Bí thư (Secretary)" in panel and "Tỉnh ủy Hòa Bắc" in panel
    assert TITLE in panel and "2024-03-05" in panel and "1 bài báo / 1 article" in panel
    opened.clean()


def test_click_highlights_the_neighbourhood(opened):
    me = opened.js("kgExplorer.find('Phan Quốc Việt')")
    opened.page.mouse.click(*opened.point(me))
    assert opened.text("#panel h2") == "Phan Quốc Việt"
    near = set(opened.js(f"kgExplorer.network.getConnectedNodes({me})")) | {me}
    opacity = opened.js("kgExplorer.nodes.get().map(n => [n.id, n.opacity])")
    assert {i for i, o in opacity if o == 1} == near
    assert all(o < 1 for i, o in opacity if i not in near)
    # a name in the panel moves the selection there
    opened.page.locator("#panel .link").first.click()
    assert opened.text("#panel h2") != "Phan Quốc Việt"
    opened.page.click("#reset")
    assert opened.text("#panel") == "" and all(
        o == 1 for _, o in opened.js("kgExplorer.nodes.get().map(n => [n.id, n.opacity])"))
    opened.clean()


def test_filters_by_type_and_date_and_reset(opened):
    total_n, total_e = opened.js("[kgExplorer.drawnNodes(), kgExplorer.drawnEdges()]")
    people = opened.js("kgExplorer.data.nodes.filter(n => n.type === 'person').length")
    opened.page.locator("#legend input[data-key=person]").uncheck()
    assert opened.js("kgExplorer.drawnNodes()") == total_n - people
    assert opened.js("""kgExplorer.network.body.nodeIndices
        .every(i => kgExplorer.data.nodes[i].type !== 'person')""")
    opened.page.click("#reset")
    assert opened.js("[kgExplorer.drawnNodes(), kgExplorer.drawnEdges()]") == [total_n, total_e]

    # The samples are dated 2026, the hostile article 2024-03-05.
    opened.page.fill("#until", "2025-12-31")
    assert opened.js("kgExplorer.drawnEdges()") == opened.js(
        "kgExplorer.data.edges.filter(e => !e.date || e.date <= '2025-12-31').length") < total_e
    opened.page.locator("#undated").uncheck()
    assert opened.js("kgExplorer.drawnEdges()") == 2  # Phạm Đức Tiến: Bí thư, chairs
    assert opened.js("kgExplorer.drawnNodes()") == 3
    opened.page.fill("#search", "pham duc tien")
    assert "Phạm Đức Tiến" in opened.page.locator("#results button").all_text_contents()
    opened.page.fill("#search", "phan quoc viet")  # dated 2026: filtered out, so not found
    assert opened.page.locator("#results button").count() == 0
    opened.page.click("#reset")
    assert opened.js("[kgExplorer.drawnNodes(), kgExplorer.drawnEdges()]") == [total_n, total_e]
    opened.clean()


def test_english_labels(opened):
    opened.page.locator("input[name=lang][value=en]").check()
    labels = set(opened.js("kgExplorer.edges.get().map(e => e.label)"))
    assert "Secretary" in labels and "Bí thư" not in labels
    opened.page.locator("input[name=lang][value=vi]").check()
    assert "Bí thư" in set(opened.js("kgExplorer.edges.get().map(e => e.label)"))
    opened.clean()


def test_hostile_article_runs_nothing(browser, hostile_store, opened, tmp_path):
    """Markup from an article stays text in labels, tooltips, the panel and the heading."""
    page = opened.page
    # tooltips: the meeting node (its label is the sentence) and a membership edge
    meeting = opened.js("kgExplorer.data.nodes.findIndex(n => n.type === 'meeting' "
                        "&& n.label.includes('pwned'))")
    page.mouse.move(*opened.point(meeting))
    page.wait_for_selector("#tip", state="visible")
    assert "<img src=x onerror=window.__pwned=3>" in opened.text("#tip")
    person = opened.js("kgExplorer.find('Phạm Đức Tiến')")
    edge = opened.js(f"kgExplorer.data.edges.findIndex(e => e.from === {person} "
                     "&& e.relation === 'holds')")
    page.mouse.move(5, 5)
    opened.hover_edge(edge)
    page.wait_for_selector("#tip", state="visible")
    tip = opened.text("#tip")
    assert "<script>window.__pwned=4</script>" in tip and TITLE in tip
    # the panel
    page.mouse.click(*opened.point(person))
    assert TITLE in opened.text("#panel")
    # labels on the canvas are the literal text
    label = opened.js(f"kgExplorer.nodes.get({meeting}).label")
    assert label.startswith("Ông Phạm Đức Tiến chủ trì <img")

    # the heading: a page focused on the meeting carries its (hostile) label as the title
    out = tmp_path / "focus.html"
    with Store.open(hostile_store) as store:
        g = build_graph(store)
        assert find_nodes(g, "chu tri <img")
        render(store, out, focus="chu tri <img", depth=1)
    focused = Opened(browser, out)
    try:
        heading = focused.text("#heading")
        assert heading.startswith("Ông Phạm Đức Tiến chủ trì <img src=x onerror=window.__pwned=3>")
        assert focused.js("document.title") == heading
        for p in (opened, focused):
            assert p.js("window.__pwned === undefined")
            assert p.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
            assert p.js("document.scripts.length") == 3  # data, vis-network, the page script
            assert not p.js("""[...document.querySelectorAll('*')]
                .some(e => [...e.attributes].some(a => a.name.startsWith('on')))""")
        focused.clean()
    finally:
        focused.close()
    opened.clean()


def test_big_graph_is_frozen_and_says_what_was_left_out(browser, tmp_path):
    """Above PHYSICS_MAX the positions come with the page; above --max-nodes the page
    names what it left out."""
    import networkx as nx

    from kg.viz import select, write_html

    g = nx.MultiDiGraph()
    n = PHYSICS_MAX + 200
    for i in range(n):
        body = f"b{i % 25}"
        g.add_node(f"p{i}", label=f"Người Số {i}", type="person", search=f"nguoi so {i}")
        g.add_node(body, label=f"Ủy ban {i % 25}", type="state", search=f"uy ban {i % 25}")
        g.add_edge(f"p{i}", body, label="Ủy viên", label_en="Member", relation="holds",
                   articles=1, sources=[{"evidence": f"Câu {i}.", "article": "Bài", "date": "",
                                         "id": "a"}])
    from kg.network import add_centrality

    add_centrality(g)
    total = g.number_of_nodes()
    sub, info = select(g, focus=None, depth=2, types=None, since=None, until=None,
                       max_nodes=total)
    out = tmp_path / "big.html"
    write_html(sub, out, info)
    opened = Opened(browser, out)
    try:
        assert opened.js("kgExplorer.drawnNodes()") == sub.number_of_nodes() == total
        assert opened.js("kgExplorer.network.physics.options.enabled") is False
        x, y = opened.js("[kgExplorer.network.getPosition(0).x, kgExplorer.data.nodes[0].x]")
        assert x == y  # drawn where Python put it
        assert "left out" not in opened.text("#note")
        opened.clean()
    finally:
        opened.close()
    sub, info = select(g, focus=None, depth=2, types=None, since=None, until=None,
                       max_nodes=total - 100)
    write_html(sub, out, info)
    opened = Opened(browser, out)
    try:
        assert opened.js("kgExplorer.drawnNodes()") == total - 100
        note = opened.text("#note")
        assert "100 left out (100 Person)" in note and "--focus" in note
        opened.clean()
    finally:
        opened.close()


def test_an_empty_selection_says_so(browser, sample_store, tmp_path):
    out = tmp_path / "empty.html"
    with Store.open(sample_store) as store:
        assert render(store, out, types={"award"}, since="2999-01-01").startswith("0 nodes")
    opened = Opened(browser, out)
    try:
        assert opened.js("kgExplorer.drawnNodes()") == 0
        assert "nothing to show" in opened.text("#graph")
        opened.clean()
    finally:
        opened.close()
