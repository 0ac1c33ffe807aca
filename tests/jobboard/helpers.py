"""Shared bits of the job-board API tests: ids, problem checks, polling (the resumes are in
``tests/documents.py``)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

T = TypeVar("T")

FEEDS = Path(__file__).resolve().parent / "feeds"
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code", "request_id"}


def unique(prefix: str) -> str:
    """An id no other test uses (the servers are shared by every test of a session)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """An RFC 9457 problem with the stable type of ``code``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json", response.text
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["type"] == f"/problems/{code}", body
    assert body["code"] == code
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return body


def wait_until(check: Callable[[], T | None], timeout: float = 60.0, every: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout:g} s (last: {value!r})")
        time.sleep(every)


def feed(name: str) -> dict[str, Any] | list[Any]:
    data: dict[str, Any] | list[Any] = json.loads((FEEDS / name).read_text(encoding="utf-8"))
    return data
