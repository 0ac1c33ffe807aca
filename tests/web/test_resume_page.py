"""``/``: a person uploads a resume in a real browser and sees the verdict, the chart, the
evidence lines highlighted; a bad file gives a readable error; the keyboard alone is enough."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.documents import html_to_pdf, resume_html, sample_resume
from tests.service.conftest import Server
from tests.web.conftest import SCREENSHOTS

pytestmark = [pytest.mark.slow, pytest.mark.issue(13)]


@pytest.fixture(scope="module")
def chromium_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample resume printed to PDF by Chromium (a real producer)."""
    path = tmp_path_factory.mktemp("pdf") / "resume.pdf"
    path.write_bytes(html_to_pdf(resume_html(sample_resume())))
    return path


def _check_result(page: Any) -> None:
    verdict = page.locator("#verdict .verdict-line")
    verdict.wait_for()
    assert "Best fit" in verdict.inner_text() or "No role fits" in verdict.inner_text()
    bars = page.locator("#chart g.bar")
    assert bars.count() >= 5
    # every bar says its score and band in text, not only in colour
    assert "fit" in bars.first.locator("text.bar-value").text_content()
    assert page.locator(".lines mark").count() > 0
    assert "Traceback" not in page.content()


def test_upload_a_chromium_pdf_shows_verdict_chart_and_highlighted_line(
    web_server: Server, page: Any, chromium_pdf: Path
) -> None:
    page.goto(web_server.url + "/")
    page.get_by_label("Resume file (PDF, DOCX, text, or a PNG/JPEG scan)").set_input_files(
        str(chromium_pdf)
    )
    page.get_by_role("button", name="Check my resume").click()
    _check_result(page)
    assert "Machine Learning Engineer" in page.locator("#chart").text_content()
    skill = page.locator("a.skill[data-line]").first
    line_no = skill.get_attribute("data-line")
    skill.click()
    line = page.locator(f"#L{line_no}")
    assert "highlight" in (line.get_attribute("class") or "")
    assert page.evaluate("() => location.hash") == f"#L{line_no}"
    # the highlighted line is the one with the skill's surface marked
    assert line.locator("mark").count() >= 1
    background = line.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "resume-result.png"), full_page=False)
    # the JSON report downloads from the page (a data: link, nothing stored)
    with page.expect_download() as download:
        page.locator("#download").click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert '"roles"' in report


def test_a_corrupt_file_gives_a_readable_error(
    web_server: Server, page: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "resume.pdf"
    bad.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n\x00\x01\x02")
    page.goto(web_server.url + "/")
    page.get_by_label("Resume file (PDF, DOCX, text, or a PNG/JPEG scan)").set_input_files(str(bad))
    page.get_by_role("button", name="Check my resume").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "Corrupt document" in text
    assert "corrupt-document" in text
    assert "Traceback" not in page.content()
    assert 'File "' not in page.content()
    # the form is there again to try another file
    assert page.get_by_label("Resume file (PDF, DOCX, text, or a PNG/JPEG scan)").is_visible()


def _tab_to(page: Any, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} cannot be reached with the Tab key")


def test_keyboard_only_upload(web_server: Server, page: Any, chromium_pdf: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(web_server.url + "/")
    _tab_to(page, "file")
    # Space on the focused file input opens the chooser; under load Chromium now and then
    # drops the first key press of a fresh page (seen once in CI), so it is pressed again,
    # still from the keyboard only, up to three times
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    chooser.value.set_files(str(chromium_pdf))
    _tab_to(page, "submit")
    page.keyboard.press("Enter")
    _check_result(page)
    # a skill link is reachable and Enter highlights its line
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('skill')"):
            break
    else:
        pytest.fail("no skill link reachable with Tab")
    line_no = page.evaluate("() => document.activeElement.dataset.line")
    page.keyboard.press("Enter")
    assert "highlight" in (page.locator(f"#L{line_no}").get_attribute("class") or "")


def test_the_upload_form_screenshot(web_server: Server, page: Any) -> None:
    page.goto(web_server.url + "/")
    assert page.get_by_role("group", name="Roles to score").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "resume-upload.png"))
