"""Taxonomy: roles (with their sources) and skill lookup (alias, misspelling → canonical)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from matcher.errors import UnknownRoleError
from service.deps import ServicesDep, TaxonomyPrincipal
from service.problems import NotReadyError, problem_responses
from service.schemas import RoleDetail, RoleList, RoleSummary, SkillLookup
from service.tasks import Result, lookup_skill_json_task

router = APIRouter(prefix="/v1", tags=["taxonomy"])

AUTH_PROBLEMS = ("unauthenticated", "forbidden")


def _taxonomy(services: Any) -> Any:
    if services.taxonomy is None:
        raise NotReadyError()
    return services.taxonomy


@router.get(
    "/roles",
    response_model=RoleList,
    summary="List the roles",
    responses=problem_responses(*AUTH_PROBLEMS, "not-ready"),
)
async def list_roles(
    services: ServicesDep,
    _principal: TaxonomyPrincipal,
    kind: Annotated[
        str | None, Query(pattern="^(role|variant)$", description="Only roles or only variants.")
    ] = None,
) -> RoleList:
    """Every role of the taxonomy (and title variants), with the taxonomy version."""
    tax = _taxonomy(services)
    roles = [
        RoleSummary(
            id=role.id,
            title=role.title,
            kind=role.kind,
            parent=role.parent,
            aliases=list(role.aliases),
            summary=role.summary.text if role.summary else None,
            skills=len(tax.role_skills(role.id)),
        )
        for role in tax.roles.values()
        if kind is None or role.kind == kind
    ]
    return RoleList(taxonomy_version=tax.version, roles=roles)


@router.get(
    "/roles/{role_id}",
    response_model=RoleDetail,
    summary="One role with its skills and sources",
    responses=problem_responses(*AUTH_PROBLEMS, "unknown-role", "not-ready"),
)
async def get_role(
    services: ServicesDep,
    _principal: TaxonomyPrincipal,
    role_id: Annotated[str, Path(max_length=100, examples=["data-scientist"])],
) -> RoleDetail:
    """A role as in the taxonomy: every fact with the sentence it came from."""
    tax = _taxonomy(services)
    role = tax.roles.get(role_id)
    if role is None:
        raise UnknownRoleError("No role with that id exists in the taxonomy: see GET /v1/roles.")
    return RoleDetail(
        taxonomy_version=tax.version,
        role=role,
        effective_skills=tax.role_skills(role_id),
        variants=[v.id for v in tax.variants(role_id)],
    )


@router.get(
    "/skills",
    response_model=SkillLookup,
    summary="Normalise a skill name",
    responses=problem_responses(
        *AUTH_PROBLEMS,
        "validation-error",
        "not-ready",
        "service-busy",
        "parse-timeout",
        "worker-crashed",
        "internal-error",
    ),
)
async def lookup_skill(
    services: ServicesDep,
    _principal: TaxonomyPrincipal,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="A skill name, alias or misspelling.",
            examples=["pyhton"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=20, description="Most candidates to return.")] = 5,
) -> Response:
    """The canonical skill for a name: exact name, alias, or a misspelling, by the same rules
    the matcher applies to a skills-list item (``Matcher.lookup_skill``, run in a worker)."""
    result: Result = await services.run_task(lookup_skill_json_task, q, limit)
    return Response(result.body, media_type="application/json")
