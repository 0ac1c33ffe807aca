"""Request and response shapes of the HTTP API (pydantic), converted from matcher types here.

Routes never return matcher dataclasses directly: ``document_out()`` and ``report_out()`` are the
one place where library values become API values, so the OpenAPI schema is exactly what is sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.models import Document, MatchReport
from taxonomy.schema import Role, RoleSkill, Skill

__all__ = [
    "AnyMatchReport",
    "DocumentOut",
    "Health",
    "MatchReportCompactOut",
    "MatchReportOut",
    "MatchTextRequest",
    "Problem",
    "Readiness",
    "RoleDetail",
    "RoleList",
    "RoleSummary",
    "SkillLookup",
    "ValidationProblem",
    "VerdictOut",
    "document_out",
    "report_out",
]

_REQUEST_ID = "5f0c6c1e-8a7e-4d8e-9d59-2f1a3c0b7e11"


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --------------------------------------------------------------------------- problems


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/pdf-encrypted",
                    "title": "Encrypted PDF",
                    "status": 422,
                    "detail": "The PDF is encrypted and needs a password to open: remove the "
                    "password and upload again.",
                    "instance": f"urn:uuid:{_REQUEST_ID}",
                    "code": "pdf-encrypted",
                    "request_id": _REQUEST_ID,
                }
            ]
        },
    )

    type: str = Field(description="Stable URI of the problem type: /problems/<code>.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong; never quotes the uploaded content.")
    instance: str = Field(description="This occurrence: urn:uuid:<request id>.")
    code: str = Field(description="Stable kebab-case error code (same as the end of type).")
    request_id: str = Field(description="Request id, also in the X-Request-ID header and logs.")


class ValidationErrorItem(BaseModel):
    loc: list[str]
    msg: str
    type: str


class ValidationProblem(Problem):
    """A 422 validation problem with the invalid fields (their values are never echoed)."""

    errors: list[ValidationErrorItem] = []


# --------------------------------------------------------------------------- health


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "starting", "failed"]
    taxonomy_version: str | None = None
    workers: int = 0
    workers_ready: bool = False
    detail: str | None = None


# --------------------------------------------------------------------------- taxonomy


class RoleSummary(_Out):
    id: str
    title: str
    kind: Literal["role", "variant"]
    parent: str | None = None
    aliases: list[str] = []
    summary: str | None = None
    skills: int = Field(description="Number of skills the role lists (variants: merged).")


class RoleList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "full",
                    "taxonomy_version": "tax-1a2b3c4d5e6f",
                    "roles": [
                        {
                            "id": "data-scientist",
                            "title": "Data Scientist",
                            "kind": "role",
                            "parent": None,
                            "aliases": ["Data Science", "DS"],
                            "summary": "Analyzes and interprets complex data with statistics, "
                            "visualization and domain expertise to inform business decisions.",
                            "skills": 24,
                        }
                    ],
                }
            ]
        }
    )

    taxonomy_version: str
    roles: list[RoleSummary]


class RoleDetail(BaseModel):
    taxonomy_version: str
    role: Role = Field(description="The role as in the taxonomy, every fact with its sources.")
    effective_skills: list[RoleSkill] = Field(
        description="The skills scored for this role (for a variant: refinements merged)."
    )
    variants: list[str] = Field(description="Ids of this role's title variants.")


class SkillCandidate(BaseModel):
    skill: Skill
    how: Literal["exact", "alias", "fuzzy"]
    score: float = Field(ge=0, le=100)


class SkillLookup(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "query": "pyhton",
                    "taxonomy_version": "tax-1a2b3c4d5e6f",
                    "match": {
                        "skill": {"id": "python", "name": "Python", "category": "language"},
                        "how": "fuzzy",
                        "score": 91.7,
                    },
                    "candidates": [],
                }
            ]
        }
    )

    query: str
    taxonomy_version: str
    match: SkillCandidate | None = Field(description="The canonical skill, if one matches well.")
    candidates: list[SkillCandidate] = Field(description="Other close skills, best first.")


# --------------------------------------------------------------------------- documents


class LayoutWarningOut(_Out):
    code: str
    message: str
    pages: list[int] = []
    count: int = 1


class SectionOut(_Out):
    kind: str
    heading: str
    text: str
    start: int
    end: int
    page: int
    first_line: int
    last_line: int


class ContactOut(_Out):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: list[str] = []


class ExperienceOut(_Out):
    title: str | None = None
    employer: str | None = None
    start: str | None = None
    end: str | None = None
    current: bool = False
    line: int = 0


class DocumentOut(_Out):
    """A parsed resume: text, sections, contact (shown to its owner, never scored), warnings."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "format": "pdf",
                    "pages": 1,
                    "producer": "ReportLab PDF Library",
                    "partial": False,
                    "text": "Alex Example\nSkills\nPython, SQL, Airflow",
                    "sections": [
                        {
                            "kind": "skills",
                            "heading": "Skills",
                            "text": "Python, SQL, Airflow",
                            "start": 13,
                            "end": 39,
                            "page": 1,
                            "first_line": 2,
                            "last_line": 3,
                        }
                    ],
                    "contact": {
                        "name": "Alex Example",
                        "email": None,
                        "phone": None,
                        "location": None,
                        "links": [],
                    },
                    "experience": [],
                    "years_experience": None,
                    "warnings": [],
                }
            ]
        },
    )

    format: str
    pages: int
    producer: str | None = None
    partial: bool = False
    text: str
    sections: list[SectionOut]
    contact: ContactOut
    experience: list[ExperienceOut] = []
    years_experience: float | None = None
    warnings: list[LayoutWarningOut] = []


