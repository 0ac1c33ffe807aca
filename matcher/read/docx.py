"""DOCX bytes → ``DocumentText`` with python-docx: body paragraphs and tables in document order,
page headers and footers, and text boxes.

Typography comes from the runs and the paragraph style: a ``Heading N``/``Title`` style counts
as bold and large (``_STYLE_SIZES``), so ``sections.py`` finds headings the same way it does in a
PDF. A table row becomes one line with its cells joined by " | " and ``table_row`` set. Header
text is read first and footer text last, flagged ``in_header_footer`` (many applicant-tracking
systems skip both: a warning says so).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    UnsupportedTypeError,
)
from matcher.models import DocumentText, LayoutWarning, Line
from matcher.read.textclean import clean_line, dehyphenate, vocabulary

__all__ = ["extract_text"]

_BODY_PT = 11.0
_STYLE_SIZES = {"title": 24.0, "subtitle": 15.0, "heading 1": 16.0, "heading 2": 13.0}
_MAX_INFLATE_RATIO = 100
_MAX_INFLATED = 256 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(slots=True)
class _Raw:
    text: str
    size: float
    bold: bool
    table_row: int | None = None
    in_header_footer: bool = False
    layout_cell: bool = False  # a paragraph inside a table used for page layout
    hidden: str = ""  # text of runs a reader cannot see (vanish, white, tiny)


def extract_text(data: bytes, *, max_bytes: int) -> DocumentText:
    """Read a Word (.docx) resume.

    Raises:
        DocumentTooLargeError: more than ``max_bytes``, or the archive inflates too much.
        CorruptDocumentError: a broken ZIP or XML.
        UnsupportedTypeError: a ZIP that is not a Word document.
        EmptyDocumentError: no text at all.
    """
    if len(data) > max_bytes:
        raise DocumentTooLargeError(
            f"The document is too large: {len(data):,} bytes exceeds the limit of {max_bytes:,}."
        )
    _check_zip(data, max_bytes)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        raws = list(_read(document))
    except (DocumentTooLargeError, CorruptDocumentError):
        raise
    except ValueError as exc:  # python-docx: "file is not a Word file, content type is ..."
        raise UnsupportedTypeError(
            "This is not a supported file type: the ZIP is not a Word document."
        ) from exc
    except Exception as exc:  # lxml, zipfile and python-docx errors all mean "unreadable"
        raise CorruptDocumentError(
            "The Word document is corrupt: its XML or ZIP structure cannot be read."
        ) from exc
    return _assemble(raws)


def _check_zip(data: bytes, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptDocumentError(
            "The Word document is corrupt or truncated (not a zip that can be opened)."
        ) from exc
    if total > min(_MAX_INFLATED, max(max_bytes, len(data)) * _MAX_INFLATE_RATIO):
        raise DocumentTooLargeError(
            "The document is too large: its archive inflates beyond the limit (a zip bomb?)."
        )


def _style_name(paragraph: Any) -> str:
    try:
        style = paragraph.style
        return (style.name or "").lower() if style is not None else ""
    except (KeyError, AttributeError, ValueError):
        return ""


_TINY_PT = 2.0


def _shaded(run: Any) -> bool:
    """True when something under the run is filled (run, paragraph or table-cell shading, or a
    highlight): white text there can be visible."""
    if run.font.highlight_color is not None:
        return True
    node = run._r
    while node is not None:
        for shd in node.iter(f"{_W}shd") if node.tag in (f"{_W}r", f"{_W}p", f"{_W}tc") else ():
            fill = (shd.get(f"{_W}fill") or "auto").lower()
            if fill not in ("auto", "ffffff"):
                return True
        node = node.getparent()
    return False


def _run_hidden(run: Any) -> bool:
    """A run a reader cannot see: Word's hidden text (``w:vanish``), white on white, or tiny."""
    font = run.font
    if font.hidden:
        return True
    if font.size is not None and font.size.pt < _TINY_PT:
        return True
    try:
        rgb = font.color.rgb if font.color is not None and font.color.type is not None else None
    except (AttributeError, ValueError):
        rgb = None
    return rgb is not None and str(rgb).upper() == "FFFFFF" and not _shaded(run)


