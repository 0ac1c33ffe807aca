"""The FastAPI application: ``create_app(settings=None)`` builds it, the lifespan loads the rest.

```
request ─► RequestContext (request id, 413 on Content-Length, log line, metrics)
        ─► routes (auth scope ─► read body while streaming ─► WorkerPool.run_async)
        ─► problem+json for every failure (service/problems.py)
lifespan: logging ─► migrations ─► taxonomy ─► WorkerPool (workers build their Matcher)
          ─► /readyz turns ready when every worker is up
```
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher import safe_traceback
from service.db import make_engine, session_factory, upgrade
from service.jsondepth import JsonDepth
from service.logging import configure_logging, request_id_var
from service.metrics import Metrics
from service.problems import (
    JsonTooDeepError,
    RequestTimeoutError,
    RequestTooLargeError,
    ServiceBusyError,
    error_response,
    install_problem_handlers,
    internal_error_response,
    log_unexpected,
    problem_response,
)
from service.services import Services
from service.settings import Settings

if True:  # imported for their side effect on Base.metadata (tables known to migrations)
    import service.auth  # noqa: F401

__all__ = ["create_app"]

log = logging.getLogger("rolefit.service")
T = TypeVar("T")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

DESCRIPTION = """
rolefit reads a resume (PDF, DOCX, text, or a PNG/JPEG scan read by OCR) and says how well it
fits target roles or a job posting, with the evidence, the gaps and concrete edits.

* **Auth**: `Authorization: Bearer <key>` (create keys with `rolefit keys create`). Scopes:
  `taxonomy:read`, `resumes:parse`, `resumes:match`. `/healthz`, `/readyz`, `/metrics` are open.
* **Errors**: every failure is `application/problem+json` (RFC 9457) with a stable `type`
  (`/problems/<code>`), a `code` and the `request_id`.
* **Limits**: request size (413 while streaming), pages, a per-document time budget (the worker is
  killed), and a bounded queue (503 with `Retry-After` when full); JSON nested at most 64 levels
  deep, a multipart body of at most 128 parts (a batch: 2 × its files + 8; 413 `too-many-parts`).
