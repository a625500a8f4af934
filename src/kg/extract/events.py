"""Event patterns: bodies that adopt resolutions, and awards conferred on recipients.

Document words ("Nghị quyết", "Luật"), meeting words ("Đại hội") and award types come
from ``data/documents.tsv`` and ``ontology/awards.ttl``; trigger verbs from
``data/triggers.tsv``.
"""

from __future__ import annotations

from ..lexicon import Lexicon, Token
from ..text import syllable_key
from .mentions import Item, Tagger, _span

MAX_PHRASE = 16
PHRASE_STOPS = {",", ";", ":", ".", "(", ")", "“", "”", '"', "!", "?"}
RECIPIENT_STOPS = {"vì", "do", "về", "đã", "nhân", "trong", "tại", "vào", "ngày", "để"}
# lower-case words that stay inside a congress or document name ("lần thứ XIV", "khóa XV")
INSIDE_NAMES = {
    syllable_key(w) for w in ["lần", "thứ", "khóa", "khoá", "nhiệm", "kỳ", "toàn", "quốc"]
}


class EventFinder:
    def __init__(self, lex: Lexicon, tagger: Tagger):
        self.lex = lex
        self.tagger = tagger

    def find(self, items: list[Item], toks: list[Token], text: str) -> list[dict]:
        return self._adopts(items, toks) + self._awards(items, toks)

    # --- helpers -----------------------------------------------------------------------

    def _phrase_end(self, toks: list[Token], k: int, stops: set[str] = frozenset()) -> int:
        """End of a name-like phrase from k: up to punctuation, a stop word or a verb."""
        n = len(toks)
        end = k
        while end < n and end - k < MAX_PHRASE:
            t = toks[end]
            if t.text in PHRASE_STOPS or t.key in stops:
                break
            if (t.word and not t.cap and self.tagger.is_stop(toks, end)
                    and t.key not in INSIDE_NAMES):
                break
            if t.text in {"-", "/", "–"} and end + 1 < n and toks[end + 1].word:
                end += 2
                continue
            if not t.word:
                break
            end += 1
        return end

    def _fact(self, toks: list[Token], i: int, j: int, **fields: str) -> dict:
        return {**fields, "start": toks[i].start, "end": toks[max(i, j - 1)].end,
                "confidence": 0.75}

    # --- adopts --------------------------------------------------------------------------

    def _adopts(self, items: list[Item], toks: list[Token]) -> list[dict]:
        out = []
        n = len(toks)
        for i, t in enumerate(toks):
            doc = self.lex.documents.match(toks, i) if t.cap else None
            if not doc or doc[1] != "document":
                continue
            j = i + doc[0]
            if j < n and toks[j].key == "sô1":
                j += 1
            end = self._phrase_end(toks, j, {"cua3"})
            if end == j or not (toks[j].cap or toks[j].text[0].isdigit()):
                continue
            body = ""
            meeting = self.lex.documents.match(toks, j)
            after = end
            if after < n and toks[after].key == "cua3":
                b_end = self._phrase_end(toks, after + 1, {"cua3"})
                if b_end > after + 1 and toks[after + 1].cap:
                    if meeting and meeting[1] == "meeting":
                        end = b_end  # "Nghị quyết Đại hội ... của Đảng"
                    else:
                        body = _span(toks, after + 1, b_end)
                        after = b_end
            if meeting and meeting[1] == "meeting":
                body = _span(toks, j, end)
            if not body:
                body = self._adopting_subject(items, toks, i)
            if body:
                out.append(self._fact(toks, i, max(end, after), relation="adopts", body=body,
                                      resolution=_span(toks, i, end)))
        return out

    def _adopting_subject(self, items: list[Item], toks: list[Token], i: int) -> str:
        """ "Quốc hội thông qua Luật X": the body or office before an adopting verb."""
        idx = next((k for k, it in enumerate(items) if it.i <= i < it.j), None)
        if idx is None:
            return ""
        k = idx - 1
        while k >= 0 and items[k].kind == "WORD" and items[k].text.casefold() in {
            "các", "số", "đã", "chính thức", "mới"
        }:
            k -= 1
        if k < 0 or items[k].kind != "TRIG" or items[k].relation != "adopts":
            return ""
        k -= 1
        while k >= 0 and items[k].kind == "WORD" and items[k].text.casefold() in {
            "đã", "vừa", "chính", "thức"
        }:
            k -= 1
        if k >= 0 and items[k].kind in {"BODY", "TITLE"}:
            it = items[k]
            if it.kind == "TITLE" and it.post and not it.body:
                return it.post_text + (" " + it.post.default_body if False else "")
            return it.text or it.body
        return ""

    # --- awards --------------------------------------------------------------------------

    def _awards(self, items: list[Item], toks: list[Token]) -> list[dict]:
        triggers = [it for it in items if it.kind == "TRIG" and it.relation == "awards"]
        if not triggers:
            return []
        if any(self.lex.hedges.match(toks, k) for k in range(len(toks))):
            return []  # proposed, not conferred
        out = []
        n = len(toks)
        for i, _t in enumerate(toks):
            m = self.lex.awards.match(toks, i)
            if not m or not toks[i].cap:
                continue
            if i and self.lex.awards.match(toks, i - 1):
                continue
            end = self._phrase_end(toks, i + m[0], {"cho", "cua3"})
            giver = ""
            if end < n and toks[end].key == "cua3":
                g_end = self._phrase_end(toks, end + 1, {"cho"} | RECIPIENT_STOPS)
                giver = _span(toks, end + 1, g_end)
                end = g_end
            award = _span(toks, i, end)
            trig = min(triggers, key=lambda it: abs(it.i - i))
            recipient = ""
            if end < n and toks[end].key == "cho":
                r_end = self._phrase_end(toks, end + 1, RECIPIENT_STOPS)
                recipient = _span(toks, end + 1, r_end)
            elif trig.j < i and trig.role == "clause" and i - trig.j <= 12:
                between = _span(toks, trig.j, i)
                if between and not any(t.text in PHRASE_STOPS for t in toks[trig.j:i]):
                    recipient = between
            if not recipient and trig.i < i:
                recipient = self._recipient_before(items, trig)
            if not giver:
                giver = self._giver_before(items, trig)
            if recipient:
                out.append(self._fact(toks, min(i, trig.i), end, relation="awards",
                                      giver=giver, award=award, recipient=recipient))
        return out

    def _recipient_before(self, items: list[Item], trig: Item) -> str:
        """ "Trường X vinh dự được tặng Huân chương ...": the subject receives it."""
        if not trig.text.casefold().startswith(("được", "đón", "nhận")):
            k = items.index(trig) - 1
            if not (k >= 0 and items[k].text.casefold() in {"được", "vinh dự", "đã"}):
                return ""
        k = items.index(trig) - 1
        while k >= 0 and items[k].kind == "WORD" and items[k].text.casefold() in {
            "được", "vinh", "dự", "đã", "vừa", "nhiều"
        }:
            k -= 1
        if k >= 0 and items[k].kind in {"BODY", "PERSON"}:
            it = items[k]
            return str(it.attrs.get("person") or it.text)
        return ""

    def _giver_before(self, items: list[Item], trig: Item) -> str:
        k = items.index(trig) - 1
        while k >= 0 and items[k].kind == "WORD" and items[k].text.casefold() in {
            "đã", "vừa", "quyết", "định"
        }:
            k -= 1
        if k >= 0 and items[k].kind in {"BODY", "TITLE"}:
            it = items[k]
            if it.kind == "TITLE" and not it.body and it.post and it.post.no_body:
                return it.post_text
            return it.text if it.kind == "BODY" else it.text or it.post_text
        return ""
