"""Entity resolution on the real corpus: counts before and after, and review samples.

    python bench/resolution_report.py --store /tmp/kg-corpus [--ingest ../shared/corpus/articles]
        [--samples review.jsonl] [--seed 1]

Counts: distinct person names as written vs person nodes; distinct body labels as
written vs body nodes. Samples: 50 random merges (a person node named in two or more
articles: a pair of its mentions with their evidence) and 50 random same-name
non-merges (two person nodes sharing a name key), for a human to judge; the judged
precision is written by hand into docs/resolution.md.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from kg import Store, ingest, run

PREFIX = """PREFIX kg: <https://w3id.org/vnkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
COUNTS = PREFIX + """
SELECT
  (COUNT(DISTINCT ?written) AS ?names_as_written)
  (COUNT(DISTINCT ?p) AS ?person_nodes)
  (COUNT(DISTINCT ?nk) AS ?name_keys)
WHERE { ?p a foaf:Person ; foaf:name ?written ; kg:nameKey ?nk }
"""
BODIES = PREFIX + """
SELECT (COUNT(DISTINCT ?w) AS ?bodies_as_written) (COUNT(DISTINCT ?b) AS ?body_nodes)
WHERE { { ?att kg:bodyAsWritten ?w } UNION { ?b a org:Organization } }
"""
MENTIONS = PREFIX + """
SELECT ?p ?name ?key ?article ?evidence WHERE {
  GRAPH ?g { ?p a foaf:Person ; foaf:name ?name ; kg:nameKey ?key .
             ?att kg:asserts ?x ; kg:evidence ?evidence ; prov:wasDerivedFrom ?a .
             { ?x org:member ?p } UNION { FILTER(?x = ?p) }
             ?a dcterms:identifier ?article }
}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--ingest", type=Path, help="ingest this corpus first")
    ap.add_argument("--samples", type=Path, default=Path("resolution-review.jsonl"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.ingest:
        with Store.open(args.store, write=True) as s:
            print(ingest([args.ingest], s, jobs=2).summary())
    with Store.open(args.store) as s:
        counts = run(s, COUNTS).records()[0] | run(s, BODIES).records()[0]
        rows = run(s, MENTIONS).records()
    print(json.dumps(counts, ensure_ascii=False))
    by_person: dict[str, dict[str, str]] = {}
    by_key: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for r in rows:
        by_person.setdefault(r["p"], {}).setdefault(r["article"], r["evidence"])
        by_key.setdefault(r["key"], set()).add(r["p"])
        names[r["p"]] = r["name"]
    rng = random.Random(args.seed)
    merged = [p for p, arts in by_person.items() if len(arts) > 1]
    apart = [sorted(ps) for ps in by_key.values() if len(ps) > 1]
    samples = []
    for p in rng.sample(merged, min(50, len(merged))):
        a, b = rng.sample(sorted(by_person[p]), 2)
        samples.append({"kind": "merge", "name": names[p], "node": p,
                        "a": a, "evidence_a": by_person[p][a],
                        "b": b, "evidence_b": by_person[p][b]})
    pairs = [(x, y) for ps in apart for i, x in enumerate(ps) for y in ps[i + 1:]]
    for x, y in rng.sample(pairs, min(50, len(pairs))):
        a, b = sorted(by_person[x])[0], sorted(by_person[y])[0]
        samples.append({"kind": "kept-apart", "name": names[x], "node": x, "other": y,
                        "a": a, "evidence_a": by_person[x][a],
                        "b": b, "evidence_b": by_person[y][b]})
    with args.samples.open("w", encoding="utf-8") as fh:
        for s in samples:
            fh.write(json.dumps(s, ensure_ascii=False) + "\n")
    print(f"{len(merged)} person nodes merge mentions from 2+ articles; "
          f"{len(pairs)} same-name pairs kept apart; samples in {args.samples}")


if __name__ == "__main__":
    main()
