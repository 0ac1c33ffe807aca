"""Fixtures for matching tests: a small on-disk taxonomy and a Matcher built on it once."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.pipeline import Matcher
from taxonomy import Taxonomy, load_taxonomy
from tests.matching.support import write_taxonomy


@pytest.fixture(scope="session")
def small_taxonomy(tmp_path_factory: pytest.TempPathFactory) -> Taxonomy:
    root: Path = tmp_path_factory.mktemp("taxonomy")
    return load_taxonomy(write_taxonomy(root))


@pytest.fixture(scope="session")
def small_matcher(small_taxonomy: Taxonomy) -> Matcher:
    return Matcher(small_taxonomy)
