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
