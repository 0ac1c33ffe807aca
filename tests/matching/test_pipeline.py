"""The Matcher facade end to end on a small taxonomy and Documents built from text."""

from __future__ import annotations

import dataclasses
import json

import pytest

from matcher import UnknownRoleError, to_dict
from matcher.models import MatchReport
from matcher.pipeline import Matcher
from tests.matching.support import doc_from_text

RESUME = """Priya Raman
priya.raman@example.org | +44 20 7946 0958 | London
Summary
Machine Learning engineer who ships ranking models to production.
Skills
Python, PyTorch, scikit-learn, Docker, SQL
Experience
Senior ML Engineer, Shoply (2019 - 2024)
• Trained PyTorch rankers on 40M sessions and served them with Docker, cutting latency 30%
• Built feature pipelines in Python and SQL used by 12 teams
Education
MSc Computer Science
"""


def _scores(report: MatchReport) -> dict[str, float]:
    return {r.role_id: r.score for r in report.roles}


def test_matcher_match_ranks_the_fitting_role_first(small_matcher: Matcher) -> None:
    report = small_matcher.match(doc_from_text(RESUME))
    assert report.roles[0].role_id in {"machine-learning-engineer", "computer-vision-engineer"}
    ids = {s.skill_id for s in report.skills}
    assert {"python", "pytorch", "scikit-learn", "docker", "sql"} <= ids
    assert report.method == "distinctive-coverage.v7"
    assert report.taxonomy_version.startswith("tax-")
    mle = next(r for r in report.roles if r.role_id == "machine-learning-engineer")
    assert {m.skill_id for m in mle.matched} >= {"python", "pytorch", "docker"}
    assert {m.skill_id for m in mle.missing} >= {"kubernetes", "mlflow"}
    assert [r.score for r in report.roles] == sorted((r.score for r in report.roles), reverse=True)
    assert set(report.timings) >= {"parse", "extract", "normalize", "score", "suggest"}


def test_matcher_report_is_json_serialisable(small_matcher: Matcher) -> None:
    report = small_matcher.match(doc_from_text(RESUME), roles=["data-scientist"])
    data = json.loads(json.dumps(to_dict(report)))
    assert [r["role_id"] for r in data["roles"]] == ["data-scientist"]
    assert data["skills"][0]["evidence"][0]["surface"]
    assert data["method"] == "distinctive-coverage.v7"


def test_matcher_unknown_role_raises(small_matcher: Matcher) -> None:
    with pytest.raises(UnknownRoleError):
        small_matcher.match(doc_from_text(RESUME), roles=["astronaut"])


def test_matcher_is_deterministic(small_matcher: Matcher) -> None:
    first = to_dict(small_matcher.match(doc_from_text(RESUME)))
    second = to_dict(small_matcher.match(doc_from_text(RESUME)))
    first.pop("timings")
    second.pop("timings")
    assert first == second


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Priya Raman", "Java Python Kubernetes"),
        ("priya.raman@example.org", "golang.rust@spark.io"),
        ("+44 20 7946 0958 | London", "+1 415 555 0100 | Spark, Nevada"),
        ("Summary\n", "Date of Birth: 1 May 1990 (Swift Current)\nSummary\n"),
        ("Summary\n", "Gender: Female\nAddress: 4 Java Road, Rust, Go County\nSummary\n"),
        ("Summary\n", "Nationality: Indian; Marital Status: married; Age: 33\nSummary\n"),
    ],
)
def test_matcher_scores_ignore_name_and_contact(small_matcher: Matcher, old: str, new: str) -> None:
    base = small_matcher.match(doc_from_text(RESUME))
    changed = small_matcher.match(doc_from_text(RESUME.replace(old, new)))
    assert _scores(changed) == _scores(base)
    assert [s.skill_id for s in changed.skills] == [s.skill_id for s in base.skills]


def test_matcher_hidden_text_is_not_scored(small_matcher: Matcher) -> None:
    base = small_matcher.match(doc_from_text(RESUME))
    stuffed = small_matcher.match(
        doc_from_text(RESUME, hidden_text="Kubernetes MLflow TensorFlow AWS Java React")
    )
    assert _scores(stuffed) == _scores(base)


def test_matcher_timings_are_per_stage_milliseconds(small_matcher: Matcher) -> None:
    report = small_matcher.match(doc_from_text(RESUME))
    assert all(isinstance(v, float) and v >= 0 for v in report.timings.values())


def test_matcher_builds_nlp_once(small_matcher: Matcher) -> None:
    nlp = small_matcher.nlp
    small_matcher.match(doc_from_text(RESUME))
    small_matcher.match(doc_from_text(RESUME))
    assert small_matcher.nlp is nlp


def test_matcher_years_found_is_reported(small_matcher: Matcher) -> None:
    doc = dataclasses.replace(doc_from_text(RESUME), years_experience=5.0)
    report = small_matcher.match(doc)
    assert report.years_experience == 5.0


def test_roles_are_named_by_id_title_alias_or_title_slug() -> None:
    matcher = Matcher.default()
    doc = doc_from_text(RESUME)
    by_id = matcher.match(doc, roles=["ml-engineer", "data-scientist"])
    by_name = matcher.match(
        doc, roles=["ML Engineer", "machine-learning-engineer", "DATA SCIENTIST", "MLE"]
    )
    assert [r.role_id for r in by_name.roles] == [r.role_id for r in by_id.roles]
    assert [r.score for r in by_name.roles] == [r.score for r in by_id.roles]
    with pytest.raises(UnknownRoleError, match="Astronaut"):
        matcher.match(doc, roles=["ML Engineer", "Astronaut"])
