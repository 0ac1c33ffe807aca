"""Standard Webhooks: signing, verification, and the delivery worker over the outbox.

Every request carries ``webhook-id`` (the event id, the same on every retry),
``webhook-timestamp`` (unix seconds of this attempt) and ``webhook-signature``:
``v1,`` + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")) where ``key`` is the base64
part of the endpoint's ``whsec_...`` secret, decoded. Receivers check it with ``verify()``
(or any Standard Webhooks library) and deduplicate on ``webhook-id``.

```
Dispatcher thread: loop ─► claim due deliveries (lease) ─► POST signed body (timeout)
   2xx ─► delivered        else ─► attempt logged; retry after base·2^(n-1) ± jitter
   n == max_attempts ─► failed      endpoint failing `disable_after` times in a row ─► disabled
```
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from matcher import safe_traceback
from service.jobboard import outbox
from service.jobboard.urlguard import UnsafeUrlError, check_url
from service.storage.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    WebhookEndpoint,
    new_id,
    utcnow,
)

__all__ = [
    "DeliveryPolicy",
    "Dispatcher",
    "WebhookVerificationError",
    "sign",
    "signed_headers",
    "verify",
]

log = logging.getLogger("rolefit.webhooks")

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE = 300  # seconds a timestamp may be off (replay protection)


class WebhookVerificationError(Exception):
    """A webhook request whose signature, id or timestamp does not check out."""


def _key(secret: str) -> bytes:
    raw = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    return base64.b64decode(raw)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,<base64 HMAC-SHA256 of id.timestamp.body>``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    secret: str, msg_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers (plus the content type) for one attempt."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, msg_id, ts, body),
        "content-type": "application/json",
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> dict[str, Any]:
    """Check a received webhook and return its JSON payload.

    ``headers`` may be any mapping; names are matched case-insensitively. Several signatures
    (space-separated, e.g. during a secret rotation) are accepted if any one matches.

    Raises:
        WebhookVerificationError: a header is missing, the timestamp is outside
            ``tolerance`` seconds, or no signature matches the body.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id = lower["webhook-id"]
        timestamp = lower["webhook-timestamp"]
        signatures = lower["webhook-signature"]
    except KeyError as exc:
        raise WebhookVerificationError(f"missing header {exc.args[0]}") from None
    try:
        ts = int(timestamp)
    except ValueError:
        raise WebhookVerificationError("malformed webhook-timestamp") from None
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is too old or in the future")
    expected = sign(secret, msg_id, ts, body).split(",", 1)[1]
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            try:
                payload: dict[str, Any] = json.loads(body)
            except ValueError:
                raise WebhookVerificationError("the body is not JSON") from None
            return payload
    raise WebhookVerificationError("no matching signature")


# --------------------------------------------------------------------------- delivery


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How hard the dispatcher tries.

    Attributes:
        timeout: seconds per HTTP attempt (connect + read).
        max_attempts: attempts before a delivery is marked failed.
        backoff_base: seconds before the 2nd attempt; doubles each time, up to ``backoff_max``.
        jitter: fraction of the delay drawn at random (0.5: between 50 % and 100 % of it).
        disable_after: consecutive failed attempts after which an endpoint is disabled.
        poll_seconds: how often the outbox is checked when nothing wakes the dispatcher.
        lease_seconds: how long a claimed delivery is reserved for one dispatcher.
        allow_private: allow endpoints on private/loopback addresses (tests, closed networks).
    """

    timeout: float = 10.0
    max_attempts: int = 8
    backoff_base: float = 5.0
    backoff_max: float = 3600.0
    jitter: float = 0.5
    disable_after: int = 20
    poll_seconds: float = 2.0
    lease_seconds: float = 60.0
    allow_private: bool = False

    def delay(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failed attempts (exponential, with jitter)."""
        full = min(self.backoff_max, self.backoff_base * 2.0 ** max(0, attempts - 1))
        return full * (1.0 - self.jitter * random.random())


