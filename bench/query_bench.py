"""Latency of every saved query on the corpus graph: the embedded Oxigraph store vs
rdflib's in-memory Dataset (loaded from the N-Quads export), and the same queries through
HTTP on an Oxigraph server and a Virtuoso (kg.remote.RemoteStore; bulk-loaded from the same
export). Figures into docs/benchmarks.md ("## Ingest and query").

    python bench/query_bench.py [--store DIR] [--nquads FILE]

Defaults reuse what bench/ingest_bench.py left in /tmp/kg-bench-ingest. Each query runs
once to warm up, then up to --runs times (at most --budget seconds), in a forked child
cut at --timeout seconds.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ingest_bench import (
    ROOT,
    Virtuoso,
    oxigraph_binary,
    render,
    save,
    start_oxigraph,
    stop,
)

from kg import Store
from kg.query import bind, run, saved_queries

WORK = Path("/tmp/kg-bench-ingest")


def params_for(store: Store) -> dict[str, dict[str, str]]:
    """The most attested person and body, as parameters of the saved queries."""
    person = run(store, """SELECT ?n (COUNT(?m) AS ?c) WHERE { ?m org:member/foaf:name ?n }
                           GROUP BY ?n ORDER BY DESC(?c) LIMIT 1""").values()[0][0]
    body = run(store, """SELECT ?n (COUNT(?m) AS ?c) WHERE { ?m org:organization/rdfs:label ?n }
                         GROUP BY ?n ORDER BY DESC(?c) LIMIT 1""").values()[0][0]
    out = {}
    for name, q in saved_queries().items():
        out[name] = {}
        for p, desc in q.params.items():
            d = desc.lower()
            out[name][p] = ("Chủ tịch" if p == "post" else person
                            if "person" in d or "recipient" in d else body)
    return out


def timings(fn: Callable[[], int], runs: int, budget: float) -> tuple[list[float], int]:
    rows = fn()  # warm-up
    times: list[float] = []
    deadline = time.monotonic() + budget
    while len(times) < runs and (not times or time.monotonic() < deadline):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times, rows


def stats(times: list[float]) -> dict:
    if not times:
        return {}
    s = sorted(times)
    return {"median": statistics.median(s), "p95": s[min(len(s) - 1, int(0.95 * len(s)))],
            "runs": len(s)}


# --- every measurement in a forked child, so that a runaway query can be cut --------------

_DS = None  # the rdflib Dataset, loaded before forking (children share it copy-on-write)


def _child(conn, opener: Callable[[], object], text: str, runs: int, budget: float) -> None:
    store = opener()
    times, rows = timings(lambda: len(run(store, text).rows) if store is not _DS
                          else len(list(_DS.query(text))), runs, budget)
    conn.send((times, rows))


def bench(label: str, opener: Callable[[], object], texts: dict[str, str], runs: int,
          budget: float, timeout: float) -> dict[str, dict]:
    ctx = mp.get_context("fork")
    out = {}
    for name, text in texts.items():
        parent, child = ctx.Pipe()
        p = ctx.Process(target=_child, args=(child, opener, text, runs, budget))
        p.start()
        if parent.poll(timeout):
            times, rows = parent.recv()
            out[name] = {**stats(times), "rows": rows}
        else:
            out[name] = {"timeout": timeout}
        p.kill()
        p.join()
        print(f"  {label} {name}: {out[name]}", file=sys.stderr)
    return out


def load_rdflib(nquads: Path) -> float:
    global _DS
    import rdflib

    t0 = time.perf_counter()
    _DS = rdflib.Dataset(default_union=True)
    _DS.parse(str(nquads), format="nquads")
    load = time.perf_counter() - t0
    print(f"rdflib: loaded {len(_DS)} triples in {load:.0f} s", file=sys.stderr)
    return load


def ms(d: dict, key: str = "median") -> str:
    if "timeout" in d:
        return f"> {d['timeout']:.0f} s"
    return f"{1000 * d[key]:.1f}" if key in d else "–"


def markdown(res: dict) -> str:
    cols = ["embedded", "rdflib"] + [k for k in ("oxigraph_server", "virtuoso") if k in res]
    head = ("| saved query | rows | embedded median / p95 ms | rdflib median / p95 ms | "
            "speed-up |" + "".join(f" {c.replace('_', ' ')} median ms |" for c in cols[2:]))
    lines = [head, "|" + " --- |" * (4 + len(cols) - 1)]
    met = True
    for name, e in res["embedded"].items():
        r = res["rdflib"].get(name, {})
        if "median" in r:
            speed = r["median"] / e["median"]
            sp = f"{speed:.0f}×"
        else:
            speed = float("inf")
            sp = "> " + f"{r.get('timeout', 0) / e['median']:.0f}×" if r else "–"
        if e["rows"] <= 1000 and (e["median"] > 0.1 or speed < 5):
            met = False
        extra = "".join(f" {ms(res[c].get(name, {}))} |" for c in cols[2:])
        lines.append(f"| {name} | {e['rows']} | {ms(e)} / {ms(e, 'p95')} | "
                     f"{ms(r)} / {ms(r, 'p95')} | {sp} |{extra}")
    text = (f"`python bench/query_bench.py` — every saved query on the corpus graph "
            f"({res['quads']:,} quads), parameters bound to the most attested person and body; "
            f"warm, up to {res['runs']} runs each. rdflib: `Dataset(default_union=True)` "
            f"loaded from the N-Quads export in {res['rdflib_load']:.0f} s. The server columns "
            "go through HTTP and result parsing (kg.remote), on stores bulk-loaded from the "
            "same export.\n\n" + "\n".join(lines))
    text += ("\n\nTarget (every saved query with ≤ 1,000 rows: median ≤ 100 ms and ≥ 5× "
             f"rdflib): **{'met' if met else 'not met'}** on this graph.")
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=WORK / "store-j1")
    ap.add_argument("--nquads", type=Path, default=WORK / "nq" / "corpus.nq")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per query and store")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds per query and store, all runs included")
    ap.add_argument("--no-servers", action="store_true")
    args = ap.parse_args()
    if not args.store.exists():
        sys.exit(f"no store at {args.store}: run bench/ingest_bench.py first")
    res: dict = {"runs": args.runs}
    with Store.open(args.store) as store:
        res["quads"] = len(store)
        params = params_for(store)
    texts = {n: bind(q.text, params[n]) for n, q in saved_queries().items()}
    res["embedded"] = bench("embedded", lambda: Store.open(args.store), texts, args.runs,
                            args.budget, args.timeout)
    res["rdflib_load"] = load_rdflib(args.nquads)
    res["rdflib"] = bench("rdflib", lambda: _DS, texts, min(args.runs, 5), args.budget,
                          args.timeout)
    if not args.no_servers:
        from kg.remote import RemoteStore

        if oxigraph_binary():
            loc = WORK / "oxigraph-query"
            subprocess.run(["rm", "-rf", str(loc)], check=True)
            subprocess.run([oxigraph_binary(), "load", "--location", str(loc), "--file",
                            str(args.nquads)], check=True, capture_output=True)
            proc, base = start_oxigraph(loc)
            try:
                print("oxigraph server", file=sys.stderr)
                res["oxigraph_server"] = bench("oxigraph", lambda: RemoteStore(base + "/query"),
                                               texts, args.runs, args.budget, args.timeout)
            finally:
                stop(proc)
        import shutil

        if shutil.which("virtuoso-t"):
            shutil.rmtree(WORK / "virtuoso-query", ignore_errors=True)
            v = Virtuoso(WORK / "virtuoso-query", args.nquads.parent)
            try:
                v.isql(f"ld_dir('{args.nquads.parent}', '*.nq', 'urn:default'); "
                       "rdf_loader_run(); checkpoint;")
                print("virtuoso", file=sys.stderr)
                res["virtuoso"] = bench("virtuoso", lambda: RemoteStore(v.base + "/sparql"),
                                        texts, args.runs, args.budget, args.timeout)
            finally:
                v.stop()
    res["markdown"] = markdown(res)
    save("query", res)
    render()
    print(res["markdown"])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
