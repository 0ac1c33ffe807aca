"""``/`` over plain HTTP (no browser): the form, and every expected failure as a readable page
with the API's status, in production mode without a key."""

from __future__ import annotations

import httpx
import pytest

from tests.service.conftest import Server

pytestmark = [pytest.mark.slow, pytest.mark.issue(13)]


def _error_of(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    assert 'role="alert"' in response.text
    return response.text


def _match_page(server: Server, resume: str, posting: str, **data: str) -> httpx.Response:
    """The form sent as a browser sends it: a text resume file and a pasted posting."""
    response = httpx.post(
        server.url + "/",
        files={"file": ("cv.txt", resume.encode()), "job": (None, posting)},
        data=data,
        timeout=120,
    )
    assert response.status_code == 200, response.text[:500]
    return response


def test_the_form_lists_the_top_level_roles(web_server: Server) -> None:
    page = httpx.get(web_server.url + "/", timeout=30)
    assert page.status_code == 200
    assert 'name="roles" value="data-scientist"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    accept = page.text.split('accept="', 1)[1].split('"', 1)[0].split(",")
    assert {".pdf", ".docx", ".png", ".jpg", "image/png", "image/jpeg"} <= set(accept)
    assert httpx.get(web_server.url + "/static/app.css", timeout=30).status_code == 200


def test_an_oversized_upload_is_refused_with_the_form(web_server: Server) -> None:
    big = b"Python " * (3 * 1024 * 1024 // 7)  # over the 2 MiB limit
    response = httpx.post(web_server.url + "/", files={"file": ("cv.txt", big)}, timeout=60)
    assert response.status_code == 413
    assert "Document too large" in _error_of(response)


def test_no_file_and_an_unknown_format(web_server: Server) -> None:
    none = httpx.post(web_server.url + "/", files={"job": (None, "x")}, timeout=60)
    assert none.status_code == 422
    assert "Choose a resume file" in _error_of(none)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = httpx.post(web_server.url + "/", files={"file": ("cv.png", png)}, timeout=60)
    assert response.status_code in (415, 422)
    assert "Error code" in _error_of(response)


def test_a_text_resume_against_a_pasted_posting(web_server: Server) -> None:
    resume = (
        "Jane Doe\nData Scientist\nSkills\nPython, SQL, pandas, scikit-learn, statistics\n"
        "Experience\nData Scientist at Example Corp 2019-2024\n"
        "- Built churn models in Python with scikit-learn and pandas; A/B tests with statistics\n"
    )
    posting = "Data Scientist\nRequired: Python, SQL, statistics, Tableau\nPreferred: Spark"
    response = _match_page(web_server, resume, posting, roles="data-scientist")
    assert "Job posting:" in response.text
    assert 'id="role-data-scientist"' in response.text
    assert "Tableau" in response.text  # a missing required skill of the posting


@pytest.mark.issue(15)
def test_a_tool_the_vocabulary_lacks_is_marked_as_such(web_server: Server) -> None:
    resume = (
        "Ravi Menon\nAI Engineer\nSkills\nAutomation: n8n, Zapier, Airflow\n"
        "Experience\nAI Engineer at Example Health 2021-2024\n"
        "- Built referral agents on n8n and Python\n"
    )
    posting = "AI Automation Engineer\nRequirements\n- n8n, Zapier, Python and REST APIs"
    response = _match_page(web_server, resume, posting)
    marks = response.text.count('<mark data-skill="unlisted:n8n" class="unlisted"')
    assert marks == 2  # the list item and the bullet that says it was used
    assert "title=\"Not in rolefit's vocabulary" in response.text
