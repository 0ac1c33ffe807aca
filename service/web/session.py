"""Who is using the ``/jobs`` pages: an API key entered once, kept as a signed session cookie.

The cookie never holds the key. It is ``<key id>.<expiry>.<nonce>.<mac>``, where the mac is an
HMAC-SHA256 over the other three parts keyed by ``HMAC(server secret, the key's stored hash)``:
a session stops working when its key is revoked (the key is looked up by id on every request)
or when it expires (``ROLEFIT_SESSION_HOURS``), and the cookie cannot be forged without the
server secret. The cookie is ``HttpOnly`` and ``SameSite=Strict`` (``Secure`` over https).

Every form carries a CSRF token that must match the session: with a login, the session's nonce
(covered by the mac); before the login and in dev mode, a random ``rolefit_csrf`` cookie
(double submit, the same cookie flags). A form without the matching token is refused (403).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from fastapi import Request
from starlette.responses import Response

from service.auth import Principal, active_key, lookup_key

__all__ = [
    "SESSION_COOKIE",
    "CsrfError",
    "LoginRequiredError",
    "MissingScopeError",
    "PageSession",
    "check_csrf",
    "clear_session",
    "login",
    "page_session",
    "require",
]

SESSION_COOKIE = "rolefit_session"
CSRF_COOKIE = "rolefit_csrf"
_DEV = Principal(key_id=None, name="dev-mode", scopes=frozenset({"*"}), dev=True)


class LoginRequiredError(Exception):
    """No valid session outside dev mode: the page sends the person to the login form."""


class MissingScopeError(Exception):
    """The session's key lacks the scope the page needs (403)."""

    def __init__(self, scope: str) -> None:
        super().__init__(f"This API key does not have the '{scope}' scope.")
        self.scope = scope


class CsrfError(Exception):
    """A form came without the token of this session (403)."""


@dataclass(frozen=True, slots=True)
class PageSession:
    """The caller of a page and the CSRF token its forms carry."""

    principal: Principal | None
    csrf: str
    new_csrf_cookie: bool = False


def _secret(request: Request) -> bytes:
    """The server secret: the setting, or a random one kept in the data directory."""
    state = request.app.state
    cached: object = getattr(state, "web_session_secret", None)
    if isinstance(cached, bytes):
        return cached
    settings = request.app.state.services.settings
    secret: bytes
    if settings.session_secret:
        secret = str(settings.session_secret).encode("utf-8")
    else:
        secret = _file_secret(Path(settings.data_dir) / "web-session.key")
    state.web_session_secret = secret
    return secret


def _file_secret(path: Path) -> bytes:
    """The secret in ``path``, created (mode 0600) by the first process that needs it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process is writing it
            data = path.read_bytes().strip()
            if len(data) >= 32:
                return data
            time.sleep(0.05)
        raise RuntimeError(f"{path} holds no session secret") from None
    with os.fdopen(fd, "wb") as out:
        data = secrets.token_hex(32).encode("ascii")
        out.write(data)
    return data


def _mac(secret: bytes, key_hash: str, payload: str) -> str:
    signing = hmac.new(secret, key_hash.encode("ascii"), hashlib.sha256).digest()
    return hmac.new(signing, payload.encode("ascii"), hashlib.sha256).hexdigest()


def _cookie_flags(request: Request) -> dict[str, object]:
    return {
        "httponly": True,
        "samesite": "strict",
        "secure": request.url.scheme == "https",
        "path": "/",
    }


async def page_session(request: Request) -> PageSession:
    """The page's caller (None: not logged in) and CSRF token; never raises for a bad cookie."""
    services = request.app.state.services
    cookie = request.cookies.get(SESSION_COOKIE, "")
    parts = cookie.split(".")
    if len(parts) == 4 and not services.settings.dev_mode:
        key_id, expires, nonce, mac = parts
        if expires.isdigit() and int(expires) > time.time():
            found = await anyio.to_thread.run_sync(active_key, services.sessions, key_id)
            if found is not None:
                principal, key_hash = found
                expected = _mac(_secret(request), key_hash, f"{key_id}.{expires}.{nonce}")
                if hmac.compare_digest(expected, mac):
                    request.state.principal = principal
                    request.state.key_id = principal.key_id
                    return PageSession(principal, nonce)
    anonymous = _DEV if services.settings.dev_mode else None
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) < 32:
        return PageSession(anonymous, secrets.token_urlsafe(32), new_csrf_cookie=True)
    return PageSession(anonymous, token)


def remember_csrf(request: Request, session: PageSession, response: Response) -> Response:
    """Set the double-submit cookie when the page made a new token."""
    if session.new_csrf_cookie:
        response.set_cookie(CSRF_COOKIE, session.csrf, **_cookie_flags(request))  # type: ignore[arg-type]
    return response


def require(session: PageSession, scope: str) -> Principal:
    """The session's principal, who must hold ``scope``.

    Raises:
        LoginRequiredError: nobody is logged in (outside dev mode).
        MissingScopeError: the key lacks ``scope``.
    """
    if session.principal is None:
        raise LoginRequiredError()
    if not session.principal.allows(scope):
        raise MissingScopeError(scope)
    return session.principal


def check_csrf(session: PageSession, sent: str | None) -> None:
    """Raises ``CsrfError`` unless ``sent`` is this session's token."""
    if session.new_csrf_cookie or not sent or not hmac.compare_digest(session.csrf, sent):
        raise CsrfError("The form is missing its security token or it has expired.")


async def login(request: Request, key: str, response: Response) -> Principal | None:
    """Check an API key and, when it is active, put a new session cookie on ``response``."""
    services = request.app.state.services
    key = key.strip()
    checked = await anyio.to_thread.run_sync(lookup_key, services.sessions, key)
    if checked is None or checked.key_id is None:
        return None
    found = await anyio.to_thread.run_sync(active_key, services.sessions, checked.key_id)
    if found is None:
        return None
    principal, key_hash = found
    hours = services.settings.session_hours
    expires = str(int(time.time() + hours * 3600))
    nonce = secrets.token_urlsafe(24)
    payload = f"{principal.key_id}.{expires}.{nonce}"
    value = f"{payload}.{_mac(_secret(request), key_hash, payload)}"
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(hours * 3600),
        **_cookie_flags(request),  # type: ignore[arg-type]
    )
    response.delete_cookie(CSRF_COOKIE, path="/")
    return principal


def clear_session(response: Response) -> None:
    """Log out: the browser drops the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/")