def _split_hidden(paragraph: Any) -> tuple[str, str]:
    """(visible text, hidden text) of a paragraph, runs and hyperlinks in order."""
    from docx.text.run import Run

    visible: list[str] = []
    hidden: list[str] = []
    for item in paragraph.iter_inner_content():
        runs = [item] if isinstance(item, Run) else list(getattr(item, "runs", ()))
        for run in runs:
            (hidden if _run_hidden(run) else visible).append(run.text)
    return "".join(visible), "".join(hidden)


def _paragraph(paragraph: Any, *, in_hf: bool = False) -> _Raw | None:
    text = paragraph.text
    hidden = ""
    if text.strip():
        try:
            visible, hidden = _split_hidden(paragraph)
        except (AttributeError, KeyError, ValueError):
            visible, hidden = text, ""
        if hidden.strip():
            text = visible
        else:
            hidden = ""
    if not text.strip():
        if hidden.strip():
            return _Raw(text="", size=_BODY_PT, bold=False, hidden=hidden)
        return None
    style = _style_name(paragraph)
    size = _STYLE_SIZES.get(style, 0.0)
    if not size and style.startswith("heading"):
        size = 12.5
    bold = bool(size) and (style.startswith("heading") or style == "title")
    runs = [r for r in paragraph.runs if r.text.strip()]
    if runs:
        sizes = [r.font.size.pt for r in runs if r.font.size is not None]
        if sizes:
            size = max(sizes)
        if all(r.bold for r in runs):
            bold = True
    if style.startswith("list") and not text.lstrip().startswith(("•", "-", "–")):
        text = "• " + text
    return _Raw(text=text, size=size or _BODY_PT, bold=bold, in_header_footer=in_hf, hidden=hidden)


_LAYOUT_CELL_PARAGRAPHS = 3  # a cell with more paragraphs than this is page layout, not data


def _unique_cells(row: Any) -> list[Any]:
    cells: list[Any] = []
    seen: set[int] = set()
    for cell in row.cells:
        if id(cell._tc) not in seen:  # merged cells repeat
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _table_rows(table: Any, counter: list[int], *, in_hf: bool = False) -> Iterator[_Raw]:
    """Data tables: one line per row, cells joined by " | ". Layout tables (a sidebar cell
    next to a main cell, each holding many paragraphs, as many Word templates do): each cell's
    paragraphs and nested tables in order, cell after cell, like columns."""
    for row in table.rows:
        unique = _unique_cells(row)
        paragraphs = [
            sum(
                1
                for p in cell._tc.iter(f"{_W}p")
                if "".join(t.text or "" for t in p.iter(f"{_W}t")).strip()
            )
            for cell in unique
        ]
        if paragraphs and max(paragraphs) > _LAYOUT_CELL_PARAGRAPHS:
            for cell in unique:
                for raw in _blocks(cell._tc, cell, counter, in_hf=in_hf):
                    raw.layout_cell = True
                    yield raw
            continue
        cells: list[str] = []
        for cell in unique:
            value = " ".join(clean_line(p.text) for p in cell.paragraphs if p.text.strip())
            cells.append(value)
        if not any(cells):
            continue
        counter[0] += 1
        yield _Raw(
            text=" | ".join(c for c in cells if c),
            size=_BODY_PT,
            bold=False,
            table_row=counter[0],
            in_header_footer=in_hf,
        )


def _blocks(
    element: Any, parent: Any, counter: list[int], *, in_hf: bool = False
) -> Iterator[_Raw]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            para = Paragraph(child, parent)
            raw = _paragraph(para, in_hf=in_hf)
            if raw is not None:
                yield raw
            yield from _textboxes(child, parent, in_hf=in_hf)
        elif tag == f"{_W}tbl":
            yield from _table_rows(Table(child, parent), counter, in_hf=in_hf)
        elif tag == f"{_W}sdt":  # content controls wrap paragraphs
            for p in child.iter(f"{_W}p"):
                raw = _paragraph(Paragraph(p, parent), in_hf=in_hf)
                if raw is not None:
                    yield raw


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _textboxes(p: Any, parent: Any, *, in_hf: bool) -> Iterator[_Raw]:
    """Text boxes anchored in a paragraph (sidebars in many Word templates), read as
    paragraphs (styles, hidden runs). Word stores each box twice, as DrawingML and as a VML
    fallback: the fallback copy is skipped."""
    from docx.text.paragraph import Paragraph

    for box in p.iter(f"{_W}txbxContent"):
        if any(a.tag == _MC_FALLBACK for a in box.iterancestors()):
            continue
        for para in box.iter(f"{_W}p"):
            raw = _paragraph(Paragraph(para, parent), in_hf=in_hf)
            if raw is not None:
                yield raw


