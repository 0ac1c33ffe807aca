"""The contract says what the server enforces (issue #17), the parts schemathesis found, one by
one: ``Allow`` names every method of a path. The real server."""

from __future__ import annotations

import pytest

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
