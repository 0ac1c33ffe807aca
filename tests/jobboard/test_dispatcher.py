"""The webhook dispatcher in process (SQLite and PostgreSQL): the address guard at send time,
redirects never followed, a lease that lapsed is not sent twice, and the per-endpoint limit
holds across processes."""

from __future__ import annotations

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from service.jobboard import outbox
from service.jobboard.webhooks import DeliveryPolicy, Dispatcher, enable_endpoint
from service.storage import repositories as repo
from service.storage.models import Delivery, DeliveryAttempt, WebhookEndpoint, utcnow
from tests.jobboard.helpers import unique
from tests.jobboard.local_http import LocalHttp
from tests.tools import local_server


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


def test_two_processes_send_one_endpoint_its_released_deliveries_one_at_a_time_in_order(
    sessions: sessionmaker[Session],
) -> None:
    """Two dispatchers on one database (two uvicorn processes, as docs/service.md deploys):
    an endpoint enabled again gets its held deliveries one at a time, in order of creation,
    not one per process at once (issue #17)."""
    state = {"active": 0, "most": 0}
    order: list[str] = []
    lock = threading.Lock()

    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                state["active"] += 1
                state["most"] = max(state["most"], state["active"])
                order.append(self.headers["webhook-id"])
            time.sleep(0.15)  # long enough for the other process to claim meanwhile
            with lock:
                state["active"] -= 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    policy = DeliveryPolicy(allow_private=True, poll_seconds=0.05)
    with local_server(Receiver) as url:
        with sessions.begin() as s:
            endpoint = repo.create_endpoint(s, url=f"{url}/hooks/ordered", event_types=[])
            endpoint.disabled_at = utcnow()
            s.flush()
            events = [outbox.emit(s, outbox.JOB_UPDATED, {"n": n}).id for n in range(6)]
        dispatchers = [Dispatcher(sessions, policy) for _ in range(2)]
        for dispatcher in dispatchers:
            dispatcher.start()
        try:
            with sessions.begin() as s:
                held = s.get(WebhookEndpoint, endpoint.id)
                assert held is not None
                assert enable_endpoint(s, held) == 6
            deadline = time.monotonic() + 30
            while len(order) < 6:
                assert time.monotonic() < deadline, order
                time.sleep(0.05)
        finally:
            for dispatcher in dispatchers:
                dispatcher.stop()
    assert state["most"] == 1, "one attempt in flight per endpoint, across processes"
    assert order == events, "in order of creation"
