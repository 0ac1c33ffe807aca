"""Truncated PDF uploads through the real server (issue #12): each answers within 2 s, and two
at once do not hold up a normal upload (they used to hold a worker for the whole time limit)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.parsing.truncated import TRUNCATIONS, resume_pdf, truncated
from tests.service.conftest import Server, start_server, stop_server


@pytest.fixture(scope="module")
def patient_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two workers and the default 30 s budget: a slow file would show as a long wait."""
    srv = start_server(
        tmp_path_factory.mktemp("truncated"), dev_mode=False, workers=2, queue_limit=8
    )
    try:
        srv.wait_ready()
        yield srv
    finally:
        stop_server(srv)


def _upload(server: Server, data: bytes, name: str = "cv.pdf") -> tuple[float, httpx.Response]:
    with server.client() as client:
        start = time.monotonic()
        response = client.post("/v1/resumes:parse", files={"file": (name, data, "application/pdf")})
        return time.monotonic() - start, response


def test_truncated_uploads_answer_within_two_seconds(patient_server: Server) -> None:
    for fraction in TRUNCATIONS:
        elapsed, response = _upload(patient_server, truncated(fraction))
        assert elapsed < 2.0, (fraction, elapsed)
        if response.status_code == 200:
            body = response.json()
            assert body["partial"] is True
            assert "partial-document" in {w["code"] for w in body["warnings"]}
        else:
            assert response.status_code == 422, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == "/problems/corrupt-document"


def test_two_truncated_uploads_do_not_delay_a_normal_one(patient_server: Server) -> None:
    normal = resume_pdf()
    baseline = min(_upload(patient_server, normal)[0] for _ in range(3))
    with ThreadPoolExecutor(3) as pool:
        bad = [pool.submit(_upload, patient_server, truncated(f)) for f in (0.5, 0.9)]
        good = pool.submit(_upload, patient_server, normal)
        elapsed, response = good.result(timeout=60)
        for future in bad:
            assert future.result(timeout=60)[1].status_code in (200, 422)
    assert response.status_code == 200, response.text
    assert response.json()["contact"]["email"] == "dana.whitfield@example.com"
    assert elapsed < baseline + 2.0, (elapsed, baseline)