"""


# --------------------------------------------------------------------------- middleware

JSON_TYPES = ("application/json", "application/ld+json")


class RequestContext:
    """Pure ASGI middleware: request id, early 413, one log line and metrics per request.

    It also turns an unexpected exception into a 500 problem itself, so the request id, the
    log line and the metrics stay right and no traceback reaches the client.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        services: Services = scope["app"].state.services
        settings = services.settings
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        incoming = headers.get("x-request-id", "")
        rid = incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        declared = headers.get("content-length", "")
        has_body = (declared.isdigit() and int(declared) > 0) or "transfer-encoding" in headers
        info: dict[str, Any] = {
            "status": 500,
            "bytes_in": 0,
            "bytes_out": 0,
            "started": False,
            "body_done": not has_body,
        }
        limit = settings.max_upload_bytes
        body_deadline = started + settings.body_timeout
        rate = settings.min_upload_rate
        grace = settings.upload_grace_seconds
        ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        depth = (
            JsonDepth(settings.max_json_depth)
            if has_body and (ctype in JSON_TYPES or ctype.endswith("+json"))
            else None
        )

        async def next_body_message() -> Message:
            """The next message, within the body deadline and the minimum upload rate."""
            now = time.perf_counter()
            wait = body_deadline - now
            if rate > 0:
                wait = min(wait, started + grace + info["bytes_in"] / rate - now)
            try:
                if wait <= 0:
                    raise TimeoutError
                return await asyncio.wait_for(receive(), wait)
            except TimeoutError:
                services.metrics.rejected.inc()
                raise RequestTimeoutError(
                    f"The request body did not arrive in time: send it within "
                    f"{settings.body_timeout:g} s, at {rate} bytes/s or faster."
                ) from None

        async def counted_receive() -> Message:
            if info["body_done"]:
                return await receive()
            message = await next_body_message()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                info["bytes_in"] += len(chunk)
                if not message.get("more_body", False):
                    info["body_done"] = True
                if info["bytes_in"] > limit:
                    raise RequestTooLargeError(limit)
                if depth is not None and depth.feed(chunk):
                    raise JsonTooDeepError(depth.limit)
            return message

        async def drain() -> None:
            """Read (and drop) the rest of the body before a 503, so the client reads the
            answer instead of a reset connection; bounded by the limit and the deadline."""
            try:
                while not info["body_done"]:
                    message = await next_body_message()
                    if message["type"] != "http.request":
                        return
                    info["bytes_in"] += len(message.get("body", b""))
                    if not message.get("more_body", False):
                        info["body_done"] = True
                    if info["bytes_in"] > limit:
                        return
            except RequestTimeoutError:
                return

        async def tagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 503 and not info["body_done"]:
                    await drain()
                info["started"] = True
                info["status"] = message["status"]
                extra = [(b"x-request-id", rid.encode("latin-1"))]
                if not info["body_done"]:
                    # Answering before the body was read (413, 401, 503...): close the
                    # connection rather than let the server drain a huge upload.
                    extra.append((b"connection", b"close"))
                message["headers"] = [*message.get("headers", []), *extra]
            elif message["type"] == "http.response.body":
                info["bytes_out"] += len(message.get("body", b""))
            await send(message)

        receiving = has_body and not info["body_done"]
        try:
            if receiving and services.receiving >= settings.upload_limit:
                # every body place is taken (slow uploads): answer 503 at once, drained
                services.metrics.rejected.inc()
                busy = "Too many uploads are arriving at once: retry in a few seconds."
                response = error_response(Request(scope), ServiceBusyError(busy))
                receiving = False
                await response(scope, receive, tagged_send)
            elif declared.isdigit() and int(declared) > limit and scope["path"] == "/":
                from service.web.routes import too_large_page  # the page's form, not JSON

                await too_large_page(Request(scope), limit)(scope, receive, tagged_send)
            elif declared.isdigit() and int(declared) > limit and scope["path"].startswith("/jobs"):
                from service.web.jobs import too_large_job_page  # a page, not JSON

                await too_large_job_page(limit)(scope, receive, tagged_send)
            elif declared.isdigit() and int(declared) > limit:
                request = Request(scope)
                response = problem_response(
                    request,
                    status=413,
                    code="document-too-large",
                    title="Document too large",
                    detail=f"The upload is too large: it exceeds the limit of {limit} bytes.",
                )
                await response(scope, receive, tagged_send)
            else:
                if receiving:
                    services.receiving += 1
                try:
                    await self.app(scope, counted_receive, tagged_send)
                finally:
                    if receiving:
                        services.receiving -= 1
        except Exception as exc:
            log_unexpected(exc)
            if info["started"]:
                raise
            response = internal_error_response(Request(scope))
            await response(scope, receive, tagged_send)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", None) or "unmatched"
            state = scope.get("state", {})
            services.metrics.observe_request(scope["method"], route_path, info["status"], elapsed)
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": route_path,
                    "status": info["status"],
                    "duration_ms": round(elapsed * 1000, 1),
                    "bytes_in": info["bytes_in"],
                    "bytes_out": info["bytes_out"],
                    "error_code": state.get("error_code"),
                    "key_id": state.get("key_id"),
                },
            )
            request_id_var.reset(token)


# Swagger UI and ReDoc come from the package, but ReDoc still shows a logo from cdn.redoc.ly:
# the policy keeps the docs pages on this origin (the browser never asks another host).
DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline' blob:; worker-src 'self' blob:; connect-src 'self'; "
    "font-src 'self' data:"
).encode("latin-1")
DOCS_PATHS = frozenset({"/docs", "/redoc"})


