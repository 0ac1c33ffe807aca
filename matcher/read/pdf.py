"""PDF bytes → ``DocumentText`` with pdfminer.six (the only module that imports pdfminer).

How a page is read:

1. pdfminer's interpreter runs the page through a device (``_Device``) that sees every glyph
   with its graphics state. A glyph is **hidden** when it is drawn in render mode 3/7
   (invisible), is smaller than ``_TINY_PT``, lies outside the page, or has the colour of what
   is behind it (the last filled shape under it, or the white page). Hidden glyphs never enter
   layout analysis; they are collected into ``hidden_text`` and reported.
2. The visible glyphs are grouped into text lines ("segments") as pdfminer's layout analysis
   would; a wide horizontal gap splits a visual line into segments, so two columns on one
   baseline are two segments, and so does a change of type size across a wide gap (a big
   ``Work`` label beside ``CEO/President``). Each segment keeps its box, font size and
   boldness; the text of letter-spaced segments is rebuilt from the glyph gaps
   (``S K I L L S`` → ``SKILLS``). Sideways glyphs (a vertical title in the margin) are kept
   apart, rebuilt into whole lines in their own direction and read after the page.
3. Reading order is ours, from the segments' geometry, for every producer: a vertical gutter
   that many segments end before and many start after, and (almost) none cross, splits the
   page into columns. Segments that cross it are full-width rows (a name banner, a footer) and
   cut the page into bands; each band is read one column after the other: left then right, or
   a narrow right sidebar before the wide main column (which is what continues on the next
   page), after any main-column lines above the sidebar (the name). Right-aligned
   dates next to job titles, big section labels beside their first line and a table's number
   column are not a column (short blocks or numbers on the text's baselines); such a label is
   cut off its row.
4. Rows: segments of one column on the same baseline are one ``Line``; three or more
   consecutive rows of aligned cells are a table (cells kept apart with " | ", a wrapped cell
   folded back into its row). Lines are cleaned once (``textclean``), words broken at line ends
   are joined, a resume flattened onto one very long line is cut at its headings, and text
   repeated in the top or bottom margin of several pages (or a page number there) is flagged
   as header/footer.

Bad input raises only ``InputError`` subclasses; a failure after the first page keeps the pages
read so far and marks the document ``partial``, and so does a truncated file that opens only
once a trailer pointing at its catalog is appended.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import re
import statistics
import warnings
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    InputError,
    NoTextError,
    PdfEncryptedError,
)
from matcher.models import DocumentText, LayoutWarning, Line
from matcher.read.sections import classify_heading, split_run_in_headings
from matcher.read.textclean import clean_line, count_cid, dehyphenate, vocabulary

__all__ = ["extract_text"]

_TINY_PT = 2.0  # glyphs smaller than this are unreadable: hidden
_SMALL_PT = 6.0  # visible text smaller than this earns a "small-text" warning
_COLOR_EPS = 0.06  # max channel difference for "the same colour as the background"
_MARGIN_FRACTION = 0.075  # header/footer zone: top and bottom 7.5 % of the page
_MAX_STREAM_BYTES = 64 * 1024 * 1024  # a page content stream may inflate to this much
_MIN_COLUMN_SEGMENTS = 3
# pdfminer's default LAParams, which the line grouping in _collect_segments reproduces
_LINE_OVERLAP = 0.5
_CHAR_MARGIN = 2.0
_WORD_MARGIN = 0.1
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|cmbx|sfbx|-bd\b|,b$", re.IGNORECASE)
# codes WinAnsiEncoding leaves unused; viewers draw them as a bullet (reportlab writes "•" as 127)
_WINANSI_UNUSED = frozenset({127, 129, 141, 143, 144, 157})
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?$", re.IGNORECASE)

RGB = tuple[float, float, float]


# --------------------------------------------------------------------------- the device


@dataclass(slots=True)
class _Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class _PageState:
    width: float = 0.0
    height: float = 0.0
    fills: list[tuple[tuple[float, float, float, float], RGB]] = field(default_factory=list)
    fill_colors: list[RGB] = field(default_factory=list)
    hidden: list[_Glyph] = field(default_factory=list)
    hidden_reasons: Counter[str] = field(default_factory=Counter)
    images: int = 0


def _rgb(color: Any) -> RGB | None:
    """A pdfminer colour (gray float, RGB or CMYK tuple) as RGB in 0..1, or None if unknown."""
    try:
        if isinstance(color, int | float):
            g = float(color)
            return (g, g, g)
        if isinstance(color, tuple | list):
            if len(color) == 1 and isinstance(color[0], int | float):
                g = float(color[0])
                return (g, g, g)
            if len(color) == 3 and all(isinstance(c, int | float) for c in color):
                return (float(color[0]), float(color[1]), float(color[2]))
            if len(color) == 4 and all(isinstance(c, int | float) for c in color):
                c, m, y, k = (float(v) for v in color)
                return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    except (TypeError, ValueError):
        return None
    return None


def _same_color(a: RGB, b: RGB) -> bool:
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]), abs(a[2] - b[2])) <= _COLOR_EPS


_WHITE: RGB = (1.0, 1.0, 1.0)


class _Char:
    """A visible glyph: the box, size and font pdfminer's ``LTChar`` would compute for it,
    without the layout-object machinery (the reader does its own line grouping)."""

    __slots__ = (
        "adv",
        "fontname",
        "height",
        "rotation",
        "size",
        "text",
        "width",
        "x0",
        "x1",
        "y0",
        "y1",
    )

    def __init__(
        self, text: str, fontname: str, adv: float, x0: float, y0: float, x1: float, y1: float
    ) -> None:
        self.text = text
        self.fontname = fontname
        self.adv = adv
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
        self.width = x1 - x0
        self.height = y1 - y0
        self.size = self.height
        self.rotation = 0  # 0 upright; 1 turned to read upwards, -1 downwards

    def get_text(self) -> str:
        return self.text


def _glyph_box(
    matrix: Any, font: Any, fontsize: float, scaling: float, rise: float, cid: int, text: str
) -> _Char:
    """``LTChar.__init__``'s geometry, expression for expression (pdfminer.layout): the glyph's
    advance and its box in page space (the bounding box of the transformed corners)."""
    adv = font.char_width(cid) * fontsize * scaling
    if font.is_vertical():
        vx, vy = font.char_disp(cid)
        vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
        vy = (1000 - vy) * fontsize * 0.001
        bx0, by0, bx1, by1 = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
    else:
        descent = font.get_descent() * fontsize
        bx0, by0, bx1, by1 = (0, descent + rise, adv, descent + rise + fontsize)
    a, b, c, d, e, f = matrix
    left1, bottom1 = a * bx0 + c * by0 + e, b * bx0 + d * by0 + f
    right1, bottom2 = a * bx1 + c * by0 + e, b * bx1 + d * by0 + f
    right2, top1 = a * bx1 + c * by1 + e, b * bx1 + d * by1 + f
    left2, top2 = a * bx0 + c * by1 + e, b * bx0 + d * by1 + f
    char = _Char(
        text,
        font.fontname,
        adv,
        min(left1, left2, right1, right2),
        min(bottom1, bottom2, top1, top2),
        max(left1, left2, right1, right2),
        max(bottom1, bottom2, top1, top2),
    )
    if font.is_vertical():
        char.size = char.width
    if not (a * d * scaling > 0 and b * c <= 0):  # pdfminer's LTChar.upright
        char.rotation = 1 if b > 0 else -1
        char.size = min(char.width, char.height)
    return char


def _make_device(rsrcmgr: Any, laparams: Any) -> Any:
    """Build the glyph-sorting device (a ``PDFPageAggregator`` subclass, made lazily)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdffont import PDFUnicodeNotDefined

    class _Device(PDFPageAggregator):
        def __init__(self) -> None:
            super().__init__(rsrcmgr, laparams=laparams)
            self.state = _PageState()
            self._mode = 0
            self._color: RGB | None = None
            self._check_background = False

        def begin_page(self, page: Any, ctm: Any) -> None:
            super().begin_page(page, ctm)
            x0, y0, x1, y1 = self.cur_item.bbox
            self.state = _PageState(width=x1 - x0, height=y1 - y0)

        def paint_path(
            self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any
        ) -> None:
            before = len(self.cur_item._objs)
            super().paint_path(gstate, stroke, fill, evenodd, path)
            if not fill:
                return
            color = _rgb(gstate.ncolor)
            if color is None:
                return
            for obj in self.cur_item._objs[before:]:
                self.state.fills.append((obj.bbox, color))
                self.state.fill_colors.append(color)

        def render_image(self, name: str, stream: Any) -> None:
            self.state.images += 1
            super().render_image(name, stream)

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            self._mode = int(textstate.render or 0)
            stroke_only = self._mode in (1, 5)
            self._color = _rgb(graphicstate.scolor if stroke_only else graphicstate.ncolor)
            c = self._color
            self._check_background = c is not None and (
                _same_color(c, _WHITE) or any(_same_color(c, f) for f in self.state.fill_colors)
            )
            super().render_string(textstate, seq, ncs, graphicstate)

        def render_char(
            self,
            matrix: Any,
            font: Any,
            fontsize: float,
            scaling: float,
            rise: float,
            cid: int,
            ncs: Any,
            graphicstate: Any,
        ) -> float:
            try:
                text = font.to_unichr(cid)
                if not isinstance(text, str):
                    text = self.handle_undefined_char(font, cid)
            except PDFUnicodeNotDefined:
                if cid in _WINANSI_UNUSED and not font.is_multibyte():
                    text = "•"  # PDF 32000-1 D.2 note 3: unused WinAnsi codes show a bullet
                else:
                    text = self.handle_undefined_char(font, cid)
            item = _glyph_box(matrix, font, fontsize, scaling, rise, cid, text)
            reason = self._hidden_reason(item)
            if reason is None:
                # a _Char stands in for LTChar: only _collect_segments reads the page's objects
                self.cur_item._objs.append(item)  # type: ignore[arg-type]
            elif text.strip():
                st = self.state
                st.hidden_reasons[reason] += 1
                st.hidden.append(
                    _Glyph(
                        text, item.x0, item.x1, st.height - item.y1, st.height - item.y0, item.size
                    )
                )
            return item.adv

        def _hidden_reason(self, item: _Char) -> str | None:
            if self._mode in (3, 7):
                return "invisible render mode"
            if 0 < item.size < _TINY_PT:
                return "tiny text"
            st = self.state
            cx = (item.x0 + item.x1) / 2
            cy = (item.y0 + item.y1) / 2
            if cx < 0 or cy < 0 or cx > st.width or cy > st.height:
                return "outside the page"
            if self._check_background and self._color is not None:
                background = _WHITE
                for bbox, color in reversed(st.fills):
                    if bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]:
                        background = color
                        break
                if _same_color(self._color, background):
                    return "same colour as the background"
            return None

    return _Device()


