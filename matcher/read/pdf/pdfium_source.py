"""PDFium (pypdfium2) as a glyph source: the default, faster engine.

PDFium's text page lists a page's characters in content order. Each character it did not
generate itself (word spaces and line breaks PDFium adds are skipped: the layout engine puts
its own) becomes a ``Glyph`` with the box pdfminer would give it: left and right from its
advance (PDFium's loose box), bottom at the font's descent, height the font size times the
character matrix. Per text object (not per character) the source asks for the font name,
render mode, fill colour and matrix. Filled paths are collected in content order into the
page's ``Backdrop`` so the shared ``hidden_reason`` sees what is behind each glyph. Characters
of a form XObject form their own run, as in pdfminer.

PDFium inflates streams in C; ``streams.check_streams`` has already charged every stream of
the file to the decompression budget before this module opens it. The deadline is checked
between pages and every few hundred characters.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

from matcher.errors import CorruptDocumentError, PdfEncryptedError
from matcher.read.pdf.glyphs import (
    TINY_PT,
    Backdrop,
    Glyph,
    HiddenGlyph,
    PageGlyphs,
    hidden_reason,
)
from matcher.read.pdf.limits import MAX_GLYPHS_PER_PAGE, Deadline
from matcher.read.pdf.repair import looks_truncated, repaired

__all__ = ["PdfiumDocument", "available", "open_document"]

_CHECK_EVERY = 512
_MAX_OBJECTS = 200_000  # page objects walked per page (paths, text, images, forms)
_MAX_FORM_DEPTH = 16


def available() -> bool:
    """True when pypdfium2 can be imported."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def _address(handle: Any) -> int:
    return ctypes.c_void_p.from_buffer(handle).value or 0


class _TextObject:
    """What every glyph of one text object shares."""

    __slots__ = (
        "check_background",
        "color",
        "container",
        "fills_before",
        "fontname",
        "mode",
        "plain",
        "rotation",
        "size",
    )

    def __init__(self) -> None:
        self.container = 0
        self.fills_before = 0
        self.fontname = ""
        self.mode = 0
        self.color: tuple[float, float, float] | None = None
        self.check_background = False
        self.size = 0.0
        self.rotation = 0
        self.plain = False  # only "outside the page" can hide its glyphs (see _read_page)


class _Calls:
    """The ctypes objects one page's reading reuses (not one set per text object), and what it
    caches: font names by font handle, ``Backdrop.matches_any`` by colour."""

    __slots__ = ("a", "b", "backdrop", "buf", "fonts", "g", "matches", "matrix", "r", "raw")

    def __init__(self, raw: Any, backdrop: Backdrop) -> None:
        self.raw = raw
        self.backdrop = backdrop
        self.buf = ctypes.create_string_buffer(256)
        self.r, self.g, self.b, self.a = (ctypes.c_uint() for _ in range(4))
        self.matrix = raw.FS_MATRIX()
        self.fonts: dict[int, str] = {}
        self.matches: dict[tuple[float, float, float], bool] = {}


class PdfiumDocument:
    """An open PDF: its pages as ``PageGlyphs``, one at a time."""

    def __init__(self, pdf: Any, *, repaired: bool = False) -> None:
        self.pdf = pdf
        self.page_count = len(pdf)
        self.repaired = repaired
        self.producer = _producer(pdf)

    def close(self) -> None:
        self.pdf.close()

    def pages(self, deadline: Deadline) -> Iterator[PageGlyphs]:
        import pypdfium2.raw as raw

        for index in range(self.page_count):
            deadline.check()
            page = self.pdf[index]
            try:
                yield _read_page(page, raw, deadline)
            finally:
                page.close()


def open_document(data: bytes, deadline: Deadline | None = None) -> PdfiumDocument:
    """Open ``data`` with PDFium (with a trailer appended if it is truncated, see ``repair``).

    PDFium opens a file in one C call the deadline cannot interrupt (its xref rebuild of a
    20 MB file of garbage takes up to about a second of CPU); the deadline is checked before
    the second try.

    Raises:
        PdfEncryptedError: a password is needed.
        CorruptDocumentError: PDFium cannot open it (the caller then tries pdfminer).
        ParseTimeoutError: past ``deadline`` after the first try.
    """
    import pypdfium2 as pdfium

    try:
        return PdfiumDocument(pdfium.PdfDocument(data), repaired=looks_truncated(data))
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message or "security" in message:
            raise PdfEncryptedError() from exc
        if deadline is not None:
            deadline.check()
        fixed = repaired(data)
        if fixed is not None:
            try:
                return PdfiumDocument(pdfium.PdfDocument(fixed), repaired=True)
            except pdfium.PdfiumError:
                pass
        raise CorruptDocumentError("The PDF is corrupt: PDFium cannot read it.") from exc


