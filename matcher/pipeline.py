"""The ``Matcher`` facade: parse → extract → normalize → score → suggest, one stage per module.

```python
matcher = Matcher.default()
report = matcher.match(pdf_bytes, roles=["machine-learning-engineer"], job=posting_html)
```

A ``Matcher`` holds the taxonomy, the spaCy pipeline and the fuzzy index, all built once;
``Matcher.default()`` returns one shared instance per process and options.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from matcher.errors import InputError, InvalidJobPostingError, TaxonomyError, UnknownRoleError
from matcher.extract.mentions import find_mentions
from matcher.extract.nlp import SkillNLP, build_nlp
from matcher.extract.titles import (
    current_title_lines,
    occupation_outside_computing,
    title_matches,
    titles_named,
)
from matcher.models import (
    CanonicalSkill,
    Document,
    JobPosting,
    MatchReport,
    RoleScore,
    SkillMention,
    Verdict,
)
from matcher.normalize import (
    FuzzyIndex,
    SkillLookupResult,
    build_fuzzy_index,
    canonicalize,
    lookup_skill,
)
from matcher.options import MatchOptions
from matcher.postings.job import job_fit, parse_posting
from matcher.postings.spec import nearest_roles, posting_spec
from matcher.read.sniff import sniff_head
from matcher.score import RoleSpec, role_specs, score_roles, verdict
from matcher.suggest import suggest
from taxonomy import Taxonomy, TaxonomyDataError, load_taxonomy

__all__ = ["JobInput", "Matcher"]

JobInput = JobPosting | str | bytes | Mapping[str, Any] | None


class Matcher:
    """Holds the taxonomy, the spaCy pipeline and options; runs the stages in order.

    Args:
        taxonomy: the loaded taxonomy.
        options: tuning knobs (``MatchOptions()`` by default).
    """

    def __init__(self, taxonomy: Taxonomy, options: MatchOptions | None = None) -> None:
        self.taxonomy = taxonomy
        self.options = options or MatchOptions()
        self.nlp: SkillNLP = build_nlp(taxonomy, imported=self.options.imported_vocabulary)
        self.fuzzy: FuzzyIndex = build_fuzzy_index(
            taxonomy, guarded=self.nlp.short_names, options=self.options
        )
        self._specs: dict[str, RoleSpec] = {s.role_id: s for s in role_specs(taxonomy)}
        # The default ranking: the five top-level roles (a variant is a refinement a person
        # asks for by id, title or alias; it never competes with its parent).
        self._top: tuple[str, ...] = tuple(r for r, s in self._specs.items() if s.kind == "role")

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
        from matcher.read import parse

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
        """Read a job posting (text, HTML, schema.org JobPosting JSON-LD, a plain JSON object
        ``{title, description, ...}``, or a PDF or DOCX file read by the resume reader) into
        requirements.

        Raises:
            InvalidJobPostingError: the input is empty, binary, unreadable or holds no posting.
        """
        if isinstance(job, bytes) and sniff_head(job[:8192]) in ("pdf", "docx"):
            job = self._posting_file_text(job)
        return parse_posting(
            job,
            nlp=self.nlp,
            index=self.fuzzy,
            specs=self._specs,
            top=self._top,
            taxonomy=self.taxonomy,
            options=self.options,
        )

    def _posting_file_text(self, data: bytes) -> str:
        """A PDF or DOCX posting's visible text, read as a resume is (same limits).

        Raises:
            InvalidJobPostingError: the file cannot be read (its reason in the message).
        """
        try:
            return self.parse(data).text
        except InputError as exc:
            raise InvalidJobPostingError(f"The job posting file: {exc.message}") from exc

    def posting_spec(self, posting: JobPosting) -> RoleSpec:
        """A posting as an ad-hoc role, scored exactly like a taxonomy role."""
        return posting_spec(posting)

    def nearest_roles(
        self, posting: JobPosting, *, limit: int = 5
    ) -> tuple[tuple[str, float], ...]:
        """Taxonomy roles closest to a posting (0..100): title match and skill-weight cosine."""
        return nearest_roles(posting, self._specs, self.taxonomy, limit=limit)

    # ------------------------------------------------------------------ facade

    def _check_roles(self, roles: Sequence[str] | None) -> list[str] | None:
        """The role ids of roles named by id, title or alias ("ML Engineer" is
        ``ml-engineer``), in the order given, each once.

        Raises:
            UnknownRoleError: a name is no role's id, title or alias.
        """
        if roles is None:
            return None
        if isinstance(roles, str):
            roles = [roles]
        ids: list[str] = []
        unknown: list[str] = []
        for name in roles:
            role = self.taxonomy.find_role(name) if name not in self._specs else None
            role_id = name if name in self._specs else (role.id if role is not None else None)
            if role_id is None or role_id not in self._specs:
                unknown.append(name)
            else:
                ids.append(role_id)
        if unknown:
            raise UnknownRoleError(
                f"Unknown role(s): {', '.join(sorted(unknown))}. Name a role by its id, title "
                "or alias (rolefit roles lists them)."
            )
        return list(dict.fromkeys(ids))

    def match(
        self,
        resume: bytes | Document,
        *,
        roles: Sequence[str] | None = None,
        job: JobInput = None,
        filename: str | None = None,
    ) -> MatchReport:
        """Score a resume against roles (default: all) and optionally a posting.

        ``roles`` are named by id, title or alias ("ML Engineer", ``ml-engineer``).

        Raises:
            UnknownRoleError: a role is not in the taxonomy.
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
            titles = title_matches(document, self.taxonomy)
            current_lines = current_title_lines(document)
            current = titles_named(current_lines, self.taxonomy)
            wanted = role_ids or list(self._top)
            ids = list(dict.fromkeys([*wanted, *self._top]))
            everyone = score_roles(
                skills,
                roles=[self._specs[r] for r in ids],
                taxonomy=self.taxonomy,
                options=self.options,
                years_found=document.years_experience,
                titles=titles,
                current=current,
            )
            scores = [r for r in everyone if r.role_id in wanted]
            decision = verdict(
                everyone,
                self._specs,
                skills,
                taxonomy=self.taxonomy,
                options=self.options,
                occupation=occupation_outside_computing(current_lines, self.taxonomy),
            )
            job_score = (
                None
                if posting is None
                else job_fit(
                    posting,
                    document,
                    skills,
                    everyone,
                    taxonomy=self.taxonomy,
                    options=self.options,
                )
            )
        with _timed(timings, "suggest"):
            targets = _targets(scores, job_score, decision, explicit=role_ids is not None)
            suggestions = suggest(document, skills, targets, taxonomy=self.taxonomy)
        return MatchReport(
            skills=tuple(skills),
            roles=tuple(scores),
            suggestions=tuple(suggestions),
            taxonomy_version=self.taxonomy.version,
            method=self.options.method,
            verdict=decision,
            job=job_score,
            posting=posting,
            sections=tuple((s.kind, s.heading) for s in document.sections if s.heading),
            warnings=document.warnings,
            years_experience=document.years_experience,
            pages=document.pages,
            format=document.format,
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
    scores: Sequence[RoleScore],
    job_score: RoleScore | None,
    decision: Verdict,
    *,
    explicit: bool,
) -> list[RoleScore]:
    """Who to tailor for: the posting, the requested roles, or else the verdict's role (none
    when no role fits: then the person is told why instead of given role advice)."""
    out: list[RoleScore] = []
    if job_score is not None:
        out.append(job_score)
    if explicit:
        out.extend(scores)
    elif job_score is None and decision.role_id is not None:
        out.extend(r for r in scores if r.role_id == decision.role_id)
    return out


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