# --------------------------------------------------------------------------- segments


@dataclass(slots=True)
class _Segment:
    raw: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


@functools.lru_cache(maxsize=1024)
def _is_bold(fontname: str) -> bool:
    """Whether a font name says bold (once per font, not once per glyph)."""
    return _BOLD.search(fontname) is not None


def _segment_text(parts: list[str], chars: list[Any]) -> tuple[str, float, bool]:
    """Text, dominant font size and boldness of one text line (``parts``: its glyphs' text
    with the word spaces; ``chars``: its non-blank glyphs)."""
    text = "".join(parts).replace("\n", " ")
    if not chars:
        return text, 0.0, False
    sizes = Counter(round(c.size * 2) / 2 for c in chars)
    size = sizes.most_common(1)[0][0]
    bold = sum(1 for c in chars if _is_bold(c.fontname or "")) * 2 > len(chars)
    tokens = text.split()
    if len(tokens) >= 4 and sum(1 for t in tokens if len(t) == 1) * 4 >= len(tokens) * 3:
        text = _respace(chars)
    return text, size, bold


def _respace(chars: Sequence[Any]) -> str:
    """Rebuild a letter-spaced line from glyph gaps: big gaps are word breaks."""
    glyphs = sorted(chars, key=lambda c: c.x0)
    gaps = [b.x0 - a.x1 for a, b in pairwise(glyphs)]
    if not gaps:
        return "".join(c.get_text() for c in glyphs)
    median = statistics.median(gaps)
    size = statistics.median(c.size for c in glyphs)
    cut = max(median * 1.8, median + 0.2 * size)
    out = [glyphs[0].get_text()]
    for gap, glyph in zip(gaps, glyphs[1:], strict=False):
        if gap > cut:
            out.append(" ")
        out.append(glyph.get_text())
    return "".join(out)