def _producer(pdf: Any) -> str | None:
    try:
        meta = pdf.get_metadata_dict()
    except Exception:  # metadata is optional; never fail the read on it
        return None
    value = (meta.get("Producer") or meta.get("Creator") or "").strip()
    return value[:120] or None


def _walk_objects(
    handle: Any, raw: Any, backdrop: Backdrop, page: PageGlyphs
) -> dict[int, tuple[int, int]]:
    """Filled paths into ``backdrop`` and images counted, in content order; returns each text
    object's address → (container number, filled shapes painted before it)."""
    texts: dict[int, tuple[int, int]] = {}
    fillmode = ctypes.c_int()
    stroke = ctypes.c_int()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    containers = [0]
    seen = [0]

    def visit(count: int, get: Any, container: int, depth: int) -> None:
        for i in range(count):
            seen[0] += 1
            if seen[0] > _MAX_OBJECTS:
                page.truncated = True
                return
            obj = get(i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                texts[_address(obj)] = (container, backdrop.count)
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                if not (
                    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke))
                    and fillmode.value
                ):
                    continue
                if not raw.FPDFPageObj_GetFillColor(
                    obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)
                ):
                    continue
                if a.value == 0:
                    continue
                if raw.FPDFPageObj_GetBounds(
                    obj,
                    ctypes.byref(left),
                    ctypes.byref(bottom),
                    ctypes.byref(right),
                    ctypes.byref(top),
                ):
                    backdrop.add(
                        (left.value, bottom.value, right.value, top.value),
                        (r.value / 255, g.value / 255, b.value / 255),
                    )
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                page.images += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
                containers[0] += 1
                visit(
                    raw.FPDFFormObj_CountObjects(obj),
                    lambda k, form=obj: raw.FPDFFormObj_GetObject(form, k),
                    containers[0],
                    depth + 1,
                )

    visit(
        raw.FPDFPage_CountObjects(handle),
        lambda k: raw.FPDFPage_GetObject(handle, k),
        0,
        0,
    )
    return texts


