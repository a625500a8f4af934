"""Relation patterns over a tagged sentence: who holds, held, was elected, appointed or
dismissed to which post, and who chaired.

A handful of generic patterns, each a few lines; the words they react to (triggers,
cues, connectors) come from the lexicon.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lexicon import Lexicon, Token
from .mentions import Item

APPOSITION = {",", "-", "–", "(", ":"}
CHAIN_JOIN = {",", "kiêm", "và", "-", "–", "đồng thời là", "đồng thời"}
COPULA = {"là", "làm", "hiện là", "đang là", "nay là", "giữ chức", "giữ chức vụ"}
AGAINST = {"đối với", "của"}


@dataclass
class Claim:
    """A relation between a person item and a title item (or a bare person for chairs)."""

    relation: str
    person: Item
    title: Item | None
    start: int  # token span of the evidence
    end: int
    confidence: float


def _low(item: Item) -> str:
    return item.text.casefold()


def chains(items: list[Item]) -> list[list[int]]:
    """Indexes of TITLE items grouped into chains joined by commas or "kiêm"."""
    out: list[list[int]] = []
    cur: list[int] = []
    gap: list[Item] = []
    for idx, it in enumerate(items):
        if it.kind == "TITLE":
            joined = cur and all(g.kind in {"PUNCT", "WORD"} and _low(g) in CHAIN_JOIN for g in gap)
            if not joined and cur:
                out.append(cur)
                cur = []
            cur.append(idx)
            gap = []
        elif cur:
            if it.kind == "TRIG" and it.role == "title-prefix":
                continue  # "..., nguyên Bí thư ..." stays in the chain
            gap.append(it)
            if len(gap) > 2 or not (it.kind in {"PUNCT", "WORD"} and _low(it) in CHAIN_JOIN
                                    or " ".join(g.text for g in gap).casefold() in CHAIN_JOIN):
                out.append(cur)
                cur, gap = [], []
    if cur:
        out.append(cur)
    return out


class RelationFinder:
    def __init__(self, lex: Lexicon):
        self.lex = lex

    def find(self, items: list[Item], toks: list[Token]) -> list[Claim]:
        claims: list[Claim] = []
        former = self._former_titles(items)
        for chain in chains(items):
            self._share_place(items, chain)
            owner, rel, conf = self._owner(items, chain)
            if owner is None:
                continue
            for idx in chain:
                r = rel
                if r == "holds" and idx in former:
                    r = "held"
                title = items[idx]
                lo, hi = min(title.i, owner.i), max(title.j, owner.j)
                claims.append(Claim(r, owner, title, lo, hi, conf))
        claims += self._chairs(items)
        return claims

    # --- chains and their owners -------------------------------------------------------

    def _former_titles(self, items: list[Item]) -> set[int]:
        """TITLE items marked former by a prefix ("nguyên", "cố", "từng là"), chain-wide."""
        former: set[int] = set()
        for chain in chains(items):
            on = False
            for idx in chain:
                prev = items[idx - 1] if idx else None
                if prev and prev.kind == "TRIG" and prev.role == "title-prefix":
                    on = True
                if on:
                    former.add(idx)
        return former

    def _share_place(self, items: list[Item], chain: list[int]) -> None:
        """A locality written once for several titles belongs to each:
        "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Nghệ An" -> "Tỉnh ủy Nghệ An"."""
        place = next((items[i] for i in reversed(chain) if items[i].place), None)
        if place is None:
            return
        for idx in chain:
            it = items[idx]
            if it.place or not it.body or not it.body_type or not it.body_type.standalone:
                continue
            if it.body_type.kind == "PartyBody":
                it.body = f"{it.body} {place.place}"
            elif place.place_full != place.place:
                it.body = f"{it.body} {place.place_full}"
            it.place, it.place_full = place.place, place.place_full

    def _person_after(self, items: list[Item], k: int) -> Item | None:
        while k < len(items) and items[k].kind == "CUE":
            k += 1
        if k < len(items) and items[k].kind == "PERSON":
            return items[k]
        return None

    def _person_before(self, items: list[Item], k: int) -> Item | None:
        """The person a chain starting at items[k] stands in apposition to."""
        k -= 1
        if k >= 0 and items[k].kind == "TRIG" and items[k].role == "title-prefix":
            k -= 1
        if k >= 0 and _low(items[k]) in APPOSITION | COPULA:
            k -= 1
            if k >= 0 and items[k].kind == "PERSON":
                return items[k]
        return None

    def _event_trigger(self, items: list[Item], k: int) -> Item | None:
        """An event trigger right before the chain at items[k] ("được bầu làm", "giữ chức")."""
        k -= 1
        while k >= 0 and items[k].kind in {"WORD", "PUNCT"} and _low(items[k]) in {
            "chức", "chức vụ", "làm", "vào", "là", "giữ", ":", "lại"
        }:
            k -= 1
        if k >= 0 and items[k].kind == "TRIG" and items[k].role == "before-title":
            return items[k]
        return None

    def _subject_left(self, items: list[Item], k: int) -> tuple[Item | None, Item | None]:
        """The nearest person before items[k] in the same clause, and a before-person
        trigger ("bổ nhiệm ông X ...") that governs that person."""
        person = None
        for m in range(k - 1, -1, -1):
            it = items[m]
            if it.kind == "PUNCT" and it.text in {";", "."}:
                break
            if it.kind == "TRIG" and it.role == "before-person" and person is not None:
                return person, it
            if it.kind == "TRIG" and it.role in {"before-title", "clause"} and person is None:
                break
            if it.kind == "PERSON" and person is None and self._valid_person(items, m):
                person = it
        return person, None

    def _valid_person(self, items: list[Item], m: int) -> bool:
        it = items[m]
        return bool(it.attrs.get("person"))

    def _owner(self, items: list[Item], chain: list[int]) -> tuple[Item | None, str, float]:
        first, last = chain[0], chain[-1]
        trig = self._event_trigger(items, first)
        if trig is not None:
            person, governing = self._subject_left(items, items.index(trig))
            if person is None:
                # "miễn nhiệm chức vụ ... đối với ông X"
                k = last + 1
                if k < len(items) and _low(items[k]) in AGAINST:
                    person = self._person_after(items, k + 1)
            if person is not None:
                rel = governing.relation if governing is not None else trig.relation
                return person, rel, 0.85
            return None, "", 0.0
        after = self._person_after(items, last + 1)
        if after is not None and after.attrs.get("person"):
            before = self._person_before(items, first)
            if before is not None and len(chain) > 1:
                # "A, <titles of A>, <title of B> B": only the last title is B's
                chain[:] = [last]
            return after, "holds", 0.9
        before = self._person_before(items, first)
        if before is not None and before.attrs.get("person"):
            return before, "holds", 0.9
        return None, "", 0.0

    # --- chairs --------------------------------------------------------------------------

    def _chairs(self, items: list[Item]) -> list[Claim]:
        out = []
        for k, it in enumerate(items):
            if it.kind != "TRIG" or it.relation != "chairs":
                continue
            person = None
            if k + 1 < len(items) and _low(items[k + 1]) == "của":
                person = self._person_after(items, k + 2)
            if person is None:
                person = self._chair_subject(items, k)
            if person is not None and person.attrs.get("person"):
                out.append(Claim("chairs", person, None, min(person.i, it.i),
                                 max(person.j, it.j), 0.85))
        return out

    def _chair_subject(self, items: list[Item], k: int) -> Item | None:
        """The person before "chủ trì", skipping that person's own titles and cues;
        a bare body in between ("Sở X chủ trì, phối hợp") means the body leads, not a person."""
        m = k - 1
        while m >= 0:
            it = items[m]
            if it.kind == "PERSON":
                return it if it.attrs.get("person") else None
            if it.kind in {"TITLE", "CUE"} or (it.kind == "PUNCT" and it.text in {",", "-", "–"}):
                m -= 1
                continue
            if it.kind == "WORD" and _low(it) in {"do", "đã", "cùng", "sẽ", "trực", "tiếp"}:
                m -= 1
                continue
            return None
        return None
