"""Person detection, kg's extractor vs underthesea's NER, on the dev gold, side by side.

    python bench/persons_baseline.py [--gold ../shared/eval/gold-dev.jsonl]

F1 uses the scorer's own normalisation (../shared/eval/score.py); articles per second
is measured on the same articles, one core, in the same run. Writes the section
"Persons: kg vs underthesea" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from pathlib import Path

from docs_section import machine, write_section

from kg.articles import Article, read_path
from kg.extract import Extractor
from kg.lexicon import load_lexicon
from kg.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def load_score(path: Path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def kg_persons(articles: list[Article]) -> tuple[dict[str, set[str]], float]:
    ex = Extractor()
    t = time.process_time()
    out = {a.id: {f.person for f in ex.extract(a) if f.person} for a in articles}
    return out, time.process_time() - t


def underthesea_persons(articles: list[Article]) -> tuple[dict[str, set[str]], float]:
    from underthesea import ner

    no_break = load_lexicon().no_break
    t = time.process_time()
    out = {}
    for a in articles:
        names: set[str] = set()
        for s, e in split_sentences(a.text, no_break):
            current: list[str] = []
            for token, _pos, _chunk, tag in ner(a.text[s:e]):
                if tag == "B-PER":
                    if current:
                        names.add(" ".join(current))
                    current = [token]
                elif tag == "I-PER" and current:
                    current.append(token)
                else:
                    if current:
                        names.add(" ".join(current))
                    current = []
            if current:
                names.add(" ".join(current))
        out[a.id] = names
    return out, time.process_time() - t


def score(score_mod, gold: list[dict], found: dict[str, set[str]]) -> dict:
    rows = [{"article": a, "relation": "mentions", "person": p}
            for a, ps in found.items() for p in ps]
    result, _ = score_mod.score(gold, rows)
    return result["persons"]["strict"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=SHARED / "eval" / "gold-dev.jsonl")
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "articles")
    args = ap.parse_args()
    if not args.gold.exists():
        raise SystemExit(f"{args.gold} is absent: nothing to measure")
    score_mod = load_score(args.gold.parent / "score.py")
    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line]
    articles = [a for g in gold for a in read_path(args.corpus / f"{g['article']}.txt")]
    rows = []
    for name, fn in [("kg", kg_persons), ("underthesea ner 9.x", underthesea_persons)]:
        found, secs = fn(articles)
        m = score(score_mod, gold, found)
        rows.append((name, m, len(articles) / secs))
        print(f"{name:<22} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
              f"{len(articles) / secs:.1f} articles/s")
    table = "\n".join(
        f"| {n} | {m['precision']:.3f} | {m['recall']:.3f} | **{m['f1']:.3f}** | {r:.1f} |"
        for n, m, r in rows)
    write_section("Persons: kg vs underthesea", f"""
`python bench/persons_baseline.py` — person names found in the {len(articles)} articles of
`gold-dev.jsonl`, scored with `score.py`'s normalisation (persons row); articles per second
in CPU time on one core, same articles, same run. underthesea's `ner` tags PER spans per
sentence (its CRF model ships in the package).

| system | precision | recall | F1 | articles/s |
| --- | --- | --- | --- | --- |
{table}

Machine: {machine()}.
""")


if __name__ == "__main__":
    main()
