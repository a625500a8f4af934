"""Vietnamese text normalisation: NFC, tone-placement keys, accent folding, sentences.

Keys made here are for matching and identity only; the labels people see keep the
article's spelling. Nothing in this module imports from the rest of ``kg``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

# Combining tone marks and the digit each stands for in a syllable key.
TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(text: str) -> str:
    """NFC with non-breaking and odd spaces turned into plain spaces."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ").replace("\ufeff", "")


@lru_cache(maxsize=1 << 18)
def syllable_key(syllable: str) -> str:
    """A lower-case key for one syllable that ignores where the tone mark sits.

    "hoà" and "hòa", "thuỷ" and "thủy" give the same key ("hoa2", "thuy3").
    """
    tone = ""
    kept = []
    for ch in unicodedata.normalize("NFD", syllable.casefold()):
        if ch in TONES:
            tone = TONES[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)) + tone


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """A matching key for a phrase: NFC, case folded, tone-placement independent,
    punctuation dropped, spaces collapsed."""
    return " ".join(syllable_key(w) for w in _WORD.findall(nfc(text)))


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Accent-insensitive form for search boxes: "Phạm Đức Tiến" -> "pham duc tien"."""
    text = nfc(text).casefold().replace("đ", "d")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
    )
    return _SPACES.sub(" ", stripped).strip()


def squash(text: str) -> str:
    """Collapse runs of white space to one space and trim."""
    return _SPACES.sub(" ", text).strip()


def slug(text: str, limit: int = 80) -> str:
    """An IRI-safe, readable identifier: "Tỉnh ủy Nghệ An" -> "tinh-uy-nghe-an"."""
    out = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return out[:limit].rstrip("-") or "x"


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


# A sentence ends at . ! ? … (optionally followed by closing quotes or brackets) before
# white space, or at a line break. Abbreviations ending in "." are protected by the caller.
# Written as one character class and then the rest (a run of line breaks, or of end marks
# and closers before white space), not as "[.!?…]+[...]*(?=\s)|\n+": a pattern that opens
# with one class lets the regex engine skip to candidates in C, five times faster.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)\n*|[.!?…]*[\"”’)\]]*(?=\s))")


def split_sentences(text: str, no_break: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (white space trimmed).

    ``no_break`` holds tokens ending in "." after which a sentence never ends
    ("TP.", "PGS.", "Q."), and a full stop followed by a lower-case word or a digit
    is not a boundary either.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if m.group().startswith("."):
            token_start = text.rfind(" ", start, m.start()) + 1
            token = text[token_start : m.start() + 1]
            k = end
            while k < len(text) and text[k] == " ":
                k += 1
            nxt = text[k:k + 1]  # no copy of the rest of the text (big articles)
            if token in no_break or _list_number(token) or (nxt and nxt.islower()):
                continue
        _append_trimmed(text, start, end, spans)
        start = end
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def words(text: str) -> Iterator[re.Match[str]]:
    """Word tokens (letters and digits) with their offsets."""
    return _WORD.finditer(text)


def _list_number(token: str) -> bool:
    """ "1." or "12." numbering a list item; a year ("năm 1970.") does end a sentence."""
    digits = token.rstrip(".")
    return digits.isdigit() and len(digits) <= 2
