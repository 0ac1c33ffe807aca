"""Dependencies the routes declare: the app's ``Services`` and the caller's scopes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from service.auth import Principal, require_scope

if TYPE_CHECKING:
    from service.app import Services

__all__ = [
    "MatchPrincipal",
    "ParsePrincipal",
    "ServicesDep",
    "TaxonomyPrincipal",
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
