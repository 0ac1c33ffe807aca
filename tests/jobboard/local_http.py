"""A local HTTP server on 127.0.0.1 for the job-board tests: it serves job-board feeds (and
misbehaving URLs: slow, huge, redirecting, failing) and receives webhooks, verifying each
Standard Webhooks signature on its own (not with the service's code).

```
GET  /feeds/<file>            a sample feed from tests/jobboard/feeds/
GET  /slow?seconds=S          answers after S seconds
GET  /big?bytes=N[&chunked=1] N bytes of JSON, with or without a Content-Length
GET  /redirect?to=URL         302 to URL (POST: 307)
GET  /loop                    302 to itself
GET  /status/<code>           that status
POST /hooks/<name>            a webhook: 400 when the signature does not verify, else the
                              next scripted status of <name> (default 200)
```
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.tools import local_server

FEEDS = Path(__file__).resolve().parent / "feeds"


def verify_signature(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification, written from the spec (independent of service/)."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id = lower["webhook-id"]
        timestamp = lower["webhook-timestamp"]
        signatures = lower["webhook-signature"]
    except KeyError:
        return False
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    expected = base64.b64encode(mac).decode()
    return any(
        version == "v1" and hmac.compare_digest(value, expected)
        for version, _, value in (s.partition(",") for s in signatures.split())
    )


@dataclass
class Delivery:
    """One webhook request as received."""

    hook: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int
    received_at: float

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass
class LocalHttp:
    """The running server, what it received and what it is told to answer."""

    url: str = ""
    secrets: dict[str, str] = field(default_factory=dict)
    script: dict[str, list[int]] = field(default_factory=dict)
    received: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def hook(self, name: str, secret: str, statuses: list[int] | None = None) -> None:
        """Accept webhooks on /hooks/<name> signed with ``secret``; answer ``statuses`` first."""
        with self.lock:
            self.secrets[name] = secret
            self.script[name] = list(statuses or [])

    def deliveries(self, name: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.received if d.hook == name]

    def wait_for(self, name: str, predicate: Any, timeout: float = 60.0) -> list[Delivery]:
        """Wait until ``predicate(deliveries of name)`` holds; returns those deliveries."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [d for d in self.received if d.hook == name]
                if predicate(found):
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"webhooks on {name} after {timeout:g} s: "
                        f"{[(d.payload.get('type'), d.status) for d in found]}"
                    )
                self.changed.wait(left)

    def record(self, delivery: Delivery) -> None:
        with self.changed:
            self.received.append(delivery)
            self.changed.notify_all()

    def next_status(self, name: str) -> int:
        with self.lock:
            queue = self.script.get(name)
            return queue.pop(0) if queue else 200


def _handler(state: LocalHttp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, body: bytes = b"", ctype: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            path = parts.path
            if path.startswith("/feeds/"):
                file = FEEDS / Path(path).name
                if not file.is_file():
                    self._send(404, b"{}")
                    return
                ctype = "text/html" if file.suffix == ".html" else "application/json"
                self._send(200, file.read_bytes(), ctype)
            elif path == "/slow":
                time.sleep(float(query.get("seconds", "5")))
                self._send(200, b'{"jobs": []}')
            elif path == "/big":
                size = int(query.get("bytes", "1000000"))
                chunk = b" " * 65536
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if query.get("chunked"):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    sent = 0
                    try:
                        while sent < size:
                            piece = chunk[: min(len(chunk), size - sent)]
                            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                            sent += len(piece)
                        self.wfile.write(b"0\r\n\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self.send_header("Content-Length", str(size))
                self.end_headers()
                try:
                    for start in range(0, size, len(chunk)):
                        self.wfile.write(chunk[: min(len(chunk), size - start)])
                except (BrokenPipeError, ConnectionResetError):
                    pass
            elif path == "/redirect":
                self.send_response(302)
                self.send_header("Location", query["to"])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path.startswith("/status/"):
                self._send(int(path.rsplit("/", 1)[1]), b"{}")
            else:
                self._send(404, b"{}")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            path = parts.path
            if path == "/redirect":
                self.send_response(307)
                self.send_header("Location", parse_qs(parts.query)["to"][0])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if not path.startswith("/hooks/"):
                self._send(404, b"{}")
                return
            name = path.removeprefix("/hooks/")
            headers = {k.lower(): v for k, v in self.headers.items()}
            secret = state.secrets.get(name)
            verified = secret is not None and verify_signature(secret, headers, body)
            status = state.next_status(name) if verified else 400
            state.record(Delivery(name, headers, body, verified, status, time.time()))
            self._send(status, b"{}")

    return Handler


def serve() -> Iterator[LocalHttp]:
    """Run the server in a thread for as long as the generator is open."""
    state = LocalHttp()
    with local_server(_handler(state)) as url:
        state.url = url
        yield state
