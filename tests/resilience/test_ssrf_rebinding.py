"""Issue #17: a name that answers a public address to the guard's check and a loopback one
afterwards (DNS rebinding) reaches nothing, for feeds and for webhooks; nor does a name that
answers an IPv6 address wrapping loopback (6to4, ``2002:7f00:1::``: 127.0.0.1 where a 6to4
relay is configured).

The resolver is ours (``socket.getaddrinfo`` patched in this process): the fake public address
is refused at connect time, so nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.jobboard import outbox
from service.jobboard.importers import FetchError, fetch_feed
from service.jobboard.webhooks import DeliveryPolicy, Dispatcher
from service.storage import repositories as repo
from service.storage.models import DeliveryAttempt
from tests.jobboard.conftest import db_url, engine, local, sessions
from tests.jobboard.local_http import LocalHttp
from tests.resilience.net import FakeDns, receiver

__all__ = ["db_url", "engine", "local", "sessions"]

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]

PUBLIC = "93.184.215.14"


def _rebinding(monkeypatch: pytest.MonkeyPatch, name: str) -> FakeDns:
    dns = FakeDns(answers={name: [[PUBLIC], ["127.0.0.1"]]})
    dns.install(monkeypatch)
    return dns


def test_a_rebinding_feed_name_is_refused(
    local: LocalHttp, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = local.url.rsplit(":", 1)[1]
    dns = _rebinding(monkeypatch, "feeds.rebind.example")
    with pytest.raises(FetchError) as failed:
        fetch_feed(f"http://feeds.rebind.example:{port}/feeds/greenhouse.json", timeout=3)
    assert failed.value.kind == "unreachable"
    assert dns.lookups == ["feeds.rebind.example"], "resolved once"
    assert "127.0.0.1" not in dns.connects
    assert dns.connects == [PUBLIC], "connected only to the address that was checked"


def test_a_rebinding_webhook_name_is_refused(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    with receiver() as hooks:
        port = hooks.url.rsplit(":", 1)[1]
        with sessions.begin() as s:
            endpoint = repo.create_endpoint(
                s, url=f"http://hooks.rebind.example:{port}/hooks/evil", event_types=[]
            )
            s.flush()
            outbox.emit(s, outbox.WEBHOOK_TEST, {"endpoint_id": endpoint.id})
        dns = _rebinding(monkeypatch, "hooks.rebind.example")
        dispatcher = Dispatcher(sessions, DeliveryPolicy(allow_private=False, timeout=3))
        try:
            assert dispatcher.run_once() == 1
        finally:
            dispatcher.stop()
        assert hooks.got("evil") == [], "the loopback receiver got nothing"
    with sessions() as s:
        [attempt] = s.scalars(select(DeliveryAttempt)).all()
    assert not attempt.success
    assert attempt.status_code is None
    assert dns.connects == [PUBLIC]


SIX_TO_FOUR_LOOPBACK = "2002:7f00:1::"  # 6to4 for 127.0.0.1


def test_a_feed_name_answering_6to4_wrapped_loopback_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dns = FakeDns(answers={"feeds.6to4.example": [[SIX_TO_FOUR_LOOPBACK]]})
    dns.install(monkeypatch)
    with pytest.raises(FetchError) as failed:
        fetch_feed("http://feeds.6to4.example/feeds/greenhouse.json", timeout=3)
    assert failed.value.kind == "url-refused"
    assert dns.connects == [], "refused before any connection"


def test_a_webhook_name_answering_6to4_wrapped_loopback_is_refused(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    with sessions.begin() as s:
        endpoint = repo.create_endpoint(
            s, url="http://hooks.6to4.example/hooks/evil", event_types=[]
        )
        s.flush()
        outbox.emit(s, outbox.WEBHOOK_TEST, {"endpoint_id": endpoint.id})
    dns = FakeDns(answers={"hooks.6to4.example": [[SIX_TO_FOUR_LOOPBACK]]})
    dns.install(monkeypatch)
    dispatcher = Dispatcher(sessions, DeliveryPolicy(allow_private=False, timeout=3))
    try:
        assert dispatcher.run_once() == 1
    finally:
        dispatcher.stop()
    with sessions() as s:
        [attempt] = s.scalars(select(DeliveryAttempt)).all()
    assert not attempt.success
    assert "private, loopback or reserved" in (attempt.error or "")
    assert dns.connects == []
