"""Issue #17, first bullet, on the production schedule: a receiver outage never drops an event.

The dispatcher runs in this process with the service's default settings (5 s backoff doubling
to 4 h, a 72 h retry window, disabled after 5 days of continuous failure) and a simulated
clock: time jumps to the next due attempt instead of passing, so days of outage take seconds.
The receiver is real (127.0.0.1), down (503) for the outage and up after it; SQLite and
PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.jobboard import outbox, webhooks
from service.jobboard.runtime import delivery_policy
from service.settings import Settings
from service.storage import repositories as repo
from service.storage.models import Delivery, WebhookEndpoint, utcnow
from tests.resilience.net import receiver

pytestmark = [pytest.mark.resilience, pytest.mark.issue(17)]

MINUTE = 60.0
DAY = 86400.0


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Outcome:
    events: list[str]  # ids in order of creation
    accepted: list[str]  # webhook-ids the receiver answered 200, in order
    failed_attempts: int
    disabled: bool  # the endpoint was disabled during the outage
    statuses: Counter[str]
    last_delivery: float  # seconds after the outage ended


def _next_due(sessions: sessionmaker[Session]) -> dt.datetime | None:
    with sessions() as s:
        due: dt.datetime | None = s.scalar(
            select(func.min(Delivery.next_attempt_at))
            .join(WebhookEndpoint, WebhookEndpoint.id == Delivery.endpoint_id)
            .where(Delivery.status == "pending", WebhookEndpoint.disabled_at.is_(None))
        )
    return due


def _simulate(sessions: sessionmaker[Session], outage: float, created: list[float]) -> Outcome:
    """Receiver down for ``outage`` simulated seconds, then up; an event at each offset of
    ``created``. A disabled endpoint is enabled once the receiver is back, as an operator
    would (``POST .../enable``)."""
    start = utcnow()
    clock = Clock(start)
    policy = dataclasses.replace(
        delivery_policy(Settings.model_construct(allow_private_urls=True)), clock=clock
    )
    assert policy.disable_after == 5 * DAY, "the production defaults"
    dispatcher = webhooks.Dispatcher(sessions, policy)
    back = start + dt.timedelta(seconds=outage)
    todo = sorted(created)
    events: list[str] = []
    disabled = False
    with receiver() as hooks:
        hooks.set("main", "down")
        with sessions.begin() as s:
            endpoint = repo.create_endpoint(s, url=f"{hooks.url}/hooks/main", event_types=[])
            s.flush()
            endpoint_id = endpoint.id
        try:
            while True:
                while todo and start + dt.timedelta(seconds=todo[0]) <= clock.now:
                    with sessions.begin() as s:
                        n = len(events)
                        events.append(outbox.emit(s, outbox.JOB_UPDATED, {"n": n}).id)
                    todo.pop(0)
                if clock.now >= back:
                    hooks.set("main", "up")
                    with sessions.begin() as s:
                        state = s.get(WebhookEndpoint, endpoint_id)
                        assert state is not None
                        if state.disabled_at is not None:
                            disabled = True
                            webhooks.enable_endpoint(s, state)
                while dispatcher.run_once():
                    pass
                steps = [_next_due(sessions)]
                steps.append(start + dt.timedelta(seconds=todo[0]) if todo else None)
                steps.append(back if clock.now < back else None)
                upcoming = [t for t in steps if t is not None]
                if not upcoming:
                    break
                clock.now = max(clock.now, min(upcoming))
        finally:
            dispatcher.stop()
        received = hooks.got("main")
    with sessions() as s:
        statuses = Counter(s.scalars(select(Delivery.status)))
        last = s.scalar(select(func.max(Delivery.delivered_at)))
    assert last is not None
    return Outcome(
        events=events,
        accepted=[r.webhook_id for r in received if r.status == 200],
        failed_attempts=sum(r.status != 200 for r in received),
        disabled=disabled,
        statuses=statuses,
        last_delivery=(last - back).total_seconds(),
    )


def test_a_ten_minute_outage_delivers_every_event_exactly_once(
    sessions: sessionmaker[Session],
) -> None:
    """The issue's case: with the old "20 failures in a row" rule the endpoint was disabled
    21.5 s into the outage and later events were lost."""
    got = _simulate(sessions, 10 * MINUTE, [n * MINUTE for n in range(10)])
    assert Counter(got.accepted) == dict.fromkeys(got.events, 1), "each webhook-id once"
    assert got.statuses == {"delivered": 10}
    assert not got.disabled
    assert got.failed_attempts > 20, "many failures, across deliveries"
    assert got.last_delivery < 11 * MINUTE, "the next retry after the outage delivers"


def test_a_four_day_outage_delivers_every_event_exactly_once(
    sessions: sessionmaker[Session],
) -> None:
    """Longer than the 72 h retry window, shorter than the 5 days that disable: the first
    events' windows run out while the receiver is still down, yet they are delivered."""
    outage = 4 * DAY
    got = _simulate(sessions, outage, [f * outage for f in (0, 0.01, 0.25, 0.5, 0.9)])
    assert Counter(got.accepted) == dict.fromkeys(got.events, 1), "each webhook-id once"
    assert got.statuses == {"delivered": 5}
    assert not got.disabled
    assert got.last_delivery <= 4 * 3600, "within the longest backoff (4 h) of the recovery"


def test_a_six_day_outage_holds_events_and_enable_sends_them_in_order(
    sessions: sessionmaker[Session],
) -> None:
    """Longer than 5 days: the endpoint is disabled, every event (from before and while it
    is disabled) is held, and enabling it sends them all, once, in order of creation."""
    outage = 6 * DAY
    got = _simulate(sessions, outage, [f * outage for f in (0, 0.01, 0.25, 0.5, 0.9, 0.95)])
    assert Counter(got.accepted) == dict.fromkeys(got.events, 1), "each webhook-id once"
    assert got.accepted == got.events, "held deliveries are sent in order of creation"
    assert got.statuses == {"delivered": 6}
    assert got.disabled
