"""``make test`` on a machine without the system tools: the end of the run names the tests that
were skipped for a missing tool and the one command that installs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TESTS = """
from tests import tools


def test_prints_with_chromium():
    tools.require("rolefit-test-no-such-chromium", what="Chromium")


def test_converts_with_libreoffice():
    tools.require("rolefit-test-no-such-soffice", what="LibreOffice")


def test_needs_nothing():
    assert 1 + 1 == 2
"""


def _pytest(folder: Path, *, strict: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ROLEFIT_TEST_STRICT"}
    env["PYTHONPATH"] = str(ROOT)
    if strict:
        env["ROLEFIT_TEST_STRICT"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_skipped_tools_are_listed_with_the_install_command(tmp_path: Path) -> None:
    (tmp_path / "test_needs_tools.py").write_text(TESTS, encoding="utf-8")
    run = _pytest(tmp_path, strict=False)
    assert run.returncode == 0, run.stdout + run.stderr
    tail = run.stdout[run.stdout.index("skipped for missing system tools") :]
    assert "test_needs_tools.py::test_prints_with_chromium" in tail
    assert "test_needs_tools.py::test_converts_with_libreoffice" in tail
    assert "test_needs_nothing" not in tail
    assert "2 test(s) skipped because a system tool is missing" in tail
    command = next(line.strip() for line in tail.splitlines() if "apt-get install" in line)
    assert command.split()[-3:] == ["chromium", "fonts-dejavu", "libreoffice-writer"]


def test_no_tool_summary_when_nothing_was_skipped_and_ci_fails_instead(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text("def test_ok():\n    assert True\n", encoding="utf-8")
    plain = _pytest(tmp_path, strict=False)
    assert plain.returncode == 0, plain.stdout
    assert "missing system tools" not in plain.stdout
    (tmp_path / "test_needs_tools.py").write_text(TESTS, encoding="utf-8")
    strict = _pytest(tmp_path, strict=True)
    assert strict.returncode == 1
    assert "missing system tools" not in strict.stdout  # failed, not skipped
