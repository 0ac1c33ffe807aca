"""Names the vocabulary lacks, found by their neighbours in a list (issue #15).

"Automation: n8n, Zapier, Airflow" names a tool the taxonomy has never heard of: the other
items say what it is. What is read that way, what never is (project names, employers, degrees,
business acronyms, a company's own product), and what such a skill may do: be listed with its
evidence and be asked for by a posting that names it, never move a taxonomy role's fit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.extract.unlisted import coined_name
from matcher.models import MatchReport, is_unlisted, unlisted_id
from matcher.pipeline import Matcher
from tests.documents import NON_TECHNICAL

pytestmark = pytest.mark.issue(15)

RESUME = """Priya Natarajan
Senior AI Engineer

Skills
Languages: Python, TypeScript, SQL
Agent frameworks: LangGraph, AutoGPT, CrewAI
Automation: n8n, Zapier, Airflow, Prefect
Observability: LangSmith, Prometheus, Grafana

Experience
AI Engineer | Brightline Health | 2021 - Present
- Built intake agents on n8n that route 4,000 referrals a week
- Cut triage time by 40% with LangGraph workflows traced in LangSmith

Projects
ChatBotX (Python, Flask) - a support bot for a neighbourhood bakery

Education
BSc Computer Science, University of Leeds
"""


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.default()


def _unlisted(report: MatchReport) -> dict[str, list[str]]:
    """Unlisted skill name -> the strength of each piece of its evidence."""
    return {
        s.name: [e.strength for e in s.evidence] for s in report.skills if is_unlisted(s.skill_id)
    }


@pytest.mark.parametrize(
    "name", ["n8n", "Open3D", "AutoGPT", "LangSmith", "SEMrush", "ElysiaJS", "ProtoPie", "vLLMx"]
)
def test_a_coined_name_looks_like_a_product(name: str) -> None:
    assert coined_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "B2B",  # a business acronym, digits among capitals
        "SOLID",
        "PhD",
        "MSc",
        "TechCorp Inc",
        "DataSolutions LLC",
        "LinkedIn",
        "YouTube",
        "Machine Learning",
        "Zeroheight",  # one capitalised word: could be anything, a town or a surname
        "CSS-in-JS",
        "BERT-based",
        "Built agents with AutoGPT",  # a phrase, not a name
        "GoPro filming",  # a name and an ordinary word
    ],
)
def test_an_ordinary_phrase_or_acronym_is_not_coined(name: str) -> None:
    assert not coined_name(name)


def test_unknown_names_beside_known_tools_are_skills(matcher: Matcher) -> None:
    report = matcher.match_text(RESUME)
    found = _unlisted(report)
    assert set(found) == {"AutoGPT", "n8n", "LangSmith"}
    # every place the text writes the name is evidence: the bullet says it was used
    assert found["n8n"] == ["listed", "used"]
    assert found["LangSmith"] == ["listed", "used"]
    assert found["AutoGPT"] == ["listed"]
    skill = next(s for s in report.skills if s.name == "n8n")
    assert skill.skill_id == unlisted_id("n8n") == "unlisted:n8n"
    assert skill.how == "unlisted"
    assert skill.category == "tool"


def test_titles_employers_and_degrees_beside_tools_are_not_skills(matcher: Matcher) -> None:
    text = """Sam Okafor
Skills
Python, Django, PostgreSQL
Experience
Senior Python Developer | TechCorp Inc. | 2020 - Present
Python Developer | DataSolutions LLC | 2018 - 2020
- Kept the DataSolutions billing service on Django and Celery
Projects
ChatBotX (Python, Flask) - answers bakery orders
RouteWise | FastAPI, React - delivery routes for a food bank
Tech stack
- Kotlin
- Kafka
- Redis
DataScale Cache
Education
MSc, BSc Computer Science
"""
    assert _unlisted(matcher.match_text(text)) == {}


def test_a_business_acronym_in_a_sales_skills_list_is_not_a_tool(matcher: Matcher) -> None:
    text = "Jo Banks\nSkills\n- B2B Sales\n- Salesforce CRM\n- Lead Generation\n- Negotiation\n"
    assert _unlisted(matcher.match_text(text)) == {}


def test_the_companys_own_product_is_not_a_tool(matcher: Matcher) -> None:
    text = """Data Scientist
We are FanTank. Help shape FanTank's product with data.
Requirements
- Ability to work with APIs in Python (e.g. Google Analytics, FanTank)
"""
    posting = matcher.parse_job(text)
    found = (*posting.required, *posting.preferred, *posting.mentioned)
    assert not [s for s in found if is_unlisted(s.skill_id)]


def test_a_list_without_a_known_technology_says_nothing(matcher: Matcher) -> None:
    text = "Ana Ruiz\nInterests\nHobbies: PlayStation, GoPro filming, iPhone photography\n"
    assert _unlisted(matcher.match_text(text)) == {}


@pytest.mark.parametrize(
    "line",
    [
        "Clients: JPMorgan, BlackRock, PwC, SAP",
        "Industries: FinTech, EdTech, HealthTech, SaaS",
        "Profiles: LeetCode, HackerRank, Kaggle, GitHub",
        "Hobbies: Chess, PlayStation, Python scripting, HackerRank",
        "Awards: HackMIT 2019 winner, Python, DeanList",
    ],
)
def test_a_list_labelled_as_organisations_or_pastimes_holds_no_tool(
    matcher: Matcher, line: str
) -> None:
    assert _unlisted(matcher.match_text(f"Jane Roe\nSkills\n{line}\n")) == {}


def test_lists_in_sections_of_schools_and_honours_hold_no_tool(matcher: Matcher) -> None:
    text = """Jane Roe
