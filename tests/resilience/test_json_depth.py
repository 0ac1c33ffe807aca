"""Issue #17: JSON nested too deep is a typed problem wherever the service reads JSON, not only
in request bodies sent as JSON (``test_admission.py``): a posting pasted into ``/v1/match``'s
``job`` field, a feed given to ``POST /v1/jobs:import`` as a string, a JSON-LD posting file on
the ``/jobs`` page and a posting on the ``/`` page. Each was an uncaught RecursionError (a 500)
from a 2 KB body. The real server (SQLite)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from tests.documents import person_text
from tests.jobboard.live import ApiServer, start_server, stop_server

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]

# an object holding arrays nested 960 deep: 1.9 KB
DEEP = '{"a":' + "[" * 960 + "]" * 960 + "}"


@pytest.fixture(scope="module")
def depth_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    tmp = tmp_path_factory.mktemp("json-depth")
    server = start_server(tmp, f"sqlite:///{tmp / 'rolefit.db'}")
    try:
        yield server
    finally:
        stop_server(server)


def _problem(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"/problems/{code}"
    assert "nested deeper than 64 levels" in body["detail"]
    return str(body["detail"])


def test_a_deep_posting_in_the_match_form_is_a_problem(depth_api: ApiServer) -> None:
    assert len(DEEP) < 2000
    with depth_api.client() as client:
        response = client.post(
            "/v1/match",
            files={"file": ("resume.txt", person_text().encode(), "text/plain")},
            data={"job": DEEP},
        )
        healthy = client.get("/healthz")
    _problem(response, 422, "invalid-job-posting")
    assert healthy.status_code == 200


def test_a_deep_feed_given_as_a_string_is_a_problem(depth_api: ApiServer) -> None:
    with depth_api.client() as client:
        response = client.post("/v1/jobs:import", json={"format": "greenhouse", "feed": DEEP})
    _problem(response, 422, "feed-invalid")


def _signed_in(server: ApiServer) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=server.url, timeout=120)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/jobs/login").text)
    assert token
    login = {"csrf": (None, token[1]), "key": (None, server.keys["all"]), "next": (None, "/jobs")}
    assert client.post("/jobs/login", files=login).status_code == 303
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/jobs").text)
    assert token
    return client, token[1]


def test_a_deep_posting_file_on_the_pages_is_a_readable_page(depth_api: ApiServer) -> None:
    client, token = _signed_in(depth_api)
    with closing(client):
        posting = client.post(
            "/jobs",
            files={"csrf": (None, token), "file": ("posting.json", DEEP.encode(), "text/plain")},
        )
        resume = client.post(
            "/",
            files={"file": ("resume.txt", person_text().encode(), "text/plain")},
            data={"job": DEEP},
        )
    for page in (posting, resume):
        assert page.status_code == 422, page.text[:500]
        assert page.headers["content-type"].startswith("text/html")
        assert "nested deeper than 64 levels" in page.text
