"""Taxonomy: roles (with their sources) and skill lookup (alias, misspelling → canonical)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from matcher.errors import UnknownRoleError
from service.deps import ServicesDep, TaxonomyPrincipal
from service.problems import NotReadyError, problem_responses
from service.schemas import RoleDetail, RoleList, RoleSummary, SkillCandidate, SkillLookup

router = APIRouter(prefix="/v1", tags=["taxonomy"])

AUTH_PROBLEMS = ("unauthenticated", "forbidden")


def _taxonomy(services: Any) -> Any:
    if services.taxonomy is None:
        raise NotReadyError()
    return services.taxonomy


def _is_misspelling(query: str, name: str, score: float, cutoff: float) -> bool:
    """The rules the matcher uses for list items: no prefix/subset matches (Java/JavaScript),
    short names only by one swapped pair of letters ("pyhton"), longer ones by the cutoff."""
    q, c = query.replace(" ", ""), name.replace(" ", "")
    if len(q) < 3 or q in c or c in q:
        return False
    if len(c) < 8:
        return sorted(q) == sorted(c) and OSA.distance(q, c) == 1
    return score >= cutoff


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
    role_id: Annotated[str, Path(max_length=100, examples=["data-engineer"])],
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
    responses=problem_responses(*AUTH_PROBLEMS, "validation-error", "not-ready"),
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
) -> SkillLookup:
    """The canonical skill for a name: exact name, alias, or a close misspelling (rapidfuzz)."""
    from taxonomy import normalize_name

    tax = _taxonomy(services)
    key = normalize_name(q)
    cutoff = services.settings.fuzzy_cutoff
    best: SkillCandidate | None = None
    skill = tax.lookup(q) if key else None
    if skill is not None:
        how = "exact" if normalize_name(skill.name) == key else "alias"
        best = SkillCandidate(skill=skill, how=how, score=100.0)
    candidates: list[SkillCandidate] = []
    seen = {skill.id} if skill is not None else set()
    if key:
        hits = process.extract(
            key, list(tax.name_index), scorer=fuzz.ratio, processor=None, limit=limit * 4
        )
        for name, score, _ in hits:
            skill_id = tax.name_index[name]
            if skill_id in seen or score < 60:
                continue
            seen.add(skill_id)
            cand = SkillCandidate(skill=tax.skills[skill_id], how="fuzzy", score=round(score, 1))
            if best is None and _is_misspelling(key, name, score, cutoff):
                best = cand
                continue
            candidates.append(cand)
            if len(candidates) >= limit:
                break
    return SkillLookup(query=q, taxonomy_version=tax.version, match=best, candidates=candidates)
