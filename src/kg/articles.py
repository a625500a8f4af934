"""Article readers: the project's text format, directories, JSON Lines and stdin.

Every reader yields :class:`Article` or :class:`ReadError` items, never raises on bad
input: one broken file (or JSON line) costs one error line naming the file and the
line, and the batch goes on.

The text format::

     date 2026-01-15 Title of the article
    <blank line>
    First paragraph.
    <blank line>
    Second paragraph.

Line 1 is a space, then ``date YYYY-MM-DD`` (or ``date unknown``) and the title.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, NamedTuple, overload

from .encodings import EncodingError, clean_text, decode_bytes
from .text import nfc

_DATE_LINE = re.compile(r"^\s*date\s+(\S+)\s*(.*)$")
SUFFIXES = {".txt", ".jsonl"}


def max_article_bytes() -> int:
    """Largest article accepted (bytes of one file or one JSON line): $KG_MAX_ARTICLE_MB,
    default 5 MB. News articles are far below it; above it extraction takes minutes."""
    try:
        mb = float(os.environ.get("KG_MAX_ARTICLE_MB", "5"))
    except ValueError:
        mb = 5.0
    return int(mb * 1_000_000)


@dataclass(frozen=True)
class ReadError:
    """One input that could not be read, with the place and the reason."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Article:
    """One news article. ``text`` is what fact spans point into: title, blank line, body."""

    id: str
    title: str
    body: str
    date: str | None = None  # ISO date, or None when unknown
    url: str | None = None
    source: str | None = None  # file path or publisher
    notes: tuple[str, ...] = field(default=(), compare=False)  # e.g. encoding converted

    @cached_property
    def text(self) -> str:
        return f"{self.title}\n\n{self.body}" if self.body else self.title

    @property
    def body_offset(self) -> int:
        return len(self.title) + 2 if self.body else len(self.title)


class ArticleFormatError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def parse_date(value: str) -> str | None:
    """ISO date string, or None for "unknown"; ValueError for an impossible date."""
    if value.lower() in {"unknown", "none", "-", ""}:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"impossible date {value!r} (expected YYYY-MM-DD or 'unknown')") from None


def _paragraphs(text: str) -> str:
    """Paragraphs (split at blank lines) with their white space collapsed."""
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def parse_article_text(text: str, article_id: str, source: str | None = None) -> Article:
    """Parse the project's text format; raise ArticleFormatError naming the line."""
    text = clean_text(nfc(text)).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleFormatError("empty file", None)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    m = _DATE_LINE.match(lines[first])
    if not m:
        raise ArticleFormatError(
            f"no date line: expected ' date YYYY-MM-DD Title', got {lines[first][:60]!r}",
            first + 1,
        )
    try:
        date = parse_date(m.group(1))
    except ValueError as exc:
        raise ArticleFormatError(str(exc), first + 1) from None
    title = " ".join(m.group(2).split())
    body = _paragraphs("\n".join(lines[first + 1 :]))
    if not title and not body:
        raise ArticleFormatError("no title and no text after the date line", first + 1)
    return Article(id=article_id, title=title, body=body, date=date, source=source)


def _with_note(article: Article, note: str | None) -> Article:
    return dataclasses.replace(article, notes=(*article.notes, note)) if note else article


def _check_regular(path: Path) -> os.stat_result:
    """stat() a file to read; refuse FIFOs, devices and sockets (reading them could block
    for ever) and files above the size limit."""
    st = path.stat()
    if stat.S_ISDIR(st.st_mode):
        raise ArticleFormatError("is a directory")
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
        raise ArticleFormatError(f"not a regular file ({kind}), skipped")
    return st


def _too_large(size: int, what: str) -> ArticleFormatError:
    limit = max_article_bytes()
    return ArticleFormatError(
        f"{what} too large: {size / 1e6:.1f} MB (limit {limit / 1e6:.1f} MB, a news article "
        "is rarely above 0.2 MB; set KG_MAX_ARTICLE_MB to raise it)")


