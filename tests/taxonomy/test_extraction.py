"""What was read from each seed document, sentence by sentence, per role.

This table is the reviewer's checklist: for every seed file, the skills each role is linked to
by a sentence of that file. It must equal the data exactly, so a link added or lost shows up
here. The seeds are in ``taxonomy/sources/``:

* ``000`` Machine Learning Engineer vs. Deep Learning Engineer
* ``001`` Machine Learning Engineer vs. AI Engineer
* ``002`` Machine Learning Engineer vs. Data Scientist
* ``003`` Deep Learning Engineer job brief (skills, titles, salaries by level)
* ``004`` Machine Learning Engineer vs. Software Engineer
"""

from __future__ import annotations

import pytest

from taxonomy import Taxonomy, load_taxonomy

EXTRACTED: dict[str, dict[str, set[str]]] = {
    "000": {
        "ml-engineer": {
            "algorithms", "apache-spark", "automl", "classification", "clustering",
            "data-preprocessing", "decision-trees", "edge-ai", "feature-engineering",
            "fraud-detection", "mathematics", "ml-algorithms", "model-interpretability",
            "predictive-analytics", "predictive-modeling", "python", "quantum-computing",
            "recommender-systems", "regression", "reinforcement-learning", "scalability",
            "scikit-learn", "statistics", "supervised-learning", "svm", "tensorflow",
            "unsupervised-learning",
        },
        "dl-engineer": {
            "artificial-intelligence", "autonomous-systems", "big-data", "cnn",
            "computer-vision", "data-preprocessing", "data-science", "edge-ai", "gpu-computing",
            "hyperparameter-tuning", "image-recognition", "keras", "model-optimization",
            "multimodal-learning", "neural-architecture-search", "neural-network-architecture",
            "neural-networks", "nlp", "python", "pytorch", "rnn", "speech-recognition",
            "tensorflow", "tpu", "transformers",
        },
    },
    "001": {
        "ml-engineer": {
            "big-data", "cloud-computing", "cloud-platforms", "data-analysis",
            "data-preprocessing", "data-science", "docker", "hyperparameter-tuning", "jupyter",
            "kubernetes", "machine-learning", "mathematics", "ml-frameworks", "ml-pipelines",
            "model-deployment", "model-evaluation", "model-optimization", "model-training",
            "python", "pytorch", "r", "scikit-learn", "statistical-modeling", "statistics",
            "tensorflow",
        },
        "ai-engineer": {
            "ai-apis", "ai-strategy", "ai-system-design", "algorithms",
            "artificial-intelligence", "aws-sagemaker", "azure-cognitive-services", "big-data",
            "cloud-computing", "cloud-platforms", "computer-vision", "data-analysis",
            "data-architecture", "data-science", "deep-learning", "docker", "google-cloud-ai",
            "kubernetes", "machine-learning", "mathematics", "ml-frameworks", "model-deployment",
            "model-optimization", "neural-networks", "nlp", "nltk", "opencv", "problem-solving",
            "python", "robotics", "software-engineering", "spacy", "system-architecture",
        },
    },
    "002": {
        "ml-engineer": {
            "algorithms", "aws", "azure", "cloud-platforms", "cpp", "data-structures", "docker",
            "feature-engineering", "fraud-detection", "hyperparameter-tuning", "java", "keras",
            "kubernetes", "machine-learning", "ml-algorithms", "ml-pipelines",
            "model-deployment", "model-optimization", "python", "pytorch",
            "real-time-data-processing", "software-engineering", "system-architecture",
            "tensorflow",
        },
        "data-scientist": {
            "ab-testing", "algorithms", "aws", "azure", "business-intelligence",
            "cloud-platforms", "customer-segmentation", "dashboards", "data-analysis",
            "data-cleaning", "data-structures", "data-visualization", "data-wrangling",
            "domain-expertise", "eda", "excel", "hadoop", "hypothesis-testing",
            "machine-learning", "mathematics", "pandas", "power-bi", "predictive-analytics",
            "predictive-modeling", "python", "r", "sas", "scikit-learn", "sql",
            "statistical-modeling", "statistics", "tableau",
        },
    },
    "003": {
        "dl-engineer": {
            "adversarial-ml", "autonomous-systems", "calculus", "cloud-computing", "cnn",
            "computer-vision", "data-cleaning", "data-pipelines", "data-preprocessing",
            "deep-learning", "deep-learning-frameworks", "distributed-training", "edge-ai",
            "face-recognition", "fine-tuning", "generative-ai", "gpu-optimization",
            "hyperparameter-tuning", "image-segmentation", "inference-optimization",
            "linear-algebra", "llm", "loss-functions", "machine-translation", "mathematics",
            "ml-research", "mlops", "model-compression", "model-deployment",
            "model-optimization", "model-quantization", "model-training",
            "neural-network-architecture", "neural-networks", "nlp", "object-detection",
            "probability", "pytorch", "real-time-data-processing", "rnn", "sentiment-analysis",
            "tensorflow", "transformers",
        },
    },
    "004": {
        "ml-engineer": {
            "algorithms", "data-analysis", "data-science", "mathematics",
            "software-engineering", "statistics",
        },
        "software-engineer": {
            "machine-learning", "programming-languages", "scalability", "software-architecture",
            "software-development", "software-engineering", "software-maintenance",
            "software-testing", "teamwork", "technical-management",
        },
    },
}  # fmt: skip

