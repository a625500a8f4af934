"""Precision, recall and F1 of extracted facts against a gold file, per relation, strict
and lenient: the evaluation described in the project's annotation guidelines.

Gold: one JSON object per article ``{"article", "persons": [...], "facts": [...]}``; a
fact marked ``"implicit": true`` is neither required nor counted wrong. Fields are
compared after NFC, case folding, tone-placement-blind syllable keys, abbreviation
expansion (data/abbreviations.tsv) and, for persons, honorific stripping
(data/person_cues.tsv). Strict: every field equal. Lenient: each field (person aside) may
contain or be contained in the gold field on whole syllables. An empty gold body or giver
accepts anything; in lenient mode an award's giver is optional.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .extract.facts import Fact
from .lexicon import load_lexicon, resource_dir
from .text import nfc, syllable_key

KEYS = {
    "holds": ("person", "post", "body"),
    "held": ("person", "post", "body"),
    "elected": ("person", "post", "body"),
    "appointed": ("person", "post", "body"),
    "dismissed": ("person", "post", "body"),
    "chairs": ("person",),
    "awards": ("award", "recipient", "giver"),
    "adopts": ("body", "resolution"),
}
OPEN_WHEN_EMPTY = {"body", "giver"}
LENIENT_OPTIONAL = {"awards": {"giver"}}
MODES = ("strict", "lenient")


@lru_cache(maxsize=1)
def _tables() -> tuple[list[tuple[re.Pattern[str], str]], re.Pattern[str]]:
    lex = load_lexicon()
    abbrevs = sorted(lex.abbreviations.items(), key=lambda kv: -len(kv[0]))
    subs = []
    for abbr, expansion in abbrevs:
        a = re.escape(abbr.casefold())
        tail = r"\s*" if abbr.endswith(".") else r"\b"
        rep = expansion.casefold() + (" " if abbr.endswith(".") else "")
        subs.append((re.compile(rf"\b{a}{tail}"), rep))
    cues = []
    for line in (resource_dir("data") / "person_cues.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cues.append(re.escape(nfc(line.split("\t")[0]).casefold()))
    honorific = re.compile(rf"^(?:{'|'.join(sorted(cues, key=len, reverse=True))})\s+")
    return subs, honorific


def norm(text: str | None, *, person: bool = False) -> str:
    if not text:
        return ""
    subs, honorific = _tables()
    t = nfc(str(text)).casefold()
    t = re.sub(r"[“”\"'«»()\[\]]", " ", t)
    t = re.sub(r"\s*([/&–-])\s*", lambda m: "-" if m.group(1) == "–" else m.group(1), t)
    for pat, rep in subs:
        t = pat.sub(rep, t)
    t = re.sub(r"[,;:.!?]+(\s|$)", " ", t)
    t = re.sub(r"\s+", " ", t).strip(" -–—")
    if person:
        prev = None
        while prev != t:
            prev, t = t, honorific.sub("", t)
    keyed = " ".join(syllable_key(s) for s in t.split())
    # "Tỉnh ủy tỉnh Hà Nam" names the same committee as "Tỉnh ủy Hà Nam"
    level = r"(tinh3|thanh2|huyên5|quân5|thi5) uy3 (tinh3|thanh2 phô1|huyên5|quân5|thi5 xa4) "
    return re.sub(rf"\b{level}", r"\1 uy3 ", keyed)


def _contains(a: str, b: str) -> bool:
    if not a or not b:
        return a == b
    return f" {b} " in f" {a} " or f" {a} " in f" {b} "


def _fields(rel: str, fact: dict) -> dict[str, str]:
    return {k: norm(fact.get(k), person=(k == "person")) for k in KEYS[rel]}


def _match(rel: str, gold: dict, pred: dict, mode: str) -> bool:
    for k in KEYS[rel]:
        g, p = gold[k], pred[k]
        if not g and k in OPEN_WHEN_EMPTY:
            continue
        if mode == "strict":
            if g != p:
                return False
        elif k in LENIENT_OPTIONAL.get(rel, set()) and (not g or not p):
            continue
        elif k == "person":
            if g != p:
                return False
        elif not _contains(g, p):
            return False
    return True


def _greedy(rel: str, golds: list[dict], preds: list[dict], mode: str) -> tuple[int, set[int]]:
    used: set[int] = set()
    for g in golds:
        for i, p in enumerate(preds):
            if i not in used and _match(rel, g, p, mode):
                used.add(i)
                break
    return len(used), used


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if not self.fn else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(gold_rows: Iterable[dict], facts: Iterable[Fact | dict]
             ) -> dict[str, dict[str, Score]]:
    """Scores per relation (and "persons", "all_relations") and mode."""
    gold = {str(r["article"]).removesuffix(".txt"): r for r in gold_rows}
    preds: dict[str, list[dict]] = defaultdict(list)
    for f in facts:
        row = f.row() if isinstance(f, Fact) else f
        if row.get("article") in gold:
            preds[row["article"]].append(row)
    out: dict[str, dict[str, Score]] = defaultdict(lambda: {m: Score() for m in MODES})
    for art, grow in gold.items():
        gp = {norm(p, person=True) for p in grow.get("persons", [])}
        pp = {norm(r["person"], person=True) for r in preds[art] if r.get("person")} - {""}
        for m in MODES:
            s = out["persons"][m]
            s.tp, s.fp, s.fn = s.tp + len(gp & pp), s.fp + len(pp - gp), s.fn + len(gp - pp)
        for rel in KEYS:
            g_all = [f for f in grow.get("facts", []) if f.get("relation") == rel]
            explicit = [_fields(rel, f) for f in g_all if not f.get("implicit")]
            implicit = [_fields(rel, f) for f in g_all if f.get("implicit")]
            uniq: list[dict] = []
            for p in (_fields(rel, r) for r in preds[art] if r.get("relation") == rel):
                if p not in uniq:
                    uniq.append(p)
            for m in MODES:
                tp, used = _greedy(rel, explicit, uniq, m)
                rest = [p for i, p in enumerate(uniq) if i not in used]
                _, used_implicit = _greedy(rel, implicit, rest, m)
                s = out[rel][m]
                s.tp += tp
                s.fp += len(rest) - len(used_implicit)
                s.fn += len(explicit) - tp
    for m in MODES:
        total = out["all_relations"][m]
        for rel in KEYS:
            total.tp += out[rel][m].tp
            total.fp += out[rel][m].fp
            total.fn += out[rel][m].fn
    return dict(out)


def load_gold(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def report(scores: dict[str, dict[str, Score]]) -> str:
    lines = [f"{'relation':<16}{'mode':<9}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}"]
    for rel in ["persons", *KEYS, "all_relations"]:
        if rel not in scores:
            continue
        for m in MODES:
            s = scores[rel][m]
            lines.append(f"{rel:<16}{m:<9}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
                         f"{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
    return "\n".join(lines)
