"""The contract says what the server enforces (issue #17), the parts schemathesis found, one by
one: ``Allow`` names every method of a path, and the multipart limit is the documented one and a
typed problem. The real server."""

from __future__ import annotations

from typing import Any

import pytest

from service.uploads import MAX_PARTS
from tests.documents import person_text
from tests.service.conftest import Server

pytestmark = [pytest.mark.slow, pytest.mark.issue(17)]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/v1/jobs/job_01M923RKGYNN76AT2CMS0B5KG0", "DELETE, GET"),
        ("PUT", "/v1/jobs", "GET, POST"),
        ("OPTIONS", "/v1/webhook-endpoints/wh_01M923RKGYNN76AT2CMS0B5KG0", "DELETE, GET"),
        ("GET", "/v1/candidates/cand-1", "DELETE"),
        ("PATCH", "/healthz", "GET"),
    ],
)
def test_a_method_not_allowed_names_every_method_of_the_path(
    server: Server, method: str, path: str, allow: str
) -> None:
    with server.client() as client:
        response = client.request(method, path)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allow
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "method-not-allowed"
    assert allow.replace(", ", " or ") in response.json()["detail"]


def _match_form(roles: int) -> list[tuple[str, Any]]:
    resume = ("file", ("resume.txt", person_text().encode(), "text/plain"))
    return [resume, *[("roles", (None, "data-scientist")) for _ in range(roles)]]


def test_the_multipart_limit_is_the_documented_one_and_a_typed_problem(
    ready_server: Server,
) -> None:
    assert MAX_PARTS == 128
    with ready_server.client() as client:
        # the schema allows 100 roles, each a part of its own: 101 parts are taken
        most = client.post("/v1/match", files=_match_form(100))
        over = client.post("/v1/match", files=_match_form(MAX_PARTS))
    assert most.status_code == 200, most.text[:500]
    assert [r["role_id"] for r in most.json()["roles"]] == ["data-scientist"]
    assert over.status_code == 413, over.text[:500]
    assert over.headers["content-type"] == "application/problem+json"
    assert over.json()["code"] == "too-many-parts"
    assert f"more than {MAX_PARTS} parts" in over.json()["detail"]
