"""Entity resolution: canonical bodies and one node per person across articles.

* Names are compared by :func:`kg.text.key` (NFC, case, tone placement: "Hoà" = "Hòa");
  labels people see are never rewritten.
* Bodies: abbreviations expanded in keys; a bare local committee ("Thành ủy",
  "UBND tỉnh") gets the article's province when the article is clearly about one.
* Persons: mentions with the same name key merge into one person unless the evidence
  conflicts (their bodies lie in different provinces, the 2025 mergers taken into
  account); curated judgements in ``data/person_judgements.tsv`` override the rule.

The resolver's memory is the store itself: the evidence of every person node is read
back from the article graphs at the start of an ingest, so decisions survive restarts
and re-ingesting an article gives the same IRIs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import Lexicon, Token, resource_dir, tokenize
from .text import key, nfc

# Body types whose bare name ("Thành ủy", "UBND tỉnh") needs a province to be one body.
LOCAL_HEADS = {"tỉnh ủy", "thành ủy", "ủy ban nhân dân", "hội đồng nhân dân",
               "ủy ban mặt trận tổ quốc", "công an", "tòa án nhân dân",
               "viện kiểm sát nhân dân", "đoàn đại biểu quốc hội"}
PROVINCE_WORDS = {"tỉnh", "thành phố"}


# --- localities --------------------------------------------------------------------------------

def provinces_in(text: str, lex: Lexicon, toks: list[Token] | None = None) -> list[str]:
    """Province names written in ``text`` (their current names, after the 2025 mergers
    are linked separately)."""
    toks = toks if toks is not None else tokenize(text)
    found = []
    i = 0
    while i < len(toks):
        m = lex.localities.match(toks, i) if toks[i].cap else None
        if m and m[1].type != "quốc gia":
            found.append(m[1].name)
            i += m[0]
        else:
            i += 1
    return found


def successor(province: str, lex: Lexicon) -> str:
    """The province's name after 1 July 2025 (itself when it was not merged)."""
    p = lex.provinces.get(province)
    return p.successor if p and p.successor else province


def article_locality(text: str, lex: Lexicon) -> str | None:
    """The province an article is about: the most mentioned one, when it is mentioned
    at least twice and at least twice as often as any other."""
    counts = Counter(provinces_in(text, lex)).most_common(2)
    if not counts or counts[0][1] < 2:
        return None
    if len(counts) > 1 and counts[0][1] < 2 * counts[1][1]:
        return None
    return counts[0][0]


def complete_body(label: str, locality: str | None, lex: Lexicon) -> str:
    """ "Thành ủy" in an article about Hà Nội -> "Thành ủy Hà Nội"; "UBND tỉnh" ->
    "UBND tỉnh Nghệ An". Anything else (or no clear locality) is left as written."""
    if not locality or provinces_in(label, lex):
        return label
    toks = tokenize(label)
    m = lex.body_types.match(toks, 0)
    if not m or m[0] > len(toks) or key(m[1].label_vi) not in {key(h) for h in LOCAL_HEADS}:
        return label
    rest = toks[m[0]:]
    if not rest:
        if m[1].kind == "PartyBody":
            return f"{label} {locality}"
        ptype = lex.provinces[locality].type if locality in lex.provinces else "tỉnh"
        return f"{label} {ptype} {locality}"
    if len(rest) <= 2 and " ".join(t.text.casefold() for t in rest) in PROVINCE_WORDS:
        return f"{label} {locality}"
    return label


# --- persons ---------------------------------------------------------------------------------


@dataclass
class Mention:
    """One person as one article names them, with the evidence for identity."""

    article: str
    name: str
    provinces: frozenset[str] = frozenset()  # after-2025 names

    @property
    def name_key(self) -> str:
        return key(self.name)


@dataclass
class Person:
    iri_suffix: int  # 0 for the first person of a name, then 2, 3, ...
    name_key: str
    provinces: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)


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
            if m.article in p.articles:
                self._add(p, m)
                return p.iri_suffix, "same article"
        best, why, apart = None, "", []
        for p in sorted(candidates, key=lambda p: -len(p.articles)):
            verdict = self._judged(m, p)
            if verdict is False:
                apart.append((p, "curated not-same-as judgement"))
                continue
            if verdict is True:
                best, why = p, "curated same-as judgement"
                break
            if m.provinces and p.provinces and not (m.provinces & p.provinces):
                apart.append((p, "different provinces: "
                              f"{', '.join(sorted(m.provinces))} vs {', '.join(sorted(p.provinces))}"))
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
        self._add(best, m)
        return best.iri_suffix, why

    @staticmethod
    def _add(p: Person, m: Mention) -> None:
        p.articles.add(m.article)
        p.provinces |= m.provinces

    def remember(self, m: Mention, suffix: int) -> None:
        """Load a decision already in the store."""
        for p in self.people[m.name_key]:
            if p.iri_suffix == suffix:
                self._add(p, m)
                return
        p = Person(suffix, m.name_key)
        self._add(p, m)
        self.people[m.name_key].append(p)
        self.people[m.name_key].sort(key=lambda p: p.iri_suffix)
