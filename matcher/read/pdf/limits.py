"""The reader's bounds: one deadline, caps on pieces per page, one decompression budget.

Every PDF input is read under three bounds, whichever glyph source reads it:

- **Deadline** (``Deadline``): the wall-clock budget of one parse (``MatchOptions.parse_timeout``).
  The glyph sources check it cooperatively inside their page and glyph loops (every few hundred
  operators or glyphs), so a pathological file raises ``ParseTimeoutError`` in the library too,
  without a worker pool to kill it.
- **Pieces per page** (``MAX_GLYPHS_PER_PAGE``, ``MAX_SEGMENTS_PER_PAGE``): the rest of a page
  past these caps is not read, and the document carries a ``too-complex`` warning. With them the
  layout engine's cost (O(n log n) in the number of segments) has a fixed ceiling.
- **Decompression budget** (``MAX_INFLATED_BYTES``, charged by ``streams.check_streams``):
  before either engine opens a file, every stream in it (page contents, images, fonts,
  ToUnicode CMaps, object and xref streams) is decoded through its filter chain the way the
  engines would decode it into a counter, against one budget for the whole document: a
  decompression bomb is a ``DocumentTooLargeError`` after at most ``MAX_INFLATED_BYTES`` of
  work and memory.
"""

from __future__ import annotations

import time

from matcher.errors import ParseTimeoutError

__all__ = [
    "MAX_GLYPHS_PER_PAGE",
    "MAX_INFLATED_BYTES",
    "MAX_SEGMENTS_PER_PAGE",
    "Deadline",
]

MAX_GLYPHS_PER_PAGE = 40_000  # a dense resume page has about 5,000
MAX_SEGMENTS_PER_PAGE = 1_500  # ... and about 200 text lines
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # all streams of one document, inflated


class Deadline:
    """A point in time a parse must finish by; ``check()`` raises ``ParseTimeoutError`` past it."""

    __slots__ = ("_at", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._at = None if seconds is None else time.monotonic() + max(0.0, seconds)

    def expired(self) -> bool:
        return self._at is not None and time.monotonic() > self._at

    def remaining(self) -> float | None:
        return None if self._at is None else self._at - time.monotonic()

    def check(self) -> None:
        if self.expired():
            raise ParseTimeoutError(
                f"Reading the document exceeded the time limit of {self.seconds:g} s (timeout); "
                "it may be malformed or deliberately complex."
            )
