"""The PDFium glyph source (matcher/read/pdf/pdfium_source.py) through the shared layout engine,
on PDFs made here with reportlab."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")

from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    NoTextError,
    PdfEncryptedError,
    UnsupportedTypeError,
)
from matcher.models import DocumentText
from matcher.read.pdf import extract_text as _extract
from tests.documents import canvas_pdf, two_column_pdf

LIMITS = {"max_bytes": 5_000_000, "max_pages": 10}


def extract_text(data: bytes, *, max_bytes: int, max_pages: int) -> DocumentText:
    """The PDF reader with PDFium as the glyph source."""
    return _extract(data, max_bytes=max_bytes, max_pages=max_pages, engine="pdfium")


def test_pdfium_two_columns_read_left_then_right() -> None:
    doc = extract_text(two_column_pdf(), **LIMITS)
    text = doc.text
    assert text.index("Ada Example") < text.index("SKILLS")
    assert text.index("MSc Physics") < text.index("EXPERIENCE")  # whole left column first
    assert "Python\nPyTorch\nKubernetes" in text
    assert "Built a feature store with Python and Redis for ranking." in text
    assert any(w.code == "multi-column" for w in doc.warnings)
    cols = {ln.text: ln.column for ln in doc.lines}
    assert cols["Python"] == 1
    assert cols["Ran the weekly reading group on recommender systems."] == 2
    name = next(ln for ln in doc.lines if ln.text == "Ada Example")
    assert name.bold
    assert name.font_size == pytest.approx(20, abs=0.5)
    assert name.page == 1
    assert 30 < name.top < 52  # points from the top of the page (baseline at 52)


def test_pdfium_lines_locate_their_text() -> None:
    doc = extract_text(two_column_pdf(pages=2), **LIMITS)
    assert doc.pages == 2
    assert doc.format == "pdf"
    assert {ln.page for ln in doc.lines} == {1, 2}
    assert [ln.number for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    for ln in doc.lines:
        assert doc.text[ln.start : ln.end] == ln.text
    assert doc.producer
    assert "ReportLab" in doc.producer


def _hidden(c: object, _page: int) -> None:
    c.setFont("Helvetica", 11)  # type: ignore[attr-defined]
    c.drawString(50, 780, "Experience")  # type: ignore[attr-defined]
    c.drawString(50, 760, "Built React and TypeScript front ends.")  # type: ignore[attr-defined]
    c.setFillColorRGB(1, 1, 1)  # type: ignore[attr-defined]
    c.drawString(50, 700, "Keywords: PyTorch TensorFlow Kubernetes")  # type: ignore[attr-defined]
    c.setFillColorRGB(0, 0, 0)  # type: ignore[attr-defined]
    t = c.beginText(50, 650)  # type: ignore[attr-defined]
    t.setTextRenderMode(3)
    t.textLine("Invisible MLflow Airflow")
    c.drawText(t)  # type: ignore[attr-defined]
    c.setFont("Helvetica", 0.5)  # type: ignore[attr-defined]
    c.drawString(50, 600, "Tiny CUDA text")  # type: ignore[attr-defined]


def test_pdfium_hidden_text_is_reported_not_read() -> None:
    doc = extract_text(canvas_pdf(_hidden), **LIMITS)
    assert "React and TypeScript" in doc.text
    for word in ("PyTorch", "MLflow", "CUDA"):
        assert word not in doc.text
        assert word in doc.hidden_text
    assert any(w.code == "hidden-text" for w in doc.warnings)
    hidden = [ln for ln in doc.lines if ln.hidden]
    assert len(hidden) == 3
    assert all(ln.start == ln.end == -1 for ln in hidden)


def test_pdfium_bad_inputs_raise_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocumentError):
        extract_text(b"", **LIMITS)
    with pytest.raises(UnsupportedTypeError):
        extract_text(b"\xff\xd8\xff\xe0 a jpeg", **LIMITS)
    good = two_column_pdf()
    with pytest.raises(CorruptDocumentError):
        extract_text(good[: len(good) // 3], **LIMITS)
    with pytest.raises(DocumentTooLargeError):
        extract_text(good, max_bytes=100, max_pages=10)
    with pytest.raises(DocumentTooLargeError):
        extract_text(two_column_pdf(pages=3), max_bytes=5_000_000, max_pages=2)
    with pytest.raises(NoTextError):
        extract_text(canvas_pdf(lambda c, _p: c.rect(50, 50, 200, 200, fill=1)), **LIMITS)

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(good)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(PdfEncryptedError):
        extract_text(out.getvalue(), **LIMITS)
