"""What the job-board routes share: errors, scopes, idempotency, pagination and the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from matcher import safe_traceback
from matcher.errors import MatcherError
from service.auth import Principal, require_scope
from service.jobboard.runtime import JobBoard
from service.problems import (
    ConflictError,
    NotFoundError,
    ServiceError,
    problem_responses,
)
from service.storage import idempotency
from service.storage import repositories as repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from service.services import Services

T = TypeVar("T")

__all__ = [
    "CursorQuery",
    "FeedInvalidError",
    "FeedTooLargeError",
    "FeedUnreachableError",
    "IdempotencyInProgressError",
    "IdempotencyKeyReusedError",
    "JobsRead",
    "JobsWrite",
    "LimitQuery",
    "PositionCursorQuery",
    "ScoreCursorQuery",
    "UrlRefusedError",
    "board",
    "fingerprint",
    "found",
    "in_session",
    "jobboard_lifespan",
    "json_response",
    "page_of",
    "responses",
    "run_idempotent",
]

log = logging.getLogger("rolefit.jobboard")

# --------------------------------------------------------------------------- problems


class IdempotencyInProgressError(ConflictError):
    code = "idempotency-in-progress"
    title = "Request in progress"
    default_message = (
        "A request with this Idempotency-Key is still being processed: retry in a moment."
    )


class IdempotencyKeyReusedError(ServiceError):
    code = "idempotency-key-reused"
    title = "Idempotency key reused"
    status = 422
    default_message = (
        "This Idempotency-Key was already used with a different request: use a new key."
    )


class UrlRefusedError(ServiceError):
    code = "url-refused"
    title = "URL refused"
    status = 422
    default_message = "The URL is not allowed: only public http(s) addresses are called."


class FeedUnreachableError(ServiceError):
    code = "feed-unreachable"
    title = "Feed unreachable"
    status = 502
    default_message = "The feed URL could not be fetched."


class FeedTooLargeError(ServiceError):
    code = "feed-too-large"
    title = "Feed too large"
    status = 413
    default_message = "The feed is larger than the limit."


class FeedInvalidError(ServiceError):
    code = "feed-invalid"
    title = "Invalid feed"
    status = 422
    default_message = "The feed is not in the announced format."


class InvalidCursorProblem(ServiceError):
    code = "invalid-cursor"
    title = "Invalid cursor"
    status = 422
    default_message = "The cursor is not valid: use next_cursor as given."


# The job board's problems above are ServiceError subclasses, so the service's problem table
# (type pages, OpenAPI examples) knows them: the routes document them like any other.
responses = problem_responses


# --------------------------------------------------------------------------- dependencies

JobsRead = Annotated[Principal, Depends(require_scope("jobs:read"))]
JobsWrite = Annotated[Principal, Depends(require_scope("jobs:write"))]
LimitQuery = Annotated[int, Query(ge=1, le=200, description="Items per page.")]


def _cursor(pattern: str, what: str) -> Any:
    # The format is stated (pattern) but checked by the list itself, so a cursor of the wrong
    # format is the invalid-cursor problem whatever the route.
    return Query(
        max_length=500,
        description=f"next_cursor of the previous page ({what}).",
        json_schema_extra={"pattern": pattern},
    )


CursorQuery = Annotated[str | None, _cursor(repo.ID_CURSOR, "the page's last id")]
ScoreCursorQuery = Annotated[
    str | None, _cursor(repo.SCORE_CURSOR, "the page's last score, '~', its id")
]
PositionCursorQuery = Annotated[
    str | None, _cursor(repo.POSITION_CURSOR, "the page's last upload position")
]


def board(request: Request) -> JobBoard:
    """The job board's runtime (built by the lifespan)."""
    found = getattr(request.app.state, "jobboard", None)
    if not isinstance(found, JobBoard):
        from service.problems import NotReadyError

        raise NotReadyError("The job board is starting.")
    return found


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def not_found(what: str, ident: str) -> NotFoundError:
    return NotFoundError(f"No {what} with id {ident!r}.")


def found(row: T | None, what: str, ident: str) -> T:
    """``row``, or the not-found problem naming ``what`` when there is none."""
    if row is None:
        raise not_found(what, ident)
    return row


def page_of(fetch: Callable[[], T]) -> T:
    """``fetch()``, one page of a list; a cursor it cannot read is the invalid-cursor problem."""
    try:
        return fetch()
    except repo.InvalidCursorError as exc:
        raise InvalidCursorProblem(str(exc)) from None


def json_response(model: BaseModel, status: int = 200) -> Response:
    return Response(
        model.model_dump_json().encode(), status_code=status, media_type="application/json"
    )


async def in_session(
    services: Services,
    work: Callable[[Session], BaseModel],
    *,
    commit: bool = False,
    status: int = 200,
) -> Response:
    """``work(session)`` in a worker thread, in a session (a transaction that commits when
    ``commit``), its answer as the JSON response."""

    def run() -> BaseModel:
        with services.sessions.begin() if commit else services.sessions() as session:
            return work(session)

    return json_response(await anyio.to_thread.run_sync(run), status)


def invalid(loc: tuple[str, ...], msg: str, kind: str = "value_error") -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": msg, "type": kind}])


# --------------------------------------------------------------------------- idempotency


