"""Job postings: text, HTML and schema.org JSON-LD in; required/preferred, years, nearest roles."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import InvalidJobPostingError
from matcher.pipeline import Matcher
from matcher.postings.read import read_posting
from matcher.postings.requirements import education_required, years_required
from tests.matching.support import doc_from_text

POSTING_MD = """# Senior Machine Learning Engineer

## About us
We are a small team; our stack includes Java services.

## Requirements
- 5+ years of experience building ML systems
- Strong Python and PyTorch
- Kubernetes and Docker in production

## Nice to have
- MLflow
- AWS experience is a plus

MSc or PhD in a quantitative field.
"""

DESCRIPTION_HTML = (
    "<p>We build search.</p><h3>What you'll need</h3><ul><li>3+ years of professional "
    "experience</li><li>Python, SQL and pandas</li></ul><h3>Bonus</h3><ul><li>Tableau</li></ul>"
)
JSONLD = {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Data Scientist",
    "description": DESCRIPTION_HTML,
    "identifier": {"@type": "PropertyValue", "name": "Acme", "value": "DS-42"},
    "hiringOrganization": {"@type": "Organization", "name": "Acme"},
    "datePosted": "2026-11-01",
}


def _ids(skills: object) -> set[str]:
    return {s.skill_id for s in skills}  # type: ignore[attr-defined]


def test_jobs_markdown_required_preferred_years(small_matcher: Matcher) -> None:
    posting = small_matcher.parse_job(POSTING_MD)
    assert posting.title == "Senior Machine Learning Engineer"
    assert _ids(posting.required) >= {"python", "pytorch", "kubernetes", "docker"}
    assert _ids(posting.preferred) >= {"mlflow", "aws"}
    assert "java" in _ids(posting.mentioned)
    assert posting.years_required == 5
    assert posting.education == ("Master's", "PhD")
    assert posting.nearest_roles[0][0] == "machine-learning-engineer"


def test_jobs_jsonld_object(small_matcher: Matcher) -> None:
    posting = small_matcher.parse_job(JSONLD)
    assert posting.title == "Data Scientist"
    assert posting.external_id == "DS-42"
    assert posting.organization == "Acme"
    assert _ids(posting.required) >= {"python", "sql", "pandas"}
    assert _ids(posting.preferred) == {"tableau"}
    assert posting.years_required == 3
    assert posting.nearest_roles[0][0] == "data-scientist"


@pytest.mark.parametrize(
    "wrap",
    [
        lambda o: {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, o]},
        lambda o: [{"@type": "Organization", "name": "Acme"}, o],
        lambda o: json.dumps(o),
        lambda o: json.dumps(o).encode(),
        lambda o: (
            "<html><head><title>Jobs</title><script type='application/ld+json'>"
            + json.dumps(o)
            + "</script></head><body><h1>Data Scientist</h1></body></html>"
        ),
    ],
)
def test_jobs_jsonld_wrappings(small_matcher: Matcher, wrap: object) -> None:
    posting = small_matcher.parse_job(wrap(JSONLD))  # type: ignore[operator]
    assert posting.title == "Data Scientist"
    assert _ids(posting.required) >= {"python", "sql"}


def test_jobs_several_postings_are_an_error_not_the_first_one() -> None:
    other = {**JSONLD, "title": "ML Engineer", "identifier": "ML-7"}
    page = "".join(
        f"<script type='application/ld+json'>{json.dumps(o)}</script>" for o in (JSONLD, other)
    )
    for job in (
        [JSONLD, other],
        {"@graph": [{"@type": "WebPage"}, JSONLD, other]},
        json.dumps([JSONLD, other]),
        f"<html><head>{page}</head><body><h1>Careers</h1></body></html>",
    ):
        with pytest.raises(InvalidJobPostingError, match="2 different JobPosting objects"):
            read_posting(job)  # type: ignore[arg-type]
    assert read_posting([JSONLD, dict(JSONLD)]).title == "Data Scientist"  # repeated: one


def test_jobs_plain_html_page(small_matcher: Matcher) -> None:
    body = DESCRIPTION_HTML.replace("pandas", "React")
    page = f"<html><body><h1>Frontend Engineer</h1>{body}</body></html>"
    posting = small_matcher.parse_job(page)
    assert posting.title == "Frontend Engineer"
    assert "react" in _ids(posting.required)


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   \n ",
        b"\x00\x01\x02\x03garbage" * 10,
        {"@type": "Person", "name": "x"},
        "{not json",
        "ok",
        [],
    ],
)
def test_jobs_junk_raises_invalid_job_posting(small_matcher: Matcher, junk: object) -> None:
    with pytest.raises(InvalidJobPostingError):
        small_matcher.parse_job(junk)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("at least 3 years of experience with Python", 3),
        ("5+ years of professional experience", 5),
        ("3-5 years experience", 3),
        ("two years of industry experience", 2),
        ("5+ yrs building pipelines in Python", 5),
        ("3 yrs. of experience", 3),
        ("founded 20 years ago", None),
        ("we are 10 yrs old", None),
        ("no requirement", None),
    ],
)
def test_jobs_years_required(text: str, years: float | None) -> None:
    assert years_required(text) == years


def test_jobs_education_levels() -> None:
    assert education_required("Bachelor's degree required, Master's preferred") == (
        "Bachelor's",
        "Master's",
    )


def test_jobs_posting_is_scored_as_ad_hoc_role(small_matcher: Matcher) -> None:
    resume = (
        "Alex Doe\nSkills\nPython, PyTorch, Docker\nExperience\n"
        "• Trained PyTorch models in Python, shipped with Docker to 3 regions\n"
    )
    report = small_matcher.match(doc_from_text(resume, years=6.0), job=POSTING_MD)
    assert report.job is not None
    assert report.job.kind == "job"
    assert report.job.years_required == 5
    assert {m.skill_id for m in report.job.missing} >= {"kubernetes"}
    assert report.posting is not None
    gaps = [s for s in report.suggestions if s.kind == "missing-core-skill" and s.target == "job"]
    assert {s.skill_id for s in gaps} >= {"kubernetes"}
    assert all("required by the posting" in s.message for s in gaps)


def test_jobs_read_posting_keeps_lines() -> None:
    raw = read_posting(JSONLD)
    assert "• Python, SQL and pandas" in raw.text.splitlines()


def test_jobs_title_skills_are_required_and_links_are_text(small_matcher: Matcher) -> None:
    text = (
        "# [Backend Engineer (Java)](https://jobs.example.com/123)\n"
        "## Description\nWe build payments.\n## Requirements\n- 3+ years with SQL\n"
    )
    posting = small_matcher.parse_job(text)
    assert posting.title == "Backend Engineer (Java)"
    assert {"java", "sql"} <= _ids(posting.required)


def test_jobs_cue_in_parentheses_covers_only_that_parenthesis(small_matcher: Matcher) -> None:
    text = "Data Engineer\n## Requirements\n- Python or Java, JavaScript (TypeScript preferred)\n"
    posting = small_matcher.parse_job(text)
    assert {"python", "java", "javascript"} <= _ids(posting.required)
    assert _ids(posting.preferred) == {"typescript"}


def test_jobs_unnamed_heading_read_from_its_block(small_matcher: Matcher) -> None:
    text = (
        "ML Engineer\n## About us\nWe use Java.\n## Requirements\n- Python\n"
        "## Who you might be\n- Strong experience with Docker\n- Knowledge of Kubernetes\n"
        "## Our office\n- A dog called Pandas and a Git-themed cafe\n"
    )
    posting = small_matcher.parse_job(text)
    assert {"python", "docker", "kubernetes"} <= _ids(posting.required)
    assert "java" in _ids(posting.mentioned)


@pytest.mark.parametrize(
    ("text", "years"),
    [("4+ years running production systems", 4), ("We've been around for 10 years.", None)],
)
def test_jobs_years_need_a_requirement_shape(text: str, years: float | None) -> None:
    assert years_required(text) == years


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=400), st.binary(max_size=400), _JSON.filter(lambda v: isinstance(v, dict))
    )
)
def test_jobs_any_input_gives_a_posting_or_invalid_job_posting(
    small_matcher: Matcher, job: object
) -> None:
    try:
        posting = small_matcher.parse_job(job)  # type: ignore[arg-type]
    except InvalidJobPostingError:
        return
    assert isinstance(posting.title, str)


def test_jobs_deeply_nested_json_is_invalid(small_matcher: Matcher) -> None:
    with pytest.raises(InvalidJobPostingError):
        small_matcher.parse_job("[" * 100_000 + "]" * 100_000)


def test_jobs_posting_requirements_come_only_from_its_text(small_matcher: Matcher) -> None:
    posting = small_matcher.parse_job("Machine Learning Engineer\n## Requirements\n- Python\n")
    assert posting.nearest_roles[0][0] == "machine-learning-engineer"
    spec = small_matcher.posting_spec(posting)
    # the nearest role explains the posting; it adds no skill to it
    named = {s.skill_id for s in (*posting.required, *posting.preferred, *posting.mentioned)}
    assert {i.skill_id for i in spec.skills} == named
    assert "pytorch" not in named
    resume = "A B\nSkills\nPython, PyTorch\nExperience\n• Trained PyTorch models for 3 teams\n"
    report = small_matcher.match(doc_from_text(resume), job=posting)
    assert report.job is not None
    assert {m.skill_id for m in report.job.missing} <= named
    gaps = {s.skill_id for s in report.suggestions if s.kind == "missing-core-skill"}
    assert "kubernetes" not in gaps


def test_jobs_posting_without_skills_asks_for_none(small_matcher: Matcher) -> None:
    posting = small_matcher.parse_job("Data Scientist\nWe are a friendly team in Leeds.\n")
    assert small_matcher.posting_spec(posting).skills == ()
    # ... and still hires for the role its title names
    assert posting.verdict is not None


def test_jobs_cue_only_parenthesis_covers_its_sentence(small_matcher: Matcher) -> None:
    text = (
        "ML Engineer\n## Requirements\n- Python\n"
        "- (Bonus) Experience building layers (with C++, Rust, etc.)\n"
        "- Experience with Docker (preferred but not required)\n"
    )
    posting = small_matcher.parse_job(text)
    assert _ids(posting.required) == {"python"}
    assert {"cpp", "rust", "docker"} <= _ids(posting.preferred)


def test_jobs_cue_covers_only_its_sentence(small_matcher: Matcher) -> None:
    text = (
        "ML Engineer\n## What you'll bring\n"
        "- You ideally know Docker. You have shipped models in Python.\n"
        "- Knowledge of Kubernetes desired. Experience with SQL will be added advantages.\n"
    )
    posting = small_matcher.parse_job(text)
    assert "python" in _ids(posting.required)
    assert {"docker", "kubernetes", "sql"} <= _ids(posting.preferred)


def test_jobs_required_cue_in_a_neutral_block_needs_a_requirement(
    small_matcher: Matcher,
) -> None:
    text = (
        "ML Engineer\n## Requirements\n- Python\n## About us\n"
        "- This position requires passing a Docker background screening.\n"
        "- You must have experience with Kubernetes.\n"
        "## What we would love to see\n- Experience with SQL\n"
    )
    posting = small_matcher.parse_job(text)
    assert "docker" in _ids(posting.mentioned)
    assert {"python", "kubernetes"} <= _ids(posting.required)
    assert "sql" in _ids(posting.preferred)


def test_jobs_alternatives_share_one_requirement(small_matcher: Matcher) -> None:
    from matcher.postings.requirements import alternative_groups

    text = (
        "ML Engineer\n## Requirements\n"
        "- 5+ years using JavaScript (React), Java, or Python\n"
        "- Experience with MLflow or AWS, Kubernetes and Docker\n"
        "- ML/DL in production with SQL\n"
    )
    posting = small_matcher.parse_job(text)
    everything = (*posting.required, *posting.preferred, *posting.mentioned)
    groups = set(alternative_groups(everything, posting.text))
    assert frozenset({"javascript", "react", "java", "python"}) in groups
    assert frozenset({"mlflow", "aws"}) in groups
    assert not any("kubernetes" in g or "docker" in g or "sql" in g for g in groups)
    weights = {s.skill_id: s.weight for s in small_matcher.posting_spec(posting).skills}
    assert weights["python"] == pytest.approx(0.25)
    assert weights["aws"] == pytest.approx(0.5)
    assert weights["kubernetes"] == weights["sql"] == 1.0


def test_jobs_title_words_must_all_be_there(small_matcher: Matcher) -> None:
    # "Senior Data Engineer" shares "senior" and "engineer" with "Senior ML Engineer"-like
    # aliases; token_set_ratio scored such pairs 90. Every word of a role name must be present.
    data = small_matcher.parse_job("Senior Data Engineer\n## Requirements\n- SQL, Tableau\n")
    engineering = small_matcher.parse_job("Staff Engineer, Machine Learning\n- Python\n")
    assert dict(data.nearest_roles).get("machine-learning-engineer", 0.0) < 40
    assert engineering.nearest_roles[0][0] == "machine-learning-engineer"


def test_jobs_posting_score_is_plain_coverage_and_role_fit(small_matcher: Matcher) -> None:
    from matcher.score import ROLE_FIT_POINTS

    text = "Data Engineer\n## Requirements\n- Python\n- SQL\n- Docker\n- Kubernetes\n"
    resume = doc_from_text("A B\nSkills\nPython, Docker\nExperience\n• Used Python and Docker\n")
    report = small_matcher.match(resume, job=text)
    assert report.job is not None
    weight = sum(t.weight for t in report.job.by_importance)
    earned = sum(t.earned for t in report.job.by_importance)
    coverage = 100 * earned / weight
    fit = report.job.role_fit or 0.0  # the resume's fit to the role the posting hires for
    expected = coverage * (100 - ROLE_FIT_POINTS) / 100 + ROLE_FIT_POINTS * fit / 100
    assert report.job.score == pytest.approx(expected, abs=0.06)


def test_jobs_plain_object_with_unknown_fields_is_read_with_a_warning() -> None:
    from tests import documents

    matcher = Matcher.default()
    plain = matcher.parse_job(documents.JOB_POSTING_PLAIN)
    as_jsonld = matcher.parse_job(documents.JOB_POSTING_JSONLD)
    assert plain.title == "Data Engineer"
    assert plain.organization == "Example Corp"
    assert _ids(plain.required) == _ids(as_jsonld.required) >= {"python", "sql", "airflow"}
    assert _ids(plain.preferred) == _ids(as_jsonld.preferred)
    assert plain.warnings == ("Ignored unknown posting field(s): recruiter_code, salary_band.",)
    assert as_jsonld.warnings == ()
    known_only = {k: v for k, v in documents.JOB_POSTING_PLAIN.items() if "_" not in k}
    assert matcher.parse_job(known_only).warnings == ()
    with pytest.raises(InvalidJobPostingError, match="title or description"):
        matcher.parse_job({"company": "Example Corp", "location": "Leeds"})


@pytest.mark.parametrize("make", ["posting_pdf", "posting_docx"])
def test_jobs_pdf_and_docx_postings_are_read_like_resumes(make: str) -> None:
    from tests import documents

    matcher = Matcher.default()
    data = getattr(documents, make)()
    from_file = matcher.parse_job(data)
    from_text = matcher.parse_job(documents.JOB_POSTING_TEXT)
    assert from_file.title == "Data Engineer"
    assert _ids(from_file.required) == _ids(from_text.required) >= {"python", "sql"}
    assert _ids(from_file.preferred) == _ids(from_text.preferred)
    assert from_file.years_required == 3
    broken = documents.truncated_pdf(documents.posting_pdf())
    with pytest.raises(InvalidJobPostingError, match="job posting file"):
        matcher.parse_job(broken)


FRONT_MATTER_POSTING = """---
title: "AI Research Scientist"
location: "Remote"
date: '2024-08-05'
published: true
---

