"""A scanned resume over HTTP: ``POST /v1/match`` on the real server with an image-only PDF and a
PNG made by the tests (see ``tests/ocr``); each yields the skills and role of the PDF it was made
from, and the report says it was read by OCR. Needs Tesseract (skipped without it, failed in CI)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.documents import huge_png, make_pdf, sample_resume, scanned_image, scanned_pdf
from tests.ocr.conftest import require_tesseract
from tests.service.conftest import Server, start_server, stop_server
from tests.service.test_server import assert_problem

pytestmark = pytest.mark.slow

SKILLS = {"python", "pytorch", "scikit-learn", "kubernetes", "postgresql", "airflow"}


@pytest.fixture(scope="module")
def ocr_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A production-mode server whose time budget fits OCR (seconds per page; the shared
    test server's is 4 s, too short for a scan on a busy machine)."""
    require_tesseract()
    srv = start_server(
        tmp_path_factory.mktemp("ocr-server"),
        dev_mode=False,
        workers=1,
        parse_timeout=120,
        max_upload_bytes=2 * 1024 * 1024,
        max_pages=10,
    )
    try:
        srv.wait_ready()
        yield srv
    finally:
        stop_server(srv)


@pytest.mark.parametrize(
    ("filename", "ctype"), [("scan.pdf", "application/pdf"), ("scan.png", "image/png")]
)
def test_api_match_reads_a_scanned_resume_by_ocr(
    ocr_server: Server, filename: str, ctype: str
) -> None:
    source = make_pdf(sample_resume(), producer="reportlab", columns=2)
    data = scanned_pdf(source) if filename.endswith(".pdf") else scanned_image(source)
    with ocr_server.client() as client:
        response = client.post("/v1/match", files={"file": (filename, data, ctype)})
    assert response.status_code == 200, response.text
    report = response.json()
    assert {s["skill_id"] for s in report["skills"]} >= SKILLS
    assert report["verdict"]["role_id"] == "ml-engineer"
    assert report["format"] == ("pdf" if filename.endswith(".pdf") else "image")
    warning = next(w for w in report["warnings"] if w["code"] == "ocr")
    assert warning["pages"] == [1]


def test_api_match_refuses_a_pixel_bomb_png(ready_server: Server) -> None:

    with ready_server.client() as client:
        response = client.post("/v1/match", files={"file": ("big.png", huge_png(), "image/png")})
    assert_problem(response, 413, "document-too-large")
