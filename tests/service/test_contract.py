"""The contract says what the server enforces (issue #17), the parts schemathesis found, one by
one: ``Allow`` names every method of a path, the multipart limit is the documented one and a
typed problem, and the OpenAPI schema states the patterns, required parts, media types and
statuses the routes enforce. The real server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from service.jobboard.routes.applications import CANDIDATE_ID
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


def _operation(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = schema["paths"][path][method]
    return operation


def _multipart(operation: dict[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = operation["requestBody"]["content"]["multipart/form-data"]
    return content


def test_the_openapi_schema_states_what_the_routes_enforce(server: Server) -> None:
    schema = httpx.get(server.url + "/openapi.json").json()
    erase = _operation(schema, "delete", "/v1/candidates/{external_candidate_id}")
    assert erase["parameters"][0]["schema"]["pattern"] == CANDIDATE_ID.pattern
    batches = _operation(schema, "post", "/v1/batches")
    assert _multipart(batches)["schema"]["required"] == ["files"]
    assert {"415", "413"} <= batches["responses"].keys()
    assert "too-many-parts" in batches["responses"]["413"]["description"]
    for method, path, part in (
        ("post", "/v1/resumes:parse", "file"),
        ("post", "/v1/match", "file"),
        ("post", "/v1/jobs/{job_id}/applications", "file"),
        ("post", "/v1/batches", "files"),
    ):
        media = _multipart(_operation(schema, method, path))["encoding"][part]["contentType"]
        assert {"application/pdf", "image/png", "text/plain"} <= {
            m.strip() for m in media.split(",")
        }, path
    for path in ("/v1/jobs", "/v1/jobs/{job_id}/candidates", "/v1/events"):
        (cursor,) = [
            p for p in _operation(schema, "get", path)["parameters"] if p["name"] == "cursor"
        ]
        assert cursor["schema"]["pattern"].startswith("^"), path
    endpoint = schema["components"]["schemas"]["EndpointIn"]["properties"]["event_types"]
    assert "application.scored" in endpoint["items"]["enum"]


def test_the_documented_example_role_exists(server: Server) -> None:
    schema = httpx.get(server.url + "/openapi.json").json()
    example = _operation(schema, "get", "/v1/roles/{role_id}")["parameters"][0]["schema"]
    (role_id,) = example["examples"]
    with server.client() as client:
        assert client.get(f"/v1/roles/{role_id}").status_code == 200
