"""Canonical bodies: what a body's name says about it.

Pure functions over a body's label and the lexicon: its type, the province it names
(after the 2025 mergers too), the body it belongs to ("Ban Thường vụ Tỉnh ủy X" within
"Tỉnh ủy X"), the congress's organiser, and the province an article leaves implicit
("Thành ủy" in an article about Hà Nội). The RDF mapping and the person resolver use them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from .lexicon import Lexicon, Token, token_keys, tokenize
from .text import key, syllable_key

BASE = "https://w3id.org/vnkg/"


@lru_cache(maxsize=1 << 14)
def _tok(text: str) -> list[Token]:
    return tokenize(text)


def body_kind(label: str, lex: Lexicon) -> str | None:
    m = lex.body_types.match(_tok(label), 0)
    return m[1].kind if m else None


# Body types that contain other bodies named after them ("Ban Tổ chức Tỉnh ủy X").
CONTAINER_TYPES = frozenset(BASE + "body-type/" + t for t in (
    "tinh-uy", "thanh-uy", "huyen-uy", "dang-uy", "dang-bo", "ban-chap-hanh",
    "ban-chap-hanh-trung-uong", "quoc-hoi", "chinh-phu", "uy-ban-nhan-dan",
    "hoi-dong-nhan-dan", "bo", "tong-cuc", "cuc", "so", "ban", "vien-han-lam", "dai-hoc",
    "hoc-vien", "bo-tu-lenh", "quan-khu", "cong-an", "toa-an", "vien-kiem-sat",
    "mat-tran-to-quoc", "cong-ty", "ngan-hang", "tong-lien-doan-lao-dong-viet-nam",
    "bo-quoc-phong", "uy-ban-kiem-tra",
))
# National bodies: the name stops with the type ("Quốc hội", not "Quốc hội tỉnh X").
NATIONAL_TYPES = frozenset(BASE + "body-type/" + t for t in (
    "quoc-hoi", "chinh-phu", "bo-chinh-tri", "ban-bi-thu", "ban-chap-hanh-trung-uong",
    "uy-ban-thuong-vu-quoc-hoi", "quoc-vu-vien",
))
# Provincial departments: within the people's committee of their province.
DEPARTMENT_TYPES = frozenset({BASE + "body-type/so"})
LIST_WORDS = frozenset(syllable_key(w) for w in ("và", "với", "cùng", ",", ";", "&"))
PLACE_WORDS = {token_keys(p): p for p in ("tỉnh", "thành phố", "TP.", "TP")}
_PLACE_FIRST = frozenset(keys[0] for keys in PLACE_WORDS)


def parent_body(label: str, lex: Lexicon) -> str | None:
    """The body a body's name says it belongs to, or None.

    "Ban Thường vụ Tỉnh ủy Nghệ An" -> "Tỉnh ủy Nghệ An" (a container type named later
    in the name); "Sở Y tế tỉnh Nghệ An" -> "UBND tỉnh Nghệ An" (a provincial
    department). Names that list several bodies ("UBND và HĐND tỉnh") give None.
    """
    toks = _tok(label)
    head = lex.body_types.match(toks, 0)
    if not head or head[1].kind == "Event" or head[1].iri in NATIONAL_TYPES:
        return None
    for i in range(head[0], len(toks)):
        if toks[i].key in LIST_WORDS and lex.body_types.match(toks, i + 1):
            return None  # "X và Y": two bodies, not one within another
        if not toks[i].cap:
            continue
        m = lex.body_types.match(toks, i)
        if not m or m[1].iri not in CONTAINER_TYPES or m[1].iri == head[1].iri:
            continue
        if m[1].needs_name and i + m[0] >= len(toks):
            continue
        end = toks[i + m[0] - 1].end if m[1].iri in NATIONAL_TYPES else len(label)
        return label[toks[i].start:end].strip(" .,;")
    if head[1].iri in DEPARTMENT_TYPES:
        place = _place(toks)
        if place is not None:
            return "UBND " + label[toks[place[0]].start:].strip(" .,;")
    return None


def _place(toks) -> tuple[int, int] | None:
    """(index, length) of the place word ("tỉnh", "thành phố", "TP") before a name."""
    for i in range(len(toks)):
        if toks[i].key not in _PLACE_FIRST:
            continue
        for keys in PLACE_WORDS:
            n = len(keys)
            if tuple(t.key for t in toks[i:i + n]) == keys and i + n < len(toks) \
                    and toks[i + n].cap:
                return i, n
    return None


PROVINCE_HEADS = ("/tinh-uy", "/thanh-uy")


def province_of(label: str, lex: Lexicon) -> tuple[str, int, int, int] | None:
    """The province a body's name names: (name, start of the place word or of "Tỉnh
    ủy"/"Thành ủy", name start, name end) as character offsets.
    "UBND tỉnh Nghệ An" -> ("Nghệ An", 5, 10, 17).
    Known provinces get their canonical name ("TP HCM" -> "Hồ Chí Minh"); an unknown
    capitalised name after "tỉnh"/"thành phố" is kept as written."""
    toks = _tok(label)
    head = lex.body_types.match(toks, 0)
    if not head or head[1].iri in NATIONAL_TYPES or head[1].kind == "Event":
        return None
    place = _place(toks)
    if place is not None:
        i, n = place
        whole = lex.localities.match(toks, i)  # "TP HCM", "TP.HCM" are names themselves
        if whole and whole[1].type != "quốc gia":
            return whole[1].name, toks[i].start, toks[i].start, toks[i + whole[0] - 1].end
        word_start, j = toks[i].start, i + n
    else:
        organ = next((k for k in range(len(toks) - 1) if toks[k].cap and (
            m := lex.body_types.match(toks, k)) and m[1].iri.endswith(PROVINCE_HEADS)
            and k + m[0] < len(toks) and toks[k + m[0]].cap), None)
        if organ is None:
            return None
        j = organ + lex.body_types.match(toks, organ)[0]
        word_start = toks[organ].start
    m = lex.localities.match(toks, j)
    if m and m[1].type != "quốc gia":
        return m[1].name, word_start, toks[j].start, toks[j + m[0] - 1].end
    k = j
    while k < len(toks) and toks[k].cap and toks[k].word:
        k += 1
    if k == j:
        return None
    return label[toks[j].start:toks[k - 1].end], word_start, toks[j].start, toks[k - 1].end


def successor_body(label: str, lex: Lexicon) -> tuple[str, str] | None:
    """(successor body, old province) when a body's name names a province merged on
    1 July 2025: "Tỉnh ủy Hà Giang" -> ("Tỉnh ủy Tuyên Quang", "Hà Giang");
    "Sở Y tế tỉnh Bình Dương" -> ("Sở Y tế thành phố Hồ Chí Minh", "Bình Dương")."""
    found = province_of(label, lex)
    if not found:
        return None
    name, word_start, start, end = found
    prov = lex.provinces.get(name)
    if prov is None or prov.period != "before" or not prov.successor:
        return None
    new = lex.provinces.get(prov.successor)
    city = new is not None and new.type == "thành phố"
    if token_keys(label[word_start:start]) in PLACE_WORDS or word_start == start:
        word = "thành phố" if city else "tỉnh"  # "... tỉnh X ..."
    else:
        word = "Thành ủy" if city else "Tỉnh ủy"  # "... Tỉnh ủy X ..."
    return f"{label[:word_start]}{word} {prov.successor}{label[end:]}", prov.name


def organizer(label: str, toks, lex: Lexicon) -> str | None:
    """The body that holds a congress: "Đại hội Đảng bộ xã X lần thứ I" -> "Đảng bộ xã X"."""
    head = lex.body_types.match(toks, 0)
    if not head or head[0] >= len(toks):
        return None
    i = head[0]
    m = lex.body_types.match(toks, i)
    if not m or m[1].kind == "Event":
        return None
    rest = label[toks[i].start:]
    cut = re.search(r"\s+(lần thứ|khóa|khoá|nhiệm kỳ)\b", rest, re.IGNORECASE)
    rest = (rest[:cut.start()] if cut else rest).strip(" .,;")
    return rest if len(_tok(rest)) > m[0] or m[1].standalone else None



# Body types whose bare name ("Thành ủy", "UBND tỉnh") needs a province to be one body.
LOCAL_HEADS = {"tỉnh ủy", "thành ủy", "ủy ban nhân dân", "hội đồng nhân dân",
               "ủy ban mặt trận tổ quốc", "công an", "tòa án nhân dân",
               "viện kiểm sát nhân dân", "đoàn đại biểu quốc hội"}
PROVINCE_WORDS = {"tỉnh", "thành phố"}



def provinces_in(text: str, lex: Lexicon, toks: list[Token] | None = None) -> list[str]:
    """Province names written in ``text`` (their current names, after the 2025 mergers
    are linked separately)."""
    toks = toks if toks is not None else tokenize(text)
    found = []
    i = 0
    while i < len(toks):
        m = lex.localities.match(toks, i) if toks[i].cap else None
        if m and m[1].type != "quốc gia":
            found.append(m[1].name)
            i += m[0]
        else:
            i += 1
    return found


def successor(province: str, lex: Lexicon) -> str:
    """The province's name after 1 July 2025 (itself when it was not merged)."""
    p = lex.provinces.get(province)
    return p.successor if p and p.successor else province


