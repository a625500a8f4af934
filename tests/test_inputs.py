"""Bad inputs: every one gives a correct result or one clear error line naming the file
(and the line), the rest of the batch goes on, and the exit code and the summary say
how many failed. The bad inputs are made here; nothing is copied from ../shared."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from kg import Store, StoreError
from kg.articles import Article, ReadError, iter_files, read_file, read_path
from kg.encodings import EncodingError, _table, decode_bytes, decode_legacy, is_syllable

from .conftest import SAMPLES, run_kg

SAMPLE = (SAMPLES / "sample-0001.txt").read_text(encoding="utf-8")
TONES = "\u0300\u0301\u0303\u0309\u0323"


# --- legacy encoders (the inverse of the tables under test) --------------------------------

def to_tcvn3(text: str) -> bytes:
    """TCVN3 as the ABC fonts write it: capitals with a tone mark use the lower-case code."""
    inverse: dict[str, bytes] = {}
    for b, ch in _table("TCVN3").items():
        if ch.islower() or ch in "ĂÂÊÔƠƯĐ":
            inverse.setdefault(ch, b)
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        out += ch.encode("ascii") if ch.isascii() else inverse.get(ch) or inverse[ch.lower()]
    return bytes(out)


def to_vni(text: str) -> bytes:
    inverse = {ch: b for b, ch in _table("VNI").items()}
    return b"".join(ch.encode("ascii") if ch.isascii() else inverse[ch]
                    for ch in unicodedata.normalize("NFC", text))


def to_cp1258(text: str) -> bytes:
    """Windows-1258: base letters (with circumflex, breve, horn) + combining tone marks."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += base.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258")
    return bytes(out)


def nfc_fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read_one(path: Path) -> Article | ReadError:
    items = list(read_path(path))
    assert len(items) == 1, items
    return items[0]


REFERENCE = read_file(SAMPLES / "sample-0001.txt")


def same_article(a: Article, b: Article = REFERENCE, fold: bool = False) -> bool:
    def norm(x: Article) -> tuple:
        t = (x.title, x.body, x.date)
        return tuple(nfc_fold(s) if fold and isinstance(s, str) else s for s in t)
    return norm(a) == norm(b)


# --- the conversion tables --------------------------------------------------------------

def test_tcvn3_table_agrees_with_the_glibc_charmap():
    """data/legacy_tcvn3.tsv is the upper half of glibc's TCVN5712-1 charmap."""
    charmap = Path("/usr/share/i18n/charmaps/TCVN5712-1.gz")
    if not charmap.exists():
        pytest.skip(f"{charmap} is absent (Debian package 'locales' not installed)")
    spec = {}
    with gzip.open(charmap, "rt", encoding="latin-1") as fh:
        for line in fh:
            m = re.match(r"<U([0-9A-F]{4,5})>\s+/x([0-9a-f]{2})\s", line)
            if m and int(m.group(2), 16) >= 0xA0:
                spec[bytes([int(m.group(2), 16)])] = chr(int(m.group(1), 16))
    assert _table("TCVN3") == spec
    # the letters Vietnamese needs are all there, lower case, one byte each
    for ch in "ăâêôơưđàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ":
        assert ch in _table("TCVN3").values(), ch


def test_vni_table_is_base_letter_plus_modifier():
    table = _table("VNI")
    assert table[b"a\xf8"] == "à" and table[b"A\xd8"] == "À"
    assert table[b"o\xe2"] == "ô" and table[b"\xf4"] == "ơ" and table[b"\xf4\xf9"] == "ớ"
    assert table[b"\xf1"] == "đ" and table[b"\xd1"] == "Đ" and table[b"\xee"] == "ỵ"
    for seq, ch in table.items():
        assert unicodedata.is_normalized("NFC", ch) and len(ch) == 1
        assert all(b >= 0xC0 for b in seq[1:])  # modifiers live in 0xC0-0xFF
    # every precomposed Vietnamese letter has exactly one spelling
    letters = "aăâeêioôơuưy"
    wanted = {unicodedata.normalize("NFC", v + t) for v in letters for t in ["", *TONES]}
    wanted |= {w.upper() for w in wanted} | {"đ", "Đ"}
    wanted -= set("aeiouyAEIOUY")
    assert sorted(wanted - set(table.values())) == []


# --- encodings: library ---------------------------------------------------------------------

@pytest.mark.parametrize("name,encode", [("TCVN3", to_tcvn3), ("VNI", to_vni),
                                         ("Windows-1258", to_cp1258)])
