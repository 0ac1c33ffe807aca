"""Candidates: a posting's ranking, and erasure of everything stored about a candidate."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated

import anyio.to_thread
from fastapi import APIRouter, Path, Response
from sqlalchemy.orm import Session

from service.db import scrub
from service.deps import ServicesDep
from service.jobboard.routes.applications import CANDIDATE_ID_SCHEMA, candidate_id
from service.jobboard.routes.common import (
    JobsRead,
    JobsWrite,
    LimitQuery,
    ScoreCursorQuery,
    found,
    in_session,
    json_response,
    page_of,
    responses,
)
from service.jobboard.schemas import CandidateList, ErasureReceipt, application_out
from service.storage import repositories as repo

if TYPE_CHECKING:
    from service.services import Services

log = logging.getLogger("rolefit.jobboard")

router = APIRouter(prefix="/v1", tags=["jobs"])


def ranked_candidates(
    session: Session, job_id: str, *, limit: int, cursor: str | None
) -> CandidateList:
    """A page of a posting's candidates, best first (``GET /v1/jobs/{id}/candidates`` and the
    ``/jobs/{id}`` page).

    Raises:
        NotFoundError: there is no such posting.
    """
    job = found(repo.find_job(session, job_id), "job", job_id)
    page = page_of(lambda: repo.list_candidates(session, job.id, limit=limit, cursor=cursor))
    return CandidateList(
        job_id=job.id,
        items=[application_out(a) for a in page.items],
        next_cursor=page.next_cursor,
    )


async def erase(services: Services, candidate: str) -> ErasureReceipt:
    """Erase everything stored about a (valid) candidate id in one transaction and scrub the
    deleted pages (``DELETE /v1/candidates/{id}`` and the page's erase form)."""

    def write() -> ErasureReceipt:
        with services.sessions.begin() as session:
            receipt = ErasureReceipt.model_validate(repo.erase_candidate(session, candidate))
        # the deleted rows are zeroed (secure_delete); their old pages leave the WAL too
        if not scrub(services.engine):
            log.warning("erasure: the WAL checkpoint was busy; it completes on the next one")
        return receipt

    return await anyio.to_thread.run_sync(write)


@router.get(
    "/jobs/{job_id}/candidates",
    response_model=CandidateList,
    summary="Candidates of a posting, ranked best first",
    responses=responses(
        "unauthenticated", "forbidden", "not-found", "validation-error", "invalid-cursor"
    ),
)
async def list_candidates(
    job_id: str,
    services: ServicesDep,
    _principal: JobsRead,
    limit: LimitQuery = 50,
    cursor: ScoreCursorQuery = None,
) -> Response:
    """Every application to the posting ranked by score (ties by application id) with its
    top matched and missing skills, a page at a time. Nobody is ever filtered out by a
    cut-off: scores are recommendations for a person to read, not automatic rejections."""

    return await in_session(
        services, lambda s: ranked_candidates(s, job_id, limit=limit, cursor=cursor)
    )


@router.delete(
    "/candidates/{external_candidate_id}",
    response_model=ErasureReceipt,
    summary="Erase everything stored about a candidate",
    responses=responses("unauthenticated", "forbidden", "validation-error"),
)
async def erase_candidate(
    # the pattern is stated here and checked by candidate_id (the same 422 as in a form field)
    external_candidate_id: Annotated[str, Path(json_schema_extra=CANDIDATE_ID_SCHEMA)],
    services: ServicesDep,
    _principal: JobsWrite,
) -> Response:
    """Delete the candidate's applications, batch items (and their files), queued and past
    events with their deliveries, and stored idempotent responses, in one transaction; emit
    ``candidate.erased`` and return the receipt with what was erased."""
    candidate = candidate_id(external_candidate_id, ("path", "external_candidate_id"))
    return json_response(await erase(services, candidate))
