"""Plain-text bytes → ``DocumentText``: encoding detection and one ``Line`` per text line.

Encodings: a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32); otherwise strict UTF-8, UTF-16 without
BOM when every other byte is NUL, and Windows-1252 (then Latin-1) as the fallback. UTF-8 read
as cp1252 somewhere upstream (``â€¢`` for "•") is repaired when the whole text round-trips.
"""

from __future__ import annotations

import codecs
import contextlib

from matcher.errors import EmptyDocumentError, UnsupportedTypeError
from matcher.models import DocumentText, Line
from matcher.read.textclean import clean_line, dehyphenate, is_mojibake, vocabulary

__all__ = ["decode_text", "extract_text", "lines_to_document"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns ``(text, encoding)``.

    Raises:
        UnsupportedTypeError: the bytes do not decode as text in any supported encoding.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), enc
            except UnicodeDecodeError as exc:
                raise UnsupportedTypeError(
                    f"The file starts with a {enc} byte-order mark but is not valid {enc} text: "
                    "not a supported file type."
                ) from exc
    if data.count(0) * 3 >= len(data):
        # ASCII-heavy UTF-16: the NUL is the high byte, second in LE ("J\0"), first in BE
        odd_nuls = data[1::2].count(0)
        order = ("utf-16-le", "utf-16-be") if odd_nuls >= data[::2].count(0) else ("utf-16-be",)
        for enc in (*order, "utf-16-le"):
            try:
                return data[: len(data) // 2 * 2].decode(enc), enc
            except UnicodeDecodeError:
                continue
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, enc = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, enc = data.decode("latin-1"), "latin-1"
    if enc == "utf-8" and is_mojibake(text):
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("cp1252").decode("utf-8")
    return text, enc


def lines_to_document(raw_lines: list[str], *, fmt: str = "text") -> DocumentText:
    """Clean raw lines and number them; blank lines are dropped (they only separate blocks)."""
    text_parts: list[str] = []
    lines: list[Line] = []
    offset = 0
    for raw in dehyphenate(raw_lines, vocabulary(raw_lines)):
        cleaned = clean_line(raw)
        if not cleaned:
            continue
        if text_parts:
            offset += 1  # the "\n" before this line
        start = offset
        offset += len(cleaned)
        text_parts.append(cleaned)
        lines.append(Line(text=cleaned, page=1, number=len(lines) + 1, start=start, end=offset))
    return DocumentText(
        text="\n".join(text_parts),
        lines=tuple(lines),
        pages=1,
        format="text",
    )


def extract_text(data: bytes) -> DocumentText:
    """Read a plain-text resume.

    Raises:
        UnsupportedTypeError: not decodable as text.
        EmptyDocumentError: no visible characters.
    """
    text, _encoding = decode_text(data)
    document = lines_to_document(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if not document.text.strip():
        raise EmptyDocumentError("The file contains no readable characters.")
    return document
