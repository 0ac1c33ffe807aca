"""External tools some tests need (LibreOffice, Chromium, PostgreSQL) and what to do without them.

On a developer's machine with only Python and pip, ``make test`` must pass: a test that needs a
missing tool is skipped, with the reason. In CI (``ROLEFIT_TEST_STRICT=1``, set by ``.ci/run``,
which installs the tools first) a missing tool fails the test instead, so a broken install step
can never turn into a quietly green run.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NoReturn

import pytest

STRICT = os.environ.get("ROLEFIT_TEST_STRICT", "").lower() in {"1", "true", "yes"}


def missing(reason: str) -> NoReturn:
    """Skip (developer machine) or fail (CI) a test whose tool is not installed."""
    if STRICT:
        pytest.fail(f"{reason} (ROLEFIT_TEST_STRICT=1: CI installs this tool)", pytrace=False)
    pytest.skip(reason)


def which(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def require(*names: str, what: str) -> str:
    """The path of the first of ``names`` on PATH, or skip/fail the test naming ``what``."""
    path = which(*names)
    if path is None:
        missing(f"{what} is not installed ({' or '.join(names)} not on PATH)")
    return path


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(port: int, *options: str) -> list[str]:
    """The command that starts the service on 127.0.0.1:``port`` as ``make run`` does (uvicorn
    and the app factory), plus uvicorn ``options``; tests and the serving bench both use it."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "service.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]


@contextmanager
def local_server(handler: type[BaseHTTPRequestHandler], name: str = "local-http") -> Iterator[str]:
    """Serve ``handler`` on a free port of 127.0.0.1 from a thread while the block runs; yields
    the base URL (the stand-in for a webhook receiver or a feed host)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, name=name, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
