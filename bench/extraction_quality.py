"""Extraction quality on the dev gold and silence on the negatives, into docs/extraction.md.

    python bench/extraction_quality.py

Runs `kg eval` on ../shared/eval/gold-dev.jsonl and `kg extract` on
../shared/corpus/negatives, and rewrites the section "Measured quality" of
docs/extraction.md with the tables and the date and commit.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

from docs_section import machine

from kg.evaluate import evaluate, load_gold, report
from kg.pipeline import iter_facts

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DOC = ROOT / "docs" / "extraction.md"
EVENTS = {"holds", "held", "elected", "appointed", "dismissed", "awards", "adopts"}


def main() -> None:
    gold_path = SHARED / "eval" / "gold-dev.jsonl"
    if not gold_path.exists():
        raise SystemExit(f"{gold_path} is absent: nothing to measure")
    gold = load_gold(gold_path)
    articles = SHARED / "corpus" / "articles"
    paths = [articles / f"{g['article']}.txt" for g in gold]
    scores = evaluate(gold, iter_facts(paths))
    negatives = collections.Counter(
        f.relation for f in iter_facts([SHARED / "corpus" / "negatives"]) if f.relation in EVENTS)
    n_neg = sum(1 for _ in (SHARED / "corpus" / "negatives").glob("*.txt"))
    table = report(scores)
    body = f"""## Measured quality

`kg eval ../shared/eval/gold-dev.jsonl ../shared/corpus/articles` ({len(gold)} hand-annotated
articles; the figures agree with `../shared/eval/score.py`, which a test checks):

```
{table}
```

Negatives: on the {n_neg} non-political articles of `../shared/corpus/negatives`, facts of
holds, held, elected, appointed, dismissed, awards or adopts:
{sum(negatives.values())} ({dict(negatives) or "none"}).

Reproduce: `python bench/extraction_quality.py` (rewrites this section). Machine: {machine()}.
"""
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(r"^## Measured quality\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: body + "\n", text) if pattern.search(text) else \
        text.rstrip() + "\n\n" + body
    DOC.write_text(text, encoding="utf-8")
    print(table)
    print("negatives:", dict(negatives))


if __name__ == "__main__":
    main()
