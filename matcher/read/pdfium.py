"""PDF bytes → ``DocumentText`` with PDFium (pypdfium2): the optional, faster PDF engine.

Selected with ``MatchOptions(pdf_engine="pdfium")`` (CLI ``--pdf-engine pdfium``, service
``ROLEFIT_PDF_ENGINE=pdfium``); pdfminer.six (``matcher/read/pdf.py``) stays the default and the
reference. It returns the same ``DocumentText`` as the pdfminer reader — visual lines in reading
order with page numbers, positions (points from the page top), font size, bold, column, hidden
and header/footer flags, plus layout warnings — so sections, contact and experience run unchanged.

How a page is read:

1. PDFium's text page gives the page's characters in content order, with the line breaks it
   generates; one call (``get_text_range``) returns the text, and character ``i`` of that text is
   character ``i`` of the text page, so positions come from a few per-line look-ups
   (first/last character box, font size and weight, fill colour, render mode) instead of a call
   per character.
2. A line whose words are far apart (a gap wider than ``_GAP_EM`` times the font size) is split
   into segments: two columns printed on the same baseline are two segments.
3. Columns: a vertical gutter that many segments end before and many start after, and almost
   none cross, splits the page; reading order is full-width lines above the columns, the left
   column, the right column, then full-width lines below. Otherwise segments of one line are
   joined again and lines are read top to bottom.
4. Hidden text (render mode 3, white fill, text under ``_TINY_PT``, off the page) is kept out of
   ``text`` and reported in ``hidden_text``; text repeated in the top or bottom margin of several
   pages is flagged as header/footer.

Raises only ``InputError`` subclasses.
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    NoTextError,
    PdfEncryptedError,
    UnsupportedTypeError,
)
from matcher.models import DocumentText, LayoutWarning, Line

__all__ = ["available", "extract_text"]

_GAP_EM = 2.5  # a horizontal gap wider than this many font sizes splits a line into segments
_TINY_PT = 1.5  # text smaller than this is unreadable: hidden
_MARGIN_PT = 45.0  # header/footer zone at the top and bottom of a page
_MIN_COLUMN_SEGMENTS = 4
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BULLETS = re.compile(r"^[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u2219\u00b7\uf0b7\uf0a7]\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def available() -> bool:
    """True when pypdfium2 is installed (``pip install 'rolefit[pdfium]'``)."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Segment:
    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    hidden: bool
    source_line: int  # index of PDFium's line the segment came from (to join segments again)
    page_width: float
    page_height: float


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.replace("\u00ad", "").replace("\x02", "-"))
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return _BULLETS.sub("• ", text) if _BULLETS.match(text) else text


def extract_text(data: bytes, *, max_bytes: int, max_pages: int) -> DocumentText:
    """Read a PDF with PDFium into clean text with layout.

    Args:
        data: the file's bytes.
        max_bytes: larger inputs are refused.
        max_pages: PDFs with more pages are refused.

    Raises:
        EmptyDocumentError: no bytes.
        DocumentTooLargeError: over ``max_bytes`` or ``max_pages``.
        UnsupportedTypeError: pypdfium2 is not installed, or the bytes are not a PDF.
        PdfEncryptedError: the PDF needs a password.
        CorruptDocumentError: PDFium cannot open it.
        NoTextError: no page has a text layer (scanned or image-only).
    """
    if not data:
        raise EmptyDocumentError("The file is empty (0 bytes).")
    if len(data) > max_bytes:
        raise DocumentTooLargeError(
            f"The file is too large: {len(data)} bytes, the limit is {max_bytes}."
        )
    if b"%PDF" not in data[:1024]:
        raise UnsupportedTypeError("This is not a PDF file: not a supported file type here.")
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise UnsupportedTypeError(
            "The pdfium engine is not installed (pip install 'rolefit[pdfium]')."
        ) from exc
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message or "security" in message:
            raise PdfEncryptedError("The PDF is encrypted with a password.") from exc
        raise CorruptDocumentError("The PDF is corrupt: PDFium cannot read it.") from exc
    try:
        pages = len(pdf)
        if pages > max_pages:
            raise DocumentTooLargeError(
                f"The PDF has {pages} pages, more than the limit of {max_pages}."
            )
        producer = _producer(pdf)
        segments: list[list[_Segment]] = []
        image_only: list[int] = []
        line_no = 0
        for index in range(pages):
            page = pdf[index]
            try:
                page_segments, n_chars, line_no = _read_page(page, index + 1, line_no, raw)
                if n_chars == 0 and _has_images(page, raw):
                    image_only.append(index + 1)
            finally:
                page.close()
            segments.append(page_segments)
    except pdfium.PdfiumError as exc:
        raise CorruptDocumentError("The PDF is corrupt: PDFium cannot read a page.") from exc
    finally:
        pdf.close()
    return _assemble(segments, pages=pages, producer=producer, image_only=image_only)


