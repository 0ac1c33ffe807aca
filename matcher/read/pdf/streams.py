"""One decompression budget for every stream of a PDF, charged before either engine opens it.

Both engines inflate streams in their own code (PDFium in C, pdfminer in ``zlib.decompress``
and pure-Python filters), with no size limit of their own. So ``check_streams`` reads the
file the way they do and decodes every stream through its filter chain into a counter, never
keeping the output (except an object stream, whose objects a filter may refer to): one
budget for the whole document, ``DocumentTooLargeError`` as soon as it is spent.

```
every "N G obj" header ─► its value parsed (names with #xx escapes, strings, comments,
  │                        dictionaries of any length) ─► a dictionary followed by "stream"?
  │   + every other "stream" keyword: the nearest dictionary that ends right before it
  ▼
/Filter, /DecodeParms, /Length, /Subtype (direct, or references to any definition of the
object, object streams included) ─► body: from the line after "stream" to the first
"endstream" at or after /Length (every reading an engine may take; the decoders stop at
their own end marks)
  ─► decrypted first when the document is encrypted (its empty user password)
  ─► each filter in turn, streaming, charging what it produces:
       Flate (partial output of a damaged stream counts: the engines keep it), LZW,
       RunLength, ASCIIHex, ASCII85, Crypt (identity); CCITTFax by the size it will
       produce; DCT, JPX, JBIG2: images only, not inflated by reading text
```

Streams pdfminer decodes in Python (anything but an image) cost more than their size: a
predictor (``/DecodeParms /Predictor``) or RunLength output is built as a list of ints, about
twelve times its size in memory and 0.6 s per MiB, so those bytes are charged
``PYTHON_COST`` times (and a predictor's ``/Columns``, which pdfminer allocates up front);
CCITTFax outside an image, about 3 s per MiB, ``CCITT_COST`` times.

The scan also says what pdfminer could not bear (``StreamCosts``): the costliest single stream
it would decode (``limits.PDFMINER_MAX_STREAM``), and what recovering the damaged Flate streams
would cost it (``limits.PDFMINER_MAX_RECOVERY``): ``extract_text`` gives such a file to PDFium
only.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from matcher.errors import DocumentTooLargeError
from matcher.read.pdf.limits import (
    MAX_INFLATED_BYTES,
    PDFMINER_MAX_RECOVERY,
    PDFMINER_MAX_STREAM,
    Deadline,
)

__all__ = ["CCITT_COST", "PYTHON_COST", "StreamCosts", "check_streams"]

# What a byte of output costs pdfminer, in budget bytes, when it decodes a stream in Python
# (anything but an image; PDFium decodes images in C, and only to render them for OCR):
PYTHON_COST = 16  # a predictor or RunLength output is a list of ints (~12x) at ~0.6 s/MiB
CCITT_COST = 128  # CCITTFax: ~3 s per MiB of output
_CHUNK = 1 << 20  # output inflated at once
_PIECE = 1 << 14  # input fed at once (a damaged piece is replayed byte by byte)
_MAX_DEPTH = 32  # nesting of arrays/dictionaries parsed
_MAX_DEFINITIONS = 4  # definitions of one object number tried when resolving a reference
_DICT_WINDOW = 64 * 1024  # how far back a "stream" keyword's dictionary is looked for
_MAX_CANDIDATES = 64
_OBJECT_WINDOW = 1 << 20  # an object's value is read within this many bytes of its header
_WORK_FACTOR = 8  # bytes parsed, at most, per byte of the file

_WS = b"\0\t\n\f\r "
_DELIMS = b"()<>[]{}/%"
_SEP = _WS + _DELIMS
_GAP = rb"(?:[\0\t\n\f\r ]++|%[^\r\n]*+)++"  # white space, comments (possessive)
_AFTER_TOKEN = rb"(?![^\0\t\n\f\r ()<>\[\]{}/%])"  # the token ends here
_HEADER = re.compile(
    rb"(?<![0-9])(\d{1,10})" + _GAP + rb"(\d{1,5})" + _GAP + rb"obj" + _AFTER_TOKEN
)
# _HEADER without its look-behind, which keeps re from skipping ahead to the next digit: a
# quarter faster over a file's binary streams (``_headers``)
_HEADER_BODY = re.compile(rb"(\d{1,10})" + _GAP + rb"(\d{1,5})" + _GAP + rb"obj" + _AFTER_TOKEN)
_SPACE = re.compile(_GAP)
_PAREN = re.compile(rb"[()\\]")
_STREAM_KW = re.compile(rb"stream")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_REGULAR = re.compile(rb"[^\0\t\n\f\r ()<>\[\]{}/%]+")
_ENCRYPT = re.compile(rb"/Encrypt" + _AFTER_TOKEN)

_FLATE = {"FlateDecode", "Fl"}
_LZW = {"LZWDecode", "LZW"}
_RUNLENGTH = {"RunLengthDecode", "RL"}
_HEX = {"ASCIIHexDecode", "AHx"}
_A85 = {"ASCII85Decode", "A85"}
_CCITT = {"CCITTFaxDecode", "CCF"}
_CRYPT = {"Crypt"}


_Decipher = Callable[[int, int, bytes, dict[str, Any]], bytes]


class _Bad(Exception):
    """Not a PDF object where one was expected (``pos``: where the parse stopped; ``cut``:
    it reached the end of the window it was given, not a syntax error)."""

    def __init__(self, pos: int, cut: bool = False) -> None:
        super().__init__(pos)
        self.pos = pos
        self.cut = cut


class Name(str):
    """A PDF name (``/Type``), its ``#xx`` escapes decoded."""


