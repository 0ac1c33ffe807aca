"""Batches through the real server (SQLite and PostgreSQL): several files or a zip, for a
posting or for roles; progress, pages of results, idempotent submission, and problems."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import pytest

from tests import documents
from tests.documents import medium_pdf, strong_pdf, weak_pdf
from tests.jobboard.helpers import (
    assert_problem,
    unique,
    wait_until,
)
from tests.jobboard.live import ApiServer
from tests.jobboard.test_api_jobs import DESCRIPTION

pytestmark = pytest.mark.slow


def new_job(client: httpx.Client) -> str:
    body = {"title": "Data Engineer", "description": DESCRIPTION, "external_id": unique("bj")}
    response = client.post("/v1/jobs", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def completed(client: httpx.Client, batch_id: str) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        body: dict[str, Any] = client.get(f"/v1/batches/{batch_id}").json()
        assert body["status"] in ("queued", "running", "completed")
        assert 0 <= body["progress"] <= 1
        return body if body["status"] == "completed" else None

    return wait_until(check, timeout=120, every=0.2)


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def test_batches_several_files_for_a_posting(api: ApiServer) -> None:
    ids = [unique("strong"), unique("weak"), unique("medium")]
    with api.client() as client:
        job = new_job(client)
        response = client.post(
            "/v1/batches",
            data={"job_id": job, "external_candidate_ids": ids},
            files=[
                ("files", ("1.pdf", strong_pdf())),
                ("files", ("2.pdf", weak_pdf())),
                ("files", ("3.pdf", medium_pdf())),
            ],
        )
        assert response.status_code == 202, response.text
        batch = response.json()
        done = completed(client, batch["id"])
        first = client.get(f"/v1/batches/{batch['id']}/results", params={"limit": 2}).json()
        rest = client.get(
            f"/v1/batches/{batch['id']}/results",
            params={"limit": 2, "cursor": first["next_cursor"]},
        ).json()
        ranking = client.get(f"/v1/jobs/{job}/candidates").json()["items"]
    assert response.headers["location"] == f"/v1/batches/{batch['id']}"
    assert batch["id"].startswith("bat_")
    assert (batch["status"], batch["total"], batch["job_id"]) == ("queued", 3, job)
    assert (done["done"], done["failed"], done["progress"]) == (3, 0, 1.0)
    assert done["completed_at"] is not None
    items = first["items"] + rest["items"]
    assert rest["next_cursor"] is None
    assert [i["position"] for i in items] == [0, 1, 2]
    assert [i["external_candidate_id"] for i in items] == ids
    assert {i["status"] for i in items} == {"done"}
    scores = [i["result"]["score"] for i in items]
    assert scores[0] > scores[2] > scores[1]
    assert items[0]["result"]["application_id"].startswith("app_")
    assert {m["skill_id"] for m in items[0]["result"]["matched"]} >= {"python", "sql"}
    assert items[0]["result"]["roles"], "the best taxonomy roles too"
    assert [a["external_candidate_id"] for a in ranking] == [ids[0], ids[2], ids[1]]
    assert {a["source"] for a in ranking} == {"batch"}


def test_batches_a_zip_for_roles_with_a_bad_file(api: ApiServer) -> None:
    archive = zipped(
        {
            "cv/alice-1.pdf": strong_pdf(),
            "cv/bob-2.txt": documents.person_text().encode(),
            "cv/carol-3.pdf": documents.locked_pdf(),
            "__MACOSX/cv/._alice-1.pdf": b"junk",
            "cv/": b"",
        }
    )
    with api.client() as client:
        response = client.post(
            "/v1/batches",
            data={"roles": "ml-engineer, data-scientist"},
            files={"files": ("resumes.zip", archive)},
        )
        assert response.status_code == 202, response.text
        done = completed(client, response.json()["id"])
        items = client.get(f"/v1/batches/{done['id']}/results").json()["items"]
    assert done["roles"] == ["ml-engineer", "data-scientist"]
    assert done["job_id"] is None
    assert (done["total"], done["done"], done["failed"]) == (3, 2, 1)
    assert [i["external_candidate_id"] for i in items] == ["alice-1", "bob-2", "carol-3"]
    assert [i["status"] for i in items] == ["done", "done", "failed"]
    assert items[2]["error_code"] == "pdf-encrypted"
    assert items[2]["result"] is None
    roles = {r["role_id"] for r in items[0]["result"]["roles"]}
    assert roles <= {"ml-engineer", "data-scientist"}
    assert "application_id" not in items[0]["result"], "no posting: nothing stored as applied"


def test_batches_idempotent_submission(api: ApiServer) -> None:
    key = {"Idempotency-Key": unique("batch")}
    with api.client() as client:
        job = new_job(client)
        files = {"files": ("x.txt", documents.person_text().encode())}
        first = client.post("/v1/batches", data={"job_id": job}, files=files, headers=key)
        again = client.post("/v1/batches", data={"job_id": job}, files=files, headers=key)
        other = client.post(
            "/v1/batches",
            data={"roles": "ml-engineer"},
            files=files,
            headers=key,
        )
        completed(client, first.json()["id"])
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert_problem(other, 422, "idempotency-key-reused")


def test_batches_bad_input_is_a_problem(api: ApiServer) -> None:
    text = documents.person_text().encode()
    with api.client() as client:
        job = new_job(client)
        one = {"files": ("a.txt", text)}
        cases: list[tuple[httpx.Response, int, str]] = [
            (client.post("/v1/batches", json={"job_id": job}), 415, "unsupported-type"),
            (
                client.post("/v1/batches", data={"job_id": job}, files={"x": ("a", b"")}),
                422,
                "validation-error",
            ),
            (client.post("/v1/batches", files=one), 422, "validation-error"),
            (
                client.post("/v1/batches", data={"job_id": job, "roles": "ml-engineer"}, files=one),
                422,
                "validation-error",
            ),
            (
                client.post("/v1/batches", data={"roles": "astronaut"}, files=one),
                404,
                "unknown-role",
            ),
            (client.post("/v1/batches", data={"job_id": "job_nope"}, files=one), 404, "not-found"),
            (
                client.post(
                    "/v1/batches", data={"job_id": job}, files={"files": ("a.zip", b"PK nope")}
                ),
                422,
                "validation-error",
            ),
            (
                client.post(
                    "/v1/batches",
                    data={"job_id": job},
                    files={"files": ("a.zip", zipped({"__MACOSX/x": b"", "d/": b""}))},
                ),
                422,
                "validation-error",
            ),
            (
                client.post(
                    "/v1/batches",
                    data={"job_id": job, "external_candidate_ids": ["a", "b"]},
                    files=one,
                ),
                422,
                "validation-error",
            ),
            (
                client.post(
                    "/v1/batches",
                    data={"job_id": job, "external_candidate_ids": ["bad id"]},
                    files=one,
                ),
                422,
                "validation-error",
            ),
            (
                client.post("/v1/batches", data={"job_id": job}, files={"files": ("a.exe", b"MZ")}),
                422,
                "validation-error",
            ),
            (client.get("/v1/batches/bat_nope"), 404, "not-found"),
            (client.get("/v1/batches/bat_nope/results"), 404, "not-found"),
        ]
    with api.client("read") as reader:
        cases.append(
            (reader.post("/v1/batches", data={"job_id": job}, files=one), 403, "forbidden")
        )
    for response, status, code in cases:
        assert_problem(response, status, code)
