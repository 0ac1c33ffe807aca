"""Reads and writes of the job-board tables; each takes the caller's ``Session``.

The caller owns the transaction (``with sessions.begin() as session: ...``), so a change and
the outbox event that reports it (``service/jobboard/outbox.py``) commit together or not at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.models import (
    CanonicalSkill,
    Evidence,
    JobPosting,
    MatchReport,
    RoleScore,
    SectionKind,
    to_dict,
)
from service.jobboard import outbox
from service.storage.models import (
    Application,
    Batch,
    BatchItem,
    Delivery,
    Event,
    IdempotencyRecord,
    Job,
    WebhookEndpoint,
    new_id,
    utcnow,
)

__all__ = [
    "ID_CURSOR",
    "MAX_EXTERNAL_ID",
    "POSITION_CURSOR",
    "SCORE_CURSOR",
    "InvalidCursorError",
    "Page",
    "batch_results",
    "claim_batch_item",
    "create_batch",
    "create_endpoint",
    "delete_endpoint",
    "delete_job",
    "erase_candidate",
    "external_key",
    "find_job",
    "finish_batch_item",
    "list_candidates",
    "list_endpoints",
    "list_events",
    "list_jobs",
    "new_secret",
    "posting_from_dict",
    "purge_expired",
    "redeliver",
    "renew_batch_item",
    "requirements_of",
    "retrying",
    "rotate_secret",
    "stored_report",
    "top_skills",
    "upsert_application",
    "upsert_job",
]

MAX_EXTERNAL_ID = 200  # jobs.external_id (PostgreSQL refuses longer values; SQLite would not)
TOP_SKILLS = 10  # matched/missing skills kept per application for the ranking view
TOP_ROLES = 5  # taxonomy roles kept in a stored report (the posting's score is always kept)


class InvalidCursorError(ValueError):
    """A pagination cursor that this service did not produce."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of rows and the cursor of the next (None: this is the last page)."""

    items: list[Any]
    next_cursor: str | None


T = TypeVar("T")


def _page(
    session: Session, query: Select[Any], limit: int, cursor_of: Callable[[Any], str]
) -> Page:
    """One page of a keyset-ordered query: ``limit`` rows, and the cursor of the last when there
    are more (one row more than the page is asked for, to know)."""
    rows = list(session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, cursor_of(rows[-1]) if more and rows else None)


def retrying(write: Callable[[], T], attempts: int = 3) -> T:
    """Run a write transaction again when a concurrent one inserted the same unique key first.

    Two requests creating the same posting (external id) or application (posting +
    candidate) at once both find nothing and both insert; the loser's transaction fails on
    the unique constraint, and run again it finds the winner's row and updates it.
    """
    for attempt in range(attempts):
        try:
            return write()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


# Cursors are plain text, one format per list (the OpenAPI schema states each pattern): every
# string of the format is a valid position to continue from, so a cursor is refused only when it
# is not of its list's format (never because of what it happens to point at).
ID_CURSOR = r"^[a-z]{2,5}_[0-9A-HJKMNP-TV-Z]{26}$"
"""Lists ordered by id (jobs, events): the last id of the page."""
POSITION_CURSOR = r"^[0-9]{1,9}$"
"""A batch's results: the upload position of the page's last item."""
SCORE_CURSOR = r"^[0-9]{1,3}(\.[0-9]{1,17})?(e-[0-9]{1,3})?~[a-z]{2,5}_[0-9A-HJKMNP-TV-Z]{26}$"
"""A ranking: the last score of the page (as Python writes the float), ``~``, its id."""


def _checked(cursor: str, pattern: str) -> str:
    """``cursor`` if it is of the list's format.

    Raises:
        InvalidCursorError: it is not.
    """
    if not re.fullmatch(pattern, cursor):
        raise InvalidCursorError("The cursor is not valid: use next_cursor as given.")
    return cursor


def _expiry(days: int, now: dt.datetime) -> dt.datetime | None:
    return now + dt.timedelta(days=days) if days > 0 else None


