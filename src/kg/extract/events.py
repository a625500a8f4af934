"""Event patterns: bodies that adopt resolutions, and awards conferred on recipients.

Document words ("Nghị quyết", "Luật"), meeting words ("Đại hội") and award types come
from ``data/documents.tsv`` and ``ontology/awards.ttl``; trigger verbs from
``data/triggers.tsv``.
"""

from __future__ import annotations

from operator import attrgetter

from ..lexicon import Lexicon, Token
from ..text import key, syllable_key
from .mentions import Item, Tagger, _span
from .relations import _pos

MAX_PHRASE = 16
PHRASE_STOPS = {",", ";", ":", ".", "(", ")", "“", "”", '"', "!", "?"}
PASSIVE_AWARD = ("được", "đón", "nhận", "vinh")  # the subject receives the award
AWARD_PREFIXES = {key("danh hiệu")}  # "phong tặng danh hiệu Anh hùng ...": not a recipient
RECIPIENT_STOPS = {"vì", "do", "về", "đã", "trong", "tại", "vào", "ngày", "để"}
ABOUT = {syllable_key("về")}  # "Nghị quyết về ...": a document named by its subject
PERSONNEL = {"elected", "appointed", "dismissed", "discipline"}
SKIP_BEFORE_DOC = {"các", "số", "đã", "chính thức", "mới", "chính", "thức"}
MAX_SUBJECT_GAP = 6
_KEY = attrgetter("key")
CODE_JOINERS = {"/", "-", "–", "."}
# lower-case words that stay inside a congress or document name ("lần thứ XIV", "khóa XV")
INSIDE_NAMES = {
    syllable_key(w) for w in ["lần", "thứ", "khóa", "khoá", "nhiệm", "kỳ", "toàn", "quốc"]
}