class Dispatcher:
    """Delivers the outbox's pending deliveries from a background thread.

    Several dispatchers (one per uvicorn process) may share one database: a delivery is
    claimed with a conditional UPDATE (a lease), so only one of them sends it at a time.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        policy: DeliveryPolicy,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.sessions = sessions
        self.policy = policy
        self._client = httpx.Client(
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=False,
            transport=transport,
            headers={"user-agent": "rolefit-webhooks/1"},
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="rolefit-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        outbox.wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._client.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                sent = self.run_once()
            except Exception as exc:
                # never the message: a database error quotes the values it was given
                log.error("webhook dispatcher iteration failed\n%s", safe_traceback(exc))
                sent = 0
            if sent == 0 and not self._stop.is_set():
                outbox.wakeup.wait(self.policy.poll_seconds)
                outbox.wakeup.clear()

    # -- one pass -----------------------------------------------------------------

    def claim(self, limit: int = 16) -> list[str]:
        """Reserve up to ``limit`` due deliveries of enabled endpoints for this dispatcher."""
        return self._claim(limit)[0]

    def _claim(self, limit: int) -> tuple[list[str], dt.datetime]:
        now = utcnow()
        lease = now + dt.timedelta(seconds=self.policy.lease_seconds)
        free = or_(Delivery.lease_until.is_(None), Delivery.lease_until < now)
        with self.sessions.begin() as session:
            due = session.scalars(
                select(Delivery.id)
                .join(WebhookEndpoint, WebhookEndpoint.id == Delivery.endpoint_id)
                .where(
                    Delivery.status == "pending",
                    Delivery.next_attempt_at <= now,
                    WebhookEndpoint.disabled_at.is_(None),
                    free,
                )
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(limit)
            ).all()
            claimed = []
            for delivery_id in due:
                result = session.execute(
                    update(Delivery)
                    .where(and_(Delivery.id == delivery_id, Delivery.status == "pending", free))
                    .values(lease_until=lease)
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(delivery_id)
        return claimed, lease

    def _renew(self, delivery_id: str, held: dt.datetime) -> bool:
        """Extend our lease on a claimed delivery just before sending it; False when it ran
        out meanwhile (slow attempts before it) and another dispatcher may have taken it."""
        lease = utcnow() + dt.timedelta(seconds=self.policy.lease_seconds)
        with self.sessions.begin() as session:
            result = session.execute(
                update(Delivery)
                .where(
                    Delivery.id == delivery_id,
                    Delivery.status == "pending",
                    Delivery.lease_until == held,
                )
                .values(lease_until=lease)
            )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def run_once(self) -> int:
        """Send every due delivery once; returns how many were attempted."""
        claimed, lease = self._claim(16)
        for delivery_id in claimed:
            if self._stop.is_set():
                break
            if self._renew(delivery_id, lease):
                self.attempt(delivery_id)
        return len(claimed)

    def attempt(self, delivery_id: str) -> bool:
        """One HTTP attempt of one claimed delivery, logged; True when it was accepted."""
        with self.sessions() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.status != "pending":
                return False
            event = session.get(Event, delivery.event_id)
            endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
            if event is None or endpoint is None:
                return False
            url, secret, msg_id = endpoint.url, endpoint.secret, event.id
            body = json.dumps(outbox.envelope(event), separators=(",", ":")).encode()
        started = utcnow()
        clock = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            check_url(url, allow_private=self.policy.allow_private)
            response = self._client.post(
                url, content=body, headers=signed_headers(secret, msg_id, body)
            )
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except UnsafeUrlError as exc:
            error = str(exc)[:500]
        except httpx.TimeoutException:
            error = "timed out"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}"
        duration = round((time.perf_counter() - clock) * 1000.0, 1)
        ok = error is None
        self._record(delivery_id, started, duration, status, error, gone=status == 410)
        log.info(
            "webhook attempt",
            extra={"event_id": msg_id, "delivery_id": delivery_id, "status": status, "ok": ok},
        )
        return ok

    def _record(
        self,
        delivery_id: str,
        started: dt.datetime,
        duration: float,
        status: int | None,
        error: str | None,
        *,
        gone: bool,
    ) -> None:
        now = utcnow()
        with self.sessions.begin() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None:  # erased meanwhile
                return
            endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
            delivery.attempts += 1
            session.add(
                DeliveryAttempt(
                    id=new_id("att"),
                    delivery_id=delivery_id,
                    number=delivery.attempts,
                    started_at=started,
                    duration_ms=duration,
                    status_code=status,
                    error=error,
                    success=error is None,
                )
            )
            delivery.last_status_code = status
            delivery.last_error = error
            delivery.lease_until = None
            if error is None:
                delivery.status = "delivered"
                delivery.delivered_at = now
                if endpoint is not None:
                    endpoint.consecutive_failures = 0
                return
            if delivery.attempts >= self.policy.max_attempts or gone:
                delivery.status = "failed"
            else:
                delay = self.policy.delay(delivery.attempts)
                delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
            if endpoint is not None:
                endpoint.consecutive_failures += 1
                if endpoint.disabled_at is None and (
                    gone or endpoint.consecutive_failures >= self.policy.disable_after
                ):
                    endpoint.disabled_at = now
                    endpoint.disabled_reason = (
                        "the endpoint answered 410 Gone"
                        if gone
                        else f"{endpoint.consecutive_failures} failed attempts in a row"
                    )
                    log.warning("webhook endpoint disabled", extra={"endpoint_id": endpoint.id})
