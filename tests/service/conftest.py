"""A real rolefit server: uvicorn on 127.0.0.1 and a free port, spoken to with httpx."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.tools import free_port, server_command

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    """A running server: its URL, log file, data dir and the API keys made for it."""

    url: str
    log_path: Path
    data_dir: Path
    process: subprocess.Popen[bytes]
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, key: str | None = "all", **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[key]}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120, **kwargs)  # type: ignore[arg-type]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = httpx.get(self.url + "/readyz", timeout=5)
            if last.status_code == 200:
                return
            if last.json().get("status") == "failed":
                break
            time.sleep(0.3)
        pytest.fail(f"server not ready: {last and last.text}\n{self.log()[-4000:]}")


def make_keys(data_dir: Path) -> dict[str, str]:
    from service.auth import create_key
    from service.db import make_engine, session_factory, upgrade

    url = f"sqlite:///{data_dir / 'rolefit.db'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    scopes = {
        "all": ["*"],
        "match": ["resumes:match"],
        "parse": ["resumes:parse"],
        "taxonomy": ["taxonomy:read"],
    }
    keys = {
        name: create_key(sessions, name=f"test-{name}", scopes=s)[1] for name, s in scopes.items()
    }
    engine.dispose()
    return keys


def launch(
    tmp: Path,
    settings: dict[str, object],
    *,
    log_name: str = "server.log",
    new_session: bool = False,
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Run ``uvicorn --factory service.app:create_app`` (the production command) on a free
    port of 127.0.0.1 with ``ROLEFIT_<NAME>`` for each setting and no other ROLEFIT_ variable.

    Returns the process, its URL and its log file.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLEFIT_")}
    for name, value in settings.items():
        env[f"ROLEFIT_{name.upper()}"] = (
            str(value).lower() if isinstance(value, bool) else str(value)
        )
    port = free_port()
    log_path = tmp / log_name.format(port=port)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            server_command(port),
            cwd=tmp,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=new_session,
        )
    return process, f"http://127.0.0.1:{port}", log_path


def wait_started(server: Server, timeout: float, *, ready: bool = False) -> None:
    """Wait until ``/healthz`` answers (and ``/readyz`` too with ``ready``); on failure, stop
    the server and fail the test with the end of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"server exited with {server.process.returncode}:\n{server.log()[-4000:]}")
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                if ready:
                    server.wait_ready()
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    pytest.fail(f"server did not start:\n{server.log()[-4000:]}")


def start_server(tmp: Path, **settings: object) -> Server:
    """Start the production command with these settings over a SQLite file in ``tmp``."""
    data_dir = tmp / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    keys = make_keys(data_dir)
    process, url, log_path = launch(tmp, {"data_dir": data_dir, **settings})
    server = Server(url, log_path, data_dir, process, keys)
    wait_started(server, 60)
    return server


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(5)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The shared production-mode server: keys required, 2 workers, no queue, 4 s budget,
    1 MiB upload limit, 10 pages."""
    srv = start_server(
        tmp_path_factory.mktemp("server"),
        dev_mode=False,
        workers=2,
        queue_limit=0,
        parse_timeout=4,
        max_upload_bytes=1024 * 1024,
        max_pages=10,
        log_json=True,
        auth_cache_seconds=1,
        header_timeout=2,
    )
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture(scope="session")
def ready_server(server: Server) -> Server:
    """The shared server once every worker has built its Matcher."""
    server.wait_ready()
    return server
