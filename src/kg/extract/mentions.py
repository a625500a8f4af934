"""Mention tagging: one pass over a sentence's tokens that marks titles (post + body),
persons, honorific cues, trigger words and bare bodies, all found through the lexicon.

The tagger knows no Vietnamese word itself: every phrase comes from the lexicon's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..lexicon import BodyType, Lexicon, Post, Token

MAX_BODY_TOKENS = 24
MAX_NAME_TOKENS = 6
JOINERS = {"-", "–", "&"}


@dataclass
class Item:
    """A tagged stretch of tokens [i, j)."""

    kind: str  # TITLE, PERSON, CUE, TRIG, BODY, PUNCT, WORD
    i: int
    j: int
    text: str = ""
    post: Post | None = None
    post_text: str = ""
    body: str = ""
    body_type: BodyType | None = None
    place: str = ""  # the locality a body names ("Nghệ An"), for chains that share it
    place_full: str = ""  # with its place word ("tỉnh Nghệ An")
    relation: str = ""  # TRIG: relation; CUE: cue kind
    role: str = ""  # TRIG: where the trigger stands
    attrs: dict[str, object] = field(default_factory=dict)


class Tagger:
    def __init__(self, lex: Lexicon):
        self.lex = lex

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
            lex.localities.match(toks, k) or lex.body_types.match(toks, k) or lex.posts.match(toks, k)
        )

    def _opens_body(self, toks: list[Token], k: int) -> bool:
        """A body name starts at k. One-word heads that are also given names ("Khoa",
        "Trường", "Đoàn") only count when written as an abbreviation."""
        m = self.lex.body_types.match(toks, k)
        return bool(m) and (m[0] > 1 or (toks[k].text.isupper() and len(toks[k].text) > 1))

    def is_stop(self, toks: list[Token], k: int) -> bool:
        stops = self.lex.stopwords
        if toks[k].key in stops:
            return True
        return k + 1 < len(toks) and f"{toks[k].key} {toks[k + 1].key}" in stops

    def _place_at(self, toks: list[Token], k: int) -> tuple[int, str, str] | None:
        """A place at token k: a known locality, or a place word and its name.
        Returns (end, bare name, full text)."""
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
        if end < len(toks) and toks[end].text == ".":
            end += 1
        m = self.lex.localities.match(toks, end)
        if m:
            name_end = end + m[0]
        else:
            name_end = end
            while (
                name_end < len(toks)
                and name_end - end < 4
                and toks[name_end].cap
                and toks[name_end].word
                and not self.starts_person(toks, name_end)
                and not self.lex.posts.match(toks, name_end)
            ):
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
        while k < n and k - last_good < 5 and k < last_good + MAX_BODY_TOKENS:
            t = toks[k]
            p = self._place_at(toks, k) if (t.cap or not self.is_stop(toks, k)) else None
            if p and (t.cap or p[1] or self.lex.place_words.match(toks, k)):
                k, place, place_full = p[0], p[1] or place, p[2]
                last_good, prev_name = k, False
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
                if (
                    self.starts_person(toks, k)
                    or self.lex.posts.match(toks, k)
                    or self.lex.cues.match(toks, k)
                    or self.lex.triggers.match(toks, k)
                ):
                    break
                k += 1
                last_good, prev_name = k, True
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
                 and not self.lex.posts.match(toks, r) and not self.lex.cues.match(toks, r))
                or (self.lex.place_words.match(toks, r) and self._place_at(toks, r))
            ):
                k = r
                continue
            if prev_name and (k + 1 >= n or not toks[k + 1].word or self.is_stop(toks, k + 1)
                              or toks[k + 1].cap):
                k += 1
                last_good, prev_name = k, False
                continue
            break
        return last_good, place, place_full

    def parse_body(self, toks: list[Token], j: int, post: Post | None) -> Item | None:
        """A body starting at token j, written out or implied by a fused title."""
        n = len(toks)
        if j >= n:
            return None
        m = self.lex.body_types.match(toks, j)
        if m:
            bt = m[1]
            head_end = j + m[0]
            end, place, place_full = self.body_end(toks, head_end)
            if bt.needs_name and end == head_end:
                return None
            if end == head_end and not toks[j].cap and not bt.standalone:
                return None
            return Item("BODY", j, end, text=_span(toks, j, end), body_type=bt,
                        place=place, place_full=place_full)
        if post and post.implied_body_head:
            head = self.lex.body_types.match(_tokens_of(post.implied_body_head), 0)
            bt = head[1] if head else None
            place_here = self._place_at(toks, j)
            named = (
                toks[j].cap and toks[j].word and not self.starts_person(toks, j)
                and not self.lex.posts.match(toks, j) and not self.lex.cues.match(toks, j)
                and not (self.lex.localities.match(toks, j))
            )
            if (bt is None or bt.needs_name) and named or place_here and self.lex.place_words.match(toks, j):
                end, place, place_full = self.body_end(toks, j)
                if end > j:
                    return Item("BODY", j, end,
                                text=f"{post.implied_body_head} {_span(toks, j, end)}",
                                body_type=bt, place=place, place_full=place_full,
                                attrs={"implied": True})
        return None

    # --- the pass ------------------------------------------------------------------------

    def tag(self, toks: list[Token]) -> list[Item]:
        lex = self.lex
        items: list[Item] = []
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            if not t.word:
                items.append(Item("PUNCT", i, i + 1, t.text))
                i += 1
                continue
            in_name = t.cap and items and items[-1].kind == "PERSON" and items[-1].j == i
            trig = None if in_name else lex.triggers.match(toks, i)
            post = lex.posts.match(toks, i)
            if trig and (not post or trig[0] >= post[0]):
                items.append(Item("TRIG", i, i + trig[0], _span(toks, i, i + trig[0]),
                                  relation=trig[1][0], role=trig[1][1]))
                i += trig[0]
                continue
            if post:
                items.append(self._title(toks, i, post))
                i = items[-1].j
                continue
            cue = lex.cues.match(toks, i)
            if cue and (cue[1] != "honorific" or (i + cue[0] < n and toks[i + cue[0]].cap)):
                items.append(Item("CUE", i, i + cue[0], _span(toks, i, i + cue[0]),
                                  relation=cue[1]))
                i += cue[0]
                continue
            body = lex.body_types.match(toks, i)
            if body and t.cap:
                b = self.parse_body(toks, i, None)
                if b:
                    items.append(b)
                    i = b.j
                    continue
            place = self._place_at(toks, i) if t.cap else None
            if place:
                items.append(Item("PLACE", i, place[0], place[2]))
                i = place[0]
                continue
            if t.cap:
                k = i + 1
                while (
                    k < n and k - i < MAX_NAME_TOKENS and toks[k].cap and toks[k].word
                    and not lex.posts.match(toks, k) and not self._opens_body(toks, k)
                    and not lex.cues.match(toks, k)
                ):
                    k += 1
                items.append(Item("PERSON", i, k, _span(toks, i, k)))
                i = k
                continue
            items.append(Item("WORD", i, i + 1, t.text))
            i += 1
        return items

    def _title(self, toks: list[Token], i: int, post_match: tuple[int, Post]) -> Item:
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
        item.text = _span(toks, i, item.j)
        return item


def _span(toks: list[Token], i: int, j: int) -> str:
    """The text of tokens [i, j) with their original spacing."""
    if j <= i:
        return ""
    out = [toks[i].text]
    for a, b in zip(toks[i : j - 1], toks[i + 1 : j], strict=True):
        out.append(" " * min(1, b.start - a.end) + b.text)
    return "".join(out)


_TOKEN_CACHE: dict[str, list[Token]] = {}


def _tokens_of(phrase: str) -> list[Token]:
    from ..lexicon import tokenize

    if phrase not in _TOKEN_CACHE:
        _TOKEN_CACHE[phrase] = tokenize(phrase)
    return _TOKEN_CACHE[phrase]