# --------------------------------------------------------------------------- postings


def _skill(data: dict[str, Any]) -> CanonicalSkill:
    evidence = tuple(
        Evidence(
            surface=e["surface"],
            section=SectionKind(e["section"]),
            page=e["page"],
            line=e["line"],
            start=e["start"],
            end=e["end"],
            how=e["how"],
            score=e["score"],
            strength=e["strength"],
        )
        for e in data.get("evidence", ())
    )
    return CanonicalSkill(
        skill_id=data["skill_id"],
        name=data["name"],
        category=data["category"],
        how=data["how"],
        score=data["score"],
        evidence=evidence,
    )


def posting_from_dict(data: dict[str, Any]) -> JobPosting:
    """Rebuild a stored ``JobPosting`` (``to_dict`` output) to score applications against."""
    return JobPosting(
        title=data["title"],
        text=data["text"],
        required=tuple(_skill(s) for s in data["required"]),
        preferred=tuple(_skill(s) for s in data["preferred"]),
        mentioned=tuple(_skill(s) for s in data.get("mentioned", ())),
        years_required=data.get("years_required"),
        education=tuple(data.get("education", ())),
        external_id=data.get("external_id"),
        organization=data.get("organization"),
        background=tuple(data.get("background", ())),
        nearest_roles=tuple((str(r), float(s)) for r, s in data.get("nearest_roles", ())),
    )


def requirements_of(posting: JobPosting) -> dict[str, Any]:
    """What a posting asks for: required/preferred/mentioned skills, years, education."""

    def names(skills: Sequence[CanonicalSkill]) -> list[dict[str, str]]:
        return [{"skill_id": s.skill_id, "name": s.name, "category": s.category} for s in skills]

    return {
        "required": names(posting.required),
        "preferred": names(posting.preferred),
        "mentioned": names(posting.mentioned),
        "years_required": posting.years_required,
        "education": list(posting.education),
        "nearest_roles": [[r, s] for r, s in posting.nearest_roles],
    }


def find_job(session: Session, job_id: str) -> Job | None:
    """A job by its id, or by ``external_id`` when no id matches."""
    job = session.get(Job, job_id)
    if job is None:
        job = session.scalars(select(Job).where(Job.external_id == job_id)).first()
    return job


def external_key(posting: JobPosting, external_id: str | None = None) -> str | None:
    """The external key a posting is stored under: the given id, else its identifier."""
    return _clean(external_id or posting.external_id or "").strip() or None


def _clean(value: str) -> str:
    """Without NUL characters (the columns drop them too; here the response matches)."""
    return value.replace("\x00", "")


def upsert_job(
    session: Session,
    posting: JobPosting,
    *,
    source: str,
    taxonomy_version: str,
    external_id: str | None = None,
) -> tuple[Job, bool]:
    """Create a job, or update the one with the same external id; emits ``job.updated``.

    Returns:
        The job and whether it was created.

    Raises:
        ValueError: the external key is longer than ``MAX_EXTERNAL_ID`` (callers check first).
    """
    key = external_key(posting, external_id)
    if key is not None and len(key) > MAX_EXTERNAL_ID:
        raise ValueError(f"an external id has at most {MAX_EXTERNAL_ID} characters")
    now = utcnow()
    job = session.scalars(select(Job).where(Job.external_id == key)).first() if key else None
    created = job is None
    if job is None:
        job = Job(id=new_id("job"), external_id=key, created_at=now)
        session.add(job)
    job.title = _clean(posting.title or "Job posting")[:500] or "Job posting"
    job.organization = _clean(posting.organization)[:500] or None if posting.organization else None
    job.source = source
    job.requirements = requirements_of(posting)
    job.posting = to_dict(posting)
    job.taxonomy_version = taxonomy_version
    job.updated_at = now
    session.flush()
    outbox.emit(
        session,
        outbox.JOB_UPDATED,
        {
            "job_id": job.id,
            "external_id": job.external_id,
            "action": "created" if created else "updated",
            "title": job.title,
        },
        job_id=job.id,
    )
    return job, created


