"""Relation patterns over a tagged sentence: who holds, held, was elected, appointed or
dismissed to which post, and who chaired.

A handful of generic patterns, each a few lines; the words they react to (triggers,
cues, connectors) come from the lexicon (``data/triggers.tsv``, ``data/connectors.tsv``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import Lexicon, Token, tokenize
from .mentions import Item

MEMBERSHIP = {"elected", "appointed", "dismissed"}
DATE_PUNCT = {"/", "-", "–", ".", ","}
# words between an adverb-like position and a subject ("ông X đã được ...")
MAX_PRONOUN_GAP = 8
_PLAIN = frozenset({"WORD", "PUNCT"})
CHAIR_SKIP = {"do", "đã", "cùng", "sẽ", "trực", "tiếp", "vừa"}


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


class RelationFinder:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.con = lex.connectors
        self._memo: dict[tuple[str, str], bool] = {}
        self._countries: dict[str, bool] = {}
        self._member_post = next((p for p in lex.post_by_iri.values() if p.membership), None)

    def _is(self, role: str, text: str) -> bool:
        """Whether ``text`` is a connector of ``role`` (memoised: the same few words recur)."""
        hit = self._memo.get((role, text))
        if hit is None:
            hit = self._memo[(role, text)] = " ".join(_keys(text)) in self.con.get(role, ())
        return hit

    # --- chains --------------------------------------------------------------------------

    def chains(self, items: list[Item], tagged: Sequence[int] | None = None) -> list[list[int]]:
        """Indexes of TITLE items grouped into chains joined by commas, "kiêm", "rồi".
        ``tagged``: the indexes of the items other than words and punctuation."""
        titles = [k for k in (range(len(items)) if tagged is None else tagged)
                  if items[k].kind == "TITLE"]
        out: list[list[int]] = []
        cur: list[int] = []
        gap: list[Item] = []
        idx, last = -1, len(items) - 1
        while idx < last:
            idx += 1
            it = items[idx]
            if not cur and it.kind != "TITLE":  # outside a chain: on to the next title
                t = bisect_right(titles, idx)
                if t == len(titles):
                    break
                idx = titles[t] - 1
                continue
            if cur and not gap and it.kind in {"PUNCT", "WORD"}:
                end = self._term_end(items, idx)
                if end is not None:  # "(8/2011)", "nhiệm kỳ 2010-2015" after a title
                    if it.text == "(":
                        items[cur[-1]].attrs["dated"] = True
                    idx = end - 1
                    continue
            if it.kind == "TITLE":
                joined = cur and self._chain_gap(gap)
                if not joined and cur:
                    out.append(cur)
                    cur = []
                cur.append(idx)
                gap = []
            elif cur:
                if it.kind == "TRIG" and it.role in {"title-prefix", "title-block"}:
                    continue  # "..., nguyên Bí thư ..." stays in the chain
                gap.append(it)
                if len(gap) > 3 or not (it.kind in {"PUNCT", "WORD"} and self._gap_ok(gap)):
                    out.append(cur)
                    cur, gap = [], []
        if cur:
            out.append(cur)
        return out

    def _term_end(self, items: list[Item], k: int) -> int | None:
        """End of a date or term written after a title: "(8/2011)", "(2011 - 2015)",
        "nhiệm kỳ 2010-2015", "giai đoạn 2006-2011"; None when items[k] opens none."""
        n = len(items)
        if items[k].text == "(":
            m, digits = k + 1, False
            while m < n and m - k < 12 and (
                items[m].kind == "PUNCT" and items[m].text in DATE_PUNCT
                or items[m].kind == "WORD" and (items[m].text.isdigit()
                                                 or self._is("date-word", items[m].text))
            ):
                digits = digits or items[m].text.isdigit()
                m += 1
            return m + 1 if digits and m < n and items[m].text == ")" else None
        m = None
        for size in (2, 1):
            if k + size <= n and all(items[x].kind == "WORD" for x in range(k, k + size)) \
                    and self._is("term", " ".join(items[x].text for x in range(k, k + size))):
                m = k + size
                break
        if m is None:
            return None
        start = m
        while m < n and (items[m].kind == "WORD" and items[m].text.isdigit()
                         or items[m].kind == "PUNCT" and items[m].text in {"-", "–"}):
            m += 1
        return m if m > start else None

    def _chain_gap(self, gap: list[Item]) -> bool:
        """Whether the words between two titles join them (", ", "kiêm", ", đồng thời là")."""
        return all(self._is("chain", g.text) for g in gap) or self._is(
            "chain", " ".join(g.text for g in gap))

    def _gap_ok(self, gap: list[Item]) -> bool:
        """Whether the words after a title may still lead to the next title of a chain."""
        if all(self._is("chain", g.text) for g in gap):
            return True
        keys = " ".join(_keys(" ".join(g.text for g in gap)))
        return any(c == keys or c.startswith(keys + " ") for c in self.con.get("chain", ()))

    def find(self, items: list[Item], toks: list[Token], focus: str | None = None,
             kinds: frozenset[str] | None = None,
             tagged: Sequence[int] | None = None) -> list[Claim]:
        """Claims of one sentence. ``focus`` is the person the article last named, for a
        clause whose subject is a bare pronoun ("ông được bầu làm ..."). ``kinds``: the
        kinds of item the sentence holds, and ``tagged``: the indexes of its items other
        than words and punctuation, when the caller knows them (passes over the items
        that cannot find anything are skipped)."""
        if kinds is None:
            kinds = frozenset(it.kind for it in items)
        if tagged is None:
            tagged = range(len(items))
        claims: list[Claim] = []
        has_trig = "TRIG" in kinds
        if has_trig and "BODY" in kinds and self._membership_bodies(items, tagged):
            kinds = kinds | {"TITLE"}
        chains = self.chains(items, tagged) if "TITLE" in kinds else []
        former = self._marked(items, chains, "title-prefix")
        blocked = self._blocked(items, tagged) if has_trig else set()
        for chain in chains:
            self._share_place(items, chain)
            self._share_member_body(items, chain)
            owner, rel, conf = self._owner(items, toks, chain, focus)
            if owner is None:
                trig = self._event_trigger(items, chain[0])
                if trig is not None and trig.relation in {"appointed", "elected"}:
                    claims += self._predecessor_claims(items, chain, chain)
                continue
            kept = [idx for idx in chain if idx not in blocked and self._stated(items[idx])]
            past = self._past_range(items, min(chain[0], _pos(items, owner)))
            for idx in kept:
                r = rel
                if r == "holds" and (idx in former or owner.attrs.get("historic") or past):
                    r = "held"
                title = items[idx]
                lo, hi = min(title.i, owner.i), max(title.j, owner.j)
                claims.append(Claim(r, owner, title, lo, hi, conf))
            if rel in {"holds", "appointed", "elected"}:
                claims += self._predecessor_claims(items, chain, kept)
        if has_trig:
            claims += self._chairs(items, tagged)
        return claims

    def _predecessor_claims(self, items: list[Item], chain: list[int],
                            kept: list[int]) -> list[Claim]:
        pred = self._predecessor(items, chain[-1]) if kept else None
        if pred is None:
            return []
        who, r = pred
        return [Claim(r, who, items[idx], min(items[idx].i, who.i), max(items[idx].j, who.j),
                      0.8) for idx in kept if self._stated(items[idx])]

    @staticmethod
    def _share_member_body(items: list[Item], chain: list[int]) -> None:
        """ "Phó Chủ tịch, Ủy viên UBND thành phố": a title written without its body before
        a membership of a body is a post in that body."""
        for a, b in zip(chain, chain[1:], strict=False):
            first, member = items[a], items[b]
            if not first.body and first.post is not None and not first.post.no_body \
                    and not first.post.membership and member.post is not None \
                    and member.post.membership and member.body:
                first.body = member.body

    def _membership_bodies(self, items: list[Item], tagged: Sequence[int]) -> bool:
        """ "được bầu vào Ban Chấp hành Trung ương": election into a body is membership,
        post "Ủy viên" of that body (the BODY item becomes a TITLE). Whether any did."""
        member = self._member_post
        if member is None:
            return False
        made = False
        for idx in tagged:
            if idx < 1:
                continue
            it, prev = items[idx], items[idx - 1]
            if it.kind == "BODY" and prev.kind == "TRIG" and prev.role == "before-title" \
                    and prev.relation in MEMBERSHIP and self._is("into", prev.text.split()[-1]):
                it.kind, it.post, it.post_text = "TITLE", member, member.label_vi
                it.body = it.text
                made = True
        return made

    def _predecessor(self, items: list[Item], last: int) -> tuple[Item, str] | None:
        """ "... làm Giám đốc Sở Y thay ông Z (nghỉ hưu)": Z held the post, or retired
        from it (dismissed)."""
        k = last + 1
        for size in (2, 1):
            end = k + size
            if end > len(items) or any(items[m].kind not in {"WORD", "PUNCT"}
                                       for m in range(k, end)):
                continue
            if not self._is("succession", " ".join(items[m].text for m in range(k, end))):
                continue
            who = self._person_after(items, end)
            if who is None or not who.attrs.get("person"):
                return None
            m = _pos(items, who) + 1
            if m < len(items) and items[m].text == "(":
                m += 1
            for n in (3, 2, 1):
                if m + n <= len(items) and all(items[x].kind in {"WORD", "TRIG"}
                                               for x in range(m, m + n)) \
                        and self._is("retired", " ".join(items[x].text for x in range(m, m + n))):
                    return who, "dismissed"
            return who, "held"
        return None

    def _marked(self, items: list[Item], chains: list[list[int]], role: str) -> set[int]:
        """TITLE items marked former by a prefix ("nguyên", "cố", "từng là"), chain-wide
        from the prefix on; and every title of a dated career list ("Bí thư Tỉnh ủy X
        (8/2011); Phó ban ... (4/2015)")."""
        former: set[int] = set()
        for chain in chains:
            on = False
            for idx in chain:
                if self._prefix_before(items, idx, role) is not None:
                    on = True
                if on:
                    former.add(idx)
            if sum(1 for idx in chain if items[idx].attrs.get("dated")) >= 2:
                former.update(chain)
        return former

    @staticmethod
    def _prefix_before(items: list[Item], idx: int, role: str) -> int | None:
        """Index of a trigger of ``role`` right before items[idx], a colon allowed between
        ("từng giữ các chức vụ: ...")."""
        k = idx - 1
        if k >= 0 and items[k].kind == "PUNCT" and items[k].text == ":":
            k -= 1
        if k >= 0 and items[k].kind == "TRIG" and items[k].role == role:
            return k
        return None

    @staticmethod
    def _stated(title: Item) -> bool:
        """Whether a title names an office a fact can state: not a workplace rank
        ("Trưởng khoa"), and not a lower-case common noun without a body ("giám đốc")."""
        post = title.post
        if post is None or post.minor or title.attrs.get("unread_body"):
            return False
        return bool(title.body) or post.no_body or title.post_text[:1].isupper()

    @staticmethod
    def _blocked(items: list[Item], tagged: Sequence[int]) -> set[int]:
        """The title right after "thừa ủy quyền", "thay mặt": not the speaker's post."""
        return {
            idx for idx in tagged
            if idx >= 1 and items[idx].kind == "TITLE" and items[idx - 1].kind == "TRIG"
            and items[idx - 1].role == "title-block"
        }

    def _share_place(self, items: list[Item], chain: list[int]) -> None:
        """A locality written once at the end of several titles belongs to each one before
        it: "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Nghệ An" -> "Tỉnh ủy Nghệ An"."""
        place: Item | None = None
        for idx in reversed(chain):
            it = items[idx]
            if it.place:
                place = None if self._country(it.place) else it
                continue  # a country ("Mặt trận Tổ quốc Việt Nam") is no committee's place
            if place is None or not it.body or not it.body_type or not it.body_type.standalone:
                continue
            if len(it.body.split()) > len(it.body_type.label_vi.split()):
                continue  # "Huyện ủy Tam Đường" already names its district
            if it.body_type.kind == "PartyBody":
                it.body = f"{it.body} {place.place}"
            elif place.place_full != place.place:
                it.body = f"{it.body} {place.place_full}"
            it.place, it.place_full = place.place, place.place_full

    def _country(self, place: str) -> bool:
        hit = self._countries.get(place)
        if hit is None:
            m = self.lex.localities.match(tokenize(place), 0)
            hit = self._countries[place] = bool(m and m[1].type == "quốc gia")
        return hit

    # --- owners ---------------------------------------------------------------------------

    def _connector_before(self, items: list[Item], k: int, role: str) -> int | None:
        """If items ending at index k spell a connector of ``role``, the index of the item
        before it (longest connector first)."""
        run = 0  # words and punctuation ending at k, up to three
        while run < 3 and k - run >= 0 and items[k - run].kind in _PLAIN:
            run += 1
        for size in range(run, 0, -1):
            lo = k - size + 1
            text = items[k].text if size == 1 else " ".join(items[m].text for m in range(lo, k + 1))
            if self._is(role, text):
                return lo - 1
        return None

    def _person_before(self, items: list[Item], first: int,
                       focus: str | None = None) -> tuple[Item | None, str]:
        """The person a chain starting at items[first] is written after, and how:
        "apposition" ("X, Chủ tịch ..."), "copula" ("X là/làm Chủ tịch ...") or
        "prefix" ("X từng làm Chủ tịch ..."). A bare "ông" stands for ``focus``."""
        k = first - 1
        if k >= 0 and items[k].kind == "PUNCT" and items[k].text == ":" and k >= 1 \
                and items[k - 1].kind == "TRIG" and items[k - 1].role == "title-prefix":
            k -= 1
        if k >= 0 and items[k].kind == "TRIG" and items[k].role in {"title-prefix", "title-block"}:
            if k >= 1 and items[k - 1].kind == "PERSON" and items[k - 1].attrs.get("person"):
                return items[k - 1], "prefix"
            if k >= 1 and (p := self._pronoun_at(items, k - 1, focus)) is not None:
                return p, "prefix"
            k -= 1
        for role in ("copula", "apposition"):
            m = self._connector_before(items, k, role) if k >= 0 else None
            if m is not None and m >= 0 and items[m].kind == "PERSON" \
                    and items[m].attrs.get("person"):
                return items[m], role
            if role == "copula" and m is not None and m >= 0 and items[m + 1].text != "làm" \
                    and not self._lists_terms(items, first) \
                    and (p := self._pronoun_at(items, m, focus)) is not None:
                return p, role
        return None, ""

    def _governing(self, items: list[Item], m: int) -> Item | None:
        """A trigger governing the person at items[m] from the left ("bổ nhiệm ông X",
        "bầu bổ sung ông X"), or a past-clause opener ("Thời ông X ...")."""
        k = m - 1
        while k >= 0 and (items[k].kind == "CUE"
                          or items[k].kind == "WORD" and _low(items[k]) in CHAIR_SKIP):
            k -= 1
        if k >= 0 and items[k].kind == "TRIG" and (
            items[k].role == "before-person" and items[k].relation in MEMBERSHIP
            or items[k].role == "past-clause"
        ):
            return items[k]
        return None

    def _event_trigger(self, items: list[Item], k: int) -> Item | None:
        """An event trigger right before the chain at items[k] ("được bầu làm", "phân
        công giữ chức vụ", "miễn nhiệm chức danh")."""
        k -= 1
        gap = False
        while k >= 0 and items[k].kind in {"WORD", "PUNCT"}:
            m = self._connector_before(items, k, "trigger-gap")
            if m is None:
                break
            k, gap = m, True
        if k >= 0 and items[k].kind == "TRIG" and (
            items[k].role == "before-title"
            or gap and items[k].role == "before-person" and items[k].relation in MEMBERSHIP
        ):
            return items[k]
        return None

    def _hedged(self, items: list[Item], toks: list[Token], k: int) -> bool:
        """Whether the clause before items[k] makes the event a proposal ("giới thiệu bầu")."""
        lo = 0
        for m in range(k - 1, -1, -1):
            if items[m].kind == "PUNCT" and items[m].text in {";", ".", ","}:
                lo = items[m].j
                break
        return self.lex.hedged(toks, lo, items[k].i)

    def _subject_left(self, items: list[Item], k: int) -> tuple[Item | None, Item | None]:
        """The nearest person before items[k] in the same clause, and a before-person
        trigger ("bổ nhiệm ông X ...") that governs that person."""
        person = None
        for m in range(k - 1, -1, -1):
            it = items[m]
            if it.kind == "PUNCT" and it.text in {";", "."}:
                break
            if it.kind == "TRIG" and it.role == "before-person" and person is not None:
                adjacent = all(items[x].kind == "CUE" for x in range(m + 1, _pos(items, person)))
                return person, it if adjacent else None
            if it.kind == "TRIG" and it.role in {"before-title", "clause"} and person is None:
                break
            if it.kind == "PERSON" and person is None and it.attrs.get("person"):
                person = it
        return person, None

    def _pronoun_subject(self, items: list[Item], k: int, focus: str | None) -> Item | None:
        """ "Tháng 5/2009, ông được chỉ định làm ...", "ông được Bộ Chính trị phân công ...
        và được cử làm ...": a bare honorific opening the clause of the trigger at items[k]
        stands for the person last named."""
        m = k - 1
        while m >= 0 and k - m <= MAX_PRONOUN_GAP and items[m].kind not in {"PERSON", "TITLE"} \
                and not (items[m].kind == "PUNCT" and items[m].text in {",", ";", ".", ":"}):
            if (p := self._pronoun_at(items, m, focus)) is not None:
                return p
            m -= 1
        if m >= 0 and items[m].kind == "PERSON" and not items[m].attrs.get("person"):
            return self._pronoun_at(items, m, focus)  # "Ông được bổ nhiệm ..."
        return None

    def _honorific(self, item: Item) -> bool:
        """A bare "ông", "bà" (a CUE, or a WORD when no name follows it)."""
        if item.kind == "CUE":
            return item.relation == "honorific"
        if item.kind != "WORD":
            return False
        from ..lexicon import tokenize

        m = self.lex.cues.match(tokenize(item.text), 0)
        return bool(m and m[1] == "honorific")

    def _owner(self, items: list[Item], toks: list[Token], chain: list[int],
               focus: str | None) -> tuple[Item | None, str, float]:
        first, last = chain[0], chain[-1]
        trig = self._event_trigger(items, first)
        if trig is not None:
            k = _pos(items, trig)
            person, governing = self._subject_left(items, k)
            if person is None:
                # "miễn nhiệm chức vụ ... (nhiệm kỳ 2010-2015) đối với ông X"
                m = last + 1
                if m < len(items) and (term := self._term_end(items, m)) is not None:
                    m = term
                for size in (1, 2):
                    if m + size <= len(items) and self._is(
                        "against", " ".join(it.text for it in items[m:m + size])
                    ):
                        person = self._person_after(items, m + size)
                        break
            if person is None:
                person = self._pronoun_subject(items, k, focus)
            if person is not None and not self._hedged(items, toks, k):
                rel = governing.relation if governing is not None else trig.relation
                return person, rel, 0.85
            return None, "", 0.0
        after = self._person_after(items, last + 1)
        if after is not None and after.attrs.get("person"):
            before, _ = self._person_before(items, first)
            if before is not None and len(chain) > 1:
                # "A, <titles of A>, <title of B> B": only the last title is B's
                chain[:] = [last]
            rel = "holds"
            gov = self._governing(items, first)
            if gov is not None and gov.role == "before-person" \
                    and not self._copula_after(items, after):
                g = _pos(items, gov)
                if self._hedged(items, toks, g):
                    return None, "", 0.0
                rel = gov.relation  # "Quốc hội miễn nhiệm Chủ tịch X"
                self._body_from_subject(items, g, chain)
            return after, rel, 0.9
        before, link = self._person_before(items, first, focus)
        if before is not None and before.attrs.get("person"):
            rel = "holds"
            if link in {"copula", "prefix"}:
                gov = self._governing(items, _pos(items, before))
                if gov is not None and self._hedged(items, toks, _pos(items, gov)):
                    return None, "", 0.0
                if gov is not None:
                    rel = gov.relation  # "bổ nhiệm ông X làm ...", "Thời ông X làm ..."
                elif link == "copula" and (self._succession_after(items, last)
                                           or self._framed(items, first)):
                    rel = "appointed"  # "ông X làm Giám đốc Sở Y thay ông Z"
            return before, rel, 0.9
        if self._prefix_before(items, first, "title-prefix") is not None \
                and last + 1 < len(items) and items[last + 1].text == ",":
            # "Khi còn là Phó Bí thư Tỉnh ủy, ông X ...": the subject after the clause
            after = self._person_after(items, last + 2)
            if after is None:
                after = self._pronoun_at(items, last + 2, focus)
            if after is not None and after.attrs.get("person"):
                return after, "holds", 0.85
        return None, "", 0.0

    def _past_range(self, items: list[Item], k: int) -> bool:
        """Whether a closed past period opens the clause before items[k]: "Từ tháng 1/2000
        đến tháng 6/2006, ông là ..." (not "từ năm 2016 đến nay")."""
        opened = False
        for m in range(k):
            it = items[m]
            if it.kind != "WORD" and not (m == 0 and it.kind == "PERSON"):
                continue  # a capitalised "Từ" opening the sentence is tagged as a name
            if not opened and self._is("range-from", it.text) and (
                    m == 0 or items[m - 1].kind == "PUNCT"):
                opened = True
            elif opened and self._is("range-to", it.text):
                nxt = items[m + 1] if m + 1 < k else None
                return nxt is not None and not self._is("now", nxt.text) and not (
                    m + 2 < k and self._is("now", f"{nxt.text} {items[m + 2].text}"))
        return False

    def _lists_terms(self, items: list[Item], k: int) -> bool:
        """ "Ông là Ủy viên Trung ương các khóa X, XI": a career summary by terms, not a
        statement of the posts held now."""
        return any(it.kind in {"WORD", "PERSON"} and self._is("body-term", it.text)
                   for it in items[k:])

    def _framed(self, items: list[Item], k: int) -> bool:
        """Whether a decision frames the sentence before items[k] ("Theo phân công của Bộ
        Chính trị, ông A làm ..., ông B làm ...")."""
        return any(it.kind == "TRIG" and it.role == "frame" for it in items[:k])

    def _pronoun_at(self, items: list[Item], k: int, focus: str | None) -> Item | None:
        """A bare "ông"/"bà" at items[k] standing for the person last named."""
        if k >= len(items):
            return None
        it = items[k]
        if self._honorific(it) or (it.kind == "PERSON" and not it.attrs.get("person")
                                   and self._honorific(Item("WORD", it.i, it.j, it.text))):
            nxt = items[k + 1] if k + 1 < len(items) else None
            named = next((p.attrs["person"] for p in reversed(items[:k])
                          if p.kind == "PERSON" and p.attrs.get("person")), None) or focus
            if named and (nxt is None or nxt.kind != "PERSON"):
                return Item("PERSON", it.i, it.j, text=it.text, attrs={"person": named})
        return None

    @staticmethod
    def _body_from_subject(items: list[Item], g: int, chain: list[int]) -> None:
        """ "Quốc hội miễn nhiệm Chủ tịch X": a title without a body belongs to the body
        that takes the decision."""
        subject = items[g - 1] if g else None
        if subject is None or subject.kind != "BODY":
            return
        for idx in chain:
            t = items[idx]
            if not t.body and t.post is not None and not t.post.no_body:
                t.body = subject.text

    def _person_after(self, items: list[Item], k: int) -> Item | None:
        while k < len(items) and items[k].kind == "CUE":
            k += 1
        if k < len(items) and items[k].kind == "PERSON":
            return items[k]
        return None

    def _copula_after(self, items: list[Item], person: Item) -> bool:
        """Whether the person is followed by "làm/giữ chức <title>" (a new post)."""
        k = _pos(items, person) + 1
        for size in (1, 2, 3):
            end = k + size
            if end < len(items) and items[end].kind == "TITLE" and all(
                items[m].kind == "WORD" for m in range(k, end)
            ) and self._is("copula", " ".join(items[m].text for m in range(k, end))):
                return True
        return False

    def _succession_after(self, items: list[Item], last: int) -> bool:
        k = last + 1
        for size in (1, 2):
            end = k + size
            if end <= len(items) and all(items[m].kind == "WORD" for m in range(k, end)) \
                    and self._is("succession", " ".join(items[m].text for m in range(k, end))) \
                    and self._person_after(items, end) is not None:
                return True
        return False

    # --- chairs --------------------------------------------------------------------------

    def _chairs(self, items: list[Item], tagged: Sequence[int]) -> list[Claim]:
        out = []
        for k in tagged:
            it = items[k]
            if it.kind != "TRIG" or it.relation != "chairs":
                continue
            person = None
            if k + 1 < len(items) and _low(items[k + 1]) == "của":
                m = k + 2  # "dưới sự chủ trì của Tổng Bí thư X"
                while m < len(items) and items[m].kind == "TITLE":
                    m += 1
                person = self._person_after(items, m)
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
            if it.kind == "WORD" and _low(it) in CHAIR_SKIP:
                m -= 1
                continue
            return None
        return None


@lru_cache(maxsize=1 << 14)
def _keys(text: str) -> tuple[str, ...]:
    from ..lexicon import token_keys

    return token_keys(text)


def _pos(items: list[Item], item: Item) -> int:
    """Index of the item that starts at item's first token (a pronoun stand-in included)."""
    return next(k for k, it in enumerate(items) if it.i == item.i)
