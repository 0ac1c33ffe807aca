"""A real rolefit server for the job-board API tests: ``uvicorn --factory service.app:create_app``
on 127.0.0.1 over a SQLite file or a PostgreSQL database, with API keys made on that database.
"""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from tests.service.conftest import Server, launch, stop_server, wait_started

__all__ = ["SETTINGS", "ApiServer", "kill_server", "make_keys", "start_server", "stop_server"]


@dataclass
class ApiServer(Server):
    """A running server and the database it uses."""

    db_url: str = ""


# Fast retries and polls, and loopback allowed for the local feed server and webhook receiver.
SETTINGS: dict[str, object] = {
    "dev_mode": False,
    "workers": 2,
    "queue_limit": 8,
    "parse_timeout": 20,
    "max_upload_bytes": 4 * 1024 * 1024,
    "log_json": True,
    "auth_cache_seconds": 1,
    "allow_private_urls": True,
    "fetch_timeout": 1.5,
    "fetch_max_bytes": 200_000,
    "fetch_concurrency": 2,
    "webhook_timeout": 3,
    "webhook_backoff_seconds": 0.4,
    "webhook_backoff_max_seconds": 2,
    "webhook_max_attempts": 4,
    "outbox_poll_seconds": 0.2,
    "purge_interval_seconds": 1,
}

SCOPES = {
    "all": ["*"],
    "read": ["jobs:read"],
    "write": ["jobs:write"],
    "match": ["resumes:match"],
}


def make_keys(db_url: str) -> dict[str, str]:
    """Migrate the database and create one key per entry of ``SCOPES``."""
    from service.auth import create_key
    from service.db import make_engine, session_factory, upgrade

    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        sessions = session_factory(engine)
        return {
            name: create_key(sessions, name=f"test-{name}", scopes=scopes)[1]
            for name, scopes in SCOPES.items()
        }
    finally:
        engine.dispose()


def start_server(
    tmp: Path, db_url: str, keys: dict[str, str] | None = None, **overrides: object
) -> ApiServer:
    """Start the production command on ``db_url`` and wait until it answers /healthz."""
    data_dir = tmp / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    keys = keys if keys is not None else make_keys(db_url)
    process, url, log_path = launch(
        tmp,
        {"data_dir": data_dir, "database_url": db_url, **SETTINGS, **overrides},
        log_name="server-{port}.log",
        new_session=True,  # kill_server() takes its worker processes down too
    )
    server = ApiServer(url, log_path, data_dir, process, keys, db_url)
    wait_started(server, 90, ready=True)
    return server


def kill_server(server: Server) -> None:
    """SIGKILL the server's whole process group: no shutdown code runs (a crash)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(10)