def _rotated_segments(glyphs: list[_Char], page_no: int, height: float) -> list[_Segment]:
    """Text set sideways (a vertical "CURRICULUM VITAE" in the margin) as one segment per
    vertical line, read in its own direction; without this each letter would be a line."""
    by_x: dict[tuple[int, int], list[_Char]] = {}
    for g in glyphs:
        by_x.setdefault((g.rotation, round((g.x0 + g.x1) / 4)), []).append(g)
    out: list[_Segment] = []
    for (rotation, _x), line in sorted(by_x.items(), key=lambda kv: kv[0][1]):
        line.sort(key=lambda g: g.y0, reverse=rotation < 0)
        thick = statistics.median(g.x1 - g.x0 for g in line)
        parts: list[list[_Char]] = [[line[0]]]
        for a, b in pairwise(line):
            gap = b.y0 - a.y1 if rotation > 0 else a.y0 - b.y1
            if gap > 2 * thick:
                parts.append([])
            parts[-1].append(b)
        for part in parts:
            text = [part[0].text]
            for a, b in pairwise(part):
                gap = b.y0 - a.y1 if rotation > 0 else a.y0 - b.y1
                text.append((" " if gap > 0.2 * thick else "") + b.text)
            if "".join(text).strip():
                out.append(
                    _Segment(
                        raw="".join(text),
                        page=page_no,
                        x0=min(g.x0 for g in part),
                        x1=max(g.x1 for g in part),
                        top=height - max(g.y1 for g in part),
                        bottom=height - min(g.y0 for g in part),
                        size=round(thick * 2) / 2,
                        bold=_is_bold(part[0].fontname),
                    )
                )
    return out