def list_jobs(session: Session, *, limit: int, cursor: str | None = None) -> Page:
    """Jobs, newest first.

    Raises:
        InvalidCursorError: a malformed cursor.
    """
    query = select(Job).order_by(Job.id.desc())
    if cursor is not None:  # an empty cursor is not of the format either
        query = query.where(Job.id < _checked(cursor, ID_CURSOR))
    return _page(session, query, limit, lambda job: job.id)


def delete_job(session: Session, job: Job) -> dict[str, int]:
    """Delete a job with its applications and batches; emits ``job.updated`` (deleted)."""
    applications = session.scalar(
        select(func.count()).select_from(Application).where(Application.job_id == job.id)
    )
    data = {"job_id": job.id, "external_id": job.external_id, "action": "deleted"}
    session.execute(delete(Application).where(Application.job_id == job.id))
    batch_ids = select(Batch.id).where(Batch.job_id == job.id)
    session.execute(delete(BatchItem).where(BatchItem.batch_id.in_(batch_ids)))
    session.execute(delete(Batch).where(Batch.job_id == job.id))
    session.execute(delete(Job).where(Job.id == job.id))
    outbox.emit(session, outbox.JOB_UPDATED, data, job_id=job.id)
    return {"applications": int(applications or 0)}


# --------------------------------------------------------------------------- applications


def _skill_brief(match: Any) -> dict[str, Any]:
    return {
        "skill_id": match.skill_id,
        "name": match.name,
        "importance": match.importance,
        "credit": round(float(match.credit), 2),
    }


def top_skills(score: RoleScore) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The top matched and missing skills of a posting's score (by importance, then weight)."""
    got = score.strongest()
    missing = score.missing
    return [_skill_brief(m) for m in got[:TOP_SKILLS]], [
        _skill_brief(m) for m in missing[:TOP_SKILLS]
    ]


def stored_report(report: MatchReport) -> dict[str, Any]:
    """The derived report kept for an application: no posting text, top roles only."""
    data = to_dict(report)
    data.pop("posting", None)
    data.pop("timings", None)
    data["roles"] = data["roles"][:TOP_ROLES]
    return dict(data)


def upsert_application(
    session: Session,
    job: Job,
    external_candidate_id: str,
    report: MatchReport,
    *,
    retention_days: int,
    resume_text: str | None = None,
    source: str = "api",
) -> Application:
    """Store (or replace) a candidate's scored application; emits ``application.scored``."""
    if report.job is None:
        raise ValueError("the report was not scored against the posting")
    now = utcnow()
    app = session.scalars(
        select(Application).where(
            Application.job_id == job.id,
            Application.external_candidate_id == external_candidate_id,
        )
    ).first()
    if app is None:
        app = Application(
            id=new_id("app"),
            job_id=job.id,
            external_candidate_id=external_candidate_id,
            created_at=now,
        )
        session.add(app)
    matched, missing = top_skills(report.job)
    app.score = float(report.job.score)
    app.band = report.job.band
    app.matched = matched
    app.missing = missing
    app.skills = [
        {"skill_id": s.skill_id, "name": s.name, "how": s.how, "strength": s.strength}
        for s in report.skills
    ]
    app.suggestions = [to_dict(s) for s in report.suggestions]
    app.report = stored_report(report)
    app.taxonomy_version = report.taxonomy_version
    app.method = report.method
    app.resume_text = resume_text
    app.source = source
    app.updated_at = now
    app.expires_at = _expiry(retention_days, now)
    session.flush()
    outbox.emit(
        session,
        outbox.APPLICATION_SCORED,
        {
            "application_id": app.id,
            "job_id": job.id,
            "external_job_id": job.external_id,
            "external_candidate_id": external_candidate_id,
            "score": app.score,
            "band": app.band,
            "taxonomy_version": app.taxonomy_version,
            "method": app.method,
        },
        job_id=job.id,
        external_candidate_id=external_candidate_id,
    )
    return app


