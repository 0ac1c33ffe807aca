"""The reader's bounds: one deadline, caps on pieces per page, one decompression budget.

Every PDF input is read under three bounds, whichever glyph source reads it:

- **Deadline** (``Deadline``): the wall-clock budget of one parse (``MatchOptions.parse_timeout``).
  The glyph sources check it cooperatively inside their page and glyph loops (every few hundred
  operators or glyphs), so a pathological file raises ``ParseTimeoutError`` in the library too,
  without a worker pool to kill it.
- **Pieces per page** (``MAX_GLYPHS_PER_PAGE``, ``MAX_SEGMENTS_PER_PAGE``): the rest of a page
  past these caps is not read, and the document carries a ``too-complex`` warning. With them the
  layout engine's cost (O(n log n) in the number of segments) has a fixed ceiling.
- **Decompression budget** (``check_streams``): before either engine opens a file, every stream
  in it (page contents, images, fonts, ToUnicode CMaps, object streams) is inflated through its
  filter chain (Flate, ASCIIHex, ASCII85; ``DecodeParms`` predictors do not grow data) into a
  counter, never kept, against one budget for the whole document: a decompression bomb is a
  ``DocumentTooLargeError`` after at most ``MAX_INFLATED_BYTES`` of work and memory. The scan
  runs under the deadline too (a file can hold hundreds of thousands of tiny streams).
"""

from __future__ import annotations

import base64
import binascii
import re
import time
import zlib

from matcher.errors import DocumentTooLargeError, ParseTimeoutError

__all__ = [
    "MAX_GLYPHS_PER_PAGE",
    "MAX_INFLATED_BYTES",
    "MAX_SEGMENTS_PER_PAGE",
    "Deadline",
    "check_streams",
]

MAX_GLYPHS_PER_PAGE = 40_000  # a dense resume page has about 5,000
MAX_SEGMENTS_PER_PAGE = 1_500  # ... and about 200 text lines
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # all streams of one document, inflated
_CHUNK = 1 << 20


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


# A stream's dictionary ends at ">>" right before the "stream" keyword.
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_FILTERS = re.compile(rb"/Filter\s*(\[[^\]]{0,400}\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_FLATE = {b"FlateDecode", b"Fl"}
_HEX = {b"ASCIIHexDecode", b"AHx"}
_A85 = {b"ASCII85Decode", b"A85"}
_DICT_LOOKBACK = 2048
_CHECK_EVERY = 256  # streams between two deadline checks


def _too_large(limit: int) -> DocumentTooLargeError:
    return DocumentTooLargeError(
        f"The PDF is too large: its streams inflate beyond the {limit // 2**20} MiB limit "
        "(a decompression bomb)."
    )


def _inflate(data: bytes, budget: list[int], keep: bool, limit: int) -> bytes | None:
    """Inflate ``data`` chunk by chunk, charging ``budget``; keep the output only when another
    filter needs it. None when the stream is damaged (the engine's own recovery decides)."""
    d = zlib.decompressobj()
    kept: list[bytes] = []
    pending = data
    try:
        while pending and not d.eof:
            out = d.decompress(pending, _CHUNK)
            pending = d.unconsumed_tail
            budget[0] -= len(out)
            if budget[0] < 0:
                raise _too_large(limit)
            if keep:
                kept.append(out)
            if not out and not pending:
                break
    except zlib.error:
        return None
    return b"".join(kept) if keep else b""


def _ascii_hex(data: bytes) -> bytes | None:
    text = re.sub(rb"\s+", b"", data.split(b">", 1)[0])
    if len(text) % 2:
        text += b"0"
    try:
        return binascii.unhexlify(text)
    except (binascii.Error, ValueError):
        return None


def _ascii85(data: bytes) -> bytes | None:
    body = data.strip()
    if body.startswith(b"<~"):
        body = body[2:]
    body = body.split(b"~>", 1)[0]
    try:
        return base64.a85decode(re.sub(rb"\s+", b"", body))
    except ValueError:
        return None


def check_streams(
    data: bytes, limit: int = MAX_INFLATED_BYTES, *, deadline: Deadline | None = None
) -> None:
    """Raise ``DocumentTooLargeError`` when the file's streams, decoded through their filter
    chains, add up to more than ``limit`` bytes. Damaged streams and filters this check does
    not decode (images in DCT/JPX/CCITT, encrypted streams) are left to the engines.

    Raises:
        DocumentTooLargeError: over ``limit``.
        ParseTimeoutError: past ``deadline``.
    """
    budget = [limit]
    for count, m in enumerate(_STREAM.finditer(data)):
        if deadline is not None and count % _CHECK_EVERY == 0:
            deadline.check()
        start = m.end()
        head = data[max(0, m.start() - _DICT_LOOKBACK) : m.start()]
        obj = head.rfind(b" obj")
        if obj >= 0:
            head = head[obj:]
        found = _FILTERS.search(head)
        if found is None:
            continue
        chain = [f.group(1) for f in _NAME.finditer(found.group(1))]
        end = data.find(b"endstream", start)
        body = data[start : end if end >= 0 else len(data)]
        for k, name in enumerate(chain):
            last = k == len(chain) - 1
            decoded: bytes | None
            if name in _FLATE:
                decoded = _inflate(body, budget, keep=not last, limit=limit)
            elif name in _HEX:
                decoded = _ascii_hex(body)
            elif name in _A85:
                decoded = _ascii85(body)
            else:
                break  # DCT, JPX, LZW, ...: not inflated here
            if decoded is None:
                break
            if name not in _FLATE:
                budget[0] -= len(decoded)
                if budget[0] < 0:
                    raise _too_large(limit)
            body = decoded
