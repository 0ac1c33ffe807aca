"""Standard Webhooks: signing, verification, and the delivery worker over the outbox.

Every request carries ``webhook-id`` (the event id, the same on every retry),
``webhook-timestamp`` (unix seconds of this attempt) and ``webhook-signature``:
``v1,`` + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")) where ``key`` is the base64
part of the endpoint's ``whsec_...`` secret, decoded. Receivers check it with ``verify()``
(or any Standard Webhooks library) and deduplicate on ``webhook-id``.

```
Dispatcher thread: loop ─► claim due deliveries of endpoints with a free slot (lease)
   ─► attempt pool (per-endpoint concurrency) ─► POST signed body (one total deadline)
   2xx ─► delivered          else ─► attempt logged; retry after base·2^(n-1), 50-100 % of it
   first failure older than the retry window (3 days) ─► failed, unless the endpoint has
        failed everything since (an outage): then retried until it is back or disabled
   endpoint failing continuously for `disable_after` (5 days) or 410 Gone ─► disabled:
        its pending deliveries, and every event created meanwhile, are held
   POST /v1/webhook-endpoints/{id}/enable ─► held deliveries sent in order of creation
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
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from matcher import safe_traceback
from service.jobboard import outbox
from service.jobboard.urlguard import HttpDeadlineError, HttpError, UnsafeUrlError, request
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
    "enable_endpoint",
    "hold_deliveries",
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
        timeout: total seconds per HTTP attempt (connect, send, headers: one deadline).
        max_attempts: attempts before a delivery is marked failed (None: only the window).
        backoff_base: seconds before the 2nd attempt; doubles each time, up to ``backoff_max``.
        jitter: fraction of the delay drawn at random (0.5: between 50 % and 100 % of it).
        retry_window: seconds after a delivery's first failure during which it is retried;
            the attempt that would start later is not made and the delivery is failed, if
            the endpoint accepted other deliveries meanwhile. While the endpoint fails
            everything (an outage) it is retried past the window, every ``backoff_max`` at
            most, until it is delivered or the endpoint is disabled (then it is held).
        disable_after: seconds an endpoint must have failed continuously (no success in
            between) before it is disabled; its deliveries are then held, not dropped.
        concurrency: attempts in flight at once in this process.
        per_endpoint: attempts in flight at once per endpoint, in every process sharing the
            database (1: in order).
        poll_seconds: how often the outbox is checked when nothing wakes the dispatcher.
        lease_seconds: how long a claimed delivery is reserved for one dispatcher.
        allow_private: allow endpoints on private/loopback addresses (tests, closed networks).
        clock: the current UTC time (tests may move it).
    """

    timeout: float = 10.0
    max_attempts: int | None = None
    backoff_base: float = 5.0
    backoff_max: float = 4 * 3600.0
    jitter: float = 0.5
    retry_window: float = 3 * 86400.0
    disable_after: float = 5 * 86400.0
    concurrency: int = 8
    per_endpoint: int = 1
    poll_seconds: float = 2.0
    lease_seconds: float = 60.0
    allow_private: bool = False
    clock: Callable[[], dt.datetime] = field(default=utcnow, compare=False)

    def delay(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failed attempts (exponential, with jitter)."""
        full = min(self.backoff_max, self.backoff_base * 2.0 ** max(0, attempts - 1))
        return full * (1.0 - self.jitter * random.random())


def hold_deliveries(session: Session, endpoint_id: str) -> None:
    """Put an endpoint's pending deliveries on hold (it was disabled): kept, not sent."""
    session.execute(
        update(Delivery)
        .where(Delivery.endpoint_id == endpoint_id, Delivery.status == "pending")
        .values(status="held", lease_until=None)
    )


def enable_endpoint(session: Session, endpoint: WebhookEndpoint) -> int:
    """Enable an endpoint again; its held deliveries become due in order of creation (each
    with a fresh retry window). Returns how many were held."""
    endpoint.disabled_at = None
    endpoint.disabled_reason = None
    endpoint.consecutive_failures = 0
    endpoint.failing_since = None
    result = session.execute(
        update(Delivery)
        .where(Delivery.endpoint_id == endpoint.id, Delivery.status == "held")
        .values(
            status="pending",
            next_attempt_at=Delivery.created_at,
            first_failed_at=None,
            lease_until=None,
        )
    )
    session.info["outbox_wakeup"] = True
    return int(result.rowcount)  # type: ignore[attr-defined]


class Dispatcher:
    """Delivers the outbox's pending deliveries from a background thread and a pool of
    attempt threads.

    Several dispatchers (one per uvicorn process) may share one database: a delivery is
    claimed with a conditional UPDATE (a lease), so only one of them sends it at a time. An
    endpoint never has more than ``per_endpoint`` attempts in flight in all of them (leased
    deliveries are counted), and an attempt never outlives ``timeout``, so a slow receiver
    delays only its own deliveries.
    """

    def __init__(self, sessions: sessionmaker[Session], policy: DeliveryPolicy) -> None:
        self.sessions = sessions
        self.policy = policy
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._inflight: dict[str, str] = {}  # delivery id -> endpoint id

    # -- lifecycle --------------------------------------------------------------

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, self.policy.concurrency), thread_name_prefix="rolefit-hook"
        )
        self._thread = threading.Thread(target=self._loop, name="rolefit-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        outbox.wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                started = self._dispatch()
            except Exception as exc:
                # never the message: a database error quotes the values it was given
                log.error("webhook dispatcher iteration failed\n%s", safe_traceback(exc))
                started = 0
            if started == 0 and not self._stop.is_set():
                outbox.wakeup.wait(self.policy.poll_seconds)
                outbox.wakeup.clear()

    def _busy(self) -> tuple[int, list[str]]:
        """Free attempt slots, and the endpoints that have no free slot."""
        with self._lock:
            counts: dict[str, int] = {}
            for endpoint_id in self._inflight.values():
                counts[endpoint_id] = counts.get(endpoint_id, 0) + 1
            free = self.policy.concurrency - len(self._inflight)
        full = [e for e, n in counts.items() if n >= self.policy.per_endpoint]
        return free, full

    def _dispatch(self) -> int:
        free, full = self._busy()
        if free <= 0 or self._pool is None:
            return 0
        claimed, lease = self._claim_due(free, exclude=full)
        for delivery_id, endpoint_id in claimed:
            with self._lock:
                self._inflight[delivery_id] = endpoint_id
            self._pool.submit(self._run, delivery_id, lease)
        return len(claimed)

    def _run(self, delivery_id: str, lease: dt.datetime) -> None:
        try:
            if not self._stop.is_set() and self._renew(delivery_id, lease):
                self.attempt(delivery_id)
        except Exception as exc:
            log.error("webhook attempt failed\n%s", safe_traceback(exc))
        finally:
            with self._lock:
                self._inflight.pop(delivery_id, None)
            outbox.wakeup.set()  # a slot is free

    # -- one pass -----------------------------------------------------------------

    def claim(self, limit: int = 16) -> list[str]:
        """Reserve up to ``limit`` due deliveries of enabled endpoints for this dispatcher."""
        return self._claim(limit)[0]

    def _claim(self, limit: int) -> tuple[list[str], dt.datetime]:
        claimed, lease = self._claim_due(limit)
        return [d for d, _ in claimed], lease

    def _claim_due(
        self, limit: int, exclude: list[str] | None = None
    ) -> tuple[list[tuple[str, str]], dt.datetime]:
        """Claim due deliveries, at most ``per_endpoint`` in flight per endpoint across every
        process sharing the database, none of ``exclude`` (endpoints whose slots here are
        full): returns ``(delivery id, endpoint id)`` pairs."""
        now = self.policy.clock()
        lease = now + dt.timedelta(seconds=self.policy.lease_seconds)
        free = or_(Delivery.lease_until.is_(None), Delivery.lease_until < now)
        leased = and_(Delivery.status == "pending", Delivery.lease_until >= now)
        with self.sessions.begin() as session:
            query = (
                select(Delivery.id, Delivery.endpoint_id)
                .join(WebhookEndpoint, WebhookEndpoint.id == Delivery.endpoint_id)
                .where(
                    Delivery.status == "pending",
                    Delivery.next_attempt_at <= now,
                    WebhookEndpoint.disabled_at.is_(None),
                    free,
                )
                .order_by(Delivery.next_attempt_at, Delivery.created_at, Delivery.id)
                .limit(limit * 8)
            )
            if exclude:
                query = query.where(Delivery.endpoint_id.not_in(exclude))
            due = session.execute(query).all()
            # a slow endpoint's own slots are full: its backlog never takes the others' turn
            per: dict[str, int] = {}
            claimed: list[tuple[str, str]] = []
            for delivery_id, endpoint_id in due:
                if len(claimed) >= limit:
                    break
                if endpoint_id not in per:
                    per[endpoint_id] = self._in_flight(session, endpoint_id, leased)
                if per[endpoint_id] >= self.policy.per_endpoint:
                    continue
                result = session.execute(
                    update(Delivery)
                    .where(and_(Delivery.id == delivery_id, Delivery.status == "pending", free))
                    .values(lease_until=lease)
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append((delivery_id, endpoint_id))
                    per[endpoint_id] = per.get(endpoint_id, 0) + 1
        return claimed, lease

    def _in_flight(self, session: Session, endpoint_id: str, leased: ColumnElement[bool]) -> int:
        """An endpoint's attempts in flight in every process (its leased deliveries); the
        per-endpoint limit, and the order of its deliveries, hold across processes.

        Two dispatchers count one after the other. PostgreSQL: the endpoint's row is locked
        first, and one whose row another is claiming for right now skips it this round (as
        if full) rather than wait or deadlock. SQLite: a write first takes the database's
        one write lock (pysqlite starts a transaction only at a write, so reads before it
        would not be serialised), after which the count is the latest.
        """
        if session.get_bind().dialect.name == "sqlite":
            failures = WebhookEndpoint.consecutive_failures
            session.execute(
                update(WebhookEndpoint)
                .where(WebhookEndpoint.id == endpoint_id)
                .values(consecutive_failures=failures)
            )
        else:
            locked = session.scalar(
                select(WebhookEndpoint.id)
                .where(WebhookEndpoint.id == endpoint_id)
                .with_for_update(skip_locked=True)
            )
            if locked is None:
                return self.policy.per_endpoint
        count = session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.endpoint_id == endpoint_id, leased)
        )
        return int(count or 0)

    def _renew(self, delivery_id: str, held: dt.datetime) -> bool:
        """Extend our lease on a claimed delivery just before sending it; False when it ran
        out meanwhile (slow attempts before it) and another dispatcher may have taken it."""
        lease = self.policy.clock() + dt.timedelta(seconds=self.policy.lease_seconds)
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
        """Send every due delivery once, in this thread; returns how many were attempted."""
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
        started = self.policy.clock()
        clock = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            # resolved once, checked, and connected to that address (no DNS rebinding);
            # redirects are not followed; one deadline for the whole attempt
            result = request(
                "POST",
                url,
                deadline=self.policy.timeout,
                body=body,
                headers={
                    **signed_headers(secret, msg_id, body),
                    "user-agent": "rolefit-webhooks/1",
                },
                allow_private=self.policy.allow_private,
                read_body=False,
            )
            status = result.status
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except UnsafeUrlError as exc:
            error = str(exc)[:500]
        except HttpDeadlineError:
            error = "timed out"
        except HttpError as exc:
            error = str(exc)[:500] or type(exc).__name__
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
        now = self.policy.clock()
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
                delivery.first_failed_at = None
                if endpoint is not None:
                    endpoint.consecutive_failures = 0
                    endpoint.failing_since = None
                return
            if delivery.first_failed_at is None:
                delivery.first_failed_at = now
            if endpoint is not None:
                endpoint.consecutive_failures += 1
                if endpoint.failing_since is None:
                    endpoint.failing_since = now
                failing = (now - endpoint.failing_since).total_seconds()
                if endpoint.disabled_at is None and (gone or failing >= self.policy.disable_after):
                    endpoint.disabled_at = now
                    endpoint.disabled_reason = (
                        "the endpoint answered 410 Gone"
                        if gone
                        else f"failing for {failing:.0f} s "
                        f"({endpoint.consecutive_failures} attempts in a row)"
                    )
                    session.flush()
                    hold_deliveries(session, endpoint.id)
                    delivery.status = "held"
                    log.warning("webhook endpoint disabled", extra={"endpoint_id": endpoint.id})
                    return
                if endpoint.disabled_at is not None:  # disabled while this attempt ran
                    delivery.status = "held"
                    return
            delay = self.policy.delay(delivery.attempts)
            next_at = now + dt.timedelta(seconds=delay)
            window_end = delivery.first_failed_at + dt.timedelta(seconds=self.policy.retry_window)
            capped = self.policy.max_attempts is not None and (
                delivery.attempts >= self.policy.max_attempts
            )
            # Past its window a delivery is failed only when the endpoint accepted something
            # since this one first failed: the receiver refuses this event. If the endpoint
            # has failed everything since then (an outage), it is kept and retried until the
            # receiver is back or the endpoint is disabled and holds it: never dropped.
            outage = endpoint is not None and (
                endpoint.failing_since is not None
                and endpoint.failing_since <= delivery.first_failed_at
            )
            if capped or (next_at > window_end and not outage):
                delivery.status = "failed"
            else:
                delivery.next_attempt_at = next_at
