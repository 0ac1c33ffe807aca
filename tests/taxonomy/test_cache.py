"""The taxonomy kept between processes (``ROLEFIT_CACHE_DIR``) is the taxonomy the data says,
and any edit of the data or of a source is read again, checks included."""

from __future__ import annotations

from pathlib import Path

import pytest

import taxonomy
from taxonomy import TaxonomyDataError, load_taxonomy
from tests.taxonomy.test_loader_errors import copy_taxonomy


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("ROLEFIT_CACHE_DIR", str(where))
    return where


def _fresh_process() -> None:
    """What a new process starts with: nothing loaded yet (the disk cache stays)."""
    taxonomy._load_cached.cache_clear()


def test_cache_gives_back_the_taxonomy_it_stored(tmp_path: Path, cache: Path) -> None:
    data = copy_taxonomy(tmp_path)
    first = load_taxonomy(data)
    assert len(list(cache.glob("taxonomy-*.pickle"))) == 1
    _fresh_process()
    again = load_taxonomy(data)
    assert again is not first
    assert again == first
    assert again.lookup("A/B testing") == first.lookup("A/B testing")


def test_cache_edited_data_is_read_again(tmp_path: Path, cache: Path) -> None:
    data = copy_taxonomy(tmp_path)
    load_taxonomy(data)
    skills = data / "skills.toml"
    skills.write_text(
        skills.read_text(encoding="utf-8").replace(
            'name = "A/B testing"', 'name = "Split testing"'
        ),
        encoding="utf-8",
    )
    _fresh_process()
    edited = load_taxonomy(data)
    assert edited.lookup("Split testing") is not None
    assert len(list(cache.glob("taxonomy-*.pickle"))) == 2


def test_cache_an_edited_source_is_checked_again(tmp_path: Path, cache: Path) -> None:
    data = copy_taxonomy(tmp_path)
    load_taxonomy(data)
    source = tmp_path / "sources" / "000_09ddec222bbedbb2.txt"
    quoted = "Career Path Data Scientist, ML Engineer, AI Specialist."
    text = source.read_text(encoding="utf-8")
    assert quoted in text
    source.write_text(text.replace(quoted, ""), encoding="utf-8")
    _fresh_process()
    with pytest.raises(TaxonomyDataError, match="sentence not found"):
        load_taxonomy(data)


def test_cache_unwritable_directory_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("ROLEFIT_CACHE_DIR", str(blocked / "cache"))
    _fresh_process()
    assert load_taxonomy(copy_taxonomy(tmp_path)).skills


def test_cache_off_when_the_variable_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEFIT_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _fresh_process()
    assert load_taxonomy(copy_taxonomy(tmp_path)).roles
    assert not (tmp_path / "xdg").exists()
