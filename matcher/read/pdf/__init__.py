"""PDF bytes → ``DocumentText``: glyph source → layout engine → assembly.

```
bytes ─ streams.check_streams (one decompression budget for every stream)
      ─ pdfium_source | pdfminer_source ─► PageGlyphs per page (glyphs.py: visible / hidden)
      ─ ocr_source (a page with images and no visible text: PDFium render → Tesseract)
      ─ segments.py ─► segments ─ layout.py ─► rows in reading order, columns, tables
      ─ assemble.py ─► DocumentText
```

Both glyph sources produce the same ``PageGlyphs``; everything after is written once. PDFium
(pypdfium2) is the default engine; pdfminer.six reads a file when pypdfium2 is missing, when
PDFium cannot open or read it, when a page's content is too heavy for PDFium to parse within
bounds (``limits.PDFIUM_MAX_PAGE_CONTENT``), and when asked for
(``MatchOptions.pdf_engine="pdfminer"``); never a file with a stream or damage it could not
decode within bounds (``limits.PDFMINER_MAX_STREAM``, ``PDFMINER_MAX_RECOVERY``).

Bounds (``limits.py``): a ``Deadline`` checked inside the page and glyph loops and, with
pdfminer, inside every parse it runs, opening the file included (``pdfminer_deadline.py``)
(``ParseTimeoutError``), at most ``max_pages`` pages (``DocumentTooLargeError``), at most
``MAX_GLYPHS_PER_PAGE`` glyphs and ``MAX_SEGMENTS_PER_PAGE`` segments per page (the rest is
dropped with a ``too-complex`` warning). Bad input raises only ``InputError`` subclasses; a
failure after the first page keeps the pages read so far and marks the document ``partial``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Protocol

from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    InputError,
    NoTextError,
    UnsupportedTypeError,
)
from matcher.models import DocumentText
from matcher.read.pdf.assemble import PageResult, assemble
from matcher.read.pdf.glyphs import PageGlyphs
from matcher.read.pdf.layout import order_page
from matcher.read.pdf.limits import (
    MAX_SEGMENTS_PER_PAGE,
    PDFIUM_MAX_PAGE_CONTENT,
    PDFMINER_MAX_STREAM,
    Deadline,
    heaviest_page_content,
)
from matcher.read.pdf.ocr_source import INSTALL_HINT, PageOcr, needs_ocr
from matcher.read.pdf.ocr_source import available as ocr_available
from matcher.read.pdf.segments import Segment, collect_segments, rotated_segments
from matcher.read.pdf.streams import check_streams

__all__ = ["Deadline", "extract_text", "layout_page", "pdfium_available", "read_pages"]


class GlyphSource(Protocol):
    """An open PDF as a glyph source delivers it."""

    page_count: int
    repaired: bool
    producer: str | None

    def pages(self, deadline: Deadline) -> Iterator[PageGlyphs]: ...

    def close(self) -> None: ...


def pdfium_available() -> bool:
    """True when pypdfium2 can be imported."""
    from matcher.read.pdf import pdfium_source

    return pdfium_source.available()


def layout_page(glyphs: PageGlyphs, page_no: int) -> PageResult:
    """One page's glyphs → rows in reading order (the shared layout engine)."""
    segments: list[Segment] = []
    for run in glyphs.runs:
        collect_segments(run, page_no, glyphs.height, segments)
    truncated = glyphs.truncated
    if len(segments) > MAX_SEGMENTS_PER_PAGE:
        segments = segments[:MAX_SEGMENTS_PER_PAGE]
        truncated = True
    rows, columns = order_page(segments, glyphs.width)
    rotated = rotated_segments(glyphs.rotated, page_no, glyphs.height) if glyphs.rotated else []
    # sideways text (a vertical title in the margin) is read after the page, one row each
    rows.extend(([seg], 0) for seg in rotated[:MAX_SEGMENTS_PER_PAGE])
    return PageResult(
        rows=rows,
        columns=columns,
        width=glyphs.width,
        height=glyphs.height,
        hidden=glyphs.hidden,
        hidden_reasons=glyphs.hidden_reasons,
        images=glyphs.images,
        rotated=len(rotated),
        truncated=truncated,
        ocr=glyphs.ocr,
    )


