"""``/``: the resume page. A plain HTML form (works without JavaScript) posting to ``/``.

The page is open like ``/healthz`` (nothing is stored and no key is shown to a person); it reads
the upload with the same size limit and deadlines as ``/v1/match``, then takes the same ``slot()``
(a worker place only once the body is in, 503 when full) and runs in the same WorkerPool (time
budget, memory limit). Every expected failure is shown on the page as a sentence, with the
status the API would answer.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse

from matcher.errors import InputError, MatcherError
from service.problems import ServiceError, status_for
from service.routes.match import MAX_ROLES, _job
from service.tasks import Result
from service.uploads import read_multipart
from service.web.render import environment, page_match_task

router = APIRouter(include_in_schema=False)
log = logging.getLogger("rolefit.service")


def _role_choices(request: Request) -> list[dict[str, str]]:
    taxonomy = request.app.state.services.taxonomy
    if taxonomy is None:
        return []
    roles = [r for r in taxonomy.roles.values() if r.kind == "role"]
    return [{"id": r.id, "title": r.title} for r in sorted(roles, key=lambda r: r.title)]


def _form_page(
    request: Request, *, error: dict[str, str] | None = None, status: int = 200, **values: Any
) -> HTMLResponse:
    html = (
        environment()
        .get_template("index.html")
        .render(roles=_role_choices(request), error=error, values=values)
    )
    return HTMLResponse(html, status_code=status)


def too_large_page(request: Request, limit: int) -> HTMLResponse:
    """The form with a 413 error (the middleware answers before reading an oversized body)."""
    return _form_page(
        request,
        error={
            "title": "Document too large",
            "detail": f"The file is too large: uploads are limited to {limit // 1024} KB.",
            "code": "document-too-large",
        },
        status=413,
    )


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    """The upload form."""
    return _form_page(request)


def _selected_roles(values: list[str]) -> list[str] | None:
    roles = [r.strip() for value in values for r in value.split(",") if r.strip()]
    return roles[:MAX_ROLES] or None


@router.post("/", response_class=HTMLResponse)
async def match_page(request: Request) -> HTMLResponse:
    """Parse and match the uploaded resume in a worker; the result page, or the form with a
    readable error."""
    services = request.app.state.services
    limit = services.settings.max_upload_bytes
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    try:
        if ctype != "multipart/form-data":
            return _form_page(
                request,
                error={"title": "Unsupported form", "detail": "Send the form as a file upload."},
                status=415,
            )
        # the body first: a slow upload holds no worker place (the middleware bounds its time)
        form = await read_multipart(request, limit)
        async with services.slot():
            part = form.first("file")
            if part is None or not part.data:
                return _form_page(
                    request,
                    error={
                        "title": "No file",
                        "detail": (
                            "Choose a resume file (PDF, DOCX, text, or a PNG/JPEG scan) to upload."
                        ),
                    },
                    status=422,
                )
            roles = _selected_roles(form.texts("roles"))
            result: Result = await services.run_in_worker(
                page_match_task,
                part.data,
                roles,
                _job(form, services.settings.max_json_depth),
                part.filename,
            )
    except MatcherError as exc:
        if isinstance(exc, InputError) or exc.code == "worker-crashed":
            services.metrics.parse_errors.labels(exc.code).inc()
        return _form_page(
            request,
            error={"title": _title(exc.code), "detail": str(exc), "code": exc.code},
            status=status_for(exc),
        )
    except ServiceError as exc:
        response = _form_page(
            request,
            error={"title": exc.title, "detail": exc.message, "code": exc.code},
            status=exc.status,
        )
        response.headers.update(exc.headers)
        return response
    except RequestValidationError:
        return _form_page(
            request,
            error={"title": "Invalid form", "detail": "The upload could not be read as a form."},
            status=422,
        )
    services.metrics.documents.labels(result.format).inc()
    services.metrics.observe_timings(result.timings)
    return HTMLResponse(result.body)


def _title(code: str) -> str:
    return code.replace("-", " ").capitalize()
