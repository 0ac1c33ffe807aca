"""Issue #17, first bullet: a receiver outage never drops an event.

The outage is simulated with short configured intervals (``webhook_disable_after_seconds``
of 3 s stands for the production 5 days; the backoff runs in tenths of a second), against the
real server on SQLite and PostgreSQL, with a local receiver that is down (503) then up.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.jobboard.live import ApiServer, start_server, stop_server
from tests.jobboard.test_api_jobs import DESCRIPTION
from tests.resilience.net import receiver

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]

OUTAGE = {
    "webhook_disable_after_seconds": 3,
    "webhook_backoff_seconds": 0.1,
    "webhook_backoff_max_seconds": 0.4,
    "webhook_retry_hours": 1,
    "webhook_max_attempts": 10_000,  # (the shared test settings cap it at 4)
    "webhook_timeout": 2,
    "outbox_poll_seconds": 0.1,
}


@pytest.fixture(scope="module")
def outage_api(
    fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiServer]:
    server = start_server(tmp_path_factory.mktemp("outage"), fresh_database(), **OUTAGE)
    try:
        yield server
    finally:
        stop_server(server)


def _post_job(client: httpx.Client, n: int) -> None:
    body = {"title": "Data Engineer", "description": DESCRIPTION, "external_id": f"job-{n}"}
    response = client.post("/v1/jobs", json=body)
    assert response.status_code == 201, response.text


def _events(client: httpx.Client, jobs: range) -> list[dict[str, Any]]:
    """The job.updated events of these postings, oldest first."""
    response = client.get("/v1/events", params={"type": "job.updated", "limit": 200})
    assert response.status_code == 200, response.text
    wanted = {f"job-{n}" for n in jobs}
    items = [e for e in response.json()["items"] if e["data"]["external_id"] in wanted]
    return sorted(items, key=lambda e: e["id"])  # ids sort by creation time


def _endpoint(client: httpx.Client, endpoint_id: str) -> dict[str, Any]:
    data: dict[str, Any] = client.get(f"/v1/webhook-endpoints/{endpoint_id}").json()
    return data


def test_a_receiver_outage_then_recovery_delivers_every_event_exactly_once(
    outage_api: ApiServer,
) -> None:
    with receiver() as hooks, outage_api.client() as client:
        created = client.post(
            "/v1/webhook-endpoints",
            json={"url": f"{hooks.url}/hooks/main", "event_types": ["job.updated"]},
        )
        assert created.status_code == 201, created.text
        endpoint_id = created.json()["id"]

        # a short outage (under the disable time): many failed attempts, never disabled
        hooks.set("main", "down")
        for n in range(4):
            _post_job(client, n)
        time.sleep(1.5)
        assert len(hooks.got("main", 503)) >= 8, "retried, in tenths of a second"
        assert _endpoint(client, endpoint_id)["disabled_at"] is None
        hooks.set("main", "up")
        hooks.wait("main", 4)

        # a long outage: disabled after failing continuously for the configured time
        hooks.set("main", "down")
        _post_job(client, 10)
        deadline = time.monotonic() + 20
        while _endpoint(client, endpoint_id)["disabled_at"] is None:
            assert time.monotonic() < deadline, "never disabled"
            time.sleep(0.2)
        for n in range(11, 16):  # created while disabled: held, not dropped
            _post_job(client, n)
        held = [
            d
            for e in _events(client, range(20))
            for d in client.get(f"/v1/events/{e['id']}").json()["deliveries"]
            if d["status"] == "held"
        ]
        assert len(held) == 6
        hooks.set("main", "up")
        time.sleep(0.5)
        assert len(hooks.got("main", 200)) == 4, "nothing is sent while disabled"
        enabled = client.post(f"/v1/webhook-endpoints/{endpoint_id}/enable")
        assert enabled.status_code == 200, enabled.text
        assert enabled.json()["released"] == 6
        accepted = hooks.wait("main", 10)
        time.sleep(0.5)  # any duplicate would arrive meanwhile
        events = _events(client, range(20))
        after = _endpoint(client, endpoint_id)

    ids = [e["id"] for e in events]
    assert len(ids) == 10
    per_id = Counter(r.webhook_id for r in hooks.got("main", 200))
    assert per_id == dict.fromkeys(ids, 1), "every event accepted exactly once"
    released = [r.webhook_id for r in accepted[4:]]
    assert released == ids[4:], "held deliveries are sent in order of creation"
    assert after["disabled_at"] is None
    assert after["failing_since"] is None


def test_a_slow_receiver_never_delays_another_endpoint(outage_api: ApiServer) -> None:
    """Endpoint "slow" holds every request 6 s (past the 2 s attempt deadline); endpoint
    "quick" still gets each event within a second of its creation."""
    with receiver() as hooks, outage_api.client() as client:
        hooks.set("slow", "slow:6")
        ids = {}
        for name in ("slow", "quick"):
            created = client.post(
                "/v1/webhook-endpoints",
                json={"url": f"{hooks.url}/hooks/{name}", "event_types": ["job.updated"]},
            )
            assert created.status_code == 201, created.text
            ids[name] = created.json()["id"]
        posted = []
        for n in range(3):
            _post_job(client, 100 + n)
            posted.append(time.monotonic())
        quick = hooks.wait("quick", 3, timeout=20)
        time.sleep(2.5)  # the slow endpoint's first attempt runs into its deadline
        log = [client.get(f"/v1/events/{e['id']}").json() for e in _events(client, range(100, 103))]
    lags = [r.at - t for r, t in zip(quick, posted, strict=True)]
    assert max(lags) < 1.0, lags
    slow_attempts = [
        a
        for event in log
        for d in event["deliveries"]
        if d["endpoint_id"] == ids["slow"]
        for a in d["attempt_log"]
    ]
    assert slow_attempts, "the slow endpoint was tried"
    for attempt in slow_attempts:
        assert attempt["error"] == "timed out"
        assert attempt["duration_ms"] < 3000, "one total deadline per attempt (2 s)"