class EventFinder:
    def __init__(self, lex: Lexicon, tagger: Tagger):
        self.lex = lex
        self.tagger = tagger
        self._chain_words = lex.connectors.get("chain", frozenset())
        self._doc_starts = lex.documents.first_keys()

    def may_find(self, toks: list[Token]) -> bool:
        """Whether a sentence without triggers may still hold an event (a document word)."""
        return not self._doc_starts.isdisjoint(map(_KEY, toks))

    def find(self, items: list[Item], toks: list[Token], text: str,
             kinds: frozenset[str] | None = None) -> list[dict]:
        """Adoptions and awards of one sentence; ``kinds`` (the kinds of item it holds,
        when known) skips the award pass where no trigger was tagged."""
        adopts = self._adopts(items, toks)
        return adopts + self._awards(items, toks) if kinds is None or "TRIG" in kinds \
            else adopts

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
        docs = self.lex.documents
        for i in docs.opens(toks):
            t = toks[i]
            doc = docs.match(toks, i)
            if not doc or doc[1] not in {"document", "act"}:
                continue
            j = i + doc[0]
            numbered = j < n and (toks[j].key == "sô1" or toks[j].text[:1].isdigit())
            verb = self._adopting_subject(items, toks, i)
            if not (t.cap or numbered or verb):
                continue  # "nghị quyết" in running text names no document
            if j < n and toks[j].key == "sô1":
                j += 1
            about = j < n and toks[j].key in ABOUT and bool(verb)
            # "Nghị quyết số 57-NQ/TW": the number is the name
            end = _code_end(toks, j) if numbered else self._phrase_end(toks, j + about, {"cua3"})
            if end == j + about or not (toks[j].cap or toks[j].text[0].isdigit() or verb):
                continue
            if not (toks[j].cap or toks[j].text[0].isdigit() or about) and (
                    self.tagger.is_stop(toks, j) or toks[j].key in self._chain_words):
                continue  # "ban hành Nghị quyết và ...": no name follows
            if any(self._personnel(toks, k) for k in range(j, end)):
                continue  # "quyết định bổ nhiệm ...": a personnel decision
            body = ""
            meeting = docs.match(toks, j)
            after = self._skip_date(toks, end)
            if meeting and meeting[1] == "meeting":
                # "Nghị quyết Trung ương 4 khóa XI gắn với ...": the meeting's name only
                end = _trim_lower(toks, j, end, self.lex.name_pairs)
            if after < n and toks[after].key == "cua3" and doc[1] == "document":
                b_end = self._body_after(items, toks, after + 1)
                if b_end > after + 1:
                    if meeting and meeting[1] == "meeting":
                        end = after = b_end  # "Nghị quyết Đại hội ... của Đảng"
                    else:
                        body = _span(toks, after + 1, b_end)
                        after = b_end
            if not body and meeting and meeting[1] == "meeting":
                body = _span(toks, j, end)
            if not body:
                body = verb or self._passive_subject(items, toks, end)
                after = max(after, end)
            if body:
                out.append(self._fact(toks, i, max(end, after), relation="adopts", body=body,
                                      resolution=_span(toks, i, end)))
        return out

    def _body_after(self, items: list[Item], toks: list[Token], k: int) -> int:
        """End of the body named at token k after "của": the tagged body or title, else
        its capitalised words."""
        it = next((it for it in items if it.i == k), None)
        if it is not None and it.kind in {"BODY", "TITLE", "PLACE", "PROPER"}:
            for m in range(it.i + 1, it.j - 1):  # "Bộ Chính trị và Quy định số 08 ..."
                if toks[m].key in self._chain_words and self.lex.documents.match(toks, m + 1):
                    return m
            return it.j
        if k >= len(toks) or not toks[k].cap:
            return k
        return _trim_lower(toks, k, self._phrase_end(toks, k, {"cua3"}), self.lex.name_pairs)

    def _personnel(self, toks: list[Token], k: int) -> bool:
        m = self.lex.triggers.match(toks, k)
        return bool(m and m[1][0] in PERSONNEL)

    @staticmethod
    def _skip_date(toks: list[Token], k: int) -> int:
        """Past a date written after a document's number ("ngày 25/10/2017")."""
        n = len(toks)
        if k < n and toks[k].key == "ngay2":
            m = k + 1
            while m < n and (toks[m].text.isdigit() or toks[m].text in {"/", "-", "."}):
                m += 1
            if m > k + 1:
                return m
        return k

    def _passive_subject(self, items: list[Item], toks: list[Token], end: int) -> str:
        """ "Luật X được Quốc hội thông qua": the body between "được" and the verb."""
        if end >= len(toks) or toks[end].key != "đươc5":
            return ""
        idx = next((k for k, it in enumerate(items) if it.i == end + 1), None)
        if idx is None or idx + 1 >= len(items):
            return ""
        body, trig = items[idx], items[idx + 1]
        if body.kind in {"BODY", "TITLE"} and trig.kind == "TRIG" and trig.relation == "adopts":
            return body.text
        return ""

    def _adopting_subject(self, items: list[Item], toks: list[Token], i: int) -> str:
        """ "Quốc hội thông qua Luật X", "Quốc hội họp phiên bế mạc và biểu quyết thông qua
        Nghị quyết ...": the body or office that opens the clause of an adopting verb."""
        idx = next((k for k, it in enumerate(items) if it.i <= i < it.j), None)
        if idx is None or items[idx].kind == "TRIG":
            return ""
        k = idx - 1
        while k >= 0 and items[k].kind == "WORD" and items[k].text.casefold() in SKIP_BEFORE_DOC:
            k -= 1
        if k < 0 or items[k].kind != "TRIG" or items[k].relation != "adopts":
            return ""
        if self.lex.hedged(toks, items[k].i - 8, items[k].i):
            return ""  # "trình Quốc hội thông qua": a proposal
        trig = items[k]
        k -= 1
        words = 0
        while k >= 0 and items[k].kind == "WORD" and words < MAX_SUBJECT_GAP:
            k, words = k - 1, words + 1
        if k < 0 or items[k].kind not in {"BODY", "TITLE"}:
            return ""
        delegate = self.lex.connectors.get("delegate", frozenset())
        for t in range(items[k].j, trig.i):
            pair = f"{toks[t].key} {toks[t + 1].key}" if t + 1 < trig.i else ""
            if toks[t].key in delegate or pair in delegate:
                return ""  # "Bộ Chính trị yêu cầu các tỉnh ban hành ..."
        if words and k > 0 and items[k - 1].kind != "PUNCT":
            return ""  # the body must open the clause when words stand between
        it = items[k]
        if it.kind == "TITLE" and it.post and not it.body:
            return it.post_text
        return it.text or it.body

    # --- awards --------------------------------------------------------------------------

    def _awards(self, items: list[Item], toks: list[Token]) -> list[dict]:
        triggers = [it for it in items if it.kind == "TRIG" and it.relation == "awards"]
        if not triggers:
            return []
        if self.lex.hedged(toks, 0, len(toks)):
            return []  # proposed, not conferred
        out = []
        n = len(toks)
        for i in self.lex.awards.opens(toks):
            m = self.lex.awards.match(toks, i)
            if not m or not toks[i].cap:
                continue
            if i and self.lex.awards.match(toks, i - 1):
                continue
            end = self._phrase_end(toks, i + m[0], {"cho", "cua3"})
            for x in range(i + m[0], end - 1):  # "Cờ thi đua và 71 tập thể ..."
                if toks[x].key in self._chain_words and toks[x + 1].text[0].isdigit():
                    end = x
                    break
            giver = ""
            if end < n and toks[end].key == "cua3":
                g_end = self._phrase_end(toks, end + 1, {"cho"} | RECIPIENT_STOPS)
                giver = _span(toks, end + 1, g_end)
                end = g_end
            award = _span(toks, i, end)
            trig = min(triggers, key=lambda it: abs(it.i - i))
            recipients: list[str] = []
            if end < n and toks[end].key == "cho":
                recipients = self._recipient_list(toks, end + 1)
            elif trig.j < i and trig.role == "clause" and i - trig.j <= 12:
                between = _span(toks, trig.j, i)
                if between and key(between) not in AWARD_PREFIXES \
                        and not any(t.text in PHRASE_STOPS for t in toks[trig.j:i]):
                    recipients = [between]
            if not recipients and trig.i < i:
                recipients = [r for r in [self._recipient_before(items, toks, trig)] if r]
            passive = trig.text.casefold().startswith(PASSIVE_AWARD)
            if not giver and not passive:
                giver = self._giver_before(items, trig)
            if not giver:
                giver = m[1].default_giver or ""  # conferred by law: "Huân chương" by the President
            for recipient in recipients:
                out.append(self._fact(toks, min(i, trig.i), end, relation="awards",
                                      giver=giver, award=award, recipient=recipient))
        return out

    def _recipient_list(self, toks: list[Token], k: int) -> list[str]:
        """ "cho 2 tập thể, 14 cá nhân ...": one recipient per counted group."""
        out = []
        n = len(toks)
        while k < n:
            r_end = self._phrase_end(toks, k, RECIPIENT_STOPS)
            if r_end == k:
                break
            out.append(_span(toks, k, r_end))
            if r_end + 1 < n and toks[r_end].text == "," and toks[r_end + 1].text.isdigit() \
                    and toks[k].text.isdigit():
                k = r_end + 1
                continue
            break
        return out

    def _recipient_before(self, items: list[Item], toks: list[Token], trig: Item) -> str:
        """ "Trường X vinh dự được tặng Huân chương ...", "6 đơn vị nhận Cờ thi đua": the
        subject receives it."""
        if not trig.text.casefold().startswith(PASSIVE_AWARD):
            k = _pos(items, trig) - 1
            if not (k >= 0 and items[k].text.casefold() in {"được", "vinh dự", "đã"}):
                return ""
        k = _pos(items, trig) - 1
        while k >= 0 and items[k].kind == "WORD" and items[k].text.casefold() in {
            "được", "vinh", "dự", "đã", "vừa", "nhiều"
        }:
            k -= 1
        if k >= 0 and items[k].kind in {"BODY", "PERSON"}:
            it = items[k]
            return str(it.attrs.get("person") or it.text)
        m = k  # a counted group written in words: "90 gia đình văn hóa tiêu biểu"
        while m >= 0 and items[m].kind == "WORD" and k - m < MAX_PHRASE:
            m -= 1
        first = items[m + 1] if m + 1 <= k else None
        if first is not None and first.text.isdigit() and (m < 0 or items[m].kind == "PUNCT"
                                                           or items[m].kind == "TRIG"):
            return _span(toks, first.i, items[k].j)
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


