"""Method skills described in verbs: "Trained PyTorch ranking models" → Model training.

The taxonomy's phrase matchers (``nlp.py``) find a method only by its name or an alias
("model training", "A/B testing"). Resumes mostly describe methods as actions instead —
"trained ... models", "deployed them", "A/B tested", "fine-tuned BERT" — so each entry of
``METHOD_PHRASES`` below is a set of spaCy token patterns over lower-cased, hand-inflected
word forms (no lemmatiser, no model download) that names one method skill.

Every pattern needs an object word that makes the verb about ML ("model", "classifier",
"recommendation engine"), so "trained the sales team", "deployed to Iraq" and "train tickets"
do not match. A gap between verb and object is at most a few tokens and never crosses a
comma, semicolon, full stop or bullet; ``mentions.py`` also drops a hit that spans a line
break. A pattern names its skill by id; ``nlp.build_nlp`` skips entries whose skill the loaded
taxonomy lacks, and ``tests/taxonomy`` checks the packaged taxonomy has them all as methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["METHOD_PHRASES", "MODEL_WORDS", "NOT_ML_MODELS", "MethodPhrase"]

Token = dict[str, Any]


@dataclass(frozen=True, slots=True)
class MethodPhrase:
    """Token patterns that, when any matches, name ``skill_id`` (a method skill).

    ``hides``: skills whose name inside the phrase is a misreading ("regression" in "visual
    regression" is not the statistics method). ``skill_id=None``: the phrase only hides.
    ``needs_ml_context``: the verb has no ML object of its own ("Fine-tuned Whisper"), so the
    line must also name a technology or a model word ("fine-tuned the curriculum" is not ML).
    """

    skill_id: str | None
    patterns: tuple[tuple[Token, ...], ...]
    example: str  # a phrase the patterns find (shown in docs and checked by a test)
    hides: tuple[str, ...] = ()
    needs_ml_context: bool = False


def _any(*forms: str) -> Token:
    return {"LOWER": {"IN": list(forms)}}


def _gap(upto: int, *, not_words: tuple[str, ...] = ()) -> Token:
    """Up to ``upto`` tokens that stay inside one clause (no , ; . : | • or brackets)."""
    token: Token = {"ORTH": {"NOT_IN": [",", ";", ".", ":", "|", "•", "(", ")", "!", "?"]}}
    if not_words:
        token["LOWER"] = {"NOT_IN": list(not_words)}
    return {**token, "OP": f"{{0,{upto}}}"}


def _hyphenated(first: str, *seconds: str) -> list[tuple[Token, ...]]:
    """``fine-tuned``, ``fine tuned`` and ``finetuned`` for ``_hyphenated("fine", "tuned")``;
    also one token joined by a non-breaking or other hyphen ("fine‑tuned")."""
    joined = [first + s for s in seconds]
    dashes = ["-", "‐", "‑", "–"]
    glued = [first + d + s for s in seconds for d in dashes[1:]]
    return [
        (_any(first), {"ORTH": {"IN": dashes}, "OP": "?"}, _any(*seconds)),
        (_any(*joined, *glued),),
    ]


# Words before "model" that make it something other than an ML model ("role model",
# "operating model", "data model"): a hit whose model word follows one of them is dropped.
NOT_ML_MODELS = frozenset(
    [
        "role",
        "business",
        "data",
        "operating",
        "pricing",
        "financial",
        "delivery",
        "engagement",
        "care",
        "service",
        "staffing",
        "revenue",
        "subscription",
        "maturity",
        "governance",
        "threat",
        "mental",
        "3d",
        "cad",
        "scale",
        "fashion",
        "catwalk",
        "runway",
        "brand",
        "fit",
        "art",
    ]
)
MODEL_WORDS = frozenset(
    [
        "model",
        "models",
        "classifier",
        "classifiers",
        "llm",
        "llms",
        "transformer",
        "transformers",
        "embeddings",
        "ranker",
        "rankers",
    ]
)
_MODEL = _any(*sorted(MODEL_WORDS))
_TRAIN = _any(
    "train", "trains", "trained", "training", "retrain", "retrains", "retrained", "retraining"
)
_DEPLOY = _any(
    "deploy",
    "deploys",
    "deployed",
    "deploying",
    "redeployed",
    "ship",
    "ships",
    "shipped",
    "shipping",
    "productionized",
    "productionised",
    "productionizing",
    "productionising",
    "serving",
)
_SERVED = _any(
    "served",
    "serving",
    "deployed",
    "deploys",
    "shipped",
    "ships",
    "productionized",
    "productionised",
)
_TESTED = _any("test", "tests", "tested", "testing", "experiment", "experiments", "experimentation")

# "Pre-trained a 600M-parameter ASR model": the verb with its object, not the adjective of
# "used pre-trained models".
_PRETRAINED_A_MODEL = tuple(
    (*p, _any("a", "an", "the", "our", "its", "their"), _gap(6), _MODEL)
    for p in _hyphenated("pre", "trained", "training")
)

METHOD_PHRASES: tuple[MethodPhrase, ...] = (
    MethodPhrase(
        "model-training",
        (
            # "Trained PyTorch ranking models", "Trained XGBoost and scikit-learn models"
            # but not "Trained as a runway model"
            (_TRAIN, _gap(5, not_words=("as",)), _MODEL),
            (_MODEL, _any("trained", "retrained")),  # "models trained on 2B events"
            *_PRETRAINED_A_MODEL,  # pre-training a model is training it
        ),
        "Trained PyTorch ranking models",
    ),
    MethodPhrase(
        "model-deployment",
        (
            (_DEPLOY, _gap(5, not_words=("as",)), _MODEL),  # "Shipped scikit-learn churn models"
            # "Served models behind FastAPI", but not "served as a model for"
            (_any("serve", "serves", "served"), _gap(2, not_words=("as",)), _MODEL),
            # "ranking models and deployed them", "exporting models to ONNX and serving them"
            (_MODEL, _gap(4), _SERVED),
            # "Optimized models for edge deployment", not "the model and the deployment of"
            (_MODEL, _any("for", "to"), _gap(1), _any("deployment", "deployments")),
        ),
        "deployed the fraud models",
    ),
    MethodPhrase(
        "feature-engineering",
        (
            (_any("feature"), _any("pipeline", "pipelines")),
            (_any("engineered", "engineering", "engineer"), _gap(2), _any("features")),
            (_any("features"), _any("engineered")),
        ),
        "Built feature pipelines in Airflow",
    ),
    MethodPhrase(
        "ab-testing",
        (
            # "A/B tested", "A/B-tested", "A/B experiments" (the tokenizer splits "A/B")
            (_any("a"), {"ORTH": "/"}, _any("b"), {"ORTH": "-", "OP": "?"}, _TESTED),
            (_any("a/b", "ab"), {"ORTH": "-", "OP": "?"}, _any("tested", "experiments")),
            (_any("split"), {"ORTH": "-", "OP": "?"}, _any("tested")),
        ),
        "A/B tested them with the product team",
    ),
    MethodPhrase(
        "recommender-systems",
        (
            (
                _any("recommendation", "recommendations"),
                _any(
                    "model",
                    "models",
                    "engine",
                    "engines",
                    "system",
                    "systems",
                    "service",
                    "services",
                    "algorithm",
                    "algorithms",
                    "pipeline",
                    "pipelines",
                ),
            ),
            (_any("recommender", "recommenders"),),  # "the homepage recommender"
        ),
        "building and deploying recommendation models",
    ),
    MethodPhrase(
        "fine-tuning",
        tuple(_hyphenated("fine", "tune", "tunes", "tuned")),
        "Fine-tuned BERT on support tickets",
        needs_ml_context=True,
    ),
    MethodPhrase(
        "pre-training",
        _PRETRAINED_A_MODEL,
        "Pre-trained a 600M-parameter Conformer ASR model",
    ),
    MethodPhrase(
        "model-quantization",
        (
            (
                _any(
                    "quantize",
                    "quantizes",
                    "quantized",
                    "quantizing",
                    "quantise",
                    "quantises",
                    "quantised",
                    "quantising",
                ),
            ),
        ),
        "quantizing our models",
        needs_ml_context=True,
    ),
    MethodPhrase(
        "bayesian-statistics",
        (
            # "Bayesian forecasting models", "Bayesian A/B testing"; Bayesian optimisation is
            # hyperparameter search, not statistics.
            (
                _any("bayesian"),
                {
                    "IS_ALPHA": True,
                    "LOWER": {"NOT_IN": ["optimization", "optimisation", "optimizer", "optimiser"]},
                },
            ),
        ),
        "Bayesian forecasting models",
    ),
    MethodPhrase("econometrics", ((_any("econometric"),),), "econometric analysis"),
    MethodPhrase(
        "regression-testing",
        ((_any("regression"), _any("test", "tests", "tested", "testing", "suite", "suites")),),
        "added regression tests for the billing API",
        hides=("regression",),
    ),
    # Screenshot diffing of UI components: not the statistics method, and not named as
    # regression testing either.
    MethodPhrase(
        None,
        ((_any("visual"), _any("regression", "regressions")),),
        "visual regression with Storybook",
        hides=("regression",),
    ),
)
