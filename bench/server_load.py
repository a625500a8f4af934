"""Load test of `kg serve` on loopback: N concurrent clients (default 20) for a bounded time
(default 30 s), each on its own keep-alive connection, sending a mix of saved queries;
errors and p50/p99 latency into docs/benchmarks.md ("## Ingest and query").

    python bench/server_load.py [--store /tmp/kg-bench-ingest/store-j1] [--clients 20]

Only 127.0.0.1 is ever contacted: the server is started here on a free loopback port.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from ingest_bench import render, save

from kg import Store
from kg.query import run

WORK = Path("/tmp/kg-bench-ingest")
# Queries that stay well under the timeout on the shipped store (the heavy saved queries
# are bounded by the store's union semantics, see the query table), so that the figures
# measure the server: a name lookup, a person's page (DESCRIBE), two parameterised saved
# queries, a GRAPH ?g aggregate, and the saved-query listing.
MIX = ["awards-by-recipient", "awards-by-giver", "stats-classes"]
LOOKUP = "SELECT ?p ?name WHERE { ?p a foaf:Person ; foaf:name ?name } LIMIT 50"
DESCRIBE = "DESCRIBE ?p WHERE { ?p foaf:name ?n } LIMIT 1"


def requests_for(store: Path) -> list[str]:
    """Paths to GET: the saved queries of the mix (parameters from the store) + a lookup."""
    with Store.open(store) as st:
        people = [r[0] for r in run(st, """SELECT ?n (COUNT(?m) AS ?c)
            WHERE { ?m org:member/foaf:name ?n } GROUP BY ?n ORDER BY DESC(?c) LIMIT 5""").values()]
        bodies = [r[0] for r in run(st, """SELECT ?n (COUNT(?m) AS ?c)
            WHERE { ?m org:organization/rdfs:label ?n } GROUP BY ?n ORDER BY DESC(?c)
            LIMIT 5""").values()]
    paths = [f"/sparql?{urlencode({'query': LOOKUP})}",
             f"/sparql?{urlencode({'query': DESCRIBE, 'format': 'ntriples'})}",
             "/queries?format=json"]
    for name in MIX:
        if name == "awards-by-recipient":
            paths += [f"/queries/{name}?{urlencode({'name': p})}" for p in people]
        elif name == "awards-by-giver":
            paths += [f"/queries/{name}?{urlencode({'name': b})}" for b in bodies]
        else:
            paths.append(f"/queries/{name}")
    return paths


def client(port: int, paths: list[str], seed: int, until: float, out: list, errors: list,
           cap: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = seed
    while time.monotonic() < until and len(out) + len(errors) < cap:
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                out.append(time.perf_counter() - t0)
            else:
                errors.append(f"{resp.status} {path[:60]}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__} {path[:60]}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=WORK / "store-j1")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-requests", type=int, default=200_000, help="hard bound")
    args = ap.parse_args()
    paths = requests_for(args.store)
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(args.store),
                             "--port", "0", "--workers", str(args.workers)],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
        latencies: list[float] = []
        errors: list[str] = []
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(port, paths, k, until, latencies,
                                                         errors, args.max_requests))
                   for k in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 120)
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(30)
    lat = sorted(latencies)
    p = {q: 1000 * lat[min(len(lat) - 1, int(q / 100 * len(lat)))] for q in (50, 99)} if lat \
        else {50: 0, 99: 0}
    res = {"clients": args.clients, "seconds": wall, "ok": len(lat), "errors": len(errors),
           "error_kinds": sorted(set(errors))[:10], "p50_ms": p[50], "p99_ms": p[99],
           "mean_ms": 1000 * statistics.fmean(lat) if lat else 0,
           "throughput": len(lat) / wall, "workers": args.workers}
    res["markdown"] = (
        f"`python bench/server_load.py` — `kg serve` (--workers {args.workers}) on the corpus "
        f"store, {args.clients} concurrent keep-alive clients on loopback for "
        f"{args.seconds:.0f} s, cycling through {len(paths)} requests (saved queries "
        f"{', '.join(MIX)} with parameters, a 50-row lookup, a DESCRIBE and the /queries "
        "listing).\n\n"
        "| clients | requests | errors | p50 ms | p99 ms | requests/s |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        f"| {args.clients} | {len(lat) + len(errors)} | **{len(errors)}** | {p[50]:.0f} | "
        f"{p[99]:.0f} | {res['throughput']:.0f} |\n\nTarget: 0 errors.")
    save("server_load", res)
    render()
    print(res["markdown"])


if __name__ == "__main__":
    main()