_COMBINING = re.compile("[\u0300-\u036f]")


def _strip_marks(text: str) -> str:
    """Diacritics off, case kept ("Hà Nội" -> "Ha Noi"): a cheap, tone-blind form."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return _COMBINING.sub("", text)


_PATTERNS: dict[int, tuple[re.Pattern[str], dict[str, str]]] = {}


def _province_pattern(lex: Lexicon) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every province name and alternative label (marks stripped)."""
    if id(lex) in _PATTERNS:
        return _PATTERNS[id(lex)]
    names: dict[str, str] = {}
    for prov_name, prov in lex.provinces.items():
        alts = {prov_name} | set(lex.province_alts.get(prov_name, ()))
        for alt in alts:
            names[_strip_marks(alt)] = prov.name
    # Names grouped by their first character, each group longest first. The pattern opens
    # with the class of first characters (the regex engine skips to those in C) and then
    # checks what comes before: the same matches as "(?<!\w)(?:longest|...|shortest)(?!\w)",
    # three times faster.
    groups: dict[str, list[str]] = {}
    for n in sorted(names, key=len, reverse=True):
        groups.setdefault(n[0], []).append(re.escape(n[1:]))
    first = "".join(re.escape(c) for c in groups)
    rests = "|".join(f"(?<={re.escape(c)})(?:{'|'.join(g)})" for c, g in groups.items())
    _PATTERNS[id(lex)] = re.compile(rf"[{first}](?<!\w.)(?:{rests})(?!\w)"), names
    return _PATTERNS[id(lex)]


