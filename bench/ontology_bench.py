"""Validation and post-linking figures on the real corpus, written into docs/ontology.md.

    python bench/ontology_bench.py [--corpus ../shared/corpus/articles] [--store DIR]

Ingests the corpus into a temporary store (or uses --store), validates it with both
engines, counts the holds facts whose post points to a concept of the post scheme,
and rewrites the block between the bench markers of docs/ontology.md.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from kg import Store, ingest, iter_facts
from kg.validate import validate_store

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ontology.md"
START, END = "<!-- bench:ontology -->", "<!-- /bench:ontology -->"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "articles"))
    ap.add_argument("--store", help="validate this store instead of ingesting the corpus")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    facts = list(iter_facts([args.corpus], jobs=args.jobs))
    holds = [f for f in facts if f.relation == "holds"]
    linked = sum(1 for f in holds if f.post_id)
    tmp = None
    if args.store:
        store_path = Path(args.store)
        ingest_s = None
    else:
        tmp = tempfile.TemporaryDirectory()
        store_path = Path(tmp.name) / "kg-data"
        started = time.perf_counter()
        with Store.open(store_path, write=True) as store:
            report = ingest([args.corpus], store, jobs=args.jobs)
        ingest_s = time.perf_counter() - started
        print(report.summary())
    with Store.open(store_path) as store:
        articles = store.graph_count()
        fast = validate_store(store, "sparql")
        print(fast.summary())
        ref = validate_store(store, "pyshacl")
        print(ref.summary())
    lines = [
        START,
        f"Measured by `bench/ontology_bench.py` on {time.strftime('%Y-%m-%d')}, corpus of "
        f"{articles} articles, 2 cores:",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| holds facts extracted | {len(holds)} |",
        f"| holds facts whose post is a concept of post:scheme (post_id set) | {linked} "
        f"({100 * linked / max(len(holds), 1):.1f} %) |",
        f"| quads in the store | {fast.triples} |",
        *([f"| ingest time | {ingest_s:.0f} s |"] if ingest_s else []),
        f"| `kg validate` (sparql engine): checks, violations, time | {fast.checks}, "
        f"{len(fast.violations)}, {fast.seconds:.1f} s |",
        f"| `kg validate --engine pyshacl`: distinct triples, violations, time | {ref.triples}, "
        f"{len(ref.violations)}, {ref.seconds:.1f} s (plus loading into rdflib) |",
        END,
    ]
    text = DOC.read_text(encoding="utf-8")
    block = "\n".join(lines)
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(block)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