def _trim_lower(toks: list[Token], i: int, end: int, pairs: frozenset[str]) -> int:
    """Drop lower-case words that end a name ("Trung ương 4 khóa XI gắn với" -> "... XI",
    "Chính phủ quy định" -> "Chính phủ"); a syllable that continues a known name after a
    capitalised one stays ("Bộ Chính trị")."""
    while end > i + 1:
        t, prev = toks[end - 1], toks[end - 2]
        if not t.word or t.cap or t.text[0].isdigit() or t.key in INSIDE_NAMES:
            break
        if prev.cap and f"{prev.key} {t.key}" in pairs:
            break
        end -= 1
    return end


def _code_end(toks: list[Token], k: int) -> int:
    """End of a document's number and code from token k: "57-NQ/TW", "1095/QĐ-UBND", "30a"."""
    n = len(toks)
    end = k
    while end < n:
        t = toks[end]
        joined = end > k and toks[end - 1].text in CODE_JOINERS
        if t.word and (t.text[0].isdigit() or t.text[0].isupper() and joined):
            end += 1
            continue
        nxt = toks[end + 1] if end + 1 < n else None
        if t.text in CODE_JOINERS and end > k and nxt is not None and nxt.word \
                and (nxt.text[0].isdigit() or nxt.text[0].isupper()):
            end += 1
            continue
        break
    return end
