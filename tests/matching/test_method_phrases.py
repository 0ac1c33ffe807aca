"""Methods described in verbs ("Trained PyTorch ranking models" → Model training), and the
ordinary sentences that use the same verbs and must not become skills."""

from __future__ import annotations

import pytest

from matcher.extract.phrases import METHOD_PHRASES, MethodPhrase
from matcher.models import CanonicalSkill, SectionKind
from matcher.pipeline import Matcher
from tests.matching.support import doc_from_text

# The resume of issue #4: every method is described, none is named.
ISSUE_RESUME = """Jordan Lee
jordan.lee@example.org
Summary
ML engineer with 5 years building and deploying recommendation models.
Experience
Senior ML Engineer, Northwind Retail — 2021 – Present
• Trained PyTorch ranking models and deployed them with Docker on AWS SageMaker.
• Built feature pipelines in Airflow and tracked experiments in MLflow.
• Shipped scikit-learn churn models; A/B tested them with the product team.
"""

DESCRIBED = {
    "model-training",
    "model-deployment",
    "feature-engineering",
    "ab-testing",
    "recommender-systems",
}


@pytest.fixture(scope="module")
def packaged() -> Matcher:
    return Matcher.default()


def _body(line: str, *, section: str = "Experience") -> str:
    return f"Alex Doe\nalex@example.org\n{section}\n{line}\n"


def _skills(matcher: Matcher, text: str) -> dict[str, CanonicalSkill]:
    return {s.skill_id: s for s in matcher.skills(doc_from_text(text))}


def test_issue_resume_methods_are_found_as_used_and_not_missing(packaged: Matcher) -> None:
    report = packaged.match(doc_from_text(ISSUE_RESUME), roles=["ml-engineer"])
    skills = {s.skill_id: s for s in report.skills}
    assert skills.keys() >= DESCRIBED
    # The technologies inside the phrases are still found on their own.
    assert skills.keys() >= {"pytorch", "docker", "aws-sagemaker", "scikit-learn", "mlflow"}
    for skill_id in DESCRIBED - {"recommender-systems"}:
        assert skills[skill_id].how == "phrase"
        bullets = [e for e in skills[skill_id].evidence if e.section == SectionKind.EXPERIENCE]
        assert bullets, skill_id
        assert all(e.strength == "used" for e in bullets), skill_id
    training = skills["model-training"].evidence[0]
    assert training.surface == "Trained PyTorch ranking models"
    assert ISSUE_RESUME[training.start : training.end] == training.surface
    (role,) = report.roles
    missing = {m.skill_id for m in role.missing}
    assert not missing & DESCRIBED
    assert {m.skill_id for m in role.matched} >= DESCRIBED & {
        "model-training",
        "model-deployment",
        "feature-engineering",
    }


@pytest.mark.parametrize(
    ("line", "skill"),
    [
        ("• Retrained the fraud classifiers weekly on fresh labels", "model-training"),
        ("• Trained XGBoost and scikit-learn models for claims triage", "model-training"),
        ("• Models trained on 2B events a day", "model-training"),
        ("• Pre-trained a 600M-parameter Conformer ASR model in JAX", "pre-training"),
        ("• Pre-trained a 600M-parameter Conformer ASR model in JAX", "model-training"),
        ("• Served models behind FastAPI on Kubernetes", "model-deployment"),
        ("• Exported models to ONNX and serving them on CPU nodes", "model-deployment"),
        ("• Optimized models for edge deployment", "model-deployment"),
        ("• Productionized the churn model with the platform team", "model-deployment"),
        ("• Engineered 300 behavioural features from clickstream logs", "feature-engineering"),
        ("• Ran A/B experiments on checkout copy", "ab-testing"),
        ("• A/B-tested the onboarding flow", "ab-testing"),
        ("• Built content recommendation engine serving 200M users", "recommender-systems"),
        ("• Rebuilt the homepage recommender as a two-tower model", "recommender-systems"),
        ("• Fine-tuned Whisper with Hugging Face for 14 languages", "fine-tuning"),
        ("• Fine\u2011tuned BERT on support tickets", "fine-tuning"),
        ("• Quantized the YOLOv8 detector to INT8 with TensorRT", "model-quantization"),
        ("• Built Bayesian forecasting models for store demand", "bayesian-statistics"),
        ("• Ran econometric analysis of price elasticity", "econometrics"),
        ("• Added regression tests for the billing API", "regression-testing"),
    ],
)
def test_described_method_is_found(packaged: Matcher, line: str, skill: str) -> None:
    found = _skills(packaged, _body(line))
    assert skill in found
    assert found[skill].how == "phrase"


