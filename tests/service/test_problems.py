"""The error table: every error class becomes problem+json with its stable type and status."""

from __future__ import annotations

from pathlib import Path

import anyio
import httpx
import pytest
from fastapi import FastAPI

from matcher.errors import MatcherError, ParseTimeoutError, error_classes
from service.app import create_app
from service.problems import (
    ForbiddenError,
    NotAuthenticatedError,
    NotReadyError,
    RateLimitedError,
    ServiceBusyError,
    ServiceError,
    problem_types,
    status_for,
)
from service.settings import Settings

EXPECTED_STATUS = {
    "matcher-error": 500,
    "input-invalid": 422,
    "empty-document": 422,
    "unsupported-type": 415,
    "document-too-large": 413,
    "parse-timeout": 422,
    "corrupt-document": 422,
    "pdf-encrypted": 422,
    "no-text": 422,
    "invalid-job-posting": 422,
    "unknown-role": 404,
    "worker-crashed": 500,
    "taxonomy-invalid": 500,
}
SECRET = "Avery Quillfeather, avery.quillfeather@example.org"


def get(app: FastAPI, path: str) -> httpx.Response:
    """One request to the app in process (the lifespan does not run: no workers start)."""

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)

    return anyio.run(call)


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    application = create_app(Settings(data_dir=tmp_path, dev_mode=True, log_json=True))
    by_code = {cls.code: cls for cls in error_classes()}
    services: dict[str, type[ServiceError]] = {
        cls.code: cls
        for cls in (
            NotAuthenticatedError,
            ForbiddenError,
            RateLimitedError,
            ServiceBusyError,
            NotReadyError,
        )
    }

    @application.get("/test/matcher/{code}")
    async def raise_matcher(code: str) -> None:
        raise by_code[code]()

    @application.get("/test/service/{code}")
    async def raise_service(code: str) -> None:
        raise services[code]()

    @application.get("/test/bug")
    async def bug() -> None:
        content = {"email": SECRET}
        raise KeyError(content["email"])

    return application


@pytest.mark.parametrize("cls", error_classes(), ids=lambda c: c.code)
def test_problems_every_matcher_error_has_its_status_and_type(
    app: FastAPI, cls: type[MatcherError]
) -> None:
    response = get(app, f"/test/matcher/{cls.code}")
    assert response.status_code == EXPECTED_STATUS[cls.code] == status_for(cls)
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"/problems/{cls.code}"
    assert body["code"] == cls.code
    assert body["title"] == cls.title
    assert body["detail"] == cls.default_message
    assert body["instance"] == f"urn:uuid:{response.headers['x-request-id']}"


@pytest.mark.parametrize(
    ("code", "status", "header"),
    [
        ("unauthenticated", 401, "www-authenticate"),
        ("forbidden", 403, None),
        ("rate-limited", 429, None),
        ("service-busy", 503, "retry-after"),
        ("not-ready", 503, "retry-after"),
    ],
)
def test_problems_service_errors(app: FastAPI, code: str, status: int, header: str | None) -> None:
    response = get(app, f"/test/service/{code}")
    assert response.status_code == status
    assert response.json()["type"] == f"/problems/{code}"
    if header:
        assert response.headers[header]


def test_problems_unexpected_error_is_a_500_without_trace_or_content(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    response = get(app, "/test/bug")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal-error"
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    assert "KeyError" not in response.text
    assert "Quillfeather" not in response.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "raise KeyError" in logged  # the traceback is in the log...
    assert "Quillfeather" not in logged  # ...without the exception's message


def test_problems_subclass_inherits_parent_status() -> None:
    class SlowerTimeout(ParseTimeoutError):
        code = "slower-timeout"

    assert status_for(SlowerTimeout) == 422
    assert status_for(SlowerTimeout()) == 422


def test_problems_table_has_unique_codes_and_types() -> None:
    rows = problem_types()
    codes = [r.code for r in rows]
    assert len(codes) == len(set(codes))
    assert {"validation-error", "internal-error", "not-found", "service-busy"} <= set(codes)
    assert all(r.type == f"/problems/{r.code}" for r in rows)


def test_problems_type_uri_resolves_to_its_documentation(app: FastAPI) -> None:
    page = get(app, "/problems/pdf-encrypted")
    assert page.status_code == 200
    assert page.json()["status"] == 422
    assert get(app, "/problems/not-a-code").json()["code"] == "not-found"


def test_problems_docs_table_lists_every_code_and_setting() -> None:
    folder = Path(__file__).resolve().parents[2] / "docs"
    docs = (folder / "service.md").read_text()
    jobboard = (folder / "jobboard.md").read_text()
    defined_in_tests = {c.code for c in error_classes() if c.__module__.startswith("tests.")}
    for row in problem_types():
        if row.code in defined_in_tests:
            continue
        assert f"| {row.status} | `{row.code}` |" in docs, row.code
    for name in Settings.model_fields:  # the job board's own in its page
        assert f"`ROLEFIT_{name.upper()}`" in docs + jobboard, name


def test_readyz_is_503_until_taxonomy_and_workers_are_ready(app: FastAPI) -> None:
    services = app.state.services
    starting = get(app, "/readyz")
    assert starting.status_code == 503
    assert starting.json()["status"] == "starting"
    services.failure = "The workers could not build the matching pipeline."
    assert get(app, "/readyz").json()["status"] == "failed"
    services.failure = None

    class _Taxonomy:
        version = "tax-000000000000"

    services.taxonomy = _Taxonomy()
    services.ready = True
    ready = get(app, "/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "taxonomy_version": "tax-000000000000",
        "workers": services.settings.workers,
        "workers_ready": True,
        "detail": None,
    }


def test_match_before_the_workers_are_ready_is_503_not_ready(app: FastAPI) -> None:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/v1/match", json={"resume_text": "Python"})

    response = anyio.run(call)
    assert response.status_code == 503
    assert response.json()["code"] == "not-ready"
    assert response.headers["retry-after"]
