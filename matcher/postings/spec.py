"""A posting as a role: its requirements as an ad-hoc ``RoleSpec`` scored exactly like a taxonomy
role, the taxonomy roles nearest to it, and its verdict (the top-level role it hires for).

The requirements come only from the posting's own text: the nearest role explains the posting
but never adds a skill to it."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence

from matcher.models import (
    CanonicalSkill,
    Document,
    ExperienceEntry,
    Importance,
    JobPosting,
    RoleScore,
    is_unlisted,
)
from matcher.normalize import fuzzy_key
from matcher.postings.requirements import alternative_groups
from matcher.read.experience import total_years
from matcher.score import TIER_FACTOR, RoleSpec, RoleSpecSkill
from taxonomy import Taxonomy

__all__ = ["nearest_roles", "posting_spec", "with_similarity", "years_in_field"]

_MENTIONED_WEIGHT = 0.5
# How many of the posting's skills a job's own lines must show for its years to count as
# years in the posting's field.
_SKILLS_IN_FIELD = 2


def posting_spec(posting: JobPosting) -> RoleSpec:
    """A posting as an ad-hoc role: required → core, preferred → bonus, others → important;
    the company's background concepts (``JobPosting.background``) are not asked for."""
    items: list[RoleSpecSkill] = []
    seen: set[str] = set()
    # "JavaScript, Java, or Python" asks for one of three: the alternatives share one
    # requirement's weight instead of each weighing as a requirement of its own.
    share: dict[str, float] = {}
    everything = (*posting.required, *posting.preferred, *posting.mentioned)
    for group in alternative_groups(everything, posting.text):
        for skill_id in group:
            share[skill_id] = min(share.get(skill_id, 1.0), 1.0 / len(group))
    for skill in posting.required:
        items.append(_item(skill, "core", share.get(skill.skill_id, 1.0)))
        seen.add(skill.skill_id)
    for skill in posting.preferred:
        if skill.skill_id not in seen:
            weight = share.get(skill.skill_id, 1.0)
            items.append(_item(skill, "bonus", weight))
            seen.add(skill.skill_id)
    for skill in posting.mentioned:
        if skill.skill_id not in seen and skill.skill_id not in posting.background:
            items.append(_item(skill, "important", _MENTIONED_WEIGHT))
            seen.add(skill.skill_id)
    return RoleSpec(
        role_id="job",
        title=posting.title or "Job posting",
        skills=tuple(items),
        kind="job",
        years_required=posting.years_required,
    )


def _item(skill: CanonicalSkill, importance: Importance, weight: float) -> RoleSpecSkill:
    name = skill.name if is_unlisted(skill.skill_id) else None
    return RoleSpecSkill(skill.skill_id, importance, weight, name=name)


def nearest_roles(
    posting: JobPosting, specs: Mapping[str, RoleSpec], taxonomy: Taxonomy, *, limit: int = 5
) -> tuple[tuple[str, float], ...]:
    """Taxonomy roles closest to a posting (0..100): title match and skill-weight cosine."""
    vec: dict[str, float] = {}
    for group, value in (
        (posting.mentioned, 0.4),
        (posting.preferred, 0.6),
        (posting.required, 1.0),
    ):
        for skill in group:
            if is_unlisted(skill.skill_id):
                continue  # no role names it: it would only dilute every role's similarity
            vec[skill.skill_id] = max(vec.get(skill.skill_id, 0.0), value)
    title = fuzzy_key(posting.title)
    out: list[tuple[str, float]] = []
    for role_id, spec in specs.items():
        role_vec = {s.skill_id: s.weight * TIER_FACTOR[s.importance] for s in spec.skills}
        dot = sum(v * role_vec.get(k, 0.0) for k, v in vec.items())
        norm = math.sqrt(sum(v * v for v in vec.values())) * math.sqrt(
            sum(v * v for v in role_vec.values())
        )
        cosine = dot / norm if norm else 0.0
        role = taxonomy.roles[role_id]
        title_sim = 0.0
        if title:
            for name in (role.title, *role.aliases):
                key = fuzzy_key(name)
                if len(key) < 4:
                    continue
                if re.search(r"(?<![a-z0-9])" + re.escape(key) + r"(?![a-z0-9])", title):
                    # The role's title is a phrase of the posting's ("Senior MLOps Engineer
                    # (LLM Serving)"): longer names are more specific ("ML Engineer" <
                    # "Computer Vision Engineer").
                    title_sim = max(title_sim, 0.9 + min(0.1, len(key) / 300.0))
                elif set(key.split()) <= set(title.split()):
                    # All its words, not as one phrase ("Staff Engineer - Machine Learning").
                    # Exact words: token_set_ratio scored "Senior DL Engineer" 91 against
                    # "Senior Data Engineer".
                    title_sim = max(title_sim, 0.8 + min(0.1, len(key) / 300.0))
        out.append((role_id, round(100.0 * (0.5 * cosine + 0.5 * title_sim), 1)))
    out.sort(key=lambda item: (-item[1], item[0]))
    return tuple(out[:limit])


def with_similarity(
    fits: Sequence[RoleScore], nearest: Sequence[tuple[str, float]], taxonomy: Taxonomy
) -> list[RoleScore]:
    """Each top-level role's fit to a posting averaged with the posting's similarity to the
    role or its closest variant (title and skill-weight cosine, ``nearest_roles``)."""
    similarity: dict[str, float] = {}
    for role_id, value in nearest:
        role = taxonomy.roles[role_id]
        top = role.parent if role.kind == "variant" and role.parent else role_id
        similarity[top] = max(similarity.get(top, 0.0), value)
    return [
        dataclasses.replace(r, score=round((r.score + similarity.get(r.role_id, 0.0)) / 2, 1))
        for r in fits
    ]


def years_in_field(
    document: Document, skills: Sequence[CanonicalSkill], posting: JobPosting
) -> float | None:
    """The resume's years of experience in the posting's field: the jobs whose lines show at
    least two different skills the posting names (one when it names only one), overlaps
    merged. Years as a nurse say nothing about an ML posting, even when one of the nurse's
    bullets mentions a Python script. None when the resume's jobs carry no dates."""
    entries = sorted(document.experience, key=lambda e: e.line)
    if not entries:
        return None
    asked = {s.skill_id for s in (*posting.required, *posting.preferred, *posting.mentioned)}
    shown = [(e.line, s.skill_id) for s in skills if s.skill_id in asked for e in s.evidence]
    enough = min(_SKILLS_IN_FIELD, len(asked))
    relevant: list[ExperienceEntry] = []
    for index, entry in enumerate(entries):
        end = entries[index + 1].line if index + 1 < len(entries) else _section_end(document, entry)
        in_job = {skill_id for line, skill_id in shown if entry.line <= line < end}
        if in_job and len(in_job) >= enough:
            relevant.append(entry)
    if not relevant:
        return 0.0 if total_years(entries) is not None else None
    return total_years(relevant)


def _section_end(document: Document, entry: ExperienceEntry) -> int:
    """The line after the last line of the section holding ``entry``."""
    for section in document.sections:
        if section.first_line <= entry.line <= section.last_line:
            return section.last_line + 1
    return entry.line + 1
