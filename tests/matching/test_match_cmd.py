"""``rolefit match``: readable report, --role, --job, --json, errors.

The parse stage is replaced by ``doc_from_text`` here (a test double) so these tests exercise the
command itself; the end-to-end tests with real files live in test_end_to_end.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from matcher.errors import EmptyDocumentError
from matcher.models import Document
from matcher.pipeline import Matcher
from tests.matching.support import doc_from_text

RESUME = """Sam Lee
sam@example.org
Summary
Data person.
Skills
Python, SQL, pandas, Tableau, Kubernets
Experience
• Built churn models in Python and scikit-learn for 2M customers
"""

POSTING = """# Data Scientist
## Requirements
- Python, SQL and R
## Nice to have
- Tableau
"""


@pytest.fixture
def cli_matcher(small_matcher: Matcher, monkeypatch: pytest.MonkeyPatch) -> Matcher:
    def fake_parse(self: Matcher, data: bytes, *, filename: str | None = None) -> Document:
        text = data.decode("utf-8")
        if not text.strip():
            raise EmptyDocumentError()
        return doc_from_text(text)

    monkeypatch.setattr(Matcher, "default", classmethod(lambda cls, options=None: small_matcher))
    monkeypatch.setattr(Matcher, "parse", fake_parse)
    return small_matcher


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["match", *args])
    return result.exit_code, result.output


def test_match_cmd_readable_report(cli_matcher: Matcher, tmp_path: Path) -> None:
    resume = tmp_path / "sam.txt"
    resume.write_text(RESUME, encoding="utf-8")
    code, out = _run(str(resume))
    assert code == 0, out
    assert "Role fit" in out
    assert "Data Scientist" in out
    assert "Suggestions" in out
    assert "Kubernets" in out  # shown next to the canonical name it was read as


def test_match_cmd_json_has_contract_fields(cli_matcher: Matcher, tmp_path: Path) -> None:
    resume = tmp_path / "sam.txt"
    resume.write_text(RESUME, encoding="utf-8")
    code, out = _run(str(resume), "--role", "data-scientist", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert {"skills", "roles", "suggestions", "taxonomy_version", "method"} <= set(data)
    skill = data["skills"][0]
    assert {"skill_id", "name", "evidence", "strength"} <= set(skill)  # the API's report JSON
    (role,) = data["roles"]
    assert {"role_id", "title", "score", "band", "matched", "missing"} <= set(role)
    assert role["role_id"] == "data-scientist"


def test_match_cmd_json_keeps_each_compact_row_on_one_line(
    cli_matcher: Matcher, tmp_path: Path
) -> None:
    resume = tmp_path / "sam.txt"
    resume.write_text(RESUME, encoding="utf-8")
    code, out = _run(str(resume), "--json")
    assert code == 0, out
    data = json.loads(out)
    lines = out.splitlines()
    row = data["roles"][0]["matched"][0]  # [skill_id, importance, weight, credit, via?]
    assert isinstance(row, list)
    assert len(row) >= 4
    evidence = data["skills"][0]["evidence"][0]  # [surface, section, page, line, start, ...]
    for compact in (row, evidence):
        assert json.dumps(compact, separators=(", ", ": ")) in {
            line.strip().rstrip(",") for line in lines
        }
    # a row's values never get a line each
    assert not any(line.strip() == json.dumps(row[0]) + "," for line in lines)


def test_match_cmd_with_job_file(cli_matcher: Matcher, tmp_path: Path) -> None:
    resume = tmp_path / "sam.txt"
    resume.write_text(RESUME, encoding="utf-8")
    job = tmp_path / "job.md"
    job.write_text(POSTING, encoding="utf-8")
    code, out = _run(str(resume), "--job", str(job), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["job"]["kind"] == "job"
    assert "r" in {m[0] for m in data["job"]["missing"]}  # [skill_id, importance, weight]
    assert any(s["target"] == "job" for s in data["suggestions"])


def test_match_cmd_inline_jsonld_job(cli_matcher: Matcher, tmp_path: Path) -> None:
    resume = tmp_path / "sam.txt"
    resume.write_text(RESUME, encoding="utf-8")
    jsonld = json.dumps(
        {
            "@type": "JobPosting",
            "title": "Analyst",
            "description": "<p>Requirements: SQL, Excel</p>",
        }
    )
    code, out = _run(str(resume), "--job", jsonld)
    assert code == 0, out
    assert "(posting)" in out


def test_match_cmd_unknown_role_exits_1(cli_matcher: Matcher, tmp_path: Path) -> None:
    resume = tmp_path / "sam.txt"
    resume.write_text(RESUME, encoding="utf-8")
    code, out = _run(str(resume), "--role", "astronaut", "--json")
    assert code == 1
    assert json.loads(out)["error"]["code"] == "unknown-role"


def test_match_cmd_bad_job_exits_1(cli_matcher: Matcher, tmp_path: Path) -> None:
    resume = tmp_path / "sam.txt"
    resume.write_text(RESUME, encoding="utf-8")
    job = tmp_path / "job.json"
    job.write_text('{"@type": "Person"}', encoding="utf-8")
    code, out = _run(str(resume), "--job", str(job), "--json")
    assert code == 1
    assert json.loads(out)["error"]["code"] == "invalid-job-posting"


def test_match_cmd_empty_file_exits_1(cli_matcher: Matcher, tmp_path: Path) -> None:
    resume = tmp_path / "empty.txt"
    resume.write_text("", encoding="utf-8")
    code, _ = _run(str(resume))
    assert code == 1


def test_match_cmd_missing_file_is_usage_error(cli_matcher: Matcher, tmp_path: Path) -> None:
    code, _ = _run(str(tmp_path / "nope.pdf"))
    assert code == 2


def test_match_cmd_collector_back_for_long_commands_only() -> None:
    """``cli.main`` starts with the garbage collector off; the commands that run long get it
    back before they start, a short one keeps it off until it exits."""
    import gc

    from cli.app import started

    gc.disable()
    try:
        assert CliRunner().invoke(app, ["version"]).exit_code == 0
        assert not gc.isenabled()
        assert CliRunner().invoke(app, ["keys", "--help"]).exit_code == 0
        assert gc.isenabled()
        gc.disable()
        started()  # match, once its Matcher is built
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


def test_match_cmd_role_by_title_and_the_full_json(cli_matcher: Matcher, tmp_path: Path) -> None:
    resume = tmp_path / "sam.txt"
    resume.write_text(RESUME, encoding="utf-8")
    code, out = _run(str(resume), "--role", "Data Scientist", "--json")
    assert code == 0, out
    compact = json.loads(out)
    code, out = _run(str(resume), "--role", "data-scientist", "--json", "--full")
    assert code == 0, out
    full = json.loads(out)
    assert compact["detail"] == "compact"
    assert full["detail"] == "full"
    assert [r["role_id"] for r in compact["roles"]] == ["data-scientist"]
    (small,), (big,) = compact["roles"], full["roles"]
    assert small["score"] == big["score"]
    assert big["matched"]
    assert all(m["evidence"] for m in big["matched"])
    assert [m[0] for m in small["matched"]] == [m["skill_id"] for m in big["matched"]]
    assert {m["skill_id"] for m in big["matched"]} <= set(compact["skill_names"])