@dataclass(frozen=True, slots=True)
class Ref:
    num: int
    gen: int


class _Budget:
    """What is left of the document's budget; ``take`` raises once it is spent."""

    def __init__(self, limit: int, deadline: Deadline) -> None:
        self.limit = limit
        self.left = limit
        self.deadline = deadline
        self.recovery = 0  # input x output bytes of the damaged Flate streams (pdfminer's copies)

    def take(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise DocumentTooLargeError(
                f"The PDF is too large: its streams inflate beyond the {self.limit // 2**20} "
                "MiB limit (a decompression bomb)."
            )
        self.deadline.check()


# --------------------------------------------------------------------------- objects


def _skip(data: bytes, pos: int, end: int) -> int:
    """Past white space and comments."""
    m = _SPACE.match(data, pos, end)
    return m.end() if m else pos


def _name(raw: bytes) -> Name:
    if b"#" not in raw:
        return Name(raw.decode("latin-1"))
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x23 and re.fullmatch(rb"[0-9A-Fa-f]{2}", raw[i + 1 : i + 3]):
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return Name(out.decode("latin-1"))


def _literal(data: bytes, pos: int, end: int) -> tuple[bytes, int]:
    """A ``(...)`` string from the byte after its ``(``: nested parentheses, escapes."""
    depth = 1
    start = pos
    while True:
        m = _PAREN.search(data, pos, end)
        if m is None:
            raise _Bad(end, cut=end < len(data))
        pos = m.end()
        ch = data[m.start()]
        if ch == 0x5C:  # backslash: the next byte is escaped
            pos += 1
        elif ch == 0x28:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return data[start : pos - 1], pos


def _value(data: bytes, pos: int, end: int, depth: int = 0) -> tuple[Any, int]:
    """One object at ``pos`` (white space first), read no further than ``end``: its value
    and the position after it.

    Raises:
        _Bad: not an object there.
    """
    if depth > _MAX_DEPTH:
        raise _Bad(pos)
    pos = _skip(data, pos, end)
    if pos >= end:
        raise _Bad(pos, cut=end < len(data))
    ch = data[pos]
    if data.startswith(b"<<", pos, end):
        out: dict[str, Any] = {}
        pos += 2
        while True:
            pos = _skip(data, pos, end)
            if data.startswith(b">>", pos, end):
                return out, pos + 2
            key, pos = _value(data, pos, end, depth + 1)
            if not isinstance(key, Name):
                raise _Bad(pos)
            out[key], pos = _value(data, pos, end, depth + 1)
    if ch == 0x5B:  # [
        items: list[Any] = []
        pos += 1
        while True:
            pos = _skip(data, pos, end)
            if data.startswith(b"]", pos, end):
                return items, pos + 1
            item, pos = _value(data, pos, end, depth + 1)
            items.append(item)
    if ch == 0x28:  # (
        return _literal(data, pos + 1, end)
    if ch == 0x3C:  # <hex string>
        close = data.find(b">", pos + 1, end)
        if close < 0:
            raise _Bad(end, cut=end < len(data))
        return data[pos + 1 : close], close + 1
    if ch == 0x2F:  # /name
        m = _REGULAR.match(data, pos + 1, end)
        raw = m.group(0) if m else b""
        return _name(raw), pos + 1 + len(raw)
    m = _REGULAR.match(data, pos, end)
    if m is None:
        raise _Bad(pos)
    token = m.group(0)
    after = m.end()
    if _NUMBER.fullmatch(token):
        if token.isdigit():
            # "N G R" is a reference
            m2 = _REGULAR.match(data, _skip(data, after, end), end)
            if m2 and m2.group(0).isdigit():
                m3 = _REGULAR.match(data, _skip(data, m2.end(), end), end)
                if m3 and m3.group(0) == b"R":
                    return Ref(int(token), int(m2.group(0))), m3.end()
            return int(token), after
        try:
            return float(token), after
        except ValueError:
            return 0.0, after
    if token in (b"true", b"false"):
        return token == b"true", after
    if token == b"null":
        return None, after
    if token in (b"stream", b"endobj", b"endstream", b"obj", b"R"):
        raise _Bad(pos)
    return token.decode("latin-1"), after  # an unknown keyword: kept as text


def _headers(data: bytes) -> Iterator[re.Match[bytes]]:
    """The matches of ``_HEADER.finditer(data)``, found faster: ``_HEADER`` matches at a
    position exactly when ``_HEADER_BODY`` does (with the same match) and no digit comes before
    it, so the leftmost ``_HEADER_BODY`` match not after a digit is the leftmost ``_HEADER``
    match."""
    pos = 0
    while True:
        m = _HEADER_BODY.search(data, pos)
        if m is None:
            return
        start = m.start()
        if start > 0 and 0x30 <= data[start - 1] <= 0x39:
            pos = start + 1  # no header starts here: look from the next byte
            continue
        yield m
        pos = m.end()


def _is_keyword(data: bytes, pos: int, word: bytes) -> bool:
    """``word`` at ``pos`` as a whole token (delimited on both sides)."""
    if not data.startswith(word, pos):
        return False
    after = pos + len(word)
    return (pos == 0 or data[pos - 1] in _SEP) and (after >= len(data) or data[after] in _SEP)


def _too_complex(why: str) -> DocumentTooLargeError:
    return DocumentTooLargeError(
        f"The PDF is too complex to check for decompression bombs ({why})."
    )


@dataclass
class _Stream:
    keyword: int  # where "stream" is
    attrs: dict[str, Any]
    num: int | None
    gen: int | None


class _Document:
    """The file's objects as the engines may find them: by "N G obj" headers (every
    definition of a number kept: the engines pick one by the xref table, which may be
    anything) and inside object streams once those are decoded.

    Parsing is bounded: an object is read within ``_OBJECT_WINDOW`` bytes of its header
    (a dictionary still open there is refused: it may hide a stream), and all parsing within
    ``_WORK_FACTOR`` times the file's size.

    Raises:
        DocumentTooLargeError: past either bound.
    """

    def __init__(self, data: bytes, deadline: Deadline) -> None:
        self.data = data
        self.deadline = deadline
        self.work = _WORK_FACTOR * len(data) + _OBJECT_WINDOW
        self.definitions: dict[int, list[tuple[bytes, int]]] = {}
        self.cache: dict[int, list[Any]] = {}
        self.streams: list[_Stream] = []
        seen: set[int] = set()
        for k, m in enumerate(_headers(data)):
            if k % 512 == 0:
                deadline.check()
            num, gen = int(m.group(1)), int(m.group(2))
            self.definitions.setdefault(num, []).append((data, m.end()))
            pos = _skip(data, m.end(), len(data))
            if not data.startswith(b"<<", pos):
                continue
            try:
                attrs, end = self._parse(data, pos, min(len(data), pos + _OBJECT_WINDOW))
            except _Bad as bad:
                if bad.cut:
                    raise _too_complex(
                        f"an object larger than {_OBJECT_WINDOW // 2**20} MiB"
                    ) from None
                continue
            after = _skip(data, end, len(data))
            if _is_keyword(data, after, b"stream") and after not in seen:
                seen.add(after)
                self.streams.append(_Stream(after, attrs, num, gen))
        # a "stream" keyword no header led to (a header the scan could not read): the
        # nearest dictionary that ends right before it
        for k, m in enumerate(_STREAM_KW.finditer(data)):
            if k % 512 == 0:
                deadline.check()
            at = m.start()
            if at in seen or not _is_keyword(data, at, b"stream"):
                continue
            found = self._dictionary_before(at)
            if found is not None:
                seen.add(at)
                self.streams.append(_Stream(at, found, None, None))
        self.streams.sort(key=lambda s: s.keyword)

    def _parse(self, source: bytes, pos: int, end: int) -> tuple[Any, int]:
        """``_value``, its span charged to the parsing work."""
        try:
            value, stop = _value(source, pos, end)
        except _Bad as bad:
            self._spend(bad.pos - pos)
            raise
        self._spend(stop - pos)
        return value, stop

    def _spend(self, amount: int) -> None:
        self.work -= max(0, amount)
        if self.work < 0:
            raise _too_complex("too much to parse")

    def _dictionary_before(self, keyword: int) -> dict[str, Any] | None:
        data = self.data
        close = data.rfind(b">>", max(0, keyword - _DICT_WINDOW), keyword)
        if close < 0 or _skip(data, close + 2, keyword) != keyword:
            return None  # a dictionary must end right before "stream"
        low = max(0, keyword - _DICT_WINDOW)
        hi = close
        for _ in range(_MAX_CANDIDATES):
            start = data.rfind(b"<<", low, hi)
            if start < 0:
                return None
            hi = start + 1  # the next candidate starts before this one ("<<<<" overlaps)
            try:
                attrs, end = self._parse(data, start, close + 2)
            except _Bad:
                continue
            if isinstance(attrs, dict) and end == close + 2:
                return attrs
        return None

    def add_object_stream(self, decoded: bytes, attrs: dict[str, Any]) -> None:
        """Index the objects inside a decoded object stream (``/N`` pairs, ``/First``)."""
        count, first = attrs.get("N"), attrs.get("First")
        if not isinstance(count, int) or not isinstance(first, int) or first > len(decoded):
            return
        numbers = re.findall(rb"\d+", decoded[:first])
        for k in range(0, min(len(numbers), 2 * count) - 1, 2):
            offset = first + int(numbers[k + 1])
            if offset < len(decoded):
                self.definitions.setdefault(int(numbers[k]), []).append((decoded, offset))

    def resolve(self, value: Any) -> list[Any]:
        """A value, or each definition of the object a reference names (at most a few)."""
        if not isinstance(value, Ref):
            return [value]
        if value.num in self.cache:
            return self.cache[value.num]
        out: list[Any] = []
        for source, pos in self.definitions.get(value.num, [])[-_MAX_DEFINITIONS:]:
            try:
                found, _end = self._parse(source, pos, min(len(source), pos + _OBJECT_WINDOW))
            except _Bad:
                continue
            if not isinstance(found, Ref):
                out.append(found)
        self.cache[value.num] = out or [None]
        return self.cache[value.num]

    def one(self, value: Any) -> Any:
        """The last definition a reference names (for values that only select a branch)."""
        return self.resolve(value)[-1]


# --------------------------------------------------------------------------- filters


def _flate(data: bytes, budget: _Budget, cost: int, keep: bool, recovered: bool = True) -> bytes:
    """Inflate piece by piece, charging each output; a damaged stream (a bad byte, a wrong
    checksum, cut short) yields what came before the damage, to the byte (what pdfminer's
    ``decompress_corrupted`` and PDFium keep), and adds what pdfminer's recovery of it copies
    (bytes fed up to the damage x output) to ``budget.recovery`` when pdfminer would recover
    it (``recovered``: it never decodes an image to read text)."""
    kept: list[bytes] = []
    charged = [0]  # charged for the piece being fed
    produced = [0]

    def feed(d: Any, piece: bytes) -> None:
        pending = piece
        while pending and not d.eof:
            out = d.decompress(pending, _CHUNK)
            pending = d.unconsumed_tail
            charged[0] += len(out) * cost
            produced[0] += len(out)
            budget.take(len(out) * cost)
            if keep:
                kept.append(out)

    def damaged(fed: int) -> bytes:  # pdfminer copies the output so far once per byte fed
        if recovered:
            budget.recovery += fed * produced[0]
        return b"".join(kept)

    d = zlib.decompressobj()
    for start in range(0, len(data), _PIECE):
        if d.eof:
            return b"".join(kept)
        saved, mark, before = d.copy(), len(kept), produced[0]
        charged[0] = 0
        try:
            feed(d, data[start : start + _PIECE])
        except zlib.error:
            # undo this piece, then replay it a byte at a time from the state before it
            budget.left += charged[0]
            produced[0] = before
            del kept[mark:]
            fed = min(len(data), start + _PIECE)
            for i in range(start, fed):
                try:
                    feed(saved, data[i : i + 1])
                except zlib.error:
                    fed = i
                    break
            return damaged(fed)
    if not d.eof:  # cut short: zlib.decompress fails on it, so pdfminer recovers it too
        rest = d.flush()
        budget.take(len(rest) * cost)
        produced[0] += len(rest)
        if keep:
            kept.append(rest)
        return damaged(len(data))
    return b"".join(kept)


def _lzw(data: bytes, budget: _Budget, cost: int, keep: bool, early: int) -> bytes:
    """LZW (PDF's: 9-12 bit codes, 256 clears, 257 ends), charging as it goes."""
    out: list[bytes] = []
    table: list[bytes] = []
    prev = b""
    nbits = 9
    bitpos = 0
    total_bits = len(data) * 8
    charged = 0
    while bitpos + nbits <= total_bits:
        byte, shift = divmod(bitpos, 8)
        chunk = int.from_bytes(data[byte : byte + 3].ljust(3, b"\0"), "big")
        code = (chunk >> (24 - shift - nbits)) & ((1 << nbits) - 1)
        bitpos += nbits
        if code == 256:
            table = [bytes((c,)) for c in range(256)] + [b"", b""]
            prev = b""
            nbits = 9
            continue
        if code == 257 or not table:
            break
        if not prev:
            if code >= len(table):
                break
            x = table[code]
        else:
            if code < len(table):
                x = table[code]
                if len(table) < 4096:  # codes have 12 bits at most: no entry past it is used
                    table.append(prev + x[:1])
            elif code == len(table):
                x = prev + prev[:1]
                table.append(x)
            else:
                break
            size = len(table) + early
            nbits = 12 if size >= 2048 else 11 if size >= 1024 else 10 if size >= 512 else 9
        prev = x
        charged += len(x)
        if charged >= _CHUNK:
            budget.take(charged * cost)
            charged = 0
        if keep:
            out.append(x)
    budget.take(charged * cost)
    return b"".join(out)


def _runlength(data: bytes, budget: _Budget, cost: int, keep: bool) -> bytes:
    out: list[bytes] = []
    i, n, charged = 0, len(data), 0
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            piece = data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            piece = data[i + 1 : i + 2] * (257 - length) if i + 1 < n else b""
            i += 2
        charged += len(piece)
        if charged >= _CHUNK:
            budget.take(charged * cost)
            charged = 0
        if keep:
            out.append(piece)
    budget.take(charged * cost)
    return b"".join(out)


def _ascii_hex(data: bytes) -> bytes:
    """Up to ``>``; white space and any other junk skipped (the most lenient reading)."""
    text = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
    if len(text) % 2:
        text += b"0"
    return bytes.fromhex(text.decode("ascii"))


def _ascii85(data: bytes) -> bytes:
    """Up to ``~``; a bad character ends the data (at most 4 bytes per character)."""
    body = re.sub(rb"[\0\t\n\f\r ]+", b"", data)
    if body.startswith(b"<~"):
        body = body[2:]
    body = body.split(b"~", 1)[0]
    bad = re.search(rb"[^!-uz]", body)
    if bad is not None:
        body = body[: bad.start()]
    try:
        return base64.a85decode(body)
    except ValueError:  # a "z" inside a group, a final group of one character
        return b""


def _number(value: Any, default: int) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _decode(
    chain: list[tuple[str, dict[str, Any]]],
    body: bytes,
    budget: _Budget,
    *,
    image: bool,
    keep_last: bool,
) -> bytes:
    """Run ``body`` through ``chain`` charging ``budget``; the last output only if asked."""
    python = 1 if image else PYTHON_COST  # pdfminer decodes non-images, in Python
    ccitt = 1 if image else CCITT_COST
    for k, (name, params) in enumerate(chain):
        keep = keep_last or k < len(chain) - 1
        predictor = _number(params.get("Predictor"), 1)
        columns = max(1, _number(params.get("Columns"), 1))
        cost = 1 if predictor < 2 else python
        if name in _FLATE:
            body = _flate(body, budget, cost, keep, recovered=not image)
        elif name in _LZW:
            # pdfminer always changes code width early, PDFium follows /EarlyChange
            early = sorted({1, _number(params.get("EarlyChange"), 1)})
            body = _largest(budget, [partial(_lzw, body, budget, cost, keep, e) for e in early])
        elif name in _RUNLENGTH:
            body = _runlength(body, budget, python, keep)
        elif name in _HEX:
            body = _ascii_hex(body)
            budget.take(len(body))
        elif name in _A85:
            body = _ascii85(body)
            budget.take(len(body))
        elif name in _CCITT:
            # the output size is set by the parameters: a bit per row can make a full row
            rows = _number(params.get("Rows"), 0)
            most = 8 * len(body) + 1
            rows = min(rows, most) if rows > 0 else most
            budget.take(rows * ((columns + 7) // 8) * ccitt)
            return b""
        elif name in _CRYPT:
            continue
        else:
            return b""  # DCT, JPX, JBIG2 (images), or a filter no engine knows
        if predictor >= 2 and not image:
            budget.take(columns * python)  # pdfminer's first row, allocated up front
    return body


# --------------------------------------------------------------------------- streams


def _bodies(data: bytes, keyword: int, lengths: list[Any]) -> Iterator[bytes]:
    """The stream's data as each engine may read it: from the line after ``stream`` (pdfminer)
    or right after its end of line (PDFium), to the first ``endstream`` at or after
    ``/Length``. The longest reading covers the shorter ones (every decoder's output from a
    prefix is a prefix of its output)."""
    after = keyword + len(b"stream")
    starts = []
    if data.startswith(b"\r\n", after):
        starts.append(after + 2)
    elif after < len(data) and data[after] in b"\r\n":
        starts.append(after + 1)
    eol = min((i for i in (data.find(b"\n", after), data.find(b"\r", after)) if i >= 0), default=-1)
    if eol >= 0:
        line_end = eol + 2 if data.startswith(b"\r\n", eol) else eol + 1
        if line_end not in starts:
            starts.append(line_end)
    if not starts:
        starts.append(after)
    for start in starts:
        longest = max([0, *(n for n in lengths if isinstance(n, int) and n > 0)])
        end = data.find(b"endstream", min(len(data), start + longest))
        yield data[start : end if end >= 0 else len(data)]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _chains(doc: _Document, attrs: dict[str, Any]) -> list[list[tuple[str, dict[str, Any]]]]:
    """Each filter chain the stream may have (a referenced /Filter can have several
    definitions), with each filter's parameters."""
    chains = []
    for filters in doc.resolve(attrs.get("Filter")):
        names = [doc.one(f) for f in _as_list(filters)]
        parms = _as_list(doc.one(attrs.get("DecodeParms")))
        chain = []
        for k, name in enumerate(names):
            if not isinstance(name, str):
                break
            p = doc.one(parms[k]) if k < len(parms) else None
            params = {key: doc.one(v) for key, v in p.items()} if isinstance(p, dict) else {}
            chain.append((str(name), params))
        if chain:
            chains.append(chain)
    return chains


@dataclass(frozen=True, slots=True)
class StreamCosts:
    """What the file's streams would cost pdfminer, for choosing the engine that reads it."""

    largest_stream: int  # budget bytes of the costliest stream that is not an image
    recovery: int  # input x output bytes of the damaged Flate streams

    @property
    def pdfminer_ok(self) -> bool:
        """pdfminer can decode every stream (``PDFMINER_MAX_STREAM``) and recover the damaged
        ones (``PDFMINER_MAX_RECOVERY``) within bounds."""
        return self.largest_stream <= PDFMINER_MAX_STREAM and self.recovery <= PDFMINER_MAX_RECOVERY


def check_streams(
    data: bytes, limit: int = MAX_INFLATED_BYTES, deadline: Deadline | None = None
) -> StreamCosts:
    """Raise ``DocumentTooLargeError`` when the file's streams, decoded as the engines would
    decode them, add up to more than ``limit`` bytes (pdfminer's Python-built outputs count
    ``PYTHON_COST`` times); else say what its streams would cost pdfminer.

    Raises:
        DocumentTooLargeError: a decompression bomb.
        PdfEncryptedError: an encrypted document whose streams cannot be decrypted for the
            check (with the empty user password).
        ParseTimeoutError: past ``deadline``.
    """
    deadline = deadline or Deadline(None)
    budget = _Budget(limit, deadline)
    doc = _Document(data, deadline)
    largest = _charge_all(doc, budget, None)
    if _ENCRYPT.search(data):
        # the raw streams are charged first: pdfminer decodes the xref streams to open it
        decipher = _decipher(data)
        if decipher is not None:
            largest = max(largest, _charge_all(doc, budget, decipher))
    return StreamCosts(largest, budget.recovery)


def _charge_all(doc: _Document, budget: _Budget, decipher: _Decipher | None) -> int:
    """Charge every stream; object streams first (their objects may be what another
    stream's /Filter or /Length refers to). Returns the most one stream that is not an image
    cost."""
    largest = 0
    objstm = [s for s in doc.streams if doc.one(s.attrs.get("Type")) == "ObjStm"]
    for stream in objstm:
        left = budget.left
        found = _charge(doc, stream, budget, decipher, keep=True)
        largest = max(largest, left - budget.left)
        doc.add_object_stream(found, {k: doc.one(v) for k, v in stream.attrs.items()})
    for k, stream in enumerate(doc.streams):
        if k % 512 == 0:
            budget.deadline.check()
        if stream not in objstm:
            left = budget.left
            _charge(doc, stream, budget, decipher, keep=False)
            if doc.one(stream.attrs.get("Subtype")) != "Image":
                largest = max(largest, left - budget.left)
    return largest


def _charge(
    doc: _Document, stream: _Stream, budget: _Budget, decipher: _Decipher | None, *, keep: bool
) -> bytes:
    """Decode one stream (every reading of it) into the budget: the largest reading is
    charged, not their sum, and the costliest reading's recovery. Returns the decoded data
    when ``keep``."""
    chains = _chains(doc, stream.attrs)
    if not chains:
        return b""
    image = doc.one(stream.attrs.get("Subtype")) == "Image"
    bodies = list(_bodies(doc.data, stream.keyword, doc.resolve(stream.attrs.get("Length"))))
    if decipher is not None:
        if stream.num is None or stream.gen is None:
            return b""
        bodies = [decipher(stream.num, stream.gen, body, stream.attrs) for body in bodies]
    return _largest(
        budget,
        [
            partial(_decode, chain, body, budget, image=image, keep_last=keep)
            for chain in chains
            for body in bodies
        ],
    )


def _largest(budget: _Budget, runs: list[Callable[[], bytes]]) -> bytes:
    """Run alternatives of one decoding, each against what is left of the budget, and
    charge the one that used most (and the costliest recovery)."""
    if len(runs) == 1:
        return runs[0]()
    start, recovery = budget.left, budget.recovery
    most = most_recovery = 0
    kept = b""
    for run in runs:
        budget.left, budget.recovery = start, recovery
        out = run()
        most = max(most, start - budget.left)
        most_recovery = max(most_recovery, budget.recovery - recovery)
        if len(out) > len(kept):
            kept = out
    budget.left, budget.recovery = start, recovery + most_recovery
    budget.take(most)
    return kept


def _decipher(data: bytes) -> _Decipher | None:
    """Decrypt with the empty user password (pdfminer's security handler), or None if the
    document is not encrypted after all.

    Raises:
        PdfEncryptedError: it needs a password, or uses a method that cannot be decrypted.
    """
    from matcher.read.pdf.pdfminer_source import stream_decipher

    found = stream_decipher(data)
    if found is None:
        return None

    def run(num: int, gen: int, body: bytes, attrs: dict[str, Any]) -> bytes:
        try:
            return found(num, gen, body, attrs)
        except Exception:  # a stream that does not decrypt is not inflated by the engines
            return b""

    return run