def test_legacy_encodings_are_detected_and_converted(tmp_path, name, encode):
    f = write(tmp_path / "old.txt", encode(SAMPLE))
    art = read_one(f)
    assert isinstance(art, Article), art
    assert art.notes == (f"converted from {name}",)
    # TCVN3 writes capitals with tone marks in lower case: compare case-blind
    assert same_article(art, fold=name == "TCVN3")
    if name != "TCVN3":
        assert same_article(art)


@pytest.mark.parametrize("encode", [to_tcvn3, to_vni, to_cp1258])
def test_legacy_decoding_never_misfires_on_other_legacy_bytes(encode):
    """The bytes of one legacy encoding read as another score far below the bar."""
    data = encode(SAMPLE)
    text, note = decode_bytes(data)
    chosen = note.removeprefix("converted from ")
    for other in ("TCVN3", "VNI", "Windows-1258"):
        if other == chosen:
            continue
        try:
            wrong = decode_legacy(data, other)
        except ValueError:
            continue
        words = [w for w in re.findall(r"[^\W\d_]+", wrong) if not w.isascii()]
        assert sum(map(is_syllable, words)) / len(words) < 0.6


def test_valid_utf8_is_never_converted():
    """UTF-8 is tried first: even text full of letters that exist in the legacy encodings
    comes back unchanged and without a note."""
    for text in (SAMPLE, "Ð × ÷ ¼ µ ¶ café crème", "à" * 1000, "Hµ Néi ®· cã"):
        assert decode_bytes(text.encode("utf-8")) == (text, None)


@pytest.mark.parametrize("data,words", [
    ("café crème brûlée naïve über déjà".encode("cp1252"), ["Windows-1258", "not converted"]),
    (b"caf\xe9", ["not converted"]),  # too few words to judge
    (bytes(range(0x80, 0x100)) * 3, ["UTF-8"]),
])
def test_non_vietnamese_legacy_bytes_are_refused_naming_the_encoding(data, words):
    with pytest.raises(EncodingError) as exc:
        decode_bytes(data)
    for w in words:
        assert w in str(exc.value)
    assert exc.value.line == 1


def test_legacy_refusal_names_file_and_line(tmp_path):
    f = write(tmp_path / "french.txt",
              b" date 2026-01-01 Titre\n\nDeuxi\xe8me ligne, caf\xe9 cr\xe8me br\xfbl\xe9e.\n")
    err = read_one(f)
    assert isinstance(err, ReadError)
    assert str(err).startswith(f"{f}:3: not UTF-8 (invalid byte 0xe8)")
    assert "Windows-1258" in err.message


