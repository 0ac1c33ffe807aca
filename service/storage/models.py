"""Job-board tables (SQLAlchemy 2, on the service's one ``Base``).

```
jobs ──< applications            (derived match data only; keyed by external_candidate_id)
jobs ──< batches ──< batch_items (pending work lives here, so a restart finishes a batch)
webhook_endpoints ──< deliveries >── events   (the transactional outbox)
deliveries ──< delivery_attempts              (every attempt logged)
idempotency_records                           (Idempotency-Key → stored response, 24 h)
```

Every row about a candidate carries ``external_candidate_id`` so that one erasure request finds
all of it. Schema changes go through Alembic (``service/migrations/versions/0002_jobboard.py``).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from service.db import Base

__all__ = [
    "Application",
    "Batch",
    "BatchItem",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "IdempotencyRecord",
    "Job",
    "WebhookEndpoint",
    "new_id",
    "utcnow",
]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(prefix: str) -> str:
    """A time-sortable id: ``prefix_`` + a 26-character ULID (ms timestamp + 80 random bits)."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that always comes back timezone-aware UTC (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        if value is not None and dialect.name == "sqlite":
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class CleanString(TypeDecorator[str]):
    """A string column that drops NUL characters: PostgreSQL text cannot hold them (a NUL in a
    feed's title or a resume's text would otherwise fail the whole write), SQLite would keep
    them. Everything else is stored as given."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is not None and "\x00" in value:
            value = value.replace("\x00", "")
        return value


class CleanText(CleanString):
    """``CleanString`` for unbounded text."""

    impl = Text
    cache_ok = True


class Job(Base):
    """A job posting with its extracted requirements (the posting is not candidate data)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_id: Mapped[str | None] = mapped_column(CleanString(200), unique=True)
    title: Mapped[str] = mapped_column(CleanString(500))
    organization: Mapped[str | None] = mapped_column(CleanString(500))
    source: Mapped[str] = mapped_column(String(32))
    requirements: Mapped[dict[str, Any]] = mapped_column(JSON)
    posting: Mapped[dict[str, Any]] = mapped_column(JSON)  # the JobPosting, to score against
    taxonomy_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    applications: Mapped[list[Application]] = relationship(
        back_populates="job", cascade="all, delete-orphan", passive_deletes=True
    )


class Application(Base):
    """One candidate's resume scored against one posting: derived data only.

    ``resume_text`` is filled only when ``ROLEFIT_STORE_RESUME_TEXT`` is on; the file itself is
    never stored.
    """

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("job_id", "external_candidate_id", name="uq_applications_job_candidate"),
        Index("ix_applications_job_rank", "job_id", "score", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    external_candidate_id: Mapped[str] = mapped_column(String(200), index=True)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    matched: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    missing: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    skills: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    taxonomy_version: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(64))
    resume_text: Mapped[str | None] = mapped_column(CleanText)
    source: Mapped[str] = mapped_column(String(16), default="api")  # api | batch
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)

    job: Mapped[Job] = relationship(back_populates="applications")


class Batch(Base):
    """Many resumes scored in the background for a posting or for roles."""

    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    roles: Mapped[list[str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # queued | running | completed
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)

    items: Mapped[list[BatchItem]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", passive_deletes=True
    )


class BatchItem(Base):
    """One resume of a batch: the file until it is scored, then only the derived summary."""

    __tablename__ = "batch_items"
    __table_args__ = (Index("ix_batch_items_claim", "status", "lease_until"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    external_candidate_id: Mapped[str] = mapped_column(String(200), index=True)
    file_type: Mapped[str] = mapped_column(String(16))  # extension only: names can be personal
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))  # pending | running | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error_code: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    batch: Mapped[Batch] = relationship(back_populates="items")


class WebhookEndpoint(Base):
    """Where events are delivered; the signing secret is stored to sign with."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    url: Mapped[str] = mapped_column(CleanString(2000))
    description: Mapped[str | None] = mapped_column(CleanString(500))
    event_types: Mapped[list[str]] = mapped_column(JSON)  # empty: every type
    secret: Mapped[str] = mapped_column(String(100))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # when the failures in a row began (None: the last attempt succeeded); the endpoint is
    # disabled once this is older than the configured time
    failing_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(CleanString(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class Event(Base):
    """An outbox event, written in the same transaction as the change it reports."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the webhook-id (msg_...)
    type: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    job_id: Mapped[str | None] = mapped_column(String(40), index=True)
    external_candidate_id: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)

    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )


class Delivery(Base):
    """One event owed to one endpoint: retried with backoff until delivered or given up."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_endpoint_status", "endpoint_id", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    # pending | held (its endpoint is disabled: sent once it is enabled) | delivered | failed
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the first failed attempt of the current run of retries (the retry window starts here)
    first_failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(CleanString(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship(back_populates="deliveries")
    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="DeliveryAttempt.number"
    )


class DeliveryAttempt(Base):
    """The log line of one HTTP attempt."""

    __tablename__ = "delivery_attempts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[float] = mapped_column(Float)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(CleanString(500))
    success: Mapped[bool] = mapped_column(default=False)


class IdempotencyRecord(Base):
    """An ``Idempotency-Key`` and the response it produced (kept 24 hours)."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("principal", "key", name="uq_idempotency_principal_key"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    principal: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(500))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # running | done
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    response_type: Mapped[str | None] = mapped_column(String(100))
    external_candidate_id: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    # while "running": renewed by the live request holding the key; a lapsed lease means
    # its process died and the key is free again
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
