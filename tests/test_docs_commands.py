"""Every ``rolefit`` command line the docs show runs as written (issue 13).

The command lines are read from README.md and docs/*.md: in ```console, ```bash, ```sh and
```shell blocks, the lines that start with ``rolefit`` or ``$ rolefit`` (a trailing ``\\``
continues a line; ``# ...`` is a comment, and ``# exit N`` in it is the exit code the docs
promise, 0 otherwise). Each runs as a subprocess (``python -m cli``) in one folder holding the
files the docs name (written here from tests/documents.py; a fresh copy for each command),
with the service's data in it: nothing is reached over the network. A command with a
placeholder to fill in (a scheduler's host, a key id) is shown in a ```text block instead.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import documents as docs

pytestmark = [pytest.mark.slow, pytest.mark.issue(13)]

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LANGS = {"console", "bash", "sh", "shell"}
FENCE = re.compile(r"^\s*```(\S*)\s*$")
EXIT = re.compile(r"#.*\bexit (\d+)\b")


@dataclass(frozen=True)
class Command:
    where: str  # file:line
    line: str
    argv: tuple[str, ...]
    exit_code: int

    def __str__(self) -> str:
        return f"{self.where}: {self.line}"


def doc_commands(paths: list[Path] = DOCS) -> list[Command]:
    """The rolefit command lines of the docs' shell blocks."""
    found: list[Command] = []
    for path in paths:
        lang: str | None = None
        pending = ""
        start = 0
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            fence = FENCE.match(raw)
            if fence:
                lang = None if lang is not None else fence.group(1).lower()
                continue
            if lang not in LANGS:
                continue
            line = raw.strip()
            if pending:
                pending += " " + line
            elif line.startswith(("rolefit ", "$ rolefit ")):
                pending, start = line.removeprefix("$ "), number
            else:
                continue
            if pending.endswith("\\"):
                pending = pending[:-1].rstrip()
                continue
            argv = tuple(shlex.split(pending, comments=True))
            expected = EXIT.search(pending)
            found.append(
                Command(
                    where=f"{path.relative_to(ROOT)}:{start}",
                    line=pending,
                    argv=argv[1:],
                    exit_code=int(expected.group(1)) if expected else 0,
                )
            )
            pending = ""
    return found


COMMANDS = doc_commands()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with every file the docs' commands name."""
    root = tmp_path_factory.mktemp("docs-commands")
    (root / "resume.txt").write_text(docs.person_text(), encoding="utf-8")
    pdf = docs.person_pdf("reportlab")
    (root / "resume.pdf").write_bytes(pdf)
    (root / "cv.pdf").write_bytes(pdf)
    (root / "posting.html").write_text(
        "<html><body><h1>Data Engineer</h1><h3>Requirements</h3><ul><li>Python</li>"
        "<li>SQL</li><li>Apache Airflow</li></ul><h3>Nice to have</h3><ul><li>Kubernetes</li>"
        "</ul></body></html>",
        encoding="utf-8",
    )
    (root / "posting.pdf").write_bytes(docs.posting_pdf())
    resumes = root / "resumes"
    (resumes / "team").mkdir(parents=True)
    (resumes / "alice.pdf").write_bytes(docs.strong_pdf())
    (resumes / "bob.pdf").write_bytes(docs.weak_pdf())
    (resumes / "carol.txt").write_text(docs.person_text("text"), encoding="utf-8")
    (resumes / "team" / "dan.docx").write_bytes(docs.person_docx())
    shutil.copy(ROOT / "tests" / "jobboard" / "feeds" / "greenhouse.json", root / "feed.json")
    return root


def test_the_docs_show_rolefit_commands() -> None:
    """The extraction itself: it finds the commands of every kind of block."""
    names = {c.argv[0] for c in COMMANDS if c.argv}
    assert {"match", "batch", "parse", "roles", "skills", "jobs", "keys", "db"} <= names
    assert len(COMMANDS) >= 30


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_every_rolefit_command_in_the_docs_runs(
    command: Command, sandbox: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "work"  # a fresh copy each: one command's outputs never meet another's
    shutil.copytree(sandbox, folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLEFIT_")}
    env.update(
        ROLEFIT_DATA_DIR=str(folder / "data"),
        PYTHONPATH=str(ROOT),
        COLUMNS="100",
    )
    run = subprocess.run(
        [sys.executable, "-m", "cli", *command.argv],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == command.exit_code, (
        f"{command}\nexit {run.returncode}\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    )
    assert "Traceback" not in run.stderr
