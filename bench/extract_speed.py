"""Extraction speed on one core over the real corpus (reading excluded).

    python bench/extract_speed.py [--corpus ../shared/corpus/articles] [--repeat 5]

The corpus is cut into 10 interleaved slices; each slice is extracted ``--repeat``
times and its smallest CPU time kept (timeit's rule: the minimum is the run least
disturbed by other processes; larger values come from interference, not from the
code). Their sum is the corpus's CPU time on an undisturbed core. The best whole pass
is given beside it. Writes the section "Extraction speed" of docs/benchmarks.md.
Target: >= 200 articles/s.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from docs_section import machine, write_section

from kg.articles import Article, read_path
from kg.extract import Extractor
from kg.pipeline import tune_gc

SHARED = Path(__file__).resolve().parents[2] / "shared"
SLICES = 10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "articles")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"{args.corpus} is absent: nothing to measure")
    articles = [a for a in read_path(args.corpus) if isinstance(a, Article)]
    chars = sum(len(a.text) for a in articles)
    slices = [articles[i::SLICES] for i in range(SLICES)]
    ex = Extractor()
    tune_gc()  # as kg extract and kg ingest run it
    facts = sum(len(ex.extract(a)) for a in articles)  # warm the lexicon and the caches
    least = [float("inf")] * SLICES
    passes = []
    load = os.getloadavg()[0]
    for _ in range(args.repeat):
        total = 0.0
        for k, part in enumerate(slices):
            t = time.process_time()
            for a in part:
                ex.extract(a)
            dt = time.process_time() - t
            least[k] = min(least[k], dt)
            total += dt
        passes.append(total)
    best, whole = sum(least), min(passes)
    rate, rate_whole = len(articles) / best, len(articles) / whole
    load = max(load, os.getloadavg()[0])
    print(f"{len(articles)} articles, {facts} facts: {best:.2f} s CPU undisturbed "
          f"({rate:.0f} articles/s, {chars / best / 1e6:.2f} M chars/s); best whole pass "
          f"{whole:.2f} s ({rate_whole:.0f} articles/s); load average {load:.1f}")
    write_section("Extraction speed", f"""
`python bench/extract_speed.py` — `Extractor.extract` over the {len(articles)} articles of
`../shared/corpus/articles` ({chars / 1e6:.1f} M characters), CPU time of one process,
reading excluded, with the garbage collector set as `kg extract` sets it
(`kg.pipeline.tune_gc`). The corpus is cut into {SLICES} interleaved slices, each extracted
{args.repeat} times; the sum of each slice's fastest run is the CPU time on an undisturbed
core (timeit's rule: slower runs are other processes' interference, not the code's cost).
The best whole pass is given beside it; load average during the run: {load:.1f}.

| articles | facts | CPU s (undisturbed) | articles/s | M chars/s | best whole pass |
| --- | --- | --- | --- | --- | --- |
| {len(articles)} | {facts} | {best:.2f} | **{rate:.0f}** | {chars / best / 1e6:.2f} \
| {whole:.2f} s, {rate_whole:.0f}/s |

Target: ≥ 200 articles/s on one core. Machine: {machine()}.
""")


if __name__ == "__main__":
    main()