class DocsPolicy:
    """Pure ASGI middleware: a same-origin Content-Security-Policy on /docs and /redoc."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in DOCS_PATHS:
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"content-security-policy", DOCS_POLICY)]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_policy)


# --------------------------------------------------------------------------- lifespan


def _start_workers(services: Services) -> None:
    from matcher import WorkerPool

    settings = services.settings
    try:
        pool = WorkerPool(
            settings.workers,
            options=settings.to_options(),
            task_timeout=settings.parse_timeout,
            memory_limit_mb=settings.worker_memory_mb,
            max_rss_growth_mb=settings.worker_max_growth_mb,
        )
    except Exception as exc:
        services.failure = "The worker pool could not start."
        log.error("worker pool failed to start\n%s", safe_traceback(exc))
        return
    services.pool = pool

    def wait() -> None:
        try:
            pool.wait_ready()
        except Exception as exc:
            services.failure = "The workers could not build the matching pipeline."
            log.error("workers failed to become ready\n%s", safe_traceback(exc))
            return
        services.ready = True
        log.info("workers ready", extra={"workers": settings.workers})

    thread = threading.Thread(target=wait, name="rolefit-ready", daemon=True)
    thread.start()
    services._ready_thread = thread


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    services: Services = app.state.services
    settings = services.settings
    if settings.dev_mode:
        log.warning(
            "DEV MODE: requests WITHOUT an API key are accepted. Never run dev mode in "
            "production (unset ROLEFIT_DEV_MODE and create keys with `rolefit keys create`).",
            extra={"dev_mode": True},
        )
    if settings.migrate_on_startup:
        await anyio.to_thread.run_sync(upgrade, settings.db_url)
    from taxonomy import load_taxonomy

    services.taxonomy = await anyio.to_thread.run_sync(load_taxonomy)
    _start_workers(services)
    # What startup built (taxonomy, routes, settings) lives as long as the process: keep it out
    # of the collector's generations so full collections stay short.
    gc.collect()
    gc.freeze()
    log.info(
        "rolefit service started",
        extra={
            "workers": settings.workers,
            "dev_mode": settings.dev_mode,
            "taxonomy_version": services.taxonomy.version,
        },
    )
    try:
        yield
    finally:
        services.ready = False
        if services.pool is not None:
            await anyio.to_thread.run_sync(services.pool.close)
        services.engine.dispose()
        log.info("rolefit service stopped")


# --------------------------------------------------------------------------- the app


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    from service.jobboard.schemas import JobIn
    from service.schemas import MatchTextRequest, Problem, ValidationProblem

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version="3.1.0",
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        # Models the routes name only in openapi_extra (their bodies are read by hand): without
        # them a $ref dangles and ReDoc refuses to render ("Invalid reference token").
        for model in (Problem, ValidationProblem, MatchTextRequest, JobIn):
            generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in generated.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components.setdefault(model.__name__, generated)
        _problem_validation_responses(schema)
        app.openapi_schema = schema
        return schema

    return build


def _problem_validation_responses(schema: dict[str, Any]) -> None:
    """Replace FastAPI's default 422 (``application/json``) with our validation problem."""
    from service.problems import MEDIA_TYPE, problem_responses

    documented = problem_responses("validation-error")[422]
    content = documented["content"]
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if "422" in responses:
                current = responses["422"].get("content", {})
                responses["422"]["content"] = {
                    MEDIA_TYPE: current.get(MEDIA_TYPE, content[MEDIA_TYPE])
                }
                if "HTTPValidationError" in str(responses["422"].get("description", "")):
                    responses["422"]["description"] = documented["description"]
    components = schema.get("components", {}).get("schemas", {})
    text = str(schema.get("paths", {}))
    for name in ("HTTPValidationError", "ValidationError"):
        if name in components and f"/{name}'" not in text:
            del components[name]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. Settings come from ``ROLEFIT_*`` when not given."""
    from importlib.metadata import version

    from fastapi_offline import FastAPIOffline

    from service.routes import health, match, taxonomy

    settings = settings or Settings()
    configure_logging(settings.log_level, json_logs=settings.log_json)
    engine = make_engine(settings.db_url)
    services = Services(
        settings=settings,
        metrics=Metrics(),
        engine=engine,
        sessions=session_factory(engine),
    )
    # /docs and /redoc with Swagger UI and ReDoc served from the fastapi-offline package (MIT,
    # bundling swagger-ui-dist and redoc): no CDN, so the docs render without internet.
    app: FastAPI = FastAPIOffline(
        title="rolefit",
        version=version("rolefit"),
        description=DESCRIPTION,
        lifespan=_lifespan,
        openapi_tags=[
            {"name": "match", "description": "Parse resumes and match them to roles and postings."},
            {"name": "taxonomy", "description": "Roles and skills, with their sources."},
            {"name": "operations", "description": "Health, readiness and metrics."},
        ],
    )
    app.state.services = services
    install_problem_handlers(app)
    app.add_middleware(DocsPolicy)
    app.add_middleware(RequestContext)
    app.include_router(health.router)
    app.include_router(taxonomy.router)
    app.include_router(match.router)
    _include_job_board_routers(app)
    _include_pages(app)
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    return app


def _include_pages(app: FastAPI) -> None:
    """The pages for people (``service/web``) and their CSS/JS, served from the package."""
    from starlette.staticfiles import StaticFiles

    from service.web import jobs as job_pages
    from service.web import routes as pages

    app.include_router(pages.router)
    app.include_router(job_pages.router)
    app.mount("/static", StaticFiles(packages=[("service.web", "static")]), name="static")


def _include_job_board_routers(app: FastAPI) -> None:
    """The job board's routers."""
    from service.jobboard.routes import applications, batches, candidates, events, jobs, webhooks

    for module in (jobs, applications, batches, webhooks, events, candidates):
        app.include_router(module.router)
