"""API keys with scopes, stored hashed, sent as ``Authorization: Bearer <key>``.

A key is ``rf_`` + 32 random bytes (URL-safe base64), so a plain sha256 is a sound hash for it
(no password stretching needed for a high-entropy secret). Only the hash and an 11-character
prefix (to recognise a key in listings) are stored; the key itself is shown once, at creation.
Lookups go by hash and the match is re-checked with ``hmac.compare_digest``; a verified key is
remembered for ``ROLEFIT_AUTH_CACHE_SECONDS`` (unknown keys never are).

In dev mode (``ROLEFIT_DEV_MODE=true``) a request *without* an Authorization header is allowed;
a header that is present is always checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from service.db import Base
from service.problems import ForbiddenError, NotAuthenticatedError

__all__ = [
    "KNOWN_SCOPES",
    "ApiKey",
    "Principal",
    "active_key",
    "authenticate",
    "create_key",
    "hash_key",
    "list_keys",
    "require_scope",
    "revoke_key",
]

KEY_PREFIX = "rf_"
SCOPE_PATTERN = re.compile(r"^(\*|[a-z][a-z-]*:(\*|[a-z][a-z-]*))$")

# Scopes the service checks; other areas may add theirs (``area:action``). ``*`` grants all.
KNOWN_SCOPES: dict[str, str] = {
    "taxonomy:read": "read roles and skills (GET /v1/roles, /v1/skills)",
    "resumes:parse": "parse uploaded resumes (POST /v1/resumes:parse)",
    "resumes:match": "match resumes against roles and postings (POST /v1/match)",
    "jobs:write": "create and delete job postings and applications (job board)",
    "jobs:read": "read job postings, candidates and batches (job board)",
    "*": "every scope",
}


class ApiKey(Base):
    """A stored API key (its hash, never the key)."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    scopes: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a key's id and scopes, or the dev-mode anonymous caller."""

    key_id: str | None
    name: str
    scopes: frozenset[str]
    dev: bool = False

    def allows(self, scope: str) -> bool:
        if self.dev or "*" in self.scopes or scope in self.scopes:
            return True
        area = scope.split(":", 1)[0]
        return f"{area}:*" in self.scopes


def hash_key(key: str) -> str:
    """The stored form of a key: hex sha256."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_key(
    sessions: sessionmaker[Session], *, name: str, scopes: Sequence[str]
) -> tuple[ApiKey, str]:
    """Create a key; returns the stored row and the key itself (shown once, never stored).

    Raises:
        ValueError: a scope is malformed or the name is empty.
    """
    name = name.strip()
    if not name:
        raise ValueError("a key needs a name")
    clean = sorted(set(scopes))
    if not clean:
        raise ValueError("a key needs at least one scope")
    for scope in clean:
        if not SCOPE_PATTERN.match(scope):
            raise ValueError(f"malformed scope {scope!r}: use area:action, e.g. resumes:match")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        id="key_" + secrets.token_hex(8),
        name=name,
        prefix=secret[:11],
        key_hash=hash_key(secret),
        scopes=" ".join(clean),
        created_at=_now(),
    )
    with sessions.begin() as session:
        session.add(row)
    return row, secret


def list_keys(sessions: sessionmaker[Session]) -> list[ApiKey]:
    """Every key, newest first (revoked ones included)."""
    with sessions() as session:
        return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))


def revoke_key(sessions: sessionmaker[Session], key_id: str) -> bool:
    """Revoke a key by id; False when there is no such active key."""
    with sessions.begin() as session:
        row = session.get(ApiKey, key_id)
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = _now()
        return True


def lookup_key(sessions: sessionmaker[Session], key: str) -> Principal | None:
    """The principal of an active key, or None (also records when the key was last used)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = hash_key(key)
    with sessions.begin() as session:
        row = session.scalars(select(ApiKey).where(ApiKey.key_hash == digest)).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, digest):
            return None
        now = _now()
        last = row.last_used_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=dt.UTC)
        if last is None or (now - last).total_seconds() > 60:
            row.last_used_at = now
        return Principal(key_id=row.id, name=row.name, scopes=frozenset(row.scope_list))


def active_key(sessions: sessionmaker[Session], key_id: str) -> tuple[Principal, str] | None:
    """The principal of an active key by its id, with the key's stored hash (the pages'
    sessions refer to a key by id: a revoked key ends its sessions at once)."""
    with sessions() as session:
        row = session.get(ApiKey, key_id)
        if row is None or row.revoked_at is not None:
            return None
        principal = Principal(key_id=row.id, name=row.name, scopes=frozenset(row.scope_list))
        return principal, row.key_hash


# Declares the scheme in OpenAPI; the header itself is checked in ``authenticate``.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `rolefit keys create`, sent as `Authorization: Bearer rf_...`.",
)

_DEV = Principal(key_id=None, name="dev-mode", scopes=frozenset({"*"}), dev=True)


async def authenticate(request: Request) -> Principal:
    """The caller of ``request``.

    Raises:
        NotAuthenticatedError: no key (outside dev mode), a malformed header or an unknown key.
    """
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    header = request.headers.get("authorization")
    services = request.app.state.services
    if header is None:
        if services.settings.dev_mode:
            request.state.principal = _DEV
            return _DEV
        raise NotAuthenticatedError()
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticatedError("The Authorization header must be 'Bearer <key>'.")
    ttl = services.settings.auth_cache_seconds
    digest = hash_key(token)
    now = time.monotonic()
    hit = services.key_cache.get(digest) if ttl > 0 else None
    if hit is not None and hit[1] > now:
        principal: Principal | None = hit[0]
    else:
        principal = await anyio.to_thread.run_sync(lookup_key, services.sessions, token)
        if principal is not None and ttl > 0:
            if len(services.key_cache) > 10_000:
                services.key_cache.clear()
            services.key_cache[digest] = (principal, now + ttl)
    if principal is None:
        raise NotAuthenticatedError("The API key is unknown or has been revoked.")
    request.state.principal = principal
    request.state.key_id = principal.key_id
    return principal


async def check_scope(request: Request, scope: str) -> Principal:
    """The caller of ``request``, who must hold ``scope``.

    Raises:
        NotAuthenticatedError: see ``authenticate``.
        ForbiddenError: the key lacks ``scope``.
    """
    principal = await authenticate(request)
    if not principal.allows(scope):
        raise ForbiddenError(f"This API key does not have the '{scope}' scope.")
    return principal


# What a ``require_scope`` dependency adds to an operation's OpenAPI, for routes that call
# ``check_scope`` themselves (``service.deps.authorized``).
SECURITY_REQUIREMENT: dict[str, Any] = {"security": [{bearer_scheme.scheme_name: []}]}


def require_scope(scope: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that authenticates the caller and checks one scope.

    Raises:
        NotAuthenticatedError: see ``authenticate``.
        ForbiddenError: the key lacks ``scope``.
    """

    async def dependency(
        request: Request,
        _credentials: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
    ) -> Principal:
        return await check_scope(request, scope)

    dependency.__name__ = f"require_{scope.replace(':', '_').replace('*', 'all')}"
    return dependency