def fingerprint(*parts: bytes | str | None) -> str:
    """A digest of what makes two requests "the same" (the parsed content, not the framing)."""
    digest = hashlib.sha256()
    for part in parts:
        data = b"\x00" if part is None else part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


async def run_idempotent(
    request: Request,
    request_fingerprint: str,
    handler: Callable[[], Awaitable[Response]],
    *,
    candidate: str | None = None,
) -> Response:
    """Run ``handler`` under the request's ``Idempotency-Key`` (if it has one).

    A success or a definite 4xx answer (its problem included) is stored and replayed to a
    retry with the same key and body; a 5xx, a time-out or a busy service frees the key.

    Raises:
        IdempotencyInProgressError: the first request with the key is still running (409).
        IdempotencyKeyReusedError: the key came with another request before (422).
    """
    key = request.headers.get("idempotency-key")
    if key is None:
        return await handler()
    key = key.strip()
    if not key or len(key) > 255:
        raise invalid(("header", "Idempotency-Key"), "Use 1 to 255 characters.")
    services = services_of(request)
    principal = getattr(request.state, "principal", None)
    owner = (principal.key_id if isinstance(principal, Principal) else None) or "dev"
    settings = board(request).settings
    try:
        claim = await anyio.to_thread.run_sync(
            lambda: idempotency.begin(
                services.sessions,
                principal=owner,
                key=key,
                method=request.method,
                path=request.url.path,
                fingerprint=request_fingerprint,
                hours=settings.idempotency_hours,
                lease_seconds=settings.idempotency_lease_seconds,
            )
        )
    except idempotency.KeyInProgressError:
        raise IdempotencyInProgressError() from None
    except idempotency.KeyReusedError:
        raise IdempotencyKeyReusedError() from None
    if isinstance(claim, idempotency.Replay):
        return Response(
            claim.body,
            status_code=claim.status,
            media_type=claim.media_type,
            headers={"Idempotent-Replayed": "true"},
        )
    heartbeat = _Heartbeat(services, claim, settings.idempotency_lease_seconds)
    try:
        try:
            async with heartbeat:
                response = await handler()
        except (MatcherError, ServiceError, StarletteHTTPException, RequestValidationError) as exc:
            # An answer about this request (a document that cannot be read, a posting that
            # is not there): the problem is the stored response, like a success would be.
            response = await _problem_for(request, exc)
    except BaseException:
        await anyio.to_thread.run_sync(idempotency.abandon, services.sessions, claim)
        raise
    if not _replayable(response):
        await anyio.to_thread.run_sync(idempotency.abandon, services.sessions, claim)
        return response
    body = bytes(response.body)
    media_type = response.media_type or "application/json"
    await anyio.to_thread.run_sync(
        lambda: idempotency.complete(
            services.sessions,
            claim,
            status=response.status_code,
            body=body,
            media_type=media_type,
            external_candidate_id=candidate,
        )
    )
    return response


class _Heartbeat:
    """Renews a claimed key's lease while its request runs: the lease lapses within
    ``lease`` seconds of the process dying, and never while it is alive.

    The renewal runs in a thread outside anyio's shared pool limit (40): when every one of
    those threads is busy (slow feed fetches, database writes), a renewal queued behind
    them would let a live request's key lapse and a retry run the request a second time.
    """

    def __init__(self, services: Services, record_id: str, lease: float) -> None:
        self.services = services
        self.record_id = record_id
        self.lease = lease
        self._task: asyncio.Task[None] | None = None

    async def _beat(self, limiter: anyio.CapacityLimiter) -> None:
        every = max(0.2, self.lease / 3)
        while True:
            await asyncio.sleep(every)
            try:
                await anyio.to_thread.run_sync(
                    idempotency.renew,
                    self.services.sessions,
                    self.record_id,
                    self.lease,
                    limiter=limiter,
                )
            except Exception as exc:  # the next beat tries again
                log.warning("idempotency lease renewal failed\n%s", safe_traceback(exc))

    async def __aenter__(self) -> None:
        self._task = asyncio.create_task(self._beat(anyio.CapacityLimiter(1)))

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


# Answers that depend on the moment, not on the request: the key stays free for a retry.
TRANSIENT_STATUSES = frozenset({408, 409, 425, 429})
TRANSIENT_CODES = frozenset({"parse-timeout", "worker-crashed", "not-ready", "service-busy"})


async def _problem_for(request: Request, exc: Exception) -> Response:
    """The problem response the app's own exception handler gives for ``exc``."""
    handlers = request.app.exception_handlers
    for cls in type(exc).__mro__:
        handler = handlers.get(cls)
        if handler is not None:
            response: Response = await handler(request, exc)
            return response
    raise exc


def _replayable(response: Response) -> bool:
    """Whether a response is kept for the key: successes and definite 4xx answers."""
    status = response.status_code
    if status >= 500 or status in TRANSIENT_STATUSES:
        return False
    if status >= 400:
        try:
            code = json.loads(bytes(response.body)).get("code")
        except (ValueError, AttributeError):
            code = None
        return code not in TRANSIENT_CODES
    return True


# --------------------------------------------------------------------------- lifespan


@asynccontextmanager
async def jobboard_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the dispatcher, batch runner and purger after the service's own lifespan."""
    services = app.state.services
    runtime = JobBoard(services=services)
    app.state.jobboard = runtime
    runtime.start()
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(runtime.stop)
