"""A real rolefit server for the job-board API tests: ``uvicorn --factory service.app:create_app``
on 127.0.0.1 over a SQLite file or a PostgreSQL database, with API keys made on that database.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.service.conftest import Server, free_port, stop_server

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
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLEFIT_")}
    env["ROLEFIT_DATA_DIR"] = str(data_dir)
    env["ROLEFIT_DATABASE_URL"] = db_url
    for name, value in {**SETTINGS, **overrides}.items():
        env[f"ROLEFIT_{name.upper()}"] = (
            str(value).lower() if isinstance(value, bool) else str(value)
        )
    port = free_port()
    log_path = tmp / f"server-{port}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "service.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=tmp,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # kill_server() takes its worker processes down too
        )
    server = ApiServer(f"http://127.0.0.1:{port}", log_path, data_dir, process, keys, db_url)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{server.log()[-4000:]}")
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                server.wait_ready()
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    pytest.fail(f"server did not start:\n{server.log()[-4000:]}")


def kill_server(server: Server) -> None:
    """SIGKILL the server's whole process group: no shutdown code runs (a crash)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(10)
