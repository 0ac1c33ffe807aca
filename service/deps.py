"""Dependencies the routes declare: the app's ``Services`` and the caller's scopes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from service.auth import Principal, check_scope, require_scope

if TYPE_CHECKING:
    from service.services import Services

__all__ = [
    "MatchPrincipal",
    "ParsePrincipal",
    "ServicesDep",
    "TaxonomyPrincipal",
    "authorized",
    "get_services",
]


async def get_services(request: Request) -> Services:
    """The ``Services`` built by the lifespan (``async``: FastAPI runs a plain ``def``
    dependency in its thread pool, one thread hop per request for an attribute read)."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated["Services", Depends(get_services)]
TaxonomyPrincipal = Annotated[Principal, Depends(require_scope("taxonomy:read"))]
ParsePrincipal = Annotated[Principal, Depends(require_scope("resumes:parse"))]
MatchPrincipal = Annotated[Principal, Depends(require_scope("resumes:match"))]


async def authorized(request: Request, scope: str) -> tuple[Services, Principal]:
    """``ServicesDep`` and a ``*Principal`` dependency in one plain call, for the upload routes.

    FastAPI's dependency resolution (the two dependencies and the bearer scheme under one of them)
    cost up to 1-2 ms per ``POST /v1/match`` on a CPU that has just run a 50 ms match in the
    worker (interleaved A/B on the bench's 2-page resume: +4.6-7.0 ms over the library call with
    it, +3.5-5.2 without; docs/service.md, "Latency"). Those routes call this first and declare
    ``SECURITY_REQUIREMENT`` in their OpenAPI; every other route keeps the dependencies.

    Raises:
        NotAuthenticatedError, ForbiddenError: see ``service.auth.check_scope``.
    """
    services: Services = request.app.state.services
    return services, await check_scope(request, scope)
