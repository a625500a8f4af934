"""The extractor's knowledge, loaded from data: SKOS vocabularies and TSV tables.

Everything the extractor knows about titles, bodies, awards, triggers, honorifics,
family names and provinces comes from ``ontology/*.ttl`` and ``data/*``; this module
turns those files into :class:`PhraseMatcher` tries over tone-insensitive token keys.
Adding a title is an edit to ``ontology/posts.ttl``, never to code.
"""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

import pyoxigraph as ox

from .text import nfc, syllable_key

KG = "https://w3id.org/vnkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

T = TypeVar("T")

# Tokens: words (letters/digits, with inner & ' - joining "GD&ĐT", "LĐ-TB&XH") or one
# punctuation character. Offsets index the sentence string.
TOKEN = re.compile(r"\w+(?:[&'’]\w+)*|[^\w\s]", re.UNICODE)


class Token(NamedTuple):
    """One token of a sentence; offsets index the article text."""

    text: str
    start: int
    end: int
    key: str
    cap: bool = False  # starts with an upper-case letter
    word: bool = False  # a word (letters/digits), not punctuation


# token text -> (its length, key, cap, word)
_TOKEN_INFO: dict[str, tuple[int, str, bool, bool]] = {}
# text between two spaces that is not one word -> its tokens as (offset in the text,
# token text, length, key, cap, word)
_CHUNK_TOKENS: dict[str, tuple[tuple[int, str, int, str, bool, bool], ...]] = {}
# White space before each token, for the text between two spaces that is not one word.
_SPACED_TOKEN = re.compile(r"(\s*)(" + TOKEN.pattern + ")", re.UNICODE)
_CACHE_LIMIT = 200_000


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of ``text``, offsets counted from ``offset``.

    The text is cut at spaces first (no token holds a space): nine pieces in ten are
    one word, looked up in a cache; the rest go through the token pattern once and
    are cached too. The result is exactly what ``TOKEN.finditer`` would give.
    """
    out: list[Token] = []
    append = out.append
    info, chunks = _TOKEN_INFO, _CHUNK_TOKENS
    new = tuple.__new__
    pos = offset
    for chunk in text.split(" "):
        inf = info.get(chunk)
        if inf is not None:
            length, k, cap, word = inf
            append(new(Token, (chunk, pos, pos + length, k, cap, word)))
            pos += length + 1
            continue
        if not chunk:
            pos += 1
            continue
        parts = chunks.get(chunk)
        if parts is None:
            if chunk.isalnum():
                if len(info) > _CACHE_LIMIT:
                    info.clear()
                length, k, cap, word = info[chunk] = (len(chunk), *_token_info(chunk))
                append(new(Token, (chunk, pos, pos + length, k, cap, word)))
                pos += length + 1
                continue
            if len(chunks) > _CACHE_LIMIT:
                chunks.clear()
            parts = chunks[chunk] = _chunk_tokens(chunk)
        for at, t, length, k, cap, word in parts:
            start = pos + at
            append(new(Token, (t, start, start + length, k, cap, word)))
        pos += len(chunk) + 1
    return out


def _token_info(t: str) -> tuple[str, bool, bool]:
    return syllable_key(t), t[0].isupper(), t[0].isalnum()


def _chunk_tokens(chunk: str) -> tuple[tuple[int, str, int, str, bool, bool], ...]:
    parts = []
    at = 0
    for space, t in _SPACED_TOKEN.findall(chunk):
        at += len(space)
        parts.append((at, t, len(t), *_token_info(t)))
        at += len(t)
    return tuple(parts)


def token_keys(text: str) -> tuple[str, ...]:
    return tuple(syllable_key(m.group()) for m in TOKEN.finditer(nfc(text)))


_END = ""  # trie key under which a node stores its phrase's value (never a token key)


class PhraseMatcher(Generic[T]):
    """Longest-match lookup of phrases over token keys (case and tone-placement blind).

    A trie of token keys: a match costs one dict lookup per token of the phrase found,
    whatever the size of the vocabulary.
    """

    def __init__(self) -> None:
        self._root: dict[str, dict] = {}
        self._size = 0

    def add(self, phrase: str | tuple[str, ...], value: T) -> None:
        keys = token_keys(phrase) if isinstance(phrase, str) else phrase
        if not keys:
            return
        node = self._root
        for k in keys:
            node = node.setdefault(k, {})
        if _END in node:
            return  # first entry wins: a prefLabel beats a later altLabel
        node[_END] = value
        self._size += 1

    def match(self, tokens: list[Token], i: int) -> tuple[int, T] | None:
        """The longest phrase starting at token ``i``: (number of tokens, value)."""
        n = len(tokens)
        if i >= n:
            return None
        node = self._root.get(tokens[i].key)
        if node is None:
            return None
        best = (1, node[_END]) if _END in node else None
        j = i + 1
        while j < n:
            node = node.get(tokens[j].key)
            if node is None:
                break
            j += 1
            if _END in node:
                best = (j - i, node[_END])
        return best

    def match_all(self, tokens: list[Token], i: int) -> list[tuple[int, T]]:
        """Every phrase starting at token ``i``, shortest first."""
        out: list[tuple[int, T]] = []
        node: dict | None = self._root
        j, n = i, len(tokens)
        while j < n and node is not None:
            node = node.get(tokens[j].key)
            j += 1
            if node is not None and _END in node:
                out.append((j - i, node[_END]))
        return out

    def opens(self, tokens: list[Token], lo: int = 0, hi: int | None = None) -> list[int]:
        """Indexes in [lo, hi) of the tokens that open some phrase: where ``match`` can
        find one (a pass over a sentence then calls it only there)."""
        root = self._root
        hi = len(tokens) if hi is None else min(hi, len(tokens))
        return [t for t in range(max(0, lo), hi) if tokens[t].key in root]

    def first_keys(self) -> frozenset[str]:
        """Keys of the tokens that open some phrase."""
        return frozenset(self._root)

    def __contains__(self, phrase: str) -> bool:
        node: dict | None = self._root
        for k in token_keys(phrase):
            node = node.get(k) if node is not None else None
        return node is not None and _END in node

    def __len__(self) -> int:
        return self._size


@dataclass(frozen=True)
class Post:
    iri: str
    label_vi: str
    label_en: str
    implied_body_head: str | None = None
    no_body: bool = False
    default_body: str | None = None
    fused_body: str | None = None  # "Tỉnh ủy viên" -> "Tỉnh ủy"
    minor: bool = False  # a workplace rank ("Trưởng khoa"): tagged, but gives no fact
    membership: bool = False  # plain membership ("Ủy viên"): "bầu vào <body>" gives it
    place_party: bool = False  # before a place, a post of its Party committee ("Bí thư tỉnh X")


@dataclass(frozen=True)
class BodyType:
    iri: str
    label_vi: str
    label_en: str
    kind: str  # PartyBody, StateBody, OtherBody, Event
    standalone: bool
    needs_name: bool
    local: bool = False  # a locality completes its name ("Tỉnh ủy" + "Nghệ An")


@dataclass(frozen=True)
class AwardType:
    iri: str
    label_vi: str
    label_en: str
    top: bool
    default_giver: str | None = None  # who confers it by law ("Huân chương" -> "Chủ tịch nước")


@dataclass(frozen=True)
class Province:
    name: str
    type: str  # "tỉnh" or "thành phố"
    period: str  # before, after, both
    successor: str | None


@dataclass
class Lexicon:
    posts: PhraseMatcher[Post] = field(default_factory=PhraseMatcher)
    body_types: PhraseMatcher[BodyType] = field(default_factory=PhraseMatcher)
    awards: PhraseMatcher[AwardType] = field(default_factory=PhraseMatcher)
    triggers: PhraseMatcher[tuple[str, str]] = field(default_factory=PhraseMatcher)
    cues: PhraseMatcher[str] = field(default_factory=PhraseMatcher)
    localities: PhraseMatcher[Province] = field(default_factory=PhraseMatcher)
    place_words: PhraseMatcher[str] = field(default_factory=PhraseMatcher)
    documents: PhraseMatcher[str] = field(default_factory=PhraseMatcher)
    landmarks: PhraseMatcher[str] = field(default_factory=PhraseMatcher)
    credits: frozenset[str] = frozenset()
    hedges: PhraseMatcher[str] = field(default_factory=PhraseMatcher)
    connectors: dict[str, frozenset[str]] = field(default_factory=dict)  # role -> phrase keys
    abbreviations: dict[str, str] = field(default_factory=dict)
    surnames: frozenset[str] = frozenset()
    name_words: frozenset[str] = frozenset()  # two-syllable words of organisations' names
    party_of_place: dict[str, str] = field(default_factory=dict)  # place word key -> committee
    stopwords: frozenset[str] = frozenset()
    post_by_iri: dict[str, Post] = field(default_factory=dict)
    body_type_by_iri: dict[str, BodyType] = field(default_factory=dict)
    award_by_iri: dict[str, AwardType] = field(default_factory=dict)
    provinces: dict[str, Province] = field(default_factory=dict)
    province_alts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _lower_starts: frozenset[str] | None = field(default=None, repr=False)
    _name_pairs: frozenset[str] | None = field(default=None, repr=False)
    _cap_starts: frozenset[str] | None = field(default=None, repr=False)

    @property
    def lower_starts(self) -> frozenset[str]:
        """Keys of tokens that may open a trigger, title, cue or body: any other lower-case
        token is a plain word (the tagger's fast path)."""
        if self._lower_starts is None:
            self._lower_starts = frozenset(
                k for m in (self.triggers, self.posts, self.cues, self.body_types)
                for k in m.first_keys()
            )
        return self._lower_starts

    @property
    def cap_starts(self) -> frozenset[str]:
        """Keys of tokens that may open a trigger, title, cue, body or place: any other
        capitalised token can only start a name."""
        if self._cap_starts is None:
            self._cap_starts = self.lower_starts | self.localities.first_keys() \
                | self.place_words.first_keys()
        return self._cap_starts

    @property
    def name_pairs(self) -> frozenset[str]:
        """Adjacent token-key pairs inside the vocabulary's names ("chinh1 tri5", "trung
        ương"): a lower-case syllable after a capitalised one that continues a name."""
        if self._name_pairs is None:
            pairs: set[str] = set()
            for m in (self.posts, self.body_types, self.awards, self.documents, self.localities):
                stack: list[tuple[str, dict]] = [("", m._root)]
                while stack:
                    prev, node = stack.pop()
                    for k, child in node.items():
                        if k == _END:
                            continue
                        if prev:
                            pairs.add(f"{prev} {k}")
                        stack.append((k, child))
            self._name_pairs = frozenset(pairs)
        return self._name_pairs

    def hedged(self, toks: list[Token], lo: int, hi: int) -> bool:
        """Whether tokens [lo, hi) hold a hedge ("đề nghị", "trình") that is not part of a
        compound ("chương trình")."""
        compounds = self.connectors.get("not-hedge", frozenset())
        for t in self.hedges.opens(toks, lo, hi):
            if not self.hedges.match(toks, t):
                continue
            before = f"{toks[t - 1].key} {toks[t].key}" if t else ""
            after = f"{toks[t].key} {toks[t + 1].key}" if t + 1 < len(toks) else ""
            if before not in compounds and after not in compounds:
                return True
        return False

    @property
    def no_break(self) -> frozenset[str]:
        """Tokens after which a full stop does not end a sentence ("TP.", "PGS.")."""
        return frozenset(a for a in self.abbreviations if a.endswith("."))

    def expand(self, text: str) -> str:
        """Expand whole-word abbreviations ("UBND tỉnh" -> "Ủy ban nhân dân tỉnh")."""
        return _abbrev_re(tuple(self.abbreviations)).sub(
            lambda m: self.abbreviations.get(m.group(0), m.group(0)), text
        )


@lru_cache(maxsize=4)
def _abbrev_re(abbrs: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(a) for a in sorted(abbrs, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)")


# --- file access ---------------------------------------------------------------------------


def resource_dir(name: str) -> Path:
    """The ``ontology``, ``data`` or ``viz`` folder: the checkout's, or the installed copy."""
    checkout = Path(__file__).resolve().parents[2] / name
    if (checkout / ".." / "pyproject.toml").exists() and checkout.is_dir():
        return checkout
    package = {"ontology": "kg.ontology", "data": "kg.data", "viz": "kg.viz_assets"}[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"kg resource folder {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _tsv(path: Path) -> Iterator[list[str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [c.strip() for c in nfc(line).split("\t")]


def _lines(path: Path) -> frozenset[str]:
    """Phrases of a one-per-line word list, as keys ("" lines and # comments skipped)."""
    if not path.exists():
        return frozenset()
    return frozenset(
        " ".join(token_keys(line))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def _skos(path: Path) -> dict[str, dict[str, list[ox.Literal | ox.NamedNode]]]:
    """Concepts of a SKOS file: IRI -> predicate -> objects (pyoxigraph parses fast)."""
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    with path.open("rb") as fh:
        for t in ox.parse(fh, format=ox.RdfFormat.TURTLE):
            out[t.subject.value][t.predicate.value].append(t.object)
    return out


def _label(props: dict, pred: str, lang: str) -> list[str]:
    return [
        nfc(o.value)
        for o in props.get(pred, [])
        if isinstance(o, ox.Literal) and o.language == lang
    ]


def _flag(props: dict, name: str) -> bool:
    return any(o.value == "true" for o in props.get(KG + name, []))


def _first(props: dict, name: str) -> str | None:
    vals = props.get(KG + name, [])
    return nfc(vals[0].value) if vals else None


Shortening = tuple[str, str, re.Pattern[str]]  # abbreviation, expansion casefolded, pattern


def _shortenings(abbreviations: dict[str, str]) -> list[Shortening]:
    """The expansions of two words or more that a label may contain, compiled once (for
    each of a thousand labels, compiling them took 0.6 s of every start-up)."""
    return [(abbr, expansion.casefold(),
             re.compile(rf"(?<!\w){re.escape(expansion)}(?!\w)", re.IGNORECASE))
            for abbr, expansion in abbreviations.items()
            if not abbr.endswith(".") and len(expansion.split()) >= 2]


def _with_abbreviations(label: str, shortenings: list[Shortening]) -> Iterable[str]:
    """The label, and the label with each expansion it contains written as its abbreviation."""
    yield label
    folded = label.casefold()
    for abbr, expansion, pattern in shortenings:
        # casefolded containment is necessary for a case-blind match: the cheap test first
        if expansion in folded and pattern.search(label):
            yield pattern.sub(abbr, label)


def load_lexicon(ontology_dir: Path | None = None, data_dir: Path | None = None) -> Lexicon:
    return _load(str(ontology_dir or resource_dir("ontology")),
                 str(data_dir or resource_dir("data")))


@lru_cache(maxsize=2)
def _load(ontology_dir: str, data_dir: str) -> Lexicon:
    onto, data = Path(ontology_dir), Path(data_dir)
    lex = Lexicon()
    lex.abbreviations = {row[0]: row[1] for row in _tsv(data / "abbreviations.tsv")}
    expandable = _shortenings(lex.abbreviations)

    for iri, props in _skos(onto / "posts.ttl").items():
        vi = _label(props, SKOS + "prefLabel", "vi")
        if not vi or SKOS + "inScheme" not in props:
            continue
        post = Post(
            iri=iri,
            label_vi=vi[0],
            label_en=(_label(props, SKOS + "prefLabel", "en") or [vi[0]])[0],
            implied_body_head=_first(props, "impliedBodyHead"),
            no_body=_flag(props, "noBody"),
            default_body=_first(props, "defaultBody"),
            fused_body=_first(props, "fusedBody"),
            minor=_flag(props, "minor"),
            membership=_flag(props, "membership"),
            place_party=_flag(props, "placeParty"),
        )
        lex.post_by_iri[iri] = post
        for label in vi + _label(props, SKOS + "altLabel", "vi"):
            for variant in _with_abbreviations(label, expandable):
                lex.posts.add(variant, post)

    for iri, props in _skos(onto / "bodies.ttl").items():
        vi = _label(props, SKOS + "prefLabel", "vi")
        if not vi or SKOS + "inScheme" not in props:
            continue
        kinds = props.get(KG + "bodyKind", [])
        bt = BodyType(
            iri=iri,
            label_vi=vi[0],
            label_en=(_label(props, SKOS + "prefLabel", "en") or [vi[0]])[0],
            kind=kinds[0].value.rsplit("#", 1)[-1] if kinds else "OtherBody",
            standalone=_flag(props, "standalone"),
            needs_name=_flag(props, "needsName"),
            local=_flag(props, "local"),
        )
        lex.body_type_by_iri[iri] = bt
        for label in vi + _label(props, SKOS + "altLabel", "vi"):
            for variant in _with_abbreviations(label, expandable):
                lex.body_types.add(variant, bt)

    award_props = _skos(onto / "awards.ttl")

    def default_giver(iri: str, seen: int = 0) -> str | None:
        props = award_props.get(iri, {})
        giver = _first(props, "defaultGiver")
        if giver or seen > 8:
            return giver
        broader = props.get(SKOS + "broader", [])
        return default_giver(broader[0].value, seen + 1) if broader else None

    for iri, props in award_props.items():
        vi = _label(props, SKOS + "prefLabel", "vi")
        if not vi or SKOS + "inScheme" not in props:
            continue
        aw = AwardType(
            iri=iri,
            label_vi=vi[0],
            label_en=(_label(props, SKOS + "prefLabel", "en") or [vi[0]])[0],
            top=SKOS + "topConceptOf" in props,
            default_giver=default_giver(iri),
        )
        lex.award_by_iri[iri] = aw
        for label in vi + _label(props, SKOS + "altLabel", "vi"):
            lex.awards.add(label, aw)

    for row in _tsv(data / "triggers.tsv"):
        lex.triggers.add(row[1], (row[0], row[2]))
    for row in _tsv(data / "person_cues.tsv"):
        lex.cues.add(row[0], row[1])
    lex.surnames = frozenset(
        syllable_key(line.strip())
        for line in (data / "surnames.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    if (data / "stopwords.txt").exists():
        lex.stopwords = frozenset(
            " ".join(token_keys(line))
            for line in (data / "stopwords.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        )
    for row in _tsv(data / "provinces.tsv"):
        row += [""] * (5 - len(row))
        prov = Province(row[0], row[1], row[2], row[3] or None)
        lex.provinces[row[0]] = prov
        lex.province_alts[row[0]] = tuple(filter(None, row[4].split("|")))
        for name in [row[0], *filter(None, row[4].split("|"))]:
            lex.localities.add(name, prov)
    for row in _tsv(data / "countries.tsv"):
        row += [""] * (2 - len(row))
        country = Province(row[0], "quốc gia", "both", None)
        for name in [row[0], *filter(None, row[1].split("|"))]:
            lex.localities.add(name, country)
    for row in _tsv(data / "place_words.tsv"):
        lex.place_words.add(row[0], row[1])
        if len(row) > 2 and row[2]:
            lex.party_of_place[" ".join(token_keys(row[0]))] = row[2]
    for row in _tsv(data / "documents.tsv"):
        lex.documents.add(row[0], row[1])
    lex.credits = _lines(data / "credit_words.txt")
    lex.name_words = _lines(data / "name_words.txt")
    for phrase in _lines(data / "hedges.txt"):
        lex.hedges.add(tuple(phrase.split()), phrase)
    roles: dict[str, set[str]] = defaultdict(set)
    for row in _tsv(data / "connectors.tsv"):
        roles[row[1]].add(" ".join(token_keys(row[0])))
    lex.connectors = {role: frozenset(v) for role, v in roles.items()}
    if (data / "landmark_words.tsv").exists():
        for row in _tsv(data / "landmark_words.tsv"):
            lex.landmarks.add(row[0], row[1])
    return lex
