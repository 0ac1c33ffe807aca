"""Folders of resumes for the batch tests, and a helper that runs ``rolefit batch`` as a subprocess.

Every resume is synthetic (``tests/documents.py``, or the generated text resumes below); nothing
is copied from the corpus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import documents

# Fields that legitimately differ between two runs of the same files.
VOLATILE = ("timings", "worker", "finished")

SKILL_POOL = (
    "Python", "SQL", "PostgreSQL", "Docker", "Kubernetes", "AWS", "pandas", "PyTorch",
    "scikit-learn", "TensorFlow", "Apache Airflow", "Apache Spark", "Java", "Go", "React",
    "Git", "Linux", "Tableau", "R", "Statistics", "Machine learning", "Data visualization",
)  # fmt: skip

GOOD = {  # name in the folder -> format the batch must report
    "reportlab.pdf": "pdf",
    "fpdf2.pdf": "pdf",
    "libreoffice.pdf": "pdf",
    "two-columns.pdf": "pdf",
    "resume.docx": "docx",
    "resume.txt": "text",
    "utf16.txt": "text",
    "no-extension": "pdf",  # sniffed by content, not by name
    "&x<script>alert(1)<script>.txt": "text",  # hostile name: escaped in the report
}
BAD = {  # name -> error code
    "corrupt.pdf": "corrupt-document",
    "locked.pdf": "pdf-encrypted",
    "scanned.pdf": "no-text",
    "empty.txt": "empty-document",
    "photo.png": "no-text",  # a PNG is read by OCR; this photo has no text in it
}
SKIPPED = {"photo.gif": "unsupported-type", "resume.pdf.png": "unsupported-type"}
NESTED = {"nested/deeper/more.pdf": "pdf", "nested/notes.txt": "text"}


def text_resume(i: int) -> str:
    """A small, distinct plain-text resume (made-up person, no contact data)."""
    skills = [SKILL_POOL[(i * 7 + k) % len(SKILL_POOL)] for k in range(5 + i % 4)]
    return (
        f"Candidate Number {i}\nSoftware and Data Engineer\n\nSummary\n"
        f"Engineer with {2 + i % 9} years of experience shipping data products.\n\n"
        f"Skills\n{', '.join(skills)}\n\nExperience\n"
        f"Engineer, Example Company {i}, 2019 - 2024\n"
        f"• Built services in {skills[0]} and {skills[1]} used by {100 + i} teams.\n"
        f"• Automated deployments with {skills[2]}.\n\n"
        "Education\nBSc Computer Science, University of Example, 2015\n"
    )


def write(root: Path, name: str, data: bytes | str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def mixed_folder(root: Path) -> Path:
    """PDFs from reportlab, fpdf2 and LibreOffice, DOCX, text (UTF-8/16), bad files, a PNG and GIFs,
    a hidden file, and a nested folder (read only with --recursive)."""
    sample = documents.sample_resume()
    files: dict[str, bytes | str] = {
        "reportlab.pdf": documents.person_pdf("reportlab"),
        "fpdf2.pdf": documents.person_pdf("fpdf2"),
        "libreoffice.pdf": documents.person_pdf("soffice"),
        "two-columns.pdf": documents.make_pdf(sample, producer="reportlab", columns=2),
        "resume.docx": documents.person_docx(),
        "resume.txt": documents.person_text(),
        "utf16.txt": documents.make_text(sample, encoding="utf-16-le", bom=True),
        "no-extension": documents.make_pdf(sample, producer="reportlab", columns=1),
        "&x<script>alert(1)<script>.txt": text_resume(1),
        "corrupt.pdf": documents.truncated_pdf(documents.person_pdf("reportlab")),
        "locked.pdf": documents.locked_pdf(),
        "scanned.pdf": documents.image_only_pdf(),
        "empty.txt": b"",
        "photo.png": documents.png_image(),
        "photo.gif": documents.gif_image(),
        "resume.pdf.png": documents.gif_image() + b"\x00extra",  # the name lies: a GIF
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
        "nested/deeper/more.pdf": documents.text_pages_pdf(
            b"BT /F1 11 Tf 60 700 Td (Skills: Python, SQL, Docker, Kubernetes) Tj ET\n"
        ),
        "nested/notes.txt": text_resume(2),
    }
    for name, data in files.items():
        write(root, name, data)
    return root


def many_text_resumes(root: Path, count: int) -> Path:
    for i in range(count):
        write(root, f"candidate-{i:03d}.txt", text_resume(i))
    return root


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def rolefit_batch(*args: str | Path, timeout: float = 240) -> Run:
    """``rolefit batch ARGS`` in a subprocess (stdout is a pipe: no progress bar)."""
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "batch", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def start_batch(*args: str | Path) -> subprocess.Popen[bytes]:
    """``rolefit batch ARGS`` in its own process group (so its workers can be killed with it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "batch", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def lines(out: Path) -> list[dict[str, Any]]:
    """Every complete line of a results file (a torn last line is not returned)."""
    raw = out.read_bytes() if out.exists() else b""
    return [json.loads(line) for line in raw.split(b"\n")[:-1] if line]


def by_path(out: Path) -> dict[str, dict[str, Any]]:
    records = lines(out)
    result = {r["path"]: r for r in records}
    assert len(result) == len(records), "a path appears twice in the results"
    return result


def stable(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Lines keyed by content hash, without the fields that differ between runs."""
    return {r["sha256"]: {k: v for k, v in r.items() if k not in VOLATILE} for r in records}
