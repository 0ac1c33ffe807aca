"""OCR of scanned resumes (issue #12 item 4): a scan made here from a real producer's PDF is read
by Tesseract through the shared layout engine, in the library, the CLI and a batch run, and
yields the same skills and role as the PDF it was made from.

The tests that run Tesseract skip on a machine without it (the message says how to install it)
and fail in CI (``ROLEFIT_TEST_STRICT=1``), which installs it. Bad images, pixel bombs and the
missing-Tesseract hint are checked without running Tesseract at all.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher import Matcher, MatchOptions, parse
from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    NoTextError,
    ParseTimeoutError,
)
from matcher.models import Document, MatchReport
from tests.documents import huge_png, person_pdf, sample_resume, scanned_pdf

SKILLS = {"python", "pytorch", "scikit-learn", "kubernetes", "postgresql", "airflow"}
EMAIL = "marta.kowalczyk@example.org"
ROLEFIT = Path(sys.executable).with_name("rolefit")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.default()


@pytest.fixture(scope="module")
def reference(matcher: Matcher, text_pdf: bytes) -> MatchReport:
    """What the resume's own PDF, with its text layer, is matched as."""
    return matcher.match(text_pdf)


def _skills(report: MatchReport) -> set[str]:
    return {s.skill_id for s in report.skills}


def _assert_read_by_ocr(doc: Document) -> None:
    visible = [ln for ln in doc.lines if not ln.hidden]
    assert visible
    assert {ln.source for ln in visible} == {"ocr"}
    assert all(ln.confidence is not None and 0.5 < ln.confidence <= 1.0 for ln in visible)
    warning = next(w for w in doc.warnings if w.code == "ocr")
    assert warning.pages == (1,)
    assert "OCR" in warning.message


# --------------------------------------------------------------------------- library


@pytest.mark.parametrize("kind", ["scan_pdf", "scan_png", "scan_jpeg"])
def test_ocr_scan_yields_the_skills_and_role_of_its_source(
    tesseract: None,
    matcher: Matcher,
    reference: MatchReport,
    kind: str,
    request: pytest.FixtureRequest,
) -> None:
    data: bytes = request.getfixturevalue(kind)
    report = matcher.match(data)
    assert _skills(report) >= SKILLS
    assert _skills(reference) >= SKILLS
    assert report.verdict is not None
    assert reference.verdict is not None
    assert reference.verdict.role_id == "ml-engineer"
    assert report.verdict.role_id == reference.verdict.role_id
    assert report.format == ("pdf" if kind == "scan_pdf" else "image")
    codes = {w.code for w in report.warnings}
    # the sidebar is found in the pixels as it is in the text layer: same layout engine
    assert {"ocr", "multi-column"} <= codes


def test_ocr_lines_are_marked_and_ordered_like_the_text_layer(
    tesseract: None, text_pdf: bytes, scan_pdf: bytes
) -> None:
    doc = parse(scan_pdf)
    _assert_read_by_ocr(doc)
    source = parse(text_pdf)
    assert {ln.source for ln in source.lines} == {"text"}
    assert all(ln.confidence is None for ln in source.lines)
    assert [s.kind for s in doc.sections] == [s.kind for s in source.sections]
    assert [s.heading for s in doc.sections] == [s.heading for s in source.sections]
    assert doc.contact.email == EMAIL
    # OCR words keep their place on the page: the lines sit where the text layer's lines do
    first = next(ln for ln in doc.lines if "Kowalczyk" in ln.text)
    same = next(ln for ln in source.lines if "Kowalczyk" in ln.text)
    assert abs(first.top - same.top) < 6
    assert abs(first.x0 - same.x0) < 6


def test_ocr_pages_are_found_by_either_pdf_engine(tesseract: None, scan_pdf: bytes) -> None:
    doc = parse(scan_pdf, options=MatchOptions(pdf_engine="pdfminer"))
    _assert_read_by_ocr(doc)
    assert doc.contact.email == EMAIL


