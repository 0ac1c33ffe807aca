"""Every failure as RFC 9457 ``application/problem+json``, with a stable ``type`` per error code.

```
MatcherError (library)      ──► status from STATUS_BY_ERROR (walks the MRO)
ServiceError (this package) ──► its own ``status`` (401, 403, 404, 409, 429, 503)
HTTPException / routing     ──► code from HTTP_CODES (404 not-found, 405, 413, ...)
RequestValidationError      ──► 422 validation-error with an ``errors`` list (inputs never echoed)
anything else               ──► 500 internal-error; the traceback goes to the log, not the client
```

A problem body has ``type`` (``/problems/<code>``), ``title``, ``status``, ``detail`` (a message
that never quotes resume content), ``instance`` (``urn:uuid:<request id>``), ``code`` and
``request_id``. ``problem_responses()`` lists a route's problems for OpenAPI.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from matcher import safe_traceback
from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    InputError,
    InvalidJobPostingError,
    MatcherError,
    NoTextError,
    ParseTimeoutError,
    PdfEncryptedError,
    TaxonomyError,
    UnknownRoleError,
    UnsupportedTypeError,
    WorkerCrashedError,
    error_classes,
)

__all__ = [
    "MEDIA_TYPE",
    "PROBLEM_BASE",
    "ConflictError",
    "ForbiddenError",
    "JsonTooDeepError",
    "NotAuthenticatedError",
    "NotFoundError",
    "NotReadyError",
    "ProblemType",
    "RateLimitedError",
    "RequestTimeoutError",
    "RequestTooLargeError",
    "ServiceBusyError",
    "ServiceError",
    "TooManyPartsError",
    "install_problem_handlers",
    "problem_response",
    "problem_responses",
    "problem_types",
    "request_id_of",
    "status_for",
]

MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"

log = logging.getLogger("rolefit.service")

# The HTTP status of each library error; a subclass inherits its parent's (walk the MRO).
STATUS_BY_ERROR: dict[type[MatcherError], int] = {
    MatcherError: 500,
    InputError: 422,
    EmptyDocumentError: 422,
    UnsupportedTypeError: 415,
    DocumentTooLargeError: 413,
    ParseTimeoutError: 422,
    CorruptDocumentError: 422,
    PdfEncryptedError: 422,
    NoTextError: 422,
    InvalidJobPostingError: 422,
    UnknownRoleError: 404,
    WorkerCrashedError: 500,
    TaxonomyError: 500,
}


def status_for(exc: MatcherError | type[MatcherError]) -> int:
    """The HTTP status of a library error (its nearest mapped ancestor's)."""
    cls = exc if isinstance(exc, type) else type(exc)
    for klass in cls.__mro__:
        if klass in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[klass]
    return 500


class ServiceError(Exception):
    """An expected failure of the HTTP layer itself (auth, limits, readiness, lookups)."""

    code: ClassVar[str] = "service-error"
    title: ClassVar[str] = "Service error"
    status: ClassVar[int] = 500
    default_message: ClassVar[str] = "The request could not be served."

    # Every subclass, by code: the job board's own problems (service/jobboard/routes/common.py)
    # register themselves here, so their type URIs resolve and OpenAPI documents them.
    registry: ClassVar[dict[str, type[ServiceError]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        ServiceError.registry.setdefault(cls.code, cls)

    def __init__(self, message: str | None = None, *, headers: Mapping[str, str] | None = None):
        self.message = message or self.default_message
        self.headers = dict(headers or {})
        super().__init__(self.message)


class NotAuthenticatedError(ServiceError):
    code = "unauthenticated"
    title = "Not authenticated"
    status = 401
    default_message = "A valid API key is required: send it as 'Authorization: Bearer <key>'."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="rolefit"'})


class ForbiddenError(ServiceError):
    code = "forbidden"
    title = "Forbidden"
    status = 403
    default_message = "This API key does not have the scope this operation needs."


class NotFoundError(ServiceError):
    code = "not-found"
    title = "Not found"
    status = 404
    default_message = "The requested resource does not exist."


class ConflictError(ServiceError):
    code = "conflict"
    title = "Conflict"
    status = 409
    default_message = "The request conflicts with the current state of the resource."


class RateLimitedError(ServiceError):
    code = "rate-limited"
    title = "Too many requests"
    status = 429
    default_message = "Too many requests: slow down and retry later."


class ServiceBusyError(ServiceError):
    code = "service-busy"
    title = "Service busy"
    status = 503
    default_message = "All workers are busy and the queue is full: retry after a few seconds."

    def __init__(self, message: str | None = None, *, retry_after: int = 2) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class NotReadyError(ServiceError):
    code = "not-ready"
    title = "Service not ready"
    status = 503
    default_message = "The service is starting: the taxonomy and workers are not ready yet."

    def __init__(self, message: str | None = None, *, retry_after: int = 5) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class TooManyPartsError(ServiceError):
    code = "too-many-parts"
    title = "Too many parts"
    status = 413
    default_message = "The multipart body has more parts than the route takes."

    def __init__(self, limit: int) -> None:
        super().__init__(f"The multipart body has more than {limit} parts, this route's limit.")


class RequestTooLargeError(HTTPException):
    """Raised from the body stream when a request exceeds ``max_upload_bytes``.

    It is an ``HTTPException`` so that FastAPI's own body parsing re-raises it unchanged.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"The request is too large: it exceeds the limit of {limit} bytes.",
        )


class RequestTimeoutError(HTTPException):
    """Raised from the body stream when a request body is not in within the body deadline,
    or arrives slower than the minimum upload rate (a client dripping its upload)."""

    def __init__(self, detail: str) -> None:
        super().__init__(status_code=408, detail=detail)


class JsonTooDeepError(HTTPException):
    """Raised from the body stream when a JSON body nests deeper than the limit (it would
    exhaust the parser's recursion before any validation ran)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=400,
            detail=f"The JSON body is nested deeper than {limit} levels.",
        )


# Codes for statuses raised by routing or plain HTTPExceptions.
HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: (NotAuthenticatedError.code, NotAuthenticatedError.title),
    403: (ForbiddenError.code, ForbiddenError.title),
    404: (NotFoundError.code, NotFoundError.title),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    408: ("request-timeout", "Request timeout"),
    409: (ConflictError.code, ConflictError.title),
    413: (DocumentTooLargeError.code, DocumentTooLargeError.title),
    415: (UnsupportedTypeError.code, UnsupportedTypeError.title),
    422: ("validation-error", "Validation error"),
    429: (RateLimitedError.code, RateLimitedError.title),
    500: ("internal-error", "Internal server error"),
    503: ("service-unavailable", "Service unavailable"),
}

VALIDATION_CODE = "validation-error"
INTERNAL_CODE = "internal-error"
# What reading an uploaded document can answer (every route that takes a resume file lists them).
DOCUMENT_PROBLEMS = (
    "empty-document",
    "unsupported-type",
    "document-too-large",
    "too-many-parts",
    "parse-timeout",
    "corrupt-document",
    "pdf-encrypted",
    "no-text",
    "worker-crashed",
)


@dataclass(frozen=True)
class ProblemType:
    """One row of the error table (docs, OpenAPI and the ``/problems/{code}`` page)."""

    code: str
    status: int
    title: str
    description: str

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.code


def problem_types() -> list[ProblemType]:
    """Every problem the service can return, library errors first."""
    rows: dict[str, ProblemType] = {}
    for cls in error_classes():
        rows[cls.code] = ProblemType(cls.code, status_for(cls), cls.title, cls.default_message)
    for svc in ServiceError.registry.values():
        rows.setdefault(svc.code, ProblemType(svc.code, svc.status, svc.title, svc.default_message))
    extra = {
        400: "The request could not be read (for example a malformed multipart body).",
        405: "The HTTP method is not allowed on this path.",
        406: "The requested media type cannot be produced.",
        408: "The request body did not arrive within the body deadline, or came slower than "
        "the minimum upload rate.",
        422: "The request is well-formed but a field is missing or invalid; see 'errors'.",
        500: "An unexpected error: the log has the details under the request id.",
        503: "The service cannot answer right now; retry later.",
    }
    for status, description in extra.items():
        code, title = HTTP_CODES[status]
        rows.setdefault(code, ProblemType(code, status, title, description))
    return sorted(rows.values(), key=lambda p: (p.status, p.code))


def request_id_of(request: Request) -> str:
    """The request id set by the request middleware (a fresh one if there is none)."""
    rid = getattr(request.state, "request_id", None)
    if not isinstance(rid, str):
        rid = str(uuid.uuid4())
        request.state.request_id = rid
    return rid


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """Build an ``application/problem+json`` response and tag the request with its error code."""
    rid = request_id_of(request)
    request.state.error_code = code
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": f"urn:uuid:{rid}" if _is_uuid(rid) else f"urn:rolefit:request:{rid}",
        "code": code,
        "request_id": rid,
    }
    if extra:
        body.update(extra)
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=MEDIA_TYPE
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- handlers


def error_response(request: Request, exc: MatcherError | ServiceError) -> JSONResponse:
    """The problem+json answer to a typed error (a library error's status from the table)."""
    if isinstance(exc, ServiceError):
        status, headers = exc.status, exc.headers
    else:
        status, headers = status_for(exc), None
        if status >= 500:
            log.error("library error %s", exc.code, extra={"error_code": exc.code})
    return problem_response(
        request, status=status, code=exc.code, title=exc.title, detail=exc.message, headers=headers
    )


async def _typed_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MatcherError | ServiceError)
    return error_response(request, exc)


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, title = HTTP_CODES.get(exc.status_code, (f"http-{exc.status_code}", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and detail == "Not Found":
        detail = "No such path: see /docs for the API."
    allowed = _allowed_methods(request) if exc.status_code == 405 else []
    if allowed:
        headers["Allow"] = ", ".join(allowed)
        detail = f"{request.method} is not allowed here: use {' or '.join(allowed)}."
    return problem_response(
        request, status=exc.status_code, code=code, title=title, detail=detail, headers=headers
    )


def _allowed_methods(request: Request) -> list[str]:
    """The methods the request's path answers, asked of the router one method at a time.
    Starlette's 405 names only the route it tried first, and a path is often several routes
    (``GET`` and ``DELETE /v1/jobs/{id}``)."""
    routes = request.app.router.routes
    return [
        method
        for method in ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


def _clean_errors(errors: Iterable[Any]) -> list[dict[str, Any]]:
    # Never echo the offending input: it may be resume text.
    out: list[dict[str, Any]] = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        out.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return out


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _clean_errors(exc.errors())
    fields = ", ".join(".".join(e["loc"]) for e in errors[:5]) or "the request"
    return problem_response(
        request,
        status=422,
        code=VALIDATION_CODE,
        title="Validation error",
        detail=f"The request is invalid: check {fields}.",
        extra={"errors": errors},
    )


def log_unexpected(exc: BaseException) -> None:
    """Log a bug's traceback, scrubbed of the values in it (never resume text)."""
    log.error("unexpected error\n%s", safe_traceback(exc), extra={"error_code": INTERNAL_CODE})


def internal_error_response(request: Request) -> JSONResponse:
    """The generic 500: nothing of the error is told, the request id is."""
    return problem_response(
        request,
        status=500,
        code=INTERNAL_CODE,
        title="Internal server error",
        detail="An unexpected error occurred. Quote the request id when reporting it.",
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log_unexpected(exc)
    return internal_error_response(request)


def install_problem_handlers(app: FastAPI) -> None:
    """Register the problem+json handlers on an app."""
    app.add_exception_handler(MatcherError, _typed_error)
    app.add_exception_handler(ServiceError, _typed_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)


# --------------------------------------------------------------------------- OpenAPI


def _example(code: str) -> dict[str, Any]:
    row = next((p for p in problem_types() if p.code == code), None)
    status, title, detail = (row.status, row.title, row.description) if row else (500, "", "")
    return {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "urn:uuid:5f0c6c1e-8a7e-4d8e-9d59-2f1a3c0b7e11",
        "code": code,
        "request_id": "5f0c6c1e-8a7e-4d8e-9d59-2f1a3c0b7e11",
    }


def problem_responses(*codes: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry documenting the given problem codes, grouped by status."""
    from service.schemas import Problem, ValidationProblem

    by_code = {p.code: p for p in problem_types()}
    if VALIDATION_CODE in codes and "bad-request" not in codes:
        # A body that cannot be decoded at all (not UTF-8, a broken multipart) is a 400 before
        # any field can be validated: every route that validates a body can answer it.
        codes = (*codes, "bad-request")
    grouped: dict[int, list[str]] = {}
    for code in codes:
        grouped.setdefault(by_code[code].status, []).append(code)
    out: dict[int | str, dict[str, Any]] = {}
    for status, group in sorted(grouped.items()):
        model = ValidationProblem if VALIDATION_CODE in group else Problem
        out[status] = {
            "model": model,
            "description": "; ".join(f"`{c}`: {by_code[c].title}" for c in group),
            "content": {
                MEDIA_TYPE: {
                    "schema": {"$ref": f"#/components/schemas/{model.__name__}"},
                    "examples": {
                        c: {"summary": by_code[c].title, "value": _example(c)} for c in group
                    },
                }
            },
        }
    return out
