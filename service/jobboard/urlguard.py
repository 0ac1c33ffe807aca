"""Outgoing HTTP with an SSRF guard that pins the address it checked.

Feeds (``service/jobboard/importers.py``) and webhooks (``service/jobboard/webhooks.py``) go
through ``request()``:

```
url ─► check scheme, host, credentials ─► resolve the host ONCE ─► every address public?
    ─► connect to that vetted address (Host header and TLS SNI keep the name)
    ─► a watchdog closes the socket at the total deadline (slow drips cannot hold a call)
    ─► a redirect (when followed) is a new URL: checked, resolved and pinned the same way
```

A name that answers a public address to the check and a loopback one to the connection (DNS
rebinding) cannot slip through: there is no second lookup. ``allow_private=True``
(``ROLEFIT_ALLOW_PRIVATE_URLS``) lifts the address check for tests and closed networks (the
connection is still pinned).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

__all__ = [
    "HttpDeadlineError",
    "HttpError",
    "HttpResult",
    "HttpTooLargeError",
    "Target",
    "UnsafeUrlError",
    "check_url",
    "is_public_address",
    "request",
    "resolve",
]


class UnsafeUrlError(ValueError):
    """A URL this service refuses to call (scheme, host or address)."""


class HttpError(Exception):
    """A call that did not complete (connection refused or reset, TLS, protocol)."""


class HttpDeadlineError(HttpError):
    """The call ran past its total deadline."""


class HttpTooLargeError(HttpError):
    """The answer's body is larger than allowed."""


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local...).
    An IPv6 address that carries an IPv4 one (mapped ``::ffff:a.b.c.d``, 6to4
    ``2002:aabb:ccdd::``) is judged by the IPv4 address it leads to."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None and not is_public_address(str(ip.sixtofour)):
            return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL and the addresses it resolved to (the only ones it may be called on)."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[tuple[int, str], ...]  # (family, address), in resolver order


def resolve(url: str, *, allow_private: bool = False) -> Target:
    """Check a URL and resolve its host once.

    Raises:
        UnsafeUrlError: spaces or control characters, not http(s), no host, credentials in it,
            a name that does not resolve, or (unless ``allow_private``) an address that is
            not public.
    """
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise UnsafeUrlError("The URL has spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrlError("The URL is malformed.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrlError("Only http and https URLs are allowed.")
    host = parts.hostname
    if not host:
        raise UnsafeUrlError("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeUrlError("URLs with credentials are not allowed.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise UnsafeUrlError(f"The host {host!r} does not resolve.") from exc
    addresses: list[tuple[int, str]] = []
    for info in infos:
        address = str(info[4][0])
        if not allow_private and not is_public_address(address):
            raise UnsafeUrlError(
                f"The host {host!r} resolves to a private, loopback or reserved address; "
                "such targets are refused (ROLEFIT_ALLOW_PRIVATE_URLS lifts this)."
            )
        if (info[0], address) not in addresses:
            addresses.append((int(info[0]), address))
    if not addresses:
        raise UnsafeUrlError(f"The host {host!r} does not resolve.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url, parts.scheme, host, port, path, tuple(addresses))


def check_url(url: str, *, allow_private: bool = False) -> str:
    """Check a URL (see ``resolve``); returns it unchanged. For answering "is this URL
    acceptable" at registration; calls go through ``request()``, which pins the address."""
    resolve(url, allow_private=allow_private)
    return url


@dataclass(frozen=True, slots=True)
class HttpResult:
    """The answer of the last hop."""

    url: str
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def _connect(family: int, address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to exactly this address (the one that was checked)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedConnection(http.client.HTTPConnection):
    """http.client over a socket we opened ourselves (to the vetted address)."""

    def __init__(self, target: Target, sock: socket.socket, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.sock = sock

    def connect(self) -> None:  # the socket is given, never opened by name
        raise HttpError("connection lost")


def _one(
    target: Target,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    end: float,
    max_bytes: int | None,
    read_body: bool,
) -> HttpResult:
    left = end - time.monotonic()
    if left <= 0:
        raise HttpDeadlineError("deadline")
    raw: socket.socket | None = None
    error: BaseException | None = None
    for family, address in target.addresses:
        try:
            raw = _connect(family, address, target.port, max(0.05, end - time.monotonic()))
            break
        except TimeoutError as exc:
            raise HttpDeadlineError("deadline") from exc
        except OSError as exc:
            error = exc
    if raw is None:
        raise HttpError(f"connection failed ({type(error).__name__})") from error
    expired = threading.Event()

    def cut() -> None:  # breaks any blocking send/recv at the deadline
        expired.set()
        with contextlib.suppress(OSError):
            raw.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(max(0.0, end - time.monotonic()), cut)
    watchdog.daemon = True
    watchdog.start()
    sock: socket.socket = raw
    conn: _PinnedConnection | None = None
    try:
        if target.scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(raw, server_hostname=target.host)
        conn = _PinnedConnection(target, sock, max(0.05, end - time.monotonic()))
        sent = {"user-agent": "rolefit/1", "connection": "close", **headers}
        conn.request(method, target.path, body=body, headers=sent)
        response = conn.getresponse()
        found = {k.lower(): v for k, v in response.getheaders()}
        data = b""
        if read_body and not (300 <= response.status < 400):
            declared = found.get("content-length", "")
            if max_bytes is not None and declared.isdigit() and int(declared) > max_bytes:
                raise HttpTooLargeError(f"larger than {max_bytes} bytes")
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise HttpTooLargeError(f"larger than {max_bytes} bytes")
                chunks.append(chunk)
            # the watchdog's shutdown reads as an ordinary end of body, and http.client's
            # read1 does not check Content-Length: a body cut short is never the whole answer
            if expired.is_set():
                raise HttpDeadlineError("deadline")
            if response.length:  # bytes of the Content-Length still missing at the end
                raise HttpError(f"the body ended {response.length} bytes short")
            data = b"".join(chunks)
        return HttpResult(target.url, response.status, found, data)
    except HttpError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise HttpDeadlineError("deadline") from exc
        raise HttpError(f"{type(exc).__name__}") from exc
    finally:
        watchdog.cancel()
        if conn is not None:
            conn.close()
        with contextlib.suppress(OSError):
            sock.close()
        with contextlib.suppress(OSError):
            raw.close()


def request(
    method: str,
    url: str,
    *,
    deadline: float,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    max_bytes: int | None = None,
    allow_private: bool = False,
    max_redirects: int = 0,
    read_body: bool = True,
) -> HttpResult:
    """One HTTP call within ``deadline`` seconds in total (every redirect hop included).

    Redirects are followed up to ``max_redirects`` times (each hop checked and pinned); with
    0 a redirect is returned as it is.

    Raises:
        UnsafeUrlError: the URL or a redirect target is refused.
        HttpDeadlineError: the deadline passed.
        HttpTooLargeError: the body is over ``max_bytes``.
        HttpError: any other failure (connection, TLS, protocol, too many redirects).
    """
    end = time.monotonic() + deadline
    current = url
    for hop in range(max_redirects + 1):
        target = resolve(current, allow_private=allow_private)
        result = _one(target, method, body, headers or {}, end, max_bytes, read_body)
        if not (300 <= result.status < 400) or "location" not in result.headers:
            return result
        if hop == max_redirects:
            if max_redirects == 0:
                return result
            break
        current = urljoin(current, result.headers["location"])
        if result.status in (301, 302, 303) and method != "GET":
            method, body = "GET", None
    raise HttpError(f"More than {max_redirects} redirects.")