@pytest.mark.parametrize(
    ("line", "skills"),
    [
        ("• Trained the sales team on the new CRM", {"model-training"}),
        ("• Deployed to Iraq with the 3rd Battalion; deployed twice", {"model-deployment"}),
        ("• Booked train tickets and hotels for 40 staff", {"model-training"}),
        ("• Trained staff on the new operating model", {"model-training"}),
        ("• Served as a role model for junior nurses", {"model-deployment"}),
        ("• Trained as a runway model in Milan; shipped as a brand model", {"model-training"}),
        ("• Deployed the new data model to the warehouse", {"model-deployment"}),
        ("• Completed training in models of care for older adults", {"model-training"}),
        ("• Used pre-trained models from Hugging Face", {"model-training", "pre-training"}),
        ("• Shipped 40 product features to production", {"model-deployment"}),
        ("• Built features for the checkout team", {"feature-engineering"}),
        ("• Grade A/B students; plan A or B", {"ab-testing"}),
        ("• Wrote letters of recommendation for interns", {"recommender-systems"}),
        ("• Tuned hyperparameters with Bayesian optimization", {"bayesian-statistics"}),
        ("• Visual regression with Storybook and Chromatic", {"regression", "regression-testing"}),
        ("• Fine dining; tuned pianos on weekends", {"fine-tuning"}),
        ("• Fine-tuned the Year 9 maths curriculum with the department", {"fine-tuning"}),
        ("• Quantized survey answers into five bands for the board", {"model-quantization"}),
        (
            "• Managed the regiment's training model and the deployment of 200 vehicles",
            {"model-training", "model-deployment"},
        ),
    ],
)
def test_ordinary_sentences_with_the_same_verbs_are_not_methods(
    packaged: Matcher, line: str, skills: set[str]
) -> None:
    assert not _skills(packaged, _body(line)).keys() & skills


def test_described_method_never_spans_two_lines(packaged: Matcher) -> None:
    text = _body("• Trained the new hires\n• Models: churn, LTV and uplift")
    assert "model-training" not in _skills(packaged, text)


def test_phrase_evidence_gets_use_the_name_advice(packaged: Matcher) -> None:
    report = packaged.match(doc_from_text(ISSUE_RESUME), roles=["ml-engineer"])
    advice = [
        s.message
        for s in report.suggestions
        if s.kind == "use-exact-term" and s.skill_id == "model-training"
    ]
    assert advice == [
        "Use the exact term: name 'Model training' where you describe it "
        "('Trained PyTorch ranking models') so exact-keyword searches match."
    ]


@pytest.mark.parametrize("phrase", METHOD_PHRASES, ids=lambda p: p.skill_id or "hides")
def test_each_table_example_is_found(packaged: Matcher, phrase: MethodPhrase) -> None:
    nlp = packaged.nlp
    doc = nlp.make_doc(phrase.example)
    hits = [nlp.phrase_of(m) for m in nlp.described_methods(doc)]
    assert phrase in hits


def test_windowed_matching_finds_what_the_whole_document_gives(packaged: Matcher) -> None:
    nlp = packaged.nlp
    assert nlp.described is not None
    text = (ISSUE_RESUME + "\n• Pre-trained a 600M-parameter Conformer ASR model in JAX") * 3
    doc = nlp.make_doc(text.replace("\n", " "))
    whole = sorted(nlp.described(doc), key=lambda h: (h[1], h[2], h[0]))
    assert whole
    assert nlp._described_hits(doc) == whole


def test_windows_skipped_by_their_second_word_lose_no_hit(packaged: Matcher) -> None:
    # Windows are as long as the longest pattern of their first word, and a first word whose
    # patterns all need a fixed second word ("a" → "/") opens none without it.
    nlp = packaged.nlp
    assert nlp.described is not None
    examples = " ".join(p.example + "." for p in METHOD_PHRASES)
    text = (
        f"{examples} A / B tested a model; a / b. Ran a/b-tested and A/B experiments, a "
        "feature pipeline, features engineered, regression suite, visual regressions. "
        "Pretrained the ranker. Recommendation engines. A"
    )
    doc = nlp.make_doc(text)
    whole = sorted(nlp.described(doc), key=lambda h: (h[1], h[2], h[0]))
    assert len({h[0] for h in whole}) >= 8
    assert nlp._described_hits(doc) == whole
