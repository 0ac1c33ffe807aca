"""Rows in reading order, per page → one ``DocumentText``: the document assembly.

Tables are kept apart cell by cell (" | "), words broken at line ends are joined within a
column, lines are cleaned once (``textclean``), a resume flattened onto one very long line is
cut at its headings, text repeated in the top or bottom margin of several pages (or a page
number there) is flagged as header/footer, hidden glyphs become hidden lines, and every layout
finding becomes a ``LayoutWarning``. Shared by both glyph sources.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from matcher.errors import NoTextError
from matcher.models import DocumentText, LayoutWarning, Line
from matcher.read.pdf.glyphs import HiddenGlyph
from matcher.read.pdf.layout import Row
from matcher.read.pdf.layout import table_rows as find_tables
from matcher.read.pdf.segments import Segment
from matcher.read.sections import split_run_in_headings
from matcher.read.textclean import clean_line, count_cid, dehyphenate, vocabulary

__all__ = ["PageResult", "assemble"]

_SMALL_PT = 6.0  # visible text smaller than this earns a "small-text" warning
_MARGIN_FRACTION = 0.075  # header/footer zone: top and bottom 7.5 % of the page
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?$", re.IGNORECASE)


@dataclass(slots=True)
class PageResult:
    """One page after layout: rows in reading order and what the assembly reports on."""

    rows: list[Row]
    columns: bool
    width: float
    height: float
    hidden: list[HiddenGlyph] = field(default_factory=list)
    hidden_reasons: Counter[str] = field(default_factory=Counter)
    images: int = 0
    rotated: int = 0
    truncated: bool = False
    ocr: bool = False


def _hidden_lines(glyphs: list[HiddenGlyph]) -> list[str]:
    lines: list[list[HiddenGlyph]] = []
    for g in sorted(glyphs, key=lambda g: (round(g.bottom), g.x0)):
        if lines and abs(lines[-1][-1].bottom - g.bottom) <= max(1.0, 0.3 * g.size):
            lines[-1].append(g)
        else:
            lines.append([g])
    out: list[str] = []
    for line in lines:
        line.sort(key=lambda g: g.x0)
        parts = [line[0].text]
        for a, b in pairwise(line):
            if b.x0 - a.x1 > 0.2 * max(a.size, 1.0):
                parts.append(" ")
            parts.append(b.text)
        text = clean_line("".join(parts))
        if text:
            out.append(text)
    return out


def _margin_keys(results: list[PageResult]) -> set[tuple[str, str]]:
    """(zone, digit-free text) of rows that repeat in the same margin on two or more pages."""
    seen: Counter[tuple[str, str]] = Counter()
    for res in results:
        keys: set[tuple[str, str]] = set()
        for row, _col in res.rows:
            zone = _zone(row, res.height)
            if zone:
                keys.add((zone, _digitless(" ".join(s.raw for s in row))))
        seen.update(keys)
    return {k for k, n in seen.items() if n >= 2}


def _zone(row: list[Segment], height: float) -> str | None:
    top = min(s.top for s in row)
    bottom = max(s.bottom for s in row)
    if bottom <= height * _MARGIN_FRACTION:
        return "top"
    if top >= height * (1 - _MARGIN_FRACTION):
        return "bottom"
    return None


def _digitless(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def assemble(
    results: list[PageResult],
    *,
    producer: str | None,
    partial: bool,
    format: Literal["pdf", "image"] = "pdf",
) -> DocumentText:
    """The pages' rows → ``DocumentText``: lines with their layout, hidden text, warnings."""
    repeated = _margin_keys(results) if len(results) > 1 else set()
    text_parts: list[str] = []
    lines: list[Line] = []
    hidden_parts: list[str] = []
    offset = 0
    cid_glyphs = 0
    small_pages: set[int] = set()
    small_count = 0
    column_pages: list[int] = []
    image_pages: list[int] = []
    hf_pages: set[int] = set()
    hf_count = 0
    hidden_pages: list[int] = []
    hidden_reasons: Counter[str] = Counter()
    table_rows = 0
    vocab = vocabulary([s.raw for res in results for row, _c in res.rows for s in row])
    ocr_pages: list[int] = []
    ocr_scores: list[float] = []
    for page_no, res in enumerate(results, start=1):
        first_line = len(lines)
        if res.columns:
            column_pages.append(page_no)
        table = find_tables(res.rows)
        raw = [
            " | ".join(table[i]) if i in table else " ".join(s.raw for s in row)
            for i, (row, _col) in enumerate(res.rows)
        ]
        # join words broken at line ends, within a column only
        fixed: list[str] = list(raw)
        for col in {c for _r, c in res.rows}:
            idx = [i for i, (_r, c) in enumerate(res.rows) if c == col]
            for i, new in zip(idx, dehyphenate([raw[i] for i in idx], vocab), strict=True):
                fixed[i] = new
        visible_rows = 0
        for i, ((row, col), raw_text, text_src) in enumerate(
            zip(res.rows, raw, fixed, strict=True)
        ):
            if table.get(i):
                table_rows += 1
            cid_glyphs += count_cid(raw_text)
            text = clean_line(text_src)
            if not text:
                continue
            visible_rows += 1
            zone = _zone(row, res.height)
            in_hf = False
            if zone and (
                (zone, _digitless(raw_text)) in repeated or _PAGE_NUMBER.match(text.strip())
            ):
                in_hf = True
                hf_pages.add(page_no)
                hf_count += 1
            size = max(s.size for s in row)
            scores = [s.confidence for s in row if s.confidence is not None]
            if 0 < size < _SMALL_PT and not res.ocr:
                small_pages.add(page_no)
                small_count += 1
            # a whole resume flattened onto one line: cut it at its headings
            for piece in split_run_in_headings(text):
                if text_parts:
                    offset += 1
                start = offset
                offset += len(piece)
                text_parts.append(piece)
                lines.append(
                    Line(
                        text=piece,
                        page=page_no,
                        number=len(lines) + 1,
                        start=start,
                        end=offset,
                        x0=round(min(s.x0 for s in row), 2),
                        top=round(min(s.top for s in row), 2),
                        x1=round(max(s.x1 for s in row), 2),
                        bottom=round(max(s.bottom for s in row), 2),
                        font_size=size,
                        bold=all(s.bold for s in row),
                        column=col,
                        in_header_footer=in_hf,
                        table_row=table_rows if table.get(i) else None,
                        source="ocr" if res.ocr else "text",
                        confidence=round(sum(scores) / len(scores), 3) if scores else None,
                    )
                )
        if visible_rows == 0 and res.images:
            image_pages.append(page_no)
        if visible_rows and res.ocr:
            ocr_pages.append(page_no)
            ocr_scores.extend(
                ln.confidence for ln in lines[first_line:] if ln.confidence is not None
            )
        hidden = _hidden_lines(res.hidden)
        if hidden:
            hidden_pages.append(page_no)
            hidden_reasons.update(res.hidden_reasons)
            for h in hidden:
                hidden_parts.append(h)
                lines.append(
                    Line(text=h, page=page_no, number=len(lines) + 1, start=-1, end=-1, hidden=True)
                )
    text = "\n".join(text_parts)
    if not text.strip():
        if hidden_parts:
            raise NoTextError(
                "The PDF has no visible text: everything on it is hidden (white, invisible or "
                "tiny), so there is no text to read."
            )
        raise NoTextError()
    rotated_pages = [n for n, res in enumerate(results, start=1) if res.rotated]
    truncated_pages = [n for n, res in enumerate(results, start=1) if res.truncated]
    reasons = ", ".join(r for r, _n in hidden_reasons.most_common())
    # every warning the layout can raise, with its count: those that counted nothing are dropped
    mean = sum(ocr_scores) / len(ocr_scores) if ocr_scores else 0.0
    counted = [
        LayoutWarning(
            "multi-column",
            "The layout has more than one column; some applicant-tracking systems read "
            "columns in the wrong order. A single column is safest.",
            tuple(column_pages),
            len(column_pages),
        ),
        LayoutWarning(
            "ocr",
            f"Some pages are scanned images; their text was recognised by OCR (mean "
            f"confidence {mean:.0%}) and may hold misread words. Many applicant-tracking "
            "systems read no text from a scan: send a PDF with a text layer.",
            tuple(ocr_pages),
            len(ocr_pages),
        ),
        LayoutWarning(
            "image-only-page",
            "Some pages are images without a text layer (scanned?); their text cannot be "
            "read without OCR.",
            tuple(image_pages),
            len(image_pages),
        ),
        LayoutWarning(
            "hidden-text",
            f"The file contains text a reader cannot see ({reasons}); it was left out of "
            "scoring. Hidden keywords are treated as keyword stuffing.",
            tuple(hidden_pages),
            len(hidden_parts),
        ),
        LayoutWarning(
            "small-text",
            f"Some text is smaller than {_SMALL_PT:g} pt and hard to read.",
            tuple(sorted(small_pages)),
            small_count,
        ),
        LayoutWarning(
            "header-footer-text",
            "Some text sits in the page header or footer, which many applicant-tracking "
            "systems skip; keep contact details and skills in the body.",
            tuple(sorted(hf_pages)),
            hf_count,
        ),
        LayoutWarning(
            "rotated-text",
            "Some text is set sideways; many applicant-tracking systems skip or garble it.",
            tuple(rotated_pages),
            sum(res.rotated for res in results),
        ),
        LayoutWarning(
            "table-layout",
            "Part of the resume is laid out in a table; some applicant-tracking systems "
            "read tables cell by cell or not at all.",
            tuple(sorted({ln.page for ln in lines if ln.table_row is not None})),
            table_rows,
        ),
        LayoutWarning(
            "icon-font-glyphs",
            "Some characters come from icon fonts without a text mapping and were dropped.",
            (),
            cid_glyphs,
        ),
        LayoutWarning(
            "too-complex",
            "Some pages hold far more text pieces than a resume page; only their first "
            "part was read.",
            tuple(truncated_pages),
            len(truncated_pages),
        ),
        LayoutWarning(
            "partial-document",
            "The PDF is damaged or truncated: only the pages that could be read are used.",
            (),
            int(partial),
        ),
    ]
    warns = [w for w in counted if w.count]
    return DocumentText(
        text=text,
        lines=tuple(lines),
        pages=len(results),
        format=format,
        warnings=tuple(warns),
        hidden_text="\n".join(hidden_parts),
        producer=producer,
        partial=partial,
    )
