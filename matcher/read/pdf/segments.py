"""Glyphs → segments: the text lines of a page, as pdfminer's layout analysis would group them.

A segment is a run of glyphs on one baseline with no wide gap. Glyphs are grouped into lines
exactly as pdfminer's ``LTLayoutContainer.group_objects`` does with the default ``LAParams`` (a
glyph joins the line when it overlaps the previous one vertically by more than half the smaller
height and is closer horizontally than twice the wider; a word space goes where the gap exceeds
0.1 of the glyph's size), in one pass. A line is cut in two where the type size changes across
a wide gap (a big ``Work`` label beside ``CEO/President``). The text of letter-spaced segments
is rebuilt from the glyph gaps (``S K I L L S`` → ``SKILLS``). Sideways glyphs are rebuilt into
whole lines in their own direction (``rotated_segments``). Linear in the number of glyphs
(sorting aside); both glyph sources share it.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from matcher.read.pdf.glyphs import Glyph, is_bold

__all__ = ["Segment", "collect_segments", "rotated_segments"]

_LINE_OVERLAP = 0.5
_CHAR_MARGIN = 2.0
_WORD_MARGIN = 0.1


@dataclass(slots=True)
class Segment:
    """A run of text on one baseline, in page coordinates (points from the top)."""

    raw: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    confidence: float | None = None  # OCR: the mean confidence of its glyphs, 0..1

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


def _segment_text(parts: list[str], chars: list[Glyph]) -> tuple[str, float, bool]:
    """Text, dominant font size and boldness of one text line (``parts``: its glyphs' text
    with the word spaces; ``chars``: its non-blank glyphs)."""
    text = "".join(parts).replace("\n", " ")
    if not chars:
        return text, 0.0, False
    sizes = Counter(round(c.size * 2) / 2 for c in chars)
    size = sizes.most_common(1)[0][0]
    bold = sum(1 for c in chars if is_bold(c.fontname or "")) * 2 > len(chars)
    tokens = text.split()
    if len(tokens) >= 4 and sum(1 for t in tokens if len(t) == 1) * 4 >= len(tokens) * 3:
        text = _respace(chars)
    return text, size, bold


def _respace(chars: Sequence[Glyph]) -> str:
    """Rebuild a letter-spaced line from glyph gaps: big gaps are word breaks."""
    glyphs = sorted(chars, key=lambda c: c.x0)
    gaps = [b.x0 - a.x1 for a, b in pairwise(glyphs)]
    if not gaps:
        return "".join(c.text for c in glyphs)
    median = statistics.median(gaps)
    size = statistics.median(c.size for c in glyphs)
    cut = max(median * 1.8, median + 0.2 * size)
    out = [glyphs[0].text]
    for gap, glyph in zip(gaps, glyphs[1:], strict=False):
        if gap > cut:
            out.append(" ")
        out.append(glyph.text)
    return "".join(out)


def rotated_segments(glyphs: list[Glyph], page_no: int, height: float) -> list[Segment]:
    """Text set sideways (a vertical "CURRICULUM VITAE" in the margin) as one segment per
    vertical line, read in its own direction; without this each letter would be a line."""
    by_x: dict[tuple[int, int], list[Glyph]] = {}
    for g in glyphs:
        by_x.setdefault((g.rotation, round((g.x0 + g.x1) / 4)), []).append(g)
    out: list[Segment] = []
    for (rotation, _x), line in sorted(by_x.items(), key=lambda kv: kv[0][1]):
        line.sort(key=lambda g: g.y0, reverse=rotation < 0)
        thick = statistics.median(g.x1 - g.x0 for g in line)
        parts: list[list[Glyph]] = [[line[0]]]
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
                    Segment(
                        raw="".join(text),
                        page=page_no,
                        x0=min(g.x0 for g in part),
                        x1=max(g.x1 for g in part),
                        top=height - max(g.y1 for g in part),
                        bottom=height - min(g.y0 for g in part),
                        size=round(thick * 2) / 2,
                        bold=is_bold(part[0].fontname),
                    )
                )
    return out


def collect_segments(
    chars: Sequence[Glyph], page_no: int, height: float, out: list[Segment]
) -> None:
    """Append the text lines of one container's upright glyphs (in content order) to ``out``."""
    if not chars:
        return
    line: list[Glyph] = []
    prev = chars[0]
    px0, py0, px1, py1, pw, ph = prev.x0, prev.y0, prev.x1, prev.y1, prev.width, prev.height
    for obj in chars[1:]:
        x0, y0, x1, y1, w, h = obj.x0, obj.y0, obj.x1, obj.y1, obj.width, obj.height
        # pdfminer's halign test between consecutive glyphs (min(a, b) and max(a, b) written
        # out as "b if b < a else a" and "b if b > a else a": the same values, NaN included,
        # without a call per glyph)
        if (
            y0 <= py1
            and py0 <= y1
            and (h if h < ph else ph) * _LINE_OVERLAP
            < (dy if (dy := abs(py1 - y0)) < (dy0 := abs(py0 - y1)) else dy0)
            and (
                0
                if (x0 <= px1 and px0 <= x1)
                else (dx if (dx := abs(px1 - x0)) < (dx0 := abs(px0 - x1)) else dx0)
            )
            < (w if w > pw else pw) * _CHAR_MARGIN
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


def _add_line(glyphs: list[Glyph], page_no: int, height: float, out: list[Segment]) -> None:
    """One text line as a segment; cut in two where the type size changes across a wide gap
    (a large ``Work`` label beside ``CEO/President`` in body type, a "label column" layout)."""
    start = 0
    for i in range(1, len(glyphs)):
        a, b = glyphs[i - 1], glyphs[i]
        sa, sb = a.size, b.size
        big, small = (sb if sb > sa else sa), (sb if sb < sa else sa)  # max(), min()
        if b.x0 - a.x1 > 0.8 * big and big > small * 1.15:
            _add_segment(glyphs[start:i], page_no, height, out)
            start = i
    _add_segment(glyphs[start:], page_no, height, out)


def _add_segment(glyphs: list[Glyph], page_no: int, height: float, out: list[Segment]) -> None:
    parts: list[str] = []
    chars: list[Glyph] = []
    last_x1 = math.inf
    first = glyphs[0]
    # the glyphs' extent: min() and max() over them, written out (the same values)
    x0, y0, x1, y1 = first.x0, first.y0, first.x1, first.y1
    for c in glyphs:
        t = c.text
        width, height_ = c.width, c.height
        if last_x1 < c.x0 - _WORD_MARGIN * (height_ if height_ > width else width):
            parts.append(" ")
        last_x1 = c.x1
        parts.append(t)
        if t.strip():
            chars.append(c)
        if c.x0 < x0:
            x0 = c.x0
        if c.y0 < y0:
            y0 = c.y0
        if c.x1 > x1:
            x1 = c.x1
        if c.y1 > y1:
            y1 = c.y1
    parts.append(" ")  # pdfminer ends every analysed line with a newline
    text, size, bold = _segment_text(parts, chars)
    if not text.strip():
        return
    scores = [c.confidence for c in chars if c.confidence is not None]
    out.append(
        Segment(
            raw=text,
            page=page_no,
            x0=float(x0),
            x1=float(x1),
            top=height - float(y1),
            bottom=height - float(y0),
            size=size,
            bold=bold,
            confidence=sum(scores) / len(scores) if scores else None,
        )
    )