def _collect_segments(
    container: Any,
    page_no: int,
    height: float,
    out: list[_Segment],
    rotated: list[_Char] | None = None,
) -> None:
    """The text lines of a page (or form XObject, recursively) as segments.

    Glyphs are grouped into lines exactly as pdfminer's ``LTLayoutContainer.group_objects``
    does with the default ``LAParams`` (a glyph joins the line when it overlaps the previous one
    vertically by more than half the smaller height and is closer horizontally than twice the
    wider; a word space goes where the gap exceeds 0.1 of the glyph's size), in one pass over
    plain attributes. pdfminer's own analysis would also group the lines into boxes and order
    them, which the reader never uses (reading order is ``_order_page``'s).
    """
    from pdfminer.layout import LTFigure

    chars = [obj for obj in container if type(obj) is _Char]
    if any(c.rotation for c in chars):
        if rotated is not None:
            rotated.extend(c for c in chars if c.rotation)
        chars = [c for c in chars if not c.rotation]
    if chars:
        line: list[_Char] = []
        prev = chars[0]
        px0, py0, px1, py1, pw, ph = prev.x0, prev.y0, prev.x1, prev.y1, prev.width, prev.height
        for obj in chars[1:]:
            x0, y0, x1, y1, w, h = obj.x0, obj.y0, obj.x1, obj.y1, obj.width, obj.height
            # pdfminer's halign test between consecutive glyphs
            if (
                y0 <= py1
                and py0 <= y1
                and min(ph, h) * _LINE_OVERLAP < min(abs(py0 - y1), abs(py1 - y0))
                and (0 if (x0 <= px1 and px0 <= x1) else min(abs(px0 - x1), abs(px1 - x0)))
                < max(pw, w) * _CHAR_MARGIN
            ):
                if not line:
                    line.append(prev)
                line.append(obj)
            elif line:
                _add_line(line, page_no, height, out)
                line = []
            else:
                _add_line([prev], page_no, height, out)
            prev = obj
            px0, py0, px1, py1, pw, ph = x0, y0, x1, y1, w, h
        if not line:
            line = [prev]
        _add_line(line, page_no, height, out)
    for obj in container:
        if isinstance(obj, LTFigure):
            _collect_segments(obj, page_no, height, out, rotated)


def _add_line(glyphs: list[Any], page_no: int, height: float, out: list[_Segment]) -> None:
    """One text line as a segment; cut in two where the type size changes across a wide gap
    (a large ``Work`` label beside ``CEO/President`` in body type, a "label column" layout)."""
    start = 0
    for i in range(1, len(glyphs)):
        a, b = glyphs[i - 1], glyphs[i]
        big, small = max(a.size, b.size), min(a.size, b.size)
        if b.x0 - a.x1 > 0.8 * big and big > small * 1.15:
            _add_segment(glyphs[start:i], page_no, height, out)
            start = i
    _add_segment(glyphs[start:], page_no, height, out)


def _add_segment(glyphs: list[_Char], page_no: int, height: float, out: list[_Segment]) -> None:
    parts: list[str] = []
    chars: list[_Char] = []
    last_x1 = math.inf
    for c in glyphs:
        t = c.text
        if last_x1 < c.x0 - _WORD_MARGIN * max(c.width, c.height):
            parts.append(" ")
        last_x1 = c.x1
        parts.append(t)
        if t.strip():
            chars.append(c)
    x0 = min(c.x0 for c in glyphs)
    y0 = min(c.y0 for c in glyphs)
    x1 = max(c.x1 for c in glyphs)
    y1 = max(c.y1 for c in glyphs)
    parts.append(" ")  # pdfminer ends every analysed line with a newline
    text, size, bold = _segment_text(parts, chars)
    if not text.strip():
        return
    out.append(
        _Segment(
            raw=text,
            page=page_no,
            x0=float(x0),
            x1=float(x1),
            top=height - float(y1),
            bottom=height - float(y0),
            size=size,
            bold=bold,
        )
    )


# --------------------------------------------------------------------------- reading order


def _rows(segments: Iterable[_Segment]) -> list[list[_Segment]]:
    """Group segments into visual rows (same baseline), top to bottom, left to right."""
    rows: list[list[_Segment]] = []
    for seg in sorted(segments, key=lambda s: (s.top, s.x0)):
        if rows:
            last = rows[-1]
            ref = last[0]
            overlap = min(ref.bottom, seg.bottom) - max(ref.top, seg.top)
            height = min(ref.bottom - ref.top, seg.bottom - seg.top)
            if height > 0 and overlap >= 0.5 * height:
                last.append(seg)
                continue
        rows.append([seg])
    for row in rows:
        row.sort(key=lambda s: s.x0)
    return rows


def _same_baseline(a: _Segment, b: _Segment) -> bool:
    """Two segments on one visual line: equal bottoms, or ``a`` is a section label set in
    larger type beside ``b`` (``Work`` beside ``CEO/President``), sharing most of ``b``'s
    height."""
    if abs(a.bottom - b.bottom) <= 0.6:
        return True
    if a.size < b.size * 1.15:
        return False
    hit = classify_heading(a.raw.strip().rstrip(":"))
    if hit is None or not hit[1]:
        return False
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.6 * min(a.bottom - a.top, b.bottom - b.top)


_NUMERIC_CELL = re.compile(r"^[\d\s.,:/%+()\-–—]*(?:present|now|current|today)?$", re.IGNORECASE)


def _numeric_side(side: list[_Segment], other: list[_Segment]) -> bool:
    """True when ``side`` is a table's number column (a "Since" or "Years" column): every
    cell but a header is a number, a year or a year range, on the other side's baselines. A
    column of text is never all numbers."""
    if len(side) < 3:
        return False
    numeric = sum(1 for s in side if _NUMERIC_CELL.match(s.raw.strip()))
    if numeric < len(side) - 1:
        return False
    aligned = sum(1 for s in side if any(_same_baseline(s, o) for o in other))
    return aligned * 10 >= len(side) * 9