def document_out(document: Document) -> DocumentOut:
    """The API view of a parsed document (lines and hidden text left out)."""
    # from_attributes reads the dataclasses directly (4x faster than to_dict, same JSON).
    return DocumentOut.model_validate(document, from_attributes=True)


# --------------------------------------------------------------------------- match report


class EvidenceOut(_Out):
    surface: str
    section: str
    page: int
    line: int
    start: int
    end: int
    how: str
    score: float
    strength: str


class CanonicalSkillOut(_Out):
    skill_id: str
    name: str
    category: str
    how: str
    score: float
    strength: str
    evidence: list[EvidenceOut] = []


# A report skill's evidence in a compact report (an array: ~100 entries for a dense resume).
CompactEvidence = Annotated[
    tuple[str, str, int, int, int, int, str] | tuple[str, str, int, int, int, int, str, str, float],
    Field(
        description="A piece of evidence in a compact report: ``[surface, section, page, line, "
        "start, end, strength, how, score]`` (the fields of ``EvidenceOut``), ``how`` and "
        "``score`` left out when they are the skill's own."
    ),
]


class CanonicalSkillCompactOut(CanonicalSkillOut):
    """A report skill in a compact report: its evidence as arrays (``CompactEvidence``)."""

    evidence: list[CompactEvidence] = []  # type: ignore[assignment]


class SkillMatchOut(_Out):
    skill_id: str
    name: str
    importance: str
    weight: float
    credit: float
    status: str
    via: str | None = None
    evidence: list[EvidenceOut] = []


class TierScoreOut(_Out):
    name: str
    weight: float
    earned: float
    matched: int
    total: int
    score: float


class RoleScoreOut(_Out):
    role_id: str
    title: str
    score: float = Field(ge=0, le=100)
    band: str
    kind: str = "role"
    parent_id: str | None = None
    matched: list[SkillMatchOut] = []
    partial: list[SkillMatchOut] = []
    missing: list[SkillMatchOut] = []
    by_importance: list[TierScoreOut] = []
    by_category: list[TierScoreOut] = []
    years_required: float | None = None
    years_found: float | None = None
    role_fit: float | None = Field(
        default=None,
        description="A posting's score only: the resume's fit (0-100) to the role the posting "
        "hires for, worth 20 of the posting's 100 points.",
    )


