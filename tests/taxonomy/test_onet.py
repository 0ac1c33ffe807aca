"""The O*NET subset, its citations, the generated vocabulary and its build."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from taxonomy import (
    DATA_DIR,
    SOURCES_DIR,
    Taxonomy,
    TaxonomyDataError,
    load_taxonomy,
    normalize_name,
)
from taxonomy.build import (
    ONET_DIR,
    VOCABULARY_FILE,
    WORDS_DIR,
    Lexicon,
    build_vocabulary,
    guard_for,
    load_common_words,
    load_lexicon,
    read_manifest,
    render_vocabulary,
    spellings,
)

CONCRETE = {"language", "library", "platform", "tool", "datastore"}


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="module")
def common() -> frozenset[str]:
    return load_common_words()


def _records(name: str) -> dict[str, list[str]]:
    with (SOURCES_DIR / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return {f"{r[0]}\t{r[1]}": r for r in rows[1:]}


def test_every_record_citation_is_a_record_of_the_committed_subsets(tax: Taxonomy) -> None:
    """O*NET and developer-tools records alike, read straight from the TSV files, not through
    the loader's own check."""
    tables: dict[str, dict[str, list[str]]] = {}
    cited = [(where, src) for where, src in tax.all_sources() if src.record is not None]
    assert len(cited) > 1000
    bad = []
    for where, src in cited:
        assert src.file.startswith(("onet/", "devtools/")), (where, src.file)
        if src.file not in tables:
            tables[src.file] = _records(src.file)
        row = tables[src.file].get(src.record or "")
        if row is None or src.sentence not in row:
            bad.append((where, src.file, src.record))
    assert bad == []


