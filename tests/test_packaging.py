"""What ``pip install .`` (the Docker image, a wheel) ships: every data file the packages read.

An editable install reads the source tree, so a file missing from ``package-data`` goes unseen
until the wheel runs without it: the imported technology vocabulary
(``taxonomy/data/vocabulary.json``) and O*NET's job titles were once left out, and the image
matched without either.
"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("matcher", "service", "taxonomy", "cli", "batch")


def _tracked(package: str) -> set[str]:
    out = subprocess.run(
        ["git", "ls-files", package], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return {
        str(Path(line).relative_to(package))
        for line in out.splitlines()
        if line and not line.endswith(".py")
    }


def test_every_data_file_of_a_package_is_in_its_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    missing = {}
    for package in PACKAGES:
        shipped: set[str] = set()
        for pattern in package_data.get(package, []):
            shipped.update(
                str(p.relative_to(ROOT / package)) for p in (ROOT / package).glob(pattern)
            )
        left_out = sorted(_tracked(package) - shipped)
        if left_out:
            missing[package] = left_out
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
