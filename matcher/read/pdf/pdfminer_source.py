"""pdfminer.six as a glyph source (with ``pdfminer_deadline``, the only modules that import
pdfminer).

pdfminer's interpreter runs each page through a device (``_Device``) that sees every glyph with
its graphics state: hidden glyphs (``glyphs.hidden_reason``) are set aside with their reason,
visible ones are kept as ``Glyph`` in content order, per container (the page, each form
XObject). pdfminer's own layout analysis is never run; the shared layout engine orders the
page. The interpreter checks the deadline every few hundred operators, and the device stops
keeping glyphs past ``MAX_GLYPHS_PER_PAGE``. Everything pdfminer parses (the file as it is
opened, its object streams, content streams and ToUnicode CMaps) is read under the same
deadline (``pdfminer_deadline``), so opening a file is bounded like reading its pages.

A truncated file that opens only once a trailer pointing at its catalog is appended is read
that way and marked ``repaired`` (the document is then partial).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    InputError,
    PdfEncryptedError,
)
from matcher.read.pdf.glyphs import (
    Backdrop,
    Glyph,
    HiddenGlyph,
    PageGlyphs,
    hidden_reason,
    rgb,
)
from matcher.read.pdf.limits import MAX_GLYPHS_PER_PAGE, Deadline
from matcher.read.pdf.repair import repaired as _repaired

__all__ = ["PdfminerDocument", "open_document"]

# codes WinAnsiEncoding leaves unused; viewers draw them as a bullet (reportlab writes "•" as 127)
_WINANSI_UNUSED = frozenset({127, 129, 141, 143, 144, 157})
_CHECK_EVERY = 512  # operators / glyphs between two deadline checks


def _glyph_box(
    matrix: Any, font: Any, fontsize: float, scaling: float, rise: float, cid: int, text: str
) -> tuple[Glyph, float]:
    """``LTChar.__init__``'s geometry, expression for expression (pdfminer.layout): the glyph's
    box in page space (the bounding box of the transformed corners) and its advance."""
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
    glyph = Glyph(
        text,
        font.fontname,
        min(left1, left2, right1, right2),
        min(bottom1, bottom2, top1, top2),
        max(left1, left2, right1, right2),
        max(bottom1, bottom2, top1, top2),
    )
    if font.is_vertical():
        glyph.size = glyph.width
    if not (a * d * scaling > 0 and b * c <= 0):  # pdfminer's LTChar.upright
        glyph.rotation = 1 if b > 0 else -1
        glyph.size = min(glyph.width, glyph.height)
    return glyph, adv


def _make_device(rsrcmgr: Any, deadline: Deadline) -> Any:
    """Build the glyph-sorting device (a ``PDFPageAggregator`` subclass, made lazily)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdffont import PDFUnicodeNotDefined

    class _Device(PDFPageAggregator):
        def __init__(self) -> None:
            super().__init__(rsrcmgr, laparams=None)
            self.page = PageGlyphs(0.0, 0.0)
            self.backdrop = Backdrop(0.0, 0.0)
            self.kept = 0
            self._mode = 0
            self._color: tuple[float, float, float] | None = None
            self._check_background = False

        def begin_page(self, page: Any, ctm: Any) -> None:
            super().begin_page(page, ctm)
            x0, y0, x1, y1 = self.cur_item.bbox
            self.page = PageGlyphs(width=x1 - x0, height=y1 - y0)
            self.backdrop = Backdrop(x1 - x0, y1 - y0)
            self.kept = 0

        def paint_path(
            self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any
        ) -> None:
            before = len(self.cur_item._objs)
            super().paint_path(gstate, stroke, fill, evenodd, path)
            if not fill:
                return
            color = rgb(gstate.ncolor)
            if color is None:
                return
            for obj in self.cur_item._objs[before:]:
                self.backdrop.add(obj.bbox, color)

        def render_image(self, name: str, stream: Any) -> None:
            self.page.images += 1
            super().render_image(name, stream)

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            self._mode = int(textstate.render or 0)
            stroke_only = self._mode in (1, 5)
            self._color = rgb(graphicstate.scolor if stroke_only else graphicstate.ncolor)
            c = self._color
            self._check_background = c is not None and self.backdrop.matches_any(c)
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
            glyph, adv = _glyph_box(matrix, font, fontsize, scaling, rise, cid, text)
            self.kept += 1
            if self.kept % _CHECK_EVERY == 0:
                deadline.check()
            if self.kept > MAX_GLYPHS_PER_PAGE:
                self.page.truncated = True
                return adv
            page = self.page
            reason = hidden_reason(
                glyph,
                mode=self._mode,
                color=self._color,
                backdrop=self.backdrop,
                check_background=self._check_background,
            )
            if reason is None:
                # a Glyph stands in for LTChar: only _runs reads the page's objects
                self.cur_item._objs.append(glyph)  # type: ignore[arg-type]
            elif text.strip():
                page.hidden_reasons[reason] += 1
                page.hidden.append(
                    HiddenGlyph(
                        text,
                        glyph.x0,
                        glyph.x1,
                        page.height - glyph.y1,
                        page.height - glyph.y0,
                        glyph.size,
                    )
                )
            return adv

    return _Device()