def list_candidates(
    session: Session, job_id: str, *, limit: int, cursor: str | None = None
) -> Page:
    """A job's applications ranked by score (best first, ties by id); no cut-off ever.

    Raises:
        InvalidCursorError: a malformed cursor.
    """
    query = (
        select(Application)
        .where(Application.job_id == job_id)
        .order_by(Application.score.desc(), Application.id.asc())
    )
    if cursor is not None:  # an empty cursor is not of the format either
        text, after = _checked(cursor, SCORE_CURSOR).split("~")
        score = float(text)
        query = query.where(
            or_(
                Application.score < float(score),
                and_(Application.score == float(score), Application.id > after),
            )
        )
    return _page(session, query, limit, lambda app: f"{float(app.score)!r}~{app.id}")


# --------------------------------------------------------------------------- batches


def create_batch(
    session: Session,
    *,
    job: Job | None,
    roles: list[str] | None,
    files: Iterable[tuple[str, str, bytes]],
    retention_days: int,
    total: int | None = None,
) -> Batch:
    """A queued batch of ``total`` pending items (default: as many as ``files``), one per
    ``(external_candidate_id, file_type, data)``. Each item is written and let go before the
    next is read, so a batch's files need never be all in memory at once (``files`` may
    unpack them lazily)."""
    if total is None:
        files = list(files)
        total = len(files)
    now = utcnow()
    batch = Batch(
        id=new_id("bat"),
        job_id=job.id if job else None,
        roles=roles,
        status="queued",
        total=total,
        done=0,
        failed=0,
        created_at=now,
        expires_at=_expiry(retention_days, now),
    )
    session.add(batch)
    session.flush()
    for position, (candidate, file_type, data) in enumerate(files):
        item = BatchItem(
            id=new_id("itm"),
            batch_id=batch.id,
            position=position,
            external_candidate_id=candidate,
            file_type=file_type,
            data=data,
            status="pending",
            attempts=0,
        )
        session.add(item)
        session.flush()
        session.expunge(item)
    return batch