## Requirements
- PhD in Computer Science or a related field
- Experience with deep learning frameworks (e.g., TensorFlow, PyTorch)
- Publications at NeurIPS, ICML or ACL
"""


def test_jobs_front_matter_gives_the_title() -> None:
    raw = read_posting(FRONT_MATTER_POSTING)
    assert raw.title == "AI Research Scientist"
    assert "## Requirements" in raw.text
    # front matter without a title field: the first line after it
    untitled = read_posting(FRONT_MATTER_POSTING.replace('title: "AI Research Scientist"\n', ""))
    assert untitled.title == "Requirements"
    # a posting that opens with a rule but holds no front matter: the title is the next line
    ruled = read_posting("---\nData Engineer\n\nWe need Python, SQL and Airflow skills.\n")
    assert ruled.title == "Data Engineer"
    assert ruled.text.startswith("---")


def test_jobs_html_escapes_in_a_text_posting_are_read_as_characters(
    small_matcher: Matcher,
) -> None:
    text = (
        "Data Analyst\n\nWhat You&#39;ll Use:\n- SQL &amp; Python\n- Tableau &amp; Excel\n"
        "- Jira\n\nWe&#39;re a team of 12 in Austin &ndash; apply today.\n"
    )
    raw = read_posting(text)
    assert "&amp;" not in raw.text
    assert "SQL & Python" in raw.text
    assert "You'll" in raw.text
    assert "Austin – apply" in raw.text
    posting = small_matcher.parse_job(text)
    found = _ids((*posting.required, *posting.preferred, *posting.mentioned))
    assert {"sql", "python", "tableau", "excel"} <= found
    # a literal ampersand phrase that is no escape stays as written
    assert "R&D;" in read_posting("Research Lead\n\nRun the R&D; budget for the lab team.").text
