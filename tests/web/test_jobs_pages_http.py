"""``/jobs`` over plain HTTP (no browser): outside dev mode the pages need a session from an
API key with the jobs scopes, every form needs its CSRF token, and failures are readable pages.
In dev mode the pages open without a key."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from tests.documents import (
    JOB_POSTING_JSONLD,
    JOB_POSTING_TEXT,
    make_text,
    person_resume,
    sample_resume,
)
from tests.service.conftest import Server, start_server, stop_server

pytestmark = [pytest.mark.slow, pytest.mark.issue(13)]

POSTING = json.dumps({**JOB_POSTING_JSONLD, "identifier": "page-batch-1"})
RESUMES = (sample_resume(), person_resume())


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the form has no CSRF token"
    return found.group(1)


def _error_of(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in response.text
    assert "Traceback" not in response.text
    return response.text


def _login(server: Server, key: str) -> tuple[httpx.Client, httpx.Response]:
    client = httpx.Client(base_url=server.url, timeout=120)
    form = client.get("/jobs/login")
    assert form.status_code == 200
    token = _csrf(form.text)
    answer = client.post(
        "/jobs/login", files={"csrf": (None, token), "key": (None, key), "next": (None, "/jobs")}
    )
    return client, answer


@pytest.fixture(scope="module")
def signed_in(web_server: Server) -> Iterator[httpx.Client]:
    client, answer = _login(web_server, web_server.keys["all"])
    assert answer.status_code == 303, answer.text[:500]
    with closing(client):
        yield client


def test_without_a_key_the_pages_send_to_the_login_form(web_server: Server) -> None:
    for path in ("/jobs", "/jobs/job_123", "/jobs/job_123/candidates/c-1/erase"):
        response = httpx.get(web_server.url + path, timeout=30)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/jobs/login?next=")
    progress = httpx.get(web_server.url + "/jobs/j/batches/b/progress", timeout=30)
    assert progress.status_code == 401
    # a form posted without a session changes nothing and is sent to the login form too
    before = web_server.client().get("/v1/jobs").json()["items"]
    posted = httpx.post(
        web_server.url + "/jobs",
        files={"posting": (None, JOB_POSTING_TEXT), "csrf": (None, "x" * 40)},
        timeout=30,
    )
    assert posted.status_code == 303
    assert posted.headers["location"].startswith("/jobs/login")
    assert web_server.client().get("/v1/jobs").json()["items"] == before


def test_a_key_without_the_jobs_scopes_is_refused(web_server: Server) -> None:
    client, answer = _login(web_server, web_server.keys["match"])
    with closing(client):
        assert answer.status_code == 403
        assert "jobs:read" in _error_of(answer)
        assert "rolefit_session" not in answer.headers.get("set-cookie", "")
        assert client.get("/jobs").status_code == 303  # still not signed in


def test_an_unknown_key_and_a_missing_key_are_readable_errors(web_server: Server) -> None:
    client, answer = _login(web_server, "rf_" + "x" * 43)
    with closing(client):
        assert answer.status_code == 401
        assert "unknown or has been revoked" in _error_of(answer)
    client, answer = _login(web_server, "  ")
    with closing(client):
        assert answer.status_code == 422
        assert "Enter an API key" in _error_of(answer)


def test_the_session_cookie_is_httponly_strict_and_never_the_key(web_server: Server) -> None:
    key = web_server.keys["all"]
    client, answer = _login(web_server, key)
    with closing(client):
        assert answer.status_code == 303
        assert answer.headers["location"] == "/jobs"
        cookie = next(
            c for c in answer.headers.get_list("set-cookie") if c.startswith("rolefit_session=")
        )
        flags = cookie.lower()
        assert "httponly" in flags
        assert "samesite=strict" in flags
        assert key not in cookie
        assert key[3:20] not in cookie
        page = client.get("/jobs")
        assert page.status_code == 200
        assert key not in page.text
        # a tampered cookie is no session
        value = client.cookies["rolefit_session"]
        client.cookies.set("rolefit_session", value[:-4] + "0000")
        assert client.get("/jobs").status_code == 303


def test_a_form_without_its_csrf_token_is_refused(
    web_server: Server, signed_in: httpx.Client
) -> None:
    before = web_server.client().get("/v1/jobs").json()["items"]
    missing = signed_in.post("/jobs", files={"posting": (None, JOB_POSTING_TEXT)})
    assert missing.status_code == 403
    assert "csrf-failed" in _error_of(missing)
    wrong = signed_in.post(
        "/jobs", files={"posting": (None, JOB_POSTING_TEXT), "csrf": (None, "y" * 43)}
    )
    assert wrong.status_code == 403
    # a urlencoded form (what a cross-site page can send without preflight) is refused too
    urlencoded = signed_in.post("/jobs", data={"posting": JOB_POSTING_TEXT})
    assert urlencoded.status_code == 403
    erase = signed_in.post("/jobs/job_x/candidates/someone/erase", files={"x": (None, "1")})
    assert erase.status_code == 403
    logout = signed_in.post("/jobs/logout", files={"x": (None, "1")})
    assert logout.status_code == 403
    assert web_server.client().get("/v1/jobs").json()["items"] == before


def test_create_a_posting_then_errors_are_pages(
    web_server: Server, signed_in: httpx.Client
) -> None:
    token = _csrf(signed_in.get("/jobs").text)
    created = signed_in.post(
        "/jobs",
        files={
            "csrf": (None, token),
            "format": (None, "text"),
            "posting": (None, JOB_POSTING_TEXT),
        },
    )
    assert created.status_code == 303, created.text[:500]
    job_id = created.headers["location"].rsplit("/", 1)[-1]
    page = signed_in.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert "Apache Airflow" in page.text
    # the API sees the same posting (one storage)
    assert web_server.client().get(f"/v1/jobs/{job_id}").json()["title"] == "Data Engineer"
    unknown = signed_in.get("/jobs/job_does_not_exist")
    assert unknown.status_code == 404
    assert "No job with id" in _error_of(unknown)
    bad_file = signed_in.post(
        "/jobs", files={"csrf": (None, token), "file": ("posting.exe", b"MZ\x90\x00binary")}
    )
    assert bad_file.status_code == 422
    assert "posting.exe" in _error_of(bad_file)
    bad_json = signed_in.post(
        "/jobs",
        files={"csrf": (None, token), "format": (None, "jsonld"), "posting": (None, "{oops")},
    )
    assert bad_json.status_code == 422
    assert "not valid JSON" in _error_of(bad_json)
    bad_resume = signed_in.post(
        f"/jobs/{job_id}/batches",
        files={"csrf": (None, token), "files": ("cv.exe", b"MZ\x90\x00")},
    )
    assert bad_resume.status_code == 422
    assert "send PDF, DOCX, text or PNG/JPEG resumes" in _error_of(bad_resume)
    nothing = signed_in.post(f"/jobs/{job_id}/batches", files={"csrf": (None, token)})
    assert nothing.status_code == 422
    assert "Choose at least one resume" in _error_of(nothing)


def test_a_batch_from_the_page_and_its_progress_as_json(
    web_server: Server, signed_in: httpx.Client
) -> None:
    token = _csrf(signed_in.get("/jobs").text)
    created = signed_in.post(
        "/jobs",
        files={"csrf": (None, token), "format": (None, "jsonld"), "posting": (None, POSTING)},
    )
    assert created.status_code == 303, created.text[:500]
    job_url = created.headers["location"]
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, resume in enumerate(RESUMES):  # a zip of applications, like the API takes
            archive.writestr(f"applications/cand-{i}.txt", make_text(resume))
    queued = signed_in.post(
        job_url + "/batches",
        files=[("csrf", (None, token)), ("files", ("applications.zip", packed.getvalue()))],
    )
    assert queued.status_code == 303, queued.text[:500]
    location = queued.headers["location"]
    assert "?batch=" in location
    batch_id = location.split("?batch=", 1)[1].split("#", 1)[0]
    progress_url = f"{job_url}/batches/{batch_id}/progress"
    deadline = time.monotonic() + 180
    progress: dict[str, object] = {}
    while time.monotonic() < deadline:
        progress = signed_in.get(progress_url).json()
        if progress["status"] == "completed":
            break
        time.sleep(0.5)
    assert progress["status"] == "completed", progress
    assert progress["total"] == 2
    assert progress["done"] == 2
    # the page without JavaScript shows the same state on a plain load
    page = signed_in.get(location.split("#", 1)[0])
    assert 'id="batch-state">completed<' in page.text
    assert page.text.count('class="candidate"') == 2
    # another posting's page does not show this batch; the progress of nothing is a 404
    assert signed_in.get(f"/jobs/job_none/batches/{batch_id}/progress").status_code == 404
    # the API reads the same batch
    api = web_server.client().get(f"/v1/batches/{batch_id}").json()
    assert api["status"] == "completed"


def test_an_oversized_batch_is_a_readable_page(signed_in: httpx.Client) -> None:
    big = b"Python " * (3 * 1024 * 1024 // 7)  # over the 2 MiB limit
    response = signed_in.post("/jobs/any/batches", files={"files": ("cv.txt", big)})
    assert response.status_code == 413
    assert "Upload too large" in _error_of(response)


def _key(server: Server, name: str, scopes: list[str]) -> tuple[str, str]:
    """A new key in the server's database: its id and the key itself."""
    from service.auth import create_key
    from service.db import make_engine, session_factory

    engine = make_engine(f"sqlite:///{server.data_dir / 'rolefit.db'}")
    try:
        row, secret = create_key(session_factory(engine), name=name, scopes=scopes)
    finally:
        engine.dispose()
    return row.id, secret


