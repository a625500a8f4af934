"""Property-based tests (hypothesis) for the reader, the normaliser and the extractor: no
unhandled exception on any text, normalisation idempotent, every fact's span inside its
sentence and every sentence inside its article."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache

from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from kg.articles import Article, ArticleFormatError, ReadError, parse_article_text, read_jsonl
from kg.encodings import EncodingError, clean_text, decode_bytes
from kg.extract import RELATIONS, Extractor
from kg.lexicon import TOKEN, tokenize
from kg.rdf import Mapper
from kg.text import _SENTENCE_END, fold, key, nfc, split_sentences, syllable_key

from .conftest import SAMPLES

VI_LOWER = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrst"
            "uùúủũụưừứửữựvxyỳýỷỹỵ")
VI_LETTERS = VI_LOWER + VI_LOWER.upper()
PUNCT = ".,;:!?…\"'“”‘’()[]-–—/%&*+=@#"
SPACE = "   \n\n\t\r\u00a0"
COMBINING = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"

vi_char = st.one_of(
    st.sampled_from(VI_LETTERS), st.sampled_from(PUNCT), st.sampled_from(SPACE),
    st.sampled_from("0123456789"), st.sampled_from(COMBINING),
    st.characters(codec="utf-8"),  # anything else, now and then
)
vi_text = st.text(alphabet=vi_char, max_size=400)

# Words of the sample articles (names, posts, bodies, triggers) recombined into sentences,
# so the extractor's patterns fire on text no one wrote.
_SAMPLE_WORDS = sorted({w for p in SAMPLES.glob("*.txt")
                        for w in p.read_text(encoding="utf-8").split()})
words = st.one_of(st.sampled_from(_SAMPLE_WORDS), st.sampled_from(_SAMPLE_WORDS),
                  st.sampled_from(list(PUNCT)), st.text(alphabet=vi_char, min_size=1, max_size=8))
# ... and sentences in the shapes the extractor looks for, with random people and noise
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
_GIVEN = ["Văn", "Thị", "Minh", "Quốc", "Thu", "Hữu", "Đức", "Thanh", "Hà", "Khoa", "Tâm",
          "Lan", "Bình", "Sơn", "Việt", "Hùng"]
_POSTS = ["Chủ tịch UBND tỉnh Hòa Bắc", "Bí thư Tỉnh ủy", "Phó Chủ tịch HĐND tỉnh",
          "Giám đốc Sở Tài chính", "Ủy viên Ban Thường vụ Tỉnh ủy", "Bộ trưởng Bộ Y tế",
          "Trưởng Ban Tổ chức Tỉnh ủy Hòa Bắc", "nguyên Chủ tịch UBND huyện Sông Mây"]
_CUES = ["Đồng chí", "Ông", "Bà", "đồng chí", "PGS.TS", "Thiếu tướng", ""]
_VERBS = ["chủ trì hội nghị", "phát biểu", "được bầu giữ chức", "được bổ nhiệm làm",
          "trao tặng Bằng khen cho", "dự họp", "thông qua Nghị quyết số 12"]
names = st.builds(lambda s, g: " ".join([s, *g]), st.sampled_from(_SURNAMES),
                  st.lists(st.sampled_from(_GIVEN), min_size=1, max_size=3))
shaped = st.builds(
    lambda cue, name, post, verb, noise, tail: f"{noise}{cue} {name}, {post}, {verb} {tail}",
    st.sampled_from(_CUES), names, st.sampled_from(_POSTS), st.sampled_from(_VERBS),
    st.sampled_from(["", "", "=1+2 ", "“", "(", "Sáng 15/1, ", "TP. "]),
    st.one_of(st.just(""), names, st.sampled_from(_POSTS), st.text(alphabet=vi_char,
                                                                    max_size=10)))
sentences = st.one_of(shaped, st.lists(words, min_size=1, max_size=40).map(" ".join))
paragraph_sep = st.sampled_from([" ", ". ", "\n", "\n\n", ".\n\n", "! ", "? "])
article_texts = st.lists(st.tuples(sentences, paragraph_sep), max_size=12).map(
    lambda parts: "".join(s + sep for s, sep in parts))


@cache
def extractor() -> Extractor:
    return Extractor()


@cache
def mapper() -> Mapper:
    return Mapper(extractor().lex)


def _render(article: Article) -> str:
    return f" date {article.date or 'unknown'} {article.title}\n\n{article.body}\n"


# --- bytes to text -------------------------------------------------------------------------

@given(st.binary(max_size=2000))
@settings(max_examples=400, deadline=None)
@example(b"\xff\xfe\x00")
@example(b"\xef\xbb\xbf\x00")
@example(b"\x00" * 6)
def test_decode_bytes_never_crashes(data):
    try:
        text, note = decode_bytes(data)
    except EncodingError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(text, str) and (note is None or note.startswith("converted from"))


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
               max_size=500))
@settings(max_examples=400, deadline=None)
def test_utf8_is_never_mistaken_for_a_legacy_encoding(text):
    assert decode_bytes(text.encode("utf-8")) == (text, None)
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, None)


# --- the readers --------------------------------------------------------------------------

@given(vi_text)
@settings(max_examples=400, deadline=None)
def test_parse_article_text_never_crashes_and_is_idempotent(text):
    try:
        art = parse_article_text(text, "x")
    except ArticleFormatError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert unicodedata.is_normalized("NFC", art.text)
    assert clean_text(art.text) == art.text
    again = parse_article_text(_render(art), "x")
    assert (again.title, again.body, again.date) == (art.title, art.body, art.date)


@given(st.lists(st.one_of(vi_text, st.sampled_from(["{", "}", "[]", "null", '{"id": 1}'])),
                max_size=8))
@settings(max_examples=300, deadline=None)
def test_read_jsonl_never_crashes_on_any_line(lines):
    for item in read_jsonl(lines, "t.jsonl"):
        assert isinstance(item, (Article, ReadError))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | vi_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=8)


@given(st.fixed_dictionaries({}, optional={k: json_values for k in
                                           ("id", "title", "text", "date", "url", "source")}))
@settings(max_examples=400, deadline=None)
def test_read_jsonl_never_crashes_on_any_object(obj):
    (item,) = list(read_jsonl([json.dumps(obj)], "t.jsonl")) or [None]
    if item is None:
        return
    assert isinstance(item, (Article, ReadError))
    if isinstance(item, ReadError):
        assert item.line == 1
    else:
        assert item.text and unicodedata.is_normalized("NFC", item.text)


# --- the normaliser -----------------------------------------------------------------------

@given(vi_text)
@settings(max_examples=500, deadline=None)
def test_normalisation_is_idempotent(text):
    assert nfc(nfc(text)) == nfc(text)
    assert fold(fold(text)) == fold(text)
    assert key(key(text)) == key(text)


@given(vi_text)
@settings(max_examples=500, deadline=None)
def test_keys_ignore_the_unicode_form(text):
    nfd = unicodedata.normalize("NFD", text)
    assert key(nfd) == key(text)
    assert fold(nfd) == fold(text)


@given(vi_text, st.integers(min_value=0, max_value=10_000))
@settings(max_examples=500, deadline=None)
@example("  Ông  Nguyễn\tVăn\n\nA, (UBND) GD&ĐT ", 7)
def test_tokenize_gives_the_token_pattern_s_tokens(text, offset):
    """The space-splitting, cached tokenizer gives exactly what the token pattern finds,
    with article offsets, whatever the white space and however often a text recurs."""
    want = [(m.group(), m.start() + offset, m.end() + offset, syllable_key(m.group()),
             m.group()[0].isupper(), m.group()[0].isalnum()) for m in TOKEN.finditer(text)]
    assert [tuple(t) for t in tokenize(text, offset)] == want
    assert [tuple(t) for t in tokenize(text, offset)] == want  # from the caches


@given(st.text(alphabet=st.sampled_from("ab .!?…\n\t\"”’)]"), max_size=60) | vi_text)
@settings(max_examples=500, deadline=None)
def test_sentence_end_pattern_is_its_plain_spelling(text):
    """The sentence-end pattern, written for speed, finds what its plain spelling finds."""
    plain = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s)|\n+")
    assert [m.span() for m in _SENTENCE_END.finditer(text)] == \
        [m.span() for m in plain.finditer(text)]


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_province_pattern_is_its_plain_spelling(data):
    """The province pattern, written for speed, finds what the plain alternation finds."""
    from kg.bodies import _province_pattern
    from kg.lexicon import load_lexicon

    pattern, names = _province_pattern(load_lexicon())
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    plain = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
    bits = st.sampled_from(sorted(names)) | st.sampled_from([" ", "-", "x", "_", "(", "A", "\n"])
    text = "".join(data.draw(st.lists(bits, max_size=12)))
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(st.text(alphabet=st.sampled_from(VI_LETTERS + COMBINING + "0123456789"), max_size=12))
@settings(max_examples=500, deadline=None)
def test_syllable_key_is_idempotent(syllable):
    assert syllable_key(syllable_key(syllable)) == syllable_key(syllable)


@given(vi_text, st.sets(st.sampled_from(["TP.", "PGS.", "Q.", "St.", "Dr."]), max_size=3))
@settings(max_examples=500, deadline=None)
def test_split_sentences_gives_trimmed_ordered_spans(text, no_break):
    spans = split_sentences(text, frozenset(no_break))
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        last = b
    # nothing but white space is left out
    covered = set().union(*(range(a, b) for a, b in spans)) if spans else set()
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


# --- the extractor ------------------------------------------------------------------------

def check_facts(article: Article) -> None:
    facts = extractor().extract(article)
    event(f"facts: {min(len(facts), 5)}{'+' if len(facts) >= 5 else ''}")
    text = article.text
    n_sentences = len(split_sentences(text, extractor().lex.no_break))
    for f in facts:
        assert f.article == article.id and f.relation in RELATIONS
        assert 0 <= f.start < f.end <= len(text), f
        assert f.sentence and f.sentence in text, f
        assert 0 <= f.sentence_index < n_sentences
        # the span lies inside (an occurrence of) its sentence
        pos, inside = text.find(f.sentence), False
        while pos != -1 and not inside:
            inside = pos <= f.start and f.end <= pos + len(f.sentence)
            pos = text.find(f.sentence, pos + 1)
        assert inside, (f.sentence, f.start, f.end, text[f.start:f.end])
    mapper().quads(article, facts)  # mapping to RDF never fails either


@given(article_texts, sentences)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extractor_spans_lie_in_their_sentences(body, title):
    try:
        article = parse_article_text(f" date 2026-01-01 {title}\n\n{body}", "p")
    except ArticleFormatError:
        assume(False)
        return
    check_facts(article)


@given(vi_text, vi_text)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extractor_never_crashes_on_any_text(title, body):
    # built directly, without the reader's clean-up, as a library user may
    check_facts(Article(id="raw", title=title, body=body))
