"""Explorer benchmark: how fast the page of the whole corpus draws in a real browser.

    python bench/viz_bench.py [--runs 5] [--store DIR]

Ingests ../shared/corpus/articles into a temporary store (or uses --store), writes three
pages with the real `kg viz` (the whole graph, the default view capped at --max-nodes
1500, and a --focus view of the most connected person), opens each --runs times in
Debian's headless Chromium (a fresh page each time, every request that is not file:// or
data: blocked) and reads the page's own clock: ``kgExplorer.drawnAt``, milliseconds from
navigation start until the graph is drawn with its final layout (physics frozen). Writes
the "## Explorer" section of docs/benchmarks.md (other sections are left alone) and a
screenshot of the whole graph to docs/img/explorer.png. Target: drawn within 3 s.

Skips (exit 0, with the reason) when the corpus, /usr/bin/chromium or playwright is absent.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "articles"
DOC = ROOT / "docs" / "benchmarks.md"
SHOT = ROOT / "docs" / "img" / "explorer.png"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1000}
TARGET_MS = 3000


def kg(*args: str) -> float:
    """Run the real command line; wall seconds."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg.cli", *args], check=True, capture_output=True)
    return time.perf_counter() - t


def open_page(ctx, path: Path, screenshot: Path | None = None, click: str = "") -> dict:
    page = ctx.new_page()
    blocked: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_function("() => window.kgExplorer && window.kgExplorer.ready", timeout=120_000)
    got = page.evaluate("""() => ({marks: kgExplorer.marks, nodes: kgExplorer.drawnNodes(),
        edges: kgExplorer.drawnEdges(), physics: kgExplorer.data.physics})""")
    if screenshot:
        if click:  # select a node the way a viewer would: a click on it
            x, y = page.evaluate("""(label) => {
                const k = kgExplorer, id = k.find(label), net = k.network;
                const p = net.canvasToDOM(net.getPosition(id));
                const r = document.getElementById("canvas").getBoundingClientRect();
                return [r.left + p.x, r.top + p.y]; }""", click)
            page.mouse.click(x, y)
        page.wait_for_timeout(500)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
    page.close()
    if blocked or errors:
        raise SystemExit(f"{path.name}: blocked {blocked}, errors {errors}")
    return got


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as fh:
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", fh.read()).group(1))
    chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True,
                              env={**os.environ, "HOME": tempfile.gettempdir()}).stdout.strip()
    return (f"{os.cpu_count()} cores ({cpu}), {mem_kb / 2**20:.0f} GiB, Python "
            f"{platform.python_version()}, Linux {platform.release()}, {chromium}, "
            f"load average {os.getloadavg()[0]:.1f} at the start, commit {commit()}")


def commit() -> str:
    """The checked-out commit, read from .git without running git."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:7]
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()[:7]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line[:7]
    except OSError:
        pass
    return "unknown"


def write_section(body: str) -> None:
    """Replace (or append) the "## Explorer" section of docs/benchmarks.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else (
        "# Benchmarks\n\nEvery figure here is written by a script in `bench/`; rerun it to "
        "refresh.\n")
    section = "## Explorer\n\n" + body.strip() + "\n"
    m = re.search(r"^## Explorer\n.*?(?=^## |\Z)", text, re.S | re.M)
    if m:
        text = text[:m.start()] + section + ("\n" if m.end() < len(text) else "") + text[m.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="page loads per view")
    ap.add_argument("--store", type=Path, help="an existing store of the corpus (skip ingest)")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent")
        return 0
    if not CHROMIUM.exists():
        print(f"skipped: {CHROMIUM} is absent (apt-get install -y chromium)")
        return 0
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("skipped: playwright is not installed (pip install playwright)")
        return 0
    from kg import Store
    from kg.network import build_graph

    where = machine()
    with tempfile.TemporaryDirectory(prefix="kg-viz-bench-") as tmp:
        tmp_path = Path(tmp)
        store = args.store or tmp_path / "kg-data"
        ingest_s = None
        if not args.store:
            ingest_s = kg("ingest", str(CORPUS), "--store", str(store), "-j", "2",
                          "--no-progress")
        t = time.perf_counter()
        with Store.open(store) as st:
            g = build_graph(st)
        graph_s = time.perf_counter() - t
        n_articles = sum(1 for _ in CORPUS.rglob("*.txt"))
        person = max((n for n, d in g.nodes(data=True) if d["type"] == "person"),
                     key=lambda n: (g.nodes[n]["degree"], g.nodes[n]["label"]))
        name = g.nodes[person]["label"]
        views = [
            ("whole graph", ["--max-nodes", "100000"]),
            ("default view (--max-nodes 1500)", []),
            (f"--focus \"{name}\" (depth 2)", ["--focus", name, "--depth", "2"]),
        ]
        rows = []
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                headless=True, viewport=VIEWPORT)
            for i, (label, opts) in enumerate(views):
                html = tmp_path / f"view{i}.html"
                viz_s = kg("viz", "--store", str(store), "-o", str(html), *opts)
                # the screenshot shows names only: no node is clicked, so no article
                # sentence (corpus text must not be committed) appears in the panel
                loads = [open_page(ctx, html, SHOT if i == 0 and r == 0 else None)
                         for r in range(args.runs)]
                drawn = [x["marks"]["drawn"] for x in loads]
                built = [x["marks"]["network"] - x["marks"]["start"] for x in loads]
                rows.append({
                    "view": label, "nodes": loads[0]["nodes"], "edges": loads[0]["edges"],
                    "mb": html.stat().st_size / 1e6, "viz_s": viz_s,
                    "layout": "vis-network, frozen after stabilising" if loads[0]["physics"]
                    else "precomputed, physics off",
                    "median": statistics.median(drawn), "best": min(drawn),
                    "worst": max(drawn), "built": statistics.median(built),
                })
                print(rows[-1], flush=True)
            ctx.close()

    table = ["| view | nodes | edges | layout | HTML | `kg viz` | load → drawn, median | best "
             "| worst | of which vis-network set-up |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        table.append(
            f"| {r['view']} | {r['nodes']} | {r['edges']} | {r['layout']} | {r['mb']:.1f} MB "
            f"| {r['viz_s']:.1f} s | **{r['median'] / 1000:.2f} s** | {r['best'] / 1000:.2f} s "
            f"| {r['worst'] / 1000:.2f} s | {r['built'] / 1000:.2f} s |")
    worst_median = max(r["median"] for r in rows)
    verdict = "met" if worst_median <= TARGET_MS else "NOT met"
    body = f"""
`python bench/viz_bench.py` — the {n_articles} articles of `../shared/corpus/articles`
ingested into a fresh store{f" ({ingest_s:.0f} s)" if ingest_s else ""}, projected to a
graph of {g.number_of_nodes()} nodes and {g.number_of_edges()} edges ({graph_s:.1f} s), and
three pages written by `kg viz` (wall time including Python start-up, store reading and
layout). Each page opened {args.runs} times in headless Chromium
({VIEWPORT['width']}×{VIEWPORT['height']}, software rendering, network blocked); "load → drawn"
is the page's own `kgExplorer.drawnAt`: milliseconds from navigation start to the first
frame drawn with the final layout.

{chr(10).join(table)}

Target: drawn within {TARGET_MS / 1000:.0f} s — **{verdict}** (slowest median
{worst_median / 1000:.2f} s). Screenshot of the whole graph (no node selected):
`docs/img/explorer.png`.
Machine: {where}.
"""
    write_section(body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
