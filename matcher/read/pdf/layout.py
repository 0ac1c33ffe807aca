"""Segments → rows → columns → reading order, and tables: the one layout engine.

Both glyph sources feed it the same ``Segment`` lists; the rules are written once:

- **Rows**: segments of one column on the same baseline are one row.
- **Columns**: a vertical gutter that many segments end before and many start after, and
  (almost) none cross, splits the page into two columns. Segments that cross it are full-width
  rows (a name banner, a footer) and cut the page into bands; each band is read one column
  after the other: left then right, or a narrow right sidebar before the wide main column
  (which is what continues on the next page), after any main-column lines above the sidebar
  (the name). Right-aligned dates next to job titles, big section labels beside their first
  line and a table's number column are not a column (short blocks or numbers on the text's
  baselines); such a label is cut off its row.
- **Tables**: three or more consecutive rows of aligned cells are a table (cells kept apart,
  a wrapped cell folded back into its row).

Cost: O(n log n) in the number of segments. Baseline look-ups are binary searches over sorted
bottoms; gutter candidates are tried best bound first (``min(segments left, segments right)``
can only shrink inside the region) and at most ``_GUTTER_WORK // n`` of them are tried.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import pairwise

from matcher.read.pdf.segments import Segment
from matcher.read.sections import classify_heading

__all__ = ["Row", "find_gutter", "order_page", "rows_of", "table_rows"]

Row = tuple[list[Segment], int]  # segments of one visual row, and its column (0 full, 1, 2)

_MIN_COLUMN_SEGMENTS = 3
_GUTTER_WORK = 12_000  # candidate trials x segments per page (a real page needs < 40 trials)
_MIN_TRIALS = 8
_BASELINE_SCAN = 64
_CELL_ALIGN_PT = 3.0
_MIN_TABLE_ROWS = 3
_MAX_FOLDED_PER_ROW = 4
_NUMERIC_CELL = re.compile(r"^[\d\s.,:/%+()\-–—]*(?:present|now|current|today)?$", re.IGNORECASE)


def rows_of(segments: Iterable[Segment]) -> list[list[Segment]]:
    """Group segments into visual rows (same baseline), top to bottom, left to right."""
    rows: list[list[Segment]] = []
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


def _is_label(seg: Segment) -> bool:
    hit = classify_heading(seg.raw.strip().rstrip(":"))
    return hit is not None and bool(hit[1])


class _Baselines:
    """The segments of one side, sorted by bottom, to ask "does any of them share ``a``'s
    visual line?" in O(log n): equal bottoms, or ``a`` is a section label set in larger type
    beside one of them, sharing most of its height."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = sorted(segments, key=lambda s: s.bottom)
        self.bottoms = [s.bottom for s in self.segments]
        self.tallest = max((s.bottom - s.top for s in segments), default=0.0)

    def shares_line(self, a: Segment) -> bool:
        bottoms = self.bottoms
        i = bisect_left(bottoms, a.bottom - 0.6)
        if i < len(bottoms) and bottoms[i] <= a.bottom + 0.6:
            return True
        label: bool | None = None
        lo = bisect_right(bottoms, a.top)
        hi = bisect_left(bottoms, a.bottom + self.tallest, lo)
        for b in self.segments[lo : min(hi, lo + _BASELINE_SCAN)]:
            if a.size < b.size * 1.15 or b.top >= a.bottom:
                continue
            if label is None:
                label = _is_label(a)
                if not label:
                    return False
            overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
            if overlap >= 0.6 * min(a.bottom - a.top, b.bottom - b.top):
                return True
        return False


def _numeric_side(side: list[Segment], other: _Baselines) -> bool:
    """True when ``side`` is a table's number column (a "Since" or "Years" column): every
    cell but a header is a number, a year or a year range, on the other side's baselines."""
    if len(side) < 3:
        return False
    numeric = sum(1 for s in side if _NUMERIC_CELL.match(s.raw.strip()))
    if numeric < len(side) - 1:
        return False
    aligned = sum(1 for s in side if other.shares_line(s))
    return aligned * 10 >= len(side) * 9


def _annotation_side(side: list[Segment], other: _Baselines) -> bool:
    """True when ``side`` is a few short blocks on the other side's baselines (dates, places
    beside job titles), not a column: most of its segments share a baseline with the other side
    and none of its blocks of consecutive lines is longer than three lines."""
    if not side:
        return True
    aligned = sum(1 for s in side if other.shares_line(s))
    if aligned * 10 < len(side) * 7:
        return False
    longest = run = 1
    ordered = sorted(side, key=lambda s: s.top)
    for a, b in pairwise(ordered):
        height = max(a.bottom - a.top, 1.0)
        run = run + 1 if b.top - a.bottom <= 0.8 * height else 1
        longest = max(longest, run)
    return longest <= 3


