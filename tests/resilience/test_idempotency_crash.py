"""Issue #17: an Idempotency-Key held by a request whose process was killed (kill -9) is free
again within seconds of the restart, and a re-serialised JSON posting under the same key is
the same request (parsed content compared, as documented). SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.jobboard.helpers import FEEDS
from tests.jobboard.live import kill_server, make_keys, start_server, stop_server
from tests.resilience.net import receiver

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]


def test_a_key_locked_by_a_killed_import_is_free_within_seconds_of_the_restart(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    keys = make_keys(url)
    settings = {"fetch_timeout": 40, "idempotency_lease_seconds": 3}
    with receiver() as feeds:
        feeds.feeds["gh"] = (FEEDS / "greenhouse.json").read_bytes()
        feeds.set("gh", "hang")
        body = {"url": f"{feeds.url}/feeds/gh", "format": "greenhouse"}
        headers = {"Idempotency-Key": "import-after-crash"}
        first = start_server(tmp_path / "a", url, keys, **settings)
        outcome: list[object] = []

        def send() -> None:
            try:
                with first.client() as client:
                    outcome.append(client.post("/v1/jobs:import", json=body, headers=headers))
            except httpx.TransportError as exc:
                outcome.append(exc)

        sender = threading.Thread(target=send)
        sender.start()
        deadline = time.monotonic() + 20
        while not feeds.got("gh"):  # the import is fetching its feed: the key is held
            assert time.monotonic() < deadline, "the import never started"
            time.sleep(0.05)
        kill_server(first)
        sender.join(10)
        assert outcome
        assert isinstance(outcome[0], httpx.TransportError)

        feeds.set("gh", "up")
        second = start_server(tmp_path / "b", url, keys, **settings)
        try:
            start = time.monotonic()
            with second.client() as client:
                while True:
                    # when the retry that proceeds was sent (the import itself then takes
                    # its own time, longer on a loaded machine)
                    took = time.monotonic() - start
                    retry = client.post("/v1/jobs:import", json=body, headers=headers)
                    if retry.status_code != 409 or time.monotonic() - start > 5:
                        break
                    time.sleep(0.25)
                replay = client.post("/v1/jobs:import", json=body, headers=headers)
        finally:
            stop_server(second)
    assert retry.status_code == 200, retry.text
    assert took < 5, took
    assert retry.json()["created"] > 0
    assert replay.headers.get("idempotent-replayed") == "true"
    assert replay.json() == retry.json()


def test_a_reserialised_json_posting_under_the_same_key_is_the_same_request(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    server = start_server(tmp_path, fresh_database())
    compact = (
        b'{"title":"Data Engineer","description":"We need Python, SQL and Airflow.",'
        b'"external_id":"idem-json-1"}'
    )
    spaced = (
        b'{\n  "external_id": "idem-json-1",\n  "description": "We need Python, SQL and '
        b'Airflow.",\n  "title": "Data \\u0045ngineer"\n}'
    )
    other = compact.replace(b"Airflow", b"Spark")
    try:
        with server.client() as client:
            key = {"Idempotency-Key": "json-reserialised", "content-type": "application/json"}
            first = client.post("/v1/jobs", content=compact, headers=key)
            again = client.post("/v1/jobs", content=spaced, headers=key)
            changed = client.post("/v1/jobs", content=other, headers=key)
    finally:
        stop_server(server)
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency-key-reused"
