"""``Idempotency-Key`` records: the first request with a key runs, later ones replay it.

```
begin(key, fingerprint) ─► new record "running" (unique per caller + key) ─► the route runs
                        ─► same key, same fingerprint, done      ─► Replay(stored response)
                        ─► same key, other fingerprint           ─► KeyReusedError (422)
                        ─► same key, first one still running     ─► KeyInProgressError (409)
complete(record, response)   4xx and 2xx answers are kept for ``hours``
abandon(record)              a 5xx: the key may be retried at once
renew(record)               the live request renews its lease every few seconds (heartbeat)
a "running" record whose lease lapsed (its process died): taken over by the next request
```

The lease is what ties a "running" key to a live process: a request killed with its process
(kill -9, OOM, power) stops renewing, and a retry proceeds as soon as the lease runs out
(``ROLEFIT_IDEMPOTENCY_LEASE_SECONDS``, 6 s) instead of being refused for minutes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import IdempotencyRecord, new_id, utcnow

__all__ = [
    "KeyInProgressError",
    "KeyReusedError",
    "Replay",
    "abandon",
    "begin",
    "complete",
    "renew",
]

# A "running" record without a lease (written before migration 0003) is taken over after this.
STALE_AFTER = dt.timedelta(minutes=10)
DEFAULT_LEASE = 6.0


class KeyInProgressError(Exception):
    """The first request with this key has not finished yet."""


class KeyReusedError(Exception):
    """The key was used before with a different request."""


@dataclass(frozen=True, slots=True)
class Replay:
    """The stored response of the first request with a key."""

    status: int
    body: bytes
    media_type: str


def begin(
    sessions: sessionmaker[Session],
    *,
    principal: str,
    key: str,
    method: str,
    path: str,
    fingerprint: str,
    hours: float,
    lease_seconds: float = DEFAULT_LEASE,
) -> str | Replay:
    """Claim a key for this request, or get what the first request with it answered.

    Returns:
        The record id to ``complete``/``abandon``, or the ``Replay`` to send back.

    Raises:
        KeyInProgressError: the first request is still running.
        KeyReusedError: the key was used with another method, path or body.
    """
    now = utcnow()
    for _ in range(3):
        with sessions.begin() as session:
            found = session.scalars(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
                )
            ).first()
            if found is not None and (found.expires_at <= now or _lapsed(found, now)):
                session.delete(found)
                session.flush()
                found = None
            if found is not None:
                if (found.method, found.path, found.fingerprint) != (method, path, fingerprint):
                    raise KeyReusedError()
                if found.status != "done" or found.response_status is None:
                    raise KeyInProgressError()
                return Replay(
                    found.response_status,
                    found.response_body or b"",
                    found.response_type or "application/json",
                )
        record_id = new_id("idem")
        try:
            with sessions.begin() as session:
                session.add(
                    IdempotencyRecord(
                        id=record_id,
                        principal=principal,
                        key=key,
                        method=method,
                        path=path,
                        fingerprint=fingerprint,
                        status="running",
                        created_at=now,
                        expires_at=now + dt.timedelta(hours=hours),
                        lease_until=now + dt.timedelta(seconds=lease_seconds),
                    )
                )
        except IntegrityError:
            continue  # another request took the key between our read and insert: read again
        return record_id
    raise KeyInProgressError()


def _lapsed(record: IdempotencyRecord, now: dt.datetime) -> bool:
    """A "running" record whose holder stopped renewing it (its process died)."""
    if record.status != "running":
        return False
    if record.lease_until is None:
        return record.created_at <= now - STALE_AFTER
    return record.lease_until < now


def renew(sessions: sessionmaker[Session], record_id: str, lease_seconds: float) -> bool:
    """Extend a running request's lease; False when the record is gone or finished."""
    with sessions.begin() as session:
        result = session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record_id, IdempotencyRecord.status == "running")
            .values(lease_until=utcnow() + dt.timedelta(seconds=lease_seconds))
        )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def complete(
    sessions: sessionmaker[Session],
    record_id: str,
    *,
    status: int,
    body: bytes,
    media_type: str,
    external_candidate_id: str | None = None,
) -> None:
    """Store the response of the request that holds the key.

    ``external_candidate_id`` ties the stored response to a candidate (it may hold their
    scores), so that erasing the candidate erases it too.
    """
    with sessions.begin() as session:
        record = session.get(IdempotencyRecord, record_id)
        if record is None:
            return
        record.status = "done"
        record.lease_until = None
        record.response_status = status
        record.response_body = body
        record.response_type = media_type
        record.external_candidate_id = external_candidate_id


def abandon(sessions: sessionmaker[Session], record_id: str) -> None:
    """Forget a key whose request failed unexpectedly (so a retry runs again)."""
    with sessions.begin() as session:
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
