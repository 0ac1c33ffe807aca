"""``rolefit match``'s role table fits an 80-column terminal: one line per role, nothing wrapped
(issue 13). Run as a subprocess with the real taxonomy, whose longest titles are what wrapped."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.issue(13)]

RESUME = """Jane Doe
Data Scientist
Skills
Python, SQL, pandas, scikit-learn, PyTorch, Kubernetes, Docker
Experience
Data Scientist at Example Corp 2019-2024
- Built churn models in Python with scikit-learn; served them on Kubernetes
"""


def test_role_table_fits_80_columns(tmp_path: Path) -> None:
    resume = tmp_path / "cv.txt"
    resume.write_text(RESUME, encoding="utf-8")
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    out = subprocess.run(
        [sys.executable, "-m", "cli", "match", str(resume), "--top", "30"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=True,
    ).stdout
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("┡"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("└"))
    rows = lines[start + 1 : end]
    assert len(rows) >= 5  # the five roles (variants only when asked for)
    for line in lines[: end + 1]:
        assert len(line) <= 80, line
    for row in rows:  # every row is a whole role: a score and a band, never a wrapped remainder
        cells = [c.strip() for c in row.strip("│").split("│")]
        assert re.fullmatch(r"\d+\.\d", cells[1]), row
        assert cells[3] in ("strong", "good", "partial", "weak"), row


def test_roles_table_fits_80_columns_with_whole_ids() -> None:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    out = subprocess.run(
        [sys.executable, "-m", "cli", "roles"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    assert all(len(line) <= 80 for line in out.splitlines()), out
    from taxonomy import load_taxonomy

    ids = {
        cell.strip("│ ↳")
        for line in out.splitlines()
        if line.startswith("│")
        for cell in [line.split("│")[1]]
    }
    assert ids == set(load_taxonomy().roles)  # one line per role, every id whole