def _try_gutter(segments: list[Segment], g: float, width: float) -> tuple[int, int, float] | None:
    """The key of gutter ``g`` (bigger is better), or None when ``g`` is no gutter."""
    left = [s for s in segments if s.x1 <= g]
    right = [s for s in segments if s.x0 >= g]
    if len(left) < _MIN_COLUMN_SEGMENTS or len(right) < _MIN_COLUMN_SEGMENTS:
        return None
    region_top = max(min(s.top for s in left), min(s.top for s in right))
    region_bottom = min(max(s.bottom for s in left), max(s.bottom for s in right))
    if region_bottom - region_top <= 0:
        return None
    crossing = sum(1 for s in segments if s.x0 < g < s.x1 and region_top <= s.mid <= region_bottom)
    if crossing > 1 + 0.04 * (len(left) + len(right)):
        return None
    left_in = [s for s in left if region_top <= s.mid <= region_bottom]
    right_in = [s for s in right if region_top <= s.mid <= region_bottom]
    if len(left_in) < _MIN_COLUMN_SEGMENTS or len(right_in) < _MIN_COLUMN_SEGMENTS:
        return None
    left_lines, right_lines = _Baselines(left_in), _Baselines(right_in)
    if _annotation_side(right_in, left_lines) or _annotation_side(left_in, right_lines):
        return None
    if _numeric_side(right_in, left_lines) or _numeric_side(left_in, right_lines):
        return None
    return (min(len(left_in), len(right_in)), -crossing, -abs(g - width / 2))


def find_gutter(segments: list[Segment], width: float) -> float | None:
    """The x of a vertical gutter splitting the page into two columns, or None.

    Candidates are the segments' edges in the middle 76 % of the page. A candidate's key
    starts with ``min(segments wholly left, wholly right)`` inside the region both columns
    share, which is at most ``min(segments left, segments right)`` over the page; that bound
    comes from two binary searches, so candidates are tried best bound first and the search
    stops once no bound can beat the best key found.
    """
    n = len(segments)
    if n < 2 * _MIN_COLUMN_SEGMENTS:
        return None
    lo, hi = 0.12 * width, 0.88 * width
    candidates = {round(s.x0 - 0.5, 1) for s in segments if lo <= s.x0 <= hi} | {
        round(s.x1 + 0.5, 1) for s in segments if lo <= s.x1 <= hi
    }
    starts = sorted(s.x0 for s in segments)
    ends = sorted(s.x1 for s in segments)
    bounded: list[tuple[int, float]] = []
    for g in candidates:
        bound = min(bisect_right(ends, g), n - bisect_left(starts, g))
        if bound >= _MIN_COLUMN_SEGMENTS:
            bounded.append((bound, g))
    bounded.sort(key=lambda bg: (-bg[0], bg[1]))
    trials = max(_MIN_TRIALS, _GUTTER_WORK // n)
    best: tuple[tuple[int, int, float], float] | None = None
    for bound, g in bounded[:trials]:
        if best is not None and bound < best[0][0]:
            break
        key = _try_gutter(segments, g, width)
        # equal keys: the leftmost gutter, as a left-to-right scan would keep
        if key is not None and (best is None or key > best[0] or (key == best[0] and g < best[1])):
            best = (key, g)
    return None if best is None else best[1]


def _split_label_rows(rows: list[Row]) -> list[Row]:
    """Split a heading off the row it shares with content (a left "label column" layout:
    ``Work`` in large type beside ``CEO/President``): when the first segment of a row is a
    known section name, set larger or bolder than what follows it, and a wide gap apart, it
    becomes a row of its own."""
    out: list[Row] = []
    for row, col in rows:
        if len(row) >= 2:
            head, nxt = row[0], row[1]
            distinct = head.size > nxt.size * 1.15 or (head.bold and not nxt.bold)
            if distinct and nxt.x0 - head.x1 >= max(head.size, 6.0) and _is_label(head):
                out.append(([head], col))
                out.append((row[1:], col))
                continue
        out.append((row, col))
    return out


def _narrow_right(segments: list[Segment], gutter: float) -> bool:
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


def order_page(segments: list[Segment], width: float) -> tuple[list[Row], bool]:
    """Rows of the page in reading order with their column (0 full width, 1 left, 2 right),
    and whether the page has columns."""
    gutter = find_gutter(segments, width)
    if gutter is None:
        return _split_label_rows([(row, 0) for row in rows_of(segments)]), False
    out: list[Row] = []
    left: list[Segment] = []
    right: list[Segment] = []
    right_first = _narrow_right(segments, gutter)

    def flush() -> None:
        if right_first and right:
            # lines of the main column above the sidebar (name, title) still come first
            sidebar_top = min(s.top for s in right)
            above = [s for s in left if s.bottom <= sidebar_top]
            out.extend((row, 1) for row in rows_of(above))
            out.extend((row, 2) for row in rows_of(right))
            out.extend((row, 1) for row in rows_of([s for s in left if s.bottom > sidebar_top]))
        else:
            out.extend((row, 1) for row in rows_of(left))
            out.extend((row, 2) for row in rows_of(right))
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
    merged: list[Row] = []
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


def _same_cells(a: list[Segment], b: list[Segment]) -> bool:
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


def _continues(cells: list[Segment], row: list[Segment]) -> bool:
    """A row holding only the wrapped end of later cells: each segment starts at a cell that
    is not the first (a line starting at the first cell is a row of its own, or body text)."""
    return len(row) < len(cells) and all(
        any(abs(s.x0 - c.x0) <= _CELL_ALIGN_PT for c in cells[1:])
        and abs(s.x0 - cells[0].x0) > _CELL_ALIGN_PT
        for s in row
    )


def table_rows(rows: list[Row]) -> dict[int, list[str]]:
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
            elif _continues(first, rows[j][0]) and len(folded) < _MAX_FOLDED_PER_ROW * len(members):
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