def claim_batch_item(session: Session, *, lease_seconds: float) -> tuple[str, int] | None:
    """Take the next pending item (or one whose lease ran out: its process died).

    Returns:
        ``(item id, attempt number)``, the token ``finish_batch_item`` checks, or None.
    """
    now = utcnow()
    candidates = session.execute(
        select(BatchItem.id, BatchItem.attempts)
        .where(
            or_(
                BatchItem.status == "pending",
                and_(BatchItem.status == "running", BatchItem.lease_until < now),
            )
        )
        .order_by(BatchItem.batch_id, BatchItem.position)
        .limit(8)
    ).all()
    for item_id, attempts in candidates:
        claimed = session.execute(
            update(BatchItem)
            .where(
                BatchItem.id == item_id,
                BatchItem.attempts == attempts,
                or_(
                    BatchItem.status == "pending",
                    and_(BatchItem.status == "running", BatchItem.lease_until < now),
                ),
            )
            .values(
                status="running",
                attempts=attempts + 1,
                lease_until=now + dt.timedelta(seconds=lease_seconds),
            )
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            batch_id = session.scalar(select(BatchItem.batch_id).where(BatchItem.id == item_id))
            session.execute(
                update(Batch)
                .where(Batch.id == batch_id, Batch.status == "queued")
                .values(status="running")
            )
            return str(item_id), int(attempts) + 1
    return None


def renew_batch_item(session: Session, item_id: str, token: int, *, lease_seconds: float) -> bool:
    """Extend the lease of an item this process is still working on (its heartbeat).

    Returns:
        False when the claim is no longer ours (finished, or taken over after a lapse).
    """
    renewed = session.execute(
        update(BatchItem)
        .where(BatchItem.id == item_id, BatchItem.status == "running", BatchItem.attempts == token)
        .values(lease_until=utcnow() + dt.timedelta(seconds=lease_seconds))
    )
    return bool(renewed.rowcount == 1)  # type: ignore[attr-defined]


def finish_batch_item(
    session: Session,
    item_id: str,
    token: int,
    *,
    result: dict[str, Any] | None,
    error_code: str | None,
    on_recorded: Callable[[BatchItem], None] | None = None,
) -> tuple[bool, Batch | None]:
    """Record an item's outcome (once: a stale claim is ignored) and complete the batch.

    ``on_recorded(item)`` runs after the outcome is recorded and before the batch may
    complete, in the same transaction (the runner stores the application there, so its
    ``application.scored`` event comes before ``batch.completed``, and never from a stale
    claim).

    Returns:
        Whether the outcome was recorded, and the batch when this item was the last one
        (``batch.completed`` was emitted).
    """
    now = utcnow()
    done = session.execute(
        update(BatchItem)
        .where(BatchItem.id == item_id, BatchItem.status == "running", BatchItem.attempts == token)
        .values(
            status="done" if error_code is None else "failed",
            result=result,
            error_code=error_code,
            data=None,  # the file is dropped as soon as it is scored
            lease_until=None,
            finished_at=now,
        )
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False, None
    item = session.get(BatchItem, item_id)
    assert item is not None
    session.refresh(item)
    if on_recorded is not None:
        on_recorded(item)
    counter = Batch.done if error_code is None else Batch.failed
    session.execute(update(Batch).where(Batch.id == item.batch_id).values({counter: counter + 1}))
    return True, _complete_if_finished(session, item.batch_id, now)


def _complete_if_finished(session: Session, batch_id: str, now: dt.datetime) -> Batch | None:
    """Mark a batch completed (once) when no item is pending; emits ``batch.completed``."""
    remaining = session.scalar(
        select(func.count())
        .select_from(BatchItem)
        .where(BatchItem.batch_id == batch_id, BatchItem.status.in_(("pending", "running")))
    )
    if remaining:
        return None
    completed = session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.status != "completed")
        .values(status="completed", completed_at=now)
    )
    if completed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    batch = session.get(Batch, batch_id)
    assert batch is not None
    session.refresh(batch)
    outbox.emit(
        session,
        outbox.BATCH_COMPLETED,
        {
            "batch_id": batch.id,
            "job_id": batch.job_id,
            "total": batch.total,
            "done": batch.done,
            "failed": batch.failed,
            "erased": batch.total - batch.done - batch.failed,
        },
        job_id=batch.job_id,
    )
    return batch


def batch_results(
    session: Session, batch_id: str, *, limit: int, cursor: str | None = None
) -> Page:
    """A batch's items in upload order (their derived summaries).

    Raises:
        InvalidCursorError: a malformed cursor.
    """
    query = select(BatchItem).where(BatchItem.batch_id == batch_id).order_by(BatchItem.position)
    if cursor is not None:  # an empty cursor is not of the format either
        after = int(_checked(cursor, POSITION_CURSOR))
        query = query.where(BatchItem.position > after)
    return _page(session, query, limit, lambda item: str(item.position))


# --------------------------------------------------------------------------- webhook endpoints


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create_endpoint(
    session: Session, *, url: str, event_types: list[str], description: str | None = None
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        id=new_id("ep"),
        url=url,
        description=_clean(description) if description is not None else None,
        event_types=sorted(set(event_types)),
        secret=new_secret(),
        consecutive_failures=0,
        created_at=utcnow(),
    )
    session.add(endpoint)
    return endpoint


def list_endpoints(session: Session) -> list[WebhookEndpoint]:
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def delete_endpoint(session: Session, endpoint_id: str) -> bool:
    found = session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))
    return bool(found.rowcount)  # type: ignore[attr-defined]


def rotate_secret(session: Session, endpoint: WebhookEndpoint) -> str:
    """A new secret for an endpoint (the old one stops signing immediately)."""
    endpoint.secret = new_secret()
    return endpoint.secret


# --------------------------------------------------------------------------- events


