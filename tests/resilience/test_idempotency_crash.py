"""Issue #17: an Idempotency-Key held by a request whose process was killed (kill -9) is free
again within seconds of the restart, while a live request keeps it past its lease (even with
every worker thread busy), and a re-serialised JSON posting under the same key is the same
request (parsed content compared, as documented). SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import anyio
import anyio.to_thread
import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.jobboard.routes.common import _Heartbeat
from service.settings import Settings
from service.storage import idempotency
from tests.jobboard.helpers import FEEDS
from tests.jobboard.live import kill_server, make_keys, start_server, stop_server
from tests.resilience.net import receiver

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]

LEASE = float(Settings.model_fields["idempotency_lease_seconds"].default)  # as shipped: 6 s


def test_a_key_locked_by_a_killed_import_is_free_within_seconds_of_the_restart(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    keys = make_keys(url)
    settings = {"fetch_timeout": 40}  # and the default lease
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
        time.sleep(LEASE + 1)  # alive past its lease: the request renewed it
        with first.client() as client:
            during = client.post("/v1/jobs:import", json=body, headers=headers)
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
    assert during.status_code == 409, during.text
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


def test_a_live_request_keeps_its_key_while_every_worker_thread_is_busy(
    sessions: sessionmaker[Session],
) -> None:
    """The lease is renewed from its own thread: with anyio's 40 worker threads all busy (slow
    feed fetches, say) a queued renewal would let the key of a live request lapse, and a
    retry would run the request a second time."""
    lease = 0.6

    def begin() -> str | idempotency.Replay:
        return idempotency.begin(
            sessions,
            principal="key_1",
            key="busy-threads",
            method="POST",
            path="/v1/jobs:import",
            fingerprint="f",
            hours=1,
            lease_seconds=lease,
        )

    record = begin()
    assert isinstance(record, str)
    release = threading.Event()
    outcome: list[object] = []

    async def main() -> None:
        busy = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
        async with anyio.create_task_group() as tasks:
            for _ in range(busy):
                tasks.start_soon(partial(anyio.to_thread.run_sync, release.wait))
            try:
                services = cast(Any, SimpleNamespace(sessions=sessions))
                async with _Heartbeat(services, record, lease):
                    await anyio.sleep(lease * 4)
                    try:  # a retry, from another process
                        outcome.append(begin())
                    except idempotency.KeyInProgressError as exc:
                        outcome.append(exc)
            finally:
                release.set()

    anyio.run(main)
    assert len(outcome) == 1
    assert isinstance(outcome[0], idempotency.KeyInProgressError), "the lease lapsed"