def _text_object(obj: Any, where: tuple[int, int], calls: _Calls) -> _TextObject:
    raw = calls.raw
    info = _TextObject()
    info.container, info.fills_before = where
    font = raw.FPDFTextObj_GetFont(obj)
    if font:
        key = _address(font)
        name = calls.fonts.get(key)
        if name is None:
            buf = calls.buf
            n = raw.FPDFFont_GetBaseFontName(font, buf, len(buf))
            name = calls.fonts[key] = buf.raw[: max(0, n - 1)].decode("latin-1", "replace")
        info.fontname = name
    info.mode = int(raw.FPDFTextObj_GetTextRenderMode(obj))
    r, g, b, a = calls.r, calls.g, calls.b, calls.a
    get_color = (
        raw.FPDFPageObj_GetStrokeColor if info.mode in (1, 5) else raw.FPDFPageObj_GetFillColor
    )
    if get_color(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        info.color = color = (r.value / 255, g.value / 255, b.value / 255)
        if a.value == 0:
            info.mode = 3  # fully transparent text is invisible
        found = calls.matches.get(color)
        if found is None:
            found = calls.matches[color] = calls.backdrop.matches_any(color)
        info.check_background = found
    return info


def _dropped_spaces(space: Glyph, nxt: Glyph) -> bool:
    """Whether the gap after ``space`` (in its text object, on its line) is a whole number of
    spaces as wide as it: PDFium's text page keeps one space of a run, pdfminer all of them."""
    width = space.x1 - space.x0
    gap = nxt.x0 - space.x1
    if width <= 0.05 or gap < width * 0.95 or abs(nxt.y0 - space.y0) > 0.5:
        return False
    count = gap / width
    return abs(count - round(count)) < 0.05


def _read_page(page: Any, raw: Any, deadline: Deadline) -> PageGlyphs:
    width, height = page.get_size()
    result = PageGlyphs(width=float(width), height=float(height))
    backdrop = Backdrop(float(width), float(height))
    where = _walk_objects(page.raw, raw, backdrop, result)
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        n_chars = raw.FPDFText_CountChars(tp)
        if n_chars <= 0:
            return result
        if n_chars > MAX_GLYPHS_PER_PAGE:
            n_chars = MAX_GLYPHS_PER_PAGE
            result.truncated = True
        # one call for the text; character i of it is character i of the text page unless
        # the page has characters outside the BMP (then each is looked up)
        full = textpage.get_text_range(0, n_chars)
        if len(full) != n_chars:
            full = ""
        rect = raw.FS_RECTF()
        rect_ref = ctypes.byref(rect)
        calls = _Calls(raw, backdrop)
        objects: dict[int, _TextObject] = {}
        runs: dict[int, list[Glyph]] = {}
        last_obj = 0
        info = _TextObject()
        prev: Glyph | None = None
        prev_obj = 0
        is_generated = raw.FPDFText_IsGenerated
        map_error = raw.FPDFText_HasUnicodeMapError
        object_key = _pointer_as_int(raw.FPDFText_GetTextObject, raw.FPDF_TEXTPAGE, ctypes.c_int)
        loose_box = raw.FPDFText_GetLooseCharBox
        page_w, page_h = backdrop.width, backdrop.height  # hidden_reason's page bounds
        for i in range(n_chars):
            if i % _CHECK_EVERY == 0:
                deadline.check()
            if full:
                text = full[i]
            else:
                code = raw.FPDFText_GetUnicode(tp, i)
                text = chr(code) if 0 < code < 0x110000 else "\ufffd"
            if text in " \r\n\ufffe\uffff" and is_generated(tp, i):
                continue
            if text == "\r" or text == "\n":
                continue
            if map_error(tp, i) == 1:
                # an icon font without a text mapping: pdfminer's "(cid:N)"
                text = f"(cid:{raw.FPDFText_GetUnicode(tp, i)})"
            elif text in "\x02\ufffe":
                text = "-"  # PDFium's mark for a hyphen at a line end
            key = object_key(tp, i) or 0
            if key != last_obj:
                cached = objects.get(key)
                if cached is None:
                    cached = _text_object(
                        raw.FPDFText_GetTextObject(tp, i),
                        where.get(key, (0, backdrop.count)),
                        calls,
                    )
                    _char_metrics(cached, tp, i, calls)
                    objects[key] = cached
                info = cached
                last_obj = key
            if not loose_box(tp, i, rect_ref):
                continue
            left, right, bottom, top = rect.left, rect.right, rect.bottom, rect.top
            # min() and max() as written out (NaN included): a call each costs more
            x0 = right if right < left else left
            x1 = right if right > left else left
            y0 = top if top < bottom else bottom
            if info.rotation == 0:
                glyph = Glyph(text, info.fontname, x0, y0, x1, y0 + info.size, info.size)
            else:
                y1 = top if top > bottom else bottom
                glyph = Glyph(text, info.fontname, x0, y0, x1, y1, min(x1 - x0, y1 - y0))
                glyph.rotation = info.rotation
            if (
                prev is not None
                and prev.text == " "
                and key == prev_obj
                and _dropped_spaces(prev, glyph)
            ):
                prev.x1 = glyph.x0  # PDFium keeps one of several spaces: cover the others
                prev.width = prev.x1 - prev.x0
            prev, prev_obj = glyph, key
            if info.plain:
                cx = (glyph.x0 + glyph.x1) / 2
                cy = (glyph.y0 + glyph.y1) / 2
                reason = (
                    "outside the page" if cx < 0 or cy < 0 or cx > page_w or cy > page_h else None
                )
            else:
                reason = hidden_reason(
                    glyph,
                    mode=info.mode,
                    color=info.color,
                    backdrop=backdrop,
                    check_background=info.check_background,
                    before=info.fills_before,
                )
            if reason is None:
                if glyph.rotation:
                    result.rotated.append(glyph)
                else:
                    run = runs.get(info.container)
                    if run is None:
                        run = runs[info.container] = []
                    run.append(glyph)
            elif text.strip():
                result.hidden_reasons[reason] += 1
                result.hidden.append(
                    HiddenGlyph(
                        text, glyph.x0, glyph.x1, height - glyph.y1, height - glyph.y0, glyph.size
                    )
                )
        result.runs = [runs[k] for k in sorted(runs)]
        return result
    finally:
        textpage.close()


def _char_metrics(info: _TextObject, tp: Any, i: int, calls: _Calls) -> None:
    """Size and direction of a text object's glyphs, from its first character: the font size
    times the character matrix (text matrix and CTM), upright as pdfminer's ``LTChar``."""
    raw = calls.raw
    size = float(raw.FPDFText_GetFontSize(tp, i))
    matrix = calls.matrix
    a = d = 1.0
    b = c = 0.0
    if raw.FPDFText_GetMatrix(tp, i, ctypes.byref(matrix)):
        a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
    if a * d > 0 and b * c <= 0:
        info.size = size * (abs(d) if b == 0 and c == 0 else (c * c + d * d) ** 0.5)
        info.rotation = 0
    else:
        info.size = size
        info.rotation = 1 if b > 0 else -1
    # hidden_reason's other rules (render mode, tiny text, the colour behind) cannot hide
    # this object's glyphs: each needs only its "outside the page" test
    info.plain = (
        info.rotation == 0
        and info.mode not in (3, 7)
        and not (0 < info.size < TINY_PT)
        and not info.check_background
    )


def _pointer_as_int(function: Any, *argtypes: Any) -> Any:
    """``function`` (a pypdfium2 raw binding) returning its pointer as an int (0 for NULL):
    cheaper per call than a ctypes pointer object and its address."""
    address = ctypes.cast(function, ctypes.c_void_p).value or 0
    return ctypes.CFUNCTYPE(ctypes.c_void_p, *argtypes)(address)
