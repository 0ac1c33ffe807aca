"""A network the resilience tests control, on 127.0.0.1 only.

- ``Receiver``: a webhook receiver whose hooks can be up (200), down (503) or slow (answer
  after N seconds); it records every request it got (hook, webhook-id, status, time).
- ``FakeDns``: ``socket.getaddrinfo`` answers chosen per call for chosen names (a rebinding
  name answers a public address first, then loopback), and connections to the fake public
  addresses are refused (or routed to a local port) so nothing leaves the machine.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.tools import local_server


@dataclass(frozen=True)
class Received:
    hook: str
    webhook_id: str
    status: int
    at: float


@dataclass
class Receiver:
    url: str = ""
    modes: dict[str, str] = field(default_factory=dict)  # hook -> "up" | "down" | "slow:S"
    feeds: dict[str, bytes] = field(default_factory=dict)  # GET /feeds/<name> ("hang": never)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, hook: str, mode: str) -> None:
        with self.lock:
            self.modes[hook] = mode

    def got(self, hook: str, status: int | None = None) -> list[Received]:
        with self.lock:
            return [
                r
                for r in self.received
                if r.hook == hook and (status is None or r.status == status)
            ]

    def wait(self, hook: str, count: int, timeout: float = 30.0) -> list[Received]:
        """Wait until ``hook`` accepted (200) ``count`` deliveries."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ok = self.got(hook, 200)
            if len(ok) >= count:
                return ok
            time.sleep(0.05)
        raise AssertionError(f"{hook}: {len(self.got(hook, 200))} of {count} accepted")


def _receiver_handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            name = self.path.rsplit("/", 1)[-1]
            with state.lock:
                mode = state.modes.get(name, "up")
                body = state.feeds.get(name, b"{}")
                state.received.append(Received(name, "", 0, time.monotonic()))
            if mode == "hang":
                time.sleep(60)
                return
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            hook = self.path.rsplit("/", 1)[-1]
            with state.lock:
                mode = state.modes.get(hook, "up")
            if mode.startswith("slow:"):
                time.sleep(float(mode.split(":", 1)[1]))
                status = 200
            else:
                status = 200 if mode == "up" else 503
            with state.lock:
                state.received.append(
                    Received(hook, self.headers.get("webhook-id", ""), status, time.monotonic())
                )
            try:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            except OSError:
                pass

    return Handler


@contextmanager
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    with local_server(_receiver_handler(state), name="webhook-receiver") as url:
        state.url = url
        yield state


@dataclass
class FakeDns:
    """Answers for chosen names, one list of addresses per lookup (the last one repeats)."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    routes: dict[str, int] = field(default_factory=dict)  # fake public address -> local port
    lookups: list[str] = field(default_factory=list)
    connects: list[str] = field(default_factory=list)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_lookup = socket.getaddrinfo
        real_connect = socket.socket.connect

        def lookup(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else host
            if name in self.answers:
                self.lookups.append(name)
                queue = self.answers[name]
                addresses = queue.pop(0) if len(queue) > 1 else queue[0]
                return [
                    (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, int(port or 80), 0, 0))
                    if ":" in address
                    else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))
                    for address in addresses
                ]
            return real_lookup(host, port, *args, **kwargs)

        def connect(sock: socket.socket, address: Any) -> None:
            if isinstance(address, tuple):
                self.connects.append(str(address[0]))
                if str(address[0]) in self.routes:
                    real_connect(sock, ("127.0.0.1", self.routes[str(address[0])]))
                    return
                if not str(address[0]).startswith("127."):
                    raise ConnectionRefusedError("a fake public address: nothing leaves")
            real_connect(sock, address)

        monkeypatch.setattr(socket, "getaddrinfo", lookup)
        monkeypatch.setattr(socket.socket, "connect", connect)
