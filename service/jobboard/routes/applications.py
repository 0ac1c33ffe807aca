"""Applications: a resume scored against a stored posting, kept as derived data only."""

from __future__ import annotations

import re

import anyio.to_thread
from fastapi import APIRouter, HTTPException, Request, Response

from matcher import report_json
from matcher.errors import MatcherError
from matcher.models import JobPosting
from service.deps import ServicesDep
from service.jobboard.routes.common import (
    JobsWrite,
    fingerprint,
    found,
    invalid,
    responses,
    run_idempotent,
)
from service.jobboard.runtime import ScoreResult, score_task
from service.jobboard.schemas import ApplicationResult, application_out
from service.problems import DOCUMENT_PROBLEMS
from service.routes.match import DetailQuery
from service.schemas import report_out
from service.storage import repositories as repo
from service.uploads import RESUME_MEDIA_TYPES, multipart_body, read_multipart

router = APIRouter(prefix="/v1", tags=["jobs"])

CANDIDATE_ID = re.compile(r"^[A-Za-z0-9._:@+=-]{1,200}$")
CANDIDATE_ID_SCHEMA = {"type": "string", "maxLength": 200, "pattern": CANDIDATE_ID.pattern}
"""An external candidate id as the OpenAPI schema states it (a path, a field, a list item)."""

APPLICATION_BODY = multipart_body(
    {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "The resume: PDF, DOCX, plain text or a PNG/JPEG scan; its type is "
            "told from its bytes.",
        },
        "external_candidate_id": {
            **CANDIDATE_ID_SCHEMA,
            "description": "Your id of the candidate (erasure goes by it).",
        },
    },
    required=("file", "external_candidate_id"),
    encoding={"file": {"contentType": RESUME_MEDIA_TYPES}},
)


def candidate_id(value: str | None, loc: tuple[str, ...]) -> str:
    """A valid external candidate id, exactly as given (or a 422): the pattern the schema
    states, with no space trimmed off, so what is accepted is what the schema allows."""
    value = value or ""
    if not CANDIDATE_ID.fullmatch(value):
        raise invalid(
            loc,
            "Give an external_candidate_id of 1-200 letters, digits or ._:@+=- characters.",
            "string_pattern_mismatch",
        )
    return value


@router.post(
    "/jobs/{job_id}/applications",
    response_model=ApplicationResult,
    status_code=201,
    summary="Score a resume against a posting and store the result",
    openapi_extra=APPLICATION_BODY,
    responses={
        200: {
            "model": ApplicationResult,
            "description": "The candidate had applied: the new result replaces the old one.",
        },
        **responses(
            *DOCUMENT_PROBLEMS,
            "unauthenticated",
            "forbidden",
            "not-found",
            "validation-error",
            "idempotency-in-progress",
            "idempotency-key-reused",
            "service-busy",
            "not-ready",
            "internal-error",
        ),
    },
)
async def create_application(
    request: Request,
    job_id: str,
    services: ServicesDep,
    _principal: JobsWrite,
    detail: DetailQuery = "compact",
) -> Response:
    """Parse the resume, score it against the posting (and the taxonomy roles), store the
    derived data (skills, scores, suggestions, taxonomy and method versions; not the file,
    nor its text unless ``ROLEFIT_STORE_RESUME_TEXT`` is on), emit ``application.scored`` and
    return the match report (compact unless ``?detail=full``, as ``/v1/match``). Applying again
    with the same candidate id replaces the result."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "multipart/form-data":
        raise HTTPException(
            415, "Send multipart/form-data with 'file' and 'external_candidate_id'."
        )

    def load() -> tuple[str, JobPosting]:
        with services.sessions() as session:
            job = found(repo.find_job(session, job_id), "job", job_id)
            return job.id, repo.posting_from_dict(job.posting)

    real_id, posting = await anyio.to_thread.run_sync(load)
    # the body first: a slow upload holds no worker place (the middleware bounds its time)
    form = await read_multipart(request, services.settings.max_upload_bytes)
    async with services.slot():
        part = form.first("file")
        if part is None:
            raise invalid(
                ("body", "file"), "Field required: upload the resume as 'file'.", "missing"
            )
        candidate = candidate_id(
            next(iter(form.texts("external_candidate_id")), None), ("body", "external_candidate_id")
        )
        ext = (
            (part.filename or "").rsplit(".", 1)[-1].lower() if "." in (part.filename or "") else ""
        )
        key = fingerprint(real_id, candidate, ext, part.data, detail)
        keep = services.settings.store_resume_text

        async def handle() -> Response:
            try:
                result: ScoreResult = await services.run_in_worker(
                    score_task, part.data, part.filename, posting, None, keep
                )
            except MatcherError as exc:
                if exc.code != "unknown-role":
                    services.metrics.parse_errors.labels(exc.code).inc()
                raise

            def write() -> tuple[bytes, bool]:
                with services.sessions.begin() as session:
                    job = found(repo.find_job(session, real_id), "job", job_id)
                    app = repo.upsert_application(
                        session,
                        job,
                        candidate,
                        result.report,
                        retention_days=services.settings.retention_days,
                        resume_text=result.text,
                    )
                    # ``ApplicationResult``: the report as the library serialises it (the
                    # compact one as /v1/match sends it, without a validation round trip)
                    application = application_out(app).model_dump_json().encode()
                    report = (
                        report_out(result.report).model_dump_json().encode()
                        if detail == "full"
                        else report_json(result.report)
                    )
                    body = b'{"application":' + application + b',"report":' + report + b"}"
                    # created by this very write (a row found by the upsert, even one a
                    # concurrent request committed a moment ago, was created before)
                    return body, app.created_at == app.updated_at

            body, created = await anyio.to_thread.run_sync(lambda: repo.retrying(write))
            return Response(
                body, status_code=201 if created else 200, media_type="application/json"
            )

        return await run_idempotent(request, key, handle, candidate=candidate)
