"""The webhook dispatcher in process (SQLite and PostgreSQL): the address guard at send time,
redirects never followed, and a lease that lapsed is not sent twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from service.jobboard import outbox
from service.jobboard.webhooks import DeliveryPolicy, Dispatcher
from service.storage import repositories as repo
from service.storage.models import Delivery, DeliveryAttempt, utcnow
from tests.jobboard.helpers import unique
from tests.jobboard.local_http import LocalHttp


def _queue(sessions: sessionmaker[Session], url: str) -> str:
    with sessions.begin() as s:
        endpoint = repo.create_endpoint(s, url=url, event_types=[])
        s.flush()
        event = outbox.emit(s, outbox.WEBHOOK_TEST, {"endpoint_id": endpoint.id})
        return event.id


def _attempts(sessions: sessionmaker[Session]) -> list[DeliveryAttempt]:
    with sessions() as s:
        return list(s.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.number)))


def test_dispatcher_refuses_a_loopback_endpoint_unless_allowed(
    sessions: sessionmaker[Session], local: LocalHttp
) -> None:
    name = unique("guard")
    _queue(sessions, f"{local.url}/hooks/{name}")
    refusing = Dispatcher(sessions, DeliveryPolicy(allow_private=False, backoff_base=0.0))
    try:
        assert refusing.run_once() == 1
    finally:
        refusing.stop()
    [attempt] = _attempts(sessions)
    assert not attempt.success
    assert attempt.status_code is None
    assert "private, loopback or reserved" in (attempt.error or "")
    assert local.deliveries(name) == [], "nothing was sent"


def test_dispatcher_does_not_follow_redirects(
    sessions: sessionmaker[Session], local: LocalHttp
) -> None:
    name = unique("redirect")
    local.hook(name, "whsec_" + "A" * 44)
    _queue(sessions, f"{local.url}/redirect?to=/hooks/{name}")
    dispatcher = Dispatcher(sessions, DeliveryPolicy(allow_private=True))
    try:
        dispatcher.run_once()
    finally:
        dispatcher.stop()
    [attempt] = _attempts(sessions)
    assert (attempt.status_code, attempt.error, attempt.success) == (307, "HTTP 307", False)
    assert local.deliveries(name) == []
    with sessions() as s:
        delivery = s.scalars(select(Delivery)).one()
    assert delivery.status == "pending", "retried later"
    assert delivery.next_attempt_at > utcnow()


def test_dispatcher_skips_a_delivery_whose_lease_another_took(
    sessions: sessionmaker[Session], local: LocalHttp
) -> None:
    name = unique("lease")
    _queue(sessions, f"{local.url}/hooks/{name}")
    dispatcher = Dispatcher(sessions, DeliveryPolicy(allow_private=True))
    try:
        claimed, lease = dispatcher._claim(16)
        assert len(claimed) == 1
        with sessions.begin() as s:  # our lease ran out and another dispatcher claimed it
            s.execute(update(Delivery).values(lease_until=utcnow() + dt.timedelta(seconds=60)))
        assert dispatcher._renew(claimed[0], lease) is False
    finally:
        dispatcher.stop()
    assert local.deliveries(name) == []
    assert _attempts(sessions) == []
