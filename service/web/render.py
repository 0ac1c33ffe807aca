"""Worker-side: parse + match a resume and render the result page (no network, nothing stored).

Runs inside a worker process (module-level functions pickle). The page shows the verdict, an
inline-SVG bar chart of the role scores, per role the matched skills linked to the resume line
that shows each, the missing core skills and the suggestions grouped for a person.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from matcher import report_json
from service.tasks import Result

if TYPE_CHECKING:
    from matcher import Matcher
    from matcher.models import Document, MatchReport, RoleScore, Suggestion

__all__ = ["environment", "page_match_task", "result_context"]

# The suggestion kinds as a person reads them.
GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    (
        "show",
        "Show it better",
        frozenset({"show-evidence", "use-exact-term", "add-to-summary", "quantify-impact"}),
    ),
    (
        "move",
        "Move or trim",
        frozenset({"move-to-skills", "trim-irrelevant", "missing-section", "ats-format"}),
    ),
    ("gaps", "Real gaps", frozenset({"missing-core-skill"})),
)
BAND_TEXT = {
    "strong": "strong fit",
    "good": "good fit",
    "partial": "partial fit",
    "weak": "weak fit",
}
ROLES_SHOWN = 5  # roles detailed on the page (the chart shows every scored role)


@cache
def environment() -> Environment:
    """The Jinja2 environment of the package's templates (autoescaped)."""
    env = Environment(
        loader=PackageLoader("service.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["band_text"] = BAND_TEXT
    return env


def _line_segments(document: Document, report: MatchReport) -> list[dict[str, Any]]:
    """The document's lines, each split into plain and evidenced (``<mark>``) segments."""
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for skill in report.skills:
        for ev in skill.evidence:
            spans.setdefault(ev.line, []).append((ev.start, ev.end, skill.skill_id))
    lines = []
    for line in document.lines:
        segments: list[tuple[str, str | None]] = []
        cursor = 0
        text = line.text
        exact = document.text[line.start : line.end] == text
        for start, end, skill_id in sorted(spans.get(line.number, [])):
            a, b = start - line.start, end - line.start
            if not exact or a < cursor or b > len(text) or a >= b:
                continue
            if a > cursor:
                segments.append((text[cursor:a], None))
            segments.append((text[a:b], skill_id))
            cursor = b
        if cursor < len(text):
            segments.append((text[cursor:], None))
        lines.append({"number": line.number, "page": line.page, "segments": segments})
    return lines


def _suggestion_groups(suggestions: Sequence[Suggestion], target: str) -> list[dict[str, Any]]:
    groups = []
    for key, title, kinds in GROUPS:
        items = [s for s in suggestions if s.target == target and s.kind in kinds]
        items.sort(key=lambda s: -s.impact)
        groups.append({"key": key, "title": title, "entries": items})
    return groups


def _role_view(role: RoleScore, suggestions: Sequence[Suggestion]) -> dict[str, Any]:
    target = "job" if role.kind == "job" else role.role_id
    return {
        "role": role,
        "anchor": f"role-{role.role_id}" if role.kind != "job" else "role-job",
        "matched": [*role.matched, *role.partial],
        "missing_core": [m for m in role.missing if m.importance == "core"],
        "missing_other": [m for m in role.missing if m.importance != "core"],
        "groups": _suggestion_groups(suggestions, target),
    }


def _verdict_fallback(report: MatchReport) -> dict[str, Any]:
    """The verdict from the ranking when the report has none of its own."""
    ranked = [r for r in report.roles if r.kind == "role"] or list(report.roles)
    if not ranked:
        return {"title": None, "reason": "No role was scored.", "score": None, "band": None}
    best = ranked[0]
    if best.band == "weak":
        return {
            "title": None,
            "reason": f"The closest role, {best.title}, scores only {best.score:.0f}/100 "
            "(a weak fit): no role fits yet.",
            "score": best.score,
            "band": best.band,
        }
    runner = ranked[1] if len(ranked) > 1 else None
    reason = f"{best.title} scores {best.score:.0f}/100 ({BAND_TEXT[best.band]})"
    if runner is not None:
        reason += f"; next is {runner.title} at {runner.score:.0f}."
    return {"title": best.title, "reason": reason, "score": best.score, "band": best.band}


def result_context(document: Document, report: MatchReport, filename: str | None) -> dict[str, Any]:
    """What ``result.html`` shows: plain values built from the document and the report."""
    chart = [r for r in report.roles if r.kind != "variant"] or list(report.roles)
    detailed = [r for r in chart if r.kind == "role"][:ROLES_SHOWN]
    if report.job is not None:
        chart = [report.job, *chart]
        detailed = [report.job, *detailed]
    skills = {s.skill_id: s for s in report.skills}
    payload = base64.b64encode(report_json(report)).decode("ascii")
    return {
        "filename": filename or "resume",
        "verdict": getattr(report, "verdict", None),
        "fallback": _verdict_fallback(report),
        "chart": chart,
        "roles": [_role_view(r, report.suggestions) for r in detailed],
        "skills": skills,
        "lines": _line_segments(document, report),
        "report": report,
        "report_href": "data:application/json;base64," + payload,
        "warnings": report.warnings,
    }


def page_match_task(
    matcher: Matcher,
    data: bytes,
    roles: Sequence[str] | None = None,
    job: Any = None,
    filename: str | None = None,
) -> Result:
    """Parse and match an uploaded resume in a worker and render the result page."""
    document = matcher.parse(data, filename=filename)
    report = matcher.match(document, roles=roles, job=job)
    html = (
        environment()
        .get_template("result.html")
        .render(**result_context(document, report, filename))
    )
    timings = dict(report.timings)
    return Result(
        body=html.encode("utf-8"), format=report.format, pages=report.pages, timings=timings
    )
