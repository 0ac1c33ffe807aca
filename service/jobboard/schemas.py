"""Request and response shapes of the job-board API (pydantic), built from stored rows here."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.jobboard import outbox
from service.schemas import AnyMatchReport
from service.storage.models import (
    Application,
    Batch,
    BatchItem,
    Delivery,
    Event,
    Job,
    WebhookEndpoint,
)

__all__ = [
    "ApplicationOut",
    "ApplicationResult",
    "BatchItemOut",
    "BatchOut",
    "BatchResults",
    "CandidateList",
    "EndpointCreated",
    "EndpointIn",
    "EndpointList",
    "EndpointOut",
    "ErasureReceipt",
    "EventList",
    "EventOut",
    "ImportRequest",
    "ImportResult",
    "JobIn",
    "JobList",
    "JobOut",
    "SkippedEntry",
    "application_out",
    "batch_out",
    "endpoint_out",
    "event_out",
    "item_out",
    "job_out",
]


class SkillRef(BaseModel):
    skill_id: str
    name: str
    category: str


class NearestRole(BaseModel):
    role_id: str
    title: str
    score: float = Field(ge=0, le=100, description="Similarity of the posting to the role.")


class Requirements(BaseModel):
    """What the posting asks for, as read by the matcher."""

    required: list[SkillRef]
    preferred: list[SkillRef]
    mentioned: list[SkillRef] = []
    years_required: float | None = None
    education: list[str] = []


class JobOut(BaseModel):
    """A stored posting with its extracted requirements and nearest taxonomy roles."""

    id: str
    external_id: str | None
    title: str
    organization: str | None
    source: str
    requirements: Requirements
    nearest_roles: list[NearestRole]
    taxonomy_version: str
    created_at: dt.datetime
    updated_at: dt.datetime


class JobList(BaseModel):
    items: list[JobOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null: last.")


class JobIn(BaseModel):
    """A posting given as title and description (HTML or text)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Data Engineer",
                    "description": "<h3>Requirements</h3><ul><li>Python and SQL</li>"
                    "<li>3+ years of Airflow</li></ul><h3>Nice to have</h3><ul><li>dbt</li></ul>",
                    "external_id": "req-1042",
                    "organization": "Example Corp",
                }
            ]
        },
    )

    title: str = Field(min_length=1, max_length=500)
    description: str = Field(min_length=1, max_length=200_000)
    external_id: str | None = Field(default=None, max_length=200)
    organization: str | None = Field(default=None, max_length=500)


