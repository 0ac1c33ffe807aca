"""Outgoing HTTP guard (SSRF): http/https only, no private, loopback or link-local targets.

Used before fetching a feed URL (``service/jobboard/importers.py``), before every redirect hop, and
before every webhook delivery (``service/jobboard/webhooks.py``). ``allow_private=True``
(``ROLEFIT_ALLOW_PRIVATE_URLS``) lifts the address check for tests and closed networks.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

__all__ = ["UnsafeUrlError", "check_url", "is_public_address"]


class UnsafeUrlError(ValueError):
    """A URL this service refuses to call (scheme, host or address)."""


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str, *, allow_private: bool = False) -> str:
    """Check a URL before calling it; returns it unchanged.

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
    if allow_private:
        return url
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrlError(f"The host {host!r} does not resolve.") from exc
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            raise UnsafeUrlError(
                f"The host {host!r} resolves to a private, loopback or reserved address; "
                "such targets are refused (ROLEFIT_ALLOW_PRIVATE_URLS lifts this)."
            )
    return url