# A role's skill in a compact report (an array: the ~250 entries of a report are most of it).
SkillRefOut = Annotated[
    tuple[str, str, float] | tuple[str, str, float, float] | tuple[str, str, float, float, str],
    Field(
        description="A role's skill in a compact report: ``[skill_id, importance, weight, "
        "credit, via]`` without its trailing defaults (``credit`` 0..1, left out when "
        "nothing is earned; ``via``, the related skill that earned partial credit, left out "
        "when none), so a skill the resume misses is ``[skill_id, importance, weight]``. "
        "Its evidence is the report skill ``via``'s, else ``skill_id``'s; ``skill_names`` "
        "has its name; its status is the list it is in."
    ),
]


class RoleScoreCompactOut(RoleScoreOut):
    """A role in a compact report: its skills by reference (``[skill_id, importance, weight,
    credit, via]``, trailing defaults left out)."""

    matched: list[SkillRefOut] = []  # type: ignore[assignment]
    partial: list[SkillRefOut] = []  # type: ignore[assignment]
    missing: list[SkillRefOut] = []  # type: ignore[assignment]


class VerdictOut(_Out):
    """Which of the five roles fits best, or none (``role_id`` null) with the reason."""

    role_id: str | None = Field(description="The best top-level role; null: no role fits.")
    title: str | None = None
    score: float = Field(ge=0, le=100)
    confidence: Literal["high", "medium", "low"]
    reason: str = Field(description="One sentence a person can read.")
    runner_up: str | None = None
    runner_up_score: float = 0.0
    evidence: list[str] = Field(
        default=[], description="The role's distinctive skills shown, and the title naming it."
    )


class SuggestionOut(_Out):
    kind: str
    priority: str
    target: str
    message: str
    skill_id: str | None = None
    section: str | None = None
    impact: float = 0.0
    evidence: list[EvidenceOut] = []


class SuggestionCompactOut(SuggestionOut):
    """A suggestion in a compact report: the evidence the report's ``skills`` hold is referred
    to (``evidence_refs``); ``skill_id``, ``section``, ``evidence`` and ``evidence_refs`` are
    left out when null or empty."""

    skill_id: str | None = Field(default=None, description="Left out when null.")
    section: str | None = Field(default=None, description="Left out when null.")
    evidence: list[EvidenceOut] = Field(
        default=[],
        description="Evidence the report's skills do not hold (e.g. bullets without a number); "
        "left out when empty.",
    )
    evidence_refs: list[tuple[str, int]] = Field(
        default=[],
        description="The suggestion's evidence as ``[skill_id, index]``: entry ``index`` of that "
        "report skill's ``evidence``; left out when empty.",
    )


class PostingOut(_Out):
    title: str
    required: list[CanonicalSkillOut] = []
    preferred: list[CanonicalSkillOut] = []
    mentioned: list[CanonicalSkillOut] = []
    background: list[str] = Field(
        default=[],
        description="Ids of mentioned skills that only sentences about the company name "
        "(boilerplate such as 'known for its scalability'): not scored, never missing.",
    )
    years_required: float | None = None
    education: list[str] = []
    external_id: str | None = None
    organization: str | None = None
    nearest_roles: list[tuple[str, float]] = []
    verdict: VerdictOut | None = None
    warnings: list[str] = Field(
        default=[], description="How the posting was read, e.g. unknown fields ignored."
    )


