"""``Idempotency-Key`` records: the first request with a key runs, later ones replay it.

```
begin(key, fingerprint) ─► new record "running" (unique per caller + key) ─► the route runs
                        ─► same key, same fingerprint, done      ─► Replay(stored response)
                        ─► same key, other fingerprint           ─► KeyReusedError (422)
                        ─► same key, first one still running     ─► KeyInProgressError (409)
complete(record, response)   4xx and 2xx answers are kept for ``hours``
abandon(record)              a 5xx: the key may be retried at once
a "running" record older than STALE_AFTER (its process died): taken over by the next request
```
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import IdempotencyRecord, new_id, utcnow

__all__ = ["KeyInProgressError", "KeyReusedError", "Replay", "abandon", "begin", "complete"]

# A request runs for at most the parse time budget plus its reads and writes; a record still
# "running" after this long belongs to a process that died, and must not block the key for a day.
STALE_AFTER = dt.timedelta(minutes=10)


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
            if found is not None and (
                found.expires_at <= now
                or (found.status == "running" and found.created_at <= now - STALE_AFTER)
            ):
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
                    )
                )
        except IntegrityError:
            continue  # another request took the key between our read and insert: read again
        return record_id
    raise KeyInProgressError()


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
        record.response_status = status
        record.response_body = body
        record.response_type = media_type
        record.external_candidate_id = external_candidate_id


def abandon(sessions: sessionmaker[Session], record_id: str) -> None:
    """Forget a key whose request failed unexpectedly (so a retry runs again)."""
    with sessions.begin() as session:
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
