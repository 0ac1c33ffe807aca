"""Tesseract OCR as a glyph source: page images → ``PageGlyphs`` for the shared layout engine.

A PDF page without visible text but with an image (a scan), and a PNG/JPEG upload, are read
by Tesseract (the system's ``tesseract`` binary, through ``pytesseract``). Tesseract's word
boxes are turned into glyphs in PDF space: each word spans its Tesseract line vertically and is
split into equal character cells, so ``segments``/``layout``/``assemble`` group, order and clean
the words exactly as they do a text layer's glyphs. Every glyph carries its word's confidence
(0..1); ``PageGlyphs.ocr`` marks the page, so its lines come out with ``source="ocr"``.

Bounds: an image over ``MAX_IMAGE_PIXELS`` is refused before it is decoded
(``DocumentTooLargeError``, a decompression bomb cannot inflate), and so is a PDF page whose
images declare more pixels than that in all (PDFium decodes them at their declared size to
render the page, whatever the data holds); one over ``MAX_OCR_PIXELS``
is scaled down before Tesseract sees it; PDF pages are rendered with PDFium at ``OCR_DPI`` or
less so the render stays under ``MAX_OCR_PIXELS``. Tesseract runs with the time left on the
parse's ``Deadline``; past it the process is killed and the read raises ``ParseTimeoutError``.
Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1`` unless set): its OpenMP threads spin,
and on a machine whose cores are all busy (a worker per core) that made it 2-3x slower.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
from typing import Any

from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    ParseTimeoutError,
)
from matcher.read.pdf.glyphs import Glyph, PageGlyphs
from matcher.read.pdf.limits import MAX_GLYPHS_PER_PAGE, Deadline

__all__ = [
    "INSTALL_HINT",
    "MAX_IMAGE_PIXELS",
    "MAX_OCR_PIXELS",
    "OCR_DPI",
    "available",
    "needs_ocr",
    "ocr_image",
    "open_image",
    "render_page",
]

OCR_DPI = 200  # render scale for scanned pages: enough for 9 pt type (about 0.6-0.9 s a page)
MAX_OCR_PIXELS = 12_000_000  # what Tesseract is given at most (a letter page at 360 dpi)
# a larger image is refused before it is decoded (a letter page scanned at 600 dpi: 34 M)
MAX_IMAGE_PIXELS = 40_000_000
_LANG = "eng"
_MIN_CONFIDENCE = 0.0  # Tesseract's -1 marks layout rows, not words
_LETTER_WIDTH_PT = 612.0  # an image without a usable resolution is read as a letter-wide page
# a line box runs from the tallest letter to the deepest: its height in em, to get the type size
_TALL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZbdfhiklt0123456789!?&%$#@()[]{}|/\\'\"")
_DEEP = frozenset("gjpqyQ()[]{}|/,;@")
_CAP_EM, _X_EM, _DESCENT_EM = 0.72, 0.52, 0.21
_EMAIL_HEAD = re.compile(r"(?:^|[\s(<])[\w.+-]+$")
_EMAIL_TAIL = re.compile(r"@[\w-]+(?:\.[\w-]+)+[.,;)>]?$")
_BULLET_MISREADS = frozenset("¢©«°®*·eo")  # how Tesseract often reads a round bullet "•"
INSTALL_HINT = (
    "install Tesseract OCR to read scanned resumes (Debian/Ubuntu: apt-get install tesseract-ocr)"
)


@functools.cache
def available() -> bool:
    """True when pytesseract imports and the ``tesseract`` binary with English data runs."""
    try:
        import pytesseract
    except ImportError:
        return False
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return False
    try:
        return _LANG in pytesseract.get_languages(config="")
    except Exception:  # a broken install is the same as none
        return False


def needs_ocr(page: PageGlyphs) -> bool:
    """A page to OCR: it shows images but no visible text (a scan, or a photo of a page)."""
    return page.images > 0 and not page.rotated and not any(page.runs)


def _too_large(pixels: int | None) -> DocumentTooLargeError:
    size = f"{pixels:,} pixels" if pixels else "its pixel count"
    return DocumentTooLargeError(
        f"The image is too large: {size} exceeds the limit of {MAX_IMAGE_PIXELS:,} pixels "
        "(a decompression bomb?)."
    )


def open_image(data: bytes) -> tuple[Any, float]:
    """A PNG/JPEG upload → (grayscale ``PIL.Image`` of at most ``MAX_OCR_PIXELS``, points per
    pixel). The size is checked from the header, before any pixel is decoded.

    Raises:
        DocumentTooLargeError: more than ``MAX_IMAGE_PIXELS`` pixels.
        CorruptDocumentError: not a decodable image.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        img: Any = Image.open(io.BytesIO(data), formats=("PNG", "JPEG"))
    except Image.DecompressionBombError as exc:  # Pillow's own check, stricter than ours
        raise _too_large(None) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptDocumentError(
            "The image is corrupt or truncated: it cannot be decoded as PNG or JPEG."
        ) from exc
    width, height = img.size
    if width <= 0 or height <= 0:
        raise CorruptDocumentError("The image is corrupt: it has no pixels.")
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_large(width * height)
    dpi = img.info.get("dpi")
    try:
        if img.format == "JPEG" and width * height > MAX_OCR_PIXELS:
            # decode a JPEG at a reduced scale right away (1/2, 1/4 or 1/8 of each side)
            factor = (width * height / MAX_OCR_PIXELS) ** 0.5
            img.draft("L", (int(width / factor) + 1, int(height / factor) + 1))
        img = img.convert("L")
    except Image.DecompressionBombError as exc:
        raise _too_large(width * height) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise CorruptDocumentError(
            "The image is corrupt or truncated: its pixels cannot be decoded."
        ) from exc
    img = _bounded(img)
    pt_per_px = _LETTER_WIDTH_PT / img.size[0]
    if isinstance(dpi, tuple) and dpi and isinstance(dpi[0], int | float) and 100 <= dpi[0] <= 1200:
        pt_per_px = 72.0 / float(dpi[0]) * (width / img.size[0])
    return img, pt_per_px


