"""Typed values passed between the stages (frozen dataclasses, picklable, JSON-ready).

```
bytes ─ parse ─► DocumentText ─ sections ─► Document
      ─ extract ─► SkillMention*      ─ normalize ─► CanonicalSkill*
      ─ score ─► RoleScore*           ─ suggest ─► Suggestion*      = MatchReport
```

Offsets (``start``/``end``) are character offsets into ``Document.text``. Pages and lines are
1-based. ``to_dict()`` turns any of these into plain JSON types.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = [
    "IMPORTANCE_ORDER",
    "UNLISTED_PREFIX",
    "CanonicalSkill",
    "Contact",
    "Document",
    "DocumentText",
    "Evidence",
    "ExperienceEntry",
    "Importance",
    "JobPosting",
    "LayoutWarning",
    "Line",
    "MatchHow",
    "MatchReport",
    "MentionContext",
    "Occupation",
    "RoleScore",
    "Section",
    "SectionKind",
    "SkillMatch",
    "SkillMention",
    "Suggestion",
    "TierScore",
    "Verdict",
    "importance_rank",
    "is_unlisted",
    "to_dict",
    "unlisted_id",
]


class SectionKind(enum.StrEnum):
    """What a resume section is about."""

    HEADER = "header"  # text before the first heading (name, contact line, title)
    SUMMARY = "summary"
    SKILLS = "skills"
    EXPERIENCE = "experience"
    EDUCATION = "education"
    PROJECTS = "projects"
    CERTIFICATIONS = "certifications"
    PUBLICATIONS = "publications"
    AWARDS = "awards"
    LANGUAGES = "languages"
    INTERESTS = "interests"
    CONTACT = "contact"
    OTHER = "other"


DocumentFormat = Literal["pdf", "docx", "text", "image", "html", "jsonld"]


# --------------------------------------------------------------------------- parse stage


@dataclass(frozen=True, slots=True)
class Line:
    """One visual line of the document, in reading order.

    ``start``/``end`` locate the line in ``DocumentText.text``; hidden lines are not part of that
    text (``start == end == -1``) but are kept so warnings can point at them.
    """

    text: str
    page: int
    number: int  # 1-based line number within the whole document (reading order)
    start: int
    end: int
    x0: float = 0.0
    top: float = 0.0  # distance from the top of the page, in points
    x1: float = 0.0
    bottom: float = 0.0
    font_size: float = 0.0
    bold: bool = False
    column: int = 0  # 0 = full width / single column, 1 = left, 2 = right, ...
    table_row: int | None = None  # row index when the line is a table row
    hidden: bool = False
    in_header_footer: bool = False
    source: Literal["text", "ocr"] = "text"  # "ocr": recognised in an image of the page
    confidence: float | None = None  # OCR's mean word confidence for the line, 0..1


@dataclass(frozen=True, slots=True)
class LayoutWarning:
    """Something about the file's layout that applicant-tracking systems may misread.

    Codes: ``multi-column``, ``image-only-page``, ``header-footer-text``, ``small-text``,
    ``hidden-text``, ``partial-document``, ``unusual-heading``, ``table-layout``,
    ``icon-font-glyphs``, ``ocr``.
    """

    code: str
    message: str
    pages: tuple[int, ...] = ()
    count: int = 1


@dataclass(frozen=True, slots=True)
class DocumentText:
    """Clean text plus layout, straight out of a file reader (pdf, docx, text).

    ``text`` is the visible text in reading order, cleaned once (NFKC, hyphenation, control
    characters, letter-spacing, bullets normalised to "•"), lines joined by "\\n".
    ``hidden_text`` holds text that was invisible on the page (white, tiny, render mode 3,
    off-page): reported, never scored.
    """

    text: str
    lines: tuple[Line, ...]
    pages: int
    format: DocumentFormat
    warnings: tuple[LayoutWarning, ...] = ()
    hidden_text: str = ""
    producer: str | None = None
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of the document. ``heading`` is as printed ("" for the header block)."""

    kind: SectionKind
    heading: str
    text: str
    start: int
    end: int
    page: int
    first_line: int
    last_line: int
    rows: tuple[tuple[str, ...], ...] = ()  # table rows inside the section, cells kept apart