def read_file(path: Path) -> Article:
    """Read one text-format file; raise ArticleFormatError (or OSError) on bad input."""
    st = _check_regular(path)
    if st.st_size > max_article_bytes():
        raise _too_large(st.st_size, "article")
    try:
        text, note = decode_bytes(path.read_bytes())
    except EncodingError as exc:
        raise ArticleFormatError(str(exc), exc.line) from None
    return _with_note(parse_article_text(text, path.stem, str(path)), note)


def _os_message(exc: OSError, path: Path) -> str:
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return f"broken symbolic link (to {os.readlink(path)})"
    return f"cannot read: {exc.strerror or exc}"


def _read_one_file(path: Path) -> Iterator[Article | ReadError]:
    try:
        yield read_file(path)
    except ArticleFormatError as exc:
        yield ReadError(str(path), str(exc), exc.line)
    except OSError as exc:
        yield ReadError(str(path), _os_message(exc, path))


_OPTIONAL_STR = ("title", "date", "url", "source")


def read_jsonl(lines: Iterable[str], source: str,
               notes: tuple[str, ...] = ()) -> Iterator[Article | ReadError]:
    """JSON Lines: one object per line with ``id``, ``text`` (``title``, ``date``,
    ``url``, ``source`` optional, strings or null)."""
    for n, raw in enumerate(lines, 1):
        item = _jsonl_item(raw, n, source)
        if item is not None:
            yield _with_note(item, notes[0]) if notes and isinstance(item, Article) else item


def _jsonl_item(raw: str, n: int, source: str) -> Article | ReadError | None:
    if not raw.strip():
        return None
    if len(raw) > max_article_bytes():
        return ReadError(source, str(_too_large(len(raw.encode("utf-8", "replace")), "line")), n)
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return ReadError(source, f"not JSON: {exc.msg} (column {exc.colno})", n)
    except RecursionError:
        return ReadError(source, "not JSON: nested too deeply", n)
    if not isinstance(obj, dict):
        return ReadError(source, f"expected a JSON object, got {type(obj).__name__}", n)
    missing = [k for k in ("id", "text") if obj.get(k) in (None, "")]
    if missing:
        return ReadError(source, f"missing field(s): {', '.join(missing)}", n)
    if not isinstance(obj["id"], (str, int)) or isinstance(obj["id"], bool):
        return ReadError(source, "field 'id' must be a string or an integer", n)
    wrong = [k for k in ("text", *_OPTIONAL_STR)
             if obj.get(k) is not None and not isinstance(obj[k], str)]
    if wrong:
        return ReadError(source, f"field(s) {', '.join(wrong)} must be strings", n)
    article_id = clean_text(str(obj["id"])).strip()
    if not article_id:
        return ReadError(source, "field 'id' is blank", n)
    try:
        date = parse_date((obj.get("date") or "unknown").strip())
    except ValueError as exc:
        return ReadError(source, str(exc), n)
    body = _paragraphs(clean_text(nfc(obj["text"])))
    title = " ".join(clean_text(nfc(obj.get("title") or "")).split())
    if not title and not body:
        return ReadError(source, "field 'text' holds only white space", n)
    url = clean_text(obj["url"]).strip() if obj.get("url") else None
    origin = clean_text(obj["source"]) if obj.get("source") else source
    return Article(id=article_id, title=title, body=body, date=date, url=url or None,
                   source=origin)


def _read_jsonl_file(path: Path) -> Iterator[Article | ReadError]:
    """A JSON Lines file, streamed line by line (a corpus file can be large); each line
    is decoded on its own, so one line in a legacy encoding or with a broken byte costs
    that line only. UTF-16/32 files are decoded whole."""
    src = str(path)
    try:
        st = _check_regular(path)
        fh = path.open("rb")
    except ArticleFormatError as exc:
        yield ReadError(src, str(exc))
        return
    except OSError as exc:
        yield ReadError(src, _os_message(exc, path))
        return
    with fh:
        head = fh.read(4096)
        fh.seek(0)
        if b"\x00" in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            if st.st_size > 20 * max_article_bytes():
                yield ReadError(src, str(_too_large(st.st_size, "UTF-16 file")))
                return
            try:
                text, note = decode_bytes(fh.read())
            except EncodingError as exc:
                yield ReadError(src, str(exc), exc.line)
                return
            yield from read_jsonl(text.splitlines(), src, (note,) if note else ())
            return
        seen = False
        try:
            for n, raw in enumerate(fh, 1):
                if n == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                seen = True
                try:
                    line, note = decode_bytes(raw)
                except EncodingError as exc:
                    yield ReadError(src, str(exc), n)
                    continue
                item = _jsonl_item(line, n, src)
                if item is not None:
                    yield _with_note(item, note) if isinstance(item, Article) else item
        except OSError as exc:
            yield ReadError(src, _os_message(exc, path))
            return
    if not seen:
        yield ReadError(src, "empty file (no JSON lines)")


