"""``rolefit jobs import|list|purge`` and ``rolefit candidates erase`` as subprocesses, on SQLite
and PostgreSQL, with feeds from files and from the local HTTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.jobboard.helpers import FEEDS
from tests.jobboard.local_http import LocalHttp

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def rolefit(
    db_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROLEFIT_")}
    clean.update({"ROLEFIT_DATABASE_URL": db_url, "COLUMNS": "200", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean,
        timeout=180,
        check=False,
    )


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(result.stdout)


def test_cli_jobs_import_files_then_list(fresh_database: Callable[[], str]) -> None:
    db = fresh_database()
    first = rolefit(
        db, "jobs", "import", str(FEEDS / "greenhouse.json"), "--format", "greenhouse", "--json"
    )
    again = rolefit(db, "jobs", "import", str(FEEDS / "greenhouse.json"), "-f", "greenhouse")
    listed = rolefit(db, "jobs", "list", "--json")
    assert first.returncode == 0, first.stderr
    result = as_json(first)
    assert (result["format"], result["total"], result["created"]) == ("greenhouse", 2, 2)
    assert {j["external_id"] for j in result["jobs"]} == {"4012345", "4012346"}
    assert again.returncode == 0, again.stderr
    assert "2 postings: 0 created, 2 updated, 0 failed" in again.stdout
    rows = as_json(listed)
    assert [r["external_id"] for r in rows] == ["4012346", "4012345"], "newest first"
    data_engineer = rows[1]
    assert data_engineer["source"] == "greenhouse"
    assert {"python", "sql", "airflow", "postgresql"} <= set(data_engineer["required"])


def sqlite(tmp_path: Path) -> str:
    """For the commands whose outcome does not depend on the database (one backend is enough)."""
    return f"sqlite:///{tmp_path / 'rolefit.db'}"


def test_cli_jobs_import_from_a_url_with_the_guards(local: LocalHttp, tmp_path: Path) -> None:
    db = sqlite(tmp_path)
    url = f"{local.url}/feeds/lever.json"
    refused = rolefit(db, "jobs", "import", url, "--format", "lever")
    allowed = rolefit(
        db,
        "jobs",
        "import",
        url,
        "--format",
        "lever",
        "--organization",
        "Northwind",
        "--json",
        env={"ROLEFIT_ALLOW_PRIVATE_URLS": "true"},
    )
    slow = rolefit(
        db,
        "jobs",
        "import",
        f"{local.url}/slow?seconds=3",
        "--format",
        "lever",
        "--json",
        env={"ROLEFIT_ALLOW_PRIVATE_URLS": "true", "ROLEFIT_FETCH_TIMEOUT": "0.5"},
    )
    big = rolefit(
        db,
        "jobs",
        "import",
        f"{local.url}/big?bytes=50000&chunked=1",
        "--format",
        "lever",
        "--json",
        env={"ROLEFIT_ALLOW_PRIVATE_URLS": "true", "ROLEFIT_FETCH_MAX_BYTES": "10000"},
    )
    assert refused.returncode == 1
    assert "[url-refused]" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert as_json(allowed)["jobs"][0]["title"] == "Backend Engineer, Platform"
    assert as_json(slow)["error"]["code"] == "feed-unreachable"
    assert "timed out" in as_json(slow)["error"]["message"]
    assert as_json(big)["error"]["code"] == "feed-too-large"
    assert {r.returncode for r in (slow, big)} == {1}


def test_cli_jobs_import_bad_input(tmp_path: Path) -> None:
    db = sqlite(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text('{"jobs": [', encoding="utf-8")
    partly = tmp_path / "partly.json"
    lever = json.loads((FEEDS / "lever.json").read_text(encoding="utf-8"))
    unreadable = {"id": "bad-1", "text": "Intern", "description": "<p>?</p>"}
    partly.write_text(json.dumps([*lever, unreadable]), encoding="utf-8")
    cases = {
        "format": rolefit(db, "jobs", "import", str(broken), "--format", "workday"),
        "missing": rolefit(db, "jobs", "import", str(tmp_path / "nope.json"), "-f", "lever"),
        "broken": rolefit(db, "jobs", "import", str(broken), "-f", "greenhouse", "--json"),
        "partly": rolefit(db, "jobs", "import", str(partly), "-f", "lever", "--json"),
    }
    assert cases["format"].returncode == 2
    assert "greenhouse, lever, ashby, jsonld" in cases["format"].stderr
    assert cases["missing"].returncode == 1
    assert "[not-found]" in cases["missing"].stderr
    assert as_json(cases["broken"])["error"]["code"] == "feed-invalid"
    assert cases["partly"].returncode == 1, "a failed posting fails the command"
    result = as_json(cases["partly"])
    assert result["created"] == 1
    assert [(f["external_id"], f["code"]) for f in result["failed"]] == [
        ("bad-1", "invalid-job-posting")
    ]
    assert all("Traceback" not in r.stderr for r in cases.values())


def test_cli_candidates_erase_and_jobs_purge(fresh_database: Callable[[], str]) -> None:
    from service.db import make_engine, session_factory, upgrade
    from service.storage import repositories as repo
    from tests.jobboard.support import posting, report

    db = fresh_database()
    upgrade(db)
    engine = make_engine(db)
    try:
        with session_factory(engine).begin() as session:
            job, _ = repo.upsert_job(session, posting("cli-1"), source="json", taxonomy_version="t")
            repo.upsert_application(session, job, "cand-cli", report(70.0), retention_days=30)
            repo.upsert_application(session, job, "cand-stays", report(20.0), retention_days=30)
    finally:
        engine.dispose()
    erased = rolefit(db, "candidates", "erase", "cand-cli", "--json")
    bad = rolefit(db, "candidates", "erase", "no spaces please")
    purged = rolefit(db, "jobs", "purge", "--json")
    assert erased.returncode == 0, erased.stderr
    receipt = as_json(erased)
    assert receipt["external_candidate_id"] == "cand-cli"
    assert receipt["erased"]["applications"] == 1
    assert receipt["erased"]["events"] == 1
    assert bad.returncode == 2
    assert purged.returncode == 0, purged.stderr
    assert as_json(purged)["purged"]["applications"] == 0, "nothing has expired yet"