def _annotation_side(side: list[_Segment], other: list[_Segment]) -> bool:
    """True when ``side`` is a few short blocks on the other side's baselines (dates, places
    beside job titles), not a column: most of its segments share a baseline with the other side
    and none of its blocks of consecutive lines is longer than three lines."""
    if not side:
        return True
    aligned = sum(1 for s in side if any(_same_baseline(s, o) for o in other))
    if aligned * 10 < len(side) * 7:
        return False
    longest = run = 1
    ordered = sorted(side, key=lambda s: s.top)
    for a, b in pairwise(ordered):
        height = max(a.bottom - a.top, 1.0)
        run = run + 1 if b.top - a.bottom <= 0.8 * height else 1
        longest = max(longest, run)
    return longest <= 3


def _find_gutter(segments: list[_Segment], width: float) -> float | None:
    """The x of a vertical gutter splitting the page into two columns, or None."""
    n = len(segments)
    if n < 2 * _MIN_COLUMN_SEGMENTS:
        return None
    lo, hi = 0.12 * width, 0.88 * width
    candidates = sorted(
        {round(s.x0 - 0.5, 1) for s in segments if lo <= s.x0 <= hi}
        | {round(s.x1 + 0.5, 1) for s in segments if lo <= s.x1 <= hi}
    )
    best: tuple[int, int, float] | None = None
    for g in candidates:
        left = [s for s in segments if s.x1 <= g]
        right = [s for s in segments if s.x0 >= g]
        if len(left) < _MIN_COLUMN_SEGMENTS or len(right) < _MIN_COLUMN_SEGMENTS:
            continue
        region_top = max(min(s.top for s in left), min(s.top for s in right))
        region_bottom = min(max(s.bottom for s in left), max(s.bottom for s in right))
        if region_bottom - region_top <= 0:
            continue
        crossing = sum(
            1 for s in segments if s.x0 < g < s.x1 and region_top <= s.mid <= region_bottom
        )
        if crossing > 1 + 0.04 * (len(left) + len(right)):
            continue
        left_in = [s for s in left if region_top <= s.mid <= region_bottom]
        right_in = [s for s in right if region_top <= s.mid <= region_bottom]
        if len(left_in) < _MIN_COLUMN_SEGMENTS or len(right_in) < _MIN_COLUMN_SEGMENTS:
            continue
        if _annotation_side(right_in, left_in) or _annotation_side(left_in, right_in):
            continue
        if _numeric_side(right_in, left_in) or _numeric_side(left_in, right_in):
            continue
        key = (min(len(left_in), len(right_in)), -crossing, -abs(g - width / 2))
        if best is None or key > best:
            best = key
            best_g = g
    return None if best is None else best_g


def _split_label_rows(
    rows: list[tuple[list[_Segment], int]],
) -> list[tuple[list[_Segment], int]]:
    """Split a heading off the row it shares with content (a left "label column" layout:
    ``Work`` in large type beside ``CEO/President``): when the first segment of a row is a
    known section name, set larger or bolder than what follows it, and a wide gap apart, it
    becomes a row of its own."""
    out: list[tuple[list[_Segment], int]] = []
    for row, col in rows:
        if len(row) >= 2:
            head, nxt = row[0], row[1]
            distinct = head.size > nxt.size * 1.15 or (head.bold and not nxt.bold)
            hit = classify_heading(head.raw.strip().rstrip(":")) if distinct else None
            if hit is not None and hit[1] and nxt.x0 - head.x1 >= max(head.size, 6.0):
                out.append(([head], col))
                out.append((row[1:], col))
                continue
        out.append((row, col))
    return out


def _narrow_right(segments: list[_Segment], gutter: float) -> bool:
    """True when the right column is a sidebar clearly narrower than the left one.

    The narrow column is read first: the wide main column is the one that goes on to the next
    page, so reading it last keeps its continuation in its own section. Columns of about equal
    width (newspaper style, CSS ``column-count``) are read left, then right.
    """
    left = [s for s in segments if s.x1 <= gutter]
    right = [s for s in segments if s.x0 >= gutter]
    if not left or not right:
        return False
    left_width = max(s.x1 for s in left) - min(s.x0 for s in left)
    right_width = max(s.x1 for s in right) - min(s.x0 for s in right)
    return right_width < 0.75 * left_width