def _walk(directory: Path, errors: list[ReadError] | None = None) -> Iterator[Path]:
    """Article files below ``directory`` in a stable order. Symbolic links to folders are
    followed once (loops are cut); folders that cannot be listed are reported."""
    seen: set[str] = set()

    def onerror(exc: OSError) -> None:
        if errors is not None:
            errors.append(ReadError(str(exc.filename or directory),
                                    f"cannot list folder: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(directory, onerror=onerror, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        for name in sorted(files):
            if Path(name).suffix in SUFFIXES:
                yield Path(root, name)


def iter_files(directory: Path) -> Iterator[Path]:
    """Article files below a directory, recursively, in a stable order."""
    yield from _walk(Path(directory))


class ArticleFile(NamedTuple):
    """A one-article file not read yet: ``read_paths(..., defer=True)`` hands these out so
    that a worker process reads the file where it extracts it, not the writer."""

    path: Path

    def read(self) -> Article | ReadError:
        return next(_read_one_file(self.path))


@overload
def read_path(path: str | Path, defer: Literal[False] = ...) -> Iterator[Article | ReadError]: ...
@overload
def read_path(path: str | Path, defer: bool) -> Iterator[Article | ReadError | ArticleFile]: ...
def read_path(path: str | Path, defer: bool = False
              ) -> Iterator[Article | ReadError | ArticleFile]:
    """Articles from a file, a directory (recursive), a ``.jsonl`` file or ``-`` (stdin).
    With ``defer``, a one-article file comes as an :class:`ArticleFile` to read later."""
    if str(path) == "-":
        yield from _read_stdin()
        return
    p = Path(path)
    if not p.exists():
        if p.is_symlink():
            yield ReadError(str(p), f"broken symbolic link (to {os.readlink(p)})")
        else:
            yield ReadError(str(p), "no such file or directory")
    elif p.is_dir():
        errors: list[ReadError] = []
        for f in _walk(p, errors):
            yield from errors
            errors.clear()
            if f.suffix == ".jsonl":
                yield from _read_jsonl_file(f)
            else:
                yield from (ArticleFile(f),) if defer else _read_one_file(f)
        yield from errors
    elif p.suffix == ".jsonl":
        yield from _read_jsonl_file(p)
    else:
        yield from (ArticleFile(p),) if defer else _read_one_file(p)


def _read_stdin() -> Iterator[Article | ReadError]:
    data = sys.stdin.buffer.read()
    try:
        decoded, note = decode_bytes(data)
    except EncodingError as exc:
        yield ReadError("<stdin>", str(exc), exc.line)
        return
    if decoded.lstrip("\ufeff \t\r\n").startswith("{"):
        yield from read_jsonl(decoded.splitlines(), "<stdin>", (note,) if note else ())
        return
    try:
        yield _with_note(parse_article_text(decoded, "stdin", "<stdin>"), note)
    except ArticleFormatError as exc:
        yield ReadError("<stdin>", str(exc), exc.line)


@overload
def read_paths(paths: Iterable[str | Path], defer: Literal[False] = ...
               ) -> Iterator[Article | ReadError]: ...
@overload
def read_paths(paths: Iterable[str | Path], defer: bool
               ) -> Iterator[Article | ReadError | ArticleFile]: ...
def read_paths(paths: Iterable[str | Path], defer: bool = False
               ) -> Iterator[Article | ReadError | ArticleFile]:
    for p in paths:
        yield from read_path(p, defer)
