"""``/jobs`` in a real browser: sign in with a key, create a posting, upload three resumes as a
batch, watch the progress finish, see them ranked, erase one; a key without the jobs scopes is
refused. Production mode (keys required), the real server on 127.0.0.1, Debian's Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.documents import JOB_POSTING_TEXT, medium_pdf, strong_pdf, weak_pdf
from tests.service.conftest import Server
from tests.web.conftest import SCREENSHOTS

pytestmark = [pytest.mark.slow, pytest.mark.issue(13)]


def _sign_in(page: Any, server: Server, key: str, path: str = "/jobs") -> None:
    page.goto(server.url + path)
    assert "/jobs/login" in page.url
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()


def _tab_to(page: Any, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} cannot be reached with the Tab key")


def test_a_key_without_the_jobs_scopes_is_refused_in_the_browser(
    web_server: Server, page: Any
) -> None:
    _sign_in(page, web_server, web_server.keys["match"])
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "jobs:read" in alert.inner_text()
    # still on the login form: the posting list is not shown
    page.goto(web_server.url + "/jobs")
    assert "/jobs/login" in page.url
    cookies = {c["name"] for c in page.context.cookies()}
    assert "rolefit_session" not in cookies


def test_create_a_posting_upload_a_batch_see_the_ranking_and_erase_one(
    web_server: Server, page: Any, tmp_path: Path
) -> None:
    _sign_in(page, web_server, web_server.keys["all"])
    page.wait_for_url("**/jobs")
    session = next(c for c in page.context.cookies() if c["name"] == "rolefit_session")
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Strict"
    assert page.evaluate("() => document.cookie") == ""  # nothing readable by scripts

    # create a posting by pasting its text
    page.get_by_label("plain text").check()
    page.get_by_label("Posting (paste it here)").fill(JOB_POSTING_TEXT)
    page.get_by_role("button", name="Create posting").click()
    page.locator("h1", has_text="Data Engineer").wait_for()
    required = page.locator("#required").inner_text()
    for skill in ("Python", "SQL", "Apache Airflow"):
        assert skill in required
    assert "Kubernetes" in page.locator("#preferred").inner_text()
    job_url = page.url
    assert "No candidates yet" in page.content()

    # three resumes as one batch; the page follows the progress by itself
    files = []
    for name, data in (("avery", strong_pdf()), ("rowan", medium_pdf()), ("morgan", weak_pdf())):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        files.append(str(path))
    page.get_by_label(
        "Resumes (PDF, DOCX, text or PNG/JPEG scans), or a zip of them"
    ).set_input_files(files)
    page.get_by_role("button", name="Score these resumes").click()
    page.locator("#batch").wait_for()
    assert page.locator("#batch-total").inner_text() == "3"
    assert page.locator("#batch-progress").count() == 1
    page.locator("#batch-state", has_text="completed").wait_for(timeout=180_000)
    assert page.locator("#batch-done").inner_text() == "3"

    # ranked best first, each score as a bar and as text
    rows = page.locator("#candidates tr.candidate")
    assert rows.count() == 3
    order = [rows.nth(i).get_attribute("data-candidate") for i in range(3)]
    assert order[0] == "avery"
    assert order[-1] == "morgan"
    scores = [int(rows.nth(i).locator(".score-text strong").inner_text()) for i in range(3)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]
    bar = rows.first.locator("svg.meter")
    assert "of 100" in (bar.get_attribute("aria-label") or "")
    assert "fit" in rows.first.locator(".score-text").inner_text()  # the band in words
    fill = float(bar.locator(".meter-fill").get_attribute("width") or 0)
    assert fill > float(rows.last.locator(".meter-fill").get_attribute("width") or 0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "jobs-candidates.png"), full_page=True)

    # erase the middle one, with the keyboard alone, after a confirmation page
    middle = order[1]
    index = order.index(middle) + 1
    _tab_to(page, f"erase-{index}")
    page.keyboard.press("Enter")
    page.locator("h1", has_text=f"Erase candidate {middle}?").wait_for()
    _tab_to(page, "confirm-erase")
    page.keyboard.press("Enter")
    page.locator("#erased").wait_for()
    assert middle in page.locator("#erased").inner_text()
    assert page.url.startswith(job_url)
    remaining = page.locator("#candidates tr.candidate")
    assert remaining.count() == 2
    assert middle not in [remaining.nth(i).get_attribute("data-candidate") for i in range(2)]
    # the API sees the same erasure
    api = web_server.client().get(f"/v1/jobs/{job_url.rsplit('/', 1)[-1]}/candidates").json()
    assert middle not in [c["external_candidate_id"] for c in api["items"]]
    assert "Traceback" not in page.content()


def test_an_unknown_posting_is_a_readable_page(web_server: Server, page: Any) -> None:
    _sign_in(page, web_server, web_server.keys["all"], "/jobs/job_nope")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "No job with id" in alert.inner_text()
    assert "Traceback" not in page.content()


def test_the_postings_list_screenshot(web_server: Server, page: Any) -> None:
    _sign_in(page, web_server, web_server.keys["all"])
    page.wait_for_url("**/jobs")
    assert page.get_by_role("group", name="The pasted posting is").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "jobs-list.png"))
