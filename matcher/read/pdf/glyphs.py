"""The intermediate model both glyph sources produce, and the rules for hidden glyphs.

A glyph source (``pdfminer_source``, ``pdfium_source``) turns a page into a ``PageGlyphs``:
visible glyphs in content order (``Glyph``: box in PDF space, y upwards, size, font name,
rotation), the glyphs a reader cannot see (``HiddenGlyph``, with the reason) and a few counts.
Everything after that — segments, rows, columns, reading order, tables, assembly — is shared.

A glyph is **hidden** when it is drawn in render mode 3/7 (invisible), is smaller than
``TINY_PT``, lies outside the page, or has the colour of what is behind it (the last filled
shape under it, or the white page); ``hidden_reason`` decides, for both sources.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "TINY_PT",
    "Backdrop",
    "Glyph",
    "HiddenGlyph",
    "PageGlyphs",
    "hidden_reason",
    "is_bold",
    "rgb",
    "same_color",
]

TINY_PT = 2.0  # glyphs smaller than this are unreadable: hidden
_COLOR_EPS = 0.06  # max channel difference for "the same colour as the background"
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|cmbx|sfbx|-bd\b|,b$", re.IGNORECASE)
_GRID = 8  # the backdrop index splits the page into _GRID x _GRID cells
_MAX_FILLS = 4_000  # filled shapes remembered per page (a resume has a few dozen)
_MAX_FILL_COLORS = 64
_SCAN = 256  # filled shapes looked at per glyph, newest first

RGB = tuple[float, float, float]
WHITE: RGB = (1.0, 1.0, 1.0)


class Glyph:
    """A visible glyph: text, box in PDF space (y upwards), size, font name and rotation
    (0 upright; 1 turned to read upwards, -1 downwards)."""

    __slots__ = (
        "confidence",
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
        self,
        text: str,
        fontname: str,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        size: float | None = None,
        rotation: int = 0,
    ) -> None:
        self.text = text
        self.fontname = fontname
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
        self.width = x1 - x0
        self.height = y1 - y0
        self.size = self.height if size is None else size
        self.rotation = rotation
        self.confidence: float | None = None  # OCR's confidence in the glyph's word, 0..1

    def get_text(self) -> str:
        return self.text


@dataclass(slots=True)
class HiddenGlyph:
    """A glyph nobody sees, in page coordinates (points from the top)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class PageGlyphs:
    """One page as a glyph source delivers it.

    ``runs``: visible upright glyphs in content order, one list per container (the page, then
    each form XObject), since lines never span containers. ``rotated``: sideways glyphs.
    ``truncated``: the page had more pieces than the caps and its rest was not read.
    ``ocr``: the glyphs were recognised by OCR in an image of the page, not read from text.
    """

    width: float
    height: float
    runs: list[list[Glyph]] = field(default_factory=list)
    rotated: list[Glyph] = field(default_factory=list)
    hidden: list[HiddenGlyph] = field(default_factory=list)
    hidden_reasons: Counter[str] = field(default_factory=Counter)
    images: int = 0
    truncated: bool = False
    ocr: bool = False


def rgb(color: Any) -> RGB | None:
    """A colour (gray float, RGB or CMYK tuple, 0..1) as RGB in 0..1, or None if unknown."""
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


def same_color(a: RGB, b: RGB) -> bool:
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]), abs(a[2] - b[2])) <= _COLOR_EPS


@functools.lru_cache(maxsize=1024)
def is_bold(fontname: str) -> bool:
    """Whether a font name says bold (once per font, not once per glyph)."""
    return _BOLD.search(fontname) is not None


class Backdrop:
    """The filled shapes painted so far on a page, to find the colour behind a glyph.

    A grid index keeps each look-up to the shapes over the glyph's cell (newest first, at most
    ``_SCAN`` of them), so the cost per glyph is bounded whatever the page holds.
    """

    __slots__ = ("_cells", "_count", "colors", "height", "width")

    def __init__(self, width: float, height: float) -> None:
        self.width = width if width > 0 else 1.0
        self.height = height if height > 0 else 1.0
        self._cells: list[list[tuple[int, float, float, float, float, RGB]]] = [
            [] for _ in range(_GRID * _GRID)
        ]
        self._count = 0
        self.colors: list[RGB] = []

    @property
    def count(self) -> int:
        return self._count

    def _cell(self, x: float, y: float) -> int:
        i = min(_GRID - 1, max(0, int(x / self.width * _GRID)))
        j = min(_GRID - 1, max(0, int(y / self.height * _GRID)))
        return j * _GRID + i

    def add(self, bbox: tuple[float, float, float, float], color: RGB) -> None:
        if self._count >= _MAX_FILLS:
            return
        x0, y0, x1, y1 = bbox
        seq = self._count
        self._count += 1
        if len(self.colors) < _MAX_FILL_COLORS and not any(
            same_color(color, c) for c in self.colors
        ):
            self.colors.append(color)
        c0, c1 = self._cell(x0, y0), self._cell(x1, y1)
        for j in range(c0 // _GRID, c1 // _GRID + 1):
            for i in range(c0 % _GRID, c1 % _GRID + 1):
                self._cells[j * _GRID + i].append((seq, x0, y0, x1, y1, color))

    def matches_any(self, color: RGB) -> bool:
        """Whether ``color`` is white or the colour of some filled shape (worth a look-up)."""
        return same_color(color, WHITE) or any(same_color(color, c) for c in self.colors)

    def color_at(self, x: float, y: float, before: int | None = None) -> RGB:
        """The colour of the newest shape under (x, y) painted before shape number ``before``
        (all so far when None), or white."""
        cell = self._cells[self._cell(x, y)]
        for k in range(len(cell) - 1, max(-1, len(cell) - 1 - _SCAN), -1):
            seq, x0, y0, x1, y1, color = cell[k]
            if before is not None and seq >= before:
                continue
            if x0 <= x <= x1 and y0 <= y <= y1:
                return color
        return WHITE


def hidden_reason(
    glyph: Glyph,
    *,
    mode: int,
    color: RGB | None,
    backdrop: Backdrop,
    check_background: bool,
    before: int | None = None,
) -> str | None:
    """Why nobody can see ``glyph`` (drawn in render ``mode`` and ``color``), or None."""
    if mode in (3, 7):
        return "invisible render mode"
    if 0 < glyph.size < TINY_PT:
        return "tiny text"
    cx = (glyph.x0 + glyph.x1) / 2
    cy = (glyph.y0 + glyph.y1) / 2
    if cx < 0 or cy < 0 or cx > backdrop.width or cy > backdrop.height:
        return "outside the page"
    if (
        check_background
        and color is not None
        and same_color(color, backdrop.color_at(cx, cy, before))
    ):
        return "same colour as the background"
    return None
