"""Webhook endpoints and deliveries through the real server (SQLite and PostgreSQL), received by
a local HTTP receiver that verifies every Standard Webhooks signature itself."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from service.jobboard.webhooks import WebhookVerificationError, verify
from tests.jobboard.helpers import assert_problem, unique, wait_until
from tests.jobboard.live import SETTINGS, ApiServer
from tests.jobboard.local_http import LocalHttp, verify_signature
from tests.jobboard.test_api_jobs import DESCRIPTION

pytestmark = pytest.mark.slow


@contextmanager
def hook(
    client: httpx.Client,
    local: LocalHttp,
    event_types: list[str] | None = None,
    statuses: list[int] | None = None,
) -> Iterator[tuple[dict[str, Any], str]]:
    """A registered endpoint on the local receiver (deleted afterwards) and its hook name."""
    name = unique("hook")
    response = client.post(
        "/v1/webhook-endpoints",
        json={"url": f"{local.url}/hooks/{name}", "event_types": event_types or []},
    )
    assert response.status_code == 201, response.text
    endpoint = response.json()
    local.hook(name, endpoint["secret"], statuses)
    try:
        yield endpoint, name
    finally:
        client.delete(f"/v1/webhook-endpoints/{endpoint['id']}")


def post_job(client: httpx.Client, ident: str | None = None) -> dict[str, Any]:
    body = {
        "title": "Data Engineer",
        "description": DESCRIPTION,
        "external_id": ident or unique("j"),
    }
    response = client.post("/v1/jobs", json=body)
    assert response.status_code in (200, 201), response.text
    job: dict[str, Any] = response.json()
    return job


def event(client: httpx.Client, event_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/events/{event_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def settled(client: httpx.Client, event_id: str, endpoint_id: str) -> dict[str, Any]:
    """The event's delivery to an endpoint once it is no longer pending."""

    def check() -> dict[str, Any] | None:
        for delivery in event(client, event_id)["deliveries"]:
            if delivery["endpoint_id"] == endpoint_id and delivery["status"] != "pending":
                return dict(delivery)
        return None

    return wait_until(check, timeout=30)


def test_webhooks_endpoint_lifecycle_and_secret_shown_once(
    api: ApiServer, local: LocalHttp
) -> None:
    with api.client() as client:
        created = client.post(
            "/v1/webhook-endpoints",
            json={
                "url": f"{local.url}/hooks/lifecycle",
                "event_types": ["batch.completed", "application.scored", "batch.completed"],
                "description": "ATS",
            },
        )
        assert created.status_code == 201, created.text
        endpoint = created.json()
        listed = client.get("/v1/webhook-endpoints").json()["items"]
        one = client.get(f"/v1/webhook-endpoints/{endpoint['id']}")
        rotated = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
        deleted = client.delete(f"/v1/webhook-endpoints/{endpoint['id']}")
        gone = client.get(f"/v1/webhook-endpoints/{endpoint['id']}")
        gone_delete = client.delete(f"/v1/webhook-endpoints/{endpoint['id']}")
        gone_rotate = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["event_types"] == ["application.scored", "batch.completed"]
    assert endpoint["description"] == "ATS"
    assert endpoint["id"] in [e["id"] for e in listed]
    assert all("secret" not in e for e in listed), "the secret is shown once"
    assert one.status_code == 200
    assert "secret" not in one.json()
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != endpoint["secret"]
    assert deleted.status_code == 204
    for response in (gone, gone_delete, gone_rotate):
        assert_problem(response, 404, "not-found")


def test_webhooks_bad_endpoints_are_problems(api: ApiServer) -> None:
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"url": "ftp://127.0.0.1/hook"}, 422, "url-refused"),
        ({"url": "file:///etc/passwd"}, 422, "url-refused"),
        ({"url": "http://user:pw@127.0.0.1/h"}, 422, "url-refused"),
        ({"url": "http://127.0.0.1/h", "event_types": ["match.done"]}, 422, "validation-error"),
        ({"url": "http://127.0.0.1/h", "event_types": ["webhook.test"]}, 422, "validation-error"),
        ({"url": "http://127.0.0.1/h", "secret": "mine"}, 422, "validation-error"),
        ({"url": "short"}, 422, "validation-error"),
        ({}, 422, "validation-error"),
    ]
    with api.client() as client:
        for body, status, code in cases:
            assert_problem(client.post("/v1/webhook-endpoints", json=body), status, code)
    with api.client("read") as reader:
        assert_problem(
            reader.post("/v1/webhook-endpoints", json={"url": "http://127.0.0.1/h"}),
            403,
            "forbidden",
        )


