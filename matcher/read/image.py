"""A PNG or JPEG resume (a scan or a photo of the page) → ``DocumentText`` by OCR.

The image is opened with its size checked first (``ocr_source.open_image``: a decompression
bomb is refused before any pixel is decoded, a very large image is scaled down), read by
Tesseract into glyphs, and those glyphs go through the same layout engine and assembly as a
PDF page (``pdf.layout_page``, ``assemble``), so sections and reading order work the same. The
result is one page of ``format="image"`` whose lines all have ``source="ocr"``.
"""

from __future__ import annotations

from matcher.errors import NoTextError
from matcher.models import DocumentText
from matcher.read.pdf import layout_page
from matcher.read.pdf.assemble import assemble
from matcher.read.pdf.limits import Deadline
from matcher.read.pdf.ocr_source import INSTALL_HINT, available, ocr_image, open_image

__all__ = ["extract_text"]


def extract_text(data: bytes, *, deadline: Deadline | None = None) -> DocumentText:
    """Read the text of a resume image with OCR.

    Raises:
        NoTextError: Tesseract is not installed (the message says how to install it), or the
            image holds no readable text.
        DocumentTooLargeError: more pixels than ``ocr_source.MAX_IMAGE_PIXELS``.
        CorruptDocumentError: not a decodable PNG/JPEG.
        ParseTimeoutError: the OCR did not finish before ``deadline``.
    """
    deadline = deadline or Deadline(None)
    img, pt_per_px = open_image(data)
    if not available():
        raise NoTextError(
            "The file is an image, so its text can only be read with OCR, and OCR is not "
            f"available here: {INSTALL_HINT}."
        )
    glyphs = ocr_image(img, pt_per_px, deadline)
    try:
        return assemble([layout_page(glyphs, 1)], producer=None, partial=False, format="image")
    except NoTextError as exc:
        raise NoTextError(
            "The image has no readable text: OCR found no words in it. Send the resume as a "
            "PDF or DOCX, or a sharper scan."
        ) from exc
