"""Parse and match: uploads read while streaming, the work done in the WorkerPool.

The bodies are read by ``service/uploads.py`` (size-limited, in memory, never on disk) rather than
by FastAPI's form parsing, so the request bodies are declared in ``openapi_extra``.
"""

from __future__ import annotations

import gzip
import json
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from matcher.errors import InputError, InvalidJobPostingError, MatcherError
from service.auth import SECURITY_REQUIREMENT
from service.deps import authorized
from service.jsondepth import nested_deeper_than
from service.problems import DOCUMENT_PROBLEMS, problem_responses
from service.schemas import AnyMatchReport, DocumentOut, MatchTextRequest
from service.tasks import Result, match_json_task, match_text_json_task, parse_json_task
from service.uploads import (
    RESUME_MEDIA_TYPES,
    Form,
    multipart_body,
    read_json,
    read_multipart,
)

router = APIRouter(prefix="/v1", tags=["match"])
log = logging.getLogger("rolefit.service")

UPLOAD_PROBLEMS = (
    *DOCUMENT_PROBLEMS,
    "input-invalid",
    "validation-error",
    "unauthenticated",
    "forbidden",
    "service-busy",
    "not-ready",
    "internal-error",
)
MAX_ROLES = 100

DetailQuery = Annotated[
    Literal["compact", "full"],
    Query(
        description="``compact`` (default): each skill's evidence once, roles refer to skills "
        "by id; ``full``: the evidence repeated in every role entry."
    ),
]

_FILE_SCHEMA = {
    "type": "string",
    "format": "binary",
    "description": (
        "The resume: PDF, DOCX, plain text or a PNG/JPEG scan (at most max_upload_bytes); "
        "its type is told from its bytes."
    ),
}
_FILE_ENCODING = {"file": {"contentType": RESUME_MEDIA_TYPES}}

PARSE_BODY = {
    **SECURITY_REQUIREMENT,
    **multipart_body({"file": _FILE_SCHEMA}, required=("file",), encoding=_FILE_ENCODING),
}

MATCH_BODY = {
    **SECURITY_REQUIREMENT,
    "requestBody": {
        "required": True,
        "description": "A resume file (multipart) or pasted resume text (JSON).",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": _FILE_SCHEMA,
                        "roles": {
                            "type": "array",
                            "items": {"type": "string", "examples": ["data-scientist"]},
                            "maxItems": MAX_ROLES,
                            "description": "Roles to score, by id, title or alias (repeat "
                            "the field, or separate with commas); none: every role, ranked.",
                        },
                        "job": {
                            "type": "string",
                            "description": "A job posting: plain text, HTML or schema.org "
                            "JobPosting JSON-LD; as a text field or as a second file.",
                        },
                    },
                },
                "encoding": {
                    **_FILE_ENCODING,
                    "roles": {"style": "form", "explode": True},
                },
            },
            "application/json": {
                "schema": {"$ref": "#/components/schemas/MatchTextRequest"},
                "examples": {
                    "text": {
                        "summary": "Pasted resume text against one role",
                        "value": {
                            "resume_text": "Skills\nPython, SQL, Airflow\nExperience\nData "
                            "Engineer at Example Corp: built Airflow pipelines in Python.",
                            "roles": ["data-scientist"],
                        },
                    }
                },
            },
        },
    },
}


def _required_file(form: Form) -> tuple[bytes, str | None]:
    part = form.first("file")
    if part is None:
        raise RequestValidationError(
            [
                {
                    "loc": ("body", "file"),
                    "msg": "Field required: upload the resume as 'file'.",
                    "type": "missing",
                }
            ]
        )
    return part.data, part.filename


def _roles(values: list[str]) -> list[str] | None:
    roles = [r.strip() for value in values for r in value.split(",") if r.strip()]
    if len(roles) > MAX_ROLES:
        raise RequestValidationError(
            [{"loc": ("body", "roles"), "msg": f"At most {MAX_ROLES} roles.", "type": "too_long"}]
        )
    return roles or None


