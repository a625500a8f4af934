"""Ingest throughput and the bulk path on the real corpus; figures into docs/benchmarks.md
("## Ingest and query", shared with query_bench.py and server_load.py through
bench/results/*.json).

    python bench/ingest_bench.py [--corpus ../shared/corpus/articles] [--work /tmp/kg-bench]

Measures, wall clock: `kg ingest --jobs 1` and `--jobs 2` (fresh stores; ``--repeat``
runs each, alternating, the fastest reported),
`kg export --format nquads`, `oxigraph load` of that file, Virtuoso's bulk loader
(ld_dir + rdf_loader_run) on it, and kg.distributed on a LocalCluster of 2 workers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from docs_section import machine, write_section

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TITLE = "Ingest and query"
KG = [sys.executable, "-m", "kg.cli"]


# servers (also used by query_bench.py): kg.localservers
from kg.localservers import (  # noqa: E402
    Virtuoso,
    free_port,
    oxigraph_binary,
    start_oxigraph,
    stop,
    wait_http,
)

__all__ = ["Virtuoso", "free_port", "oxigraph_binary", "start_oxigraph", "stop", "wait_http"]


# --- measurements ----------------------------------------------------------------------------


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() \
        else path.stat().st_size


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, **kw)
    dt = time.perf_counter() - t0
    if r.returncode not in (0, 1):  # 1 = some inputs failed, reported
        raise RuntimeError(f"{cmd}: {r.stderr.decode()[-2000:]}")
    return dt, r


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(corpus: Path, work: Path, repeat: int = 1) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    n_files = sum(1 for _ in corpus.rglob("*.txt"))
    out: dict = {"corpus": str(corpus), "files": n_files, "load": os.getloadavg()[0],
                 "repeat": repeat}
    # the default ingest ends by compacting the new store (Store.optimize); the third run
    # shows what that costs. With --repeat, the three alternate (j1, j2, j1 --no-optimize,
    # j1, ...) so that a slow minute of the machine falls on all of them alike.
    for _ in range(repeat):
        for key, jobs, extra in (("ingest_j1", 1, []), ("ingest_j2", 2, []),
                                 ("ingest_j1_no_optimize", 1, ["--no-optimize"])):
            store = work / ("store-" + key.removeprefix("ingest_").replace("_", "-"))
            shutil.rmtree(store, ignore_errors=True)
            dt, r = timed([*KG, "ingest", str(corpus), "--store", str(store), "--jobs",
                           str(jobs), "--no-progress", *extra])
            summary = next(line for line in r.stderr.decode().splitlines()
                           if " articles, " in line)
            articles = int(summary.split()[0])
            runs = out.setdefault(key, {"runs": []})["runs"]
            runs.append(dt)
            best = min(runs)
            out[key].update({"seconds": best, "median": statistics.median(runs),
                             "articles": articles, "rate": articles / best,
                             "summary": summary, "store_bytes": du(store)})
            print(f"ingest --jobs {jobs} {' '.join(extra)}: {summary} ({dt:.1f} s wall)",
                  file=sys.stderr)
    store = work / "store-j1"
    nq = work / "nq" / "corpus.nq"
    nq.parent.mkdir()
    dt, _ = timed([*KG, "export", "--format", "nquads", "--store", str(store), "-o", str(nq)])
    quads = sum(1 for _ in nq.open("rb"))
    out["export"] = {"seconds": dt, "bytes": nq.stat().st_size, "quads": quads}
    print(f"export: {quads} quads, {dt:.1f} s", file=sys.stderr)
    if oxigraph_binary():
        loc = work / "oxigraph-bulk"
        dt, _ = timed([oxigraph_binary(), "load", "--location", str(loc), "--file", str(nq)])
        out["oxigraph_load"] = {"seconds": dt, "rate": quads / dt, "store_bytes": du(loc)}
        print(f"oxigraph load: {dt:.1f} s", file=sys.stderr)
    if shutil.which("virtuoso-t"):
        v = Virtuoso(work / "virtuoso", nq.parent)
        try:
            t0 = time.perf_counter()
            v.isql(f"ld_dir('{nq.parent}', '*.nq', 'https://w3id.org/vnkg/graph/default'); "
                   "rdf_loader_run(); checkpoint;")
            dt = time.perf_counter() - t0
            out["virtuoso_load"] = {"seconds": dt, "rate": quads / dt,
                                    "store_bytes": du(work / "virtuoso")}
            print(f"virtuoso bulk load: {dt:.1f} s", file=sys.stderr)
        finally:
            v.stop()
    try:
        import dask.distributed  # noqa: F401

        dt, r = timed([sys.executable, "-m", "kg.distributed", str(corpus), "-o",
                       str(work / "shards"), "--workers", "2", "--partitions", "8"])
        out["dask"] = {"seconds": dt, "summary": r.stderr.decode().strip().splitlines()[-1],
                       "rate": out["ingest_j1"]["articles"] / dt}
        print(f"dask: {out['dask']['summary']}", file=sys.stderr)
    except ImportError:
        pass
    out["peak_rss_mib"] = peak_rss_mib()
    return out


# --- the docs section ----------------------------------------------------------------------


def load(name: str) -> dict | None:
    p = RESULTS / f"{name}.json"
    return json.loads(p.read_text()) if p.exists() else None


def save(name: str, data: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    data["machine"] = machine()
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def render() -> None:
    """Rewrite the section from whatever results exist."""
    parts: list[str] = []
    ing = load("ingest")
    if ing:
        repeat = ing.get("repeat", 1)
        runs = (f"each ingest run {repeat} times, alternating, fastest run shown (timeit's "
                "rule: slower runs are the machine's other work, not the code's cost; every "
                "run is listed beside it)") if repeat > 1 else "one run each"
        parts.append(
            f"`python bench/ingest_bench.py` — wall clock, {runs}, on the "
            f"{ing['files']} files of `../shared/corpus/articles` (load average at start "
            f"{ing['load']:.1f}).\n")
        rows = ["| step | seconds | rate | size |", "| --- | --- | --- | --- |"]
        for key, what in (("ingest_j1", "--jobs 1"), ("ingest_j2", "--jobs 2"),
                          ("ingest_j1_no_optimize", "--jobs 1 --no-optimize")):
            if key in ing:
                r = ing[key]
                every = ""
                if len(r.get("runs", [])) > 1:
                    every = (f" (runs: {', '.join(f'{t:.1f}' for t in r['runs'])} s; median "
                             f"{r['articles'] / r['median']:.0f}/s)")
                rows.append(f"| `kg ingest {what}` (end to end) | {r['seconds']:.1f} | "
                            f"**{r['rate']:.0f} articles/s**{every} | "
                            f"store {mib(r['store_bytes'])} |")
        e = ing["export"]
        rows.append(f"| `kg export --format nquads` | {e['seconds']:.1f} | "
                    f"{e['quads'] / e['seconds']:,.0f} quads/s | {e['quads']:,} quads, "
                    f"{mib(e['bytes'])} |")
        if "oxigraph_load" in ing:
            o = ing["oxigraph_load"]
            rows.append(f"| `oxigraph load` of that file | {o['seconds']:.1f} | "
                        f"{o['rate']:,.0f} quads/s | store {mib(o['store_bytes'])} |")
        if "virtuoso_load" in ing:
            o = ing["virtuoso_load"]
            rows.append(f"| Virtuoso `ld_dir` + `rdf_loader_run` + checkpoint | "
                        f"{o['seconds']:.1f} | {o['rate']:,.0f} quads/s | "
                        f"database {mib(o['store_bytes'])} |")
        if "dask" in ing:
            d = ing["dask"]
            rows.append(f"| `python -m kg.distributed` (LocalCluster, 2 workers, 8 shards) | "
                        f"{d['seconds']:.1f} | {d['rate']:.0f} articles/s | |")
        parts.append("\n".join(rows))
        parts.append(f"\nTarget: ingest ≥ 100 articles/s with `--jobs 1`. Machine: "
                     f"{ing['machine']}.")
    for p in sorted(RESULTS.glob("query*.json"), key=lambda p: (p.stem != "query", p.stem)):
        q = json.loads(p.read_text())
        if "markdown" in q:
            parts.append(q["markdown"])
    s = load("server_load")
    if s:
        parts.append(s["markdown"])
    write_section(TITLE, "\n\n".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "articles")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-bench-ingest"))
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each ingest, alternating; the fastest is reported")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} is absent")
    save("ingest", run(args.corpus, args.work, args.repeat))
    render()


if __name__ == "__main__":
    main()
