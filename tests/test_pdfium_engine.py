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

LIMITS = {"max_bytes": 5_000_000, "max_pages": 10}


def extract_text(data: bytes, *, max_bytes: int, max_pages: int) -> DocumentText:
    """The PDF reader with PDFium as the glyph source."""
    return _extract(data, max_bytes=max_bytes, max_pages=max_pages, engine="pdfium")


def _pdf(draw: object, pages: int = 1) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for page in range(pages):
        draw(c, page)  # type: ignore[operator]
        c.showPage()
    c.save()
    return buf.getvalue()


def _two_columns(c: object, _page: int) -> None:
    c.setFont("Helvetica-Bold", 20)  # type: ignore[attr-defined]
    c.drawString(50, 790, "Ada Example")  # type: ignore[attr-defined]
    c.setFont("Helvetica", 10)  # type: ignore[attr-defined]
    # The right column is drawn first, line by line interleaved with the left column, so the
    # content order is not the reading order.
    left = ["Skills", "Python", "PyTorch", "Kubernetes", "SQL", "Docker", "Education", "MSc"]
    right = [
        "Experience",
        "Built a feature store with Python and Redis.",
        "Shipped a ranking model to production with PyTorch.",
        "Cut serving latency by 40% with ONNX Runtime.",
        "Led a team of four engineers across two sites.",
        "Ran the weekly reading group.",
    ]
    for i in range(max(len(left), len(right))):
        y = 740 - 16 * i
        if i < len(right):
            c.drawString(230, y, right[i])  # type: ignore[attr-defined]
        if i < len(left):
            c.drawString(50, y, left[i])  # type: ignore[attr-defined]


def test_pdfium_two_columns_read_left_then_right() -> None:
    doc = extract_text(_pdf(_two_columns), **LIMITS)
    text = doc.text
    assert text.index("Ada Example") < text.index("Skills")
    assert text.index("MSc") < text.index("Experience")  # whole left column first
    assert "Python\nPyTorch\nKubernetes" in text
    assert "Built a feature store with Python and Redis." in text
    assert any(w.code == "multi-column" for w in doc.warnings)
    cols = {ln.text: ln.column for ln in doc.lines}
    assert cols["Python"] == 1
    assert cols["Ran the weekly reading group."] == 2
    name = next(ln for ln in doc.lines if ln.text == "Ada Example")
    assert name.bold
    assert name.font_size == pytest.approx(20, abs=0.5)
    assert name.page == 1
    assert 30 < name.top < 52  # points from the top of the page (baseline at 52)


def test_pdfium_lines_locate_their_text() -> None:
    doc = extract_text(_pdf(_two_columns, pages=2), **LIMITS)
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
    doc = extract_text(_pdf(_hidden), **LIMITS)
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
    good = _pdf(_two_columns)
    with pytest.raises(CorruptDocumentError):
        extract_text(good[: len(good) // 3], **LIMITS)
    with pytest.raises(DocumentTooLargeError):
        extract_text(good, max_bytes=100, max_pages=10)
    with pytest.raises(DocumentTooLargeError):
        extract_text(_pdf(_two_columns, pages=3), max_bytes=5_000_000, max_pages=2)
    with pytest.raises(NoTextError):
        extract_text(_pdf(lambda c, _p: c.rect(50, 50, 200, 200, fill=1)), **LIMITS)

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(good)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(PdfEncryptedError):
        extract_text(out.getvalue(), **LIMITS)