class ImportRequest(BaseModel):
    """Import a feed: fetched from ``url``, or given inline as ``feed``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            # exactly one of them (a null one counts as not given)
            "oneOf": [
                {"required": ["url"], "properties": {"url": {"type": "string"}}},
                {
                    "required": ["feed"],
                    "properties": {
                        "feed": {"type": ["object", "array", "string", "number", "boolean"]}
                    },
                },
            ],
            "examples": [
                {
                    "format": "greenhouse",
                    "url": "https://boards-api.greenhouse.io/v1/boards/example/jobs?content=true",
                    "organization": "Example Corp",
                }
            ],
        },
    )

    format: Literal["greenhouse", "lever", "ashby", "jsonld"]
    url: str | None = Field(default=None, max_length=2000)
    feed: Any = Field(default=None, description="The feed itself (JSON, or an HTML page).")
    organization: str | None = Field(default=None, max_length=500)


class ImportedJob(BaseModel):
    id: str
    external_id: str | None
    title: str
    created: bool


class ImportFailure(BaseModel):
    index: int
    external_id: str | None
    code: str
    detail: str


class ImportResult(BaseModel):
    format: str
    total: int
    created: int
    updated: int
    jobs: list[ImportedJob]
    failed: list[ImportFailure]


class SkillBrief(BaseModel):
    skill_id: str
    name: str
    importance: str
    credit: float


class ApplicationOut(BaseModel):
    """A stored application: derived scores only (never the file or its text)."""

    id: str
    job_id: str
    external_candidate_id: str
    score: float = Field(ge=0, le=100)
    band: str
    matched: list[SkillBrief]
    missing: list[SkillBrief]
    taxonomy_version: str
    method: str
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime | None


class ApplicationResult(BaseModel):
    application: ApplicationOut
    report: AnyMatchReport = Field(
        description="The match report: compact by default, full with ``?detail=full``."
    )


class CandidateList(BaseModel):
    """Candidates ranked by score, best first; every application, no cut-off."""

    job_id: str
    items: list[ApplicationOut]
    next_cursor: str | None


class SkippedEntry(BaseModel):
    name: str = Field(description="The entry's name in the zip.")
    reason: Literal["directory", "hidden", "macos-metadata", "unsafe-path"]


class BatchOut(BaseModel):
    id: str
    job_id: str | None
    roles: list[str] | None
    status: Literal["queued", "running", "completed"]
    total: int
    done: int
    failed: int
    progress: float = Field(ge=0, le=1)
    created_at: dt.datetime
    completed_at: dt.datetime | None
    skipped: list[SkippedEntry] = Field(
        default_factory=list,
        description="Zip entries that were not taken, with the reason (in the 202 answer).",
    )


class BatchItemOut(BaseModel):
    position: int
    external_candidate_id: str
    status: Literal["pending", "running", "done", "failed"]
    error_code: str | None
    result: dict[str, Any] | None


class BatchResults(BaseModel):
    batch: BatchOut
    items: list[BatchItemOut]
    next_cursor: str | None


# What an endpoint may subscribe to (every event type but the test ping, which goes to the one
# endpoint it is sent to); the route refuses any other name.
SUBSCRIBABLE_EVENTS = sorted(t for t in outbox.EVENT_TYPES if t != outbox.WEBHOOK_TEST)
_EVENT_TYPE_SCHEMA: dict[str, Any] = {"type": "string", "enum": SUBSCRIBABLE_EVENTS}


class EndpointIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://ats.example.com/hooks/rolefit",
                    "event_types": ["application.scored", "batch.completed"],
                    "description": "ATS production",
                }
            ]
        },
    )

    url: str = Field(min_length=8, max_length=2000)
    event_types: list[str] = Field(
        default_factory=list,
        description="Empty: every type.",
        json_schema_extra={"items": _EVENT_TYPE_SCHEMA},
    )
    description: str | None = Field(default=None, max_length=500)


class EndpointOut(BaseModel):
    id: str
    url: str
    event_types: list[str]
    description: str | None
    consecutive_failures: int
    failing_since: dt.datetime | None = Field(
        description="When the current run of failures began (null: the last attempt succeeded)."
    )
    disabled_at: dt.datetime | None
    disabled_reason: str | None
    created_at: dt.datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(description="The whsec_ signing secret: shown once, store it now.")


class EndpointList(BaseModel):
    items: list[EndpointOut]


class AttemptOut(BaseModel):
    number: int
    started_at: dt.datetime
    duration_ms: float
    status_code: int | None
    error: str | None
    success: bool


class DeliveryOut(BaseModel):
    id: str
    endpoint_id: str
    status: Literal["pending", "held", "delivered", "failed"] = Field(
        description="held: the endpoint is disabled; sent in order once it is enabled."
    )
    attempts: int
    next_attempt_at: dt.datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: dt.datetime | None
    attempt_log: list[AttemptOut]


class EventOut(BaseModel):
    id: str = Field(description="The webhook-id of every delivery of this event.")
    type: str
    data: dict[str, Any]
    created_at: dt.datetime
    deliveries: list[DeliveryOut]


class EventList(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class ErasureReceipt(BaseModel):
    receipt_id: str
    external_candidate_id: str
    erased_at: str
    erased: dict[str, int]


# --------------------------------------------------------------------------- converters


def job_out(job: Job, titles: dict[str, str]) -> JobOut:
    req = job.requirements
    return JobOut(
        id=job.id,
        external_id=job.external_id,
        title=job.title,
        organization=job.organization,
        source=job.source,
        requirements=Requirements.model_validate(req),
        nearest_roles=[
            NearestRole(role_id=r, title=titles.get(r, r), score=s)
            for r, s in req.get("nearest_roles", [])
        ],
        taxonomy_version=job.taxonomy_version,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )


def application_out(app: Application) -> ApplicationOut:
    return ApplicationOut.model_validate(app, from_attributes=True)


def batch_out(batch: Batch) -> BatchOut:
    finished = batch.done + batch.failed
    return BatchOut(
        id=batch.id,
        job_id=batch.job_id,
        roles=batch.roles,
        status=batch.status,
        total=batch.total,
        done=batch.done,
        failed=batch.failed,
        progress=1.0 if batch.status == "completed" else round(finished / max(1, batch.total), 4),
        created_at=batch.created_at,
        completed_at=batch.completed_at,
    )


def item_out(item: BatchItem) -> BatchItemOut:
    return BatchItemOut.model_validate(item, from_attributes=True)


def endpoint_out(endpoint: WebhookEndpoint) -> EndpointOut:
    return EndpointOut.model_validate(endpoint, from_attributes=True)


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut.model_validate(delivery, from_attributes=True)


def event_out(event: Event) -> EventOut:
    return EventOut(
        id=event.id,
        type=event.type,
        data=event.data,
        created_at=event.created_at,
        deliveries=[delivery_out(d) for d in sorted(event.deliveries, key=lambda d: d.id)],
    )
