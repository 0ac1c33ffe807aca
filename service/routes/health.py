"""Operations: liveness, readiness, Prometheus metrics and the problem-type pages."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from service.deps import ServicesDep
from service.metrics import CONTENT_TYPE_LATEST
from service.problems import NotFoundError, ProblemType, problem_responses, problem_types
from service.schemas import Health, Readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
async def healthz() -> Health:
    """Always 200 while the event loop runs (even when every worker is busy or restarting)."""
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: taxonomy and workers loaded",
    responses={
        503: {
            "model": Readiness,
            "description": "Not ready yet (starting) or failed to start.",
            "content": {
                "application/json": {
                    "example": {
                        "status": "starting",
                        "taxonomy_version": "tax-1a2b3c4d5e6f",
                        "workers": 2,
                        "workers_ready": False,
                        "detail": None,
                    }
                }
            },
        }
    },
)
async def readyz(services: ServicesDep) -> JSONResponse:
    """200 once the taxonomy is loaded and every worker has built its Matcher; 503 before."""
    version = getattr(services.taxonomy, "version", None)
    if services.ready and version:
        state = "ready"
    elif services.failure:
        state = "failed"
    else:
        state = "starting"
    body = Readiness(
        status=state,
        taxonomy_version=version,
        workers=services.settings.workers,
        workers_ready=services.ready,
        detail=services.failure,
    )
    return JSONResponse(body.model_dump(), status_code=200 if state == "ready" else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
)
async def metrics(services: ServicesDep) -> Response:
    """Request counts and latencies per route and status, documents, errors, stage timings."""
    if services.pool is not None:
        services.metrics.worker_restarts.set(services.pool.restarts)
    return Response(services.metrics.render(), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/problems/{code}",
    summary="What a problem type means",
    responses=problem_responses("not-found"),
)
async def problem_page(code: str) -> dict[str, object]:
    """The documentation of a problem ``type`` URI (``/problems/<code>``)."""
    rows: dict[str, ProblemType] = {p.code: p for p in problem_types()}
    row = rows.get(code)
    if row is None:
        raise NotFoundError("No problem type has that code.")
    return {
        "type": row.type,
        "code": row.code,
        "status": row.status,
        "title": row.title,
        "description": row.description,
    }