def _producer(pdf: Any) -> str | None:
    try:
        meta = pdf.get_metadata_dict()
    except Exception:  # metadata is optional; never fail the read on it
        return None
    value = (meta.get("Producer") or meta.get("Creator") or "").strip()
    return value or None


def _has_images(page: Any, raw: Any) -> bool:
    handle = page.raw
    return any(
        raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(handle, i)) == raw.FPDF_PAGEOBJ_IMAGE
        for i in range(raw.FPDFPage_CountObjects(handle))
    )


def _read_page(page: Any, page_no: int, line_no: int, raw: Any) -> tuple[list[_Segment], int, int]:
    """Segments of one page (PDFium lines, split at wide gaps), in content order."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        n_chars = textpage.count_chars()
        if n_chars <= 0:
            return [], 0, line_no
        full = textpage.get_text_range(0, n_chars)
        if len(full) != n_chars:  # characters outside the BMP: offsets shift; look each up
            full = "".join(
                chr(raw.FPDFText_GetUnicode(textpage.raw, i) or 32) for i in range(n_chars)
            )
        tp = textpage.raw
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))

        def box(i: int) -> tuple[float, float, float, float]:
            raw.FPDFText_GetCharBox(
                tp,
                i,
                ctypes.byref(left),
                ctypes.byref(right),
                ctypes.byref(bottom),
                ctypes.byref(top),
            )
            return left.value, right.value, bottom.value, top.value

        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        matrix = raw.FS_MATRIX()
        name_buf = ctypes.create_string_buffer(128)
        out: list[_Segment] = []
        pos = 0
        for raw_line in full.split("\n"):
            start, end = pos, pos + len(raw_line)
            pos = end + 1
            pieces = _split_at_gaps(raw_line, start, box)
            line_no += 1
            for seg_start, seg_end in pieces:
                text = _clean(full[seg_start:seg_end])
                if not text:
                    continue
                first = seg_start + (
                    len(full[seg_start:seg_end]) - len(full[seg_start:seg_end].lstrip())
                )
                last = (
                    seg_end
                    - 1
                    - (len(full[seg_start:seg_end]) - len(full[seg_start:seg_end].rstrip()))
                )
                x0, _, b0, t0 = box(first)
                _, x1, b1, t1 = box(last)
                size = float(raw.FPDFText_GetFontSize(tp, first))
                if raw.FPDFText_GetMatrix(tp, first, ctypes.byref(matrix)):
                    size *= math.hypot(matrix.c, matrix.d) or 1.0  # the text matrix scales it
                weight = int(raw.FPDFText_GetFontWeight(tp, first))
                if weight <= 0:  # unknown weight (standard 14 fonts): look at the font's name
                    n = raw.FPDFText_GetFontInfo(tp, first, name_buf, len(name_buf), None)
                    font = name_buf.raw[: max(0, n - 1)].decode("latin-1", "replace")
                    weight = 700 if "bold" in font.lower() else 400
                hidden = size < _TINY_PT
                obj = raw.FPDFText_GetTextObject(tp, first)
                if (
                    obj
                    and raw.FPDFTextObj_GetTextRenderMode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE
                ):
                    hidden = True
                if raw.FPDFText_GetFillColor(
                    tp, first, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)
                ) and (min(r.value, g.value, b.value) >= 250 or a.value == 0):
                    hidden = True
                top_pt = height - max(t0, t1)
                if x1 < 0 or x0 > width or top_pt > height or height - min(b0, b1) < 0:
                    hidden = True  # off the page
                out.append(
                    _Segment(
                        text=text,
                        page=page_no,
                        x0=round(min(x0, x1), 2),
                        top=round(top_pt, 2),
                        x1=round(max(x0, x1), 2),
                        bottom=round(height - min(b0, b1), 2),
                        size=round(size, 2),
                        bold=weight >= 600,
                        hidden=hidden,
                        source_line=line_no,
                        page_width=float(width),
                        page_height=float(height),
                    )
                )
        return out, n_chars, line_no
    finally:
        textpage.close()


def _split_at_gaps(line: str, offset: int, box: Any) -> list[tuple[int, int]]:
    """(start, end) offsets of the parts of a line separated by wide horizontal gaps."""
    line = line.rstrip("\r")
    if " " not in line.strip():
        return [(offset, offset + len(line))]
    pieces = []
    start = 0
    for match in re.finditer(r" +", line):
        i, j = match.start(), match.end()
        if i == 0 or j >= len(line):
            continue
        l_prev, r_prev, b_prev, t_prev = box(offset + i - 1)
        l_next, _, b_next, t_next = box(offset + j)
        em = max(t_prev - b_prev, t_next - b_next, 1.0)
        if l_next - r_prev > _GAP_EM * em or l_next < l_prev:
            pieces.append((offset + start, offset + i))
            start = j
    pieces.append((offset + start, offset + len(line)))
    return pieces


def _gutter(segments: list[_Segment], width: float) -> float | None:
    """The x of a column gutter on this page, or None for a single column."""
    visible = [s for s in segments if not s.hidden]
    if len(visible) < 2 * _MIN_COLUMN_SEGMENTS:
        return None
    best: tuple[int, float] | None = None
    for cand in sorted({round(s.x0) for s in visible if 0.2 * width < s.x0 < 0.8 * width}):
        gx = cand - 2.0
        right = sum(1 for s in visible if s.x0 >= gx)
        left = sum(1 for s in visible if s.x1 <= gx)
        crossing = sum(1 for s in visible if s.x0 < gx < s.x1)
        if crossing > 0.15 * len(visible):
            continue
        score = min(left, right) - 3 * crossing  # a gutter is a gap almost nothing crosses
        if score >= _MIN_COLUMN_SEGMENTS and (best is None or score > best[0]):
            best = (score, gx)
    return best[1] if best else None


def _order_page(segments: list[_Segment], width: float) -> list[tuple[_Segment, int]]:
    """Reading order of one page's segments with their column (0 full, 1 left, 2 right)."""
    gutter = _gutter(segments, width) if width > 0 else None
    if gutter is None:
        by_line: dict[int, list[_Segment]] = {}
        for s in segments:
            by_line.setdefault(s.source_line, []).append(s)
        joined = []
        for parts in by_line.values():
            parts.sort(key=lambda s: s.x0)
            if len(parts) == 1:
                joined.append(parts[0])
                continue
            first = parts[0]
            joined.append(
                replace(
                    first,
                    text=" ".join(p.text for p in parts),
                    x1=max(p.x1 for p in parts),
                    top=min(p.top for p in parts),
                    bottom=max(p.bottom for p in parts),
                    hidden=all(p.hidden for p in parts),
                )
            )
        joined.sort(key=lambda s: (round(s.top / 3.0), s.x0))
        return [(s, 0) for s in joined]
    columns = [s for s in segments if s.x1 <= gutter or s.x0 >= gutter]
    full = sorted((s for s in segments if s.x0 < gutter < s.x1), key=lambda s: (s.top, s.x0))
    # Full-width lines cut the page into bands; each band is read left column, then right.
    bands: list[list[_Segment]] = [[] for _ in range(len(full) + 1)]
    for seg in columns:
        bands[sum(1 for f in full if f.top <= seg.top)].append(seg)
    out: list[tuple[_Segment, int]] = []
    for k, band in enumerate(bands):
        band.sort(key=lambda s: (s.x0 >= gutter, s.top, s.x0))
        out.extend((s, 2 if s.x0 >= gutter else 1) for s in band)
        if k < len(full):
            out.append((full[k], 0))
    return out


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _assemble(
    pages_segments: list[list[_Segment]],
    *,
    pages: int,
    producer: str | None,
    image_only: list[int],
) -> DocumentText:
    ordered: list[tuple[_Segment, int]] = []
    multi_column: list[int] = []
    for page_no, segments in enumerate(pages_segments, start=1):
        width = segments[0].page_width if segments else 0.0
        page_order = _order_page(segments, width)
        if any(col for _, col in page_order):
            multi_column.append(page_no)
        ordered.extend(page_order)

    # header/footer: the same text in the top or bottom margin of two or more pages
    margin_keys: Counter[str] = Counter()
    if pages > 1:
        for seg, _ in ordered:
            if seg.top < _MARGIN_PT or seg.bottom > seg.page_height - _MARGIN_PT:
                margin_keys[_key(seg.text)] += 1
    repeated = {k for k, n in margin_keys.items() if n >= 2}

    lines: list[Line] = []
    visible: list[str] = []
    hidden_parts: list[str] = []
    offset = 0
    hidden_pages: set[int] = set()
    tiny_pages: set[int] = set()
    hf_pages: set[int] = set()
    for number, (seg, column) in enumerate(ordered, start=1):
        in_hf = bool(repeated) and _key(seg.text) in repeated
        if in_hf:
            hf_pages.add(seg.page)
        if seg.hidden:
            hidden_parts.append(seg.text)
            hidden_pages.add(seg.page)
            start = end = -1
        else:
            if 0 < seg.size < 6.0:
                tiny_pages.add(seg.page)
            start = offset
            end = offset + len(seg.text)
            visible.append(seg.text)
            offset = end + 1
        lines.append(
            Line(
                text=seg.text,
                page=seg.page,
                number=number,
                start=start,
                end=end,
                x0=seg.x0,
                top=seg.top,
                x1=seg.x1,
                bottom=seg.bottom,
                font_size=seg.size,
                bold=seg.bold,
                column=column,
                hidden=seg.hidden,
                in_header_footer=in_hf,
            )
        )
    text = "\n".join(visible)
    if not text.strip():
        raise NoTextError(
            "The PDF has no text layer (scanned or image-only pages): no text to read without OCR."
        )
    warnings: list[LayoutWarning] = []
    if multi_column:
        warnings.append(
            LayoutWarning(
                "multi-column",
                "Text is laid out in columns; some applicant-tracking systems read across them.",
                tuple(multi_column),
                len(multi_column),
            )
        )
    if image_only:
        warnings.append(
            LayoutWarning(
                "image-only-page",
                "Some pages are images without text; their content cannot be read.",
                tuple(image_only),
                len(image_only),
            )
        )
    if hidden_pages:
        warnings.append(
            LayoutWarning(
                "hidden-text",
                "The file contains invisible text (white, tiny or transparent); it is not scored.",
                tuple(sorted(hidden_pages)),
                len(hidden_parts),
            )
        )
    if tiny_pages:
        warnings.append(
            LayoutWarning(
                "small-text",
                "Some text is smaller than 6 pt.",
                tuple(sorted(tiny_pages)),
                len(tiny_pages),
            )
        )
    if hf_pages:
        warnings.append(
            LayoutWarning(
                "header-footer-text",
                "Text in page headers or footers is often skipped by applicant-tracking systems.",
                tuple(sorted(hf_pages)),
                len(hf_pages),
            )
        )
    return DocumentText(
        text=text,
        lines=tuple(lines),
        pages=pages,
        format="pdf",
        warnings=tuple(warnings),
        hidden_text="\n".join(hidden_parts),
        producer=producer,
        partial=False,
    )