class MatchReportOut(_Out):
    """The match report: skills found, roles ranked best first, concrete suggestions."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "taxonomy_version": "tax-1a2b3c4d5e6f",
                    "method": "distinctive-coverage.v7",
                    "verdict": {
                        "role_id": "data-scientist",
                        "title": "Data Scientist",
                        "score": 71.5,
                        "confidence": "high",
                        "reason": "Data Scientist fits best (72 of 100; next Machine Learning "
                        "Engineer, 48): 6 of its distinctive skills shown.",
                        "runner_up": "ml-engineer",
                        "runner_up_score": 48.0,
                        "evidence": ["SQL", "Statistics", "pandas"],
                    },
                    "pages": 2,
                    "format": "pdf",
                    "skills": [
                        {
                            "skill_id": "python",
                            "name": "Python",
                            "category": "language",
                            "how": "exact",
                            "score": 100.0,
                            "strength": "used",
                            "evidence": [],
                        }
                    ],
                    "roles": [
                        {
                            "role_id": "data-scientist",
                            "title": "Data Scientist",
                            "score": 71.5,
                            "band": "good",
                            "kind": "role",
                            "matched": [],
                            "partial": [],
                            "missing": [],
                            "by_importance": [],
                            "by_category": [],
                        }
                    ],
                    "suggestions": [
                        {
                            "kind": "missing-core-skill",
                            "priority": "high",
                            "target": "data-scientist",
                            "message": "A/B testing is core for Data Scientist and not in "
                            "your resume.",
                            "skill_id": "ab-testing",
                            "impact": 8.5,
                        }
                    ],
                    "job": None,
                    "posting": None,
                    "sections": [["skills", "Skills"]],
                    "warnings": [],
                    "years_experience": 4.0,
                    "excluded_fields": ["name", "email", "phone"],
                    "timings": {"parse": 41.2, "extract": 6.3},
                }
            ]
        },
    )

    detail: Literal["full"] = Field(
        default="full", description="``full``: every role entry repeats its skill's evidence."
    )
    taxonomy_version: str
    method: str
    verdict: VerdictOut | None = None
    pages: int = 0
    format: str = Field(default="text", description="The resume file's type, by its content.")
    skills: list[CanonicalSkillOut]
    roles: list[RoleScoreOut]
    suggestions: list[SuggestionOut]
    job: RoleScoreOut | None = None
    posting: PostingOut | None = None
    sections: list[tuple[str, str]] = []
    warnings: list[LayoutWarningOut] = []
    years_experience: float | None = None
    excluded_fields: list[str] = []
    timings: dict[str, float] = {}


class MatchReportCompactOut(MatchReportOut):
    """The default match report: each skill's evidence once, in ``skills`` (as arrays); the
    roles refer to skills by id (``[skill_id, importance, weight, credit, via]`` arrays) and
    ``skill_names`` names them; suggestions refer to the evidence ``skills`` hold
    (``evidence_refs``) and leave out null and empty fields (``?detail=full``: the
    ``MatchReport``, evidence objects in every skill, role entry and suggestion)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=None)

    detail: Literal["compact"] = Field(  # type: ignore[assignment]
        default="compact",
        description="``compact``: evidence once, in ``skills``; roles refer to skills by id.",
    )
    skills: list[CanonicalSkillCompactOut]  # type: ignore[assignment]
    roles: list[RoleScoreCompactOut]  # type: ignore[assignment]
    suggestions: list[SuggestionCompactOut]  # type: ignore[assignment]
    job: RoleScoreCompactOut | None = None
    skill_names: dict[str, str] = Field(
        default={}, description="skill id -> name, for every skill the roles and job refer to."
    )


AnyMatchReport = Annotated[MatchReportCompactOut | MatchReportOut, Field(discriminator="detail")]


def report_out(report: MatchReport) -> MatchReportOut:
    """The API view of a match report."""
    return MatchReportOut.model_validate(report, from_attributes=True)


# --------------------------------------------------------------------------- requests


JobInput = str | dict[str, Any]


class MatchTextRequest(BaseModel):
    """Match pasted resume text (instead of uploading a file)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "resume_text": "Skills\nPython, SQL, Airflow, dbt\nExperience\nData Engineer "
                    "at Example Corp (2020-2024): built Airflow pipelines in Python.",
                    "roles": ["data-scientist"],
                    "job": None,
                }
            ]
        },
    )

    resume_text: str = Field(min_length=1, description="The resume as plain text.")
    roles: list[str] | None = Field(
        default=None,
        max_length=100,
        description="Roles to score, by id, title or alias; none: all roles, ranked.",
    )
    job: JobInput | None = Field(
        default=None,
        description="A job posting: text, HTML, or a schema.org JobPosting JSON-LD object.",
    )