def list_events(
    session: Session,
    *,
    limit: int,
    cursor: str | None = None,
    event_type: str | None = None,
) -> Page:
    """Events newest first.

    Raises:
        InvalidCursorError: a malformed cursor.
    """
    query = select(Event).order_by(Event.id.desc())
    if event_type:
        query = query.where(Event.type == event_type)
    if cursor is not None:  # an empty cursor is not of the format either
        query = query.where(Event.id < _checked(cursor, ID_CURSOR))
    return _page(session, query, limit, lambda event: event.id)


def redeliver(session: Session, event: Event, endpoint_id: str | None = None) -> list[Delivery]:
    """Queue an old event again, under its own id (receivers deduplicate on it)."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.disabled_at.is_(None))
    if endpoint_id:
        query = query.where(WebhookEndpoint.id == endpoint_id)
    endpoints = [e for e in session.scalars(query) if endpoint_id or e.wants(event.type)]
    return outbox.queue_deliveries(session, event, endpoints)


# --------------------------------------------------------------------------- erasure, retention


def erase_candidate(session: Session, external_candidate_id: str) -> dict[str, Any]:
    """Delete every row about a candidate; emits ``candidate.erased`` with the receipt."""
    counts: dict[str, int] = {}
    batches = set(
        session.scalars(
            select(BatchItem.batch_id).where(
                BatchItem.external_candidate_id == external_candidate_id
            )
        )
    )
    for name, model in (
        ("applications", Application),
        ("batch_items", BatchItem),
        ("events", Event),
        ("idempotency_records", IdempotencyRecord),
    ):
        column = model.external_candidate_id
        counts[name] = int(
            session.scalar(
                select(func.count()).select_from(model).where(column == external_candidate_id)
            )
            or 0
        )
        session.execute(delete(model).where(column == external_candidate_id))
    now = utcnow()
    for batch_id in sorted(batches):  # an erased pending item must not hold its batch open
        _complete_if_finished(session, batch_id, now)
    receipt_id = new_id("era")
    receipt: dict[str, Any] = {
        "receipt_id": receipt_id,
        "external_candidate_id": external_candidate_id,
        "erased_at": now.isoformat().replace("+00:00", "Z"),
        "erased": counts,
    }
    # The receipt event names the candidate (the board needs to know whose data went); it is
    # deliberately not tied to the candidate, so it survives as the proof of erasure.
    outbox.emit(session, outbox.CANDIDATE_ERASED, dict(receipt))
    return receipt


def purge_expired(
    session: Session, *, now: dt.datetime | None = None, event_days: int = 30
) -> dict[str, int]:
    """Delete expired applications, batches, idempotency records and old events."""
    now = now or utcnow()
    out: dict[str, int] = {}
    result = session.execute(
        delete(Application).where(Application.expires_at.is_not(None), Application.expires_at < now)
    )
    out["applications"] = int(result.rowcount)  # type: ignore[attr-defined]
    expired_batches = select(Batch.id).where(Batch.expires_at.is_not(None), Batch.expires_at < now)
    result = session.execute(delete(BatchItem).where(BatchItem.batch_id.in_(expired_batches)))
    out["batch_items"] = int(result.rowcount)  # type: ignore[attr-defined]
    result = session.execute(
        delete(Batch).where(Batch.expires_at.is_not(None), Batch.expires_at < now)
    )
    out["batches"] = int(result.rowcount)  # type: ignore[attr-defined]
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < now))
    out["idempotency_records"] = int(result.rowcount)  # type: ignore[attr-defined]
    if event_days > 0:
        cutoff = now - dt.timedelta(days=event_days)
        old = select(Event.id).where(Event.created_at < cutoff)
        pending = select(Delivery.event_id).where(Delivery.status.in_(("pending", "held")))
        result = session.execute(delete(Event).where(Event.id.in_(old), Event.id.not_in(pending)))
        out["events"] = int(result.rowcount)  # type: ignore[attr-defined]
    return out
