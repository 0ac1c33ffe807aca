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
- **Content per page for PDFium** (``PDFIUM_MAX_PAGE_CONTENT``): ``heaviest_page_content``
  measures each page's content streams (and each form XObject), decoded. PDFium parses a page
  in one C call that no deadline can stop, with memory about fourteen times the content's
  size; a file with a heavier page is read by pdfminer, which checks the deadline as it parses.
- **What pdfminer may decode** (``PDFMINER_MAX_STREAM``, ``PDFMINER_MAX_RECOVERY``, measured by
  ``streams.check_streams``): pdfminer holds a stream whole (twice while inflating it), and
  recovers a damaged Flate stream in time quadratic in it, both inside calls no deadline
  reaches. A file with a larger stream (images aside) or damage too costly to recover is not
  given to pdfminer: PDFium reads it if it can, else ``DocumentTooLargeError`` (a stream) or
  ``CorruptDocumentError`` (damage).
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
    "PDFIUM_MAX_PAGE_CONTENT",
    "PDFMINER_MAX_RECOVERY",
    "PDFMINER_MAX_STREAM",
    "Deadline",
    "heaviest_page_content",
]

MAX_GLYPHS_PER_PAGE = 40_000  # a dense resume page has about 5,000
MAX_SEGMENTS_PER_PAGE = 1_500  # ... and about 200 text lines
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # all streams of one document, inflated
# one page's content streams (or one form XObject), decoded, that PDFium may read: it parses a
# page's content in one C call that the deadline cannot stop, with about 14 bytes of memory per
# byte of dense operators (1 GB for 64 MiB, from a 150 kB file); the densest resume pages of the
# corpus have 80 kB. A heavier page is read by pdfminer, under the deadline.
PDFIUM_MAX_PAGE_CONTENT = 4 * 1024 * 1024
# the most one stream (images aside: reading text never decodes them) may cost pdfminer, in
# budget bytes (``streams.PYTHON_COST`` for what it builds in Python): it holds a stream whole,
# twice while inflating it. A 40 MiB ToUnicode CMap behind three Flate layers took a worker past
# 300 MB (make fuzz); a resume's largest stream, an embedded font, is under 1 MiB.
PDFMINER_MAX_STREAM = 16 * 1024 * 1024
# pdfminer recovers a damaged Flate stream one input byte at a time, copying its output so far
# each time: about input x output bytes copied, 1e11 a second, in one call. A cut 60 kB bomb
# layer that recovers 63 MB held it for minutes (make fuzz); a damaged resume stream copies
# less than 1e10.
PDFMINER_MAX_RECOVERY = 20_000_000_000
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
_OBJ_NUMBER = re.compile(rb"(\d+)\s+\d+\s*\Z")  # "12 0" right before " obj"
_FORM = re.compile(rb"/Subtype\s*/Form\b")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
# a page's content: one reference or an array of them
_CONTENTS = re.compile(rb"/Contents\s*(\[[^\]]{0,20000}\]|\d+\s+\d+\s+R)")
_REF = re.compile(rb"(\d+)\s+\d+\s+R")
_ARRAY_OBJ = re.compile(rb"\sobj\s*(\[[^\]]{0,20000}\])")  # "/Contents 4 0 R" → "4 0 obj [...]"
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


def _inflate(
    data: bytes | memoryview, budget: list[int], keep: bool, limit: int
) -> tuple[bytes, int] | None:
    """Inflate ``data`` chunk by chunk, charging ``budget``; keep the output only when it is
    needed (another filter, an object stream to search). The output (or b"") and its size;
    None when the stream is damaged (the engine's own recovery decides)."""
    d = zlib.decompressobj()
    kept: list[bytes] = []
    produced = 0
    pending: bytes | memoryview = data
    try:
        while pending and not d.eof:
            out = d.decompress(pending, _CHUNK)
            pending = d.unconsumed_tail
            produced += len(out)
            budget[0] -= len(out)
            if budget[0] < 0:
                raise _too_large(limit)
            if keep:
                kept.append(out)
            if not out and not pending:
                break
    except zlib.error:
        return None
    return (b"".join(kept) if keep else b""), produced


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


