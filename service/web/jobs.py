"""``/jobs``: the recruiter's and job-board operator's pages over the job board.

Every page calls the functions the ``/v1`` job-board routes call (``store_posting``,
``jobs_page``, ``ranked_candidates``, ``prepare_batch``/``store_batch``, ``erase``), so the
pages and the API share one storage and one set of rules. Outside dev mode a page needs a
session (``service/web/session.py``) whose key holds ``jobs:read`` (to look) or ``jobs:write``
(to change); every form is checked for its CSRF token. Expected failures are pages with a
sentence and the API's status and error code, never a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from matcher.errors import MatcherError
from service.jobboard.routes.applications import candidate_id
from service.jobboard.routes.batches import prepare_batch, read_batch, store_batch
from service.jobboard.routes.candidates import erase, ranked_candidates
from service.jobboard.routes.common import board
from service.jobboard.routes.jobs import (
    jobs_page,
    read_job,
    read_posting,
    store_posting,
    titles_of,
)
from service.problems import NotFoundError, ServiceError, status_for
from service.uploads import Form, read_multipart
from service.web.render import environment
from service.web.session import (
    CsrfError,
    LoginRequiredError,
    MissingScopeError,
    PageSession,
    check_csrf,
    clear_session,
    login,
    page_session,
    remember_csrf,
    require,
)

router = APIRouter(include_in_schema=False)
log = logging.getLogger("rolefit.service")

CANDIDATES_SHOWN = 200
# A posting uploaded as a file: its type from the file name.
POSTING_FILES = {
    "txt": "text/plain",
    "md": "text/plain",
    "text": "text/plain",
    "html": "text/html",
    "htm": "text/html",
    "json": "application/ld+json",
    "jsonld": "application/ld+json",
}
POSTING_FORMATS = {"text": "text/plain", "html": "text/html", "jsonld": "application/ld+json"}


def _render(
    request: Request, session: PageSession, template: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    html = (
        environment()
        .get_template(template)
        .render(
            csrf=session.csrf,
            principal=session.principal,
            dev=request.app.state.services.settings.dev_mode,
            **context,
        )
    )
    return remember_csrf(request, session, HTMLResponse(html, status_code=status))  # type: ignore[return-value]


def _error(
    request: Request,
    session: PageSession,
    status: int,
    title: str,
    detail: str,
    code: str | None = None,
    back: str = "/jobs",
) -> HTMLResponse:
    return _render(
        request,
        session,
        "jobs_error.html",
        status=status,
        error={"title": title, "detail": detail, "code": code},
        back=back,
    )


def too_large_job_page(limit: int) -> HTMLResponse:
    """The 413 page of a ``/jobs`` form (the middleware answers before reading the body)."""
    html = (
        environment()
        .get_template("jobs_error.html")
        .render(
            csrf="",
            principal=None,
            dev=False,
            back="/jobs",
            error={
                "title": "Upload too large",
                "detail": f"The upload is too large: a request is limited to {limit // 1024} KB. "
                "Send the resumes in smaller batches.",
                "code": "document-too-large",
            },
        )
    )
    return HTMLResponse(html, status_code=413)


def _validation_detail(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "The form could not be read."
    first = errors[0]
    return str(first.get("msg", "The form could not be read."))


async def _page(
    request: Request, work: Callable[[PageSession], Awaitable[Response]], back: str = "/jobs"
) -> Response:
    """Run a page's ``work`` and turn every expected failure into a readable page."""
    session = await page_session(request)
    try:
        return await work(session)
    except LoginRequiredError:
        target = request.url.path if request.method == "GET" else back
        return RedirectResponse("/jobs/login?next=" + quote(target, safe="/"), status_code=303)
    except MissingScopeError as exc:
        return _error(request, session, 403, "Not allowed", str(exc), "forbidden", back)
    except CsrfError as exc:
        return _error(request, session, 403, "Form expired", str(exc), "csrf-failed", back)
    except ServiceError as exc:
        response = _error(request, session, exc.status, exc.title, exc.message, exc.code, back)
        response.headers.update(exc.headers)
        return response
    except MatcherError as exc:
        title = exc.code.replace("-", " ").capitalize()
        return _error(request, session, status_for(exc), title, str(exc), exc.code, back)
    except RequestValidationError as exc:
        detail = _validation_detail(exc)
        return _error(request, session, 422, "Invalid form", detail, "validation-error", back)
    except StarletteHTTPException as exc:
        return _error(request, session, exc.status_code, "Request refused", str(exc.detail))


