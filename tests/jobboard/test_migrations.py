"""Migrations run by several processes at once (``uvicorn --workers N`` starting on an empty
database) all succeed: a lock file for SQLite, an advisory lock on PostgreSQL; a populated
database from before 0003 keeps working after it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from tests.jobboard.local_http import LocalHttp
from tests.jobboard.pg import PgServer

ROOT = Path(__file__).resolve().parents[2]


def _head(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    from service.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def _upgrade_concurrently(url: str, processes: int = 3) -> list[tuple[int, str]]:
    code = f"from service.db import upgrade; upgrade({url!r})"
    running = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    return [(p.wait(120), (p.stderr.read() if p.stderr else "")[-500:]) for p in running]


@pytest.mark.slow
@pytest.mark.postgres
def test_migrations_concurrent_upgrades_on_postgresql(pg_server: PgServer) -> None:
    from service.db import current_revision

    name = pg_server.create_database()
    try:
        url = pg_server.url(name)
        results = _upgrade_concurrently(url)
        assert [code for code, _ in results] == [0, 0, 0], results
        assert current_revision(url) == _head(url)
    finally:
        pg_server.drop_database(name)


@pytest.mark.slow
def test_migrations_concurrent_upgrades_on_sqlite(tmp_path: Path) -> None:
    from service.db import current_revision

    url = f"sqlite:///{tmp_path / 'rolefit.db'}"
    results = _upgrade_concurrently(url)
    assert [code for code, _ in results] == [0, 0, 0], results
    assert current_revision(url) == _head(url)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_migrations_a_populated_0002_database_keeps_its_webhooks_and_keys(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, local: LocalHttp
) -> None:
    """An existing database from before 0003 (issue #17): an endpoint the old "20 failures in
    a row" rule disabled, its pending delivery, and keys taken without a lease. After the
    upgrade the endpoint is enabled and its delivery sent; a running key without a lease is
    in progress for 10 minutes from its start, then free."""
    from sqlalchemy import MetaData

    from service.db import make_engine, session_factory, upgrade
    from service.jobboard import webhooks
    from service.storage import idempotency
    from service.storage.models import Delivery, WebhookEndpoint, utcnow
    from service.storage.repositories import new_secret
    from tests.jobboard.helpers import unique

    hook = unique("old")
    pg: PgServer | None = request.getfixturevalue("pg_server") if backend == "postgres" else None
    name = pg.create_database() if pg is not None else ""
    url = pg.url(name) if pg is not None else f"sqlite:///{tmp_path / 'rolefit.db'}"
    upgrade(url, "0002")
    engine = make_engine(url)
    try:
        now = utcnow()
        secret = new_secret()
        old = MetaData()
        old.reflect(engine)
        keys = {"principal": "key_1", "method": "POST", "path": "/v1/jobs:import"}
        with engine.begin() as c:
            c.execute(
                old.tables["webhook_endpoints"].insert(),
                {
                    "id": "ep_old",
                    "url": f"{local.url}/hooks/{hook}",
                    "event_types": [],
                    "secret": secret,
                    "consecutive_failures": 20,
                    "disabled_at": now,
                    "disabled_reason": "20 failures in a row",
                    "created_at": now,
                },
            )
            c.execute(
                old.tables["events"].insert(),
                {"id": "msg_old", "type": "job.updated", "data": {"n": 1}, "created_at": now},
            )
            c.execute(
                old.tables["deliveries"].insert(),
                {
                    "id": "dlv_old",
                    "event_id": "msg_old",
                    "endpoint_id": "ep_old",
                    "status": "pending",
                    "attempts": 20,
                    "next_attempt_at": now,
                    "created_at": now,
                },
            )
            for key, age in (("fresh", 1), ("stale", 11)):
                c.execute(
                    old.tables["idempotency_records"].insert(),
                    {
                        **keys,
                        "id": f"idem_{key}",
                        "key": key,
                        "fingerprint": "f",
                        "status": "running",
                        "created_at": now - dt.timedelta(minutes=age),
                        "expires_at": now + dt.timedelta(hours=1),
                    },
                )
        engine.dispose()
        upgrade(url)
        sessions = session_factory(engine)
        local.hook(hook, secret)
        with sessions.begin() as s:
            endpoint = s.get(WebhookEndpoint, "ep_old")
            assert endpoint is not None
            assert endpoint.failing_since is None
            assert webhooks.enable_endpoint(s, endpoint) == 0, "nothing was held before 0003"
        dispatcher = webhooks.Dispatcher(sessions, webhooks.DeliveryPolicy(allow_private=True))
        try:
            assert dispatcher.run_once() == 1
        finally:
            dispatcher.stop()
        with sessions() as s:
            delivery = s.get(Delivery, "dlv_old")
            assert delivery is not None
            assert delivery.status == "delivered"
        with pytest.raises(idempotency.KeyInProgressError):
            idempotency.begin(sessions, **keys, key="fresh", fingerprint="f", hours=1)
        taken = idempotency.begin(sessions, **keys, key="stale", fingerprint="f", hours=1)
        assert isinstance(taken, str)
        assert taken != "idem_stale"
        assert [d.id for d in local.deliveries(hook)] == ["msg_old"]
    finally:
        engine.dispose()
        if pg is not None:
            pg.drop_database(name)