def _order_page(
    segments: list[_Segment], width: float
) -> tuple[list[tuple[list[_Segment], int]], bool]:
    """Rows of the page in reading order with their column (0 full width, 1 left, 2 right)."""
    gutter = _find_gutter(segments, width)
    if gutter is None:
        return _split_label_rows([(row, 0) for row in _rows(segments)]), False
    out: list[tuple[list[_Segment], int]] = []
    left: list[_Segment] = []
    right: list[_Segment] = []
    right_first = _narrow_right(segments, gutter)

    def flush() -> None:
        if right_first and right:
            # lines of the main column above the sidebar (name, title) still come first
            sidebar_top = min(s.top for s in right)
            above = [s for s in left if s.bottom <= sidebar_top]
            out.extend((row, 1) for row in _rows(above))
            out.extend((row, 2) for row in _rows(right))
            out.extend((row, 1) for row in _rows([s for s in left if s.bottom > sidebar_top]))
        else:
            out.extend((row, 1) for row in _rows(left))
            out.extend((row, 2) for row in _rows(right))
        left.clear()
        right.clear()

    for seg in sorted(segments, key=lambda s: (s.top, s.x0)):
        if seg.x1 <= gutter:
            left.append(seg)
        elif seg.x0 >= gutter:
            right.append(seg)
        else:
            flush()
            out.append(([seg], 0))
    flush()
    # full-width segments on the same baseline as each other form one row
    merged: list[tuple[list[_Segment], int]] = []
    for row, col in out:
        if (
            col == 0
            and merged
            and merged[-1][1] == 0
            and abs(merged[-1][0][0].mid - row[0].mid) < 2
        ):
            merged[-1][0].extend(row)
        else:
            merged.append((row, col))
    return _split_label_rows(merged), True


# --------------------------------------------------------------------------- the reader


def _inflate_bounded(data: bytes, limit: int) -> bytes:
    d = zlib.decompressobj()
    out = d.decompress(data, limit + 1)
    if len(out) > limit or d.unconsumed_tail:
        raise DocumentTooLargeError(
            f"The PDF is too large: a page's content inflates beyond the {limit // 2**20} MiB "
            "limit (a decompression bomb)."
        )
    return out


