"""One test per suggestion kind, plus ordering and the "never claim a skill" rule."""

from __future__ import annotations

from matcher.models import LayoutWarning, MatchReport, Suggestion
from matcher.pipeline import Matcher
from tests.matching.support import doc_from_text

BASE = """Alex Doe
alex@example.org
Summary
Engineer who likes data.
Skills
Python, Docker, Kubernets
Experience
• Built Python services used by 2M users
• Improved things for the team
• Maintained the deployment scripts
Education
BSc Physics
"""


def _report(matcher: Matcher, text: str = BASE, **kw: object) -> MatchReport:
    return matcher.match(doc_from_text(text, **kw), roles=["machine-learning-engineer"])  # type: ignore[arg-type]


def _kind(report: MatchReport, kind: str) -> list[Suggestion]:
    return [s for s in report.suggestions if s.kind == kind]


def test_suggestions_missing_core_skill_is_a_gap_not_a_keyword(small_matcher: Matcher) -> None:
    gaps = {s.skill_id: s for s in _kind(_report(small_matcher), "missing-core-skill")}
    assert "pytorch" in gaps
    assert gaps["pytorch"].priority == "high"
    assert "gap to close" in gaps["pytorch"].message
    assert "not a keyword" in gaps["pytorch"].message
    assert gaps["pytorch"].impact > 0
    assert "python" not in gaps


def test_suggestions_show_evidence_for_listed_only_skills(small_matcher: Matcher) -> None:
    shows = {s.skill_id: s for s in _kind(_report(small_matcher), "show-evidence")}
    assert "docker" in shows
    assert shows["docker"].evidence[0].surface == "Docker"
    assert "python" not in shows  # used in a bullet already


def test_suggestions_use_exact_term_for_misspelling_and_alias(small_matcher: Matcher) -> None:
    exact = {s.skill_id: s for s in _kind(_report(small_matcher), "use-exact-term")}
    assert "'Kubernetes' instead of 'Kubernets'" in exact["kubernetes"].message
    text = BASE.replace("Kubernets", "k8s")
    exact = {s.skill_id: s for s in _kind(_report(small_matcher, text), "use-exact-term")}
    assert "Kubernetes (k8s)" in exact["kubernetes"].message


def test_suggestions_add_to_summary_names_title_and_skills(small_matcher: Matcher) -> None:
    (s,) = _kind(_report(small_matcher), "add-to-summary")
    assert "Machine Learning Engineer" in s.message
    assert "Python" in s.message


def test_suggestions_move_to_skills_for_prose_only_skill(small_matcher: Matcher) -> None:
    text = BASE.replace("Engineer who likes data.", "Engineer who likes MLflow.")
    moves = {s.skill_id for s in _kind(_report(small_matcher, text), "move-to-skills")}
    assert "mlflow" in moves


def test_suggestions_quantify_impact_quotes_bullets_without_numbers(small_matcher: Matcher) -> None:
    (s,) = _kind(_report(small_matcher), "quantify-impact")
    assert "2 of 3" in s.message
    assert {e.surface for e in s.evidence} == {
        "• Improved things for the team",
        "• Maintained the deployment scripts",
    }


def test_suggestions_trim_irrelevant_long_skill_lists(small_matcher: Matcher) -> None:
    # Skills that neither the target nor any role of the taxonomy comes near.
    text = BASE.replace(
        "Python, Docker, Kubernets",
        "Python, C#, NoSQL, Elasticsearch, Hugging Face, SageMaker, PySpark, Spring, Rust, Swift",
    )
    (s,) = _kind(_report(small_matcher, text), "trim-irrelevant")
    assert "don't matter" in s.message


def test_suggestions_no_trim_for_skills_some_role_uses(small_matcher: Matcher) -> None:
    # Java, React, Tableau... are not what the best role asks for, but other roles do: a
    # resume listing them is not padded with irrelevant skills.
    text = BASE.replace(
        "Python, Docker, Kubernets",
        "Python, Java, JavaScript, React, Node.js, Tableau, Excel, Git, Linux, SQL",
    )
    assert not _kind(_report(small_matcher, text), "trim-irrelevant")


def test_suggestions_missing_section(small_matcher: Matcher) -> None:
    text = "Alex Doe\nExperience\n• Built Python services for 3 teams\n"
    sections = {
        s.section.value for s in _kind(_report(small_matcher, text), "missing-section") if s.section
    }
    assert {"skills", "summary", "education"} <= sections
    assert "experience" not in sections


def test_suggestions_ats_format_from_layout_warnings(small_matcher: Matcher) -> None:
    warnings = (
        LayoutWarning("multi-column", "two columns", (1,)),
        LayoutWarning("hidden-text", "white text", (2,)),
    )
    msgs = [s.message for s in _kind(_report(small_matcher, warnings=warnings), "ats-format")]
    assert any("columns" in m for m in msgs)
    assert any("invisible text" in m for m in msgs)


def test_suggestions_are_ordered_by_impact(small_matcher: Matcher) -> None:
    impacts = [s.impact for s in _report(small_matcher).suggestions]
    assert impacts == sorted(impacts, reverse=True)


def test_suggestions_target_requested_roles(small_matcher: Matcher) -> None:
    report = small_matcher.match(
        doc_from_text(BASE), roles=["machine-learning-engineer", "data-scientist"]
    )
    targets = {s.target for s in report.suggestions if s.kind == "missing-core-skill"}
    assert targets == {"machine-learning-engineer", "data-scientist"}