def _decode(
    body: bytes | memoryview, chain: list[bytes], budget: list[int], limit: int, keep: bool
) -> tuple[bytes | memoryview, int] | None:
    """``body`` through its filter chain: (output if ``keep``, its size), charging ``budget``;
    None when a filter is not decoded here or the data is damaged."""
    size = len(body)
    for k, name in enumerate(chain):
        last = k == len(chain) - 1
        if name in _FLATE:
            inflated = _inflate(body, budget, keep=keep or not last, limit=limit)
            if inflated is None:
                return None
            body, size = inflated
            continue
        if name in _HEX:
            decoded = _ascii_hex(bytes(body))
        elif name in _A85:
            decoded = _ascii85(bytes(body))
        else:
            decoded = None
        if decoded is None:  # DCT, JPX, LZW, ...: not inflated here; or damaged
            return None
        budget[0] -= len(decoded)
        if budget[0] < 0:
            raise _too_large(limit)
        body, size = decoded, len(decoded)
    return body, size


def heaviest_page_content(
    data: bytes, limit: int = MAX_INFLATED_BYTES, *, deadline: Deadline | None = None
) -> int:
    """The decoded size of the heaviest page's content streams (or form XObject), found with a
    quick scan of the file (Flate, ASCIIHex, ASCII85) that runs after ``streams.check_streams``
    has charged every stream to the budget. Damaged streams and filters this scan does not
    decode (images in DCT/JPX/CCITT, encrypted streams) count nothing.

    Raises:
        DocumentTooLargeError: over ``limit``.
        ParseTimeoutError: past ``deadline``.
    """
    budget = [limit]
    heaviest = 0
    sizes: dict[int, int] = {}  # object number → decoded size of its stream
    pages = [m.group(1) for m in _CONTENTS.finditer(data)]
    view = memoryview(data)  # a stream's body is read in place, never copied
    endstream = -1  # the next "endstream" at or after the stream being read (one pass)
    for count, m in enumerate(_STREAM.finditer(data)):
        if deadline is not None and count % _CHECK_EVERY == 0:
            deadline.check()
        start = m.end()
        head = data[max(0, m.start() - _DICT_LOOKBACK) : m.start()]
        obj = head.rfind(b" obj")
        number = _OBJ_NUMBER.search(head, max(0, obj - 24), obj) if obj >= 0 else None
        if obj >= 0:
            head = head[obj:]
        if endstream < start and endstream != len(data):
            endstream = data.find(b"endstream", start)
            endstream = len(data) if endstream < 0 else endstream
        body = view[start:endstream]
        found = _FILTERS.search(head)
        chain = [f.group(1) for f in _NAME.finditer(found.group(1))] if found else []
        objstm = _OBJSTM.search(head) is not None
        decoded = _decode(body, chain, budget, limit, keep=objstm)
        if decoded is None:
            continue
        output, size = decoded
        if objstm:  # page dictionaries compressed in it
            pages += [c.group(1) for c in _CONTENTS.finditer(bytes(output))]
        if _FORM.search(head):
            heaviest = max(heaviest, size)
        if number is not None:
            sizes[int(number.group(1))] = size
    arrays: dict[int, bytes] | None = None
    for refs in pages:
        numbers = [int(r.group(1)) for r in _REF.finditer(refs)]
        if len(numbers) == 1 and numbers[0] not in sizes:  # a reference to an array
            arrays = _array_objects(data, deadline) if arrays is None else arrays
            numbers = [int(r.group(1)) for r in _REF.finditer(arrays.get(numbers[0], b""))]
        heaviest = max(heaviest, sum(sizes.get(n, 0) for n in numbers))
    return heaviest


def _array_objects(data: bytes, deadline: Deadline | None) -> dict[int, bytes]:
    """Every ``N G obj [ ... ]`` of the file: number → the array."""
    arrays: dict[int, bytes] = {}
    for count, m in enumerate(_ARRAY_OBJ.finditer(data)):
        if deadline is not None and count % _CHECK_EVERY == 0:
            deadline.check()
        number = _OBJ_NUMBER.search(data, max(0, m.start() - 24), m.start())
        if number is not None:
            arrays[int(number.group(1))] = m.group(1)
    return arrays