def test_a_read_only_key_sees_the_pages_but_cannot_change_anything(web_server: Server) -> None:
    _, key = _key(web_server, "reader", ["jobs:read"])
    client, answer = _login(web_server, key)
    with closing(client):
        assert answer.status_code == 303
        page = client.get("/jobs")
        assert page.status_code == 200
        assert 'id="create-form"' not in page.text
        token = _csrf(page.text)
        refused = client.post(
            "/jobs", files={"csrf": (None, token), "posting": (None, JOB_POSTING_TEXT)}
        )
        assert refused.status_code == 403
        assert "jobs:write" in _error_of(refused)
        erase = client.get("/jobs/job_x/candidates/someone/erase")
        assert erase.status_code == 403


def test_revoking_the_key_ends_its_sessions(web_server: Server) -> None:
    from service.auth import revoke_key
    from service.db import make_engine, session_factory

    key_id, key = _key(web_server, "revoked-soon", ["jobs:*"])
    client, answer = _login(web_server, key)
    with closing(client):
        assert answer.status_code == 303
        assert client.get("/jobs").status_code == 200
        engine = make_engine(f"sqlite:///{web_server.data_dir / 'rolefit.db'}")
        try:
            assert revoke_key(session_factory(engine), key_id)
        finally:
            engine.dispose()
        gone = client.get("/jobs")
        assert gone.status_code == 303
        assert gone.headers["location"].startswith("/jobs/login")


def test_logout_ends_the_session(web_server: Server) -> None:
    client, answer = _login(web_server, web_server.keys["all"])
    with closing(client):
        assert answer.status_code == 303
        token = _csrf(client.get("/jobs").text)
        out = client.post("/jobs/logout", files={"csrf": (None, token)})
        assert out.status_code == 303
        assert client.get("/jobs").status_code == 303


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("webdev"), dev_mode=True, workers=1)
    try:
        srv.wait_ready()
        yield srv
    finally:
        stop_server(srv)


def test_in_dev_mode_the_pages_need_no_key_but_forms_need_their_token(
    dev_server: Server,
) -> None:
    with httpx.Client(base_url=dev_server.url, timeout=120) as client:
        page = client.get("/jobs")
        assert page.status_code == 200
        assert "Dev mode" in page.text
        assert client.get("/jobs/login").status_code == 303
        refused = client.post("/jobs", files={"posting": (None, JOB_POSTING_TEXT)})
        assert refused.status_code == 403
        created = client.post(
            "/jobs",
            files={"csrf": (None, _csrf(page.text)), "posting": (None, JOB_POSTING_TEXT)},
        )
        assert created.status_code == 303, created.text[:500]
