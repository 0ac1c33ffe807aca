"""A job posting through the stages, and a resume's fit to it.

``parse_posting``: text, HTML or JSON-LD → ``read`` → its skills (the resume's extract and
normalize stages) → required / preferred / mentioned, years and degrees → the nearest taxonomy
roles and the role it hires for (the resume's verdict) → ``JobPosting``.
``job_fit``: a resume's skills scored against the posting as an ad-hoc role, with the fit of the
role the posting hires for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from matcher.extract.mentions import find_mentions
from matcher.extract.nlp import SkillNLP
from matcher.extract.titles import occupation_outside_computing, titles_named
from matcher.models import CanonicalSkill, Document, JobPosting, RoleScore
from matcher.normalize import FuzzyIndex, canonicalize
from matcher.options import MatchOptions
from matcher.postings.read import posting_document, read_posting
from matcher.postings.requirements import (
    background_skills,
    education_required,
    requirement_modes,
    split_requirements,
    years_required,
)
from matcher.postings.spec import nearest_roles, posting_spec, with_similarity, years_in_field
from matcher.score import RoleSpec, score_roles, verdict, with_role_fit
from taxonomy import Taxonomy

__all__ = ["job_fit", "parse_posting"]


def parse_posting(
    job: JobPosting | str | bytes | Mapping[str, Any],
    *,
    nlp: SkillNLP,
    index: FuzzyIndex,
    specs: Mapping[str, RoleSpec],
    top: Sequence[str],
    taxonomy: Taxonomy,
    options: MatchOptions,
) -> JobPosting:
    """Read a job posting into its requirements, nearest roles and verdict.

    Args:
        specs: every taxonomy role as scored; ``top``: the roles a posting can hire for.

    Raises:
        InvalidJobPostingError: the input is empty, binary or holds no JobPosting.
    """
    if isinstance(job, JobPosting):
        return job
    raw = read_posting(job)
    text = raw.text
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if raw.title and raw.title.casefold() not in first.casefold():
        text = f"{raw.title}\n{text}"  # the title is line 1: its skills are required
    document = posting_document(text)
    mentions = find_mentions(document, nlp=nlp, taxonomy=taxonomy, options=options)
    skills = canonicalize(mentions, taxonomy=taxonomy, index=index, options=options)
    modes = requirement_modes(document)
    required, preferred, mentioned = split_requirements(skills, modes, document)
    posting = JobPosting(
        title=raw.title,
        text=document.text,
        required=tuple(required),
        preferred=tuple(preferred),
        mentioned=tuple(mentioned),
        years_required=raw.years if raw.years is not None else years_required(raw.text),
        education=education_required(raw.text),
        external_id=raw.external_id,
        organization=raw.organization,
        background=background_skills(mentioned, document),
        warnings=raw.warnings,
    )
    nearest = nearest_roles(posting, specs, taxonomy, limit=len(specs))
    # Which role the posting hires for is decided as for a resume (its skills and title
    # scored against the top-level roles, the same verdict), each role's fit averaged with its
    # similarity to the posting (a variant's counts for its parent).
    fits = score_roles(
        skills,
        roles=[specs[r] for r in top],
        taxonomy=taxonomy,
        options=options,
        titles=titles_named([raw.title], taxonomy, plural=True) if raw.title else None,
    )
    decision = verdict(
        with_similarity(fits, nearest, taxonomy),
        specs,
        skills,
        taxonomy=taxonomy,
        options=options,
        occupation=occupation_outside_computing([raw.title], taxonomy) if raw.title else None,
    )
    return dataclasses.replace(posting, nearest_roles=nearest[:5], verdict=decision)


def job_fit(
    posting: JobPosting,
    document: Document,
    skills: Sequence[CanonicalSkill],
    fits: Sequence[RoleScore],
    *,
    taxonomy: Taxonomy,
    options: MatchOptions,
) -> RoleScore:
    """The resume scored against the posting as an ad-hoc role, with the resume's fit to the
    role the posting hires for (one of ``fits``, the resume's scores)."""
    spec = posting_spec(posting)
    years = years_in_field(document, skills, posting)
    score = score_roles(
        skills, roles=[spec], taxonomy=taxonomy, options=options, years_found=years
    )[0]
    hires = posting.verdict.role_id if posting.verdict is not None else None
    return with_role_fit(score, next((r for r in fits if r.role_id == hires), None), options)
