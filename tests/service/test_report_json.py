"""The match report's two JSON shapes (``matcher.report.report_json``) against the API models.

``full`` is exactly the API model's JSON (``report_out``); ``compact`` (the default) holds each
skill's evidence once and, put back together from its references, is the full report.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from matcher import Matcher, report_json
from service.schemas import AnyMatchReport, MatchReportCompactOut, MatchReportOut, report_out
from service.web.render import result_context
from tests import documents as docs

CASES = [
    {},
    {"roles": ["data-scientist", "software-engineer"]},
    {"job": docs.JOB_POSTING_JSONLD},
    {"job": docs.JOB_POSTING_TEXT, "roles": ["ml-engineer"]},
]
IDS = ["all-roles", "named-roles", "jsonld-job", "text-job"]
COMPACT_LIMIT = 40_000  # bytes, for a 2-page resume (issue 13)
STATUSES = ("matched", "partial", "missing")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.default()


@pytest.mark.parametrize("kwargs", CASES, ids=IDS)
def test_report_json_is_the_api_model_json(matcher: Matcher, kwargs: dict[str, Any]) -> None:
    report = matcher.match(docs.person_pdf("reportlab"), filename="cv.pdf", **kwargs)
    fast = json.loads(report_json(report, detail="full"))
    assert fast == json.loads(report_out(report).model_dump_json())
    MatchReportOut.model_validate(fast)  # and it is a valid response body


def test_report_json_of_pasted_text(matcher: Matcher) -> None:
    report = matcher.match_text(docs.person_text())
    full = json.loads(report_json(report, detail="full"))
    assert full == json.loads(report_out(report).model_dump_json())


# a compact report's evidence array: EvidenceOut's fields in this order, the last two optional
EVIDENCE = ("surface", "section", "page", "line", "start", "end", "strength", "how", "score")


def skill(data: dict[str, Any]) -> dict[str, Any]:
    """A compact report's skill with its evidence arrays as ``EvidenceOut`` objects (``how``
    and ``score`` the skill's unless the array has its own)."""
    own = [data["how"], data["score"]]
    rows = [
        dict(zip(EVIDENCE, [*row, *own[len(row) - 7 :]], strict=True)) for row in data["evidence"]
    ]
    return {**data, "evidence": rows}


def expand(compact: dict[str, Any]) -> dict[str, Any]:
    """The full report rebuilt from a compact one: evidence objects from the skills' arrays,
    names from ``skill_names``, status from the list, evidence from the report skill ``via``
    (else ``skill_id``), a ref's trailing defaults (``credit`` 0, ``via`` null), the
    suggestions' evidence from ``evidence_refs`` and their null and empty fields."""
    skills = [skill(s) for s in compact["skills"]]
    evidence = {s["skill_id"]: s["evidence"] for s in skills}
    names = compact["skill_names"]

    def role(data: dict[str, Any]) -> dict[str, Any]:
        out = dict(data)
        for status in ("matched", "partial", "missing"):
            out[status] = []
            for ref in data[status]:
                skill_id, importance, weight, credit, via = [*ref, *[0.0, None][len(ref) - 3 :]]
                out[status].append(
                    {
                        "skill_id": skill_id,
                        "name": names[skill_id],
                        "importance": importance,
                        "weight": weight,
                        "credit": credit,
                        "status": status,
                        "via": via,
                        "evidence": [] if status == "missing" else evidence[via or skill_id],
                    }
                )
        return out

    def suggestion(data: dict[str, Any]) -> dict[str, Any]:
        held = [evidence[skill_id][i] for skill_id, i in data.get("evidence_refs", [])]
        out = {k: v for k, v in data.items() if k != "evidence_refs"}
        out["skill_id"] = data.get("skill_id")
        out["section"] = data.get("section")
        out["evidence"] = data.get("evidence", []) + held
        return out

    full = {k: v for k, v in compact.items() if k != "skill_names"}
    full["detail"] = "full"
    full["skills"] = skills
    full["roles"] = [role(r) for r in compact["roles"]]
    full["job"] = None if compact["job"] is None else role(compact["job"])
    full["suggestions"] = [suggestion(s) for s in compact["suggestions"]]
    return full


