"""Transactional outbox: an event is a row written in the same transaction as the change.

```
route/worker ── session.begin() ──► change rows + emit(session, type, data)  (one commit)
                                       │ events row (id = webhook-id, "msg_...")
                                       └ deliveries rows, one per subscribed endpoint
background dispatcher (service/jobboard/webhooks.py) ──► claims due deliveries ──► signed POST
```

A crash before the commit loses the change *and* its event; after it, the dispatcher finds the
pending deliveries on the next start. Delivery is at least once: a delivery whose process died
mid-send is retried under the *same* event id, so receivers deduplicate on ``webhook-id``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import Delivery, Event, WebhookEndpoint, new_id, utcnow

__all__ = [
    "APPLICATION_SCORED",
    "BATCH_COMPLETED",
    "CANDIDATE_ERASED",
    "EVENT_TYPES",
    "JOB_UPDATED",
    "WEBHOOK_TEST",
    "emit",
    "envelope",
    "queue_deliveries",
    "wakeup",
]

APPLICATION_SCORED = "application.scored"
BATCH_COMPLETED = "batch.completed"
JOB_UPDATED = "job.updated"
CANDIDATE_ERASED = "candidate.erased"
WEBHOOK_TEST = "webhook.test"
EVENT_TYPES: dict[str, str] = {
    APPLICATION_SCORED: "an application was scored against a posting (ids and scores)",
    BATCH_COMPLETED: "every resume of a batch was processed (counts)",
    JOB_UPDATED: "a posting was created, updated or deleted",
    CANDIDATE_ERASED: "everything stored about a candidate was erased (the receipt)",
    WEBHOOK_TEST: "a test ping sent to one endpoint on request",
}

# Set after a commit that queued deliveries, so the dispatcher does not wait for its next poll.
wakeup = threading.Event()


def emit(
    session: Session,
    event_type: str,
    data: dict[str, Any],
    *,
    job_id: str | None = None,
    external_candidate_id: str | None = None,
    endpoints: Iterable[WebhookEndpoint] | None = None,
) -> Event:
    """Add an event and its deliveries to ``session`` (the caller commits both with its change).

    Args:
        data: the payload: ids and scores, never resume content.
        external_candidate_id: ties the event to a candidate, so erasure removes it.
        endpoints: deliver to these only (default: every enabled endpoint wanting the type).
    """
    event = Event(
        id=new_id("msg"),
        type=event_type,
        data=data,
        job_id=job_id,
        external_candidate_id=external_candidate_id,
        created_at=utcnow(),
    )
    session.add(event)
    queue_deliveries(session, event, endpoints)
    return event


def queue_deliveries(
    session: Session, event: Event, endpoints: Iterable[WebhookEndpoint] | None = None
) -> list[Delivery]:
    """Owe ``event`` to endpoints (also used to redeliver an old event under its own id).

    A disabled endpoint is owed it too: the delivery is "held" and sent, in order of
    creation, once the endpoint is enabled again (nothing is dropped while it is down).
    """
    if endpoints is None:
        endpoints = session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))
        endpoints = [e for e in endpoints if e.wants(event.type)]
    now = utcnow()
    out = []
    for endpoint in endpoints:
        delivery = Delivery(
            id=new_id("dlv"),
            event_id=event.id,
            endpoint_id=endpoint.id,
            status="pending" if endpoint.disabled_at is None else "held",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(delivery)
        out.append(delivery)
    if out:
        session.info["outbox_wakeup"] = True
    return out


def envelope(event: Event) -> dict[str, Any]:
    """The JSON body sent for an event (the same bytes on every attempt)."""
    created = event.created_at.isoformat().replace("+00:00", "Z")
    return {"id": event.id, "type": event.type, "timestamp": created, "data": event.data}


@sa_event.listens_for(Session, "after_commit")
def _wake_dispatcher(session: Session) -> None:
    if session.info.pop("outbox_wakeup", False):
        wakeup.set()