def test_manifest_matches_the_committed_files() -> None:
    manifest = read_manifest()
    source = manifest["source"]
    assert source["name"].startswith("O*NET ")
    assert source["name"].endswith(" Database")
    assert source["licence"] == "CC BY 4.0"
    assert "USDOL/ETA" in source["attribution"]
    assert len(source["commit"]) == 40
    assert "python -m taxonomy.build subset" in source["rebuild"]
    assert {o["file"] for o in manifest["original"]} >= {
        "Technology Skills.txt",
        "Task Statements.txt",
        "Occupation Data.txt",
    }
    for subset in manifest["subset"]:
        path = ONET_DIR / subset["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == subset["sha256"], path.name
        with path.open(encoding="utf-8") as fh:
            assert sum(1 for _ in fh) - 1 == subset["rows"], path.name
    total = sum(p.stat().st_size for p in ONET_DIR.iterdir())
    assert total < 3_000_000, "keep the committed subset small"


def test_dictionary_subset_matches_its_manifest() -> None:
    with (WORDS_DIR / "MANIFEST.toml").open("rb") as fh:
        manifest = tomllib.load(fh)
    assert manifest["source"]["package"] == "wamerican"
    assert "python -m taxonomy.build words" in manifest["source"]["rebuild"]
    assert (WORDS_DIR / "COPYRIGHT").read_text(encoding="utf-8").count("Kevin Atkinson") >= 1
    (subset,) = manifest["subset"]
    path = WORDS_DIR / subset["file"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == subset["sha256"]
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == subset["rows"]
    assert {r["Kind"] for r in rows} == {"word", "name"}
    kinds = {r["Word"]: r["Kind"] for r in rows}
    assert kinds["keynote"] == "word"
    assert kinds["delphi"] == "name"


def test_build_is_deterministic_and_the_committed_file_is_fresh() -> None:
    first = render_vocabulary(build_vocabulary())
    second = render_vocabulary(build_vocabulary())
    assert first == second
    assert VOCABULARY_FILE.read_bytes() == first, "run: python -m taxonomy.build"
    doc = json.loads(first)
    assert doc["source"]["licence"] == "CC BY 4.0"
    ids = [s["id"] for s in doc["skills"]]
    assert ids == sorted(ids, key=lambda i: ids.index(i))  # stable order
    assert len(ids) == len(set(ids))


def test_imported_skills_are_marked_categorised_guarded_and_sourced(tax: Taxonomy) -> None:
    imported = tax.imported_skills()
    assert len(imported) >= 500
    assert {s.origin for s in imported} == {"onet", "devtools"}
    for skill in imported:
        assert skill.imported
        assert skill.category in CONCRETE, skill.id
        assert skill.guard in {"none", "case", "context"}, skill.id
        assert skill.sources, skill.id
        assert all(s.record for s in skill.sources), skill.id
        assert not skill.curated
    assert not [s.id for s in tax.skills.values() if s.origin == "onet" and s.parent]
    # hand skills keep their origin, even those O*NET examples were mapped onto
    assert tax.skills["excel"].origin == "rolefit"
    assert any(src.record for src in tax.skills["excel"].sources)
    assert tax.skills["excel"].hot


def test_no_imported_spelling_collides_with_a_hand_skill(tax: Taxonomy) -> None:
    hand = load_taxonomy_without_vocabulary()
    hand_keys = {
        normalize_name(n): s.id for s in hand.skills.values() for n in (s.name, *s.aliases)
    }
    for skill in tax.imported_skills():
        for name in (skill.name, *skill.aliases):
            assert normalize_name(name) not in hand_keys, (skill.id, name)
    # every hand skill is still there with its id, name and guard
    for skill_id, skill in hand.skills.items():
        merged = tax.skills[skill_id]
        assert (merged.name, merged.guard, merged.category) == (
            skill.name,
            skill.guard,
            skill.category,
        )
        assert merged.aliases[: len(skill.aliases)] == skill.aliases


def load_taxonomy_without_vocabulary() -> Taxonomy:
    import tempfile

    root = Path(tempfile.mkdtemp())
    shutil.copytree(DATA_DIR, root / "data")
    shutil.copytree(SOURCES_DIR, root / "sources")
    (root / "data" / "vocabulary.json").unlink()
    (root / "data" / "devtools.json").unlink()
    return load_taxonomy(root / "data")


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.mark.parametrize(
    ("example", "name", "guarded", "absent"),
    [
        ("Amazon Web Services AWS Lambda", "AWS Lambda", "Lambda", None),
        ("Amazon Simple Storage Service S3", "Amazon S3", None, "S3"),
        ("Amazon Elastic Compute Cloud EC2", "EC2", None, None),
        ("Microsoft Visio", "Visio", None, None),
        ("Dassault Systemes SolidWorks", "SolidWorks", None, None),
        ("Microsoft Word", "Microsoft Word", None, "Word"),
        ("Microsoft Access", "Microsoft Access", None, "Access"),
        ("Oracle Database", "Oracle Database", None, "Database"),
        ("Embarcadero Delphi", "Embarcadero Delphi", "Delphi", None),
        ("Apache Tomcat", "Apache Tomcat", "Tomcat", None),
        ("Apache Subversion SVN", "SVN", None, None),
        ("Extensible markup language XML", "XML", None, None),
        ("Multidimensional Expressions MDX", "MDX", None, None),
        ("Sun Microsystems Java Persistence API", "Java Persistence API", None, "API"),
        ("Salesforce software", "Salesforce", None, None),
    ],
)
def test_vendor_prefixes_and_acronyms(
    lexicon: Lexicon, example: str, name: str, guarded: str | None, absent: str | None
) -> None:
    sp = spellings(example, lexicon)
    assert sp.name == name
    assert example in sp.aliases or example == name
    if guarded is not None:  # kept, but only in a skill context
        assert guarded in sp.aliases
        assert sp.alias_guards[guarded] == "context"
    if absent is not None:
        assert absent not in sp.aliases
        assert normalize_name(absent) != normalize_name(sp.name)


@pytest.mark.parametrize(
    ("written", "skill_id"),
    [
        ("Microsoft Excel", "excel"),
        ("Amazon Web Services AWS CloudFormation", "aws-cloudformation"),
        ("Apache Subversion SVN", "svn"),
        ("Oracle Java", "java"),
        ("Jenkins CI", "jenkins"),
        ("Microsoft Visio", "visio"),
        ("Visio", "visio"),
    ],
)
def test_imported_names_resolve(tax: Taxonomy, written: str, skill_id: str) -> None:
    skill = tax.lookup(written)
    assert skill is not None, written
    assert skill.id == skill_id


def test_generic_descriptions_are_not_skills(tax: Taxonomy) -> None:
    for generic in (
        "Backup and archival software",
        "Spreadsheet software",
        "Access management software",
    ):
        assert tax.lookup(generic) is None, generic


@pytest.mark.parametrize(
    ("spelling", "guard"),
    [
        ("Word", "context"),  # O*NET's everyday words
        ("Go", "context"),  # two letters
        ("Keynote", "context"),  # English (the dictionary), not in O*NET's tasks
        ("Workspace", "context"),  # an English compound: work + space
        ("Travis", "context"),  # a proper name
        ("AIR", "context"),  # an English word in capitals
        ("TIM", "case"),  # a name in capitals: matched in capitals only (nlp.py)
        ("XML", "case"),
        ("Ansible", "case"),
        ("Jenkins", "context"),  # a surname, too
        ("AutoCAD", "none"),  # an inner capital: a coined name, never English
        ("Visual Studio", "case"),
        ("PostgreSQL", "none"),
        ("AWS Lambda", "none"),
    ],
)
def test_guard_rule(lexicon: Lexicon, spelling: str, guard: str) -> None:
    assert guard_for(spelling, lexicon) == guard


def test_guard_counts_are_sane(tax: Taxonomy) -> None:
    guards = Counter(s.guard for s in tax.imported_skills())
    assert guards["none"] > guards["case"] > 0
    for skill in tax.imported_skills():
        key = normalize_name(skill.name).replace(" ", "")
        if len(key) <= 3:
            assert skill.guard != "none", skill.id


def test_software_engineer_is_concrete(tax: Taxonomy) -> None:
    links = tax.role_skills("software-engineer")
    assert len(links) >= 25
    concrete = [
        rs
        for rs in links
        if tax.skills[rs.skill].category in CONCRETE and rs.importance in {"core", "important"}
    ]
    assert len(concrete) >= 8
    for skill_id in ("git", "sql", "python", "java", "docker", "ci-cd", "unit-testing", "linux"):
        assert skill_id in {rs.skill for rs in links}, skill_id
    # every claim the seed makes is still there, quoted from the seed
    seed = {
        rs.skill
        for rs in links
        if any(src.file == "004_ceb5159074066ae4.txt" for src in rs.sources)
    }
    assert seed >= {"software-development", "software-testing", "software-maintenance"}


def test_bad_record_is_rejected(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(SOURCES_DIR, tmp_path / "sources")
    roles = tmp_path / "data" / "roles.toml"
    text = roles.read_text(encoding="utf-8")
    assert 'record = "15-1252.00\\tGit"' in text
    roles.write_text(text.replace('record = "15-1252.00\\tGit"', 'record = "15-1252.00\\tGitt"'))
    with pytest.raises(TaxonomyDataError, match=r"record not found in onet/technology_skills\.tsv"):
        load_taxonomy(tmp_path / "data")
    roles.write_text(
        text.replace(
            'record = "15-1252.00\\tGit", sentence = "Git"',
            'record = "15-1252.00\\tGit", sentence = "Mercurial"',
        )
    )
    with pytest.raises(TaxonomyDataError, match="does not say 'Mercurial'"):
        load_taxonomy(tmp_path / "data")


def test_version_covers_the_vocabulary(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(SOURCES_DIR, tmp_path / "sources")
    vocab = tmp_path / "data" / "vocabulary.json"
    doc = json.loads(vocab.read_bytes())
    doc["skills"] = doc["skills"][:-1]
    vocab.write_text(json.dumps(doc), encoding="utf-8")
    other = load_taxonomy(tmp_path / "data")
    assert other.version != load_taxonomy().version
    assert len(other.imported_skills()) == len(load_taxonomy().imported_skills()) - 1