def _make_interpreter(rsrcmgr: Any, device: Any, deadline: Deadline) -> Any:
    """pdfminer's page interpreter, checking ``deadline`` every ``_CHECK_EVERY`` operands and
    operators (a content stream of millions of no-op operators is bounded too)."""
    from matcher.read.pdf.pdfminer_deadline import BoundedInterpreter

    class _Interpreter(BoundedInterpreter):
        ticks = 0

        def _tick(self) -> None:
            _Interpreter.ticks += 1
            if _Interpreter.ticks % _CHECK_EVERY == 0:
                deadline.check()

        def push(self, obj: Any) -> None:
            self._tick()
            super().push(obj)

        def pop(self, n: int) -> Any:
            self._tick()
            return super().pop(n)

        def do_q(self) -> None:
            self._tick()
            super().do_q()

        def do_Q(self) -> None:
            self._tick()
            super().do_Q()

        def __getattr__(self, name: str) -> Any:
            # reached only for operators pdfminer does not know (hasattr in execute)
            if name.startswith("do_"):
                self._tick()
            raise AttributeError(name)

    return _Interpreter(rsrcmgr, device, deadline)


def _runs(container: Any, page: PageGlyphs) -> None:
    """The page's glyphs (``Glyph`` objects among the layout items), one run per container,
    sideways glyphs apart."""
    from pdfminer.layout import LTFigure

    chars = [obj for obj in container if type(obj) is Glyph]
    if any(c.rotation for c in chars):
        page.rotated.extend(c for c in chars if c.rotation)
        chars = [c for c in chars if not c.rotation]
    if chars:
        page.runs.append(chars)
    for obj in container:
        if isinstance(obj, LTFigure):
            _runs(obj, page)


class PdfminerDocument:
    """An open PDF: its pages as ``PageGlyphs``, one at a time."""

    def __init__(self, document: Any, pages: list[Any], repaired: bool) -> None:
        self.document = document
        self._pages = pages
        self.page_count = len(pages)
        self.repaired = repaired
        self.producer = _producer(document)

    def pages(self, deadline: Deadline) -> Iterator[PageGlyphs]:
        from matcher.read.pdf.pdfminer_deadline import BoundedResourceManager

        self.document.deadline = deadline  # object streams read while the pages are
        rsrcmgr = BoundedResourceManager(deadline)
        device = _make_device(rsrcmgr, deadline)
        interpreter = _make_interpreter(rsrcmgr, device, deadline)
        for page in self._pages:
            deadline.check()
            interpreter.process_page(page)
            layout = device.get_result()
            glyphs: PageGlyphs = device.page
            _runs(layout, glyphs)
            yield glyphs

    def close(self) -> None:
        """Nothing to release: pdfminer holds no native resources."""


def open_document(data: bytes, deadline: Deadline | None = None) -> PdfminerDocument:
    """Open ``data`` with pdfminer, patching a truncated file's trailer if it must.

    Raises:
        PdfEncryptedError, CorruptDocumentError, DocumentTooLargeError.
        ParseTimeoutError: the opening (xref, fallback scan, page tree) ran past ``deadline``.
    """
    _quiet_pdfminer()
    deadline = deadline or Deadline(None)
    try:
        document, pages = _open_once(data, deadline)
        if pages:
            return PdfminerDocument(document, pages, False)
    except CorruptDocumentError:
        fixed = _repaired(data)
        if fixed is None:
            raise
        try:
            document, pages = _open_once(fixed, deadline)
        except CorruptDocumentError:
            pass
        else:
            if pages:
                return PdfminerDocument(document, pages, True)
        raise
    fixed = _repaired(data)
    if fixed is not None:
        with_fix = _open_once(fixed, deadline)
        if with_fix[1]:
            return PdfminerDocument(with_fix[0], with_fix[1], True)
    return PdfminerDocument(document, pages, False)


def _open_once(data: bytes, deadline: Deadline) -> tuple[Any, list[Any]]:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage

    from matcher.read.pdf.pdfminer_deadline import BoundedDocument, open_parser

    try:
        document = BoundedDocument(open_parser(data, deadline), "", deadline)
    except InputError:  # ParseTimeoutError
        raise
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
    pages = []
    try:
        for page in PDFPage.create_pages(document):
            pages.append(page)
            deadline.check()
    except InputError:
        raise
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


def _quiet_pdfminer() -> None:
    """pdfminer's warnings can quote bytes of the document (object dumps, operands), and
    resume text must never reach a log: unless the application set pdfminer's log level
    itself, only its errors get through."""
    logger = logging.getLogger("pdfminer")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)


def stream_decipher(data: bytes) -> Callable[[int, int, bytes, Any], bytes] | None:
    """How pdfminer decrypts a stream of ``data`` opened with the empty user password
    (``(objid, genno, raw, attrs) -> bytes``), for the decompression check
    (``streams.check_streams``); None when the document is not encrypted.

    Raises:
        PdfEncryptedError: it needs a password, uses a method pdfminer cannot decrypt, or
            cannot be opened at all (its streams could not be checked).
    """
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    _quiet_pdfminer()
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect as exc:
        raise PdfEncryptedError() from exc
    except PDFEncryptionError as exc:
        raise PdfEncryptedError(
            "The PDF is encrypted with a method that cannot be opened: remove the password "
            "and upload again."
        ) from exc
    except Exception as exc:  # encrypted and unreadable: its streams cannot be checked
        raise PdfEncryptedError(
            "The PDF is encrypted and damaged: remove the password and upload again."
        ) from exc
    decipher: Callable[[int, int, bytes, Any], bytes] | None = document.decipher
    return decipher