def _read(document: Any) -> Iterator[_Raw]:
    counter = [0]
    headers: list[_Raw] = []
    footers: list[_Raw] = []
    seen: set[int] = set()
    for section in document.sections:
        for part, out in (
            (section.first_page_header, headers),
            (section.header, headers),
            (section.first_page_footer, footers),
            (section.footer, footers),
        ):
            try:
                if part.is_linked_to_previous and out and part is not section.header:
                    continue
                element = part._element
            except (AttributeError, KeyError, ValueError):
                continue
            if id(element) in seen:
                continue
            seen.add(id(element))
            out.extend(_blocks(element, part, counter, in_hf=True))
    # a header repeated by several sections is read once
    yield from _dedupe(headers)
    yield from _blocks(document.element.body, document._body, counter)
    yield from _dedupe(footers)


def _dedupe(raws: list[_Raw]) -> list[_Raw]:
    seen: set[str] = set()
    out: list[_Raw] = []
    for raw in raws:
        if raw.text not in seen:
            seen.add(raw.text)
            out.append(raw)
    return out


def _assemble(raws: list[_Raw]) -> DocumentText:
    texts = dehyphenate([r.text for r in raws], vocabulary([r.text for r in raws]))
    parts: list[str] = []
    lines: list[Line] = []
    offset = 0
    hf = 0
    table_rows = 0
    layout_cells = 0
    hidden_parts: list[str] = []
    for raw, src in zip(raws, texts, strict=True):
        if raw.hidden and clean_line(raw.hidden):
            hidden_parts.append(clean_line(raw.hidden))
            lines.append(
                Line(
                    text=hidden_parts[-1],
                    page=1,
                    number=len(lines) + 1,
                    start=-1,
                    end=-1,
                    hidden=True,
                )
            )
        text = clean_line(src)
        if not text:
            continue
        if parts:
            offset += 1
        start = offset
        offset += len(text)
        parts.append(text)
        hf += raw.in_header_footer
        table_rows += raw.table_row is not None
        layout_cells += raw.layout_cell
        lines.append(
            Line(
                text=text,
                page=1,
                number=len(lines) + 1,
                start=start,
                end=offset,
                font_size=raw.size,
                bold=raw.bold,
                table_row=raw.table_row,
                in_header_footer=raw.in_header_footer,
            )
        )
    if not parts:
        raise EmptyDocumentError("The Word document contains no visible text.")
    warns: list[LayoutWarning] = []
    if hidden_parts:
        warns.append(
            LayoutWarning(
                "hidden-text",
                "The file contains text a reader cannot see (hidden, white or tiny); it was "
                "left out of scoring. Hidden keywords are treated as keyword stuffing.",
                (1,),
                len(hidden_parts),
            )
        )
    if hf:
        warns.append(
            LayoutWarning(
                "header-footer-text",
                "Some text sits in the page header or footer, which many applicant-tracking "
                "systems skip; keep contact details and skills in the body.",
                (1,),
                hf,
            )
        )
    if table_rows or layout_cells:
        warns.append(
            LayoutWarning(
                "table-layout",
                "Part of the resume is laid out in a table; some applicant-tracking systems "
                "read tables cell by cell or not at all.",
                (1,),
                table_rows + layout_cells,
            )
        )
    return DocumentText(
        text="\n".join(parts),
        lines=tuple(lines),
        pages=1,
        format="docx",
        warnings=tuple(warns),
        hidden_text="\n".join(hidden_parts),
    )