def read_pages(
    source: GlyphSource, deadline: Deadline, *, max_pages: int, ocr: PageOcr | None = None
) -> DocumentText:
    """Every page of an open source through the layout engine and the assembly; a page with
    images but no visible text goes through ``ocr`` (when given) instead."""
    if not source.page_count:
        raise CorruptDocumentError("The PDF is corrupt: it has no pages.")
    if source.page_count > max_pages:
        raise DocumentTooLargeError(
            f"The document is too large: {source.page_count} pages exceeds the limit of "
            f"{max_pages}."
        )
    partial = source.repaired  # a patched file may have lost content
    results: list[PageResult] = []
    pages = source.pages(deadline)
    while True:
        try:
            glyphs = next(pages)
        except StopIteration:
            break
        except InputError:
            raise
        except RecursionError as exc:
            if not results:
                raise CorruptDocumentError(
                    "The PDF is corrupt: its content is nested too deeply to read."
                ) from exc
            partial = True
            break
        except MemoryError as exc:
            raise DocumentTooLargeError() from exc
        except Exception as exc:
            if not results:
                raise CorruptDocumentError(
                    "The PDF is corrupt or truncated: its first page cannot be read."
                ) from exc
            partial = True
            break
        if ocr is not None and needs_ocr(glyphs):
            glyphs = ocr.read(len(results), glyphs, deadline)
        results.append(layout_page(glyphs, len(results) + 1))
        deadline.check()
    if len(results) < source.page_count:
        partial = True
    try:
        return assemble(results, producer=source.producer, partial=partial)
    except NoTextError as exc:
        if source.repaired:
            raise CorruptDocumentError(
                "The PDF is truncated or corrupt: none of its text could be recovered."
            ) from exc
        raise


def _read_with(
    engine: str, data: bytes, deadline: Deadline, max_pages: int, ocr: bool
) -> DocumentText:
    source: GlyphSource
    if engine == "pdfium":
        from matcher.read.pdf import pdfium_source

        source = pdfium_source.open_document(data, deadline)
    else:
        from matcher.read.pdf import pdfminer_source

        source = pdfminer_source.open_document(data, deadline)
    scans = PageOcr(data) if ocr and pdfium_available() and ocr_available() else None
    try:
        return read_pages(source, deadline, max_pages=max_pages, ocr=scans)
    except NoTextError as exc:
        if ocr and scans is None and source.page_count and "hidden" not in str(exc):
            raise NoTextError(f"{NoTextError.default_message} To read it, {INSTALL_HINT}.") from exc
        raise
    finally:
        source.close()
        if scans is not None:
            scans.close()


def extract_text(
    data: bytes,
    *,
    max_bytes: int,
    max_pages: int,
    engine: str = "pdfium",
    deadline: Deadline | None = None,
    ocr: bool = True,
) -> DocumentText:
    """Read a PDF into visible lines in reading order, with hidden text and layout warnings.

    Args:
        data: the file's bytes.
        max_bytes / max_pages: larger files are refused.
        engine: ``pdfium`` (falls back to pdfminer when pypdfium2 is missing, PDFium cannot
            read the file or a page's content is over ``PDFIUM_MAX_PAGE_CONTENT``) or
            ``pdfminer``; pdfminer never reads a file with a stream over
            ``PDFMINER_MAX_STREAM`` (``DocumentTooLargeError``) or damaged streams over
            ``PDFMINER_MAX_RECOVERY`` to recover (``CorruptDocumentError``).
        deadline: when the read must be over (none: no time limit).
        ocr: read pages that are only images with Tesseract (when it is installed).

    Raises:
        EmptyDocumentError: no bytes.
        UnsupportedTypeError: no PDF header.
        DocumentTooLargeError: more than ``max_bytes`` bytes or ``max_pages`` pages, or a
            decompression bomb.
        ParseTimeoutError: past ``deadline``.
        PdfEncryptedError: a user password is needed to open it.
        CorruptDocumentError: not readable as a PDF (truncated, broken xref, garbage), or
            not within bounds by either engine.
        NoTextError: no page has text, from its text layer or (scans) from OCR; without
            Tesseract the message says how to install it.
    """
    if not data:
        raise EmptyDocumentError()
    if len(data) > max_bytes:
        raise DocumentTooLargeError(
            f"The document is too large: {len(data):,} bytes exceeds the limit of {max_bytes:,}."
        )
    if b"%PDF-" not in data[:1024]:
        raise UnsupportedTypeError("This is not a PDF file: not a supported file type here.")
    deadline = deadline or Deadline(None)
    costs = check_streams(data, deadline=deadline)
    heaviest_page = heaviest_page_content(data, deadline=deadline)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # each engine reads only what it can read within bounds (limits.py): a page PDFium
        # would parse unbounded goes to pdfminer, a stream or damage pdfminer would decode
        # unbounded stays with PDFium
        if engine == "pdfium" and pdfium_available() and heaviest_page <= PDFIUM_MAX_PAGE_CONTENT:
            try:
                return _read_with("pdfium", data, deadline, max_pages, ocr)
            except CorruptDocumentError:
                if not costs.pdfminer_ok:
                    raise
            deadline.check()  # pdfminer's own recovery may still read it (below)
        if costs.largest_stream > PDFMINER_MAX_STREAM:
            raise DocumentTooLargeError(
                "The PDF is too large: a page's content, or another stream, decodes to more "
                f"than {PDFMINER_MAX_STREAM // 2**20} MiB (a resume page has less than 100 kB)."
            )
        if not costs.pdfminer_ok:
            raise CorruptDocumentError(
                "The PDF is corrupt: its damaged streams cannot be recovered within the limits."
            )
        return _read_with("pdfminer", data, deadline, max_pages, ocr)
