"""Extraction traps: guarded words, look-alike names, contact lines and context."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.pipeline import Matcher
from tests.matching.support import doc_from_text


def _skills(matcher: Matcher, text: str) -> set[str]:
    return {s.skill_id for s in matcher.skills(doc_from_text(text))}


def _body(line: str, *, section: str = "Experience") -> str:
    return f"Alex Doe\nalex@example.org\n{section}\n{line}\n"


@pytest.mark.parametrize(
    "line",
    [
        "• Led the go-live of the billing platform and ran the go/no-go review",
        "• Go above and beyond for customers; let go of legacy tooling",
        "• Managed the R&D budget and R&R for the plant",
        "• Reviewed by R. Smith and C. Jones",
        "• Her talk sparked interest in the spark plugs workshop",
        "• Excellent communication; I excel at stakeholder management",
        "• Commuted in a Suzuki Swift; sponsored by Swift Cycles; swift incident response",
        "• Rust repair on classic cars; rusty at first",
        "• Barista at Java Junction Coffee",
        "• Attended the Spark Lisbon meetup",
        "• Plan C for the fall; grade A in maths",
        "• Spring 2014 semester abroad",
        "• Decided to go with rust-proof paint; c is the speed of light",
        "• Go-getter who briefs the C-suite; grew up in the Rust Belt",
        "• LLM Criminology, University of Pune",
        "• Grew up in the Rust Belt; experience in retail; Spark Hire interviews",
        "• Rode for the Swift Cycles club; shop of the Java Junction Coffee",
    ],
)
def test_mentions_guarded_words_are_not_skills(small_matcher: Matcher, line: str) -> None:
    found = _skills(small_matcher, _body(line))
    assert not found & {"go", "r", "c", "spark", "excel", "swift", "rust", "java", "spring", "llm"}


@pytest.mark.parametrize(
    ("line", "skill"),
    [
        ("Python, R, SQL", "r"),
        ("Go, Rust, C", "go"),
        ("Go, Rust, C", "rust"),
        ("Go, Rust, C", "c"),
        ("Languages: Swift, Kotlin", "swift"),
        ("Tools: Excel, Tableau", "excel"),
        ("Apache Spark, PySpark", "spark"),
        ("python, go, rust", "go"),
        ("python, go, rust", "rust"),
        ("sql | r | excel", "r"),
    ],
)
def test_mentions_guarded_words_match_in_skills_lists(
    small_matcher: Matcher, line: str, skill: str
) -> None:
    assert skill in _skills(small_matcher, _body(line, section="Skills"))


@pytest.mark.parametrize(
    ("line", "skill"),
    [
        ("• Wrote the ingestion service in Go and Rust", "go"),
        ("• Wrote the ingestion service in Go and Rust", "rust"),
        ("• Statistical programming in R for clinical trials", "r"),
        ("• Automated reporting with Excel macros", "excel"),
        ("• Tuned Spark jobs processing 2 TB a day", "spark"),
        ("• Own the stats engine (R + Go); 300 tests a year", "r"),
        ("• Own the stats engine (R + Go); 300 tests a year", "go"),
        ("• Used R for survival analysis of 2k patients", "r"),
        ("• Built LLM-based agents for 3 support teams", "llm"),
        ("• Shipped LLM apps to 10k users", "llm"),
        ("• Open-source: a Rust CLI for Terraform state diffs", "rust"),
        ("• Some Go experience; advanced Excel skills for reporting", "go"),
        ("• Some Go experience; advanced Excel skills for reporting", "excel"),
    ],
)
def test_mentions_guarded_words_match_in_skill_context(
    small_matcher: Matcher, line: str, skill: str
) -> None:
    assert skill in _skills(small_matcher, _body(line))


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("Java", {"java"}, {"javascript"}),
        ("JavaScript", {"javascript"}, {"java"}),
        ("C++", {"cpp"}, {"c", "csharp"}),
        ("C#", {"csharp"}, {"c", "cpp"}),
        ("SQL", {"sql"}, {"nosql"}),
        ("NoSQL", {"nosql"}, {"sql"}),
        ("PySpark", {"pyspark"}, {"spark", "python"}),
    ],
)
def test_mentions_lookalike_skills_stay_distinct(
    small_matcher: Matcher, text: str, present: set[str], absent: set[str]
) -> None:
    found = _skills(small_matcher, _body(f"Docker, {text}, Git", section="Skills"))
    assert present <= found
    assert not found & absent


def test_mentions_keep_section_line_offsets_and_rule(small_matcher: Matcher) -> None:
    doc = doc_from_text(_body("• Trained PyTorch models", section="Experience"))
    mentions = [m for m in small_matcher.extract(doc) if m.skill_id == "pytorch"]
    assert len(mentions) == 1
    m = mentions[0]
    assert doc.text[m.start : m.end] == "PyTorch"
    assert m.section.value == "experience"
    assert m.line == 4
    assert m.page == 1
    assert m.rule == "phrase-lower"
    assert m.context == "bullet"


def test_mentions_contact_lines_are_never_scored(small_matcher: Matcher) -> None:
    text = "Go Rust\ngo.rust@python.io | github.com/java-kubernetes\nSkills\nDocker, Git\n"
    doc = doc_from_text(text)
    assert {m.skill_id for m in small_matcher.extract(doc) if m.skill_id} == {"docker", "git"}


def test_mentions_candidates_come_from_list_items(small_matcher: Matcher) -> None:
    doc = doc_from_text(_body("Kuberentes, Tensorfow 2, Docker", section="Skills"))
    candidates = [m for m in small_matcher.extract(doc) if m.skill_id is None]
    assert {m.surface for m in candidates} >= {"Kuberentes", "Tensorfow"}
    assert all(m.context == "list" for m in candidates)


def test_mentions_version_suffixed_names(small_matcher: Matcher) -> None:
    assert "python" in _skills(small_matcher, _body("• Ported scripts to Python3"))


def test_mentions_platform_named_inside_a_product(small_matcher: Matcher) -> None:
    found = _skills(small_matcher, _body("• Deployed models on AWS SageMaker for 4 teams"))
    assert {"aws", "aws-sagemaker"} <= found
    assert "aws" not in _skills(small_matcher, _body("• Deployed models on SageMaker"))


def test_mentions_guarded_word_at_line_end_before_a_heading(small_matcher: Matcher) -> None:
    text = "Alex Doe\nSkills\nPython, SQL and R\nExperience\n• Built 3 dashboards\n"
    assert "r" in _skills(small_matcher, text)


def test_mentions_wrapped_multiword_name(small_matcher: Matcher) -> None:
    text = "Alex Doe\nExperience\n• Fine-tuned models from Hugging\nFace for 3 products\n"
    assert "hugging-face" in _skills(small_matcher, text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                ["Skills", "Experience", "R, Go, C++", "• go-live in Go", "R&D", "Kuberentes"]
            ),
        ),
        max_size=12,
    )
)
def test_mentions_any_text_gives_consistent_mentions(
    small_matcher: Matcher, lines: list[str]
) -> None:
    text = "\n".join(["Alex Doe", *(ln.replace("\r", " ") for ln in lines)])
    doc = doc_from_text(text)
    for m in small_matcher.extract(doc):
        assert doc.text[m.start : m.end] == m.surface
        assert m.skill_id is None or m.skill_id in small_matcher.taxonomy.skills
    report = small_matcher.match(doc)
    assert all(0 <= r.score <= 100 for r in report.roles)


def test_mentions_a_method_naming_a_kind_of_test_is_not_the_method(small_matcher: Matcher) -> None:
    assert "regression" not in _skills(small_matcher, _body("• Visual regression tests in CI"))
    assert "regression" in _skills(
        small_matcher, _body("• Fitted a logistic regression on 2M rows")
    )


@pytest.mark.parametrize(
    ("line", "present", "absent"),
    [
        ("• Built the UI in Typescript and REACT for 3 clients", {"typescript", "react"}, set()),
        ("• Customers react to price changes within 2 days", set(), {"react"}),
        ("typescript, react, git", {"typescript", "react", "git"}, set()),
    ],
)
def test_mentions_case_guard_takes_any_capitalisation_but_lowercase_words(
    small_matcher: Matcher, line: str, present: set[str], absent: set[str]
) -> None:
    section = "Skills" if not line.startswith("•") else "Experience"
    found = _skills(small_matcher, _body(line, section=section))
    assert present <= found
    assert not found & absent


@pytest.mark.parametrize(
    ("line", "skill"),
    [
        ("Passionate Swift Developer with four years of native apps.", "swift"),
        ("Senior Rust Engineer at a payments company.", "rust"),
    ],
)
def test_mentions_a_technology_before_a_builder_word_is_the_technology(
    small_matcher: Matcher, line: str, skill: str
) -> None:
    # "Swift Cycles" is a name; "Swift Developer" is someone who writes Swift
    assert skill in _skills(small_matcher, _body(line, section="Summary"))


TOOLS_DOWNWARDS = """Senior Data Scientist
Tools We Use:
- SQL & Hive
- Python & pandas
- R
- Excel
- Ruby
"""


def test_mentions_a_list_written_downwards_is_a_skills_list(small_matcher: Matcher) -> None:
    # one short item per bullet, three or more in a row: guarded names count as list items
    assert {"r", "excel", "sql", "python"} <= _skills(small_matcher, TOOLS_DOWNWARDS)
    # only the guards read it: how each skill was shown is what a bullet there gives
    shown = {s.skill_id: s.strength for s in small_matcher.skills(doc_from_text(TOOLS_DOWNWARDS))}
    assert shown["r"] == shown["python"] == shown["sql"]
    # two bullets are no list, and neither is a bullet that is a sentence
    assert "r" not in _skills(small_matcher, "Tools We Use:\n- SQL & Hive\n- R\n")
    prose = "Duties:\n- Go to the ward rounds each morning\n- Excel at patient care every day\n"
    assert not _skills(small_matcher, prose * 2) & {"go", "excel"}


def test_mentions_an_enumeration_anchored_at_its_end(small_matcher: Matcher) -> None:
    # only Docker is unguarded: Rust is accepted beside it, then Swift beside Rust
    line = "• Background in Swift, Rust, Docker is a plus"
    assert {"swift", "rust", "docker"} <= _skills(small_matcher, _body(line))
    # a chain needs an anchor: guarded words beside each other alone stay words
    prose = "• Go, Swift decisions made the spring rush easy"
    assert not _skills(small_matcher, _body(prose)) & {"go", "swift", "spring"}
