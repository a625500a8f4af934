"""Article readers: the project's text format, directories, JSON Lines and stdin.

Every reader yields :class:`Article` or :class:`ReadError` items, never raises on bad
input: one broken file costs one error line, and the batch goes on.

The text format::

     date 2026-01-15 Title of the article
    <blank line>
    First paragraph.
    <blank line>
    Second paragraph.

Line 1 is a space, then ``date YYYY-MM-DD`` (or ``date unknown``) and the title.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .encodings import EncodingError, decode_bytes
from .text import nfc

_DATE_LINE = re.compile(r"^\s*date\s+(\S+)\s*(.*)$")


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


def parse_article_text(text: str, article_id: str, source: str | None = None) -> Article:
    """Parse the project's text format; raise ArticleFormatError naming the line."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
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
    title = m.group(2).strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", "\n".join(lines[first + 1 :]))]
    body = "\n\n".join(" ".join(p.split("\n")) for p in paragraphs if p)
    if not title and not body:
        raise ArticleFormatError("no title and no text after the date line", first + 1)
    return Article(id=article_id, title=title, body=body, date=date, source=source)


def read_file(path: Path) -> Article:
    """Read one text-format file; raise ArticleFormatError on bad input."""
    try:
        text, note = decode_bytes(path.read_bytes())
    except EncodingError as exc:
        raise ArticleFormatError(str(exc)) from None
    article = parse_article_text(text, path.stem, str(path))
    if note:
        article = Article(**{**article.__dict__, "notes": (note,)})
        article.__dict__.pop("text", None)
    return article


def _read_one_file(path: Path) -> Iterator[Article | ReadError]:
    try:
        yield read_file(path)
    except ArticleFormatError as exc:
        yield ReadError(str(path), str(exc), exc.line)
    except OSError as exc:
        yield ReadError(str(path), f"cannot read: {exc.strerror or exc}")


def read_jsonl(lines: Iterable[str], source: str) -> Iterator[Article | ReadError]:
    """JSON Lines: one object per line with ``id``, ``title``, ``text`` (``date``,
    ``url``, ``source`` optional)."""
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield ReadError(source, f"not JSON: {exc.msg} (column {exc.colno})", n)
            continue
        if not isinstance(obj, dict):
            yield ReadError(source, "expected a JSON object", n)
            continue
        missing = [k for k in ("id", "text") if not obj.get(k)]
        if missing:
            yield ReadError(source, f"missing field(s): {', '.join(missing)}", n)
            continue
        try:
            date = parse_date(str(obj.get("date") or "unknown"))
        except ValueError as exc:
            yield ReadError(source, str(exc), n)
            continue
        body = "\n\n".join(
            " ".join(p.split()) for p in re.split(r"\n\s*\n", nfc(str(obj["text"]))) if p.strip()
        )
        yield Article(
            id=str(obj["id"]),
            title=" ".join(nfc(str(obj.get("title") or "")).split()),
            body=body,
            date=date,
            url=obj.get("url"),
            source=obj.get("source") or source,
        )


def _read_jsonl_file(path: Path) -> Iterator[Article | ReadError]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ReadError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    try:
        text, _ = decode_bytes(data)
    except EncodingError as exc:
        yield ReadError(str(path), str(exc))
        return
    yield from read_jsonl(text.splitlines(), str(path))


def iter_files(directory: Path) -> Iterator[Path]:
    """Article files below a directory, recursively, in a stable order."""
    for path in sorted(directory.rglob("*")):
        if path.suffix in {".txt", ".jsonl"} and (path.is_file() or path.is_symlink()):
            yield path


def read_path(path: str | Path) -> Iterator[Article | ReadError]:
    """Articles from a file, a directory (recursive), a ``.jsonl`` file or ``-`` (stdin)."""
    if str(path) == "-":
        text = sys.stdin.buffer.read()
        try:
            decoded, _ = decode_bytes(text)
        except EncodingError as exc:
            yield ReadError("<stdin>", str(exc))
            return
        if decoded.lstrip().startswith("{"):
            yield from read_jsonl(decoded.splitlines(), "<stdin>")
        else:
            try:
                yield parse_article_text(decoded, "stdin", "<stdin>")
            except ArticleFormatError as exc:
                yield ReadError("<stdin>", str(exc), exc.line)
        return
    p = Path(path)
    if p.is_dir():
        for f in iter_files(p):
            yield from (_read_jsonl_file(f) if f.suffix == ".jsonl" else _read_one_file(f))
    elif p.suffix == ".jsonl":
        yield from _read_jsonl_file(p)
    elif p.exists():
        yield from _read_one_file(p)
    else:
        yield ReadError(str(p), "no such file or directory")


def read_paths(paths: Iterable[str | Path]) -> Iterator[Article | ReadError]:
    for p in paths:
        yield from read_path(p)
