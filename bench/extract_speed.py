"""Extraction speed on one core over the real corpus (reading excluded).

    python bench/extract_speed.py [--corpus ../shared/corpus/articles] [--repeat 3]

Writes the section "Extraction speed" of docs/benchmarks.md. Target: >= 200 articles/s.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from docs_section import machine, write_section

from kg.articles import Article, read_path
from kg.extract import Extractor

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "articles")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"{args.corpus} is absent: nothing to measure")
    articles = [a for a in read_path(args.corpus) if isinstance(a, Article)]
    chars = sum(len(a.text) for a in articles)
    ex = Extractor()
    ex.extract(articles[0])  # warm the lexicon
    runs = []
    for _ in range(args.repeat):
        t = time.process_time()
        facts = sum(len(ex.extract(a)) for a in articles)
        runs.append(time.process_time() - t)
    best = min(runs)
    rate = len(articles) / best
    print(f"{len(articles)} articles, {facts} facts, best of {args.repeat}: {best:.2f} s CPU, "
          f"{rate:.0f} articles/s, {chars / best / 1e6:.2f} M chars/s")
    write_section("Extraction speed", f"""
`python bench/extract_speed.py` — `Extractor.extract` over the {len(articles)} articles of
`../shared/corpus/articles` ({chars / 1e6:.1f} M characters), CPU time of one process,
best of {args.repeat} runs, reading excluded.

| articles | facts | seconds (CPU) | articles/s | M chars/s |
| --- | --- | --- | --- | --- |
| {len(articles)} | {facts} | {best:.2f} | **{rate:.0f}** | {chars / best / 1e6:.2f} |

Target: ≥ 200 articles/s. Machine: {machine()}.
""")


if __name__ == "__main__":
    main()