@dataclass(frozen=True, slots=True)
class Contact:
    """Contact details: shown to the person, never seen by scoring."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExperienceEntry:
    """One job: title, employer and date range where they could be read."""

    title: str | None
    employer: str | None
    start: str | None  # "YYYY-MM" (month 01 when only a year is given)
    end: str | None  # "YYYY-MM", or None with current=True
    current: bool
    line: int  # line number of the entry's first line


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed resume or posting: text, layout, sections, contact and experience."""

    text: str
    lines: tuple[Line, ...]
    pages: int
    format: DocumentFormat
    sections: tuple[Section, ...]
    contact: Contact
    experience: tuple[ExperienceEntry, ...] = ()
    years_experience: float | None = None
    warnings: tuple[LayoutWarning, ...] = ()
    hidden_text: str = ""
    producer: str | None = None
    partial: bool = False

    def section_at(self, offset: int) -> Section | None:
        """The section containing a character offset of ``text``."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None


# --------------------------------------------------------------------------- extract stage

MentionContext = Literal["list", "table", "bullet", "prose", "heading"]


@dataclass(frozen=True, slots=True)
class SkillMention:
    """A span of the document that names (or may name) a skill.

    ``skill_id`` is set when a taxonomy pattern matched; ``None`` marks a list-item candidate
    phrase left for the fuzzy step. ``rule`` names the matcher rule that fired
    (``phrase-lower``, ``phrase-orth``, ``guarded``, ``method-phrase``, ``vendor-scoped``,
    ``version-suffix``, ``candidate``).
    """

    surface: str
    start: int
    end: int
    section: SectionKind
    page: int
    line: int
    rule: str
    context: MentionContext
    skill_id: str | None = None


# --------------------------------------------------------------------------- normalize stage

# phrase: described in verbs; unlisted: a name the taxonomy lacks, known by its list neighbours
MatchHow = Literal["exact", "alias", "fuzzy", "phrase", "unlisted"]

# The id of a skill the taxonomy does not hold (``matcher.extract.unlisted``): the prefix, then
# the name, case and spaces aside. Never a taxonomy id (those are slugs without a colon).
UNLISTED_PREFIX = "unlisted:"


def unlisted_id(name: str) -> str:
    """The id of a name the taxonomy does not hold, case and spaces aside: "Core Data" and
    "CoreData" are one skill."""
    return UNLISTED_PREFIX + "".join(name.split()).casefold()


def is_unlisted(skill_id: str) -> bool:
    """A skill found by its neighbours in a list, not from the taxonomy."""
    return skill_id.startswith(UNLISTED_PREFIX)


EvidenceStrength = Literal["used", "listed", "mentioned"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a skill was seen. ``strength``: ``used`` in an experience/project bullet,
    ``listed`` in a skills section or table, ``mentioned`` anywhere else."""

    surface: str
    section: SectionKind
    page: int
    line: int
    start: int
    end: int
    how: MatchHow
    score: float  # 100 for exact/alias; rapidfuzz similarity for fuzzy
    strength: EvidenceStrength


@dataclass(frozen=True, slots=True)
class CanonicalSkill:
    """A taxonomy skill found in the document, with every piece of evidence for it."""

    skill_id: str
    name: str
    category: str
    how: MatchHow  # the best way it matched: exact > alias > phrase > fuzzy > unlisted
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def strength(self) -> EvidenceStrength:
        order: dict[str, int] = {"used": 0, "listed": 1, "mentioned": 2}
        return min((e.strength for e in self.evidence), key=order.__getitem__, default="mentioned")


# --------------------------------------------------------------------------- score stage


@dataclass(frozen=True, slots=True)
class SkillMatch:
    """One of a role's skills and how the resume covers it."""

    skill_id: str
    name: str
    importance: Importance
    weight: float
    credit: float  # 0..1: 1 = used in a bullet, less for listed-only or a related skill
    status: Literal["matched", "partial", "missing"]
    via: str | None = None  # the related skill that earned partial credit (e.g. a child skill)
    evidence: tuple[Evidence, ...] = ()


# The taxonomy's importance tiers (``taxonomy.schema.Importance``), most important first: the
# one order every ranking, table and summary uses.
Importance = Literal["core", "important", "bonus"]
IMPORTANCE_ORDER: tuple[Importance, ...] = get_args(Importance)


def importance_rank(importance: str) -> int:
    """0 for core, 1 important, 2 bonus: the one order of importance tiers."""
    return IMPORTANCE_ORDER.index(importance) if importance in IMPORTANCE_ORDER else 3


@dataclass(frozen=True, slots=True)
class TierScore:
    """Coverage of one importance tier (or one category)."""

    name: str
    weight: float
    earned: float
    matched: int
    total: int

    @property
    def score(self) -> float:
        return 0.0 if self.weight <= 0 else round(100.0 * self.earned / self.weight, 1)


@dataclass(frozen=True, slots=True)
class RoleScore:
    """How well the document fits one role (or a job posting as an ad-hoc role)."""

    role_id: str
    title: str
    score: float  # 0..100
    band: Literal["strong", "good", "partial", "weak"]
    matched: tuple[SkillMatch, ...]
    partial: tuple[SkillMatch, ...]
    missing: tuple[SkillMatch, ...]
    by_importance: tuple[TierScore, ...]
    by_category: tuple[TierScore, ...]
    parent_id: str | None = None  # title variants point to their parent role
    kind: Literal["role", "variant", "job"] = "role"
    years_required: float | None = None
    years_found: float | None = None
    title_match: str | None = None  # the resume's own headline/job title naming this role
    title_current: bool = False  # ...and that title is its headline or most recent job's
    role_fit: float | None = None  # a posting's score: the resume's fit to the posting's role

    def strongest(self) -> tuple[SkillMatch, ...]:
        """The skills the resume has for this role (matched and partial), most important and
        best evidenced first. ``missing`` is already most important first."""
        return tuple(
            sorted(
                (*self.matched, *self.partial),
                key=lambda m: (importance_rank(m.importance), -m.weight * m.credit, m.skill_id),
            )
        )


