"""Hand-built values for storage tests (the real pipeline is exercised by the API tests)."""

from __future__ import annotations

from typing import Literal

from matcher.models import (
    CanonicalSkill,
    Evidence,
    JobPosting,
    MatchReport,
    RoleScore,
    SectionKind,
    SkillMatch,
)


def skill(skill_id: str, name: str | None = None, category: str = "language") -> CanonicalSkill:
    name = name or skill_id.title()
    ev = Evidence(name, SectionKind.SKILLS, 1, 3, 10, 10 + len(name), "exact", 100.0, "listed")
    return CanonicalSkill(skill_id, name, category, "exact", 100.0, (ev,))


def posting(external_id: str | None = "ext-1", title: str = "Data Engineer") -> JobPosting:
    return JobPosting(
        title=title,
        text=f"{title}\nRequirements\n• Python\n• SQL\nNice to have\n• Airflow",
        required=(skill("python"), skill("sql")),
        preferred=(skill("airflow", "Airflow", "tool"),),
        years_required=3.0,
        education=("bachelor",),
        external_id=external_id,
        organization="Example Corp",
        nearest_roles=(("data-engineer", 81.5), ("data-scientist", 40.0)),
    )


def report(score: float, *, matched: tuple[str, ...] = ("python",)) -> MatchReport:
    def sm(skill_id: str, status: Literal["matched", "missing"]) -> SkillMatch:
        return SkillMatch(
            skill_id, skill_id.title(), "core", 1.0, 1.0 if status == "matched" else 0.0, status
        )

    missing = tuple(s for s in ("python", "sql", "airflow") if s not in matched)
    job = RoleScore(
        role_id="job",
        title="Data Engineer",
        score=score,
        band="good" if score >= 55 else "weak",
        matched=tuple(sm(s, "matched") for s in matched),
        partial=(),
        missing=tuple(sm(s, "missing") for s in missing),
        by_importance=(),
        by_category=(),
        kind="job",
    )
    return MatchReport(
        skills=tuple(skill(s) for s in matched),
        roles=(job,),
        suggestions=(),
        taxonomy_version="tax-test",
        method="weighted-coverage.v1",
        job=job,
    )
