"""The job-board story end to end, on SQLite and on PostgreSQL: a Greenhouse feed imported from a
local HTTP server, applications ranked, signed webhooks verified by a local receiver, a batch
that survives a crash of the service, and an erased candidate of whom nothing is left."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from service.storage.models import Event
from tests import documents
from tests.documents import medium_pdf, strong_pdf, weak_pdf
from tests.jobboard.helpers import (
    unique,
    wait_until,
)
from tests.jobboard.live import ApiServer, kill_server, make_keys, start_server, stop_server
from tests.jobboard.local_http import LocalHttp, verify_signature
from tests.jobboard.test_api_webhooks import hook

pytestmark = pytest.mark.slow


def test_end_to_end_feed_applications_ranking_webhooks_erasure(
    api: ApiServer, local: LocalHttp
) -> None:
    candidates = {name: unique(name) for name in ("strong", "medium", "weak")}
    with (
        api.client() as client,
        hook(client, local, ["application.scored", "batch.completed"]) as (endpoint, name),
    ):
        imported = client.post(
            "/v1/jobs:import",
            json={"format": "greenhouse", "url": f"{local.url}/feeds/greenhouse.json"},
        )
        assert imported.status_code == 200, imported.text
        job = next(j for j in imported.json()["jobs"] if j["external_id"] == "4012345")
        for who, pdf in (("weak", weak_pdf()), ("strong", strong_pdf()), ("medium", medium_pdf())):
            response = client.post(
                f"/v1/jobs/{job['id']}/applications",
                files={"file": (f"{who}.pdf", pdf)},
                data={"external_candidate_id": candidates[who]},
            )
            assert response.status_code == 201, response.text
        ranking = client.get(f"/v1/jobs/{job['id']}/candidates").json()["items"]
        ours = [
            a["external_candidate_id"]
            for a in ranking
            if a["external_candidate_id"] in candidates.values()
        ]
        batch_ids = [unique("batch-a"), unique("batch-b")]
        batch = client.post(
            "/v1/batches",
            data={"job_id": job["id"], "external_candidate_ids": batch_ids},
            files=[("files", ("a.pdf", strong_pdf())), ("files", ("b.pdf", weak_pdf()))],
        )
        assert batch.status_code == 202, batch.text
        ours_done = batch.json()["id"]
        everything = local.wait_for(
            name,
            lambda d: any(x.payload["data"].get("batch_id") == ours_done for x in d),
            timeout=120,
        )
        # this test's events (the server is shared: other tests' batches may complete now)
        got = [
            d
            for d in everything
            if d.payload["data"].get("batch_id") == ours_done
            or d.payload["data"].get("job_id") == job["id"]
        ]
        erased = client.delete(f"/v1/candidates/{candidates['strong']}")
        after = client.get(f"/v1/jobs/{job['id']}/candidates").json()["items"]

    # the ranking: best candidate first
    assert ours == [candidates["strong"], candidates["medium"], candidates["weak"]]
    # every delivery verified by the receiver, application.scored before batch.completed
    assert all(d.verified and d.status == 200 for d in got)
    types = [d.payload["type"] for d in got]
    assert types.count("application.scored") == 5
    assert types[-1] == "batch.completed"
    completed = got[-1].payload["data"]
    assert completed == {
        "batch_id": batch.json()["id"],
        "job_id": job["id"],
        "total": 2,
        "done": 2,
        "failed": 0,
        "erased": 0,
    }
    scored = {d.payload["data"]["external_candidate_id"] for d in got[:-1]}
    assert scored == {*candidates.values(), *batch_ids}
    # a tampered body does not verify and the receiver refuses it
    real = got[0]
    tampered = real.body.replace(b'"score":', b'"score":1')
    assert not verify_signature(endpoint["secret"], real.headers, tampered)
    signed = {k: v for k, v in real.headers.items() if k.startswith("webhook-")}
    forged = httpx.post(f"{local.url}/hooks/{name}", content=tampered, headers=signed)
    assert forged.status_code == 400
    # erasure
    assert erased.status_code == 200
    assert erased.json()["erased"]["applications"] == 1
    assert candidates["strong"] not in [a["external_candidate_id"] for a in after]


def _items(client: httpx.Client, batch_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(f"/v1/batches/{batch_id}/results").json()["items"]
    return items


def test_end_to_end_batch_survives_a_crash_of_the_service(
    fresh_database: Callable[[], str], local: LocalHttp, tmp_path: Path
) -> None:
    """SIGKILL the service while it scores a batch, start it again as two processes sharing the
    database (as `uvicorn --workers 2` or two hosts would): the batch completes, every item is
    scored once, every event is delivered, and none under two ids."""
    db_url = fresh_database()
    keys = make_keys(db_url)
    # one batch runner; a dead process's batch items and deliveries are taken over quickly
    # a 3 s item lease, renewed every second while an item is worked on: the dead process's
    # item is taken over quickly, a live process's slow item never
    crashy = {"workers": 1, "batch_lease_seconds": 3, "parse_timeout": 120, "webhook_timeout": 1}
    first = start_server(tmp_path / "first", db_url, keys, **crashy)
    restarted: list[ApiServer] = []
    try:
        with first.client() as client:
            endpoint = client.post(
                "/v1/webhook-endpoints",
                json={
                    "url": f"{local.url}/hooks/crash-{Path(tmp_path).name}",
                    "event_types": ["application.scored", "batch.completed"],
                },
            ).json()
            name = f"crash-{Path(tmp_path).name}"
            local.hook(name, endpoint["secret"])
            job = client.post(
                "/v1/jobs", json={"title": "Data Engineer", "description": _posting()}
            ).json()
            text_resume = documents.person_text().encode()
            files = [
                ("files", ("c0.txt", text_resume)),
                ("files", ("c1.txt", text_resume)),
                ("files", ("c2.pdf", documents.slow_pdf(pages=4))),  # seconds of work
                ("files", ("c3.txt", text_resume)),
                ("files", ("c4.pdf", medium_pdf())),
            ]
            batch = client.post("/v1/batches", data={"job_id": job["id"]}, files=files).json()

            def mid_batch() -> bool:
                items = _items(client, batch["id"])
                return [i["status"] for i in items[:3]] == ["done", "done", "running"]

            wait_until(mid_batch, timeout=120, every=0.05)
        kill_server(first)  # in the middle of item 2; items 3 and 4 still pending
        starting = [
            threading.Thread(
                target=lambda n=n: restarted.append(
                    start_server(tmp_path / f"after-{n}", db_url, keys, **crashy)
                )
            )
            for n in range(2)
        ]
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join(180)
        assert len(restarted) == 2, "both processes started (migrating the database at once)"
        with restarted[1].client() as client:

            def finished() -> dict[str, Any] | None:
                body: dict[str, Any] = client.get(f"/v1/batches/{batch['id']}").json()
                return body if body["status"] == "completed" else None

            done = wait_until(finished, timeout=180, every=0.2)
            items = _items(client, batch["id"])
        got = local.wait_for(
            name, lambda d: any(x.payload["type"] == "batch.completed" for x in d), timeout=60
        )
        from service.db import make_engine

        engine = make_engine(db_url)
        try:

            def all_delivered() -> bool:
                with engine.connect() as conn:
                    left = conn.scalar(
                        text("SELECT count(*) FROM deliveries WHERE status != 'delivered'")
                    )
                return left == 0

            wait_until(all_delivered, timeout=60)
            got = local.deliveries(name)
            with engine.connect() as conn:
                events = conn.execute(select(Event.id, Event.type, Event.data)).all()
                attempts = conn.execute(
                    text("SELECT position, attempts FROM batch_items ORDER BY position")
                ).all()
        finally:
            engine.dispose()
    finally:
        if first.process.poll() is None:
            kill_server(first)
        for server in restarted:
            stop_server(server)

    assert (done["total"], done["done"] + done["failed"]) == (5, 5)
    assert [i["external_candidate_id"] for i in items] == ["c0", "c1", "c2", "c3", "c4"]
    assert all(i["status"] in ("done", "failed") for i in items)
    assert [i["status"] for i in items if i["position"] != 2] == ["done"] * 4
    # each item claimed once, but the one the crash interrupted (taken over after its lease,
    # and not again while the new process scores it for seconds: its lease is renewed)
    assert [a for p, a in attempts if p != 2] == [1, 1, 1, 1]
    assert dict(attempts)[2] in (1, 2)
    # exactly one event per scored candidate and one batch.completed, in the database...
    scored = [e for e in events if e.type == "application.scored"]
    per_candidate: dict[str, set[str]] = defaultdict(set)
    for e in scored:
        per_candidate[e.data["external_candidate_id"]].add(e.id)
    assert all(len(ids) == 1 for ids in per_candidate.values()), per_candidate
    assert len([e for e in events if e.type == "batch.completed"]) == 1
    # ... and each delivered (at least once, never under a second id)
    received: dict[str, set[str]] = defaultdict(set)
    for d in got:
        if d.payload["type"] == "application.scored":
            received[d.payload["data"]["external_candidate_id"]].add(d.id)
    assert received == per_candidate, "no event lost, none under two ids"
    assert sorted(received) == sorted(
        i["external_candidate_id"] for i in items if i["status"] == "done"
    )
    assert {d.id for d in got if d.payload["type"] == "batch.completed"} == {
        e.id for e in events if e.type == "batch.completed"
    }
    assert all(d.verified for d in got)


def _posting() -> str:
    from tests.jobboard.test_api_jobs import DESCRIPTION

    return DESCRIPTION
