"""Issue #17: after ``DELETE /v1/candidates/{id}`` the candidate's resume text is found nowhere
in the database files (SQLite: the database, its WAL and shared memory), even with
``ROLEFIT_STORE_RESUME_TEXT`` on. The real server, its own SQLite file."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.documents import person_text as resume_text
from tests.jobboard.live import start_server, stop_server
from tests.jobboard.test_api_jobs import DESCRIPTION

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]


def _found(folder: Path, marker: bytes) -> list[str]:
    return sorted(
        f.name
        for f in folder.iterdir()
        if f.name.startswith("rolefit.db") and marker in f.read_bytes()
    )


def test_an_erased_candidate_leaves_no_resume_text_in_the_database_files(tmp_path: Path) -> None:
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    url = f"sqlite:///{db_dir / 'rolefit.db'}"
    marker = f"Quillonbeck{uuid.uuid4().hex[:8]}"
    text = resume_text().replace("Data engineer", f"Data engineer {marker}", 1)
    assert marker in text
    server = start_server(tmp_path / "srv", url, store_resume_text=True)
    try:
        with server.client() as client:
            job = client.post(
                "/v1/jobs",
                json={"title": "Data Engineer", "description": DESCRIPTION, "external_id": "e1"},
            )
            assert job.status_code == 201, job.text
            for candidate in ("cand-keep", "cand-gone"):
                body = text if candidate == "cand-gone" else resume_text()
                applied = client.post(
                    f"/v1/jobs/{job.json()['id']}/applications",
                    files={"file": ("resume.txt", body.encode())},
                    data={"external_candidate_id": candidate},
                )
                assert applied.status_code == 201, applied.text
            before = _found(db_dir, marker.encode())
            erased = client.delete("/v1/candidates/cand-gone")
            after = _found(db_dir, marker.encode())
            kept = client.get(f"/v1/jobs/{job.json()['id']}/candidates").json()["items"]
    finally:
        stop_server(server)
    assert before, "the resume text was stored (store_resume_text) before the erase"
    assert erased.status_code == 200, erased.text
    assert after == [], f"{marker} still in {after}"
    assert [c["external_candidate_id"] for c in kept] == ["cand-keep"]
