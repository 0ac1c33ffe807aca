"""What ``make eval`` and ``make bench`` both need: the shared corpus's own scorer, and the
commit their results are recorded against."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType


def load_scorer(corpus: Path) -> ModuleType:
    """The corpus's ``score.py``, loaded as a module (it is not a package of ours)."""
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {corpus / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, cwd=root, check=True
    ).stdout.strip()


def git_commit(root: Path) -> tuple[str, bool] | None:
    """Short hash of HEAD and whether tracked files have changes; None outside a git checkout."""
    try:
        head = _git(root, "rev-parse", "--short", "HEAD")
        return head, bool(_git(root, "status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        return None
