"""Canonical skills × roles → role scores: ``score_roles(skills, *, roles, taxonomy, options)``.

Method ``weighted-coverage.v2`` (deterministic, no model; v1 was the plain earned / total weight,
which put a strong ML engineer resume at 29/100 "weak"):

* every skill a role asks for has a weight = its taxonomy weight × the tier factor
  (core 3, important 2, bonus 1);
* the resume earns a share of that weight by its best evidence for the skill: used in an
  experience/project bullet 1.0, listed in a skills section or table 0.8, mentioned elsewhere
  (summary, education...) 0.6;
* a related skill earns part of it: a more specific skill, a child or grandchild (the role asks
  for "deep learning frameworks", the resume shows PyTorch) 0.9 of its evidence credit; for
  tools only (libraries, platforms, tools, data stores — never languages or methods) a sibling
  (TensorFlow for PyTorch) 0.4 and the broader parent 0.5 — reported as ``partial`` with
  ``via``;
* weighted coverage c = earned / total weight (0..1); score = ``calibrated(c)`` =
  100 × (1 − e^(−c/0.3)) / (1 − e^(−1/0.3)): diminishing returns. A role's skill list is the
  union of everything its sources name (the ML engineer role lists 55 skills) and nobody shows
  all of them: on the development corpus a resume labelled with a role covers 0.2-0.65 of it,
  which v1 (score = 100 c) reported as 20-65, so a clearly strong ML engineer resume (c = 0.29)
  was "weak". Now c = 0.29 → 64 (good), 0.42 → 78 (strong), 0.65 → 92, 0.05 → 16. The curve is
  strictly increasing, so it never reorders roles or resumes (same ranking as v1). A job
  posting's ad-hoc role is not calibrated (score = 100 c): its list is what one employer asks
  for, and a candidate who shows 4 of its 10 requirements reads 40, not 72;
* when a posting states years of experience and the resume's are known, 10 of the 100 points
  measure years found / years required;
* bands are labels (strong / good / partial / weak), never an automatic reject.

Only skills and (for postings) years are read: never name, contact, photo, age or address.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from matcher.extract.titles import title_is_ambiguous
from matcher.models import (
    IMPORTANCE_ORDER,
    CanonicalSkill,
    Importance,
    Occupation,
    RoleScore,
    SkillMatch,
    TierScore,
    Verdict,
    importance_rank,
)
from matcher.options import MatchOptions
from taxonomy import Taxonomy

__all__ = [
    "CALIBRATION_TAU",
    "STRENGTH_CREDIT",
    "TIER_FACTOR",
    "RoleSpec",
    "RoleSpecSkill",
    "band_of",
    "calibrated",
    "coverage_of",
    "role_specs",
    "score_role",
    "score_roles",
    "verdict",
    "with_role_fit",
]

TIER_FACTOR: dict[str, float] = {"core": 3.0, "important": 2.0, "bonus": 1.0}
STRENGTH_CREDIT: dict[str, float] = {"used": 1.0, "listed": 0.8, "mentioned": 0.6}
CHILD_CREDIT = 0.9
_CHILD_DEPTH = 2
PARENT_CREDIT = 0.5
SIBLING_CREDIT = 0.4
YEARS_POINTS = 10.0
SPECIFICITY_FLOOR = 0.25  # a skill every role asks for still weighs this share toward fit
TITLE_POINTS = 15.0  # the resume's own headline or job title names the role
CURRENT_TITLE_POINTS = 20.0  # more when that title is the headline or the latest job's
ROLE_FIT_POINTS = 20.0  # of a posting's score: the resume's fit to the role it hires for
CALIBRATION_TAU = 0.3
_CALIBRATION_NORM = 1.0 - math.exp(-1.0 / CALIBRATION_TAU)
_INTERCHANGEABLE = frozenset({"library", "platform", "tool", "datastore"})


@dataclass(frozen=True, slots=True)
class RoleSpecSkill:
    """One skill a role (or posting) asks for."""

    skill_id: str
    importance: Importance
    weight: float
    specificity: float = 1.0  # 0..1: this role's share of the skill's weight over all roles
    # a posting's skill the taxonomy lacks (found by its list neighbours) is known by its name
    name: str | None = None


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """What a role asks for: a taxonomy role, a title variant, or a job posting."""

    role_id: str
    title: str
    skills: tuple[RoleSpecSkill, ...]
    kind: Literal["role", "variant", "job"] = "role"
    parent_id: str | None = None
    years_required: float | None = None


def role_specs(taxonomy: Taxonomy, role_ids: Iterable[str] | None = None) -> list[RoleSpec]:
    """Specs for the given role ids (default: every role and variant), in taxonomy order.

    Each skill's ``specificity`` is the share of its weight, summed over the five top-level
    roles, that falls to this role's family: 1.0 for a skill only this role asks for, about
    0.2 for one all five ask for equally (Python, Git). A variant counts as its parent.
    """
    top = [r for r in taxonomy.roles.values() if r.kind == "role"]
    weights = {
        r.id: {
            rs.skill: float(rs.weight) * TIER_FACTOR[rs.importance]
            for rs in taxonomy.role_skills(r.id)
        }
        for r in top
    }
    ids = list(taxonomy.roles) if role_ids is None else list(role_ids)
    specs: list[RoleSpec] = []
    for role_id in ids:
        role = taxonomy.roles[role_id]
        family = role.parent if role.kind == "variant" and role.parent else role.id
        items = []
        for rs in taxonomy.role_skills(role_id):
            own = float(rs.weight) * TIER_FACTOR[rs.importance]
            others = sum(w.get(rs.skill, 0.0) for rid, w in weights.items() if rid != family)
            specificity = own / (own + others) if own > 0 else 0.0
            items.append(
                RoleSpecSkill(rs.skill, rs.importance, float(rs.weight), round(specificity, 3))
            )
        specs.append(
            RoleSpec(
                role_id=role.id,
                title=role.title,
                skills=tuple(items),
                kind=role.kind,
                parent_id=role.parent,
            )
        )
    return specs


def band_of(score: float, options: MatchOptions) -> Literal["strong", "good", "partial", "weak"]:
    """The band label for a score."""
    if score >= options.strong_cutoff:
        return "strong"
    if score >= options.good_cutoff:
        return "good"
    if score >= options.partial_cutoff:
        return "partial"
    return "weak"


def _ancestors(taxonomy: Taxonomy, skill_id: str) -> list[str]:
    out: list[str] = []
    seen = {skill_id}
    skill = taxonomy.skills.get(skill_id)
    while skill is not None and skill.parent and skill.parent not in seen:
        out.append(skill.parent)
        seen.add(skill.parent)
        skill = taxonomy.skills.get(skill.parent)
    return out


def _best(skills: Sequence[CanonicalSkill]) -> CanonicalSkill | None:
    if len(skills) <= 1:
        return skills[0] if skills else None
    return min(skills, key=lambda s: (-STRENGTH_CREDIT[s.strength], s.skill_id))


def _descendants(
    have: Mapping[str, CanonicalSkill], taxonomy: Taxonomy
) -> dict[str, list[CanonicalSkill]]:
    """Skill id → the resume's skills that are its child or grandchild (once per resume).

    A method known only from a described action ("Deployed ML models" → Model deployment,
    ``how == "phrase"``) counts for itself but not toward its broader parents (MLOps): that
    would be a second inference on top of the first."""
    out: dict[str, list[CanonicalSkill]] = {}
    for sid, skill in have.items():
        if skill.how == "phrase":
            continue
        for ancestor in _ancestors(taxonomy, sid)[:_CHILD_DEPTH]:
            out.setdefault(ancestor, []).append(skill)
    return out


def _cover(
    spec_skill: RoleSpecSkill,
    have: Mapping[str, CanonicalSkill],
    taxonomy: Taxonomy,
    below: Mapping[str, list[CanonicalSkill]],
) -> tuple[float, str | None, CanonicalSkill | None, bool]:
    """(credit 0..1, via skill id, the skill that earned it, direct?)."""
    direct = have.get(spec_skill.skill_id)
    if direct is not None:
        return STRENGTH_CREDIT[direct.strength], None, direct, True
    target = spec_skill.skill_id
    # A more specific skill: a child or grandchild ("deep learning frameworks" ← PyTorch);
    # deeper descendants are too remote ("software development" ← … ← FastAPI).
    children = below.get(target, [])
    child = _best(children)
    if child is not None:
        return CHILD_CREDIT * STRENGTH_CREDIT[child.strength], child.skill_id, child, True
    parents = _ancestors(taxonomy, target)
    target_skill = taxonomy.skills.get(target)
    if parents and target_skill is not None and target_skill.category in _INTERCHANGEABLE:
        # Only tools stand in for each other (PyTorch for TensorFlow, AWS for Azure): Python
        # earns nothing toward C++, "machine learning" nothing toward reinforcement learning.
        parent = have.get(parents[0])
        if parent is not None:
            return PARENT_CREDIT * STRENGTH_CREDIT[parent.strength], parent.skill_id, parent, False
        siblings = [
            s
            for sid, s in have.items()
            if (sk := taxonomy.skills.get(sid)) is not None
            and sk.parent == parents[0]
            and sk.category in _INTERCHANGEABLE
        ]
        sib = _best(siblings)
        if sib is not None:
            return SIBLING_CREDIT * STRENGTH_CREDIT[sib.strength], sib.skill_id, sib, False
    return 0.0, None, None, False


@dataclass(slots=True)
class _Memo:
    """Per-resume memo shared by the roles of one ``score_roles`` call."""

    covers: dict[str, tuple[float, str | None, CanonicalSkill | None, bool]] = dataclasses.field(
        default_factory=dict
    )
    matches: dict[tuple[str, str, float], SkillMatch] = dataclasses.field(default_factory=dict)


def calibrated(coverage: float) -> float:
    """Weighted coverage (0..1) → the 0..100 score: diminishing returns,
    ``100 × (1 − e^(−c/τ)) / (1 − e^(−1/τ))`` with τ = ``CALIBRATION_TAU``.

    Strictly increasing, so it never reorders roles or resumes; 0 → 0 and 1 → 100.
    """
    c = min(1.0, max(0.0, coverage))
    return 100.0 * (1.0 - math.exp(-c / CALIBRATION_TAU)) / _CALIBRATION_NORM


def coverage_of(score: float) -> float:
    """The inverse of ``calibrated``: the weighted coverage (0..1) behind a score."""
    s = min(100.0, max(0.0, score)) / 100.0
    return -CALIBRATION_TAU * math.log(1.0 - s * _CALIBRATION_NORM)


def score_role(
    spec: RoleSpec,
    have: Mapping[str, CanonicalSkill],
    *,
    taxonomy: Taxonomy,
    options: MatchOptions,
    years_found: float | None = None,
    below: Mapping[str, list[CanonicalSkill]] | None = None,
    memo: _Memo | None = None,
    title_match: str | None = None,
    title_current: bool = False,
) -> RoleScore:
    """Score one role spec against the resume's skills (keyed by skill id).

    ``below`` is ``_descendants(have, taxonomy)``; ``memo`` remembers how the resume covers a
    skill (which doesn't depend on the role asking for it) and the ``SkillMatch`` for a skill at
    an importance and weight (variants repeat their parent's). ``score_roles`` shares both
    across all roles of one resume.
    """
    if below is None:
        below = _descendants(have, taxonomy)
    if memo is None:
        memo = _Memo()
    matched: list[SkillMatch] = []
    partial: list[SkillMatch] = []
    missing: list[SkillMatch] = []
    buckets = {"matched": matched, "partial": partial, "missing": missing}
    tiers: dict[str, list[float]] = {t: [0.0, 0.0, 0.0, 0.0] for t in IMPORTANCE_ORDER}
    cats: dict[str, list[float]] = {}
    total = earned = 0.0
    for item in spec.skills:
        skill = taxonomy.skills.get(item.skill_id)
        if skill is not None:
            name, category = skill.name, skill.category
        elif spec.kind == "job" and item.name:
            # A posting asks for what it names, in the vocabulary or not ("n8n required").
            name, category = item.name, "tool"
        else:
            continue
        weight = item.weight * TIER_FACTOR[item.importance]
        if spec.kind != "job":
            # Shared basics count towards fit, distinctive skills towards which role.
            weight *= SPECIFICITY_FLOOR + (1.0 - SPECIFICITY_FLOOR) * item.specificity
        cover = memo.covers.get(item.skill_id)
        if cover is None:
            cover = memo.covers[item.skill_id] = _cover(item, have, taxonomy, below)
        credit, via, source, direct = cover
        status: Literal["matched", "partial", "missing"]
        status = "missing" if credit <= 0 else ("matched" if direct else "partial")
        key = (item.skill_id, item.importance, weight)
        sm = memo.matches.get(key)
        if sm is None:
            sm = memo.matches[key] = SkillMatch(
                skill_id=item.skill_id,
                name=name,
                importance=item.importance,
                weight=round(weight, 3),
                credit=round(credit, 3),
                status=status,
                via=via,
                evidence=source.evidence if source is not None else (),
            )
        buckets[status].append(sm)
        got = weight * credit
        hit = 0 if status == "missing" else 1
        total += weight
        earned += got
        t = tiers[item.importance]
        t[0] += weight
        t[1] += got
        t[2] += hit
        t[3] += 1
        c = cats.get(category)
        if c is None:
            c = cats[category] = [0.0, 0.0, 0.0, 0.0]
        c[0] += weight
        c[1] += got
        c[2] += hit
        c[3] += 1
    fraction = earned / total if total > 0 else 0.0
    if spec.kind == "job":
        # A posting lists what one employer asks for: its coverage is the score as is.
        score = 100.0 * fraction
    else:
        # A role lists everything its sources name; what a strong resume shows is its core and
        # important skills, whose share of the weight differs from role to role. Coverage is
        # read against that share, so "strong" means the same for a long list and a short one.
        core = tiers["core"][0] + tiers["important"][0]
        reach = core / total if total > 0 else 1.0
        score = calibrated(min(1.0, fraction / reach) if reach > 0 else 0.0)
        if title_match:
            points = TITLE_POINTS + (CURRENT_TITLE_POINTS if title_current else 0.0)
            score = min(100.0, score + points)
    if spec.years_required and years_found is not None:
        ratio = min(1.0, years_found / spec.years_required) if spec.years_required > 0 else 1.0
        score = score * (100.0 - YEARS_POINTS) / 100.0 + YEARS_POINTS * ratio
    score = round(min(100.0, max(0.0, score)), 1)

    def tier_scores(table: Mapping[str, list[float]]) -> tuple[TierScore, ...]:
        return tuple(
            TierScore(name, round(v[0], 3), round(v[1], 3), int(v[2]), int(v[3]))
            for name, v in table.items()
            if v[3] > 0
        )

    def ordered(items: list[SkillMatch]) -> tuple[SkillMatch, ...]:
        return tuple(
            sorted(items, key=lambda m: (importance_rank(m.importance), -m.weight, m.skill_id))
        )

    return RoleScore(
        role_id=spec.role_id,
        title=spec.title,
        score=score,
        band=band_of(score, options),
        matched=ordered(matched),
        partial=ordered(partial),
        missing=ordered(missing),
        by_importance=tier_scores(tiers),
        by_category=tier_scores(dict(sorted(cats.items()))),
        parent_id=spec.parent_id,
        kind=spec.kind,
        years_required=spec.years_required,
        years_found=years_found,
        title_match=title_match,
        title_current=bool(title_match) and title_current,
    )


def score_roles(
    skills: Sequence[CanonicalSkill],
    *,
    roles: Sequence[RoleSpec],
    taxonomy: Taxonomy,
    options: MatchOptions | None = None,
    years_found: float | None = None,
    titles: Mapping[str, str] | None = None,
    current: Collection[str] = (),
) -> list[RoleScore]:
    """Score every role spec in one pass; best first (ties by role id).

    Args:
        skills: canonical skills of the resume.
        roles: the role specs to score (``role_specs()``, plus a posting's ad-hoc spec).
        taxonomy: for skill names, categories and parent links.
        options: band cutoffs.
        years_found: the resume's years of experience (only read for specs that require years).
        titles: role id → the resume's own title naming it (``title_matches``): reported on
            each ``RoleScore`` as ``title_match`` and worth ``TITLE_POINTS``.
        current: the role ids among ``titles`` that the resume's current title names (its
            headline or its latest job, ``current_titles``): ``CURRENT_TITLE_POINTS`` more,
            and first among equal scores. What a person calls their job now is the strongest
            single sign of the role they do; an earlier title counts for less.
    """
    opts = options or MatchOptions()
    have = {s.skill_id: s for s in skills}
    titles = titles or {}
    below = _descendants(have, taxonomy)
    memo = _Memo()
    scores = [
        score_role(
            spec,
            have,
            taxonomy=taxonomy,
            options=opts,
            years_found=years_found,
            below=below,
            memo=memo,
            title_match=titles.get(spec.role_id),
            title_current=spec.role_id in current and spec.role_id in titles,
        )
        for spec in roles
    ]
    scores.sort(key=_rank_key)
    return scores


def _rank_key(role: RoleScore) -> tuple[float, bool, bool, str]:
    """Best first: the score, then (among equal scores, e.g. two at 100) the role the current
    title names, then any title naming it, then the role id."""
    return (-role.score, not role.title_current, role.title_match is None, role.role_id)


def with_role_fit(job: RoleScore, role: RoleScore | None, options: MatchOptions) -> RoleScore:
    """A posting's score with ``ROLE_FIT_POINTS`` of its 100 points measuring how well the
    resume fits the role the posting hires for (its verdict). The posting's own requirements
    are the rest, and the only skills listed as matched or missing: the role explains the
    ranking, it never adds a requirement."""
    if role is None:
        return job
    score = job.score * (100.0 - ROLE_FIT_POINTS) / 100.0 + ROLE_FIT_POINTS * role.score / 100.0
    score = round(min(100.0, max(0.0, score)), 1)
    return dataclasses.replace(job, score=score, band=band_of(score, options), role_fit=role.score)


# --------------------------------------------------------------------------- the verdict

DISTINCTIVE = 0.4  # a skill is distinctive of a role when the role holds this share of it
# more distinctive skills needed when the current title is an occupation outside computing
# (O*NET's reported job titles: a product designer, a project manager, a civil engineer)
OUTSIDE_COMPUTING_DISTINCTIVE = 2


def verdict(
    scores: Sequence[RoleScore],
    specs: Mapping[str, RoleSpec],
    skills: Sequence[CanonicalSkill],
    *,
    taxonomy: Taxonomy,
    options: MatchOptions,
    occupation: Occupation | None = None,
) -> Verdict:
    """The best of the top-level roles, or none with the reason.

    No role fits when the best score is under ``options.none_below``, or when the resume shows
    fewer than ``options.min_distinctive`` skills distinctive of the best role (used or listed,
    not inferred) and its own title does not name the role: a few shared basics (Excel,
    Python) say that someone uses computers, not which of these roles they do. Then, when the
    resume's title names another role that scores at least ``none_below``, that role is the
    answer instead (v6). When the
    current title is an ``occupation`` outside computing (``titles.occupation_outside_computing``)
    it takes ``OUTSIDE_COMPUTING_DISTINCTIVE`` more: a designer who runs A/B tests and lists
    HTML is still a designer.
    """
    ranked = sorted((r for r in scores if r.kind == "role"), key=_rank_key)
    tech = sorted({s.name for s in skills if s.category in _TECHNOLOGY and s.how != "phrase"})
    if not ranked:
        return Verdict(None, None, 0.0, "high", "No role was scored.")

    def distinctive_of(role: RoleScore) -> list[str]:
        specific = {i.skill_id for i in specs[role.role_id].skills if i.specificity >= DISTINCTIVE}
        return [m.name for m in role.matched if m.skill_id in specific and m.via is None]

    def named_by_title(role: RoleScore) -> bool:
        # v7: a title that O*NET also reports outside computing ("Business Analyst",
        # "Research Scientist") is evidence with its points, but no stand-in for the skills
        return bool(role.title_match) and not title_is_ambiguous(
            role.title_match or "", role.role_id, taxonomy
        )

    best = ranked[0]
    passed_over: RoleScore | None = None
    distinctive = distinctive_of(best)
    needed = options.min_distinctive + (OUTSIDE_COMPUTING_DISTINCTIVE if occupation else 0)
    titled = named_by_title(best)
    if best.score >= options.none_below and not titled and len(distinctive) < needed:
        # v6: the best role lacks its distinctive evidence, but the resume's own title names
        # another role that clears the "none" line: that role, not "no role fits" (an
        # "Applied ML Engineer" whose NLP work scores highest for AI Engineer)
        named = next(
            (r for r in ranked[1:] if named_by_title(r) and r.score >= options.none_below), None
        )
        if named is not None:
            passed_over = best
            best, distinctive, titled = named, distinctive_of(named), True
    runner = next((r for r in ranked if r is not best), None)
    runner_id = runner.role_id if runner is not None else None
    runner_score = runner.score if runner is not None else 0.0
    found = f"{len(tech)} technolog{'y' if len(tech) == 1 else 'ies'} found"
    if tech:
        found += f" ({', '.join(tech[:6])}{', ...' if len(tech) > 6 else ''})"
    if best.score < options.none_below:
        reason = (
            f"No role fits: the closest, {best.title}, scores {best.score:.0f} of 100, under "
            f"{options.none_below:.0f}; {found}."
        )
        return Verdict(
            None,
            None,
            0.0,
            _none_confidence(best.score, options),
            reason,
            best.role_id,
            best.score,
            tuple(distinctive),
        )
    if (
        occupation is not None
        and not titled
        and len(distinctive) < options.min_distinctive + OUTSIDE_COMPUTING_DISTINCTIVE
    ):
        shown = f"only {', '.join(distinctive)}" if distinctive else "none"
        reason = (
            f"No role fits: the title {occupation.title!r} is an occupation outside computing "
            f"({occupation.cited()}), and {shown} of "
            f"{best.title}'s distinctive skills shown; {found}."
        )
        return Verdict(
            None,
            None,
            0.0,
            "medium",
            reason,
            best.role_id,
            best.score,
            (f"title: {occupation.title}", *distinctive),
        )
    if len(distinctive) < options.min_distinctive and not titled:
        which = (
            f"only {distinctive[0]} is distinctive of {best.title}"
            if distinctive
            else "none distinctive of any role"
        )
        reason = f"No role fits: {found}, {which}."
        return Verdict(
            None, None, 0.0, "medium", reason, best.role_id, best.score, tuple(distinctive)
        )
    margin = best.score - runner_score
    if passed_over is not None:  # the runner-up is the role passed over, which scores more
        confidence: Literal["high", "medium", "low"] = "low"
    elif margin >= 10.0 and best.score >= options.good_cutoff:
        confidence = "high"
    elif margin >= 4.0 or best.score >= options.good_cutoff:
        confidence = "medium"
    else:
        confidence = "low"
    evidence = tuple(distinctive[:8])
    if best.title_match:
        evidence = (f"title: {best.title_match}", *evidence)
    if passed_over is not None:
        passed = distinctive_of(passed_over)
        reason = (
            f"{best.title}: the title {best.title_match!r} names it and it scores "
            f"{best.score:.0f} of 100; {passed_over.title} scores more "
            f"({passed_over.score:.0f}) but shows "
            f"{'only ' + ', '.join(passed) if passed else 'none'} of its distinctive skills"
        )
        if distinctive:
            reason += f"; {len(distinctive)} of {best.title}'s distinctive skills shown"
    else:
        reason = f"{best.title} fits best ({best.score:.0f} of 100"
        if runner is not None:
            reason += f"; next {runner.title}, {runner.score:.0f}"
        reason += ")"
        if distinctive:
            reason += f": {len(distinctive)} of its distinctive skills shown"
        if best.title_match:
            reason += f", and the title {best.title_match!r} names it"
    return Verdict(
        best.role_id,
        best.title,
        best.score,
        confidence,
        reason + ".",
        runner_id,
        runner_score,
        evidence,
    )


_TECHNOLOGY = frozenset({"language", "library", "platform", "tool", "datastore"})


def _none_confidence(score: float, options: MatchOptions) -> Literal["high", "medium", "low"]:
    return "high" if score < options.none_below / 2 else "medium"
