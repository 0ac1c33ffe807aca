"""``rolefit parse`` as a user runs it: a subprocess of the installed console script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.documents import make_docx, make_pdf, make_text, sample_resume

pytestmark = pytest.mark.slow

ROLEFIT = Path(sys.executable).with_name("rolefit")
CONTACT = ("Marta Kowalczyk", "marta.kowalczyk@example.org", "+48 601 234 567")


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(ROLEFIT), "parse", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli")
    out = {
        "pdf": make_pdf(sample_resume(), producer="reportlab", columns=2),
        "docx": make_docx(sample_resume(), skills_table=True),
        "txt": make_text(sample_resume(), encoding="utf-16-le", bom=True),
    }
    paths = {}
    for kind, data in out.items():
        paths[kind] = root / f"resume.{kind}"
        paths[kind].write_bytes(data)
    paths["gif"] = root / "photo.pdf"
    paths["gif"].write_bytes(b"GIF89a" + b"\x00" * 64)
    paths["png"] = root / "broken.png"
    paths["png"].write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return paths


def test_cli_parse_summary(files: dict[str, Path]) -> None:
    result = _run(files["pdf"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for value in CONTACT:
        assert value in out  # the user's own document, on the user's own stdout
    assert re.search(r"skills\s+\"Skills\"", out)
    assert re.search(r"experience\s+\"Experience\"", out)
    assert "Senior ML Engineer — Vistula Analytics" in out
    assert "multi-column" in out
    assert not any(value in result.stderr for value in CONTACT)  # nothing on the log stream


def test_cli_parse_json_contract(files: dict[str, Path]) -> None:
    result = _run(files["pdf"], "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["pages"] == 1
    assert "Kubernetes" in doc["text"]
    assert {"name", "email", "phone", "links"} <= set(doc["contact"])
    assert doc["contact"]["email"] == CONTACT[1]
    skills = next(s for s in doc["sections"] if s["kind"] == "skills")
    assert skills["heading"] == "Skills"
    assert skills["text"].splitlines()[0] == "Python"
    assert [w["code"] for w in doc["warnings"]] == ["multi-column"]
    assert doc["lines"][0]["page"] == 1


@pytest.mark.parametrize(("kind", "fmt"), [("docx", "docx"), ("txt", "text")])
def test_cli_parse_docx_and_text(files: dict[str, Path], kind: str, fmt: str) -> None:
    result = _run(files[kind], "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["format"] == fmt
    assert doc["contact"]["name"] == CONTACT[0]
    assert "skills" in [s["kind"] for s in doc["sections"]]


def test_cli_parse_bad_input_exit_1_with_code(files: dict[str, Path]) -> None:
    result = _run(files["gif"])
    assert result.returncode == 1
    assert "[unsupported-type]" in result.stderr
    assert "GIF" in result.stderr
    as_json = _run(files["gif"], "--json")
    assert as_json.returncode == 1
    error = json.loads(as_json.stdout)["error"]
    assert error["code"] == "unsupported-type"
    assert error["title"] == "Unsupported file type"
    assert "GIF" in error["detail"]
    # a PNG is read (by OCR), but this one's pixels cannot be decoded
    broken = _run(files["png"], "--json")
    assert broken.returncode == 1
    assert json.loads(broken.stdout)["error"]["code"] == "corrupt-document"


def test_cli_parse_limits_and_timeout(files: dict[str, Path]) -> None:
    too_big = _run(files["pdf"], "--max-bytes", "1000", "--json")
    assert too_big.returncode == 1
    assert json.loads(too_big.stdout)["error"]["code"] == "document-too-large"
    slow = _run(files["pdf"], "--timeout", "0.001")
    assert slow.returncode == 1
    assert "[parse-timeout]" in slow.stderr
    # the worker that overran was killed, not left behind
    (pid,) = map(int, re.findall(r"worker (\d+) killed", slow.stderr))
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper that is not ours counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def test_cli_parse_missing_file_is_usage_error(tmp_path: Path) -> None:
    result = _run(tmp_path / "nope.pdf")
    assert result.returncode == 2
    assert "no such file" in result.stderr