Skills
Python, Docker
Certifications
AWS Certified Developer, CompTIA, Kubernetes CKAD
Awards
HackMIT winner, DeanList, Python
"""
    assert _unlisted(matcher.match_text(text)) == {}


def test_a_misspelled_known_name_is_never_a_new_tool(matcher: Matcher) -> None:
    """A slip the fuzzy step accepts is the known skill; one too short to accept for sure
    ("PyTorh") is left out, not reported as a tool of its own."""
    report = matcher.match_text("Lee Park\nSkills\nFrameworks: PyTorh, TensroFlow, Keras\n")
    ids = {s.skill_id for s in report.skills}
    assert {"tensorflow", "keras"} <= ids
    assert not any(is_unlisted(i) for i in ids)


def test_a_role_fit_ignores_what_no_role_names(matcher: Matcher) -> None:
    """The same resume without its unknown names scores every role the same."""
    plain = RESUME
    for name, instead in (
        ("AutoGPT, ", ""),
        ("n8n, ", ""),
        ("LangSmith, ", ""),
        ("on n8n", "on our platform"),
        ("traced in LangSmith", "traced end to end"),
    ):
        plain = plain.replace(name, instead)
    with_names = matcher.match_text(RESUME)
    without = matcher.match_text(plain)
    assert _unlisted(without) == {}
    assert [(r.role_id, r.score) for r in with_names.roles] == [
        (r.role_id, r.score) for r in without.roles
    ]
    assert with_names.verdict == without.verdict


POSTING = """AI Automation Engineer

Requirements
- n8n, Zapier, Python and REST APIs for workflow automation
- 3+ years building integrations

Nice to have
- Airflow
"""


def test_a_posting_asks_for_the_unknown_name_and_a_resume_meets_it(matcher: Matcher) -> None:
    posting = matcher.parse_job(POSTING)
    assert unlisted_id("n8n") in {s.skill_id for s in posting.required}
    has = matcher.match_text(RESUME, job=POSTING)
    assert has.job is not None
    matched = {m.skill_id: m for m in (*has.job.matched, *has.job.partial)}
    assert matched[unlisted_id("n8n")].name == "n8n"
    assert matched[unlisted_id("n8n")].importance == "core"

    lacks = matcher.match_text(
        RESUME.replace("n8n, ", "").replace("on n8n", "in Python"), job=POSTING
    )
    assert lacks.job is not None
    missing = {m.skill_id: m for m in lacks.job.missing}
    assert missing[unlisted_id("n8n")].name == "n8n"
    assert lacks.job.score < has.job.score
    gaps = [s for s in lacks.suggestions if s.target == "job" and s.kind == "missing-core-skill"]
    assert any("n8n" in s.message for s in gaps)


def test_a_labelled_bullet_of_two_items_is_a_list(matcher: Matcher) -> None:
    """ "- Workflow automation: n8n, Zapier and Python": a label and two items after a bullet
    make a list, as they do without the bullet."""
    posting = matcher.parse_job(
        "Automation Engineer\nRequirements\n- Workflow automation: n8n, Zapier and Python\n"
    )
    assert unlisted_id("n8n") in {s.skill_id for s in posting.required}


@pytest.mark.parametrize("doc_id", sorted(NON_TECHNICAL))
def test_no_unlisted_name_on_non_technical_text(matcher: Matcher, doc_id: str) -> None:
    """A nurse's, a chef's or a reporter's lists hold no technology to stand beside."""
    assert _unlisted(matcher.match_text(NON_TECHNICAL[doc_id].text)) == {}


@pytest.mark.slow
def test_the_command_line_says_the_name_is_not_in_the_vocabulary(tmp_path: Path) -> None:
    """``rolefit match`` as a subprocess, a resume file and a posting file as a user has them."""
    resume = tmp_path / "resume.txt"
    resume.write_text(RESUME, encoding="utf-8")
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "match", str(resume), "--job", str(posting), "--json"],
        capture_output=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "100"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    report = json.loads(proc.stdout)
    skills = {s["skill_id"]: s for s in report["skills"]}
    assert skills["unlisted:n8n"]["how"] == "unlisted"
    assert "unlisted:n8n" in {m[0] for m in report["job"]["matched"]}  # compact arrays
    text = subprocess.run(
        [sys.executable, "-m", "cli", "match", str(resume)],
        capture_output=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert text.returncode == 0, text.stderr.decode()[-2000:]
    assert "n8n (not in the vocabulary)" in " ".join(text.stdout.decode().split())
