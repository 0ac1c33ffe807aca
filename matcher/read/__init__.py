"""Resume bytes → ``Document``: the parse stage's facade.

```
bytes ─ sniff ─► pdf/ | docx.py | plaintext.py | image.py (OCR) ─► DocumentText
      ─ sections.py ─► sections ─ contact.py ─► contact ─ experience.py ─► entries, years
```

The file type comes from the content (``sniff``), never from ``filename``. Size and page limits
come from ``MatchOptions``; so does the time budget: the PDF reader checks a deadline
(``parse_timeout``) inside its page and glyph loops and raises ``ParseTimeoutError`` past it,
in the library as in a ``WorkerPool`` worker (which also kills a worker that overruns). Only
``InputError`` subclasses escape: anything else a reader raises is a bug in the reader and is
reported as a corrupt document, never a traceback.
"""

from __future__ import annotations

import dataclasses

from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    InputError,
)
from matcher.models import Document, DocumentText, LayoutWarning
from matcher.options import MatchOptions
from matcher.read.contact import find_contact
from matcher.read.experience import find_experience, total_years
from matcher.read.sections import split_sections
from matcher.read.sniff import sniff

__all__ = ["build_document", "parse", "read_text"]


def read_text(data: bytes, *, options: MatchOptions | None = None) -> DocumentText:
    """Bytes → ``DocumentText`` with the reader the content calls for.

    Raises:
        InputError: any subclass (empty, unsupported, too large, encrypted, corrupt, no text).
    """
    options = options or MatchOptions()
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CorruptDocumentError("The input is not a file's bytes.")
    data = bytes(data)
    if not data:
        raise EmptyDocumentError()
    if len(data) > options.max_bytes:
        raise DocumentTooLargeError(
            f"The document is too large: {len(data):,} bytes exceeds the limit of "
            f"{options.max_bytes:,}."
        )
    kind = sniff(data)
    try:
        if kind == "pdf":
            from matcher.read import pdf

            return pdf.extract_text(
                data,
                max_bytes=options.max_bytes,
                max_pages=options.max_pages,
                engine=options.pdf_engine,
                deadline=pdf.Deadline(options.parse_timeout),
            )
        if kind == "image":
            from matcher.read import image
            from matcher.read.pdf.limits import Deadline

            return image.extract_text(data, deadline=Deadline(options.parse_timeout))
        if kind == "docx":
            from matcher.read import docx

            return docx.extract_text(data, max_bytes=options.max_bytes)
        from matcher.read import plaintext

        return plaintext.extract_text(data)
    except InputError:
        raise
    except RecursionError as exc:
        raise CorruptDocumentError(
            "The document is corrupt: its structure is nested too deeply to read."
        ) from exc
    except MemoryError as exc:
        raise DocumentTooLargeError() from exc
    except Exception as exc:  # a reader bug must still reach the caller as a typed error
        raise CorruptDocumentError(
            "The document could not be read: it looks corrupt or malformed."
        ) from exc


def build_document(text: DocumentText, *, options: MatchOptions | None = None) -> Document:
    """``DocumentText`` → ``Document`` (sections, contact, experience), no I/O."""
    options = options or MatchOptions()
    warnings = list(text.warnings)
    if len(text.text) > options.max_text_chars:
        cut = options.max_text_chars
        lines = tuple(ln for ln in text.lines if ln.end <= cut)
        text = dataclasses.replace(text, text=text.text[:cut], lines=lines)
        warnings.append(
            LayoutWarning(
                "partial-document",
                f"The text is longer than {cut:,} characters; only the first part is used.",
            )
        )
    sections = split_sections(text)
    contact = find_contact(text.lines, sections)
    entries = find_experience(text.lines, sections)
    return Document(
        text=text.text,
        lines=text.lines,
        pages=text.pages,
        format=text.format,
        sections=tuple(sections),
        contact=contact,
        experience=tuple(entries),
        years_experience=total_years(entries),
        warnings=tuple(warnings),
        hidden_text=text.hidden_text,
        producer=text.producer,
        partial=text.partial,
    )


def parse(
    data: bytes, *, filename: str | None = None, options: MatchOptions | None = None
) -> Document:
    """Read a resume (PDF, DOCX, plain text or a PNG/JPEG scan, decided by content) into a
    ``Document``.

    Args:
        data: the file's bytes.
        filename: only for messages; the type always comes from the content.
        options: limits (``max_bytes``, ``max_pages``, ``max_text_chars``) and ``pdf_engine``.

    Raises:
        EmptyDocumentError: no bytes or no readable characters.
        UnsupportedTypeError: not a PDF, DOCX, text, PNG or JPEG file (a GIF, an archive, ...).
        DocumentTooLargeError: over the byte, page or pixel limit, or a decompression bomb.
        PdfEncryptedError: the PDF needs a password to open.
        CorruptDocumentError: truncated or damaged beyond recovery.
        NoTextError: a scan in which OCR finds no text, or any scan when Tesseract is not
            installed (the message says how to install it).
    """
    del filename  # the content decides; the name is never trusted
    options = options or MatchOptions()
    text = read_text(data, options=options)
    try:
        return build_document(text, options=options)
    except InputError:
        raise
    except RecursionError as exc:
        raise CorruptDocumentError("The document is nested too deeply to read.") from exc
    except Exception as exc:  # pragma: no cover - a bug in the section/contact heuristics
        raise CorruptDocumentError(
            "The document could not be read: it looks corrupt or malformed."
        ) from exc
