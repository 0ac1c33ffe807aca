"""The eval harness reads the product's answer (the verdict) and adds no decision; its baseline
lookup and requirement agreement."""

from __future__ import annotations

from eval.run import _baseline_patterns, baseline_skills, roles_ranked
from matcher.pipeline import Matcher
from tests.matching.support import doc_from_text


def test_eval_reads_the_reports_verdict_and_decides_nothing(small_matcher: Matcher) -> None:
    text = "A B\nSkills\nPython, PyTorch, C++\nExperience\n• Trained PyTorch models in Python\n"
    report = small_matcher.match(doc_from_text(text))
    assert report.verdict is not None
    ranked = roles_ranked(report)
    expected = report.verdict.title if report.verdict.role_id else "none"
    assert ranked[0] == expected
    # the rest is the report's own order, the verdict's role not repeated
    assert ranked[1:] == [r.title for r in report.roles if r.title != expected]


def test_eval_off_domain_resume_is_none(small_matcher: Matcher) -> None:
    text = "A B\nSkills\nExcel, customer service, negotiation\nExperience\n• Sold 300 cars a year\n"
    report = small_matcher.match(doc_from_text(text))
    assert report.verdict is not None
    assert report.verdict.role_id is None
    assert roles_ranked(report)[0] == "none"


def test_eval_baseline_is_a_plain_dictionary_lookup(small_matcher: Matcher) -> None:
    patterns = _baseline_patterns(small_matcher.taxonomy)
    found = baseline_skills(patterns, "I excel at go-live plans in Java and c++ with kubernetes")
    # The naive matcher falls into every trap the real one avoids.
    assert {"Excel", "Go", "Java", "C++", "Kubernetes"} <= set(found)


def test_eval_requirement_split_counts_methods_and_separates_misses() -> None:
    from types import SimpleNamespace

    from eval.run import requirement_agreement

    scorer = SimpleNamespace(canon=str.casefold)
    gold = [
        {
            "doc_id": "jd",
            "kind": "jd",
            "required": ["Python", "Machine Learning", "Econometrics"],
            "nice_to_have": ["CUDA", "Rust"],
        }
    ]
    preds = {
        "jd": {
            "required": ["Machine Learning", "Python", "Rust"],
            "preferred": ["CUDA"],
            "mentioned": [],
        }
    }
    got = requirement_agreement(scorer, preds, gold)
    # Econometrics was never found; Rust was found but in the wrong bucket.
    assert got == {
        "labels": 5,
        "agree": 3,
        "accuracy": 0.6,
        "found": 4,
        "accuracy_found": 0.75,
    }


def test_eval_new_set_reports_a_later_batch_of_unseen_documents_apart(
    small_matcher: Matcher,
) -> None:
    from eval.run import newset_metrics

    def row(doc_id: str, split: str, batch: str | None, predicted: str) -> dict[str, object]:
        return {
            "doc_id": doc_id, "kind": "resume", "split": split, "batch": batch,
            "roles": ["Data Scientist"], "predicted": predicted, "technologies": [], "found": [],
        }  # fmt: skip

    rows = [
        row("old-tune", "tune", None, "Data Scientist"),
        row("old-unseen", "unseen", None, "Software Engineer"),
        row("new-unseen", "unseen", "2026-12-05", "Data Scientist"),
        row("new-tune", "tune", "2026-12-05", "none"),
    ]
    metrics = newset_metrics(rows, small_matcher.taxonomy)
    assert metrics["fresh 2026-12-05/resume"]["n"] == 1  # unseen, a later batch; tune never
    assert metrics["fresh 2026-12-05/resume"]["top1"] == 1.0
    assert metrics["unseen/resume"]["n"] == 2
    assert metrics["unseen/resume"]["top1"] == 0.5