def article_locality(text: str, lex: Lexicon) -> str | None:
    """The province an article is about: the most mentioned one, when it is mentioned
    at least twice and at least twice as often as any other. (A regex over the text
    with marks stripped: this runs once per article, so it must be cheap.)"""
    pattern, names = _province_pattern(lex)
    counts = Counter(names[m.group()] for m in pattern.finditer(_strip_marks(text)))
    counts = counts.most_common(2)
    if not counts or counts[0][1] < 2:
        return None
    if len(counts) > 1 and counts[0][1] < 2 * counts[1][1]:
        return None
    return counts[0][0]


def complete_body(label: str, locality: str | None, lex: Lexicon) -> str:
    """ "Thành ủy" in an article about Hà Nội -> "Thành ủy Hà Nội"; "UBND tỉnh" ->
    "UBND tỉnh Nghệ An". Anything else (or no clear locality) is left as written."""
    if not locality or provinces_in(label, lex):
        return label
    toks = tokenize(label)
    m = lex.body_types.match(toks, 0)
    if not m or m[0] > len(toks) or key(m[1].label_vi) not in {key(h) for h in LOCAL_HEADS}:
        return label
    rest = toks[m[0]:]
    if not rest:
        if m[1].kind == "PartyBody":
            return f"{label} {locality}"
        ptype = lex.provinces[locality].type if locality in lex.provinces else "tỉnh"
        return f"{label} {ptype} {locality}"
    if len(rest) <= 2 and " ".join(t.text.casefold() for t in rest) in PROVINCE_WORDS:
        return f"{label} {locality}"
    return label
