"""The described-method table (matcher/extract/phrases.py) names skills the taxonomy has."""

from __future__ import annotations

import pytest

from matcher.extract.phrases import METHOD_PHRASES
from taxonomy import Taxonomy, load_taxonomy


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


def test_every_described_method_is_a_taxonomy_method(tax: Taxonomy) -> None:
    named = [p.skill_id for p in METHOD_PHRASES if p.skill_id is not None]
    assert named, "the table names no skill"
    for skill_id in named:
        assert skill_id in tax.skills, skill_id
        assert tax.skills[skill_id].category == "method", skill_id


def test_hidden_skills_exist_and_examples_are_unique(tax: Taxonomy) -> None:
    for phrase in METHOD_PHRASES:
        for skill_id in phrase.hides:
            assert skill_id in tax.skills, skill_id
        assert phrase.skill_id is not None or phrase.hides, "a phrase must name or hide a skill"
    examples = [p.example for p in METHOD_PHRASES]
    assert len(examples) == len(set(examples))


def test_computational_linguistics_is_not_an_nlp_alias(tax: Taxonomy) -> None:
    # A degree subject ("PhD Computational Linguistics") is its own skill under NLP.
    assert "computational linguistics" not in {a.casefold() for a in tax.skills["nlp"].aliases}
    assert tax.skills["computational-linguistics"].parent == "nlp"