def _bounded(img: Any) -> Any:
    width, height = img.size
    if width * height <= MAX_OCR_PIXELS:
        return img
    factor = (width * height / MAX_OCR_PIXELS) ** 0.5
    return img.resize((max(1, int(width / factor)), max(1, int(height / factor))))


def render_page(pdf: Any, index: int) -> tuple[Any, float]:
    """Page ``index`` of an open ``pypdfium2.PdfDocument`` as a grayscale image at ``OCR_DPI``
    (less for a page so large that the render would pass ``MAX_OCR_PIXELS``), and points per
    pixel."""
    page = pdf[index]
    try:
        _check_images(page)
        width, height = page.get_size()
        area = max(1.0, float(width) * float(height))
        scale = min(OCR_DPI / 72.0, (MAX_OCR_PIXELS / area) ** 0.5)
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            img = bitmap.to_pil().convert("L")
        finally:
            bitmap.close()
    finally:
        page.close()
    return img, 1.0 / scale


def _check_images(page: Any) -> None:
    """Refuse a page whose images hold more than ``MAX_IMAGE_PIXELS`` in all, by the sizes
    their dictionaries declare, before PDFium renders it: it decodes each image at that size
    whatever the render's scale, and a 160-byte stream declared 20,000 x 20,000 took a render
    to +485 MiB (``make fuzz``).

    Raises:
        DocumentTooLargeError: over ``MAX_IMAGE_PIXELS``.
    """
    import pypdfium2.raw as raw

    pixels = 0
    for image in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,)):
        try:
            width, height = image.get_px_size()
        except Exception:  # no size to read: PDFium cannot decode it either
            continue
        pixels += width * height
        if pixels > MAX_IMAGE_PIXELS:
            raise _too_large(pixels)