# The issue's own checklist (a subset of the table above, by role over all documents).
NAMED_IN_ISSUE = {
    "data-scientist": [
        "r", "sql", "pandas", "scikit-learn", "hadoop", "excel", "sas", "tableau", "power-bi",
        "statistics", "data-visualization", "data-wrangling", "hypothesis-testing", "ab-testing",
        "eda",
    ],
    "dl-engineer": [
        "pytorch", "tensorflow", "keras", "cnn", "rnn", "transformers", "gpu-optimization",
        "distributed-training", "model-quantization", "model-compression", "mlops",
        "linear-algebra", "calculus", "probability",
    ],
}  # fmt: skip


# where a sentence names a skill by a shared head ("model quantization and compression")
KEYWORD = {"model-compression": "compression", "eda": "exploratory"}


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


def _by_prefix(tax: Taxonomy) -> dict[str, dict[str, set[str]]]:
    top = {r.id for r in tax.top_roles()}
    return {
        file[:3]: {role: set(ids) for role, ids in roles.items() if role in top}
        for file, roles in tax.links_by_source().items()
        if not file.startswith("onet/")  # O*NET records: tests/taxonomy/test_onet.py
    }


@pytest.mark.parametrize("doc", sorted(EXTRACTED))
def test_links_read_from_each_document(tax: Taxonomy, doc: str) -> None:
    actual = _by_prefix(tax)[doc]
    for role, expected in EXTRACTED[doc].items():
        assert actual.get(role, set()) == expected, (doc, role)
    assert set(actual) == set(EXTRACTED[doc]), "a role read from this document is not listed"


@pytest.mark.parametrize("role", sorted(NAMED_IN_ISSUE))
def test_skills_named_for_a_role_are_linked_with_their_sentence(tax: Taxonomy, role: str) -> None:
    links = {rs.skill: rs for rs in tax.roles[role].skills}
    for skill_id in NAMED_IN_ISSUE[role]:
        assert skill_id in links, skill_id
        skill = tax.skills[skill_id]
        # the quoted sentence really names the skill (by its name, an alias or a plural)
        names = [KEYWORD[skill_id]] if skill_id in KEYWORD else [skill.name, *skill.aliases]
        assert any(
            n.casefold().rstrip("s") in src.sentence.casefold()
            for src in links[skill_id].sources
            for n in names
        ), (skill_id, [s.sentence for s in links[skill_id].sources])


def test_every_seed_is_used(tax: Taxonomy) -> None:
    used = {src.file for _, src in tax.all_sources() if src.record is None}
    assert len(used) == 5
