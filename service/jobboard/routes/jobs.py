"""Job postings: create/update (JSON-LD, HTML with JSON-LD, or title + description), read,
list, delete, and import from job-board feeds.

The posting is read into requirements by the matcher in a worker process; the row and its
``job.updated`` event are written in one transaction. This router also carries the job
board's lifespan (webhook dispatcher, batch runner, retention purger).
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from matcher.errors import InvalidJobPostingError, MatcherError
from matcher.models import JobPosting
from service.deps import ServicesDep
from service.jobboard.importers import FeedError, FetchError, fetch_feed, read_feed
from service.jobboard.routes.common import (
    CursorQuery,
    FeedInvalidError,
    FeedTooLargeError,
    FeedUnreachableError,
    JobsRead,
    JobsWrite,
    LimitQuery,
    UrlRefusedError,
    board,
    canonical_json,
    fingerprint,
    found,
    in_session,
    invalid,
    jobboard_lifespan,
    json_response,
    page_of,
    responses,
    run_idempotent,
)
from service.jobboard.runtime import parse_indexed_job_task, parse_job_task, store_imported
from service.jobboard.schemas import (
    ImportRequest,
    ImportResult,
    JobIn,
    JobList,
    JobOut,
    job_out,
)
from service.jsondepth import nested_deeper_than
from service.storage import repositories as repo
from service.uploads import read_body

router = APIRouter(prefix="/v1", tags=["jobs"], lifespan=jobboard_lifespan)

COMMON = ("unauthenticated", "forbidden", "internal-error")
WRITE = (*COMMON, "validation-error", "idempotency-in-progress", "idempotency-key-reused")

# What either JSON media type takes (read_posting): JSON-LD (an object with @type, @graph or
# @context, or a list of them) or {title, description}. Whether the JSON-LD holds a readable
# JobPosting is the content's matter: invalid-job-posting (422), like a text with no words.
POSTING_JSON = {
    "anyOf": [
        {
            "type": "object",
            "anyOf": [{"required": [key]} for key in ("@type", "@graph", "@context")],
            "description": "JSON-LD: a schema.org JobPosting, or a @graph holding one.",
        },
        {"type": "array", "description": "JSON-LD objects, one of them a JobPosting."},
        {"$ref": "#/components/schemas/JobIn"},
    ]
}

JOB_BODY = {
    "requestBody": {
        "required": True,
        "description": "A schema.org JobPosting (JSON-LD object, list or @graph), an HTML job "
        "page with JSON-LD, plain text, or {title, description}; JSON nested at most "
        "ROLEFIT_MAX_JSON_DEPTH (64) levels deep.",
        "content": {
            "application/ld+json": {
                "schema": POSTING_JSON,
                "examples": {
                    "jsonld": {
                        "summary": "schema.org JobPosting",
                        "value": {
                            "@context": "https://schema.org",
                            "@type": "JobPosting",
                            "title": "Machine Learning Engineer",
                            "identifier": {"@type": "PropertyValue", "value": "ml-42"},
                            "hiringOrganization": {"@type": "Organization", "name": "Example"},
                            "description": "<p>Requirements</p><ul><li>Python, PyTorch</li>"
                            "<li>3+ years of MLOps</li></ul><p>Nice to have</p><ul>"
                            "<li>Kubernetes</li></ul>",
                        },
                    }
                },
            },
            "application/json": {"schema": POSTING_JSON},
            "text/html": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


def titles_of(request: Request) -> dict[str, str]:
    taxonomy = request.app.state.services.taxonomy
    if taxonomy is None:
        return {}
    return {rid: role.title for rid, role in taxonomy.roles.items()}


JSON_TYPES = ("application/json", "application/ld+json")


def read_posting(
    ctype: str, body: bytes, max_depth: int
) -> tuple[str | dict[str, Any] | list[Any], str]:
    """What the matcher reads from a posting sent as ``ctype``, and its source label
    (``POST /v1/jobs`` and the ``/jobs`` page).

    Raises:
        RequestValidationError: JSON that is not a posting.
        InvalidJobPostingError: JSON nested deeper than ``max_depth`` (a posting file on the
            page; the API's JSON bodies are refused while they stream, 400).
    """
    if ctype in JSON_TYPES:
        if nested_deeper_than(body, max_depth):
            raise InvalidJobPostingError(
                f"The job posting's JSON is nested deeper than {max_depth} levels."
            )
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise invalid(("body",), "The body is not valid JSON.", "json_invalid") from None
        if isinstance(data, list) or (
            isinstance(data, dict) and ({"@type", "@graph", "@context"} & data.keys())
        ):
            return data, "jsonld"
        if not isinstance(data, dict):
            raise invalid(("body",), "Send a JSON-LD JobPosting or {title, description}.")
        try:
            simple = JobIn.model_validate(data)
        except ValidationError as exc:
            raise invalid(
                ("body", *[str(p) for p in exc.errors()[0]["loc"]]),
                str(exc.errors()[0]["msg"]),
                str(exc.errors()[0]["type"]),
            ) from None
        jsonld: dict[str, Any] = {
            "@type": "JobPosting",
            "title": simple.title,
            "description": simple.description,
        }
        if simple.external_id:
            jsonld["identifier"] = simple.external_id
        if simple.organization:
            jsonld["hiringOrganization"] = {"name": simple.organization}
        return jsonld, "json"
    text = body.decode("utf-8", "replace")
    return text, "html" if ctype == "text/html" else "text"


async def _store(
    request: Request,
    posting: JobPosting,
    version: str,
    *,
    source: str,
    external_id: str | None,
) -> tuple[JobOut, bool]:
    services = request.app.state.services
    titles = titles_of(request)

    def write() -> tuple[JobOut, bool]:
        with services.sessions.begin() as session:
            job, created = repo.upsert_job(
                session,
                posting,
                source=source,
                taxonomy_version=version,
                external_id=external_id,
            )
            return job_out(job, titles), created

    return await anyio.to_thread.run_sync(lambda: repo.retrying(write))


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


POSTING_TYPES = ("application/json", "application/ld+json", "text/html", "text/plain")


async def store_posting(
    request: Request,
    job_input: str | dict[str, Any] | list[Any],
    source: str,
    external_id: str | None = None,
) -> tuple[JobOut, bool]:
    """Read a posting into requirements in a worker and store it (created, or updated by its
    external id); ``POST /v1/jobs`` and the ``/jobs`` page both create postings through this.

    Raises:
        MatcherError: the posting cannot be read.
        RequestValidationError: its identifier is too long.
    """
    services = request.app.state.services
    posting, version = await services.run_task(parse_job_task, job_input)
    ident = repo.external_key(posting, external_id)
    if ident is not None and len(ident) > repo.MAX_EXTERNAL_ID:
        raise invalid(
            ("body", "identifier"),
            f"The posting's identifier has at most {repo.MAX_EXTERNAL_ID} characters.",
            "string_too_long",
        )
    return await _store(request, posting, version, source=source, external_id=external_id)


def jobs_page(
    session: Session, titles: dict[str, str], *, limit: int, cursor: str | None
) -> JobList:
    """A page of postings, newest first (``GET /v1/jobs`` and the ``/jobs`` page)."""
    page = page_of(lambda: repo.list_jobs(session, limit=limit, cursor=cursor))
    return JobList(items=[job_out(j, titles) for j in page.items], next_cursor=page.next_cursor)


def read_job(session: Session, titles: dict[str, str], job_id: str) -> JobOut:
    """One posting by id or external id.

    Raises:
        NotFoundError: there is no such posting.
    """
    return job_out(found(repo.find_job(session, job_id), "job", job_id), titles)


@router.post(
    "/jobs",
    response_model=JobOut,
    status_code=201,
    summary="Create or update a job posting",
    openapi_extra=JOB_BODY,
    responses={
        200: {"model": JobOut, "description": "An existing posting (same external id) updated."},
        **responses(
            *WRITE,
            "invalid-job-posting",
            "unsupported-type",
            "document-too-large",
            "not-ready",
            "service-busy",
        ),
    },
)
async def create_job(
    request: Request,
    services: ServicesDep,
    _principal: JobsWrite,
    external_id: str | None = Query(
        default=None, max_length=200, description="External key (overrides the identifier)."
    ),
) -> Response:
    """Read a posting into requirements (required and preferred skills, years, education) and
    its nearest taxonomy roles, and store it. The same ``identifier`` (or ``external_id``)
    again updates the stored posting (200) instead of creating one (201)."""
    ctype = _content_type(request)
    if ctype not in POSTING_TYPES:
        from fastapi import HTTPException

        raise HTTPException(
            415, "Send application/ld+json, application/json, text/html or text/plain."
        )
    body = await read_body(request, services.settings.max_upload_bytes)
    job_input, source = read_posting(ctype, body, services.settings.max_json_depth)
    # the same posting re-serialised (key order, spacing, escapes) is the same request
    content = canonical_json(json.loads(body)) if ctype in JSON_TYPES else body
    key = fingerprint(ctype, content, external_id)

    async def handle() -> Response:
        out, created = await store_posting(request, job_input, source, external_id)
        return json_response(out, 201 if created else 200)

    return await run_idempotent(request, key, handle)


@router.post(
    "/jobs:import",
    response_model=ImportResult,
    summary="Import postings from a job-board feed",
    responses=responses(
        *WRITE,
        "url-refused",
        "feed-unreachable",
        "feed-too-large",
        "feed-invalid",
        "not-ready",
        "service-busy",
    ),
)
async def import_jobs(
    request: Request, services: ServicesDep, _principal: JobsWrite, body: ImportRequest
) -> Response:
    """Import a Greenhouse, Lever, Ashby or JSON-LD feed, fetched from ``url`` (public http(s)
    only, with a time limit and a size cap) or given inline as ``feed``. Each posting is
    created or updated by its external id; postings that cannot be read are listed in
    ``failed`` and the rest are imported."""
    runtime = board(request)
    settings = runtime.settings
    if (body.url is None) == (body.feed is None):
        raise invalid(("body",), "Give exactly one of 'url' or 'feed'.")
    key = fingerprint(canonical_json(body.model_dump()))

    async def handle() -> Response:
        raw: Any = body.feed
        if body.url is not None:
            url = body.url
            if runtime.fetches is None:
                runtime.fetches = anyio.CapacityLimiter(settings.fetch_concurrency)
            if runtime.fetches.available_tokens < 1:
                from service.problems import ServiceBusyError

                raise ServiceBusyError(
                    f"{settings.fetch_concurrency} feeds are being fetched; retry in a few "
                    "seconds, or send the feed inline.",
                    retry_after=max(1, round(settings.fetch_timeout)),
                )
            try:
                # a thread of the fetches' own pool: a feed that drips for fetch_timeout holds
                # none of the default pool's threads (API key checks, database writes)
                raw = await anyio.to_thread.run_sync(
                    lambda: fetch_feed(
                        url,
                        timeout=settings.fetch_timeout,
                        max_bytes=settings.fetch_max_bytes,
                        allow_private=settings.allow_private_urls,
                    ),
                    limiter=runtime.fetches,
                )
            except FetchError as exc:
                cls = {"url-refused": UrlRefusedError, "too-large": FeedTooLargeError}.get(
                    exc.kind, FeedUnreachableError
                )
                raise cls(str(exc)) from None
        try:
            postings = read_feed(
                raw,
                body.format,
                organization=body.organization,
                max_depth=services.settings.max_json_depth,
            )
        except FeedError as exc:
            raise FeedInvalidError(str(exc)) from None
        if len(postings) > settings.import_max_postings:
            raise FeedInvalidError(
                f"The feed has {len(postings)} postings; the limit is "
                f"{settings.import_max_postings} per import."
            )
        result = await _import(services, postings, source=body.format)
        return json_response(result)

    return await run_idempotent(request, key, handle)


async def _import(services: Any, postings: list[dict[str, Any]], *, source: str) -> ImportResult:
    pool = services.pool

    def parse_all() -> list[tuple[JobPosting, str] | MatcherError]:
        indexed = list(enumerate(postings))
        results = sorted(
            (
                (item[0], outcome)
                for item, outcome in pool.map_unordered(parse_indexed_job_task, indexed)
            ),
            key=lambda r: r[0],
        )
        return [outcome for _, outcome in results]

    async with services.slot():
        if not services.ready or pool is None:
            from service.problems import NotReadyError

            raise NotReadyError(services.failure)
        parsed = await anyio.to_thread.run_sync(parse_all)
    return await anyio.to_thread.run_sync(
        lambda: repo.retrying(
            lambda: store_imported(services.sessions, postings, parsed, source=source)
        )
    )


@router.get(
    "/jobs",
    response_model=JobList,
    summary="List job postings (newest first)",
    responses=responses(*COMMON, "validation-error", "invalid-cursor"),
)
async def list_jobs(
    request: Request,
    services: ServicesDep,
    _principal: JobsRead,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """Postings, newest first, a page at a time: follow ``next_cursor`` until it is null."""
    titles = titles_of(request)

    return await in_session(services, lambda s: jobs_page(s, titles, limit=limit, cursor=cursor))


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    summary="Read a job posting",
    responses=responses(*COMMON, "not-found"),
)
async def get_job(
    request: Request, job_id: str, services: ServicesDep, _principal: JobsRead
) -> Response:
    """A posting by its id (or its external id) with its requirements and nearest roles."""
    titles = titles_of(request)

    return await in_session(services, lambda s: read_job(s, titles, job_id))


@router.delete(
    "/jobs/{job_id}",
    status_code=204,
    summary="Delete a job posting (with its applications and batches)",
    responses=responses(*COMMON, "not-found"),
)
async def delete_job(job_id: str, services: ServicesDep, _principal: JobsWrite) -> Response:
    """Delete a posting and everything scored against it; emits ``job.updated`` (deleted)."""

    def write() -> None:
        with services.sessions.begin() as session:
            repo.delete_job(session, found(repo.find_job(session, job_id), "job", job_id))

    await anyio.to_thread.run_sync(write)
    return Response(status_code=204)