def test_ocr_reads_only_the_scanned_page_of_a_mixed_pdf(tesseract: None) -> None:
    from pypdf import PdfReader, PdfWriter

    text = person_pdf("reportlab")  # two pages with a text layer
    scan = scanned_pdf(text)
    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(text)).pages[0])
    writer.add_page(PdfReader(io.BytesIO(scan)).pages[1])
    buf = io.BytesIO()
    writer.write(buf)
    doc = parse(buf.getvalue())
    assert doc.pages == 2
    assert {ln.source for ln in doc.lines if ln.page == 1} == {"text"}
    assert {ln.source for ln in doc.lines if ln.page == 2} == {"ocr"}
    assert next(w for w in doc.warnings if w.code == "ocr").pages == (2,)
    assert "image-only-page" not in {w.code for w in doc.warnings}
    assert "Experience" in [s.heading for s in doc.sections]  # page 2 starts with it


def test_ocr_respects_the_parse_deadline(tesseract: None, scan_png: bytes) -> None:
    # Tesseract is started with the time left and killed past it: a typed error, not a hang
    with pytest.raises(ParseTimeoutError):
        parse(scan_png, options=MatchOptions(parse_timeout=0.05))


# --------------------------------------------------------------------------- bad images


def test_ocr_garbage_png_is_a_corrupt_document() -> None:
    with pytest.raises(CorruptDocumentError) as info:
        parse(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    assert info.value.code == "corrupt-document"


def test_ocr_truncated_jpeg_is_a_corrupt_document(scan_jpeg: bytes) -> None:
    with pytest.raises(CorruptDocumentError):
        parse(scan_jpeg[: len(scan_jpeg) // 3])


@pytest.mark.parametrize(("width", "height"), [(9_000, 8_000), (100_000, 100_000)])
def test_ocr_pixel_bomb_is_refused_before_decoding(width: int, height: int) -> None:
    bomb = huge_png(width, height)
    assert len(bomb) < 200_000  # a few hundred KiB of file claiming tens of millions of pixels
    with pytest.raises(DocumentTooLargeError) as info:
        parse(bomb)
    assert info.value.code == "document-too-large"
    assert "pixel" in info.value.message


def test_ocr_missing_tesseract_keeps_no_text_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, text_pdf: bytes, scan_pdf: bytes, scan_png: bytes
) -> None:
    from matcher.read import image
    from matcher.read import pdf as pdf_reader

    monkeypatch.setattr(pdf_reader, "ocr_available", lambda: False)
    monkeypatch.setattr(image, "available", lambda: False)
    for data in (scan_pdf, scan_png):
        with pytest.raises(NoTextError) as info:
            parse(data)
        assert info.value.code == "no-text"
        assert "apt-get install tesseract-ocr" in info.value.message
    # a PDF with a text layer does not need it
    assert EMAIL in parse(text_pdf).text


# --------------------------------------------------------------------------- CLI and batch


def _rolefit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(ROLEFIT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_ocr_cli_match_and_parse_a_png_and_a_scanned_pdf(
    tesseract: None, tmp_path: Path, scan_png: bytes, scan_pdf: bytes
) -> None:
    png = tmp_path / "resume.png"
    png.write_bytes(scan_png)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(scan_pdf)
    result = _rolefit("match", png, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"]["role_id"] == "ml-engineer"
    assert {s["skill_id"] for s in report["skills"]} >= SKILLS
    assert report["format"] == "image"
    assert "ocr" in {w["code"] for w in report["warnings"]}
    parsed = _rolefit("parse", pdf)
    assert parsed.returncode == 0, parsed.stderr
    assert "ocr" in parsed.stdout
    assert EMAIL in parsed.stdout


@pytest.mark.slow
def test_ocr_batch_scores_png_and_jpeg_files(
    tesseract: None, tmp_path: Path, scan_png: bytes, scan_jpeg: bytes
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "marta.png").write_bytes(scan_png)
    (folder / "marta.jpg").write_bytes(scan_jpeg)
    (folder / "notes.txt").write_text(
        "\n".join(["Skills", ", ".join(sample_resume().section("Skills"))]), encoding="utf-8"
    )
    out = tmp_path / "results.jsonl"
    result = _rolefit("batch", folder, "--out", out, "--workers", "1")
    assert result.returncode == 0, result.stderr
    records = {r["path"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert {name: r["status"] for name, r in records.items()} == {
        "marta.png": "ok",
        "marta.jpg": "ok",
        "notes.txt": "ok",
    }
    for name in ("marta.png", "marta.jpg"):
        assert records[name]["format"] == "image"
