"""Bytes to text: UTF-8 (with or without BOM), UTF-16/32, legacy Vietnamese encodings.

UTF-8 is always tried first, strictly; a legacy decoder never sees valid UTF-8. Bytes
that are not UTF-8 are tried as Windows-1258 (Python's ``cp1258``), TCVN3 (ABC) and
VNI Windows (tables in ``data/legacy_tcvn3.tsv`` and ``data/legacy_vni.tsv``), and the
result is kept only when it reads clearly as Vietnamese: most of its accented words
must be well-formed Vietnamese syllables. Anything else is refused with a message that
names the best guess, so nobody ingests mojibake by accident.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache
from pathlib import Path


class EncodingError(ValueError):
    """The bytes are not text this reader can decode. ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


# A converted text is kept when at least this share of its accented words are
# Vietnamese syllables, and there are at least MIN_WORDS of them to judge by.
MIN_SHARE = 0.85
MIN_WORDS = 3
SAMPLE = 256 * 1024  # bytes scored per candidate (the whole file is decoded once chosen)

LEGACY = ("Windows-1258", "TCVN3", "VNI")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode article bytes. Returns the text and a note when a conversion happened
    ("converted from TCVN3"); raises :class:`EncodingError` with the reason otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        return _utf8(data[3:]), None
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _strict(data, "utf-32", "UTF-32"), "converted from UTF-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16"), "converted from UTF-16"
    if b"\x00" in data:
        guess = _utf16_without_bom(data)
        if guess:
            return _strict(data, guess, "UTF-16"), "converted from UTF-16 (no BOM)"
        raise EncodingError("binary data (NUL bytes), not a text article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _legacy(data, exc)
    if _binary_looking(text):
        raise EncodingError("binary data (control characters), not a text article")
    return text, None


def clean_text(text: str) -> str:
    """Drop control characters (except tab, newline, carriage return) and replace lone
    surrogates, which no RDF or XML output can carry."""
    text = _CONTROL.sub("", text)
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


# --- Unicode encodings ---------------------------------------------------------------------


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EncodingError(f"not UTF-8: invalid byte 0x{data[exc.start]:02x}", line) from None


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise EncodingError(f"broken {name} at byte {exc.start}") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: NULs at every other position (ASCII letters, spaces
    and line ends have a zero high byte). Returns the codec name or None."""
    head = data[:4096]
    if len(head) < 4 or len(data) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.02:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.02:
        return "utf-16-be"
    return None


def _binary_looking(text: str) -> bool:
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    return controls > 8 and controls > len(sample) // 100


# --- legacy Vietnamese ---------------------------------------------------------------------


def _legacy(data: bytes, exc: UnicodeDecodeError) -> tuple[str, str]:
    line = data[: exc.start].count(b"\n") + 1
    where = f"not UTF-8 (invalid byte 0x{data[exc.start]:02x})"
    sample = _sample(data)
    scored = []
    for name in LEGACY:
        try:
            text = decode_legacy(sample, name)
        except ValueError:
            continue
        share, n = vietnamese_score(text)
        scored.append((share, n, name))
    if not scored:
        raise EncodingError(
            f"{where}, and not Windows-1258, TCVN3 or VNI text either; convert it to UTF-8",
            line)
    share, n, name = max(scored)
    if share >= MIN_SHARE and n >= MIN_WORDS:
        try:
            text = decode_legacy(data, name)
        except ValueError as err:
            raise EncodingError(f"{where}; looks like {name} but {err}", line) from None
        return text, f"converted from {name}"
    raise EncodingError(
        f"{where}; best guess {name}, but only {share:.0%} of {n} accented words read as "
        "Vietnamese, so it was not converted; convert the file to UTF-8", line)


def _sample(data: bytes) -> bytes:
    if len(data) <= SAMPLE:
        return data
    cut = data.rfind(b" ", 0, SAMPLE)  # never split a VNI letter and its modifier
    return data[: cut if cut > 0 else SAMPLE]


def decode_legacy(data: bytes, encoding: str) -> str:
    """Decode bytes in a legacy Vietnamese encoding into NFC text; ValueError names the
    first byte that encoding does not define."""
    if encoding == "Windows-1258":
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise ValueError(f"byte 0x{data[exc.start]:02x} is not defined in it") from None
        return unicodedata.normalize("NFC", text)
    table = _table(encoding)
    out: list[str] = []
    i, n = 0, len(data)
    ascii_run = re.compile(rb"[\x00-\x7f]+")
    while i < n:
        pair = table.get(data[i : i + 2]) if i + 1 < n else None
        if pair is not None:
            out.append(pair)
            i += 2
            continue
        single = table.get(data[i : i + 1])
        if single is not None:
            out.append(single)
            i += 1
            continue
        if data[i] < 0x80:
            m = ascii_run.match(data, i)
            assert m is not None
            # the last ASCII letter may be the base of a two-byte letter: leave it
            end = m.end() - 1 if m.end() < n and m.end() - i > 1 else m.end()
            out.append(data[i:end].decode("ascii"))
            i = end
            continue
        if data[i] <= _PUNCTUATION_FALLBACK[encoding]:
            try:
                out.append(data[i : i + 1].decode("cp1252"))
            except UnicodeDecodeError:
                raise ValueError(f"byte 0x{data[i]:02x} is not defined in it") from None
            i += 1
            continue
        raise ValueError(f"byte 0x{data[i]:02x} is not defined in it")
    return unicodedata.normalize("NFC", "".join(out))


# Bytes up to this value that the table leaves out are Windows-1252 punctuation (the
# Windows fonts of both encodings keep “ ” ‘ ’ – — … there).
_PUNCTUATION_FALLBACK = {"TCVN3": 0x9F, "VNI": 0xBF}


@cache
def _table(encoding: str) -> dict[bytes, str]:
    from .lexicon import resource_dir

    name = {"TCVN3": "legacy_tcvn3.tsv", "VNI": "legacy_vni.tsv"}[encoding]
    table: dict[bytes, str] = {}
    for line in Path(resource_dir("data"), name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        hexbytes, text = line.split("\t")[:2]
        table[bytes.fromhex(hexbytes)] = text
    return table


# --- is it Vietnamese? ----------------------------------------------------------------------

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEUS = (
    "(?:uyê|uya|uyu|ươu|ươi|uôi|oai|oay|oao|oeo|iêu|yêu|uây|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|ươ|ưa|ưi|ưu|"
    "uy|yê|[aăâeêioôơuưy])"
)
_CODA = "(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(f"{_ONSET}{_NUCLEUS}{_CODA}")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_LETTERS = re.compile(r"[^\W\d_]+")


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: onset, vowel nucleus, coda, at most one tone
    mark, and only sắc or nặng before the stop codas c, ch, p, t."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    if not _SYLLABLE.fullmatch(base):
        return False
    if tones and base.endswith(("c", "ch", "p", "t")):
        return tones[0] in {"\u0301", "\u0323"}
    return True


def vietnamese_score(text: str) -> tuple[float, int]:
    """Share of the words with a non-ASCII letter that are Vietnamese syllables, and
    how many such words there are."""
    words = [w for w in _LETTERS.findall(unicodedata.normalize("NFC", text)) if not w.isascii()]
    if not words:
        return 0.0, 0
    good = sum(1 for w in words if is_syllable(w))
    return good / len(words), len(words)
