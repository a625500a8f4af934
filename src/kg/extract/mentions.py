"""Mention tagging: one pass over a sentence's tokens that marks titles (post + body),
persons, honorific cues, trigger words and bare bodies, all found through the lexicon.

The tagger knows no Vietnamese word itself: every phrase comes from the lexicon's data.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from ..lexicon import BodyType, Lexicon, Post, Token
from ..text import syllable_key

MAX_BODY_TOKENS = 24
MAX_NAME_TOKENS = 6
MAX_RUN_TOKENS = 9  # a name run may open with an organisation's name
JOINERS = {"-", "–", "&"}
ITEM_KINDS = ("TITLE", "PERSON", "CUE", "TRIG", "BODY", "PLACE", "PROPER", "WORD", "PUNCT")


class Item:
    """A tagged stretch of tokens [i, j): a title, person, cue, trigger, body or place.

    Defaults live on the class, so an item stores only what it sets. Words and
    punctuation are :class:`Plain` tuples, read through the same attributes.
    """

    __slots__ = ("kind", "i", "j", "text", "__dict__")
    kind: str  # TITLE, PERSON, CUE, TRIG, BODY, PLACE, PROPER
    i: int
    j: int
    text: str
    post: Post | None = None
    post_text: str = ""
    body: str = ""
    body_type: BodyType | None = None
    place: str = ""  # the locality a body names ("Nghệ An"), for chains that share it
    place_full: str = ""  # with its place word ("tỉnh Nghệ An")
    relation: str = ""  # TRIG: relation; CUE: cue kind
    role: str = ""  # TRIG: where the trigger stands

    def __init__(self, kind: str, i: int, j: int, text: str = "",
                 attrs: dict[str, object] | None = None, **fields: object) -> None:
        self.kind, self.i, self.j, self.text = kind, i, j, text
        if attrs is not None:
            self._attrs = attrs
        if fields:
            self.__dict__.update(fields)

    @property
    def attrs(self) -> dict[str, object]:
        """Free-form flags ("person", "historic", "dated", "implied"), made on first use."""
        d = self.__dict__.get("_attrs")
        if d is None:
            d = self._attrs = {}
        return d

    def __repr__(self) -> str:
        return f"Item({self.kind}, {self.i}, {self.j}, {self.text!r})"


class _Word(NamedTuple):
    kind: str  # WORD or PUNCT
    i: int
    j: int
    text: str


class Plain(_Word):
    """A word or punctuation item: the bulk of a sentence (one per plain token), so a
    tuple built in C, read like an :class:`Item` that carries nothing else."""

    __slots__ = ()
    post: Post | None = None
    post_text = body = place = place_full = relation = role = ""
    body_type: BodyType | None = None
    attrs: Mapping[str, object] = MappingProxyType({})


class Tagger:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        self._no_break = lex.no_break
        self._chain_words = lex.connectors.get("chain", frozenset())
        self._body_tails = lex.connectors.get("body-tail", frozenset())
        self._body_terms = lex.connectors.get("body-term", frozenset())
        self._compounds = lex.connectors.get("compound", frozenset())
        self._name_words = lex.name_words | lex.name_pairs
        self._starts = {name: getattr(lex, name).first_keys()
                        for name in ("triggers", "posts", "cues", "body_types")}
        self._place_starts = lex.localities.first_keys() | lex.place_words.first_keys()
        self._cue_starts = self._starts["cues"]
        self._lower_opens = frozenset().union(
            *(self._starts[name] for name in ("triggers", "posts", "cues")))

    # --- predicates over tokens ---------------------------------------------------------

    def starts_person(self, toks: list[Token], k: int) -> bool:
        """A family name followed by another capitalised word, not a place or a body."""
        if k + 1 >= len(toks):
            return False
        t, nxt = toks[k], toks[k + 1]
        if not (t.cap and t.word and nxt.cap and nxt.word and t.key in self.lex.surnames):
            return False
        lex = self.lex
        return not (
            lex.localities.match(toks, k) or lex.body_types.match(toks, k)
            or lex.posts.match(toks, k)
        )

    def _opens_body(self, toks: list[Token], k: int) -> bool:
        """A body name starts at k. One-word heads that are also given names ("Khoa",
        "Trường", "Đoàn") only count when written as an abbreviation."""
        m = self.lex.body_types.match(toks, k)
        return bool(m) and (m[0] > 1 or (toks[k].text.isupper() and len(toks[k].text) > 1))

    def cue_at(self, toks: list[Token], k: int) -> tuple[int, str] | None:
        """A person cue at token k. A capitalised honorific right after a word is part of
        a name, not a cue ("Lê Vĩnh Tân", "Vũ Thị Lan Anh")."""
        if toks[k].key not in self._cue_starts:
            return None
        m = self.lex.cues.match(toks, k)
        if m and m[1] == "honorific" and toks[k].cap and k and toks[k - 1].word:
            return None
        return m

    def person_split(self, toks: list[Token], a: int, b: int) -> int:
        """Where a person's name starts inside the capitalised run [a, b) that may open
        with the name of a place or body ("huyện Tương Dương Nguyễn Văn Hải"): the family
        name leaving three name words, else four, else two; ``b`` when there is none."""
        surnames = self.lex.surnames
        for size in (3, 4, 2):
            m = b - size
            if m >= a and toks[m].key in surnames and self.starts_person(toks, m):
                return m
        return b

    def cap_run_end(self, toks: list[Token], k: int, limit: int = 8) -> int:
        """End of the run of capitalised words from k that are not titles or cues."""
        n = len(toks)
        e = k
        while (e < n and e - k < limit and toks[e].cap and toks[e].word
               and not self.lex.posts.match(toks, e) and not self.cue_at(toks, e)):
            e += 1
        return e

    def named_after_place(self, toks: list[Token], k: int) -> bool:
        """A locality written bare that is a full personal name ("Hồ Chí Minh"): right
        after a title it names the person, not the place."""
        m = self.lex.localities.match(toks, k)
        return bool(m and m[0] >= 3 and toks[k].key in self.lex.surnames)

    def is_stop(self, toks: list[Token], k: int) -> bool:
        stops = self.lex.stopwords
        if toks[k].key in stops:
            return True
        return k + 1 < len(toks) and f"{toks[k].key} {toks[k + 1].key}" in stops

    def _place_at(self, toks: list[Token], k: int) -> tuple[int, str, str] | None:
        """A place at token k: a known locality, or a place word and its name.
        Returns (end, bare name, full text)."""
        if toks[k].key not in self._place_starts:
            return None  # opens neither a locality nor a place word
        m = self.lex.localities.match(toks, k)
        if m and toks[k].cap:
            end = k + m[0]
            return end, _span(toks, k, end), _span(toks, k, end)
        pw = self.lex.place_words.match(toks, k)
        if not pw:
            return None
        body = self.lex.body_types.match(toks, k)
        if body and body[0] > pw[0]:
            return None  # "Tỉnh ủy", "Thành ủy": a body, not a place word
        end = k + pw[0]
        if end < len(toks) and toks[end].text == "." and toks[end - 1].text + "." in self._no_break:
            end += 1  # "TP. Hồ Chí Minh", not the full stop after "quận"
        m = self.lex.localities.match(toks, end)
        if m:
            name_end = end + m[0]
        else:
            run_end = self.cap_run_end(toks, end)
            split = self.person_split(toks, end, run_end)
            if split < run_end:  # a person follows the place's name
                name_end = min(split, end + 4)
            else:
                name_end = end
                while name_end < min(run_end, end + 4) and not self.starts_person(toks, name_end):
                    name_end += 1
        if name_end == end:
            return end, "", _span(toks, k, end)
        return name_end, _span(toks, end, name_end), _span(toks, k, name_end)

    # --- bodies --------------------------------------------------------------------------

    def body_end(self, toks: list[Token], k: int) -> tuple[int, str, str]:
        """Where a body's name that continues at token k ends, and the place it names."""
        n = len(toks)
        last_good = k
        place = place_full = ""
        prev_name = False  # last consumed token was a capitalised name word
        placed = -1  # where the last place consumed ends: a verb may follow a place
        while k < n and k - last_good < 5 and k < last_good + MAX_BODY_TOKENS:
            t = toks[k]
            p = self._place_at(toks, k) if (t.cap or not self.is_stop(toks, k)) else None
            if p and (p[1] or not t.cap and self.lex.place_words.match(toks, k)):
                k, place, place_full = p[0], p[1] or place, p[2]
                last_good, prev_name, placed = k, False, k
                continue
            if not t.word:
                if (
                    t.text in JOINERS
                    and k + 1 < n
                    and toks[k + 1].cap
                    and not self.lex.posts.match(toks, k + 1)
                    and not self.starts_person(toks, k + 1)
                ):
                    k += 1
                    continue
                break
            if t.cap:
                after_joiner = toks[k - 1].text in JOINERS
                if (
                    self.lex.posts.match(toks, k)
                    or self.cue_at(toks, k)
                    or (self.lex.triggers.match(toks, k) and not after_joiner)
                ):
                    break
                if self.starts_person(toks, k) or toks[k].key in self.lex.surnames:
                    run_end = self.cap_run_end(toks, k)
                    split = self.person_split(toks, k, run_end)
                    if split == k or (split == run_end and self.starts_person(toks, k)):
                        break
                    k = split
                    last_good, prev_name = k, True
                    if split < run_end:
                        break
                    continue
                k += 1
                last_good, prev_name = k, True
                continue
            tail = self._tail_end(toks, k)
            if tail > k:  # "Ban Tổ chức trung ương", "Ban Chấp hành Trung ương Đảng khóa XI"
                k = last_good = tail
                prev_name = False
                continue
            if prev_name and f"{toks[k - 1].key} {t.key}" in self._name_words:
                k += 1  # "Sở Khoa học", "Ban Công tác": a word begun by a capital
                last_good, prev_name = k, False
                continue
            if k == last_good and k != placed and not prev_name and k + 1 < n \
                    and toks[k + 1].word \
                    and not toks[k + 1].cap \
                    and f"{t.key} {toks[k + 1].key}" in self.lex.name_words:
                k += 2  # "Đại học Kinh tế quốc dân", "Ban xúc tiến": a name's common word
                last_good = k
                continue
            if self.is_stop(toks, k):
                break
            r = k
            while (
                r < n
                and r - k < 3
                and toks[r].word
                and not toks[r].cap
                and not self.is_stop(toks, r)
                and not self.lex.place_words.match(toks, r)
            ):
                r += 1
            if r < n and r > k and (
                (toks[r].cap and toks[r].word and not self.starts_person(toks, r)
                 and not self.lex.posts.match(toks, r) and not self.cue_at(toks, r)
                 and not self._opens_document(toks, r))
                or (self.lex.place_words.match(toks, r) and self._place_at(toks, r))
                or self.lex.body_types.match(toks, r)
            ):
                k = r
                continue
            tail = next((m for m in range(k + 1, min(r + 1, n))
                         if self._tail_end(toks, m) > m), None)
            if prev_name and tail is not None:  # "Ban Tổ chức trung ương"
                k = last_good = self._tail_end(toks, tail)
                prev_name = False
                continue
            if prev_name and t.key not in self._chain_words and (
                    k + 1 >= n or not toks[k + 1].word or self.is_stop(toks, k + 1)
                    or toks[k + 1].cap):
                k += 1
                last_good, prev_name = k, False
                continue
            break
        return last_good, place, place_full

    def _opens_document(self, toks: list[Token], k: int) -> bool:
        """A numbered document starts at k ("... thực hiện Kết luận số 12"): the verb
        before it ends the body's name."""
        m = self.lex.documents.match(toks, k)
        if not m or m[1] != "document":
            return False
        e = k + m[0]  # a numbered one: "Kết luận số 12", not "Trường đại học Luật Hà Nội"
        return e < len(toks) and (toks[e].text[:1].isdigit() or toks[e].key == "sô1")

    def _tail_end(self, toks: list[Token], k: int) -> int:
        """End of lower-case words that still belong to a body's name at token k: a
        body tail ("trung ương") or a term ("khóa XI", "khoá 12"); k when none."""
        n = len(toks)
        if k + 1 < n and f"{toks[k].key} {toks[k + 1].key}" in self._body_tails:
            return k + 2
        listed = k + 3 < n and toks[k + 2].text == "," and _is_term_number(toks[k + 3].text)
        if toks[k].key in self._body_terms and k + 1 < n \
                and _is_term_number(toks[k + 1].text) and not listed:
            return k + 2
        return k

    def parse_body(self, toks: list[Token], j: int, post: Post | None) -> Item | None:
        """A body starting at token j, written out or implied by a fused title."""
        n = len(toks)
        if j >= n:
            return None
        m = self.lex.body_types.match(toks, j)
        if m is None and post is not None and self._fused_head(toks, j, post):
            j -= 1  # "Phó ban Chỉ đạo ...": the title's last word opens the body's name
            m = self.lex.body_types.match(toks, j)
        if m:
            bt = m[1]
            head_end = j + m[0]
            end, place, place_full = self.body_end(toks, head_end)
            if bt.local and end == head_end + 2 and self._tail_end(toks, head_end) == end \
                    and toks[head_end].key in self._body_terms:
                end = head_end  # "Tỉnh ủy khóa XVI": the place the chain shares comes first
            bare = end == head_end
            if bare and bt.needs_name and not (post is not None and toks[j].cap):
                return None  # "Bộ", "Sở" alone name a body only right after a title
            if bare and not toks[j].cap and not bt.standalone:
                return None
            return Item("BODY", j, end, text=_span(toks, j, end), body_type=bt,
                        place=place, place_full=place_full)
        if post is not None and _is_acronym(toks[j]) and not self.lex.localities.match(toks, j):
            end, place, place_full = self.body_end(toks, j + 1)  # "Chủ tịch HLG tỉnh X"
            return Item("BODY", j, end, text=_span(toks, j, end), place=place,
                        place_full=place_full)
        if post and post.implied_body_head:
            head = self.lex.body_types.match(_tokens_of(post.implied_body_head), 0)
            bt = head[1] if head else None
            place_here = self._place_at(toks, j)
            named = (
                toks[j].cap and toks[j].word and not self.starts_person(toks, j)
                and not self.lex.posts.match(toks, j) and not self.lex.cues.match(toks, j)
                and not (self.lex.localities.match(toks, j))
            )
            if ((bt is None or bt.needs_name) and (named or self._lower_name(toks, j))
                    or place_here and self.lex.place_words.match(toks, j)):
                end, place, place_full = self.body_end(toks, j)
                if end > j:
                    return Item("BODY", j, end,
                                text=f"{post.implied_body_head} {_span(toks, j, end)}",
                                body_type=bt, place=place, place_full=place_full,
                                attrs={"implied": True})
        if post is not None and not self.named_after_place(toks, j):
            p = self._place_at(toks, j)  # "Bí thư tỉnh Sóc Trăng", "Thủ tướng Malaysia"
            if p and p[1]:
                text = p[2]
                pw = self.lex.place_words.match(toks, j) if post.place_party else None
                if pw:  # "Bí thư tỉnh Sóc Trăng": the province's Party committee
                    word = " ".join(t.key for t in toks[j:j + pw[0]])
                    committee = self.lex.party_of_place.get(word)
                    if committee:
                        text = f"{committee} {p[1]}"
                return Item("BODY", j, p[0], text=text, place=p[1], place_full=p[2])
        return None

    def _fused_head(self, toks: list[Token], j: int, post: Post) -> bool:
        """Whether the title before token j ends with its implied body's head ("Phó ban")
        and that head with the next words is a body type ("Ban Chỉ đạo")."""
        if not post.implied_body_head or j == 0 or j >= len(toks):
            return False
        head = syllable_key(post.implied_body_head.split()[-1])
        if toks[j - 1].key != head:
            return False
        m = self.lex.body_types.match(toks, j - 1)
        return bool(m and m[0] > 1)

    def _lower_name(self, toks: list[Token], j: int) -> bool:
        """A body's name written in lower case after a fused title, up to a body or a
        place: "Phó ban tuyên giáo thành ủy ...", "Trưởng đoàn đại biểu Quốc hội ..."."""
        k = j
        while k < len(toks) and k - j < 3 and toks[k].word and not toks[k].cap \
                and not self.is_stop(toks, k):
            k += 1
            if k < len(toks) and (self.lex.body_types.match(toks, k)
                                  or self.lex.place_words.match(toks, k)):
                return True
        return False

    # --- the pass ------------------------------------------------------------------------

    def tag(self, toks: list[Token]) -> list[Item]:
        lex = self.lex
        items: list[Item] = []
        n = len(toks)
        i = 0
        # a lower-case word is only looked at when it may open a trigger, title or cue
        # (bodies and places begin with a capital in the tagger's eyes)
        plain = self._lower_opens
        opens = lex.cap_starts
        trig0, post0 = self._starts["triggers"], self._starts["posts"]
        cue0, body0 = self._starts["cues"], self._starts["body_types"]
        append = items.append
        new, word_item = tuple.__new__, Plain
        while i < n:
            t = toks[i]
            if not t.word:
                append(new(word_item, ("PUNCT", i, i + 1, t.text)))
                i += 1
                continue
            k = t.key
            if not t.cap:
                if k not in plain:
                    append(new(word_item, ("WORD", i, i + 1, t.text)))
                    i += 1
                    continue
            elif k not in opens:  # a capitalised word that opens no phrase: a name
                i = self._name_run(toks, i, items)
                continue
            in_name = t.cap and items and items[-1].kind == "PERSON" and items[-1].j == i
            trig = lex.triggers.match(toks, i) if k in trig0 and not in_name else None
            post = lex.posts.match(toks, i) if k in post0 else None
            if post and not t.cap and i and f"{toks[i - 1].key} {k}" in self._compounds:
                post = None  # "chức vụ phó chủ tịch": not the post "Vụ phó"
            if trig and (not post or trig[0] >= post[0]):
                items.append(Item("TRIG", i, i + trig[0], _span(toks, i, i + trig[0]),
                                  relation=trig[1][0], role=trig[1][1]))
                i += trig[0]
                continue
            if post:
                items.append(self._title(toks, i, post))
                i = items[-1].j
                continue
            cue = self.cue_at(toks, i) if k in cue0 else None
            if cue and (cue[1] != "honorific" or (i + cue[0] < n and toks[i + cue[0]].cap)):
                items.append(Item("CUE", i, i + cue[0], _span(toks, i, i + cue[0]),
                                  relation=cue[1]))
                i += cue[0]
                continue
            body = lex.body_types.match(toks, i) if t.cap and k in body0 else None
            if body and body[0] == 1 and k in lex.surnames and items \
                    and items[-1].kind == "CUE" and items[-1].relation == "honorific" \
                    and items[-1].j == i and i + 1 < n and toks[i + 1].cap \
                    and not toks[i + 1].text.isupper():
                i = self._name_run(toks, i, items)  # "ông Đoàn Văn X": a family name
                continue
            if body:
                b = self.parse_body(toks, i, None)
                if b:
                    items.append(b)
                    i = b.j
                    continue
            after_title = bool(items) and items[-1].kind == "TITLE" and items[-1].j == i
            place = self._place_at(toks, i) if t.cap else None
            if place and after_title and self.named_after_place(toks, i):
                # "Chủ tịch Hồ Chí Minh": the historical person the city is named after
                items.append(Item("PERSON", i, place[0], _span(toks, i, place[0]),
                                  attrs={"historic": True}))
                i = place[0]
                continue
            if place:
                items.append(Item("PLACE", i, place[0], place[2], place=place[1],
                                  place_full=place[2]))
                i = place[0]
                continue
            if t.cap:
                i = self._name_run(toks, i, items)
                continue
            append(new(word_item, ("WORD", i, i + 1, t.text)))
            i += 1
        return items

    def _name_run(self, toks: list[Token], i: int, items: list[Item]) -> int:
        """Tag the capitalised run at token i as a candidate name (PERSON), splitting off
        an organisation written before the name ("Phó Chủ tịch HLG Việt Nam Lê Thị Kim
        Thanh": the run's head becomes the title's body). Returns where the run ends."""
        lex = self.lex
        post0, body0 = self._starts["posts"], self._starts["body_types"]
        n = len(toks)
        k = i + 1
        while k < n and k - i < MAX_RUN_TOKENS:
            tk = toks[k]
            if tk.text in JOINERS and k + 1 < n and tk.start == toks[k - 1].end \
                    and toks[k + 1].start == tk.end and toks[k + 1].cap:
                k += 2  # "Diaz-Canel"
                continue
            key = tk.key
            if not (tk.cap and tk.word) or (key in post0 and lex.posts.match(toks, k)) \
                    or self.cue_at(toks, k):
                break
            bt = lex.body_types.match(toks, k) if key in body0 else None
            if bt and (bt[0] > 1 or k - i >= 4):
                break  # a body's name, not "Trường" in "Nguyễn Hồng Trường"
            k += 1
        start = i
        if toks[i].key not in lex.surnames or k - i > MAX_NAME_TOKENS - 2:
            split = self.person_split(toks, i + 1, k)
            if split < k:
                prev = items[-1] if items else None
                if prev and prev.kind == "TITLE" and not prev.body and prev.j == i:
                    prev.body, prev.j = _span(toks, i, split), split
                    prev.text = _span(toks, prev.i, split)
                else:
                    items.append(Item("PROPER", i, split, _span(toks, i, split)))
                start = split
        if k - start > MAX_NAME_TOKENS:
            k = start + MAX_NAME_TOKENS
        items.append(Item("PERSON", start, k, _span(toks, start, k)))
        return k

    def _title(self, toks: list[Token], i: int, post_match: tuple[int, Post]) -> Item:
        post_match = self._split_post(toks, i, post_match)
        n_tok, post = post_match
        j = i + n_tok
        item = Item("TITLE", i, j, post=post, post_text=_span(toks, i, j))
        if post.fused_body:
            item.body = post.fused_body
            body = self.parse_body(toks, j, None) if j < len(toks) else None
            if body is None:
                place = self._place_at(toks, j)
                if place and place[1]:
                    item.body, item.place, item.place_full = (
                        f"{post.fused_body} {place[1]}", place[1], place[2])
                    item.j = place[0]
            return item
        body = self.parse_body(toks, j, post)
        if body:
            item.body, item.body_type = body.text, body.body_type
            item.place, item.place_full = body.place, body.place_full
            item.attrs["implied"] = bool(body.attrs.get("implied"))
            item.j = body.j
        elif self._fused_head(toks, j, post) and not toks[j].cap:
            # "Phó trưởng ban quản lý khu ...": a body is written, in words not read here
            item.attrs["unread_body"] = True
        item.text = _span(toks, i, item.j)
        return item

    def _split_post(self, toks: list[Token], i: int,
                    post_match: tuple[int, Post]) -> tuple[int, Post]:
        """A title label that ends with a body's name is a shorter post and that body:
        "Ủy viên Ban Thường vụ" -> "Ủy viên" + "Ban Thường vụ ...", "Phó Thủ tướng Chính
        phủ" -> "Phó Thủ tướng" + "Chính phủ", "Trưởng Đoàn đại biểu Quốc hội" ->
        "Trưởng đoàn" + "Đoàn đại biểu Quốc hội"."""
        n_tok = post_match[0]
        if n_tok < 2:
            return post_match
        for m, post in reversed(self.lex.posts.match_all(toks, i)[:-1]):
            body = self.lex.body_types.match(toks, i + m)
            if body and m + body[0] >= n_tok:
                return m, post
            if post.implied_body_head:
                head = post.implied_body_head.split()[-1]
                if syllable_key(head) == toks[i + m - 1].key:
                    implied = self.parse_body(toks, i + m, post)
                    if implied and implied.j >= i + n_tok:
                        return m, post
        return post_match


_ROMAN = frozenset("IVXLC")


def _is_term_number(text: str) -> bool:
    """ "XI", "12": the number of a term or congress."""
    return text.isdigit() and len(text) <= 2 or bool(text) and set(text) <= _ROMAN


def _is_acronym(t: Token) -> bool:
    """ "HLG", "PCD", "ICD": an upper-case word of two letters or more."""
    return t.word and len(t.text) > 1 and t.text.isupper() and not t.text.isdigit()


def _span(toks: list[Token], i: int, j: int) -> str:
    """The text of tokens [i, j) with their original spacing (runs of white space as one)."""
    if j <= i:
        return ""
    first = toks[i]
    if j == i + 1:
        return first.text
    out = [first.text]
    end = first.end
    for t in toks[i + 1 : j]:
        out.append(t.text if t.start == end else " " + t.text)
        end = t.end
    return "".join(out)


_TOKEN_CACHE: dict[str, list[Token]] = {}


def _tokens_of(phrase: str) -> list[Token]:
    from ..lexicon import tokenize

    if phrase not in _TOKEN_CACHE:
        _TOKEN_CACHE[phrase] = tokenize(phrase)
    return _TOKEN_CACHE[phrase]
