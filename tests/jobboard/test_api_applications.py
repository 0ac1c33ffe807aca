"""Applications through the real server (SQLite and PostgreSQL): real PDFs scored against a
posting and ranked, Idempotency-Key semantics, erasure of a candidate, retention, problems."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, inspect, select, text, update

from service.storage.models import Application, Event, IdempotencyRecord
from tests import documents
from tests.documents import medium_pdf, strong_pdf, weak_pdf
from tests.jobboard.helpers import (
    assert_problem,
    unique,
    wait_until,
)
from tests.jobboard.live import ApiServer
from tests.jobboard.test_api_jobs import DESCRIPTION

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(api: ApiServer) -> Any:
    """The server's own database, read directly to check what is (not) stored."""
    from service.db import make_engine

    eng = make_engine(api.db_url)
    yield eng
    eng.dispose()


def new_job(client: httpx.Client) -> dict[str, Any]:
    response = client.post(
        "/v1/jobs",
        json={"title": "Data Engineer", "description": DESCRIPTION, "external_id": unique("job")},
    )
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


def apply(
    client: httpx.Client,
    job_id: str,
    candidate: str,
    data: bytes,
    filename: str = "resume.pdf",
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    return client.post(
        f"/v1/jobs/{job_id}/applications",
        files={"file": (filename, data)},
        data={"external_candidate_id": candidate},
        headers=headers or {},
        params=params or {},
    )


def test_application_report_is_compact_unless_full_is_asked_for(api: ApiServer) -> None:
    with api.client() as client:
        job = new_job(client)["id"]
        candidate = unique("compact")
        compact = apply(client, job, candidate, documents.person_pdf("reportlab"))
        full = apply(
            client, job, candidate, documents.person_pdf("reportlab"), params={"detail": "full"}
        )
    assert compact.status_code == 201, compact.text
    assert full.status_code == 200, full.text  # the same candidate again: replaced
    small, big = compact.json()["report"], full.json()["report"]
    assert small["detail"] == "compact"
    assert big["detail"] == "full"
    assert small["job"]["score"] == big["job"]["score"]
    assert [m[0] for m in small["job"]["matched"]] == [m["skill_id"] for m in big["job"]["matched"]]
    assert all(isinstance(m, list) for m in small["job"]["matched"])  # [skill_id, ...]
    assert all(m["evidence"] for m in big["job"]["matched"])
    assert set(small["skill_names"]) >= {m["skill_id"] for m in big["job"]["missing"]}
    assert len(compact.content) < 40_000 < len(full.content)


def test_applications_real_pdfs_are_scored_and_ranked_best_first(
    api: ApiServer, engine: Engine
) -> None:
    with api.client() as client:
        job = new_job(client)
        ids = {name: unique(name) for name in ("weak", "strong", "medium", "docx")}
        results = {
            "weak": apply(client, job["id"], ids["weak"], weak_pdf()),
            "strong": apply(client, job["external_id"], ids["strong"], strong_pdf()),
            "medium": apply(client, job["id"], ids["medium"], medium_pdf()),
        }
        ranking = client.get(f"/v1/jobs/{job['id']}/candidates").json()
        other_job = new_job(client)["id"]
        docx = apply(client, other_job, ids["docx"], documents.person_docx(), filename="cv.docx")
    for name, response in results.items():
        assert response.status_code == 201, (name, response.text)
    strong = results["strong"].json()
    application, report = strong["application"], strong["report"]
    assert application["job_id"] == job["id"]
    assert application["external_candidate_id"] == ids["strong"]
    assert application["score"] == report["job"]["score"]
    assert application["band"] in ("strong", "good")
    assert {m["skill_id"] for m in application["matched"]} >= {"python", "sql", "airflow"}
    assert not {m["skill_id"] for m in application["missing"]} & {"python", "sql", "airflow"}
    assert application["method"] == report["method"]
    assert application["method"].startswith("distinctive-coverage.")
    assert application["taxonomy_version"] == job["taxonomy_version"]
    expires = dt.datetime.fromisoformat(application["expires_at"])
    created = dt.datetime.fromisoformat(application["created_at"])
    assert expires - created == dt.timedelta(days=30), "default retention"
    assert report["pages"] >= 1
    assert "email" in report["excluded_fields"]
    weak = results["weak"].json()["application"]
    assert {m["skill_id"] for m in weak["missing"]} >= {"python", "sql"}

    order = [a["external_candidate_id"] for a in ranking["items"]]
    assert order[0] == ids["strong"], "best candidate first"
    assert order[-1] == ids["weak"]
    assert order.index(ids["strong"]) < order.index(ids["medium"]) < order.index(ids["weak"])
    scores = [a["score"] for a in ranking["items"]]
    assert scores == sorted(scores, reverse=True)
    assert len(order) == 3, "never filtered by a cut-off"
    assert ranking["next_cursor"] is None
    assert docx.status_code == 201, docx.text
    assert docx.json()["application"]["score"] > weak["score"]
    # derived data only: no resume text, no contact fields, anywhere in the database
    with engine.connect() as conn:
        stored = conn.execute(
            select(Application).where(Application.external_candidate_id == ids["strong"])
        ).one()
        assert stored.resume_text is None
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                dump = repr(tuple(row))
                for contact in ("avery@example.org", "Avery Quill", "+1 555 0100"):
                    assert contact not in dump, (table, contact)


def test_applications_ranking_pages_and_reapplying(api: ApiServer) -> None:
    with api.client() as client:
        job = new_job(client)
        candidate = unique("again")
        first = apply(client, job["id"], candidate, weak_pdf())
        second = apply(client, job["id"], candidate, strong_pdf())
        for pdf in (medium_pdf(), weak_pdf(), medium_pdf()):
            assert apply(client, job["id"], unique("c"), pdf).status_code == 201
        pages: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            body = client.get(f"/v1/jobs/{job['id']}/candidates", params=params).json()
            pages += body["items"]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        bad = client.get(f"/v1/jobs/{job['id']}/candidates", params={"cursor": "WyJ4Il0"})
        missing = client.get("/v1/jobs/no-such-job/candidates")
    assert first.status_code == 201
    assert second.status_code == 200, "applying again replaces the result"
    assert second.json()["application"]["id"] == first.json()["application"]["id"]
    assert second.json()["application"]["score"] > first.json()["application"]["score"]
    assert len(pages) == 4
    assert len({a["id"] for a in pages}) == 4
    assert pages[0]["external_candidate_id"] == candidate
    assert [a["score"] for a in pages] == sorted((a["score"] for a in pages), reverse=True)
    assert_problem(bad, 422, "invalid-cursor")
    assert_problem(missing, 404, "not-found")


def test_applications_bad_input_is_a_problem(api: ApiServer) -> None:
    with api.client() as client:
        job = new_job(client)["id"]
        url = f"/v1/jobs/{job}/applications"
        cases: list[tuple[httpx.Response, int, str]] = [
            (apply(client, "no-such-job", "c-1", strong_pdf()), 404, "not-found"),
            (client.post(url, json={"external_candidate_id": "c-1"}), 415, "unsupported-type"),
            (client.post(url, data={"external_candidate_id": "c-1"}), 415, "unsupported-type"),
            (
                client.post(
                    url, data={"external_candidate_id": "c-1"}, files={"cv": ("a.pdf", b"%PDF")}
                ),
                422,
                "validation-error",
            ),
            (
                client.post(url, files={"file": ("r.pdf", strong_pdf())}),
                422,
                "validation-error",
            ),
            (apply(client, job, "", strong_pdf()), 422, "validation-error"),
            (apply(client, job, "has space", strong_pdf()), 422, "validation-error"),
            (apply(client, job, "x" * 201, strong_pdf()), 422, "validation-error"),
            (apply(client, job, "c-1", b""), 422, "empty-document"),
            (apply(client, job, "c-1", documents.gif_image(), "me.gif"), 415, "unsupported-type"),
            (apply(client, job, "c-1", documents.locked_pdf()), 422, "pdf-encrypted"),
            (apply(client, job, "c-1", documents.image_only_pdf()), 422, "no-text"),
            (
                apply(
                    client, job, "c-1", documents.truncated_pdf(documents.person_pdf("reportlab"))
                ),
                422,
                "corrupt-document",
            ),
            (
                apply(client, job, "c-1", b"%PDF-1.4\n" + b"x" * (5 * 1024 * 1024)),
                413,
                "document-too-large",
            ),
        ]
        ranking = client.get(f"/v1/jobs/{job}/candidates").json()
    for response, status, code in cases:
        assert_problem(response, status, code)
    assert ranking["items"] == [], "a failed application stores nothing"


def test_applications_idempotency_key_replays_refuses_reuse(api: ApiServer, engine: Engine) -> None:
    with api.client() as client:
        job = new_job(client)["id"]
        candidate = unique("idem")
        key = {"Idempotency-Key": unique("key")}
        first = apply(client, job, candidate, strong_pdf(), headers=key)
        replay = apply(client, job, candidate, strong_pdf(), headers=key)
        other_body = apply(client, job, candidate, weak_pdf(), headers=key)
        other_path = client.post(
            "/v1/jobs", json={"title": "a", "description": DESCRIPTION}, headers=key
        )
        fresh = apply(client, job, candidate, weak_pdf(), headers={"Idempotency-Key": unique("k")})
        empty = apply(client, job, candidate, strong_pdf(), headers={"Idempotency-Key": ""})
        long = apply(client, job, candidate, strong_pdf(), headers={"Idempotency-Key": "k" * 256})
    with api.client("write") as other_caller:  # keys are per API key
        own = apply(other_caller, job, candidate, strong_pdf(), headers=key)
    assert first.status_code == 201
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    assert "idempotent-replayed" not in first.headers
    assert_problem(other_body, 422, "idempotency-key-reused")
    assert_problem(other_path, 422, "idempotency-key-reused")
    assert fresh.status_code == 200
    assert_problem(empty, 422, "validation-error")
    assert_problem(long, 422, "validation-error")
    assert own.status_code == 200
    assert "idempotent-replayed" not in own.headers
    with engine.connect() as conn:
        scored = conn.scalar(
            select(text("count(*)"))
            .select_from(Event)
            .where(Event.type == "application.scored", Event.external_candidate_id == candidate)
        )
        record = conn.execute(
            select(IdempotencyRecord).where(IdempotencyRecord.key == key["Idempotency-Key"])
        ).all()
    # first, fresh and own scored it: the replay and the refused requests did not
    assert scored == 3
    assert len(record) == 2
    expiry = record[0].expires_at - record[0].created_at
    assert dt.timedelta(hours=23, minutes=59) < expiry <= dt.timedelta(hours=24)


def test_applications_idempotency_key_in_progress_is_409(api: ApiServer, engine: Engine) -> None:
    with api.client() as client:
        job = new_job(client)["id"]
    key = {"Idempotency-Key": unique("busy")}
    slow = documents.slow_pdf(pages=4)  # seconds of parsing, well within the 20 s budget
    first: list[httpx.Response] = []

    def run() -> None:
        with api.client() as c:
            first.append(apply(c, job, "slow-1", slow, headers=key))

    def claimed() -> bool:
        with engine.connect() as conn:
            status = conn.scalar(
                select(IdempotencyRecord.status).where(
                    IdempotencyRecord.key == key["Idempotency-Key"]
                )
            )
        return status == "running"

    thread = threading.Thread(target=run)
    thread.start()
    wait_until(claimed, timeout=30, every=0.02)
    with api.client() as client:
        during = apply(client, job, "slow-1", slow, headers=key)
    thread.join(60)
    assert_problem(during, 409, "idempotency-in-progress")
    with api.client() as client:
        after = apply(client, job, "slow-1", slow, headers=key)
    assert after.status_code == first[0].status_code
    assert after.content == first[0].content
    assert after.headers["idempotent-replayed"] == "true"


def test_applications_candidate_erasure_leaves_nothing(
    api: ApiServer, engine: Engine, local: Any
) -> None:
    candidate = unique("erase")
    keep = unique("keep")
    with api.client() as client:
        jobs = [new_job(client)["id"] for _ in range(2)]
        for job in jobs:
            assert apply(client, job, candidate, strong_pdf()).status_code == 201
            assert apply(client, job, keep, medium_pdf()).status_code == 201
        idem = apply(client, jobs[0], candidate, strong_pdf(), headers={"Idempotency-Key": keep})
        assert idem.status_code == 200
        batch = client.post(
            "/v1/batches",
            data={"job_id": jobs[1], "external_candidate_ids": [candidate, keep]},
            files=[("files", ("a.pdf", strong_pdf())), ("files", ("b.pdf", weak_pdf()))],
        )
        assert batch.status_code == 202, batch.text
        batch_id = batch.json()["id"]
        wait_until(lambda: client.get(f"/v1/batches/{batch_id}").json()["status"] == "completed")
        receipt = client.delete(f"/v1/candidates/{candidate}")
        again = client.delete(f"/v1/candidates/{candidate}")
        ranking = [client.get(f"/v1/jobs/{j}/candidates").json()["items"] for j in jobs]
        results = client.get(f"/v1/batches/{batch_id}/results").json()
        events = client.get("/v1/events", params={"limit": 200}).json()["items"]
        bad = client.delete("/v1/candidates/bad%20id")
    assert receipt.status_code == 200, receipt.text
    body = receipt.json()
    assert body["external_candidate_id"] == candidate
    assert body["receipt_id"].startswith("era_")
    # one application per job (the batch re-scored the second), 1 batch item, the 4
    # application.scored events (2 jobs, the keyed re-application, the batch) and the stored
    # idempotent response
    assert body["erased"] == {
        "applications": 2,
        "batch_items": 1,
        "events": 4,
        "idempotency_records": 1,
    }
    assert again.json()["erased"] == dict.fromkeys(body["erased"], 0)
    assert all(a["external_candidate_id"] == keep for items in ranking for a in items)
    assert [len(items) for items in ranking] == [1, 1]
    assert [i["external_candidate_id"] for i in results["items"]] == [keep]
    assert results["batch"]["total"] == 2
    assert_problem(bad, 422, "validation-error")
    erased_events = [e for e in events if e["type"] == "candidate.erased"]
    receipts = [e for e in erased_events if e["data"]["receipt_id"] == body["receipt_id"]]
    assert len(receipts) == 1
    assert not any(
        e["data"].get("external_candidate_id") == candidate
        for e in events
        if e["type"] != "candidate.erased"
    )
    # Nothing left in any table but the erasure receipt events themselves.
    leftovers: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                if candidate in repr(tuple(row)):
                    leftovers.setdefault(table, []).append(repr(tuple(row)))
        receipt_ids = set(
            conn.scalars(select(Event.id).where(Event.type == "candidate.erased")).all()
        )
    assert set(leftovers) <= {"events"}, leftovers
    assert all(any(r in row for r in receipt_ids) for row in leftovers.get("events", []))
    assert keep in str(ranking)


def test_applications_retention_purges_expired_applications(api: ApiServer, engine: Engine) -> None:
    with api.client() as client:
        job = new_job(client)["id"]
        old, current = unique("old"), unique("current")
        for who in (old, current):
            assert apply(client, job, who, medium_pdf()).status_code == 201
        with engine.begin() as conn:  # as if 31 days had passed for one of them
            conn.execute(
                update(Application)
                .where(Application.external_candidate_id == old)
                .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
            )

        def purged() -> list[str] | None:
            items = client.get(f"/v1/jobs/{job}/candidates").json()["items"]
            names = [a["external_candidate_id"] for a in items]
            return names if old not in names else None

        assert wait_until(purged, timeout=30) == [current], "the periodic purge ran"


def test_applications_concurrent_for_one_candidate_make_one_application(api: ApiServer) -> None:
    with api.client() as client:
        job = new_job(client)["id"]
    candidate = unique("race")
    barrier = threading.Barrier(4)
    responses: list[httpx.Response] = []

    def send() -> None:
        with api.client() as client:
            barrier.wait()
            responses.append(apply(client, job, candidate, medium_pdf()))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 200, 201], [r.text[:200] for r in responses]
    with api.client() as client:
        ranking = client.get(f"/v1/jobs/{job}/candidates").json()["items"]
    assert [a["external_candidate_id"] for a in ranking] == [candidate]


def test_applications_server_log_holds_no_resume_content(api: ApiServer) -> None:
    with api.client() as client:
        job = new_job(client)["id"]
        for pdf in (
            strong_pdf(),
            medium_pdf(),
            documents.truncated_pdf(documents.person_pdf("reportlab")),
        ):
            apply(client, job, unique("log"), pdf)
        batch = client.post(
            "/v1/batches",
            data={"job_id": job},
            files=[("files", ("x.pdf", strong_pdf())), ("files", ("y.pdf", b"%PDF-1.4 broken"))],
        )
        wait_until(
            lambda: client.get(f"/v1/batches/{batch.json()['id']}").json()["status"] == "completed"
        )
    log = api.log()
    assert "/v1/jobs/{job_id}/applications" in log, "the requests were logged"
    for secret in (
        "avery@example.org",
        "Avery Quill",
        "Rowan Thistle",
        "+1 555 0100",
        "Airflow pipelines in Python",
        "Django services",
    ):
        assert secret not in log, secret
