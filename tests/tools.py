"""External tools some tests need (LibreOffice, Chromium, PostgreSQL) and what to do without them.

On a developer's machine with only Python and pip, ``make test`` must pass: a test that needs a
missing tool is skipped, with the reason, and the end of the run lists those tests and the one
command that installs the tools (``terminal_summary``, called from ``tests/conftest.py``). In
CI (``ROLEFIT_TEST_STRICT=1``, set by ``.ci/run``, which installs the tools first) a missing
tool fails the test instead, so a broken install step can never turn into a quietly green run.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NoReturn

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
        "--http",
        "service.http:HeadTimeoutProtocol",
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


# What a skip reason names -> the Debian package that provides it (the ones .ci/run installs).
PACKAGES = (
    ("LibreOffice", "libreoffice-writer"),
    ("Chromium", "chromium"),
    ("PostgreSQL", "postgresql"),
    ("poppler", "poppler-utils"),
    ("Tesseract", "tesseract-ocr"),
)


def _reason(report: Any) -> str:
    longrepr = getattr(report, "longrepr", None)
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")


def skipped_for_tools(reports: Iterable[Any]) -> tuple[list[tuple[str, str]], list[str]]:
    """The skipped tests whose reason names a system tool, and the packages that provide it."""
    tests: list[tuple[str, str]] = []
    packages: list[str] = []
    for report in reports:
        reason = _reason(report)
        found = [pkg for name, pkg in PACKAGES if name.casefold() in reason.casefold()]
        if not found:
            continue
        tests.append((str(report.nodeid), reason))
        packages.extend(p for p in found if p not in packages)
    return tests, packages


def install_command(packages: Iterable[str]) -> str:
    """The one command that installs these packages (as root, as ``.ci/run`` does)."""
    return "sudo apt-get install -y --no-install-recommends " + " ".join(
        sorted(set(packages) | {"fonts-dejavu"})
    )


def terminal_summary(terminalreporter: Any) -> None:
    """At the end of the run: which tests were skipped for a missing system tool, and the one
    command that enables them."""
    tests, packages = skipped_for_tools(terminalreporter.stats.get("skipped", ()))
    if not tests:
        return
    write = terminalreporter.write_line
    terminalreporter.section("skipped for missing system tools", sep="=", yellow=True)
    shown = 20
    for nodeid, reason in tests[:shown]:
        write(f"SKIPPED {nodeid}: {reason}")
    if len(tests) > shown:
        write(f"... and {len(tests) - shown} more")
    write(f"{len(tests)} test(s) skipped because a system tool is missing. Enable them with:")
    write(f"    {install_command(packages)}")
    write("(.ci/run installs them itself when it runs as root.)")
