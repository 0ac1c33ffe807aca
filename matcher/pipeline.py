"""The ``Matcher`` facade: parse → extract → normalize → score → suggest, one stage per module.

```python
matcher = Matcher.default()
report = matcher.match(pdf_bytes, roles=["machine-learning-engineer"], job=posting_html)
```

A ``Matcher`` holds the taxonomy, the spaCy pipeline and the fuzzy index, all built once;
``Matcher.default()`` returns one shared instance per process and options.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from matcher import jobs
from matcher.canonical import (
    FuzzyIndex,
    SkillLookupResult,
    build_fuzzy_index,
    canonicalize,
    fuzzy_key,
    lookup_skill,
)
from matcher.errors import TaxonomyError, UnknownRoleError
from matcher.mentions import find_mentions
from matcher.models import (
    CanonicalSkill,
    Document,
    JobPosting,
    MatchReport,
    RoleScore,
    SkillMention,
)
from matcher.nlp import SkillNLP, build_nlp
from matcher.options import MatchOptions
from matcher.scoring import (
    TIER_FACTOR,
    RoleSpec,
    RoleSpecSkill,
    role_specs,
    score_roles,
    title_matches,
)
from matcher.suggestions import suggest
from taxonomy import Taxonomy, TaxonomyDataError, load_taxonomy

__all__ = ["JobInput", "Matcher"]

JobInput = JobPosting | str | bytes | Mapping[str, Any] | None

_POSTING_WEIGHT = {"required": ("core", 1.0), "preferred": ("bonus", 1.0)}
_MENTIONED_WEIGHT = 0.5
_BLEND_SHARE = 0.5  # the nearest role's other skills weigh this share of the posting's own
_BLEND_MIN_SIMILARITY = 25.0


class Matcher:
    """Holds the taxonomy, the spaCy pipeline and options; runs the stages in order.

    Args:
        taxonomy: the loaded taxonomy.
        options: tuning knobs (``MatchOptions()`` by default).
    """

    def __init__(self, taxonomy: Taxonomy, options: MatchOptions | None = None) -> None:
        self.taxonomy = taxonomy
        self.options = options or MatchOptions()
        self.nlp: SkillNLP = build_nlp(taxonomy)
        self.fuzzy: FuzzyIndex = build_fuzzy_index(
            taxonomy, guarded=self.nlp.short_names, options=self.options
        )
        self._specs: dict[str, RoleSpec] = {s.role_id: s for s in role_specs(taxonomy)}

    @classmethod
    def default(cls, options: MatchOptions | None = None) -> Matcher:
        """The packaged taxonomy with a blank English pipeline (one instance per process).

        Raises:
            TaxonomyError: the packaged taxonomy is missing or invalid.
        """
        return _default_matcher(options or MatchOptions())

    # ------------------------------------------------------------------ stages

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        """Read a resume file (PDF, DOCX, text) into a ``Document``.

        Raises:
            InputError: any subclass, for unreadable, empty, too large or encrypted files.
        """
        from matcher.parse import parse

        document: Document = parse(data, filename=filename, options=self.options)
        return document

    def extract(self, document: Document) -> list[SkillMention]:
        """Skill mentions and fuzzy candidates in the document's visible text."""
        return find_mentions(document, nlp=self.nlp, taxonomy=self.taxonomy, options=self.options)

    def normalize(self, mentions: Sequence[SkillMention]) -> list[CanonicalSkill]:
        """Canonical skills with their evidence."""
        return canonicalize(
            mentions, taxonomy=self.taxonomy, index=self.fuzzy, options=self.options
        )

    def lookup_skill(self, name: str, *, limit: int = 5) -> SkillLookupResult:
        """Normalise one skill name: exact name, alias, or a misspelling accepted by the same
        fuzzy rules as a skills-list item ("Pyhton" → Python; "Java" never → JavaScript);
        up to ``limit`` other close names as candidates."""
        return lookup_skill(
            name, taxonomy=self.taxonomy, index=self.fuzzy, options=self.options, limit=limit
        )

    def skills(self, document: Document) -> list[CanonicalSkill]:
        """Extract and normalize in one call."""
        return self.normalize(self.extract(document))

    def parse_job(self, job: JobPosting | str | bytes | Mapping[str, Any]) -> JobPosting:
        """Read a job posting (text, HTML, schema.org JobPosting JSON-LD) into requirements.

        Raises:
            InvalidJobPostingError: the input is empty, binary or holds no JobPosting.
        """
        if isinstance(job, JobPosting):
            return job
        raw = jobs.read_posting(job)
        text = raw.text
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        if raw.title and raw.title.casefold() not in first.casefold():
            text = f"{raw.title}\n{text}"  # the title is line 1: its skills are required
        document = jobs.posting_document(text)
        skills = self.skills(document)
        modes = jobs.requirement_modes(document)
        required, preferred, mentioned = jobs.split_requirements(skills, modes, document)
        years = raw.years if raw.years is not None else jobs.years_required(raw.text)
        posting = JobPosting(
            title=raw.title,
            text=document.text,
            required=tuple(required),
            preferred=tuple(preferred),
            mentioned=tuple(mentioned),
            years_required=years,
            education=jobs.education_required(raw.text),
            external_id=raw.external_id,
            organization=raw.organization,
        )
        nearest = self.nearest_roles(posting)
        return JobPosting(**{**_fields(posting), "nearest_roles": nearest})

    def posting_spec(self, posting: JobPosting) -> RoleSpec:
        """A posting as an ad-hoc role: required → core, preferred → bonus, others → important."""
        items: list[RoleSpecSkill] = []
        seen: set[str] = set()
        # "JavaScript, Java, or Python" asks for one of three: the alternatives share one
        # requirement's weight instead of each weighing as a requirement of its own.
        share: dict[str, float] = {}
        everything = (*posting.required, *posting.preferred, *posting.mentioned)
        for group in jobs.alternative_groups(everything, posting.text):
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
            base = self._specs[posting.nearest_roles[0][0]]
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
        self, posting: JobPosting, *, limit: int = 5
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
        for role_id, spec in self._specs.items():
            role_vec = {s.skill_id: s.weight * TIER_FACTOR[s.importance] for s in spec.skills}
            dot = sum(v * role_vec.get(k, 0.0) for k, v in vec.items())
            norm = math.sqrt(sum(v * v for v in vec.values())) * math.sqrt(
                sum(v * v for v in role_vec.values())
            )
            cosine = dot / norm if norm else 0.0
            role = self.taxonomy.roles[role_id]
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

    # ------------------------------------------------------------------ facade

    def _check_roles(self, roles: Sequence[str] | None) -> list[str] | None:
        if roles is None:
            return None
        if isinstance(roles, str):
            roles = [roles]
        unknown = [r for r in roles if r not in self._specs]
        if unknown:
            raise UnknownRoleError(f"Unknown role id(s): {', '.join(sorted(unknown))}.")
        return list(dict.fromkeys(roles))

    def match(
        self,
        resume: bytes | Document,
        *,
        roles: Sequence[str] | None = None,
        job: JobInput = None,
        filename: str | None = None,
    ) -> MatchReport:
        """Score a resume against roles (default: all) and optionally a posting.

        Raises:
            UnknownRoleError: a role id is not in the taxonomy.
            InputError: the resume (any subclass) or the posting (``InvalidJobPostingError``)
                cannot be read.
        """
        timings: dict[str, float] = {}
        role_ids = self._check_roles(roles)
        with _timed(timings, "parse"):
            document = (
                resume if isinstance(resume, Document) else self.parse(resume, filename=filename)
            )
        with _timed(timings, "job"):
            posting = self.parse_job(job) if job is not None else None
        with _timed(timings, "extract"):
            mentions = self.extract(document)
        with _timed(timings, "normalize"):
            skills = self.normalize(mentions)
        with _timed(timings, "score"):
            specs = [self._specs[r] for r in role_ids] if role_ids else list(self._specs.values())
            scores = score_roles(
                skills,
                roles=specs,
                taxonomy=self.taxonomy,
                options=self.options,
                years_found=document.years_experience,
                titles=title_matches(document, self.taxonomy),
            )
            job_score = None
            if posting is not None:
                job_score = score_roles(
                    skills,
                    roles=[self.posting_spec(posting)],
                    taxonomy=self.taxonomy,
                    options=self.options,
                    years_found=document.years_experience,
                )[0]
        with _timed(timings, "suggest"):
            targets = _targets(scores, job_score, explicit=role_ids is not None)
            suggestions = suggest(document, skills, targets, taxonomy=self.taxonomy)
        return MatchReport(
            skills=tuple(skills),
            roles=tuple(scores),
            suggestions=tuple(suggestions),
            taxonomy_version=self.taxonomy.version,
            method=self.options.method,
            job=job_score,
            posting=posting,
            sections=tuple((s.kind, s.heading) for s in document.sections if s.heading),
            warnings=document.warnings,
            years_experience=document.years_experience,
            pages=document.pages,
            timings=timings,
        )

    def match_text(
        self, text: str, *, roles: Sequence[str] | None = None, job: JobInput = None
    ) -> MatchReport:
        """``match()`` for a resume given as plain text.

        Raises:
            UnknownRoleError: a role id is not in the taxonomy.
            InputError: the text is empty, or the posting cannot be read.
        """
        self._check_roles(roles)
        return self.match(text.encode("utf-8"), roles=roles, job=job, filename="resume.txt")


def _targets(
    scores: Sequence[RoleScore], job_score: RoleScore | None, *, explicit: bool
) -> list[RoleScore]:
    """Who to tailor for: the posting, the requested roles, or else the best-fitting role."""
    out: list[RoleScore] = []
    if job_score is not None:
        out.append(job_score)
    if explicit:
        out.extend(scores)
    elif job_score is None and scores:
        out.append(scores[0])
    return out


def _fields(posting: JobPosting) -> dict[str, Any]:
    return {name: getattr(posting, name) for name in posting.__dataclass_fields__}


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round((time.perf_counter() - start) * 1000.0, 3)


@lru_cache(maxsize=4)
def _default_matcher(options: MatchOptions) -> Matcher:
    try:
        taxonomy = load_taxonomy()
    except TaxonomyDataError as exc:
        raise TaxonomyError(f"The packaged taxonomy is invalid: {exc}") from exc
    if not taxonomy.skills or not taxonomy.roles:
        raise TaxonomyError("The packaged taxonomy has no skills or roles.")
    return Matcher(taxonomy, options)
