"""Pydantic schema of the taxonomy data files (``taxonomy/data/*.toml``).

Every fact that comes from a seed document carries ``sources``: the file name in
``taxonomy/sources/`` and the exact sentence it was read from. Curated entries (the general
skills vocabulary) are marked ``curated = true`` and carry no source sentence.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "Fact",
    "Guard",
    "Importance",
    "Role",
    "RoleSkill",
    "SalaryClaim",
    "Skill",
    "SkillCategory",
    "Source",
]

SkillCategory = Literal[
    "language",
    "library",  # library or framework
    "platform",  # platform or cloud service
    "tool",
    "datastore",
    "method",  # method, concept, field or practice
    "soft",  # soft skill
]
Importance = Literal["core", "important", "bonus"]
Guard = Literal[
    "none",  # ordinary name: matched case-insensitively anywhere
    "case",  # matched only with the exact capitalisation of its name/aliases (e.g. "Spark")
    "context",  # exact case AND a skill context (skills list/table, "programming in R", ...)
]

_SLUG = r"^[a-z0-9][a-z0-9+#.-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """Where a fact came from: a seed document and the exact sentence in it."""

    file: str = Field(min_length=1)
    sentence: str = Field(min_length=1)

    @field_validator("sentence")
    @classmethod
    def _whole_sentence(cls, value: str) -> str:
        # an empty or blank quote would be "found" in any document
        if len(value.strip()) < 8:
            raise ValueError("a source sentence must quote at least a few words")
        return value


class Fact(_Model):
    """A statement about a role, with the sentence(s) it came from."""

    text: str
    sources: list[Source] = Field(min_length=1)


class Skill(_Model):
    """One skill of the vocabulary."""

    id: str = Field(pattern=_SLUG)
    name: str
    category: SkillCategory
    aliases: list[str] = []  # other names and real abbreviations (never misspellings)
    parent: str | None = None  # broader skill id (pytorch -> deep-learning-frameworks)
    guard: Guard = "none"
    curated: bool = False  # True: from the curated vocabulary, not from a seed document
    sources: list[Source] = []  # seed sentences that name the skill

    @field_validator("aliases")
    @classmethod
    def _no_blank_alias(cls, value: list[str]) -> list[str]:
        if any(not a.strip() for a in value):
            raise ValueError("blank alias")
        return value


class RoleSkill(_Model):
    """A role's link to a skill, with its importance, weight and the sentences behind it."""

    skill: str  # skill id
    importance: Importance
    weight: float = Field(gt=0, le=10)
    sources: list[Source] = Field(min_length=1)


class SalaryClaim(_Model):
    """A salary statement exactly as one source makes it; sources that disagree are all kept."""

    text: str  # the figure as written, e.g. "$95,000 to $130,000"
    low: int | None = None
    high: int | None = None
    currency: str = "USD"
    period: Literal["year", "month", "hour"] = "year"
    kind: Literal["range", "median", "average", "minimum", "maximum"] = "range"
    level: str | None = None  # "entry", "mid", "senior", ... when the source says
    region: str | None = None
    source: Source

    @model_validator(mode="after")
    def _ordered(self) -> SalaryClaim:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self


class Role(_Model):
    """A role of the taxonomy, or a title variant pointing to its parent role."""

    id: str = Field(pattern=_SLUG)
    title: str
    kind: Literal["role", "variant"] = "role"
    parent: str | None = None  # variants only
    aliases: list[str] = []  # other titles that mean this role
    summary: Fact | None = None
    focus: list[Fact] = []
    responsibilities: list[Fact] = []
    skills: list[RoleSkill] = []  # for a variant: refinements on top of the parent's skills
    tools: list[str] = []  # skill ids of the tools the sources name
    applications: list[Fact] = []
    industries: list[Fact] = []
    education: list[Fact] = []
    seniority_levels: list[Fact] = []
    career_paths: list[Fact] = []
    salary: list[SalaryClaim] = []
    sources: list[Source] = []  # sentences that name this role or title
