"""Events: the outbox with each event's deliveries and attempt log, and a redeliver action."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, selectinload

from service.deps import ServicesDep
from service.jobboard.routes.common import (
    CursorQuery,
    JobsRead,
    JobsWrite,
    LimitQuery,
    fingerprint,
    found,
    in_session,
    page_of,
    responses,
    run_idempotent,
)
from service.jobboard.schemas import EventList, EventOut, event_out
from service.storage import repositories as repo
from service.storage.models import Delivery, Event

router = APIRouter(prefix="/v1", tags=["webhooks"])


class RedeliverOut(BaseModel):
    event_id: str
    deliveries: int


@router.get(
    "/events",
    response_model=EventList,
    summary="List events with their deliveries (newest first)",
    responses=responses("unauthenticated", "forbidden", "validation-error", "invalid-cursor"),
)
async def list_events(
    services: ServicesDep,
    _principal: JobsRead,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    type: str | None = Query(default=None, max_length=64, description="Only this event type."),
) -> Response:
    """Events newest first, each with its deliveries and every attempt (status, error, time)."""

    def read(session: Session) -> EventList:
        page = page_of(
            lambda: repo.list_events(session, limit=limit, cursor=cursor, event_type=type)
        )
        return EventList(items=[event_out(e) for e in page.items], next_cursor=page.next_cursor)

    return await in_session(services, read)


@router.get(
    "/events/{event_id}",
    response_model=EventOut,
    summary="Read an event and its delivery log",
    responses=responses("unauthenticated", "forbidden", "not-found"),
)
async def get_event(event_id: str, services: ServicesDep, _principal: JobsRead) -> Response:
    """One event, its deliveries and their attempts."""

    log = [selectinload(Event.deliveries).selectinload(Delivery.attempt_log)]
    return await in_session(
        services,
        lambda s: event_out(found(s.get(Event, event_id, options=log), "event", event_id)),
    )


@router.post(
    "/events/{event_id}/redeliver",
    response_model=RedeliverOut,
    status_code=202,
    summary="Deliver an event again",
    responses=responses(
        "unauthenticated",
        "forbidden",
        "not-found",
        "idempotency-in-progress",
        "idempotency-key-reused",
    ),
)
async def redeliver(
    request: Request,
    event_id: str,
    services: ServicesDep,
    _principal: JobsWrite,
    endpoint_id: str | None = Query(default=None, description="Only to this endpoint."),
) -> Response:
    """Queue the event again for its subscribed endpoints (or one), under the same
    ``webhook-id``: receivers that already have it recognise it. A retry with the same
    ``Idempotency-Key`` queues nothing more."""

    def write(session: Session) -> RedeliverOut:
        event = found(session.get(Event, event_id), "event", event_id)
        queued = repo.redeliver(session, event, endpoint_id)
        return RedeliverOut(event_id=event.id, deliveries=len(queued))

    async def handle() -> Response:
        return await in_session(services, write, commit=True, status=202)

    return await run_idempotent(request, fingerprint(event_id, endpoint_id), handle)