async def _form(request: Request, session: PageSession, max_parts: int = 16) -> Form:
    """The page's multipart form, once its CSRF token is checked."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "multipart/form-data":
        raise CsrfError("The form is missing its security token.")
    limit = request.app.state.services.settings.max_upload_bytes
    form = await read_multipart(request, limit, max_parts=max_parts)
    check_csrf(session, next(iter(form.texts("csrf")), None))
    return form


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/jobs") and "//" not in value and "\\" not in value:
        return value
    return "/jobs"


async def _in_session(request: Request, work: Callable[[Any], Any]) -> Any:
    services = request.app.state.services

    def run() -> Any:
        with services.sessions() as session:
            return work(session)

    return await anyio.to_thread.run_sync(run)


# --------------------------------------------------------------------------- login


@router.get("/jobs/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str | None = None) -> Response:
    """The form that takes an API key once."""
    session = await page_session(request)
    if session.principal is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _render(request, session, "login.html", next=_safe_next(next), error=None)


@router.post("/jobs/login", response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    """Check the key and its scope; on success a session cookie and back to the page."""

    async def work(session: PageSession) -> Response:
        form = await _form(request, session)
        target = _safe_next(next(iter(form.texts("next")), None))
        key = next(iter(form.texts("key")), "").strip()
        if not key:
            return _login_error(request, session, target, 422, "Enter an API key.")
        redirect = RedirectResponse(target, status_code=303)
        principal = await login(request, key, redirect)
        if principal is None:
            detail = "The API key is unknown or has been revoked."
            return _login_error(request, session, target, 401, detail, "unauthenticated")
        if not principal.allows("jobs:read"):
            detail = (
                "This API key does not have the 'jobs:read' scope: the job pages need "
                "jobs:read (and jobs:write to change anything)."
            )
            return _login_error(request, session, target, 403, detail, "forbidden")
        return redirect

    return await _page(request, work, back="/jobs/login")


def _login_error(
    request: Request,
    session: PageSession,
    target: str,
    status: int,
    detail: str,
    code: str | None = None,
) -> HTMLResponse:
    error = {"title": "Not signed in", "detail": detail, "code": code}
    return _render(request, session, "login.html", status=status, next=target, error=error)


@router.post("/jobs/logout")
async def logout(request: Request) -> Response:
    """Forget the session (the form carries the CSRF token like every other)."""

    async def work(session: PageSession) -> Response:
        await _form(request, session)
        response = RedirectResponse("/jobs/login", status_code=303)
        clear_session(response)
        return response

    return await _page(request, work)


# --------------------------------------------------------------------------- postings


@router.get("/jobs", response_class=HTMLResponse)
async def jobs_list(request: Request, cursor: str | None = None) -> Response:
    """The postings, newest first, and the form that creates one."""

    async def work(session: PageSession) -> Response:
        principal = require(session, "jobs:read")
        titles = titles_of(request)
        page = await _in_session(
            request, lambda s: jobs_page(s, titles, limit=50, cursor=cursor or None)
        )
        return _render(
            request,
            session,
            "jobs.html",
            jobs=page.items,
            next_cursor=page.next_cursor,
            can_write=principal.allows("jobs:write"),
        )

    return await _page(request, work)


@router.post("/jobs", response_class=HTMLResponse)
async def jobs_create(request: Request) -> Response:
    """Create (or update, by its identifier) a posting from pasted text, HTML or JSON-LD, or
    from an uploaded file; then its page."""

    async def work(session: PageSession) -> Response:
        require(session, "jobs:write")
        form = await _form(request, session)
        upload = form.first("file")
        if upload is not None and upload.data:
            name = (upload.filename or "").lower()
            ext = name.rsplit(".", 1)[-1] if "." in name else ""
            ctype = POSTING_FILES.get(ext)
            if ctype is None:
                raise RequestValidationError(
                    [
                        {
                            "loc": ("body", "file"),
                            "msg": f"{upload.filename}: upload the posting as a text, HTML or "
                            "JSON-LD file (.txt, .md, .html, .json, .jsonld).",
                            "type": "value_error",
                        }
                    ]
                )
            body = upload.data
        else:
            text = next(iter(form.texts("posting")), "").strip()
            if not text:
                raise RequestValidationError(
                    [
                        {
                            "loc": ("body", "posting"),
                            "msg": "Paste the posting or choose a file.",
                            "type": "missing",
                        }
                    ]
                )
            chosen = next(iter(form.texts("format")), "text")
            ctype = POSTING_FORMATS.get(chosen, "text/plain")
            body = text.encode("utf-8")
        depth = request.app.state.services.settings.max_json_depth
        job_input, source = read_posting(ctype, body, depth)
        out, _created = await store_posting(request, job_input, source)
        return RedirectResponse(f"/jobs/{quote(out.id)}", status_code=303)

    return await _page(request, work)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
async def job_page(
    request: Request, job_id: str, batch: str | None = None, erased: str | None = None
) -> Response:
    """A posting's skills, its candidates ranked, the batch upload form and its progress."""

    async def work(session: PageSession) -> Response:
        principal = require(session, "jobs:read")
        titles = titles_of(request)

        def read(s: Any) -> tuple[Any, Any, Any]:
            job = read_job(s, titles, job_id)
            ranked = ranked_candidates(s, job.id, limit=CANDIDATES_SHOWN, cursor=None)
            progress = None
            if batch:
                progress = read_batch(s, batch)
                if progress.job_id != job.id:
                    raise NotFoundError(f"No batch with id {batch!r} for this posting.")
            return job, ranked, progress

        job, ranked, progress = await _in_session(request, read)
        return _render(
            request,
            session,
            "job.html",
            job=job,
            candidates=ranked.items,
            more=ranked.next_cursor is not None,
            batch=progress,
            erased=erased,
            can_write=principal.allows("jobs:write"),
        )

    return await _page(request, work, back=f"/jobs/{quote(job_id)}")


