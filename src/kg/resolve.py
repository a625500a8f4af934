"""Entity resolution: one node per person across articles (bodies: see kg.bodies).

* Names are compared by :func:`kg.text.key` (NFC, case, tone placement: "Hoà" = "Hòa");
  labels people see are never rewritten.
* Mentions with the same name key merge into one person unless the evidence conflicts:
  the provinces written in the names of the bodies the articles place them in differ
  (2025 mergers taken into account) and neither side reports a move (an election,
  appointment or dismissal: officials are transferred); curated judgements in
  ``data/person_judgements.tsv`` override the rule.

The resolver's memory is the store itself: the evidence of every person node is read
back from the article graphs at the start of an ingest, so decisions survive restarts
and re-ingesting an article gives the same IRIs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import Lexicon, resource_dir
from .query import run
from .text import key, nfc

# What the store already knows: every person node, its name key, the articles naming
# it and the province evidence each article gave (kg:provinceEvidence, 2025 names).
STATE_QUERY = """
PREFIX kg: <https://w3id.org/vnkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?p ?key ?article (GROUP_CONCAT(DISTINCT ?prov; separator="|") AS ?provinces)
       (SAMPLE(?why) AS ?note) (COUNT(?move) AS ?moves)
WHERE {
  ?p a foaf:Person ; kg:nameKey ?key .
  GRAPH ?g {
    ?p prov:wasDerivedFrom ?a .
    OPTIONAL { ?p kg:resolutionNote ?why }
    ?a a kg:Article ; dcterms:identifier ?article .
    OPTIONAL { ?p kg:provinceEvidence ?prov }
    OPTIONAL { ?ev kg:person ?p . BIND(true AS ?move) }
  }
}
GROUP BY ?p ?key ?article
"""
SUFFIX = re.compile(r"-[0-9a-f]{6}-(\d+)$")

# --- persons ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """One person as one article names them (by name key), with the evidence for
    identity: the provinces of the bodies the article places them in (2025 names)."""

    article: str
    name_key: str
    provinces: frozenset[str] = frozenset()
    moved: bool = False  # the article reports an election, appointment or dismissal


@dataclass
class Person:
    iri_suffix: int  # 0 for the first person of a name, then 2, 3, ...
    name_key: str
    provinces: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # article -> why it is this person
    moved: bool = False


@dataclass(frozen=True)
class Judgement:
    same: bool
    name_key: str
    article_a: str
    article_b: str


def load_judgements(path: Path | None = None) -> list[Judgement]:
    """Curated same-as / not-same-as judgements (``data/person_judgements.tsv``)."""
    path = path or resource_dir("data") / "person_judgements.tsv"
    out = []
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, name, a, b = (c.strip() for c in nfc(line).split("\t")[:4])
        out.append(Judgement(kind == "same", key(name), a, b))
    return out


class PersonResolver:
    """Decides which person node a mention belongs to (see the module docstring)."""

    def __init__(self, judgements: list[Judgement] | None = None):
        self.people: dict[str, list[Person]] = defaultdict(list)
        self.judgements = judgements if judgements is not None else load_judgements()

    def _judged(self, m: Mention, p: Person) -> bool | None:
        for j in self.judgements:
            if j.name_key != m.name_key:
                continue
            if (j.article_a == m.article and j.article_b in p.articles) or (
                    j.article_b == m.article and j.article_a in p.articles):
                return j.same
        return None

    def resolve(self, m: Mention) -> tuple[int, str]:
        """The person (suffix) this mention belongs to, and why."""
        candidates = self.people[m.name_key]
        for p in candidates:
            if m.article in p.articles:  # re-ingest: the decision stands
                self._add(p, m, p.notes.get(m.article, ""))
                return p.iri_suffix, p.notes.get(m.article, "")
        best, why, apart = None, "", []
        for p in sorted(candidates, key=lambda p: -len(p.articles)):
            verdict = self._judged(m, p)
            if verdict is False:
                apart.append((p, "curated not-same-as judgement"))
                continue
            if verdict is True:
                best, why = p, "curated same-as judgement"
                break
            if (m.provinces and p.provinces and not (m.provinces & p.provinces)
                    and not (m.moved or p.moved)):  # officials are transferred
                theirs, ours = ", ".join(sorted(p.provinces)), ", ".join(sorted(m.provinces))
                apart.append((p, f"different provinces: {ours} vs {theirs}"))
                continue
            if best is None:
                shared = m.provinces & p.provinces
                best, why = p, (f"same name, same province {', '.join(sorted(shared))}" if shared
                                else "same name, no conflicting evidence")
        if best is None:
            suffix = 0 if not candidates else max(p.iri_suffix for p in candidates) + 1
            suffix = max(suffix, 2) if candidates else 0
            best = Person(suffix, m.name_key)
            best.reasons += [f"kept apart from #{p.iri_suffix or 1}: {r}" for p, r in apart]
            candidates.append(best)
            why = "new person" + (f" ({'; '.join(best.reasons)})" if best.reasons else "")
        self._add(best, m, why)
        return best.iri_suffix, why

    @staticmethod
    def _add(p: Person, m: Mention, note: str) -> None:
        p.articles.add(m.article)
        p.provinces |= m.provinces
        p.moved |= m.moved
        p.notes[m.article] = note

    def remember(self, m: Mention, suffix: int, note: str = "") -> None:
        """Load a decision already in the store."""
        for p in self.people[m.name_key]:
            if p.iri_suffix == suffix:
                self._add(p, m, note)
                return
        p = Person(suffix, m.name_key)
        self._add(p, m, note)
        self.people[m.name_key].append(p)
        self.people[m.name_key].sort(key=lambda p: p.iri_suffix)


def person_suffix(iri: str) -> int:
    """0 for the first person of a name, n for the n-th kept apart (IRI ends "-n")."""
    m = SUFFIX.search(iri)
    return int(m.group(1)) if m else 0


def load_resolver(store, lex: Lexicon, judgements: list[Judgement] | None = None
                  ) -> PersonResolver:
    """A resolver that knows every decision already in ``store`` (embedded or remote)."""
    resolver = PersonResolver(judgements)
    for row in run(store, STATE_QUERY).records():
        provinces = frozenset(p for p in row["provinces"].split("|") if p)
        moved = int(row["moves"] or 0) > 0
        resolver.remember(Mention(row["article"], row["key"], provinces, moved),
                          person_suffix(row["p"]), row["note"])
    return resolver
