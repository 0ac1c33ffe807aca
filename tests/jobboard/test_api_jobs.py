"""Job postings through the real server (SQLite and PostgreSQL): every accepted shape, upsert
by external id, reading, cursor pages, deletion, auth, and a problem for every bad input."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest

from tests.jobboard.helpers import assert_problem, unique
from tests.jobboard.live import ApiServer

pytestmark = pytest.mark.slow

DESCRIPTION = (
    "<p>We move parcels.</p><h3>Requirements</h3><ul><li>5+ years of Python and SQL</li>"
    "<li>Apache Airflow</li><li>PostgreSQL</li></ul><h3>Nice to have</h3><ul><li>Kubernetes</li>"
    "</ul><p>Bachelor's degree in computer science.</p>"
)


def jsonld(ident: str, title: str = "Data Engineer", **extra: Any) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": title,
        "identifier": {"@type": "PropertyValue", "name": "Acme", "value": ident},
        "hiringOrganization": {"@type": "Organization", "name": "Acme Freight"},
        "description": DESCRIPTION,
        **extra,
    }


def post_ld(client: httpx.Client, body: object, **kwargs: Any) -> httpx.Response:
    return client.post(
        "/v1/jobs",
        content=json.dumps(body),
        headers={"content-type": "application/ld+json", **kwargs.pop("headers", {})},
        **kwargs,
    )


def skill_ids(items: list[dict[str, Any]]) -> set[str]:
    return {s["skill_id"] for s in items}


def test_jobs_jsonld_posting_gives_requirements_and_nearest_roles(api: ApiServer) -> None:
    ident = unique("de")
    with api.client() as client:
        response = post_ld(client, jsonld(ident))
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["id"].startswith("job_")
    assert job["external_id"] == ident
    assert job["title"] == "Data Engineer"
    assert job["organization"] == "Acme Freight"
    assert job["source"] == "jsonld"
    req = job["requirements"]
    assert skill_ids(req["required"]) >= {"python", "sql", "airflow", "postgresql"}
    assert "kubernetes" in skill_ids(req["preferred"])
    assert "kubernetes" not in skill_ids(req["required"])
    assert req["years_required"] == 5.0
    assert req["education"]
    roles = job["nearest_roles"]
    assert roles, "the nearest taxonomy roles are reported"
    assert all(r["title"] and 0 <= r["score"] <= 100 for r in roles)
    assert [r["score"] for r in roles] == sorted((r["score"] for r in roles), reverse=True)
    assert job["taxonomy_version"].startswith("tax-")


def test_jobs_same_identifier_updates_the_posting(api: ApiServer) -> None:
    ident = unique("upsert")
    with api.client() as client:
        first = post_ld(client, jsonld(ident))
        changed = jsonld(ident, title="Senior Data Engineer")
        changed["description"] = DESCRIPTION.replace("<li>PostgreSQL</li>", "<li>Snowflake</li>")
        second = post_ld(client, changed)
        listed = client.get(f"/v1/jobs/{ident}")
    assert first.status_code == 201
    assert second.status_code == 200, second.text
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["title"] == "Senior Data Engineer"
    assert "postgresql" not in skill_ids(second.json()["requirements"]["required"])
    assert second.json()["created_at"] == first.json()["created_at"]
    assert second.json()["updated_at"] > first.json()["updated_at"]
    assert listed.json()["title"] == "Senior Data Engineer"


def test_jobs_html_page_with_jsonld_in_a_graph(api: ApiServer) -> None:
    ident = unique("graph")
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "Acme Freight"},
            jsonld(ident, title="ML Engineer", description=DESCRIPTION.replace("SQL", "PyTorch")),
        ],
    }
    page = (
        "<!doctype html><html><head><title>Careers</title>"
        '<script type="application/ld+json">{"@type": "BreadcrumbList"}</script>'
        f'<script type="application/ld+json">{json.dumps(graph)}</script></head>'
        "<body><h1>ML Engineer</h1></body></html>"
    )
    with api.client() as client:
        response = client.post("/v1/jobs", content=page, headers={"content-type": "text/html"})
    assert response.status_code == 201, response.text
    job = response.json()
    assert (job["external_id"], job["title"], job["source"]) == (ident, "ML Engineer", "html")
    assert "pytorch" in skill_ids(job["requirements"]["required"])


def test_jobs_several_postings_in_one_body_are_refused_not_cut_to_the_first(
    api: ApiServer,
) -> None:
    first, second = unique("one-of-two"), unique("two-of-two")
    with api.client() as client:
        response = post_ld(client, [jsonld(first), jsonld(second, title="ML Engineer")])
        body = assert_problem(response, 422, "invalid-job-posting")
        assert "2 different JobPosting objects" in body["detail"]
        for ident in (first, second):  # neither was stored
            assert client.get(f"/v1/jobs/{ident}").status_code == 404
        # the same posting repeated (pages that print their JSON-LD twice) is one posting
        twice = post_ld(client, [jsonld(first), jsonld(first)])
    assert twice.status_code == 201, twice.text
    assert twice.json()["external_id"] == first


def test_jobs_jsonld_list_and_plain_html_and_text(api: ApiServer) -> None:
    ident = unique("list")
    in_page = unique("page-list")
    with api.client() as client:
        listed = post_ld(client, [{"@type": "Organization", "name": "x"}, jsonld(ident)])
        html_list = client.post(
            "/v1/jobs",
            content="<html><head><script type='application/ld+json'>"
            + json.dumps([{"@type": "WebSite", "name": "Careers"}, jsonld(in_page)])
            + "</script></head><body><p>Apply now</p></body></html>",
            headers={"content-type": "text/html"},
        )
        page = client.post(
            "/v1/jobs",
            content="<html><body><h1>Data Analyst</h1><h3>Requirements</h3><ul><li>SQL</li>"
            "<li>Tableau</li><li>Python</li></ul></body></html>",
            headers={"content-type": "text/html; charset=utf-8"},
        )
        text = client.post(
            "/v1/jobs",
            content="Platform Engineer\n\nRequirements:\n- Kubernetes and Terraform\n- Go\n",
            headers={"content-type": "text/plain"},
        )
    assert listed.status_code == 201, listed.text
    assert listed.json()["external_id"] == ident
    assert html_list.status_code == 201, html_list.text
    assert html_list.json()["external_id"] == in_page
    assert "airflow" in skill_ids(html_list.json()["requirements"]["required"])
    assert page.status_code == 201, page.text
    assert page.json()["title"] == "Data Analyst"
    assert page.json()["external_id"] is None
    assert {"sql", "python"} <= skill_ids(page.json()["requirements"]["required"])
    assert text.status_code == 201, text.text
    assert text.json()["source"] == "text"
    assert "kubernetes" in skill_ids(text.json()["requirements"]["required"])


def test_jobs_title_and_description_with_external_id(api: ApiServer) -> None:
    ident = unique("simple")
    body = {
        "title": "Data Engineer",
        "description": DESCRIPTION,
        "external_id": ident,
        "organization": "Acme",
    }
    with api.client() as client:
        created = client.post("/v1/jobs", json=body)
        again = client.post("/v1/jobs", json={**body, "title": "Data Engineer II"})
        override = client.post(
            "/v1/jobs", params={"external_id": ident}, json={**body, "external_id": None}
        )
    assert created.status_code == 201, created.text
    assert created.json()["source"] == "json"
    assert created.json()["organization"] == "Acme"
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    assert override.status_code == 200, "?external_id= is the key too"
    assert override.json()["id"] == created.json()["id"]


def test_jobs_read_by_id_or_external_id_and_delete(api: ApiServer) -> None:
    ident = unique("del")
    with api.client() as client:
        job = post_ld(client, jsonld(ident)).json()
        by_id = client.get(f"/v1/jobs/{job['id']}")
        by_external = client.get(f"/v1/jobs/{ident}")
        deleted = client.delete(f"/v1/jobs/{ident}")
        gone = client.get(f"/v1/jobs/{job['id']}")
        again = client.delete(f"/v1/jobs/{job['id']}")
    assert by_id.json() == job
    assert by_external.json() == job
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_problem(gone, 404, "not-found")
    assert_problem(again, 404, "not-found")


def test_jobs_cursor_pages_list_every_job_once(api: ApiServer) -> None:
    with api.client() as client:
        made = [post_ld(client, jsonld(unique("page"))).json()["id"] for _ in range(5)]
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/v1/jobs", params=params)
            assert page.status_code == 200, page.text
            body = page.json()
            assert len(body["items"]) <= 2
            seen += [j["id"] for j in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
    assert len(seen) == len(set(seen)), "no job twice"
    assert set(made) <= set(seen)
    assert seen == sorted(seen, reverse=True), "newest first"
    assert pages >= 3


def test_jobs_need_a_key_with_the_right_scope(api: ApiServer) -> None:
    with api.client(None) as anonymous:
        assert_problem(anonymous.get("/v1/jobs"), 401, "unauthenticated")
    with api.client("match") as other:
        assert_problem(other.get("/v1/jobs"), 403, "forbidden")
    with api.client("read") as reader:
        assert reader.get("/v1/jobs").status_code == 200
        assert_problem(post_ld(reader, jsonld(unique("ro"))), 403, "forbidden")
        assert_problem(reader.delete("/v1/jobs/whatever"), 403, "forbidden")


@pytest.mark.parametrize(
    ("ctype", "body", "status", "code"),
    [
        ("application/json", b'{"title": "x"', 422, "validation-error"),
        ("application/json", b'{"title": "Data Engineer"}', 422, "validation-error"),
        ("application/json", b'{"title": "", "description": "Python"}', 422, "validation-error"),
        (
            "application/json",
            b'{"title": "a", "description": "b", "x": 1}',
            422,
            "validation-error",
        ),
        ("application/json", b"42", 422, "validation-error"),
        ("application/json", b'"a string"', 422, "validation-error"),
        ("application/ld+json", b'{"@type": "Person", "name": "x"}', 422, "invalid-job-posting"),
        ("application/ld+json", b'{"@graph": []}', 422, "invalid-job-posting"),
        ("application/ld+json", b"[]", 422, "invalid-job-posting"),
        ("text/plain", b"", 422, "invalid-job-posting"),
        ("text/plain", b"   \n  ", 422, "invalid-job-posting"),
        ("text/plain", b"Hi", 422, "invalid-job-posting"),
        ("text/plain", bytes(range(256)) * 20, 422, "invalid-job-posting"),
        ("text/html", b"<html><body><p>.</p></body></html>", 422, "invalid-job-posting"),
        ("image/png", b"\x89PNG\r\n\x1a\n", 415, "unsupported-type"),
        ("", b"Data Engineer", 415, "unsupported-type"),
        ("multipart/form-data; boundary=x", b"--x--", 415, "unsupported-type"),
    ],
)
def test_jobs_bad_input_is_a_problem(
    api: ApiServer, ctype: str, body: bytes, status: int, code: str
) -> None:
    headers = {"content-type": ctype} if ctype else {}
    with api.client() as client:
        response = client.post("/v1/jobs", content=body, headers=headers)
    assert_problem(response, status, code)


def test_jobs_bad_query_values_are_problems(api: ApiServer) -> None:
    with api.client() as client:
        assert_problem(client.get("/v1/jobs", params={"limit": 0}), 422, "validation-error")
        assert_problem(client.get("/v1/jobs", params={"limit": 201}), 422, "validation-error")
        assert_problem(client.get("/v1/jobs", params={"limit": "x"}), 422, "validation-error")
        for cursor in ("not-a-cursor", "WzEsMl0", "e30", "!!!"):
            assert_problem(client.get("/v1/jobs", params={"cursor": cursor}), 422, "invalid-cursor")
        long_id = client.post(
            "/v1/jobs", params={"external_id": "x" * 201}, json={"title": "a", "description": "b"}
        )
        assert_problem(long_id, 422, "validation-error")
        # an identifier inside the JSON-LD is held to the same limit (PostgreSQL would refuse it)
        long_ld = post_ld(client, jsonld("y" * 201))
        body = assert_problem(long_ld, 422, "validation-error")
        assert body["errors"][0]["loc"] == ["body", "identifier"]
        assert post_ld(client, jsonld(unique("z" * 180))).status_code == 201


def test_jobs_too_large_body_is_413(api: ApiServer) -> None:
    with api.client() as client:
        response = client.post(
            "/v1/jobs",
            content=b"Data Engineer " * (400_000),
            headers={"content-type": "text/plain"},
        )
    assert_problem(response, 413, "document-too-large")


def test_jobs_nul_characters_are_dropped_not_a_500(api: ApiServer) -> None:
    """PostgreSQL text cannot hold NUL; a feed or posting that has one is still stored."""
    ident = unique("nul")
    with api.client() as client:
        created = post_ld(
            client,
            jsonld(ident + "\x00", title="Data\x00 Engineer")
            | {"hiringOrganization": {"name": "Ac\x00me"}},
        )
        read = client.get(f"/v1/jobs/{ident}")
        endpoint = client.post(
            "/v1/webhook-endpoints",
            json={"url": "http://127.0.0.1:9/hook", "description": "A\x00TS"},
        )
        control = client.post("/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/h\x00"})
        if endpoint.status_code == 201:
            client.delete(f"/v1/webhook-endpoints/{endpoint.json()['id']}")
    assert created.status_code == 201, created.text
    job = created.json()
    assert (job["external_id"], job["title"], job["organization"]) == (
        ident,
        "Data Engineer",
        "Acme",
    )
    assert read.json()["id"] == job["id"]
    assert endpoint.status_code == 201, endpoint.text
    assert endpoint.json()["description"] == "ATS"
    assert_problem(control, 422, "url-refused")


def test_jobs_concurrent_creates_of_one_identifier_make_one_posting(api: ApiServer) -> None:
    """Requests racing to create the same posting: one creates it, the others update it."""
    ident = unique("race")
    barrier = threading.Barrier(6)
    responses: list[httpx.Response] = []

    def create() -> None:
        with api.client() as client:
            barrier.wait()
            responses.append(post_ld(client, jsonld(ident)))

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(r.status_code for r in responses) == [200] * 5 + [201], [
        r.text[:200] for r in responses
    ]
    assert len({r.json()["id"] for r in responses}) == 1