@pytest.mark.parametrize("kwargs", CASES, ids=IDS)
def test_compact_report_holds_evidence_once_and_loses_nothing(
    matcher: Matcher, kwargs: dict[str, Any]
) -> None:
    report = matcher.match(docs.person_pdf("reportlab"), filename="cv.pdf", **kwargs)
    raw = report_json(report)  # compact is the default
    compact = json.loads(raw)
    full = json.loads(report_json(report, detail="full"))
    assert compact["detail"] == "compact"
    assert full["detail"] == "full"
    roles = [*compact["roles"], *([compact["job"]] if compact["job"] else [])]
    refs = [ref for r in roles for s in ("matched", "partial", "missing") for ref in r[s]]
    assert refs
    assert all(isinstance(ref, list) and 3 <= len(ref) <= 5 for ref in refs)  # no evidence
    rows = [row for s in compact["skills"] for row in s["evidence"]]
    assert rows
    assert all(isinstance(row, list) and len(row) in (7, 9) for row in rows)
    assert any(r["matched"] for r in roles)
    suggestions = compact["suggestions"]
    assert all("evidence" not in s for s in suggestions if "evidence_refs" in s)
    assert all(None not in s.values() and [] not in s.values() for s in suggestions)
    assert expand(compact) == full
    assert len(raw) < len(report_json(report, detail="full"))
    MatchReportCompactOut.model_validate(compact)
    adapter: TypeAdapter[Any] = TypeAdapter(AnyMatchReport)
    assert isinstance(adapter.validate_python(compact), MatchReportCompactOut)
    assert type(adapter.validate_python(full)) is MatchReportOut
    with pytest.raises(ValidationError):  # the shapes cannot be mistaken for each other
        MatchReportCompactOut.model_validate({**full, "detail": "full"})


@pytest.mark.parametrize("dense", [False, True], ids=["person", "dense"])
def test_compact_report_of_a_two_page_resume_is_under_40_kb(matcher: Matcher, dense: bool) -> None:
    data = docs.dense_pdf() if dense else docs.person_pdf("reportlab")
    report = matcher.match(data, filename="cv.pdf")
    assert report.pages == 2
    full, compact = report_json(report, detail="full"), report_json(report)
    assert len(compact) < COMPACT_LIMIT < len(full)
    assert expand(json.loads(compact)) == json.loads(full)


def test_the_result_page_offers_the_compact_report_with_all_it_shows(matcher: Matcher) -> None:
    """The dense resume (40 skills listed, long bullets; the corpus's real 2-page resumes are
    34 KB at most): every branch of the compact shape, and what the page shows is in the JSON
    it offers for download."""
    document = matcher.parse(docs.dense_pdf(), filename="cv.pdf")
    report = matcher.match(document)
    context = result_context(document, report, "cv.pdf")
    head, payload = context["report_href"].split(",", 1)
    assert head == "data:application/json;base64"
    raw = base64.b64decode(payload)
    assert raw == report_json(report)
    assert len(raw) < COMPACT_LIMIT
    compact = json.loads(raw)
    MatchReportCompactOut.model_validate(compact)
    names = compact["skill_names"]
    roles = {r["role_id"]: r for r in compact["roles"]}
    for view in context["roles"]:  # the roles the page details
        role = roles[view["role"].role_id]
        shown = [(m.name, m.importance) for m in view["matched"]]
        assert [(names[r[0]], r[1]) for r in role["matched"] + role["partial"]] == shown
        missing = [*view["missing_core"], *view["missing_other"]]
        assert sorted(names[r[0]] for r in role["missing"]) == sorted(m.name for m in missing)
    # the lines the page marks, and the suggestions it lists (with their evidence)
    rows = {s["skill_id"]: s["evidence"] for s in compact["skills"]}
    marked = {(e.line, e.start, e.end) for s in report.skills for e in s.evidence}
    assert {(r[3], r[4], r[5]) for ev in rows.values() for r in ev} == marked
    suggestions = compact["suggestions"]
    assert [(s["kind"], s["message"]) for s in suggestions] == [
        (s.kind, s.message) for s in report.suggestions
    ]
    # every branch of the shape: evidence rows with and without their own how and score,
    # refs of 3, 4 and 5 items, suggestions with evidence inline (a bullet) and by reference
    assert {len(r) for ev in rows.values() for r in ev} == {7, 9}
    assert {len(r) for role in roles.values() for s in STATUSES for r in role[s]} == {3, 4, 5}
    assert any("evidence" in s for s in suggestions)
    refs = [ref for s in suggestions for ref in s.get("evidence_refs", [])]
    assert refs
    assert all(rows[skill_id][i] for skill_id, i in refs)


def test_report_json_refuses_an_unknown_detail(matcher: Matcher) -> None:
    report = matcher.match_text(docs.person_text())
    with pytest.raises(ValueError, match="detail"):
        report_json(report, detail="everything")  # type: ignore[arg-type]
