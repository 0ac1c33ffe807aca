"""The packaged taxonomy: roles, variants, vocabulary, aliases, guards and provenance."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

import pytest

from taxonomy import SOURCES_DIR, Taxonomy, load_taxonomy, normalize_name, written_forms

SEEDS = Path("/work/shared/seeds")  # the originals, when this checkout sits beside them


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


def test_five_roles_with_stable_ids(tax: Taxonomy) -> None:
    assert {r.id: r.title for r in tax.top_roles()} == {
        "ml-engineer": "Machine Learning Engineer",
        "dl-engineer": "Deep Learning Engineer",
        "ai-engineer": "AI Engineer",
        "data-scientist": "Data Scientist",
        "software-engineer": "Software Engineer",
    }
    assert tax.version.startswith("tax-")
    assert len(tax.version) == 16


@pytest.mark.parametrize(
    ("title", "parent"),
    [
        ("Deep Learning Scientist", "dl-engineer"),
        ("Neural Network Engineer", "dl-engineer"),
        ("AI Research Engineer", "dl-engineer"),
        ("Computer Vision Engineer", "dl-engineer"),
        ("NLP Engineer", "dl-engineer"),
        ("Machine Learning Research Engineer", "dl-engineer"),
        ("Applied Deep Learning Engineer", "dl-engineer"),
        ("Research Scientist", "dl-engineer"),
        ("AI Specialist", "ai-engineer"),
        ("ML Architect", "ml-engineer"),
        ("Data Analyst", "data-scientist"),
    ],
)
def test_title_variants_point_to_their_parent(tax: Taxonomy, title: str, parent: str) -> None:
    role = tax.find_role(title)
    assert role is not None, title
    assert role.kind == "variant"
    assert role.parent == parent
    assert role.sources, "a variant quotes the sentence that names it"
    # a variant's effective skills include everything its parent asks for
    parent_skills = {rs.skill for rs in tax.role_skills(parent)}
    assert parent_skills <= {rs.skill for rs in tax.role_skills(role.id)}


def test_variant_refinement_overrides_the_parent_tier(tax: Taxonomy) -> None:
    cv = {rs.skill: rs for rs in tax.role_skills("computer-vision-engineer")}
    dl = {rs.skill: rs for rs in tax.role_skills("dl-engineer")}
    assert dl["computer-vision"].importance == "important"
    assert cv["computer-vision"].importance == "core"
    assert cv["opencv"].importance == "important"
    assert "opencv" not in dl


def test_role_titles_and_aliases_resolve(tax: Taxonomy) -> None:
    for name, role_id in [
        ("ML Engineer", "ml-engineer"),
        ("mle", "ml-engineer"),
        ("DL engineer", "dl-engineer"),
        ("Backend Engineer", "software-engineer"),
        ("full-stack developer", "software-engineer"),
        ("GenAI Engineer", "ai-engineer"),
        ("data-scientist", "data-scientist"),
    ]:
        role = tax.find_role(name)
        assert role is not None, name
        assert role.id == role_id, name
    assert tax.find_role("Automotive Technician") is None


def test_vocabulary_size_and_shape(tax: Taxonomy) -> None:
    curated = [s for s in tax.skills.values() if s.curated]
    sourced = [s for s in tax.skills.values() if s.sources]
    assert len(tax.skills) >= 400
    assert len(curated) >= 400, "the general vocabulary beyond the seeds"
    assert len(sourced) >= 100, "the seeds name about a hundred skills"
    # curated entries quote no seed sentence (they may cite O*NET records that name them)
    assert not [s.id for s in curated if any(src.record is None for src in s.sources)]
    categories = {s.category for s in tax.skills.values()}
    assert categories == {"language", "library", "platform", "tool", "datastore", "method", "soft"}
    for skill in tax.skills.values():
        assert skill.name, skill.id
        assert skill.name == skill.name.strip(), skill.id


def test_no_alias_names_two_skills(tax: Taxonomy) -> None:
    """Checked independently of the loader: every normalized name/alias has one owner."""
    owners: dict[str, set[str]] = defaultdict(set)
    for skill in tax.skills.values():
        for name in (skill.name, *skill.aliases):
            owners[normalize_name(name)].add(skill.id)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}
    # the index also knows the written forms ("ChartJS"), never in place of a written name
    assert {k: next(iter(v)) for k, v in owners.items()}.items() <= tax.name_index.items()
    for key in set(tax.name_index) - set(owners):
        skill = tax.skills[tax.name_index[key]]
        names = (skill.name, *skill.aliases)
        assert key in {normalize_name(f) for n in names for f in written_forms(n)}, key


@pytest.mark.parametrize(
    ("alias", "skill_id"),
    [
        ("sklearn", "scikit-learn"),
        ("k8s", "kubernetes"),
        ("TF2", "tensorflow"),
        ("HF Transformers", "hugging-face"),
        ("Postgres", "postgresql"),
        ("golang", "go"),
        ("Amazon Web Services", "aws"),
        ("GCP", "gcp"),
        ("NLP", "nlp"),
        ("A/B testing", "ab-testing"),
        ("EDA", "eda"),
        ("PowerBI", "power-bi"),
        ("Node.js", "nodejs"),
        ("C++", "cpp"),
        ("C#", "csharp"),
        ("C", "c"),
        ("Java", "java"),
        ("JavaScript", "javascript"),
        ("SQL", "sql"),
        ("NoSQL", "nosql"),
        (".NET", "dotnet"),
        ("CI/CD", "ci-cd"),
        ("Apache Spark", "apache-spark"),
        ("GPU/TPU optimization", "gpu-optimization"),
    ],
)
def test_alias_lookup(tax: Taxonomy, alias: str, skill_id: str) -> None:
    skill = tax.lookup(alias)
    assert skill is not None
    assert skill.id == skill_id


def test_look_alike_names_stay_distinct(tax: Taxonomy) -> None:
    ids = [tax.lookup(n) for n in ("Java", "JavaScript", "C", "C++", "C#", "SQL", "NoSQL", "R")]
    assert len({s.id for s in ids if s is not None}) == 8
    assert tax.lookup("Kuberentes") is None, "misspellings are the matcher's job, not aliases"


@pytest.mark.parametrize(
    "name", ["R", "C", "Go", "Swift", "Rust", "Spark", "Excel", "Julia", "Dart", "Express"]
)
def test_ambiguous_names_are_guarded(tax: Taxonomy, name: str) -> None:
    skill = tax.lookup(name)
    assert skill is not None, name
    assert skill.guard != "none", name


def test_parents_form_a_hierarchy(tax: Taxonomy) -> None:
    assert tax.skills["pytorch"].parent == "deep-learning-frameworks"
    assert tax.skills["deep-learning-frameworks"].parent == "ml-frameworks"
    assert tax.skills["aws"].parent == "cloud-platforms"
    for skill in tax.skills.values():
        seen = {skill.id}
        node = skill.parent
        while node is not None:
            assert node in tax.skills, skill.id
            assert node not in seen, skill.id
            seen.add(node)
            node = tax.skills[node].parent


def test_every_quoted_sentence_is_verbatim_in_its_source(tax: Taxonomy) -> None:
    """The provenance test, read straight from the files (not through the loader's check)."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in SOURCES_DIR.glob("*.txt")}
    quoted = [(where, src) for where, src in tax.all_sources() if src.record is None]
    assert len(quoted) > 500  # O*NET records are checked in test_onet.py
    missing = [
        (where, src.file, src.sentence[:60])
        for where, src in quoted
        if src.sentence not in texts.get(src.file, "")
    ]
    assert missing == []
    # sentences are whole: they start at a sentence/line start in the source
    for where, src in quoted:
        i = texts[src.file].index(src.sentence)
        before = texts[src.file][max(0, i - 2) : i]
        assert i == 0 or before.endswith(("\n", " ")), (where, src.sentence[:60])


def test_every_role_fact_has_sources(tax: Taxonomy) -> None:
    for role in tax.top_roles():
        assert role.summary is not None, role.id
        assert role.summary.sources, role.id
        assert role.education, role.id
        assert role.responsibilities, role.id
        assert role.career_paths, role.id
        for rs in role.skills:
            assert rs.sources, (role.id, rs.skill)
        assert sum(rs.importance == "core" for rs in role.skills) >= 3, role.id


def test_seed_documents_are_copied_unchanged() -> None:
    names = sorted(p.name for p in SOURCES_DIR.glob("*.txt"))
    assert len(names) == 5
    if not SEEDS.is_dir():
        pytest.skip("the original seeds are not beside this checkout")
    for name in names:
        ours = hashlib.sha256((SOURCES_DIR / name).read_bytes()).hexdigest()
        theirs = hashlib.sha256((SEEDS / name).read_bytes()).hexdigest()
        assert ours == theirs, name


def test_salary_claims_are_kept_per_source(tax: Taxonomy) -> None:
    mle = tax.roles["ml-engineer"].salary
    by_text = {c.text: c for c in mle}
    assert (by_text["$95,000 to $130,000"].low, by_text["$95,000 to $130,000"].high) == (
        95000,
        130000,
    )
    assert (by_text["$110,000 to $140,000"].low, by_text["$110,000 to $140,000"].high) == (
        110000,
        140000,
    )
    median = by_text["median earnings often exceeding $120,000"]
    assert median.kind == "median"
    assert median.low == 120000
    files = {c.source.file for c in mle}
    assert len(files) >= 3, "three documents disagree; each keeps its own claim"
    # never averaged: every figure quoted is literally in its source sentence
    for role in tax.roles.values():
        for claim in role.salary:
            figures = re.findall(r"\$[\d,]+K?", claim.text)
            assert figures, claim.text
            assert all(f in claim.source.sentence for f in figures), claim.text
    dl_levels = {c.level for c in tax.roles["dl-engineer"].salary if c.level}
    assert dl_levels == {"entry", "mid", "senior", "staff/principal"}


def test_the_library_ranks_the_taxonomys_importance_tiers() -> None:
    from typing import get_args

    from matcher.models import IMPORTANCE_ORDER
    from taxonomy.schema import Importance

    assert get_args(Importance) == IMPORTANCE_ORDER