def ocr_image(img: Any, pt_per_px: float, deadline: Deadline) -> PageGlyphs:
    """Tesseract over one page image → ``PageGlyphs`` (``ocr=True``) in PDF space.

    Raises:
        ParseTimeoutError: the deadline passed before or during the OCR.
    """
    import pytesseract

    # Tesseract's OpenMP threads busy-wait: on a shared machine (a worker per core) one thread
    # is 2-3x faster than the default; an explicit setting of the operator's wins
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    deadline.check()
    remaining = deadline.remaining()
    try:
        data = pytesseract.image_to_data(
            img,
            lang=_LANG,
            config="--psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=max(0.1, remaining) if remaining is not None else 0,
        )
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise ParseTimeoutError(
                f"Reading the document exceeded the time limit of {deadline.seconds:g} s "
                "(timeout) while running OCR on a scanned page."
            ) from exc
        raise
    width_px, height_px = img.size
    page = PageGlyphs(width=width_px * pt_per_px, height=height_px * pt_per_px, images=1, ocr=True)
    lines: dict[tuple[int, int, int], tuple[int, int]] = {}
    letters: dict[tuple[int, int, int], set[str]] = {}
    n = len(data["text"])
    for i in range(n):
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if data["level"][i] == 4:  # a text line: its top and bottom, for every word on it
            lines[key] = (data["top"][i], data["top"][i] + data["height"][i])
        elif data["level"][i] == 5:
            letters.setdefault(key, set()).update(str(data["text"][i]))
    run: list[Glyph] = []
    for key, word, left, right, conf in _words(data):
        top, bottom = lines.get(key, (0, 0))
        y1 = page.height - top * pt_per_px
        y0 = page.height - bottom * pt_per_px
        size = _type_size((bottom - top) * pt_per_px, letters.get(key, set()))
        cell = max(1, right - left) / len(word)
        for k, ch in enumerate(word):
            x0 = (left + k * cell) * pt_per_px
            glyph = Glyph(ch, "", x0, y0, x0 + cell * pt_per_px, y1, size)
            glyph.confidence = round(conf / 100.0, 3)
            run.append(glyph)
        if len(run) >= MAX_GLYPHS_PER_PAGE:
            page.truncated = True
            break
    page.runs = [run] if run else []
    return page


_Word = tuple[tuple[int, int, int], str, int, int, float]  # line, text, left, right, confidence


def _words(data: dict[str, list[Any]]) -> list[_Word]:
    """Tesseract's words in its reading order, each with its line; an e-mail address it split
    before the "@" (``jo.doe @example.org``) is joined again."""
    out: list[_Word] = []
    for i in range(len(data["text"])):
        word = str(data["text"][i]).strip()
        conf = float(data["conf"][i])
        if data["level"][i] != 5 or not word or conf < _MIN_CONFIDENCE:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if word in _BULLET_MISREADS and data["word_num"][i] == 1 and _has_next(data, i, key):
            word = "•"  # a lone mark opening a line of words: the line's bullet
        left = int(data["left"][i])
        right = left + max(1, int(data["width"][i]))
        if out and out[-1][0] == key and _EMAIL_HEAD.search(out[-1][1]) and _EMAIL_TAIL.match(word):
            prev = out.pop()
            word, left, conf = prev[1] + word, prev[2], min(conf, prev[4])
        out.append((key, word, left, right, conf))
    return out


def _has_next(data: dict[str, list[Any]], i: int, key: tuple[int, int, int]) -> bool:
    j = i + 1
    return (
        j < len(data["text"])
        and data["level"][j] == 5
        and (data["block_num"][j], data["par_num"][j], data["line_num"][j]) == key
        and bool(str(data["text"][j]).strip())
    )


def _type_size(height: float, letters: set[str]) -> float:
    """The type size of a line from its box: the box spans cap or x-height, plus the descent
    when a letter goes below the baseline ("Skills" is shorter than "Summary" at one size)."""
    em = (_CAP_EM if letters & _TALL else _X_EM) + (_DESCENT_EM if letters & _DEEP else 0.0)
    return height / em


class PageOcr:
    """OCR for the scanned pages of one PDF: renders a page with PDFium (its own handle on the
    bytes, opened at the first page that needs it) and reads it with Tesseract."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf: Any = None
        self.pages = 0

    def read(self, index: int, page: PageGlyphs, deadline: Deadline) -> PageGlyphs:
        """Page ``index`` (0-based) read by OCR, keeping what the text layer found hidden."""
        import pypdfium2 as pdfium

        deadline.check()
        if self._pdf is None:
            self._pdf = pdfium.PdfDocument(self._data)
        img, pt_per_px = render_page(self._pdf, index)
        deadline.check()
        found = ocr_image(img, pt_per_px, deadline)
        found.width, found.height = page.width, page.height
        found.hidden, found.hidden_reasons = page.hidden, page.hidden_reasons
        found.images = page.images
        self.pages += 1
        return found

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