@router.get("/jobs/{job_id}/batches/{batch_id}/progress")
async def batch_progress(request: Request, job_id: str, batch_id: str) -> Response:
    """The batch's progress as a small JSON object (the page polls it)."""
    session = await page_session(request)
    try:
        require(session, "jobs:read")

        def read(s: Any) -> Any:
            out = read_batch(s, batch_id)
            job = read_job(s, {}, job_id)
            if out.job_id != job.id:
                raise NotFoundError(f"No batch with id {batch_id!r} for this posting.")
            return out

        out = await _in_session(request, read)
    except LoginRequiredError:
        return JSONResponse({"code": "unauthenticated"}, status_code=401)
    except MissingScopeError:
        return JSONResponse({"code": "forbidden"}, status_code=403)
    except ServiceError as exc:
        return JSONResponse({"code": exc.code}, status_code=exc.status)
    fields = ("status", "total", "done", "failed", "progress")
    return JSONResponse({name: getattr(out, name) for name in fields})


@router.post("/jobs/{job_id}/batches", response_class=HTMLResponse)
async def batch_upload(request: Request, job_id: str) -> Response:
    """Queue uploaded resumes (or zips of them) for the posting; then its page with progress."""
    back = f"/jobs/{quote(job_id)}"

    async def work(session: PageSession) -> Response:
        require(session, "jobs:write")
        services = request.app.state.services
        settings = board(request).settings
        form = await _form(request, session, max_parts=settings.batch_max_files + 8)
        uploads = [(p.filename or "resume.txt", p.data) for p in form.parts.get("files", [])]
        uploads = [u for u in uploads if u[1]]
        if not uploads:
            raise RequestValidationError(
                [
                    {
                        "loc": ("body", "files"),
                        "msg": "Choose at least one resume (PDF, DOCX, text or a PNG/JPEG "
                        "scan) or a zip.",
                        "type": "missing",
                    }
                ]
            )
        titles = titles_of(request)
        job = await _in_session(request, lambda s: read_job(s, titles, job_id))
        async with services.slot():
            prepared = await prepare_batch(
                request, services, uploads, job_ref=job.id, roles=None, given=[]
            )
            out = await store_batch(services, prepared)
        return RedirectResponse(
            f"/jobs/{quote(job.id)}?batch={quote(out.id)}#batch", status_code=303
        )

    return await _page(request, work, back=back)


# --------------------------------------------------------------------------- erasure


@router.get("/jobs/{job_id}/candidates/{candidate}/erase", response_class=HTMLResponse)
async def erase_confirm(request: Request, job_id: str, candidate: str) -> Response:
    """Ask before erasing (works without JavaScript and with the keyboard alone)."""

    async def work(session: PageSession) -> Response:
        require(session, "jobs:write")
        ident = candidate_id(candidate, ("path", "candidate"))
        titles = titles_of(request)
        job = await _in_session(request, lambda s: read_job(s, titles, job_id))
        return _render(request, session, "erase.html", job=job, candidate=ident)

    return await _page(request, work, back=f"/jobs/{quote(job_id)}")


@router.post("/jobs/{job_id}/candidates/{candidate}/erase", response_class=HTMLResponse)
async def erase_submit(request: Request, job_id: str, candidate: str) -> Response:
    """Erase everything stored about the candidate (every posting), like
    ``DELETE /v1/candidates/{id}``."""

    async def work(session: PageSession) -> Response:
        require(session, "jobs:write")
        await _form(request, session)
        ident = candidate_id(candidate, ("path", "candidate"))
        await erase(request.app.state.services, ident)
        target = f"/jobs/{quote(job_id)}?erased={quote(ident)}"
        return RedirectResponse(target, status_code=303)

    return await _page(request, work, back=f"/jobs/{quote(job_id)}")
