"""Articles in, facts out: a pure function of one article and the lexicon.

The pipeline per sentence (spaCy style, each step a small component):
tokenize -> tag mentions -> validate persons -> relation patterns -> event patterns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress, count
from operator import attrgetter

from ..articles import Article
from ..lexicon import Lexicon, Token, load_lexicon, tokenize
from ..text import key, split_sentences, syllable_key
from .events import EventFinder
from .facts import EXPORT_FIELDS, EXTRACTOR_VERSION, MEMBERSHIP_RELATIONS, RELATIONS, Fact
from .mentions import ITEM_KINDS, Item, Tagger
from .relations import RelationFinder

__all__ = ["EXPORT_FIELDS", "EXTRACTOR_VERSION", "RELATIONS", "Extractor", "Fact", "extract"]

def _short_ref(k: str, full: dict[str, str]) -> str | None:
    """The one full name in ``full`` that ends with the words ``k`` ("Tiến", "Kim Ngân")."""
    tail = " " + k
    hits = {v for f, v in full.items() if f.endswith(tail)}
    return hits.pop() if len(hits) == 1 else None


@dataclass
class ArticleNames:
    """What the whole article says about names, gathered before any fact is read:
    full names (for short references written before or after them) and names of
    places (so that "Hà Tiên" in "cho Hà Tiên" is not read as a person)."""

    full: dict[str, str] = field(default_factory=dict)  # key -> name as first written
    places: set[str] = field(default_factory=set)
    refs: dict[str, str | None] = field(default_factory=dict)  # short ref -> full name

    def short_ref(self, k: str) -> str | None:
        """The one full name that ends with the words ``k`` (memoised: ``full`` is
        complete by the time persons are read)."""
        if k not in self.refs:
            self.refs[k] = _short_ref(k, self.full)
        return self.refs[k]


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    toks: list[Token]
    items: list[Item]
    kinds: frozenset[str] = frozenset()  # the kinds of item the sentence holds
    persons: tuple[int, ...] = ()  # indexes of its PERSON items (the passes over names)
    tagged: tuple[int, ...] = ()  # indexes of its items other than plain words and punctuation
    # indexes of PERSON items in a photo credit or byline, or after a street or product word
    not_persons: set[int] = field(default_factory=set)


class Extractor:
    def __init__(self, lexicon: Lexicon | None = None):
        self.lex = lexicon or load_lexicon()
        self.tagger = Tagger(self.lex)
        self.relations = RelationFinder(self.lex)
        self.events = EventFinder(self.lex, self.tagger)
        self._no_break = self.lex.no_break
        self._landmark_starts = self.lex.landmarks.first_keys()

    def __call__(self, article: Article) -> list[Fact]:
        return self.extract(article)

    def extract(self, article: Article) -> list[Fact]:
        text = article.text
        spans = split_sentences(text, self._no_break)
        sentences = []
        for si, (a, b) in enumerate(spans):
            # no token crosses a sentence boundary (sentences end before white space)
            toks = tokenize(text[a:b], a)
            if toks:
                items = self.tagger.tag(toks)
                kinds = list(map(_KIND, items))
                tagged = tuple(compress(count(), map(_IS_TAGGED.__getitem__, kinds)))
                sentences.append(Sentence(
                    si, a, b, toks, items, frozenset(kinds),
                    tuple(k for k in tagged if kinds[k] == "PERSON"), tagged))
        names = self._article_names(sentences)
        facts: list[Fact] = []
        focus: str | None = None  # the person last named, for "ông được bầu ..."
        for sent in sentences:
            toks, items, kinds = sent.toks, sent.items, sent.kinds
            has_person = "PERSON" in kinds
            if not (has_person or "TITLE" in kinds or "TRIG" in kinds) \
                    and not self.events.may_find(toks):
                continue  # no person, title, trigger or document: no fact
            base = {"article": article.id, "date": article.date or "",
                    "sentence": text[sent.start:sent.end], "sentence_index": sent.index}
            if has_person:
                self._validate_persons(items, toks, names, sent,
                                       last=sent.index == len(spans) - 1)
                for it in (items[k] for k in sent.persons):
                    if it.attrs.get("person"):
                        facts.append(Fact(relation="mentions", person=str(it.attrs["person"]),
                                          start=toks[it.i].start, end=toks[it.j - 1].end,
                                          confidence=0.9, **base))
            claims = self.relations.find(items, toks, focus, kinds, sent.tagged) \
                if "TITLE" in kinds or "TRIG" in kinds else ()
            for c in claims:
                person = str(c.person.attrs["person"])
                title = c.title
                facts.append(Fact(
                    relation=c.relation, person=person,
                    post=title.post_text if title else "",
                    body=title.body if title else "",
                    post_id=title.post.iri if title and title.post else "",
                    start=toks[c.start].start, end=toks[c.end - 1].end,
                    confidence=c.confidence, **base))
            for f in self.events.find(items, toks, text, kinds):
                facts.append(Fact(**{**base, **f}))
            if has_person:
                focus = next((str(items[k].attrs["person"]) for k in reversed(sent.persons)
                              if items[k].attrs.get("person")), focus)
        return _drop_partial(_dedupe(facts), self.lex)

    # --- persons -----------------------------------------------------------------------

    def _article_names(self, sentences: list[Sentence]) -> ArticleNames:
        names = ArticleNames()
        surnames = self.lex.surnames
        for sent in sentences:
            if not sent.kinds & _NAMED_KINDS:
                continue
            toks, items = sent.toks, sent.items
            for idx in sent.tagged:  # plain words and punctuation name no place
                it = items[idx]
                if it.place:
                    names.places.add(key(it.place))
                if it.kind != "PERSON":
                    continue
                k = key(it.text)
                if self._landmark_before(toks, it.i):
                    names.places.add(k)
                    sent.not_persons.add(idx)
                    continue
                if self._is_credit(items, idx):
                    sent.not_persons.add(idx)
                    continue
                n = it.j - it.i
                prev = items[idx - 1] if idx else None
                honorific = prev is not None and prev.kind == "CUE" and prev.j == it.i
                cued = honorific or prev is not None and prev.kind == "TITLE" and prev.j == it.i
                if toks[it.i].key in surnames:
                    if n >= 3 or (n == 2 and cued):
                        names.full.setdefault(k, it.text)
                elif n >= 2 and honorific and it.text.isascii() \
                        and not self._not_a_name(toks, it.i, it.j):
                    names.full.setdefault(k, it.text)  # "ông Miguel Diaz-Canel"
        for k in names.places:
            names.full.pop(k, None)
        for k in [k for k in names.full if _short_ref(k, names.full)]:
            del names.full[k]  # "bà Kim Ngân" is short for "Nguyễn Thị Kim Ngân"
        return names

    def _landmark_before(self, toks: list[Token], i: int) -> bool:
        """Whether the name at token i follows a street, building or product word."""
        starts = self._landmark_starts
        for size in (1, 2, 3):
            if i - size < 0 or toks[i - size].key not in starts:
                continue
            if i - size >= 0 and any(
                n == size for n, _ in self.lex.landmarks.match_all(toks, i - size)
            ):
                return True
        return False

    def _is_credit(self, items: list[Item], idx: int) -> bool:
        """ "Ảnh: Trí Dũng/TTXVN", "(Ảnh VGP/Nhật Bắc)": a name in a credit."""
        credits = self.lex.credits
        for k in range(idx - 1, max(-1, idx - 6), -1):
            it = items[k]
            first = syllable_key(it.text.split(" ", 1)[0])
            if first in credits or (it.kind == "WORD" and key(it.text) in credits):
                return True
            if it.kind == "PUNCT" and it.text in {"/", ":", "-", "–", "(", ","}:
                continue
            if it.kind in {"PERSON", "PROPER"} or (it.kind == "WORD" and it.text.isupper()):
                continue
            return False
        return False

    def _validate_persons(self, items: list[Item], toks: list[Token], names: ArticleNames,
                          sent: Sentence, last: bool) -> None:
        """Decide which capitalised runs are people, and attach short references
        ("ông Tiến", "bà Kim Ngân") to the full name the article writes."""
        if last and all(it.kind in {"PERSON", "PUNCT", "PROPER"} for it in items):
            return  # a byline
        for idx in sent.persons:
            it = items[idx]
            if idx in sent.not_persons:
                continue  # a photo credit, a street or a product
            person = self._person_name(items, idx, toks, names)
            if person:
                it.attrs["person"] = person

    def _person_name(self, items: list[Item], idx: int, toks: list[Token],
                     names: ArticleNames) -> str | None:
        it = items[idx]
        n = it.j - it.i
        k = key(it.text)
        prev = items[idx - 1] if idx else None
        honorific = prev is not None and prev.kind == "CUE" and prev.j == it.i
        cue = prev is not None and prev.kind in {"CUE", "TITLE"} and prev.j == it.i
        if it.attrs.get("historic"):
            return it.text  # "Chủ tịch Hồ Chí Minh", though the city is named too
        if k in names.places and not honorific:
            return None
        if k in names.full:
            return names.full[k]
        ref = names.short_ref(k)
        if ref and (n >= 2 or honorific):
            return ref
        if n == 1:
            return None
        if toks[it.i].key not in self.lex.surnames:
            if not cue or self._not_a_name(toks, it.i, it.j) or not it.text.isascii():
                return None  # a foreign name is written without Vietnamese tone marks
            return it.text
        nxt = items[idx + 1] if idx + 1 < len(items) else None
        nxt2 = items[idx + 2] if idx + 2 < len(items) else None
        appos = nxt is not None and nxt.text in {",", "-", "–", "("} and nxt2 is not None \
            and nxt2.kind == "TITLE"
        if n >= 3 or cue or appos:
            return it.text
        return None

    def _not_a_name(self, toks: list[Token], i: int, j: int) -> bool:
        """A run holding a place or an acronym ("HLG Phú Thọ") is an organisation."""
        return any(
            (toks[k].text.isupper() and len(toks[k].text) > 1)
            or (toks[k].cap and self.lex.localities.match(toks, k))
            for k in range(i, j)
        )


_NAMED_KINDS = frozenset({"PERSON", "PLACE", "BODY", "TITLE"})  # items naming a person or place
# whether an item of each kind is tagged (not a plain word or punctuation)
_IS_TAGGED = {kind: kind not in {"WORD", "PUNCT"} for kind in ITEM_KINDS}
_KIND = attrgetter("kind")


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen: dict[tuple[str, ...], int] = {}
    out: list[Fact] = []
    for f in facts:
        ident = f.identity()
        if ident in seen:
            if f.confidence > out[seen[ident]].confidence:
                out[seen[ident]] = f
            continue
        seen[ident] = len(out)
        out.append(f)
    return out


def _drop_partial(facts: list[Fact], lex: Lexicon) -> list[Fact]:
    """Keep one fact per person, post and relation where the article writes the body
    once in full and elsewhere shortened or not at all ("Bộ trưởng X" in the headline,
    "Bộ trưởng Bộ Tư pháp X" in the body): the shorter form names the same post."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    bodies: list[str] = []
    for f in facts:
        b = ""
        if f.relation in MEMBERSHIP_RELATIONS:
            b = f" {key(lex.expand(f.body))} " if f.body else " "
            groups.setdefault((f.relation, f.person, key(f.post)), []).append(b)
        bodies.append(b)
    out = []
    for f, b in zip(facts, bodies, strict=True):
        if f.relation in MEMBERSHIP_RELATIONS:
            others = groups[(f.relation, f.person, key(f.post))]
            if any(o != b and b in o for o in others):
                continue
        out.append(f)
    return out


_DEFAULT: Extractor | None = None


def extract(article: Article, extractor: Extractor | None = None) -> list[Fact]:
    """Facts of one article with the default lexicon."""
    global _DEFAULT
    if extractor is None:
        if _DEFAULT is None:
            _DEFAULT = Extractor()
        extractor = _DEFAULT
    return extractor.extract(article)


def extract_all(articles: Iterable[Article], extractor: Extractor | None = None) -> list[Fact]:
    ex = extractor or Extractor()
    return [f for a in articles for f in ex.extract(a)]
