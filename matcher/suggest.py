"""Role scores → tailoring suggestions: ``suggest(document, skills, targets, *, taxonomy)``.

Each suggestion says what to change, why, for which target role or posting, with the evidence
and the score points it is worth (``impact``, the ordering key). Kinds:

* ``missing-core-skill`` — a core (or posting-required) skill with no sign in the resume: a
  real gap to close, never a keyword to insert;
* ``show-evidence`` — listed or mentioned, but no experience/project bullet shows it used;
* ``use-exact-term`` — misspelled, abbreviated or differently cased ("Tensorfow" →
  "TensorFlow", "k8s" → "Kubernetes (k8s)");
* ``add-to-summary`` — the summary doesn't name the target title or its key skills you have;
* ``move-to-skills`` — a relevant skill appears only in prose, not in the skills section;
* ``quantify-impact`` — experience bullets without a number;
* ``trim-irrelevant`` — a long skills list mostly unrelated to the target;
* ``missing-section`` — no skills / experience / summary / education section;
* ``ats-format`` — the parser's layout warnings (columns, image-only, header/footer, hidden text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.models import (
    CanonicalSkill,
    Document,
    Evidence,
    RoleScore,
    SectionKind,
    SkillMatch,
    Suggestion,
)
from matcher.score import STRENGTH_CREDIT
from taxonomy import Taxonomy, normalize_name

__all__ = ["ATS_MESSAGES", "suggest"]

_PRIORITY = {"high": 0, "medium": 1, "low": 2}
_DIGIT = re.compile(r"\d|%|\b(one|two|three|four|five|six|seven|eight|nine|ten|twice|double)\b")
_BULLET = re.compile(r"^\s*[•●▪‣◦○■►▶✓✔*·–—-]\s+")

ATS_MESSAGES: dict[str, tuple[str, str]] = {
    "multi-column": (
        "high",
        "The resume uses several columns; many applicant-tracking systems read across "
        "columns and scramble the order. Use a single column.",
    ),
    "image-only-page": (
        "high",
        "Some pages are images without a text layer; ATS software reads nothing there. "
        "Export the resume from your editor as a text PDF.",
    ),
    "header-footer-text": (
        "medium",
        "Text sits in the page header or footer; many ATS skip it. Move contact details "
        "and anything important into the body.",
    ),
    "hidden-text": (
        "high",
        "The file contains invisible text (white, tiny or hidden). It is ignored for "
        "scoring and recruiters treat it as keyword stuffing: remove it.",
    ),
    "small-text": ("medium", "Some text is very small; use at least 9-10 pt."),
    "unusual-heading": (
        "low",
        "Some section headings are unusual; use standard ones (Summary, Experience, "
        "Skills, Education) so ATS software files the content correctly.",
    ),
    "table-layout": (
        "medium",
        "Content is laid out in tables; some ATS flatten or drop table cells. Prefer plain "
        "lists for skills and experience.",
    ),
    "icon-font-glyphs": (
        "medium",
        "Icon fonts come out as garbage characters in extracted text; replace icons with "
        "words (Email, Phone).",
    ),
    "partial-document": (
        "high",
        "Only part of the file could be read; re-export it and check it opens cleanly.",
    ),
}


@dataclass(frozen=True, slots=True)
class _Target:
    score: RoleScore
    total_weight: float
    target: str  # role id or "job"
    label: str  # "Machine Learning Engineer" or "the posting"


def _total(score: RoleScore) -> float:
    return sum(m.weight for m in (*score.matched, *score.partial, *score.missing))


def _points(weight: float, total: float, gain: float) -> float:
    return round(100.0 * weight * gain / total, 1) if total > 0 else 0.0


def _line_evidence(document: Document, line_number: int, section: SectionKind) -> Evidence:
    line = next(ln for ln in document.lines if ln.number == line_number)
    return Evidence(
        surface=line.text.strip()[:120],
        section=section,
        page=line.page,
        line=line.number,
        start=line.start,
        end=line.end,
        how="exact",
        score=100.0,
        strength="mentioned",
    )


def _skill_suggestions(
    t: _Target, skills: Mapping[str, CanonicalSkill], has_skills_section: bool
) -> list[Suggestion]:
    out: list[Suggestion] = []
    core_label = "required by the posting" if t.target == "job" else f"core for {t.label}"
    for m in t.score.missing:
        if m.importance != "core":
            continue
        out.append(
            Suggestion(
                kind="missing-core-skill",
                priority="high",
                target=t.target,
                skill_id=m.skill_id,
                message=(
                    f"Gap: {m.name} is {core_label} and the resume shows no sign of it. If you "
                    f"have used it, describe where and with what result; if not, it is a gap "
                    f"to close (a project or course), not a keyword to add."
                ),
                impact=_points(m.weight, t.total_weight, 1.0),
            )
        )
    for m in (*t.score.matched, *t.score.partial):
        have = skills.get(m.skill_id)
        if have is None:
            if m.status == "partial" and m.importance == "core" and m.via:
                via = skills.get(m.via)
                out.append(
                    Suggestion(
                        kind="missing-core-skill",
                        priority="medium",
                        target=t.target,
                        skill_id=m.skill_id,
                        message=(
                            f"Gap: {m.name} is {core_label}; the resume shows the related "
                            f"{via.name if via else m.via}, which earns part of the credit. "
                            f"If you have used {m.name} itself, say so in a bullet."
                        ),
                        evidence=via.evidence[:3] if via else (),
                        impact=_points(m.weight, t.total_weight, 1.0 - m.credit),
                    )
                )
            continue
        strength = have.strength
        if strength != "used":
            out.append(_show_evidence(t, m, have))
        if strength == "mentioned" and has_skills_section:
            out.append(
                Suggestion(
                    kind="move-to-skills",
                    priority="low",
                    target=t.target,
                    skill_id=m.skill_id,
                    section=SectionKind.SKILLS,
                    message=(
                        f"{have.name} appears only in running text; add it to your Skills "
                        f"section so readers and ATS software find it at a glance."
                    ),
                    evidence=have.evidence[:3],
                    impact=_points(
                        m.weight,
                        t.total_weight,
                        STRENGTH_CREDIT["listed"] - STRENGTH_CREDIT["mentioned"],
                    ),
                )
            )
        out.extend(_exact_terms(t, m, have))
    return out


def _show_evidence(t: _Target, m: SkillMatch, have: CanonicalSkill) -> Suggestion:
    where = "listed" if have.strength == "listed" else "mentioned"
    return Suggestion(
        kind="show-evidence",
        priority="high" if m.importance == "core" else "medium",
        target=t.target,
        skill_id=m.skill_id,
        message=(
            f"{have.name} is {where} but no experience or project bullet shows you using it. "
            f"Add a bullet that says what you built with {have.name} and the result."
        ),
        evidence=have.evidence[:3],
        impact=_points(m.weight, t.total_weight, 1.0 - STRENGTH_CREDIT[have.strength]),
    )


def _exact_terms(t: _Target, m: SkillMatch, have: CanonicalSkill) -> list[Suggestion]:
    odd = [e for e in have.evidence if e.surface != have.name]
    if not odd or any(e.surface == have.name for e in have.evidence):
        return []
    first = odd[0]
    if first.how == "fuzzy":
        advice = f"write '{have.name}' instead of '{first.surface}' (it looks misspelled)"
    elif first.how == "phrase":
        advice = (
            f"name '{have.name}' where you describe it ('{first.surface}') so exact-keyword "
            "searches match"
        )
    elif normalize_name(first.surface) == normalize_name(have.name):
        advice = f"write '{have.name}' with its usual spelling instead of '{first.surface}'"
    else:
        advice = f"write '{have.name} ({first.surface})' so exact-keyword searches match"
    return [
        Suggestion(
            kind="use-exact-term",
            priority="medium" if first.how == "fuzzy" else "low",
            target=t.target,
            skill_id=m.skill_id,
            message=f"Use the exact term: {advice}.",
            evidence=tuple(odd[:3]),
            impact=_points(m.weight, t.total_weight, 0.25 if first.how == "fuzzy" else 0.1),
        )
    ]


def _document_suggestions(
    document: Document,
    skills: Mapping[str, CanonicalSkill],
    first: _Target,
    targets: Sequence[_Target],
    taxonomy: Taxonomy,
) -> list[Suggestion]:
    out: list[Suggestion] = []
    kinds = {s.kind for s in document.sections}
    wanted = [
        (SectionKind.SKILLS, "high", 3.0, "Add a Skills section listing the tools you use."),
        (
            SectionKind.EXPERIENCE,
            "high",
            3.0,
            "Add an Experience section (or Projects) with bullets that show your skills in use.",
        ),
        (
            SectionKind.SUMMARY,
            "low",
            1.0,
            f"Add a two-line summary that names the target title ({first.label}) and the "
            f"key skills you have.",
        ),
        (SectionKind.EDUCATION, "low", 0.5, "Add an Education section."),
    ]
    for kind, priority, impact, message in wanted:
        if kind in kinds:
            continue
        if kind is SectionKind.EXPERIENCE and SectionKind.PROJECTS in kinds:
            continue
        out.append(
            Suggestion(
                kind="missing-section",
                priority=priority,  # type: ignore[arg-type]
                target=first.target,
                section=kind,
                message=message,
                impact=impact,
            )
        )
    # Summary that does not name the target or its key skills.
    summary = next((s for s in document.sections if s.kind is SectionKind.SUMMARY), None)
    if summary is not None:
        for t in targets:
            text = normalize_name(summary.text)
            core = [m for m in t.score.matched if m.importance == "core" and m.skill_id in skills]
            absent = [m.name for m in core if normalize_name(m.name) not in text][:3]
            title_missing = t.target != "job" and normalize_name(t.label) not in text
            if not absent and not title_missing:
                continue
            parts = []
            if title_missing:
                parts.append(f"the target title '{t.label}'")
            if absent:
                parts.append("key skills you already show: " + ", ".join(absent))
            out.append(
                Suggestion(
                    kind="add-to-summary",
                    priority="medium",
                    target=t.target,
                    section=SectionKind.SUMMARY,
                    message="Name " + " and ".join(parts) + " in your summary.",
                    impact=1.0,
                )
            )
    # Experience bullets without numbers.
    unquantified: list[Evidence] = []
    bullets = 0
    for section in document.sections:
        if section.kind not in (SectionKind.EXPERIENCE, SectionKind.PROJECTS):
            continue
        for line in document.lines:
            if line.hidden or not (section.first_line < line.number <= section.last_line):
                continue
            if not _BULLET.match(line.text):
                continue
            bullets += 1
            if not _DIGIT.search(line.text):
                unquantified.append(_line_evidence(document, line.number, section.kind))
    if unquantified and len(unquantified) * 2 >= bullets:
        out.append(
            Suggestion(
                kind="quantify-impact",
                priority="medium",
                target=first.target,
                section=SectionKind.EXPERIENCE,
                message=(
                    f"{len(unquantified)} of {bullets} experience bullets have no number. Say "
                    f"how much: users, latency, revenue, accuracy, time saved, team size."
                ),
                evidence=tuple(unquantified[:3]),
                impact=2.0,
            )
        )
    # Skills listed that neither the target nor any role of the taxonomy touches: a skill is
    # related when its family (itself and its broader skills) meets a family the target asks
    # for, or one any role asks for — role lists are narrow (Software Engineer names "software
    # development", not Kafka or Redis), so only tools no role comes near are called irrelevant.
    near: set[str] = set(_role_families(taxonomy))
    for t in targets:
        for m in (*t.score.matched, *t.score.partial, *t.score.missing):
            near |= _family(taxonomy, m.skill_id)
            if m.via:
                near.add(m.via)
    listed = [s for s in skills.values() if s.strength == "listed"]
    irrelevant = [
        s for s in listed if s.category != "soft" and not (_family(taxonomy, s.skill_id) & near)
    ]
    if len(listed) >= 8 and len(irrelevant) * 2 > len(listed):
        out.append(
            Suggestion(
                kind="trim-irrelevant",
                priority="low",
                target=first.target,
                section=SectionKind.SKILLS,
                message=(
                    f"{len(irrelevant)} of the {len(listed)} skills you list don't matter for "
                    f"{first.label} or any role rolefit knows (e.g. "
                    f"{', '.join(s.name for s in irrelevant[:4])}); move the relevant ones first "
                    f"and shorten the rest."
                ),
                evidence=tuple(s.evidence[0] for s in irrelevant[:4]),
                impact=0.5,
            )
        )
    for warning in document.warnings:
        priority, message = ATS_MESSAGES.get(warning.code, ("medium", warning.message))
        out.append(
            Suggestion(
                kind="ats-format",
                priority=priority,  # type: ignore[arg-type]
                target=first.target,
                message=message,
                impact=1.5 if priority == "high" else 0.5,
            )
        )
    return out


def _family(taxonomy: Taxonomy, skill_id: str) -> set[str]:
    """A skill and all its broader skills (parent, grandparent, ...)."""
    out = {skill_id}
    skill = taxonomy.skills.get(skill_id)
    while skill is not None and skill.parent and skill.parent not in out:
        out.add(skill.parent)
        skill = taxonomy.skills.get(skill.parent)
    return out


_FAMILIES: dict[str, frozenset[str]] = {}


def _role_families(taxonomy: Taxonomy) -> frozenset[str]:
    """Every skill any role or variant asks for, with its broader skills (once per taxonomy)."""
    found = _FAMILIES.get(taxonomy.version)
    if found is None:
        ids: set[str] = set()
        for role_id in taxonomy.roles:
            for rs in taxonomy.role_skills(role_id):
                ids |= _family(taxonomy, rs.skill)
        found = _FAMILIES[taxonomy.version] = frozenset(ids)
    return found


def suggest(
    document: Document,
    skills: Sequence[CanonicalSkill],
    targets: Sequence[RoleScore],
    *,
    taxonomy: Taxonomy,
) -> list[Suggestion]:
    """Suggestions for each target role or posting, ordered by impact (points), then priority.

    Args:
        document: the parsed resume (sections, lines, layout warnings).
        skills: its canonical skills.
        targets: the role scores to tailor for (a posting's score has ``kind == "job"``).
        taxonomy: for skill names.
    """
    if not targets:
        return []
    have = {s.skill_id: s for s in skills}
    has_skills = any(s.kind is SectionKind.SKILLS for s in document.sections)
    wrapped = [
        _Target(
            score=t,
            total_weight=_total(t),
            target="job" if t.kind == "job" else t.role_id,
            label="the posting" if t.kind == "job" and not t.title else t.title,
        )
        for t in targets
    ]
    out: list[Suggestion] = []
    for t in wrapped:
        out.extend(_skill_suggestions(t, have, has_skills))
    out.extend(_document_suggestions(document, have, wrapped[0], wrapped, taxonomy))
    unique: dict[tuple[str, str, str | None, str | None, str], Suggestion] = {}
    for s in out:
        extra = s.message if s.kind == "ats-format" else ""
        unique.setdefault((s.kind, s.target, s.skill_id, s.section, extra), s)
    return sorted(
        unique.values(),
        key=lambda s: (-s.impact, _PRIORITY[s.priority], s.kind, s.target, s.skill_id or ""),
    )
