"""weighted-coverage.v2: tiers, evidence strength, related skills, bands, years, properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.models import CanonicalSkill, Evidence, RoleScore, SectionKind
from matcher.options import MatchOptions
from matcher.pipeline import Matcher
from matcher.score import (
    RoleSpec,
    RoleSpecSkill,
    band_of,
    calibrated,
    coverage_of,
    role_specs,
    score_role,
    score_roles,
)
from taxonomy import Taxonomy


def _skill(taxonomy: Taxonomy, skill_id: str, strength: str = "used") -> CanonicalSkill:
    section = {
        "used": SectionKind.EXPERIENCE,
        "listed": SectionKind.SKILLS,
        "mentioned": SectionKind.SUMMARY,
    }[strength]
    ev = Evidence(
        surface=taxonomy.skills[skill_id].name,
        section=section,
        page=1,
        line=1,
        start=0,
        end=1,
        how="exact",
        score=100.0,
        strength=strength,  # type: ignore[arg-type]
    )
    s = taxonomy.skills[skill_id]
    return CanonicalSkill(s.id, s.name, s.category, "exact", 100.0, (ev,))


def _report(taxonomy: Taxonomy, role_id: str, skills: list[CanonicalSkill]) -> RoleScore:
    spec = role_specs(taxonomy, [role_id])[0]
    return score_role(
        spec, {s.skill_id: s for s in skills}, taxonomy=taxonomy, options=MatchOptions()
    )


def _score(taxonomy: Taxonomy, role_id: str, skills: list[CanonicalSkill]) -> float:
    return _report(taxonomy, role_id, skills).score


def test_scoring_full_coverage_is_100(small_taxonomy: Taxonomy) -> None:
    ids = [rs.skill for rs in small_taxonomy.role_skills("data-scientist")]
    assert _score(small_taxonomy, "data-scientist", [_skill(small_taxonomy, i) for i in ids]) == 100


def test_scoring_nothing_is_0_and_weak(small_taxonomy: Taxonomy) -> None:
    spec = role_specs(small_taxonomy, ["data-scientist"])[0]
    result = score_role(spec, {}, taxonomy=small_taxonomy, options=MatchOptions())
    assert result.score == 0
    assert result.band == "weak"
    assert len(result.missing) == len(spec.skills)


def test_scoring_core_counts_more_than_bonus(small_taxonomy: Taxonomy) -> None:
    core = _score(small_taxonomy, "data-scientist", [_skill(small_taxonomy, "sql")])
    bonus = _score(small_taxonomy, "data-scientist", [_skill(small_taxonomy, "tableau")])
    assert core > bonus > 0


def test_scoring_used_beats_listed_beats_mentioned(small_taxonomy: Taxonomy) -> None:
    values = [
        _score(small_taxonomy, "data-scientist", [_skill(small_taxonomy, "sql", strength)])
        for strength in ("used", "listed", "mentioned")
    ]
    assert values[0] > values[1] > values[2] > 0


def test_scoring_child_skill_covers_parent_requirement(small_taxonomy: Taxonomy) -> None:
    result = _report(small_taxonomy, "deep-learning-engineer", [_skill(small_taxonomy, "keras")])
    match = next(m for m in result.matched if m.skill_id == "dl-frameworks")
    assert match.via == "keras"
    assert 0 < match.credit < 1


def test_scoring_sibling_is_partial(small_taxonomy: Taxonomy) -> None:
    result = _report(small_taxonomy, "machine-learning-engineer", [_skill(small_taxonomy, "keras")])
    partial = {m.skill_id: m for m in result.partial}
    assert partial["pytorch"].via == "keras"
    assert partial["pytorch"].status == "partial"


def test_scoring_variant_inherits_parent_skills(small_taxonomy: Taxonomy) -> None:
    spec = role_specs(small_taxonomy, ["computer-vision-engineer"])[0]
    assert {s.skill_id for s in spec.skills} == {"python", "dl-frameworks", "cpp", "pytorch"}
    assert spec.kind == "variant"
    assert spec.parent_id == "deep-learning-engineer"


@pytest.mark.parametrize(
    ("score", "band"), [(80, "strong"), (75, "strong"), (60, "good"), (40, "partial"), (10, "weak")]
)
def test_scoring_bands(score: float, band: str) -> None:
    assert band_of(score, MatchOptions()) == band


def test_scoring_years_below_requirement_cost_points(small_taxonomy: Taxonomy) -> None:
    spec = RoleSpec("job", "Backend", (RoleSpecSkill("java", "core", 1.0),), "job", None, 5.0)
    have = {"java": _skill(small_taxonomy, "java")}
    opts = MatchOptions()
    full = score_role(spec, have, taxonomy=small_taxonomy, options=opts, years_found=6.0)
    short = score_role(spec, have, taxonomy=small_taxonomy, options=opts, years_found=2.0)
    unknown = score_role(spec, have, taxonomy=small_taxonomy, options=opts, years_found=None)
    assert full.score == 100
    assert short.score == pytest.approx(94.0)
    assert unknown.score == 100
    assert short.years_required == 5.0


def test_scoring_breakdown_by_tier_and_category(small_taxonomy: Taxonomy) -> None:
    result = _report(small_taxonomy, "data-scientist", [_skill(small_taxonomy, "sql")])
    tiers = {t.name: t for t in result.by_importance}
    assert set(tiers) == {"core", "important", "bonus"}
    assert tiers["core"].matched == 1
    assert tiers["core"].total == 5
    assert {c.name for c in result.by_category} >= {"language", "library", "method"}


_ALL_SKILLS = [
    "python",
    "r",
    "sql",
    "pandas",
    "statistics",
    "scikit-learn",
    "tableau",
    "excel",
    "pytorch",
    "keras",
    "tensorflow",
    "kubernetes",
    "docker",
    "java",
    "javascript",
    "react",
    "git",
]
_STRENGTH = st.sampled_from(["used", "listed", "mentioned"])


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(_ALL_SKILLS), _STRENGTH, max_size=12))
def test_scoring_scores_stay_in_range(small_taxonomy: Taxonomy, have: dict[str, str]) -> None:
    skills = [_skill(small_taxonomy, k, v) for k, v in have.items()]
    specs = role_specs(small_taxonomy)
    for result in score_roles(skills, roles=specs, taxonomy=small_taxonomy):
        assert 0 <= result.score <= 100


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.sampled_from(_ALL_SKILLS), _STRENGTH, max_size=10),
    st.sampled_from(["machine-learning-engineer", "data-scientist", "software-engineer"]),
    _STRENGTH,
)
def test_scoring_adding_a_missing_core_skill_never_lowers_the_score(
    small_taxonomy: Taxonomy, have: dict[str, str], role_id: str, strength: str
) -> None:
    before = _score(
        small_taxonomy, role_id, [_skill(small_taxonomy, k, v) for k, v in have.items()]
    )
    core = [rs.skill for rs in small_taxonomy.role_skills(role_id) if rs.importance == "core"]
    for skill_id in core:
        if skill_id in have:
            continue
        more = {**have, skill_id: strength}
        after = _score(
            small_taxonomy, role_id, [_skill(small_taxonomy, k, v) for k, v in more.items()]
        )
        assert after > before


@settings(max_examples=30, deadline=None)
@given(st.permutations(_ALL_SKILLS[:10]))
def test_scoring_order_of_skills_does_not_matter(
    small_taxonomy: Taxonomy, order: list[str]
) -> None:
    skills = [_skill(small_taxonomy, k) for k in order]
    a = score_roles(skills, roles=role_specs(small_taxonomy), taxonomy=small_taxonomy)
    b = score_roles(
        list(reversed(skills)), roles=role_specs(small_taxonomy), taxonomy=small_taxonomy
    )
    assert a == b


def test_scoring_resume_with_missing_core_skill_added_scores_higher(small_matcher: Matcher) -> None:
    from tests.matching.support import doc_from_text

    base = "Alex Doe\nSkills\nPython, Docker\nExperience\n• Built Python services\n"
    more = base + "• Trained PyTorch models for search\n"
    a = small_matcher.match(doc_from_text(base), roles=["machine-learning-engineer"])
    b = small_matcher.match(doc_from_text(more), roles=["machine-learning-engineer"])
    assert b.roles[0].score > a.roles[0].score


def test_scoring_own_title_is_evidence_with_a_stated_weight(small_matcher: Matcher) -> None:
    from matcher.score import CURRENT_TITLE_POINTS, TITLE_POINTS
    from tests.matching.support import doc_from_text

    body = "Skills\nPython, SQL, pandas\nExperience\n• Built Python and SQL reports for 3 teams\n"
    # the headline is the current title: TITLE_POINTS + CURRENT_TITLE_POINTS
    titled = small_matcher.match(doc_from_text("Alex Doe\nSenior Data Scientist\n" + body))
    plain = small_matcher.match(doc_from_text("Alex Doe\nAnalyst\n" + body))
    ds = next(r for r in titled.roles if r.role_id == "data-scientist")
    assert ds.title_match == "Senior Data Scientist"
    assert ds.title_current
    before = {r.role_id: r.score for r in plain.roles}
    for role in titled.roles:
        if role.title_match:
            points = TITLE_POINTS + CURRENT_TITLE_POINTS
            assert role.score == pytest.approx(min(100.0, before[role.role_id] + points))
        else:
            assert role.score == before[role.role_id]
    assert all(r.title_match is None for r in plain.roles)


def test_scoring_an_earlier_title_counts_less_than_the_current_one(
    small_matcher: Matcher,
) -> None:
    """A title held years ago is evidence, but less than what the person does now."""
    from matcher.score import TITLE_POINTS
    from tests.matching.support import doc_from_text

    text = (
        "Alex Doe\nAnalyst\nExperience\nAnalyst, Northwind, 2021 - Present\n"
        "• Built Python and SQL reports for 3 teams\n"
        "Senior Data Scientist, Contoso, 2015 - 2020\n• Forecast demand with pandas\n"
        "Skills\nPython, SQL, pandas\n"
    )
    earlier = small_matcher.match(doc_from_text(text))
    plain = small_matcher.match(doc_from_text(text.replace("Senior Data Scientist", "Clerk")))
    ds = next(r for r in earlier.roles if r.role_id == "data-scientist")
    assert ds.title_match == "Senior Data Scientist, Contoso, 2015 - 2020"
    assert not ds.title_current
    before = next(r for r in plain.roles if r.role_id == "data-scientist")
    assert ds.score == pytest.approx(min(100.0, before.score + TITLE_POINTS))


def test_scoring_title_in_a_bullet_is_not_a_title(small_matcher: Matcher) -> None:
    from tests.matching.support import doc_from_text

    text = "Alex Doe\nExperience\n• Worked with a Data Scientist on 2 models\n"
    report = small_matcher.match(doc_from_text(text))
    assert all(r.title_match is None for r in report.roles)


def test_scoring_languages_do_not_stand_in_for_each_other(small_taxonomy: Taxonomy) -> None:
    result = _report(small_taxonomy, "deep-learning-engineer", [_skill(small_taxonomy, "python")])
    assert "cpp" in {m.skill_id for m in result.missing}


def test_scoring_calibration_is_monotone_and_invertible() -> None:
    # A strong ML engineer resume covers ~0.3 of the 55-skill role: good, not weak.
    assert calibrated(0.0) == 0.0
    assert calibrated(1.0) == pytest.approx(100.0)
    assert 60 < calibrated(0.29) < 70
    assert calibrated(0.42) >= 75
    grid = [i / 200 for i in range(201)]
    values = [calibrated(c) for c in grid]
    assert all(a < b for a, b in itertools.pairwise(values))
    assert all(coverage_of(calibrated(c)) == pytest.approx(c, abs=1e-9) for c in grid)


def test_scoring_score_is_the_calibrated_coverage_of_core_and_important(
    small_taxonomy: Taxonomy,
) -> None:
    report = _report(small_taxonomy, "data-scientist", [_skill(small_taxonomy, "sql")])
    weight = sum(t.weight for t in report.by_importance)
    earned = sum(t.earned for t in report.by_importance)
    reach = sum(t.weight for t in report.by_importance if t.name != "bonus") / weight
    assert report.score == pytest.approx(calibrated(min(1.0, earned / weight / reach)), abs=0.05)
