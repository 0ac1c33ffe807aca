"""Bad taxonomy data fails at load time with a TaxonomyDataError that names the problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from taxonomy import DATA_DIR, SOURCES_DIR, TaxonomyDataError, load_taxonomy


def copy_taxonomy(root: Path) -> Path:
    """The packaged data and sources under ``root``; returns the data directory."""
    shutil.copytree(DATA_DIR, root / "data")
    shutil.copytree(SOURCES_DIR, root / "sources")
    return root / "data"


def _edit(name: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(data: Path) -> None:
        path = data / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return apply


def _append(name: str, extra: str) -> Callable[[Path], None]:
    def apply(data: Path) -> None:
        with (data / name).open("a", encoding="utf-8") as fh:
            fh.write("\n" + extra + "\n")

    return apply


SKILL = '[[skill]]\nid = "{id}"\nname = "{name}"\ncategory = "tool"\ncurated = true\n'

CASES = {
    "sentence not in source": (
        _edit("roles.toml", "Tools | TensorFlow, PyTorch, Kubernetes", "Tools | TensorFlow, JAX"),
        "sentence not found in 002_c7ff7be73718ef16.txt",
    ),
    "unknown source file": (
        _edit("roles.toml", 'file = "003_3f2cf5c32f0d5d5e.txt"', 'file = "999_missing.txt"'),
        "unknown source file '999_missing.txt'",
    ),
    "alias on two skills": (
        _append("skills.toml", SKILL.format(id="kubey", name="Kubey") + 'aliases = ["k8s"]'),
        "alias 'k8s' of skill",
    ),
    "shared alias that is no alias": (
        _edit(
            "roles.toml",
            'shared_aliases = ["Infrastructure Engineer", "QA Engineer"]',
            'shared_aliases = ["Infrastructure Engineer", "Quality Engineer"]',
        ),
        "role software-engineer: shared aliases ['Quality Engineer'] are not among its aliases",
    ),
    "unknown skill parent": (
        _append("skills.toml", SKILL.format(id="zz-tool", name="ZZ Tool") + 'parent = "nope"'),
        "skill zz-tool: unknown parent 'nope'",
    ),
    "unknown skill in a role": (
        _edit("roles.toml", 'skill = "sas"', 'skill = "sas-viya"'),
        "role data-scientist: unknown skill 'sas-viya'",
    ),
    "duplicate skill id": (
        _append("skills.toml", SKILL.format(id="python", name="Python Two")),
        "duplicate skill id 'python'",
    ),
    "neither curated nor sourced": (
        _append("skills.toml", '[[skill]]\nid = "zz"\nname = "ZZ"\ncategory = "tool"'),
        "skill zz: neither curated nor sourced",
    ),
    "bad category": (
        _append("skills.toml", '[[skill]]\nid = "zz"\nname = "ZZ"\ncategory = "gadget"'),
        "skill 'zz': category",
    ),
    "bad importance": (
        _edit("roles.toml", 'importance = "core"', 'importance = "critical"'),
        "role 'ml-engineer': skills.0.importance",
    ),
    "variant with unknown parent": (
        _edit("roles.toml", 'parent = "dl-engineer"', 'parent = "dl-engineers"'),
        "unknown parent 'dl-engineers'",
    ),
    "skill parent loop": (
        _edit("skills.toml", 'parent = "deep-learning-frameworks"\n', 'parent = "keras"\n', 99),
        "parent chain loops back",
    ),
    "role alias on two roles": (
        _edit("roles.toml", '"DL Engineer", ', '"DL Engineer", "ML Engineer", '),
        "'ML Engineer' of 'dl-engineer' already names role 'ml-engineer'",
    ),
    "blank source sentence": (
        _edit(
            "roles.toml",
            'sentence = "Career Path Data Scientist, ML Engineer, AI Specialist."',
            'sentence = " "',
        ),
        "a source sentence must quote at least a few words",
    ),
    "salary low above high": (
        _edit("roles.toml", "low = 95000\nhigh = 130000", "low = 130000\nhigh = 95000"),
        "low 130000 is above high 95000",
    ),
    "malformed toml": (
        _append("roles.toml", "[[role]\nid ="),
        "roles.toml:",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_data_is_rejected_with_a_clear_message(tmp_path: Path, case: str) -> None:
    edit, message = CASES[case]
    data = copy_taxonomy(tmp_path)
    load_taxonomy(data)  # the unedited copy is valid
    edit(data)
    with pytest.raises(TaxonomyDataError) as info:
        load_taxonomy(data)
    assert message in str(info.value), str(info.value)


def test_missing_directory_or_files(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyDataError, match="no such taxonomy data directory"):
        load_taxonomy(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TaxonomyDataError, match=r"no \*\.toml taxonomy files"):
        load_taxonomy(tmp_path / "empty")


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    data = copy_taxonomy(tmp_path / "a")
    assert load_taxonomy(data).version == load_taxonomy().version
    other = copy_taxonomy(tmp_path / "b")
    _append("skills.toml", SKILL.format(id="zz-new", name="ZZ New"))(other)
    assert load_taxonomy(other).version != load_taxonomy().version
