"""Shared bits of the job-board API tests: ids, problem checks, resumes, polling."""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.producers import Resume, make_pdf

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


def _resume(title: str, skills: str, bullets: list[str], who: str) -> Resume:
    return Resume(
        name=who,
        title=title,
        contact=f"{who.split()[0].lower()}@example.org · +1 555 0100 · Denver, CO",
        main=(
            ("Summary", (f"{title} with six years of experience.",)),
            ("Skills", (skills,)),
            ("Experience", ("Example Corp | 2019 – Present", *[f"• {b}" for b in bullets])),
            ("Education", ("BSc, University of Example, 2016",)),
        ),
    )


@functools.cache
def strong_pdf() -> bytes:
    """Every requirement of the sample Data Engineer posting, used in bullets (reportlab)."""
    return make_pdf(
        _resume(
            "Senior Data Engineer",
            "Python, SQL, PostgreSQL, Apache Airflow, Kubernetes, AWS, Docker",
            [
                "Built Apache Airflow pipelines in Python loading 2 TB a day into PostgreSQL.",
                "Wrote SQL models and data-quality checks; cut failed loads by 60%.",
                "Ran the pipelines on Kubernetes on AWS with Docker images.",
            ],
            "Avery Quill",
        ),
        producer="reportlab",
    )


@functools.cache
def medium_pdf() -> bytes:
    """Python and SQL only (fpdf2)."""
    return make_pdf(
        _resume(
            "Backend Developer",
            "Python, SQL, Django, Git",
            [
                "Built Django services in Python for 200k users.",
                "Tuned SQL queries for the reporting pages.",
            ],
            "Rowan Thistle",
        ),
        producer="fpdf2",
    )


@functools.cache
def weak_pdf() -> bytes:
    """Nothing the posting asks for (reportlab)."""
    return make_pdf(
        _resume(
            "Marketing Coordinator",
            "Excel, PowerPoint, copywriting, event planning",
            [
                "Planned 12 trade-show events a year.",
                "Wrote the monthly newsletter read by 30k customers.",
            ],
            "Morgan Ash",
        ),
        producer="reportlab",
    )
