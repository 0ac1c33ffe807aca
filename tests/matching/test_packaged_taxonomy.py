"""The matcher on the packaged taxonomy (what users get): traps, misspellings, roles."""

from __future__ import annotations

import pytest

from matcher.pipeline import Matcher
from tests.matching.support import doc_from_text

RESUME = """Oluwaseun Bakare
Machine Learning Engineer — Recommendations & Ranking
seun.bakare@example.org | +44 7700 900412 | London, UK
Summary
ML engineer who turns notebooks into reliable services. I go above and beyond on observability.
Experience
Machine Learning Engineer - Harbourline Retail (2021 – present)
• Rebuilt the recommender in Tensorfow 2 (Keras API) plus a LightGBM re-ranker; CTR +7.4%.
• Served models behind FastAPI on Kuberentes (EKS) with Redis caching; p99 latency 41 ms.
• Led the go-live and the go/no-go review; R&D budget of 2M; sparked a guild.
• Wrote the scoring service in Pyhton 3 and containerised it with Docker.
Education
MSc Machine Learning, 2018
"""


@pytest.fixture(scope="module")
def packaged() -> Matcher:
    return Matcher.default()


def test_packaged_taxonomy_finds_misspellings_and_avoids_traps(packaged: Matcher) -> None:
    report = packaged.match(doc_from_text(RESUME))
    names = {s.name for s in report.skills}
    assert {"TensorFlow", "Keras", "LightGBM", "FastAPI", "Kubernetes", "Redis", "Docker"} <= names
    assert "Python" in names
    fuzzy = {s.name for s in report.skills if s.how == "fuzzy"}
    assert {"TensorFlow", "Kubernetes", "Python"} <= fuzzy
    assert not names & {"Go", "R", "Apache Spark", "Excel"}


def test_packaged_taxonomy_ml_engineer_ranks_first_with_its_title(packaged: Matcher) -> None:
    from eval.run import roles_ranked

    report = packaged.match(doc_from_text(RESUME))
    ml = next(r for r in report.roles if r.role_id == "ml-engineer")
    assert ml.title_match is not None
    assert "ml-engineer" in [r.role_id for r in report.roles]
    assert roles_ranked(report)[0] == "Machine Learning Engineer"
    assert report.taxonomy_version == packaged.taxonomy.version


def _found_in_a_job(matcher: Matcher, job: str, line: str) -> set[str]:
    """Skills found when ``line`` is a bullet of ``job`` in a resume's experience."""
    text = f"Alex Doe\nExperience\n{job}\n- {line}\n- Led a team of four.\n"
    return {s.skill_id for s in matcher.match_text(text).skills}


@pytest.mark.issue(15)
@pytest.mark.parametrize(
    ("line", "skill"),
    [
        # a posting's prose: lowercase names beside other skills, comma-joined
        ("prototype data pipelines in any mix of Python, Node, bash, and linux tools", "bash"),
        ("prototype data pipelines in any mix of Python, Node, bash, and linux tools", "nodejs"),
        ("our services are written in TypeScript, kubernetes runs them", "kubernetes"),
        ("Monitoring: Prometheus, Grafana, ELK, CloudWatch", "elk-stack"),
        ("set up centralized logging using an ELK stack", "elk-stack"),
        ("LLMs: OpenAI GPT-4, Claude, Gemini", "anthropic-api"),
        ("cached sessions with Memcache and Redis", "memcached"),
    ],
)
def test_lowercase_and_short_names_in_enumerations_are_found(
    packaged: Matcher, line: str, skill: str
) -> None:
    assert skill in _found_in_a_job(packaged, "Data Engineer, Acme (2020 - 2024)", line)


@pytest.mark.issue(15)
@pytest.mark.parametrize(
    ("line", "absent"),
    [
        ("Guided visitors on trails where we saw an elk and a bison every morning.", "elk-stack"),
        ("Threw a birthday bash for the volunteers at the lodge.", "bash"),
        ("Used Excel and react quickly to incidents on the ward.", "react"),
        ("Mapped every node of the trail network with the rangers.", "nodejs"),
        ("Planned the art programme with Claude Martin and the parents.", "anthropic-api"),
    ],
)
def test_lowercase_words_outside_enumerations_are_not_products(
    packaged: Matcher, line: str, absent: str
) -> None:
    assert absent not in _found_in_a_job(packaged, "Park Ranger, Yellowstone (2018 - 2023)", line)


@pytest.mark.issue(15)
@pytest.mark.parametrize(
    ("written", "skill_id"),
    [("ChartJS", "chart.js"), ("SocketIO", "socket.io"), ("EmberJS", "ember.js"), ("D3JS", "d3js")],
)
def test_a_dotted_library_name_is_found_without_its_dot(
    packaged: Matcher, written: str, skill_id: str
) -> None:
    found = {s.skill_id for s in packaged.match_text(f"Skills: Python, {written}, Docker").skills}
    assert skill_id in found
    skill = packaged.taxonomy.lookup(written)
    assert skill is not None
    assert skill.id == skill_id