def test_webhooks_signed_deliveries_of_subscribed_types_only(
    api: ApiServer, local: LocalHttp
) -> None:
    with api.client() as client, hook(client, local, ["job.updated"]) as (endpoint, name):
        job = post_job(client)
        got = local.wait_for(
            name, lambda d: any(x.payload["data"]["job_id"] == job["id"] for x in d)
        )
        client.delete(f"/v1/jobs/{job['id']}")
        got = local.wait_for(name, lambda d: len(d) >= 2)
        events = client.get("/v1/events", params={"type": "job.updated", "limit": 50}).json()
        delivery = settled(client, got[0].id, endpoint["id"])
    assert all(d.verified and d.status == 200 for d in got)
    assert {d.payload["type"] for d in got} == {"job.updated"}
    first = got[0]
    assert first.payload["id"] == first.id, "the body's id is the webhook-id"
    assert first.id.startswith("msg_")
    assert first.headers["content-type"] == "application/json"
    assert first.payload["data"] == {
        "job_id": job["id"],
        "external_id": job["external_id"],
        "action": "created",
        "title": "Data Engineer",
    }
    assert [d.payload["data"]["action"] for d in got] == ["created", "deleted"]
    assert verify(endpoint["secret"], first.headers, first.body)["id"] == first.id
    assert first.id in {e["id"] for e in events["items"]}
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 1
    assert delivery["attempt_log"][0]["status_code"] == 200


def test_webhooks_receiver_rejects_a_tampered_body(api: ApiServer, local: LocalHttp) -> None:
    with api.client() as client, hook(client, local, ["job.updated"]) as (endpoint, name):
        post_job(client)
        [real] = local.wait_for(name, lambda d: len(d) >= 1)[:1]
        tampered = real.body.replace(b'"created"', b'"deleted"')
        assert tampered != real.body
        forged = httpx.post(f"{local.url}/hooks/{name}", content=tampered, headers=real.headers)
        replayed = httpx.post(f"{local.url}/hooks/{name}", content=real.body, headers=real.headers)
    assert real.verified
    assert forged.status_code == 400, "the receiver refuses a body that does not match"
    assert replayed.status_code == 200
    assert not verify_signature(endpoint["secret"], real.headers, tampered)
    with pytest.raises(WebhookVerificationError):
        verify(endpoint["secret"], real.headers, tampered)
    other_secret = client_secret = endpoint["secret"][:-4] + "AAA="
    assert other_secret != endpoint["secret"]
    assert not verify_signature(client_secret, real.headers, real.body)


def test_webhooks_retries_with_backoff_under_the_same_id(api: ApiServer, local: LocalHttp) -> None:
    base = float(str(SETTINGS["webhook_backoff_seconds"]))
    statuses = [500, 503, 502]
    with api.client() as client, hook(client, local, ["job.updated"], statuses) as (ep, name):
        post_job(client)
        got = local.wait_for(name, lambda d: any(x.status == 200 for x in d), timeout=60)
        settled(client, got[0].id, ep["id"])
        log = event(client, got[0].id)
    assert [d.status for d in got] == [500, 503, 502, 200]
    assert len({d.id for d in got}) == 1, "every attempt carries the same webhook-id"
    assert all(d.verified for d in got)
    [delivery] = log["deliveries"]
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 4
    attempts = delivery["attempt_log"]
    assert [a["number"] for a in attempts] == [1, 2, 3, 4]
    assert [a["status_code"] for a in attempts] == [500, 503, 502, 200]
    assert [a["success"] for a in attempts] == [False, False, False, True]
    assert attempts[0]["error"] == "HTTP 500"
    starts = [dt.datetime.fromisoformat(a["started_at"]) for a in attempts]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    # exponential: at least half of base·2^(n-1) (jitter draws 50-100 % of the delay)
    for n, gap in enumerate(gaps, start=1):
        assert gap >= 0.5 * base * 2 ** (n - 1) - 0.05, gaps