@pytest.mark.parametrize("bom,codec,note", [
    (codecs.BOM_UTF16_LE, "utf-16-le", "converted from UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "converted from UTF-16"),
    (b"", "utf-16-le", "converted from UTF-16 (no BOM)"),
    (b"", "utf-16-be", "converted from UTF-16 (no BOM)"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "converted from UTF-32"),
])
def test_utf16_with_and_without_bom(tmp_path, bom, codec, note):
    art = read_one(write(tmp_path / "u16.txt", bom + SAMPLE.encode(codec)))
    assert isinstance(art, Article), art
    assert art.notes == (note,) and same_article(art)


def test_utf8_bom_crlf_and_nfd_read_like_plain_utf8(tmp_path):
    for name, data in [
        ("bom.txt", codecs.BOM_UTF8 + SAMPLE.encode()),
        ("crlf.txt", SAMPLE.replace("\n", "\r\n").encode()),
        ("cr.txt", SAMPLE.replace("\n", "\r").encode()),
        ("nfd.txt", unicodedata.normalize("NFD", SAMPLE).encode()),
        ("all.txt", codecs.BOM_UTF8 + unicodedata.normalize("NFD", SAMPLE).replace(
            "\n", "\r\n").encode()),
    ]:
        art = read_one(write(tmp_path / name, data))
        assert isinstance(art, Article) and same_article(art), name
        assert art.notes == () and unicodedata.is_normalized("NFC", art.text)


@pytest.mark.parametrize("name,data,message,line", [
    ("empty.txt", b"", "empty file", None),
    ("blank.txt", b"  \n\t\n \r\n", "empty file", None),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data", None),
    ("controls.txt", bytes(range(1, 9)) * 50, "binary data", None),
    ("nodate.txt", "Tiêu đề\n\nNội dung.\n", "no date line", 1),
    ("baddate.txt", " date 2026-02-30 Tiêu đề\n\nNội dung.\n", "impossible date '2026-02-30'", 1),
    ("late.txt", "\n\n date 2026-13-01 Tiêu đề\n\nNội dung.\n", "impossible date", 3),
    ("notitle.txt", " date 2026-01-01\n\n\n", "no title and no text", 1),
    ("broken16.txt", codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", "broken UTF-16", None),
])
def test_bad_text_files_give_one_clear_error(tmp_path, name, data, message, line):
    f = write(tmp_path / name, data)
    err = read_one(f)
    assert isinstance(err, ReadError), err
    assert message in err.message and err.line == line
    assert str(err).startswith(f"{f}:{line}: " if line else f"{f}: ")
    assert "\n" not in str(err)


def test_unknown_date_and_control_characters_are_accepted(tmp_path):
    art = read_one(write(tmp_path / "u.txt", " date unknown Tiêu\x07 đề\n\nNội\x0b dung\x1b.\n"))
    assert isinstance(art, Article)
    assert (art.date, art.title, art.body) == (None, "Tiêu đề", "Nội dung.")


def test_a_20_mb_article_is_refused_with_the_limit(tmp_path):
    para = SAMPLE.split("\n", 2)[2]
    big = write(tmp_path / "big.txt", " date 2026-01-01 Big\n\n" + "\n\n".join(
        [para] * (20_000_000 // len(para.encode()) + 1)))
    assert big.stat().st_size > 20_000_000
    err = read_one(big)
    assert isinstance(err, ReadError)
    assert re.match(r"article too large: 20\.\d MB \(limit 5\.0 MB", err.message), err.message
    assert "KG_MAX_ARTICLE_MB" in err.message


def test_the_size_limit_can_be_raised(tmp_path, monkeypatch):
    para = SAMPLE.split("\n", 2)[2]
    n = 6_000_000 // len(para.encode())
    f = write(tmp_path / "big.txt", " date 2026-01-01 Big\n\n" + "\n\n".join([para] * n))
    assert 5_500_000 < f.stat().st_size < 9_000_000
    assert isinstance(read_one(f), ReadError)
    monkeypatch.setenv("KG_MAX_ARTICLE_MB", "10")
    art = read_one(f)
    assert isinstance(art, Article) and art.body.count("\n\n") >= n - 1


# --- JSON Lines -----------------------------------------------------------------------------

def test_jsonl_broken_lines_and_missing_fields(tmp_path):
    good = {"id": "j1", "title": "Tiêu đề", "text": "Đoạn một.\n\nĐoạn hai.", "date": "2026-01-05"}
    legacy_text = to_tcvn3(SAMPLE.split("\n", 2)[2][:400].replace("\n", " "))
    legacy_line = b'{"id": "j9", "text": "' + legacy_text + b'"}'
    lines = [
        json.dumps(good, ensure_ascii=False).encode(),  # 1 ok
        b'{"id": "j2", "text": "thi\xe1\xba',  # 2 cut off, broken UTF-8 too
        b"",  # 3 blank: skipped
        b'{"id": "j3", "text": "no closing brace"',  # 4
        b"[1, 2, 3]",  # 5
        b'{"title": "no id", "text": "x"}',  # 6
        b'{"id": "j7"}',  # 7
        b'{"id": "j8", "text": ["a list"]}',  # 8
        legacy_line,  # 9 converted
        b'{"id": "j10", "text": "ok", "date": "2026-02-30"}',  # 10
        b'{"id": "j11", "text": "lone \\ud800 surrogate", "source": "a\\tb\\u0001"}',  # 11 ok
        b'{"id": {"x": 1}, "text": "x"}',  # 12
        b"[" * 100_000 + b"]" * 100_000,  # 13 nested too deeply
        b'{"id": "j14", "text": "   \\n  "}',  # 14 blank text
        json.dumps({"id": 15, "text": "số", "title": None, "url": None}).encode(),  # 15 ok
    ]
    f = write(tmp_path / "mixed.jsonl", codecs.BOM_UTF8 + b"\n".join(lines) + b"\n")
    items = list(read_path(f))
    arts = {a.id: a for a in items if isinstance(a, Article)}
    errs = {e.line: e for e in items if isinstance(e, ReadError)}
    assert sorted(arts) == ["15", "j1", "j11", "j9"]
    assert sorted(errs) == [2, 4, 5, 6, 7, 8, 10, 12, 13, 14]
    assert all(e.source == str(f) for e in errs.values())
    assert "not UTF-8" in errs[2].message
    assert "not JSON" in errs[4].message
    assert "expected a JSON object" in errs[5].message
    assert "missing field(s): id" in errs[6].message
    assert "missing field(s): text" in errs[7].message
    assert "must be strings" in errs[8].message
    assert "impossible date" in errs[10].message
    assert "'id' must be" in errs[12].message
    assert "nested too deeply" in errs[13].message or "not JSON" in errs[13].message
    assert "white space" in errs[14].message
    assert arts["j1"].body == "Đoạn một.\n\nĐoạn hai." and arts["j1"].date == "2026-01-05"
    assert arts["j9"].notes == ("converted from TCVN3",)
    assert "\ufffd" in arts["j11"].body and arts["j11"].source == "a\tb"
    assert arts["15"].title == "" and arts["15"].url is None


def test_jsonl_utf16_and_empty_files(tmp_path):
    line = json.dumps({"id": "u", "text": "Xin chào"}, ensure_ascii=False)
    art = read_one(write(tmp_path / "u16.jsonl", codecs.BOM_UTF16_LE + line.encode("utf-16-le")))
    assert isinstance(art, Article) and art.body == "Xin chào"
    assert art.notes == ("converted from UTF-16",)
    err = read_one(write(tmp_path / "empty.jsonl", b"\n  \n"))
    assert isinstance(err, ReadError) and "empty file" in err.message


# --- paths and folders ---------------------------------------------------------------------

def test_missing_paths_and_odd_files(tmp_path):
    good = SAMPLES / "sample-0002.txt"
    d = tmp_path / "in"
    write(d / "a.txt", good.read_bytes())
    (d / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(d / "fifo.txt")  # reading it would block for ever: refused unread
    write(d / "dir.txt" / "inner.txt", good.read_bytes())  # a folder named *.txt is walked
    (d / "loop").symlink_to(d)  # a symlink loop is cut
    write(d / "notes.md", "ignored")
    items = list(read_path(d))
    arts = sorted(a.source for a in items if isinstance(a, Article))
    errs = {Path(e.source).name: e.message for e in items if isinstance(e, ReadError)}
    assert arts == [str(d / "a.txt"), str(d / "dir.txt" / "inner.txt")]
    assert errs == {"dangling.txt": f"broken symbolic link (to {tmp_path / 'nowhere.txt'})",
                    "fifo.txt": "not a regular file (a FIFO), skipped"}
    assert [p.name for p in iter_files(d)] == ["a.txt", "dangling.txt", "fifo.txt", "inner.txt"]
    missing = read_one(tmp_path / "missing.txt")
    assert isinstance(missing, ReadError) and missing.message == "no such file or directory"
    gone = read_one(d / "dangling.txt")
    assert isinstance(gone, ReadError) and "broken symbolic link" in gone.message
    fifo = read_one(d / "fifo.txt")
    assert isinstance(fifo, ReadError) and "FIFO" in fifo.message


def test_unreadable_file_and_folder(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading "
                    "(the dangling-symlink and FIFO cases cover unreadable entries)")
    d = tmp_path / "in"
    write(d / "a.txt", (SAMPLES / "sample-0002.txt").read_bytes())
    locked = write(d / "locked.txt", SAMPLE)
    locked.chmod(0)
    sub = d / "sub"
    write(sub / "x.txt", SAMPLE)
    sub.chmod(0)
    try:
        items = list(read_path(d))
    finally:
        locked.chmod(0o644)
        sub.chmod(0o755)
    errs = {Path(e.source).name: e.message for e in items if isinstance(e, ReadError)}
    assert errs["locked.txt"] == "cannot read: Permission denied"
    assert errs["sub"].startswith("cannot list folder")
    assert sum(isinstance(i, Article) for i in items) == 1


# --- the real command line ------------------------------------------------------------------

def bad_corpus(root: Path) -> tuple[Path, int, int]:
    """A folder with good articles and every kind of bad input; returns it, the number of
    good articles and the number of expected error lines."""
    d = root / "corpus"
    for p in sorted(SAMPLES.glob("*.txt")):
        write(d / p.name, p.read_bytes())
    write(d / "legacy-tcvn3.txt", to_tcvn3(SAMPLE))
    write(d / "legacy-vni.txt", to_vni(SAMPLE))
    write(d / "legacy-1258.txt", to_cp1258(SAMPLE))
    write(d / "utf16.txt", codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"))
    write(d / "crlf-nfd.txt", unicodedata.normalize("NFD", SAMPLE).replace("\n", "\r\n"))
    good = len(list(SAMPLES.glob("*.txt"))) + 5
    bad = {
        "e-empty.txt": b"",
        "e-blank.txt": b"\n \n",
        "e-binary.txt": b"\x00\x01\x02binary\x00",
        "e-nodate.txt": "Không có dòng ngày\n\nNội dung.\n".encode(),
        "e-baddate.txt": " date 2026-02-30 Ngày sai\n\nNội dung.\n".encode(),
        "e-latin1.txt": "café crème brûlée naïve déjà vu".encode("cp1252"),
    }
    for name, data in bad.items():
        write(d / name, data)
    (d / "e-dangling.txt").symlink_to(root / "nowhere.txt")
    os.mkfifo(d / "e-fifo.txt")
    lines = [json.dumps({"id": "jl-ok", "title": "Tiêu đề", "text": SAMPLE.split("\n", 2)[2]},
                        ensure_ascii=False), '{"id": "jl-broken", "text": ', '{"id": "jl-notext"}']
    write(d / "lines.jsonl", "\n".join(lines) + "\n")
    return d, good + 1, len(bad) + 2 + 2


def test_cli_ingest_bad_inputs(tmp_path):
    d, good, bad = bad_corpus(tmp_path)
    store = tmp_path / "kg-data"
    r = run_kg("ingest", str(d), str(tmp_path / "missing-dir"), "--store", str(store))
    err = r.stderr.decode()
    error_lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert r.returncode == 1, err
    assert len(error_lines) == bad + 1, err  # + the missing path
    for name in ("e-empty.txt", "e-blank.txt", "e-binary.txt", "e-dangling.txt", "e-fifo.txt",
                 "e-latin1.txt", str(tmp_path / "missing-dir")):
        assert sum(name in ln for ln in error_lines) == 1, (name, err)
    assert any("e-nodate.txt:1: no date line" in ln for ln in error_lines)
    assert any("e-baddate.txt:1: impossible date '2026-02-30'" in ln for ln in error_lines)
    assert any("lines.jsonl:2: not JSON" in ln for ln in error_lines)
    assert any("lines.jsonl:3: missing field(s): text" in ln for ln in error_lines)
    assert any("e-latin1.txt:1: not UTF-8" in ln and "Windows-1258" in ln for ln in error_lines)
    assert f"{good} articles," in err and f", {bad + 1} errors," in err
    assert f"{bad + 1} input(s) failed; the other articles were ingested" in err
    with Store.open(store) as s:
        ids = set(s.article_ids())
    assert len(ids) == good and {"legacy-tcvn3", "legacy-vni", "utf16", "jl-ok"} <= ids
    # the graph of a converted article equals the graph of its UTF-8 original
    r = run_kg("query", "--store", str(store), "--format", "tsv",
               "SELECT ?id (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a dcterms:identifier ?id . "
               "?s ?p ?o } } GROUP BY ?id")
    counts = dict(line.split("\t") for line in r.stdout.decode().splitlines()[1:] if line)
    assert counts["legacy-vni"] == counts["legacy-1258"] == counts["utf16"] == \
        counts["crlf-nfd"] == counts["sample-0001"]


def test_cli_ingest_all_good_exits_zero(tmp_path):
    r = run_kg("ingest", str(SAMPLES), "--store", str(tmp_path / "s"))
    assert r.returncode == 0 and "0 errors" in r.stderr.decode()
    assert "error:" not in r.stderr.decode()


def test_cli_extract_bad_inputs(tmp_path):
    d, good, bad = bad_corpus(tmp_path)
    r = run_kg("extract", str(d), "--format", "jsonl")
    err = r.stderr.decode()
    error_lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert r.returncode == 1
    assert len(error_lines) == bad, err
    assert f"{bad} input(s) failed; the other articles were extracted" in err
    rows = [json.loads(line) for line in r.stdout.decode().splitlines()]
    by_article: dict[str, int] = {}
    for row in rows:
        by_article[row["article"]] = by_article.get(row["article"], 0) + 1
    assert by_article["legacy-vni"] == by_article["legacy-1258"] == by_article["sample-0001"]
    assert "jl-ok" in by_article and not any(a.startswith("e-") for a in by_article)


def test_cli_reads_legacy_stdin_and_reports_missing_store(tmp_path):
    r = run_kg("extract", "-", input=to_vni(SAMPLE))
    assert r.returncode == 0 and r.stdout.count(b'"article": "stdin"') >= 1
    r = run_kg("extract", "-", input=b"\x00\x01")
    assert r.returncode == 1 and b"error: <stdin>: binary data" in r.stderr
    r = run_kg("stats", "--store", str(tmp_path / "none"))
    assert r.returncode == 1 and b"no store at" in r.stderr
    f = write(tmp_path / "file", "x")
    r = run_kg("ingest", str(SAMPLES), "--store", str(f))
    assert r.returncode != 0 and b"is a file" in r.stderr
    with pytest.raises(StoreError, match="is a file, not a store directory"):
        Store.open(f, write=True)

