"""Articles in, facts out: a pure function of one article and the lexicon.

The pipeline per sentence (spaCy style, each step a small component):
tokenize -> tag mentions -> validate persons -> relation patterns -> event patterns.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..articles import Article
from ..lexicon import Lexicon, Token, load_lexicon, tokenize
from ..text import key, split_sentences
from .events import EventFinder
from .facts import EXPORT_FIELDS, EXTRACTOR_VERSION, RELATIONS, Fact
from .mentions import Item, Tagger
from .relations import RelationFinder

__all__ = ["EXPORT_FIELDS", "EXTRACTOR_VERSION", "RELATIONS", "Extractor", "Fact", "extract"]

CREDIT_MARKERS = {"ảnh", "nguồn", "theo", "video", "clip", "đồ họa", "đồ hoạ"}


class Extractor:
    def __init__(self, lexicon: Lexicon | None = None):
        self.lex = lexicon or load_lexicon()
        self.tagger = Tagger(self.lex)
        self.relations = RelationFinder(self.lex)
        self.events = EventFinder(self.lex, self.tagger)
        self._no_break = self.lex.no_break

    def __call__(self, article: Article) -> list[Fact]:
        return self.extract(article)

    def extract(self, article: Article) -> list[Fact]:
        text = article.text
        sentences = split_sentences(text, self._no_break)
        known: dict[str, str] = {}  # name key -> full name as first written
        facts: list[Fact] = []
        for si, (a, b) in enumerate(sentences):
            toks = tokenize(text[a:b], a)
            if not toks:
                continue
            items = self.tagger.tag(toks)
            self._validate_persons(items, toks, known, last=si == len(sentences) - 1)
            base = {"article": article.id, "date": article.date or "",
                    "sentence": text[a:b], "sentence_index": si}
            for it in items:
                if it.kind == "PERSON" and it.attrs.get("person"):
                    facts.append(Fact(relation="mentions", person=str(it.attrs["person"]),
                                      start=toks[it.i].start, end=toks[it.j - 1].end,
                                      confidence=0.9, **base))
            for c in self.relations.find(items, toks):
                person = str(c.person.attrs["person"])
                title = c.title
                facts.append(Fact(
                    relation=c.relation, person=person,
                    post=title.post_text if title else "",
                    body=title.body if title else "",
                    post_id=title.post.iri if title and title.post else "",
                    start=toks[c.start].start, end=toks[c.end - 1].end,
                    confidence=c.confidence, **base))
            for f in self.events.find(items, toks, text):
                facts.append(Fact(**{**base, **f}))
        return _dedupe(facts)

    def _validate_persons(self, items: list[Item], toks: list[Token], known: dict[str, str],
                          last: bool) -> None:
        """Decide which capitalised runs are people, and attach short references
        ("ông Tiến") to the full name written earlier in the article."""
        lex = self.lex
        only_names = all(it.kind in {"PERSON", "PUNCT"} for it in items)
        for idx, it in enumerate(items):
            if it.kind != "PERSON":
                continue
            prev = items[idx - 1] if idx else None
            prev2 = items[idx - 2] if idx > 1 else None
            if prev and prev.kind == "PUNCT" and prev2 and prev2.text.casefold() in CREDIT_MARKERS:
                continue  # "Ảnh: Nhan Sáng"
            if last and only_names:
                continue  # a byline
            n = it.j - it.i
            cue = prev is not None and prev.kind in {"CUE", "TITLE"} and prev.j == it.i
            if n == 1:
                ref = self._short_ref(toks[it.i].key, known) if cue and prev.kind == "CUE" else None
                if ref:
                    it.attrs["person"] = ref
                continue
            nxt = items[idx + 1] if idx + 1 < len(items) else None
            nxt2 = items[idx + 2] if idx + 2 < len(items) else None
            appos = nxt is not None and nxt.text in {",", "-", "–", "("} and nxt2 is not None \
                and nxt2.kind == "TITLE"
            k = key(it.text)
            surname = toks[it.i].key in lex.surnames
            if cue or k in known or (surname and (n >= 3 or appos or n == 2)):
                known.setdefault(k, it.text)
                it.attrs["person"] = known[k]

    @staticmethod
    def _short_ref(given_key: str, known: dict[str, str]) -> str | None:
        hits = {v for k, v in known.items() if k.rsplit(" ", 1)[-1] == given_key}
        return hits.pop() if len(hits) == 1 else None


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