# --------------------------------------------------------------------------- suggest stage

SuggestionKind = Literal[
    "missing-core-skill",
    "show-evidence",
    "use-exact-term",
    "add-to-summary",
    "move-to-skills",
    "quantify-impact",
    "trim-irrelevant",
    "missing-section",
    "ats-format",
]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One concrete edit, for one target role or posting."""

    kind: SuggestionKind
    priority: Literal["high", "medium", "low"]
    target: str  # role id, or "job" for the posting
    message: str
    skill_id: str | None = None
    section: SectionKind | None = None
    evidence: tuple[Evidence, ...] = ()
    impact: float = 0.0  # score points this edit could be worth (ordering key)


# --------------------------------------------------------------------------- job postings


@dataclass(frozen=True, slots=True)
class Occupation:
    """The occupations a title names, from O*NET's reported job titles: ``title`` as written,
    and each (O*NET-SOC code, occupation title) that people report it in ("Senior Product
    Designer": 17-3013.00 Mechanical Drafters, 27-1021.00 Commercial and Industrial
    Designers)."""

    title: str
    held: tuple[tuple[str, str], ...]

    def cited(self, most: int = 3) -> str:
        """ "O*NET 17-3013.00 Mechanical Drafters; 27-1021.00 Commercial and ..." """
        return "O*NET " + "; ".join(f"{code} {name}" for code, name in self.held[:most])


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to "which role does this fit?": the best of the five top-level roles, or
    none (``role_id is None``) with the reason. Made once, in the library; every shell shows it.

    ``confidence`` reads the lead over the runner-up and how much of the role the evidence
    shows: ``high`` (a clear lead on solid evidence), ``medium``, ``low`` (a near tie, or thin
    evidence). ``evidence`` names what decided it: the role's distinctive skills found and the
    resume's own title naming the role.
    """

    role_id: str | None
    title: str | None
    score: float
    confidence: Literal["high", "medium", "low"]
    reason: str
    runner_up: str | None = None
    runner_up_score: float = 0.0
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JobPosting:
    """A job posting read into requirements; scored as an ad-hoc role."""

    title: str
    text: str
    required: tuple[CanonicalSkill, ...]
    preferred: tuple[CanonicalSkill, ...]
    mentioned: tuple[CanonicalSkill, ...] = ()
    years_required: float | None = None
    education: tuple[str, ...] = ()
    external_id: str | None = None
    # ids of the mentioned skills that only the company's own sentences name ("our platform is
    # known for its reliability and scalability"): listed, but never scored or shown missing
    background: tuple[str, ...] = ()
    organization: str | None = None
    nearest_roles: tuple[tuple[str, float], ...] = ()  # (role_id, similarity 0..100), best first
    verdict: Verdict | None = None  # the top-level role the posting hires for, or none
    warnings: tuple[str, ...] = ()  # how it was read (e.g. unknown fields that were ignored)


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True, slots=True)
class MatchReport:
    """Everything rolefit says about one resume: skills, role fits, suggestions.

    ``excluded_fields`` lists the personal fields scoring never read.
    """

    skills: tuple[CanonicalSkill, ...]
    roles: tuple[RoleScore, ...]  # ranked, best first: the five roles, or the ones asked for
    suggestions: tuple[Suggestion, ...]
    taxonomy_version: str
    method: str
    verdict: Verdict | None = None  # the best top-level role, or none with the reason
    job: RoleScore | None = None
    posting: JobPosting | None = None
    sections: tuple[tuple[SectionKind, str], ...] = ()  # (kind, heading as printed)
    warnings: tuple[LayoutWarning, ...] = ()
    years_experience: float | None = None
    pages: int = 0
    format: str = "text"  # what the resume file was, by its content: pdf, docx, text or image
    excluded_fields: tuple[str, ...] = (
        "name",
        "email",
        "phone",
        "location",
        "links",
        "photo",
        "age",
        "date_of_birth",
        "gender",
        "address",
    )
    timings: dict[str, float] = field(default_factory=dict)  # stage -> milliseconds


def to_dict(value: Any) -> Any:
    """Convert a model (or nested containers of them) into plain JSON types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, CanonicalSkill):
            out["strength"] = value.strength
        if isinstance(value, TierScore):
            out["score"] = value.score
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_dict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_dict(v) for v in value]
    return value