def _guard_contents(page: Any) -> None:
    """Inflate Flate-only content streams with a size limit before pdfminer reads them."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream

    for stream in page.contents or ():
        if not isinstance(stream, PDFStream) or stream.rawdata is None or stream.decipher:
            continue
        filters = stream.get_filters()
        if not filters or any(f not in LITERALS_FLATE_DECODE or p for f, p in filters):
            continue
        data = stream.rawdata
        for _ in filters:
            try:
                data = _inflate_bounded(data, _MAX_STREAM_BYTES)
            except zlib.error:
                return  # let pdfminer's own recovery handle a damaged stream
        stream.data = data
        stream.rawdata = None


_CATALOG = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*<<(?:(?!endobj).){0,600}?/Type\s*/Catalog\b", re.S)


def _repaired(data: bytes) -> bytes | None:
    """A truncated PDF (no xref table or trailer left) with a trailer pointing at its catalog,
    so pdfminer's fallback object scan can read the objects that survived; None if there is
    no catalog to point at."""
    m = _CATALOG.search(data)
    if m is None:
        return None
    num, gen = int(m.group(1)), int(m.group(2))
    # drop a damaged xref table / trailer at the end: the object scan would read it first
    cuts = [i for i in (data.rfind(b"\nxref"), data.rfind(b"\ntrailer")) if i > m.end()]
    if cuts:
        data = data[: min(cuts)]
    return data + f"\nendstream\nendobj\ntrailer\n<< /Root {num} {gen} R >>\n%%EOF\n".encode()


def _open(data: bytes) -> tuple[Any, list[Any], bool]:
    """``(document, pages, repaired)``; ``repaired`` means the file had to be patched to open."""
    try:
        document, pages = _open_once(data)
        if pages:
            return document, pages, False
    except CorruptDocumentError:
        fixed = _repaired(data)
        if fixed is None:
            raise
        try:
            document, pages = _open_once(fixed)
        except CorruptDocumentError:
            pass
        else:
            if pages:
                return document, pages, True
        raise
    fixed = _repaired(data)
    if fixed is not None:
        with_fix = _open_once(fixed)
        if with_fix[1]:
            return with_fix[0], with_fix[1], True
    return document, pages, False


def _open_once(data: bytes) -> tuple[Any, list[Any]]:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser, password="")
    except PDFPasswordIncorrect as exc:
        raise PdfEncryptedError() from exc
    except PDFEncryptionError as exc:
        raise PdfEncryptedError(
            "The PDF is encrypted with a method that cannot be opened: remove the password "
            "and upload again."
        ) from exc
    except RecursionError as exc:
        raise CorruptDocumentError(
            "The PDF is corrupt: its objects are nested too deeply to read."
        ) from exc
    except MemoryError as exc:
        raise DocumentTooLargeError() from exc
    except Exception as exc:  # pdfminer raises many kinds: all mean "cannot be read"
        raise CorruptDocumentError(
            "The PDF is corrupt or truncated (its structure or xref table cannot be read)."
        ) from exc
    try:
        pages = list(PDFPage.create_pages(document))
    except RecursionError as exc:
        raise CorruptDocumentError(
            "The PDF is corrupt: its page tree is nested too deeply to read."
        ) from exc
    except Exception as exc:
        raise CorruptDocumentError(
            "The PDF is corrupt or truncated: its pages cannot be found."
        ) from exc
    return document, pages


def _producer(document: Any) -> str | None:
    try:
        for info in document.info or ():
            value = info.get("Producer") or info.get("Creator")
            if isinstance(value, bytes):
                from pdfminer.utils import decode_text

                return decode_text(value)[:120] or None
            if isinstance(value, str):
                return value[:120] or None
    except Exception:  # metadata is optional: a broken Info dictionary is ignored
        return None
    return None


@dataclass(slots=True)
class _PageResult:
    rows: list[tuple[list[_Segment], int]]
    columns: bool
    width: float
    height: float
    hidden: list[_Glyph]
    hidden_reasons: Counter[str]
    images: int
    rotated: int = 0


def extract_text(data: bytes, *, max_bytes: int, max_pages: int) -> DocumentText:
    """Read a PDF into visible lines in reading order, with hidden text and layout warnings.

    Raises:
        EmptyDocumentError: no bytes.
        DocumentTooLargeError: more than ``max_bytes`` bytes or ``max_pages`` pages, or a
            decompression bomb.
        PdfEncryptedError: a user password is needed to open it.
        CorruptDocumentError: not readable as a PDF (truncated, broken xref, garbage).
        NoTextError: no page has a text layer (scanned or image-only).
    """
    if not data:
        raise EmptyDocumentError()
    if len(data) > max_bytes:
        raise DocumentTooLargeError(
            f"The document is too large: {len(data):,} bytes exceeds the limit of {max_bytes:,}."
        )
    _quiet_pdfminer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _extract(data, max_pages=max_pages)


def _quiet_pdfminer() -> None:
    """pdfminer's warnings can quote bytes of the document (object dumps, operands), and
    resume text must never reach a log: unless the application set pdfminer's log level
    itself, only its errors get through."""
    logger = logging.getLogger("pdfminer")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)


def _extract(data: bytes, *, max_pages: int) -> DocumentText:
    document, pages, repaired = _open(data)
    if not pages:
        raise CorruptDocumentError("The PDF is corrupt: it has no pages.")
    if len(pages) > max_pages:
        raise DocumentTooLargeError(
            f"The document is too large: {len(pages)} pages exceeds the limit of {max_pages}."
        )
    if repaired:
        try:
            return _read_pages(document, pages, partial=True)
        except NoTextError as exc:
            raise CorruptDocumentError(
                "The PDF is truncated or corrupt: none of its text could be recovered."
            ) from exc
    return _read_pages(document, pages, partial=False)


def _read_pages(document: Any, pages: list[Any], *, partial: bool) -> DocumentText:
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    rsrcmgr = PDFResourceManager(caching=True)
    device = _make_device(rsrcmgr, None)  # no pdfminer layout analysis: _collect_segments
    interpreter = PDFPageInterpreter(rsrcmgr, device)
    results: list[_PageResult] = []  # ``partial``: a patched file may have lost content
    for page_no, page in enumerate(pages, start=1):
        try:
            _guard_contents(page)
            interpreter.process_page(page)
            layout = device.get_result()
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
        state: _PageState = device.state
        segments: list[_Segment] = []
        sideways: list[_Char] = []
        _collect_segments(layout, page_no, state.height, segments, sideways)
        rows, columns = _order_page(segments, state.width)
        # sideways text (a vertical title in the margin) is read after the page, one row each
        rotated = _rotated_segments(sideways, page_no, state.height) if sideways else []
        rows.extend(([seg], 0) for seg in rotated)
        results.append(
            _PageResult(
                rows=rows,
                columns=columns,
                width=state.width,
                height=state.height,
                hidden=state.hidden,
                hidden_reasons=state.hidden_reasons,
                images=state.images,
                rotated=len(rotated),
            )
        )
    if len(results) < len(pages):
        partial = True
    return _assemble(results, producer=_producer(document), partial=partial)


# --------------------------------------------------------------------------- assembly


def _hidden_lines(glyphs: list[_Glyph]) -> list[str]:
    lines: list[list[_Glyph]] = []
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


_CELL_ALIGN_PT = 3.0
_MIN_TABLE_ROWS = 3


def _same_cells(a: list[_Segment], b: list[_Segment]) -> bool:
    """Two rows with the same cells: as many segments, each starting (or, for the last one,
    ending: right-aligned numbers) at the same x."""
    if len(a) != len(b) or len(a) < 2:
        return False
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        if abs(x.x0 - y.x0) > _CELL_ALIGN_PT and not (
            k == len(a) - 1 and abs(x.x1 - y.x1) <= _CELL_ALIGN_PT
        ):
            return False
    return True


def _continues(cells: list[_Segment], row: list[_Segment]) -> bool:
    """A row holding only the wrapped end of later cells: each segment starts at a cell that
    is not the first (a line starting at the first cell is a row of its own, or body text)."""
    return len(row) < len(cells) and all(
        any(abs(s.x0 - c.x0) <= _CELL_ALIGN_PT for c in cells[1:])
        and abs(s.x0 - cells[0].x0) > _CELL_ALIGN_PT
        for s in row
    )


def _table_rows(rows: list[tuple[list[_Segment], int]]) -> dict[int, list[str]]:
    """Rows that form a table → the text of their cells: at least three consecutive rows of
    one column with two or more cells each, aligned cell by cell, close together. A row with
    the wrapped end of some cells (``Terraform,`` / ``KServe``) is folded into the row above
    (and maps to no cells). Cells are kept apart (" | "), as in a DOCX table."""
    out: dict[int, list[str]] = {}
    i = 0
    while i < len(rows):
        first, col = rows[i]
        members: list[int] = [i]
        folded: dict[int, int] = {}
        j = i + 1
        while j < len(rows) and rows[j][1] == col:
            prev = rows[j - 1][0]
            close = min(s.top for s in rows[j][0]) - max(s.bottom for s in prev) < 2.5 * max(
                s.bottom - s.top for s in prev
            )
            if not close:
                break
            if _same_cells(first, rows[j][0]):
                members.append(j)
            elif _continues(first, rows[j][0]) and len(members) >= 1:
                folded[j] = members[-1]
            else:
                break
            j += 1
        if len(members) >= _MIN_TABLE_ROWS:
            cells = {m: [s.raw.strip() for s in rows[m][0]] for m in members}
            for k, parent in folded.items():
                for seg in rows[k][0]:
                    n = min(range(len(first)), key=lambda c: abs(first[c].x0 - seg.x0))
                    cells[parent][n] = f"{cells[parent][n]} {seg.raw.strip()}"
                cells[k] = []
            out.update(cells)
            i = j
        else:
            i += 1
    return out


def _margin_keys(results: list[_PageResult]) -> set[tuple[str, str]]:
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


def _zone(row: list[_Segment], height: float) -> str | None:
    top = min(s.top for s in row)
    bottom = max(s.bottom for s in row)
    if bottom <= height * _MARGIN_FRACTION:
        return "top"
    if top >= height * (1 - _MARGIN_FRACTION):
        return "bottom"
    return None


def _digitless(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _assemble(results: list[_PageResult], *, producer: str | None, partial: bool) -> DocumentText:
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
    for page_no, res in enumerate(results, start=1):
        if res.columns:
            column_pages.append(page_no)
        table = _table_rows(res.rows)
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
            if 0 < size < _SMALL_PT:
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
                    )
                )
        if visible_rows == 0 and res.images:
            image_pages.append(page_no)
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
    warns: list[LayoutWarning] = []
    if column_pages:
        warns.append(
            LayoutWarning(
                "multi-column",
                "The layout has more than one column; some applicant-tracking systems read "
                "columns in the wrong order. A single column is safest.",
                tuple(column_pages),
                len(column_pages),
            )
        )
    if image_pages:
        warns.append(
            LayoutWarning(
                "image-only-page",
                "Some pages are images without a text layer (scanned?); their text cannot be "
                "read without OCR.",
                tuple(image_pages),
                len(image_pages),
            )
        )
    if hidden_parts:
        reasons = ", ".join(r for r, _n in hidden_reasons.most_common())
        warns.append(
            LayoutWarning(
                "hidden-text",
                f"The file contains text a reader cannot see ({reasons}); it was left out of "
                "scoring. Hidden keywords are treated as keyword stuffing.",
                tuple(hidden_pages),
                len(hidden_parts),
            )
        )
    if small_count:
        warns.append(
            LayoutWarning(
                "small-text",
                f"Some text is smaller than {_SMALL_PT:g} pt and hard to read.",
                tuple(sorted(small_pages)),
                small_count,
            )
        )
    if hf_count:
        warns.append(
            LayoutWarning(
                "header-footer-text",
                "Some text sits in the page header or footer, which many applicant-tracking "
                "systems skip; keep contact details and skills in the body.",
                tuple(sorted(hf_pages)),
                hf_count,
            )
        )
    rotated_pages = [n for n, res in enumerate(results, start=1) if res.rotated]
    if rotated_pages:
        warns.append(
            LayoutWarning(
                "rotated-text",
                "Some text is set sideways; many applicant-tracking systems skip or garble it.",
                tuple(rotated_pages),
                sum(res.rotated for res in results),
            )
        )
    if table_rows:
        warns.append(
            LayoutWarning(
                "table-layout",
                "Part of the resume is laid out in a table; some applicant-tracking systems "
                "read tables cell by cell or not at all.",
                tuple(sorted({ln.page for ln in lines if ln.table_row is not None})),
                table_rows,
            )
        )
    if cid_glyphs:
        warns.append(
            LayoutWarning(
                "icon-font-glyphs",
                "Some characters come from icon fonts without a text mapping and were dropped.",
                (),
                cid_glyphs,
            )
        )
    if partial:
        warns.append(
            LayoutWarning(
                "partial-document",
                "The PDF is damaged or truncated: only the pages that could be read are used.",
                (),
                1,
            )
        )
    return DocumentText(
        text=text,
        lines=tuple(lines),
        pages=len(results),
        format="pdf",
        warnings=tuple(warns),
        hidden_text="\n".join(hidden_parts),
        producer=producer,
        partial=partial,
    )