def test_webhooks_give_up_after_the_last_attempt(api: ApiServer, local: LocalHttp) -> None:
    attempts = int(str(SETTINGS["webhook_max_attempts"]))
    with (
        api.client() as client,
        hook(client, local, ["job.updated"], [500] * 10) as (endpoint, name),
    ):
        post_job(client)
        got = local.wait_for(name, lambda d: len(d) >= attempts, timeout=60)

        def failed() -> dict[str, Any] | None:
            delivery = event(client, got[0].id)["deliveries"][0]
            return delivery if delivery["status"] == "failed" else None

        delivery = wait_until(failed, timeout=20)
        state = client.get(f"/v1/webhook-endpoints/{endpoint['id']}").json()
    assert delivery["attempts"] == attempts
    assert len(delivery["attempt_log"]) == attempts
    assert state["consecutive_failures"] == attempts
    assert state["disabled_at"] is None
    assert len(local.deliveries(name)) == attempts, "no attempt after the last"


def test_webhooks_gone_disables_holds_events_and_enable_sends_them_with_the_new_secret(
    api: ApiServer, local: LocalHttp
) -> None:
    with (
        api.client() as client,
        hook(client, local, ["job.updated"], [410]) as (endpoint, name),
    ):
        post_job(client)
        local.wait_for(name, lambda d: len(d) >= 1)

        def disabled() -> dict[str, Any] | None:
            state = client.get(f"/v1/webhook-endpoints/{endpoint['id']}").json()
            return state if state["disabled_at"] else None

        state = wait_until(disabled, timeout=20)
        post_job(client)  # held while disabled, not dropped
        rotated = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret").json()
        local.hook(name, rotated["secret"])
        still = client.get(f"/v1/webhook-endpoints/{endpoint['id']}").json()
        ping = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        enabled = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/enable")
        got = local.wait_for(name, lambda d: len(d) >= 4)
        missing = client.post("/v1/webhook-endpoints/ep_nope/enable")
    assert "410" in state["disabled_reason"]
    assert still["disabled_at"] is not None, "rotating the secret does not enable"
    assert ping.status_code == 202
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["endpoint"]["disabled_at"] is None
    # the delivery that got 410, the posting made while disabled and the ping: all held
    assert enabled.json()["released"] == 3
    assert [d.payload["type"] for d in got] == [
        "job.updated",
        "job.updated",
        "job.updated",
        "webhook.test",
    ]
    assert got[1].id == got[0].id, "the 410 delivery is sent again under its own id"
    test_delivery = got[3]
    assert test_delivery.id == ping.json()["event_id"]
    assert test_delivery.verified, "signed with the new secret"
    assert not verify_signature(endpoint["secret"], test_delivery.headers, test_delivery.body)
    assert_problem(missing, 404, "not-found")


def test_webhooks_redeliver_sends_the_same_event_again(api: ApiServer, local: LocalHttp) -> None:
    with api.client() as client, hook(client, local, ["job.updated"]) as (endpoint, name):
        post_job(client)
        [first] = local.wait_for(name, lambda d: len(d) >= 1)
        again = client.post(f"/v1/events/{first.id}/redeliver")
        only = client.post(
            f"/v1/events/{first.id}/redeliver", params={"endpoint_id": endpoint["id"]}
        )
        got = local.wait_for(name, lambda d: len(d) >= 3)
        log = event(client, first.id)
        statuses = {d["status"] for d in log["deliveries"] if d["endpoint_id"] == endpoint["id"]}
        missing = client.post("/v1/events/msg_nope/redeliver")
        missing_get = client.get("/v1/events/msg_nope")
    assert again.status_code == 202
    assert again.json() == {"event_id": first.id, "deliveries": 1}
    assert only.json() == {"event_id": first.id, "deliveries": 1}
    assert {d.id for d in got} == {first.id}, "redelivered under its own id"
    assert {d.body for d in got} == {first.body}
    assert all(d.verified for d in got)
    assert len([d for d in log["deliveries"] if d["endpoint_id"] == endpoint["id"]]) == 3
    assert statuses <= {"pending", "delivered"}
    assert_problem(missing, 404, "not-found")
    assert_problem(missing_get, 404, "not-found")


