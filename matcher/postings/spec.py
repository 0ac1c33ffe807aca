"""A posting as a role: its requirements as an ad-hoc ``RoleSpec`` scored exactly like a taxonomy
role, and the taxonomy roles nearest to it."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from matcher.models import JobPosting
from matcher.normalize import fuzzy_key
from matcher.postings.requirements import alternative_groups
from matcher.score import TIER_FACTOR, RoleSpec, RoleSpecSkill
from taxonomy import Taxonomy

__all__ = ["nearest_roles", "posting_spec"]

_MENTIONED_WEIGHT = 0.5
_BLEND_SHARE = 0.5  # the nearest role's other skills weigh this share of the posting's own
_BLEND_MIN_SIMILARITY = 25.0


def posting_spec(posting: JobPosting, specs: Mapping[str, RoleSpec]) -> RoleSpec:
    """A posting as an ad-hoc role: required → core, preferred → bonus, others → important."""
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
        items.append(RoleSpecSkill(skill.skill_id, "core", share.get(skill.skill_id, 1.0)))
        seen.add(skill.skill_id)
    for skill in posting.preferred:
        if skill.skill_id not in seen:
            weight = share.get(skill.skill_id, 1.0)
            items.append(RoleSpecSkill(skill.skill_id, "bonus", weight))
            seen.add(skill.skill_id)
    for skill in posting.mentioned:
        if skill.skill_id not in seen:
            items.append(RoleSpecSkill(skill.skill_id, "important", _MENTIONED_WEIGHT))
            seen.add(skill.skill_id)
    # Like a title variant refines its parent, the posting refines its nearest role: that
    # role's other skills count a little (as bonus), so a posting that lists few skills still
    # tells an AI engineer from a data scientist. Never a core gap the posting didn't name.
    if posting.nearest_roles and posting.nearest_roles[0][1] >= _BLEND_MIN_SIMILARITY:
        base = specs[posting.nearest_roles[0][0]]
        own = sum(i.weight * TIER_FACTOR[i.importance] for i in items)
        extra = [rs for rs in base.skills if rs.skill_id not in seen]
        extra_total = sum(rs.weight * TIER_FACTOR[rs.importance] for rs in extra)
        if extra_total > 0:
            # The role's other skills together weigh _BLEND_SHARE of the posting's own (all
            # of the weight when the posting names no skill at all).
            scale = _BLEND_SHARE * own / extra_total if own > 0 else 1.0
            for rs in extra:
                weight = scale * rs.weight * TIER_FACTOR[rs.importance] / TIER_FACTOR["bonus"]
                items.append(RoleSpecSkill(rs.skill_id, "bonus", round(weight, 4)))
    return RoleSpec(
        role_id="job",
        title=posting.title or "Job posting",
        skills=tuple(items),
        kind="job",
        years_required=posting.years_required,
    )


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
