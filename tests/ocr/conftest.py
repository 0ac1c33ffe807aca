"""Scans made by the tests: a real producer's resume PDF rendered into pixels with PDFium, then
wrapped as an image-only PDF (Pillow) or saved as a PNG/JPEG. Made once per session: the OCR
of each costs seconds."""

from __future__ import annotations

import pytest

from tests import tools
from tests.documents import make_pdf, sample_resume, scanned_image, scanned_pdf

INSTALL = "apt-get install tesseract-ocr"


def require_tesseract() -> None:
    """Skip (or fail under ROLEFIT_TEST_STRICT) when Tesseract is missing, saying how to get it."""
    tools.require("tesseract", what=f"Tesseract OCR (install it: {INSTALL})")
    from matcher.read.pdf import ocr_source

    if not ocr_source.available():
        tools.missing(f"Tesseract has no English data (install it: {INSTALL} tesseract-ocr-eng)")


@pytest.fixture
def tesseract() -> None:
    require_tesseract()


@pytest.fixture(scope="session")
def text_pdf() -> bytes:
    """The ML engineer's resume in two columns (skills in a sidebar), with a text layer."""
    return make_pdf(sample_resume(), producer="reportlab", columns=2)


@pytest.fixture(scope="session")
def scan_pdf(text_pdf: bytes) -> bytes:
    return scanned_pdf(text_pdf)


@pytest.fixture(scope="session")
def scan_png(text_pdf: bytes) -> bytes:
    return scanned_image(text_pdf)


@pytest.fixture(scope="session")
def scan_jpeg(text_pdf: bytes) -> bytes:
    return scanned_image(text_pdf, format="JPEG")
