"""Bytes → file type, from the content (magic bytes), never from the file name.

``sniff`` answers ``"pdf"``, ``"docx"``, ``"text"`` or ``"image"`` (PNG or JPEG, read by OCR),
or raises a typed error: an empty file, a known non-resume format (other images, archives,
legacy Word, spreadsheets, ...), or bytes that are neither a document nor text.
"""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from matcher.errors import CorruptDocumentError, EmptyDocumentError, UnsupportedTypeError

__all__ = ["FileKind", "sniff", "sniff_head"]

FileKind = Literal["pdf", "docx", "text", "image"]

# PNG and JPEG: resume scans and photos, read by OCR
_IMAGES: tuple[bytes, ...] = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")

# (magic prefix, what a person calls it)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"\x00\x00\x01\x00", "an icon image"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "a legacy Office file (.doc/.xls); save it as .docx or PDF",
    ),
    (b"{\\rtf", "an RTF document; save it as .docx or PDF"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"OggS", "an audio file"),
    (b"ID3", "an audio file"),
    (b"fLaC", "an audio file"),
    (b"\x00\x00\x00\x18ftyp", "a video file"),
    (b"\x00\x00\x00\x20ftyp", "a video file"),
    (b"%!PS", "a PostScript file; convert it to PDF"),
    (b"AT&TFORM", "a DjVu document"),
    (b"SQLite format 3\x00", "a database file"),
)


def _unsupported(what: str) -> UnsupportedTypeError:
    return UnsupportedTypeError(
        f"This is not a supported file type ({what}): send a PDF, a DOCX, a plain-text file "
        "or a PNG/JPEG scan."
    )


def sniff(data: bytes) -> FileKind:
    """Decide what kind of document ``data`` holds by looking at its bytes.

    Raises:
        EmptyDocumentError: no bytes, or only whitespace.
        UnsupportedTypeError: an image other than PNG/JPEG, an archive, a legacy Office file
            or other binary data.
        CorruptDocumentError: a ZIP container that cannot be opened.
    """
    if not data or not data.strip(b" \t\r\n\x00\x0c"):
        raise EmptyDocumentError("The file is empty (0 bytes) or contains only blank space.")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(_IMAGES):
        return "image"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise _unsupported("a WebP image")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _unsupported(what)
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if _looks_like_text(data[:65536]):
        return "text"
    raise _unsupported("binary data, not a document")


def sniff_head(head: bytes) -> FileKind | None:
    """What a file's first bytes (8 KiB is plenty) say it is, without reading the rest: the
    kind ``sniff`` will most likely answer, or ``None`` for a known non-resume type or binary
    data. For deciding early which files of a folder to read at all; ``sniff`` on the whole
    file has the last word (a ZIP is a DOCX only if its directory says so)."""
    if not head.strip(b" \t\r\n\x00\x0c"):
        return "text"  # empty: reading it says empty-document
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "docx" if b"word/" in head or b"[Content_Types].xml" in head else None
    if head.startswith(_IMAGES):
        return "image"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return None
    if any(head.startswith(magic) for magic, _ in _MAGIC):
        return None
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return "text"
    return "text" if _looks_like_text(head) else None


def _sniff_zip(data: bytes) -> FileKind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise CorruptDocumentError(
            "The file is a corrupt or truncated ZIP container (not a zip that can be opened)."
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names:
        raise _unsupported("an OpenDocument file; save it as .docx or PDF")
    if any(n.startswith("xl/") for n in names):
        raise _unsupported("an Excel spreadsheet")
    if any(n.startswith("ppt/") for n in names):
        raise _unsupported("a PowerPoint presentation")
    raise _unsupported("a ZIP archive")


def _looks_like_text(sample: bytes) -> bool:
    """Plain text has almost no control bytes; UTF-16 without a BOM has NULs in every pair."""
    if not sample:
        return False
    nul = sample.count(0)
    if nul:
        # UTF-16 without BOM: every other byte is NUL for ASCII-heavy text.
        return nul * 3 >= len(sample) and _utf16_ok(sample)
    control = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D, 0x0C))
    if control * 100 > len(sample):
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:
            return True  # a multi-byte character cut by the sample boundary
    # cp1252/latin-1 text: high bytes are letters among mostly ASCII
    high = sum(1 for b in sample if b >= 0x80)
    return high * 10 < len(sample)


def _utf16_ok(sample: bytes) -> bool:
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[: len(sample) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
        if printable * 10 >= len(text) * 9:
            return True
    return False