def _job(form: Form, max_depth: int) -> str | bytes | dict[str, Any] | None:
    """The ``job`` field or file; a field that is JSON is read as a posting object.

    Raises:
        InvalidJobPostingError: JSON nested deeper than ``max_depth`` (the parser would
            recurse once per level).
    """
    part = form.first("job")
    if part is None:
        return None
    if part.filename is not None:
        return part.data
    text = part.data.decode("utf-8", "replace")
    if not text.strip():
        return None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        if nested_deeper_than(stripped, max_depth):
            raise InvalidJobPostingError(
                f"The job posting's JSON is nested deeper than {max_depth} levels."
            )
        try:
            parsed = json.loads(stripped)
        except json.JSONDecodeError:
            return text
        if isinstance(parsed, dict):
            return parsed
    return text


def _record_failure(services: Any, exc: MatcherError) -> None:
    if isinstance(exc, InputError) or exc.code == "worker-crashed":
        services.metrics.parse_errors.labels(exc.code).inc()


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@router.post(
    "/resumes:parse",
    response_model=DocumentOut,
    summary="Parse a resume",
    openapi_extra=PARSE_BODY,
    responses=problem_responses(*UPLOAD_PROBLEMS),
)
async def parse_resume(request: Request) -> Response:
    """Read an uploaded resume into text, sections, contact details and layout warnings.

    The contact details are returned to the caller and never used for scoring or logged.
    """
    services, _principal = await authorized(request, "resumes:parse")
    if _content_type(request) != "multipart/form-data":
        raise HTTPException(415, "Send the resume as multipart/form-data with a 'file' field.")
    # the body first: a slow upload holds no worker place (the middleware bounds its time)
    form = await read_multipart(request, services.settings.max_upload_bytes)
    data, filename = _required_file(form)
    async with services.slot():
        try:
            result: Result = await services.run_in_worker(parse_json_task, data, filename)
        except MatcherError as exc:
            _record_failure(services, exc)
            raise
    services.metrics.documents.labels(result.format).inc()
    return Response(result.body, media_type="application/json")


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


def json_response(request: Request, result: Result) -> Response:
    """The worker's JSON: passed through gzipped when the client accepts gzip, else inflated."""
    if not result.gzipped:
        return Response(result.body, media_type="application/json")
    if _accepts_gzip(request.headers.get("accept-encoding", "")):
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(result.body, media_type="application/json", headers=headers)
    return Response(
        gzip.decompress(result.body),
        media_type="application/json",
        headers={"Vary": "Accept-Encoding"},
    )


@router.post(
    "/match",
    response_model=AnyMatchReport,
    summary="Match a resume to roles or a job posting",
    openapi_extra=MATCH_BODY,
    responses=problem_responses(*UPLOAD_PROBLEMS, "unknown-role", "invalid-job-posting"),
)
async def match_resume(request: Request, detail: DetailQuery = "compact") -> Response:
    """Score a resume against roles (all of them, ranked, when none are named) and/or a job
    posting, with the evidence for every skill and concrete suggestions.

    The report is compact by default (``detail: "compact"``: each skill's evidence once, in
    ``skills``; roles refer to skills by id); ``?detail=full`` repeats the evidence in every
    role entry (``detail: "full"``)."""
    services, _principal = await authorized(request, "resumes:match")
    limit = services.settings.max_upload_bytes
    ctype = _content_type(request)
    if ctype not in ("application/json", "multipart/form-data"):
        raise HTTPException(
            415, "Send multipart/form-data (a 'file') or application/json ('resume_text')."
        )
    # the body first: a slow upload holds no worker place (the middleware bounds its time)
    call: tuple[Any, ...]
    if ctype == "application/json":
        payload = await read_json(request, limit, services.settings.max_json_depth)
        try:
            body = MatchTextRequest.model_validate(payload)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
            ) from None
        roles = _roles(body.roles or [])
        call = (match_text_json_task, body.resume_text, roles, body.job, detail)
    else:
        form = await read_multipart(request, limit)
        data, filename = _required_file(form)
        job = _job(form, services.settings.max_json_depth)
        call = (match_json_task, data, _roles(form.texts("roles")), job, filename, detail)
    async with services.slot():
        try:
            result: Result = await services.run_in_worker(*call)
        except MatcherError as exc:
            _record_failure(services, exc)
            raise
    services.metrics.documents.labels(result.format).inc()
    services.metrics.observe_timings(result.timings)
    return json_response(request, result)
