"""Normalisation: exact/alias lookup, fuzzy misspellings, and near misses that must not match."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.normalize import canonicalize, fuzzy_key
from matcher.pipeline import Matcher
from tests.matching.support import doc_from_text


def _canon(matcher: Matcher, line: str, section: str = "Skills") -> dict[str, str]:
    doc = doc_from_text(f"Alex Doe\n{section}\n{line}\n")
    return {s.skill_id: s.how for s in matcher.skills(doc)}


@pytest.mark.parametrize(
    ("surface", "skill"),
    [
        ("Tensorflow", "tensorflow"),
        ("Pytorch", "pytorch"),
        ("Kubernets", "kubernetes"),
        ("Kuberentes", "kubernetes"),
        ("scikit learn", "scikit-learn"),
        ("scikit-lern", "scikit-learn"),
        ("Tensorfow", "tensorflow"),
        ("Elasticsearh", "elasticsearch"),
        ("Hugginface", "hugging-face"),
        ("Javascipt", "javascript"),
        ("Pyhton", "python"),
    ],
)
def test_canonical_misspellings_resolve(small_matcher: Matcher, surface: str, skill: str) -> None:
    assert skill in _canon(small_matcher, f"{surface}, Git, Linux")


@pytest.mark.parametrize(
    ("surface", "skill", "how"),
    [
        ("k8s", "kubernetes", "alias"),
        ("sklearn", "scikit-learn", "alias"),
        ("TF2", "tensorflow", "alias"),
        ("Kubernets", "kubernetes", "fuzzy"),
        ("PyTorch", "pytorch", "exact"),
    ],
)
def test_canonical_records_how_it_matched(
    small_matcher: Matcher, surface: str, skill: str, how: str
) -> None:
    assert _canon(small_matcher, f"{surface}, Git")[skill] == how


@pytest.mark.parametrize(
    "surface",
    [
        "Excellent",
        "Javanese",
        "Pythonic",
        "Grade",
        "Reactor",
        "Spark plugs",
        "Docketing",
        "Sparked",
    ],
)
def test_canonical_near_misses_do_not_match(small_matcher: Matcher, surface: str) -> None:
    found = _canon(small_matcher, f"{surface}, Git")
    assert set(found) == {"git"}


def test_canonical_fuzzy_keeps_plus_hash_and_dot() -> None:
    assert fuzzy_key("C++") == "c++"
    assert fuzzy_key("C#") == "c#"
    assert fuzzy_key(".NET") == "net" or fuzzy_key(".NET") == ".net"
    assert fuzzy_key("Node.js") == "node.js"
    assert fuzzy_key("scikit-learn") == "scikit learn"


def test_canonical_evidence_strength(small_matcher: Matcher) -> None:
    text = (
        "Alex Doe\nSummary\nI like Docker.\nSkills\nPython, Docker, Git\nExperience\n"
        "• Shipped Python services\n"
    )
    skills = {s.skill_id: s for s in small_matcher.skills(doc_from_text(text))}
    assert skills["python"].strength == "used"
    assert skills["git"].strength == "listed"
    assert skills["docker"].strength == "listed"
    assert {e.strength for e in skills["docker"].evidence} == {"listed", "mentioned"}


@settings(max_examples=30, deadline=None)
@given(st.permutations(["Python", "Kuberentes", "Docker", "Tensorfow", "Git", "SQL", "R"]))
def test_canonical_is_idempotent_and_order_free(small_matcher: Matcher, items: list[str]) -> None:
    doc = doc_from_text("Alex Doe\nSkills\n" + ", ".join(items) + "\n")
    mentions = small_matcher.extract(doc)
    once = canonicalize(mentions, taxonomy=small_matcher.taxonomy, index=small_matcher.fuzzy)
    again = canonicalize(
        list(reversed(mentions)), taxonomy=small_matcher.taxonomy, index=small_matcher.fuzzy
    )
    assert {s.skill_id for s in once} == {s.skill_id for s in again}
    assert {s.skill_id for s in once} == {
        "python",
        "kubernetes",
        "docker",
        "tensorflow",
        "git",
        "sql",
        "r",
    }


@pytest.mark.parametrize(
    ("query", "skill_id", "how"),
    [
        ("Python", "python", "exact"),
        ("k8s", "kubernetes", "alias"),
        ("Pyhton", "python", "fuzzy"),
        ("Kubernets", "kubernetes", "fuzzy"),
        ("Java", "java", "exact"),
        ("Javascirpt", "javascript", "fuzzy"),
        ("Excellent", None, None),
        ("Jav", None, None),
        ("zzzzqqqq", None, None),
    ],
)
def test_canonical_lookup_skill_uses_the_extraction_rules(
    small_matcher: Matcher, query: str, skill_id: str | None, how: str | None
) -> None:
    found = small_matcher.lookup_skill(query)
    if skill_id is None:
        assert found.match is None
    else:
        assert found.match is not None
        assert (found.match.skill_id, found.match.how) == (skill_id, how)
    assert all(c.skill_id != (skill_id or "") for c in found.candidates)


@pytest.fixture(scope="module")
def full_matcher() -> Matcher:
    return Matcher.default()


@pytest.mark.parametrize(
    ("section", "line", "wrong"),
    [
        ("Tips", "2. Customize bullets to match your actual experience", "kustomize"),
        ("Skills", "Cafe, Catering, Food safety, Inventory", "caffe"),
    ],
)
def test_an_english_word_is_never_a_misspelled_name(
    full_matcher: Matcher, section: str, line: str, wrong: str
) -> None:
    # "Customize" is one letter from Kustomize and "Cafe" one from Caffe: a capital at the
    # start of a sentence or a list item does not make an English word a product name
    assert wrong not in _canon(full_matcher, line, section)
    assert {"python", "kubernetes"} <= set(_canon(full_matcher, "Pyhton, Kuberentes"))
