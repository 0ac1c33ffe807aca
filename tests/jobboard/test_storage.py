"""Storage on SQLite and PostgreSQL: migrations, upserts, ranking, outbox, erasure, retention."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, inspect, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from service.storage import repositories as repo
from service.storage.models import (
    Application,
    BatchItem,
    Delivery,
    DeliveryAttempt,
    Event,
    IdempotencyRecord,
    Job,
    WebhookEndpoint,
    new_id,
    utcnow,
)
from tests.jobboard.support import posting, report

JOBBOARD_TABLES = {
    "jobs",
    "applications",
    "batches",
    "batch_items",
    "webhook_endpoints",
    "events",
    "deliveries",
    "delivery_attempts",
    "idempotency_records",
}


def test_storage_migrations_match_the_models(db_url: str, engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import service.auth  # noqa: F401 - registers api_keys
    from service.db import Base

    assert set(inspect(engine).get_table_names()) >= JOBBOARD_TABLES
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    relevant = [
        d
        for d in diffs
        if not (
            isinstance(d, tuple) and d[0] in ("remove_table",) and d[1].name == "alembic_version"
        )
    ]
    assert relevant == []


def test_storage_job_upsert_by_external_id_updates_in_place(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        job, created = repo.upsert_job(s, posting("ext-9"), source="jsonld", taxonomy_version="t1")
        first_id = job.id
    assert created
    with sessions.begin() as s:
        job, created = repo.upsert_job(
            s, posting("ext-9", "Senior Data Engineer"), source="jsonld", taxonomy_version="t2"
        )
    assert not created
    assert job.id == first_id
    with sessions() as s:
        jobs = s.scalars(select(Job)).all()
        assert [(j.id, j.title, j.taxonomy_version) for j in jobs] == [
            (first_id, "Senior Data Engineer", "t2")
        ]
        assert jobs[0].requirements["required"] == [
            {"skill_id": "python", "name": "Python", "category": "language"},
            {"skill_id": "sql", "name": "Sql", "category": "language"},
        ]
        assert jobs[0].requirements["years_required"] == 3.0
        rebuilt = repo.posting_from_dict(jobs[0].posting)
        assert rebuilt == posting("ext-9", "Senior Data Engineer")
        actions = [e.data["action"] for e in s.scalars(select(Event).order_by(Event.id))]
        assert actions == ["created", "updated"]


def test_storage_job_pages_cover_every_job_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        ids = {
            repo.upsert_job(s, posting(f"e{i}"), source="text", taxonomy_version="t")[0].id
            for i in range(7)
        }
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        with sessions() as s:
            page = repo.list_jobs(s, limit=3, cursor=cursor)
        seen += [j.id for j in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == 7
    assert set(seen) == ids
    assert seen == sorted(seen, reverse=True)  # newest first


def test_storage_bad_cursor_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as s, pytest.raises(repo.InvalidCursorError):
        repo.list_candidates(s, "job_x", limit=5, cursor="not-a-cursor!!")


def test_storage_candidates_ranked_best_first_without_cut_off(
    sessions: sessionmaker[Session],
) -> None:
    scores = [12.5, 90.0, 0.0, 55.0, 55.0, 71.25, 3.0]
    with sessions.begin() as s:
        job, _ = repo.upsert_job(s, posting(), source="jsonld", taxonomy_version="t")
        for i, score in enumerate(scores):
            repo.upsert_application(s, job, f"cand-{i}", report(score), retention_days=30)
        job_id = job.id
    ranked: list[tuple[float, str]] = []
    cursor = None
    while True:
        with sessions() as s:
            page = repo.list_candidates(s, job_id, limit=2, cursor=cursor)
        ranked += [(a.score, a.external_candidate_id) for a in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [r[0] for r in ranked] == sorted(scores, reverse=True)  # all of them, 0.0 too
    assert len({r[1] for r in ranked}) == len(scores)


def test_storage_application_reapply_replaces_and_keeps_derived_data_only(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        job, _ = repo.upsert_job(s, posting(), source="jsonld", taxonomy_version="t")
        repo.upsert_application(s, job, "c1", report(40.0), retention_days=30)
        app = repo.upsert_application(
            s, job, "c1", report(80.0, matched=("python", "sql")), retention_days=30
        )
    with sessions() as s:
        rows = s.scalars(select(Application)).all()
        assert len(rows) == 1
        row = rows[0]
        assert row.id == app.id
        assert row.score == 80.0
        assert [m["skill_id"] for m in row.matched] == ["python", "sql"]
        assert [m["skill_id"] for m in row.missing] == ["airflow"]
        assert row.resume_text is None
        assert "posting" not in row.report
        assert row.taxonomy_version == "tax-test"
        assert row.method == "weighted-coverage.v1"
        expires = row.expires_at
        assert expires is not None
        assert dt.timedelta(days=29) < expires - utcnow() <= dt.timedelta(days=30)
        scored = s.scalars(select(Event).where(Event.type == "application.scored")).all()
        assert [e.data["score"] for e in scored] == [40.0, 80.0]
        assert all("resume" not in str(e.data) for e in scored)


def test_storage_outbox_event_rolls_back_with_the_change(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        repo.create_endpoint(s, url="http://127.0.0.1:9/hook", event_types=[])

    def crash() -> None:
        with sessions.begin() as s:
            repo.upsert_job(s, posting(), source="jsonld", taxonomy_version="t")
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        crash()
    with sessions() as s:
        assert s.scalars(select(Job)).all() == []
        assert s.scalars(select(Event)).all() == []
        assert s.scalars(select(Delivery)).all() == []
    with sessions.begin() as s:
        repo.upsert_job(s, posting(), source="jsonld", taxonomy_version="t")
    with sessions() as s:
        events = s.scalars(select(Event)).all()
        deliveries = s.scalars(select(Delivery)).all()
        assert [e.type for e in events] == ["job.updated"]
        assert [(d.event_id, d.status) for d in deliveries] == [(events[0].id, "pending")]


def test_storage_endpoint_subscriptions_filter_deliveries(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        scored = repo.create_endpoint(s, url="http://a.test/h", event_types=["application.scored"])
        every = repo.create_endpoint(s, url="http://b.test/h", event_types=[])
        job, _ = repo.upsert_job(s, posting(), source="jsonld", taxonomy_version="t")
        repo.upsert_application(s, job, "c1", report(50.0), retention_days=30)
    with sessions() as s:
        by_endpoint: dict[str, list[str]] = {}
        for d in s.scalars(select(Delivery)):
            by_endpoint.setdefault(d.endpoint_id, []).append(d.event.type)
    assert sorted(by_endpoint[scored.id]) == ["application.scored"]
    assert sorted(by_endpoint[every.id]) == ["application.scored", "job.updated"]


def _all_text(session: Session) -> dict[str, list[str]]:
    """Every row of every job-board table as text, by table."""
    out: dict[str, list[str]] = {}
    for table in sorted(JOBBOARD_TABLES):
        rows = session.execute(text(f"SELECT * FROM {table}")).all()
        out[table] = [str(tuple(r)) for r in rows]
    return out


def test_storage_erasure_removes_every_row_about_the_candidate(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        repo.create_endpoint(s, url="http://127.0.0.1:9/hook", event_types=[])
        job1, _ = repo.upsert_job(s, posting("a"), source="jsonld", taxonomy_version="t")
        job2, _ = repo.upsert_job(s, posting("b"), source="jsonld", taxonomy_version="t")
        for job in (job1, job2):
            repo.upsert_application(
                s, job, "cand-erase-me", report(60.0), retention_days=30, resume_text="Skills"
            )
            repo.upsert_application(s, job, "cand-keep", report(30.0), retention_days=30)
        repo.create_batch(
            s,
            job=job1,
            roles=None,
            files=[("cand-erase-me", "txt", b"resume"), ("cand-keep", "txt", b"other")],
            retention_days=30,
        )
        now = utcnow()
        s.add(
            IdempotencyRecord(
                id=new_id("idem"),
                principal="key_1",
                key="k-1",
                method="POST",
                path="/v1/jobs/x/applications",
                fingerprint="0" * 64,
                status="done",
                response_status=201,
                response_body=b'{"external_candidate_id":"cand-erase-me"}',
                external_candidate_id="cand-erase-me",
                created_at=now,
                expires_at=now + dt.timedelta(hours=24),
            )
        )
        s.flush()
        delivery = s.scalars(
            select(Delivery).join(Event).where(Event.external_candidate_id == "cand-erase-me")
        ).first()
        assert delivery is not None
        s.add(
            DeliveryAttempt(
                id=new_id("att"),
                delivery_id=delivery.id,
                number=1,
                started_at=now,
                duration_ms=1.0,
                status_code=500,
                success=False,
            )
        )
    with sessions() as s:
        before = _all_text(s)
        attempts_before = len(s.scalars(select(DeliveryAttempt)).all())
    # 2 applications, 1 batch item, 2 application.scored events, 1 idempotency record
    assert sum("cand-erase-me" in r for rows in before.values() for r in rows) == 6
    assert attempts_before == 1

    with sessions.begin() as s:
        receipt = repo.erase_candidate(s, "cand-erase-me")
    assert receipt["erased"] == {
        "applications": 2,
        "batch_items": 1,
        "events": 2,
        "idempotency_records": 1,
    }
    with sessions() as s:
        after = _all_text(s)
        leftovers = {
            table: [r for r in rows if "cand-erase-me" in r] for table, rows in after.items()
        }
        erased_events = s.scalars(select(Event).where(Event.type == "candidate.erased")).all()
        assert len(erased_events) == 1
        receipt_event = erased_events[0].id
        assert s.scalars(select(DeliveryAttempt)).all() == []  # cascaded with the event
        candidate_events = {r.id for r in s.scalars(select(Event))}
        assert all(d.event_id in candidate_events for d in s.scalars(select(Delivery)))
    # Only the erasure receipt (event + its pending delivery row reference) may name them.
    assert {t: r for t, r in leftovers.items() if r} == {
        "events": [r for r in after["events"] if receipt_event in r]
    }
    assert sum("cand-keep" in r for r in after["applications"]) == 2
    assert any("cand-keep" in r for r in after["batch_items"])


def test_storage_retention_purges_expired_applications_only(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        job, _ = repo.upsert_job(s, posting(), source="jsonld", taxonomy_version="t")
        old = repo.upsert_application(s, job, "old", report(10.0), retention_days=30)
        repo.upsert_application(s, job, "new", report(20.0), retention_days=30)
        repo.upsert_application(s, job, "forever", report(30.0), retention_days=0)
        old.expires_at = utcnow() - dt.timedelta(minutes=1)
    with sessions.begin() as s:
        counts = repo.purge_expired(s)
    assert counts["applications"] == 1
    with sessions() as s:
        left = sorted(s.scalars(select(Application.external_candidate_id)))
    assert left == ["forever", "new"]
    with sessions.begin() as s:
        counts = repo.purge_expired(s, now=utcnow() + dt.timedelta(days=31))
    assert counts["applications"] == 1
    with sessions() as s:
        assert list(s.scalars(select(Application.external_candidate_id))) == ["forever"]


def test_storage_batch_items_are_claimed_once_and_complete_the_batch_once(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        batch = repo.create_batch(
            s,
            job=None,
            roles=["data-engineer"],
            files=[("c1", "txt", b"one"), ("c2", "txt", b"two")],
            retention_days=30,
        )
    with sessions.begin() as s:
        first = repo.claim_batch_item(s, lease_seconds=60)
    with sessions.begin() as s:
        second = repo.claim_batch_item(s, lease_seconds=60)
    with sessions.begin() as s:
        assert repo.claim_batch_item(s, lease_seconds=60) is None  # both leased
    assert first is not None
    assert second is not None
    assert first[0] != second[0]
    with sessions.begin() as s:  # the lease of the first runs out: its process "died"
        s.execute(
            update(BatchItem)
            .where(BatchItem.id == first[0])
            .values(lease_until=utcnow() - dt.timedelta(seconds=1))
        )
    with sessions.begin() as s:
        again = repo.claim_batch_item(s, lease_seconds=60)
    assert again == (first[0], 2)
    with sessions.begin() as s:  # the stale claim finishing late is ignored
        stale = repo.finish_batch_item(s, first[0], 1, result={"score": 1.0}, error_code=None)
    assert stale == (False, None)
    with sessions.begin() as s:
        fresh = repo.finish_batch_item(s, again[0], 2, result={"score": 50.0}, error_code=None)
    assert fresh == (True, None)  # recorded, batch not complete yet
    with sessions.begin() as s:
        recorded, done = repo.finish_batch_item(
            s, second[0], second[1], result=None, error_code="no-text"
        )
    assert recorded
    assert done is not None
    with sessions() as s:
        page = repo.batch_results(s, batch.id, limit=10)
        assert [(i.status, i.data) for i in page.items] == [("done", None), ("failed", None)]
        completed = s.scalars(select(Event).where(Event.type == "batch.completed")).all()
        assert [(e.data["done"], e.data["failed"]) for e in completed] == [(1, 1)]


def test_storage_endpoint_secret_rotation(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        ep = repo.create_endpoint(s, url="http://x.test/h", event_types=["job.updated"])
        old = ep.secret
    assert old.startswith("whsec_")
    with sessions.begin() as s:
        row = s.get(WebhookEndpoint, ep.id)
        assert row is not None
        new = repo.rotate_secret(s, row)
    assert new != old
    assert new.startswith("whsec_")
    with sessions.begin() as s:
        assert repo.delete_endpoint(s, ep.id)
        assert not repo.delete_endpoint(s, ep.id)


def test_storage_batch_item_lease_renewal_keeps_others_off(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        job, _ = repo.upsert_job(s, posting("lease"), source="json", taxonomy_version="t")
        repo.create_batch(s, job=job, roles=None, files=[("c", "txt", b"x")], retention_days=1)
    with sessions.begin() as s:
        claim = repo.claim_batch_item(s, lease_seconds=0.0)  # lapses at once
    assert claim is not None
    item_id, token = claim
    with sessions.begin() as s:
        assert repo.renew_batch_item(s, item_id, token, lease_seconds=60)
    with sessions.begin() as s:
        assert repo.claim_batch_item(s, lease_seconds=60) is None, "renewed: not taken over"
        s.execute(update(BatchItem).values(lease_until=utcnow() - dt.timedelta(seconds=1)))
    with sessions.begin() as s:
        taken = repo.claim_batch_item(s, lease_seconds=60)
    assert taken == (item_id, token + 1)
    with sessions.begin() as s:
        assert not repo.renew_batch_item(s, item_id, token, lease_seconds=60), "no longer ours"