def test_webhooks_actions_honour_the_idempotency_key(api: ApiServer, local: LocalHttp) -> None:
    """A retried action (its answer was lost) with its Idempotency-Key does nothing twice: one
    ping, one redelivery, the secret of the first rotation (issue #17, as the docs say of
    every POST)."""
    with api.client() as client, hook(client, local, ["job.updated"]) as (endpoint, name):
        base = f"/v1/webhook-endpoints/{endpoint['id']}"

        def twice(path: str, **params: str) -> list[httpx.Response]:
            key = {"Idempotency-Key": unique("action")}
            return [client.post(path, headers=key, params=params) for _ in range(2)]

        answers = {"test": twice(f"{base}/test")}
        ping = answers["test"][0].json()["event_id"]
        answers["redeliver"] = twice(f"/v1/events/{ping}/redeliver", endpoint_id=endpoint["id"])
        got = local.wait_for(name, lambda d: len(d) >= 2)
        answers["rotate-secret"] = twice(f"{base}/rotate-secret")
        answers["enable"] = twice(f"{base}/enable")
        used = client.post(f"{base}/test", headers={"Idempotency-Key": unique("used")})
        elsewhere = client.post(
            f"/v1/events/{ping}/redeliver",
            headers={"Idempotency-Key": used.request.headers["idempotency-key"]},
        )
        time.sleep(0.5)  # a second ping or redelivery would arrive meanwhile
        log = event(client, ping)
        pings = client.get("/v1/events", params={"type": "webhook.test"}).json()["items"]
    for action, (first, again) in answers.items():
        assert first.status_code in (200, 202), (action, first.text)
        assert "idempotent-replayed" not in first.headers, action
        assert again.headers.get("idempotent-replayed") == "true", (action, again.text)
        assert (again.status_code, again.json()) == (first.status_code, first.json()), action
    mine = [e["id"] for e in pings if e["data"]["endpoint_id"] == endpoint["id"]]
    assert mine == [used.json()["event_id"], ping], "one ping per key"
    assert len(log["deliveries"]) == 2, "the ping and one redelivery"
    assert [d.id for d in got] == [ping, ping]
    assert_problem(elsewhere, 422, "idempotency-key-reused")


def test_webhooks_events_list_pages_and_filters(api: ApiServer) -> None:
    with api.client() as client:
        for _ in range(3):
            post_job(client)
        seen: list[str] = []
        cursor = None
        for _ in range(3):
            params: dict[str, Any] = {"limit": 2, "type": "job.updated"}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/v1/events", params=params).json()
            seen += [e["id"] for e in page["items"]]
            assert {e["type"] for e in page["items"]} == {"job.updated"}
            cursor = page["next_cursor"]
        bad = client.get("/v1/events", params={"cursor": "%%%"})
    assert len(seen) == len(set(seen)) == 6
    assert seen == sorted(seen, reverse=True), "newest first"
    assert_problem(bad, 422, "invalid-cursor")


def test_webhooks_application_scored_carries_ids_and_scores_only(
    api: ApiServer, local: LocalHttp
) -> None:
    from tests.documents import strong_pdf

    with (
        api.client() as client,
        hook(client, local, ["application.scored"]) as (_endpoint, name),
    ):
        job = post_job(client)
        candidate = unique("cand")
        response = client.post(
            f"/v1/jobs/{job['id']}/applications",
            files={"file": ("cv.pdf", strong_pdf())},
            data={"external_candidate_id": candidate},
        )
        assert response.status_code == 201, response.text
        [got] = local.wait_for(name, lambda d: len(d) >= 1)
    data = got.payload["data"]
    assert got.payload["type"] == "application.scored"
    assert data == {
        "application_id": response.json()["application"]["id"],
        "job_id": job["id"],
        "external_job_id": job["external_id"],
        "external_candidate_id": candidate,
        "score": response.json()["application"]["score"],
        "band": response.json()["application"]["band"],
        "taxonomy_version": job["taxonomy_version"],
        "method": response.json()["application"]["method"],
    }
    for word in (b"Avery", b"avery@", b"Airflow pipelines", b"University"):
        assert word not in got.body, "no resume content in a webhook"
