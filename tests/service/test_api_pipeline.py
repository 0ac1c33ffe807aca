"""End to end over HTTP with the real pipeline: uploads from several producers, every bad-input
class, the time budget, the full queue and the privacy of the logs."""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests import documents as docs
from tests.service.conftest import Server
from tests.service.test_server import assert_problem

pytestmark = pytest.mark.slow


PRODUCERS: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "reportlab": (functools.partial(docs.person_pdf, "reportlab"), "resume.pdf", "application/pdf"),
    "fpdf2": (functools.partial(docs.person_pdf, "fpdf2"), "resume.pdf", "application/pdf"),
    "soffice": (functools.partial(docs.person_pdf, "soffice"), "resume.pdf", "application/pdf"),
    "docx": (
        docs.person_docx,
        "resume.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


def role_id(server: Server, hint: str = "data-engineer") -> str:
    with server.client() as client:
        roles = client.get("/v1/roles", params={"kind": "role"}).json()["roles"]
    assert roles, "the taxonomy has no roles"
    ids = [r["id"] for r in roles]
    return str(next((i for i in ids if hint in i), ids[0]))


def metric(server: Server, name: str, **labels: str) -> float:
    text = httpx.get(server.url + "/metrics").text
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name + ("{" + wanted + "}" if labels else "")) + r" ([0-9.e+-]+)"
    found = re.search(pattern, text)
    return float(found.group(1)) if found else 0.0


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_api_match_resumes_from_several_producers(ready_server: Server, producer: str) -> None:
    make, filename, ctype = PRODUCERS[producer]
    with ready_server.client() as client:
        response = client.post("/v1/match", files={"file": (filename, make(), ctype)})
    assert response.status_code == 200, response.text
    report = response.json()
    skills = {s["skill_id"] for s in report["skills"]}
    assert {"python", "sql"} <= skills
    scores = [r["score"] for r in report["roles"]]
    assert len(scores) > 1
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert "email" in report["excluded_fields"]
    assert report["taxonomy_version"].startswith("tax-")
    assert report["pages"] >= 1
    assert report["timings"]


def test_api_parse_returns_sections_contact_and_warnings(ready_server: Server) -> None:
    _name, email, _phone = docs.PERSONS["reportlab"]
    with ready_server.client() as client:
        response = client.post(
            "/v1/resumes:parse",
            files={"file": ("cv.pdf", docs.person_pdf("reportlab"), "application/pdf")},
        )
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["format"] == "pdf"
    assert document["pages"] == 2
    assert document["contact"]["email"] == email
    kinds = {s["kind"] for s in document["sections"]}
    assert {"skills", "experience", "education"} <= kinds
    assert "Apache Airflow" in document["text"]
    assert isinstance(document["warnings"], list)


def test_api_match_named_roles_and_a_job_posting_in_every_form(ready_server: Server) -> None:
    target = role_id(ready_server)
    pdf = ("cv.pdf", docs.person_pdf("reportlab"), "application/pdf")
    jsonld = json.dumps(docs.JOB_POSTING_JSONLD)
    with ready_server.client() as client:
        only = client.post("/v1/match", files={"file": pdf}, data={"roles": [target]})
        as_field = client.post(
            "/v1/match", files={"file": pdf}, data={"roles": target, "job": docs.JOB_POSTING_TEXT}
        )
        as_jsonld = client.post("/v1/match", files={"file": pdf}, data={"job": jsonld})
        as_file = client.post(
            "/v1/match",
            files=[("file", pdf), ("job", ("job.json", jsonld.encode(), "application/ld+json"))],
        )
    assert only.status_code == 200, only.text
    assert [r["role_id"] for r in only.json()["roles"]] == [target]
    for response in (as_field, as_jsonld, as_file):
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["job"] is not None
        assert report["posting"]["title"] == "Data Engineer"
        required = {s["skill_id"] for s in report["posting"]["required"]}
        assert "python" in required
    assert as_jsonld.json()["posting"]["organization"] == "Example Corp"


def test_api_match_report_is_gzipped_only_for_clients_that_accept_it(
    ready_server: Server,
) -> None:
    pdf = ("cv.pdf", docs.person_pdf("reportlab"), "application/pdf")
    with ready_server.client() as client:
        zipped = client.post("/v1/match", files={"file": pdf}, headers={"Accept-Encoding": "gzip"})
        plain = client.post(
            "/v1/match", files={"file": pdf}, headers={"Accept-Encoding": "identity"}
        )
        refused = client.post(
            "/v1/match", files={"file": pdf}, headers={"Accept-Encoding": "gzip;q=0, br"}
        )
    assert zipped.status_code == plain.status_code == refused.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) * 3 < len(plain.content)
    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in refused.headers
    bodies = [r.json() for r in (zipped, plain, refused)]
    for body in bodies:
        body.pop("timings")
    assert bodies[0] == bodies[1] == bodies[2]


def test_api_match_pasted_text_as_json(ready_server: Server) -> None:
    target = role_id(ready_server)
    with ready_server.client() as client:
        response = client.post(
            "/v1/match",
            json={
                "resume_text": docs.person_text(),
                "roles": [target],
                "job": docs.JOB_POSTING_JSONLD,
            },
        )
    assert response.status_code == 200, response.text
    report = response.json()
    assert [r["role_id"] for r in report["roles"]] == [target]
    assert "python" in {s["skill_id"] for s in report["skills"]}
    assert report["job"] is not None


UNLISTED_RESUME = """Ravi Menon
AI Engineer
Skills
Languages: Python, TypeScript, SQL
Automation: n8n, Zapier, Airflow
Experience
AI Engineer, Example Health, 2021 - Present
- Built referral agents on n8n and Python that route 4,000 referrals a week
"""


@pytest.mark.issue(15)
def test_api_a_tool_the_vocabulary_lacks_is_found_and_asked_for(ready_server: Server) -> None:
    """A PDF lists n8n among known tools; a posting requires it: both name the same skill."""
    pdf = ("cv.pdf", docs.make_pdf(UNLISTED_RESUME), "application/pdf")
    posting = "AI Automation Engineer\nRequirements\n- n8n, Zapier, Python and REST APIs\n"
    with ready_server.client() as client:
        response = client.post("/v1/match", files={"file": pdf}, data={"job": posting})
    assert response.status_code == 200, response.text
    report = response.json()
    skill = next(s for s in report["skills"] if s["skill_id"] == "unlisted:n8n")
    assert (skill["name"], skill["how"], skill["category"]) == ("n8n", "unlisted", "tool")
    assert [e[6] for e in skill["evidence"]] == ["listed", "used"]  # compact: strength at 6
    assert "unlisted:n8n" in {s["skill_id"] for s in report["posting"]["required"]}
    assert "unlisted:n8n" in {m[0] for m in report["job"]["matched"]}
    assert report["skill_names"]["unlisted:n8n"] == "n8n"


def test_api_default_ranking_is_the_five_roles_with_the_verdict_first(
    ready_server: Server,
) -> None:
    """The first role of the default report is one of the five top-level roles, the verdict's;
    a title variant appears only when it is asked for (issue 16)."""
    resume = docs.ROLE_FIT_RESUMES["ml-engineer"]
    with ready_server.client() as client:
        top = {r["id"] for r in client.get("/v1/roles", params={"kind": "role"}).json()["roles"]}
        default = client.post("/v1/match", json={"resume_text": resume})
        asked = client.post("/v1/match", json={"resume_text": resume, "roles": ["ML Architect"]})
    assert default.status_code == asked.status_code == 200, default.text + asked.text
    report = default.json()
    assert len(top) == 5
    assert {r["role_id"] for r in report["roles"]} == top
    assert all(r["kind"] == "role" for r in report["roles"])
    assert report["roles"][0]["role_id"] == report["verdict"]["role_id"] == "ml-engineer"
    variant = asked.json()["roles"]
    assert [(r["role_id"], r["kind"]) for r in variant] == [("ml-architect", "variant")]


BAD_INPUTS: list[tuple[str, Callable[[], bytes], str, int, str]] = [
    ("encrypted", docs.locked_pdf, "cv.pdf", 422, "pdf-encrypted"),
    ("image-only", docs.image_only_pdf, "scan.pdf", 422, "no-text"),
    ("gif", docs.gif_image, "photo.gif", 415, "unsupported-type"),
    ("png-without-text", docs.png_image, "photo.png", 422, "no-text"),
    (
        "truncated",
        lambda: docs.truncated_pdf(docs.person_pdf("reportlab")),
        "cv.pdf",
        422,
        "corrupt-document",
    ),
    ("empty", lambda: b"", "cv.pdf", 422, "empty-document"),
    ("too-many-pages", lambda: docs.many_pages_pdf(25), "long.pdf", 413, "document-too-large"),
]


@pytest.mark.parametrize(
    ("make", "filename", "status", "code"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
@pytest.mark.parametrize("path", ["/v1/match", "/v1/resumes:parse"])
def test_api_bad_input_gets_its_problem(
    ready_server: Server,
    path: str,
    make: Callable[[], bytes],
    filename: str,
    status: int,
    code: str,
) -> None:
    before = metric(ready_server, "rolefit_parse_errors_total", code=code)
    with ready_server.client() as client:
        response = client.post(path, files={"file": (filename, make())})
    assert_problem(response, status, code)
    assert metric(ready_server, "rolefit_parse_errors_total", code=code) == before + 1


def test_api_unknown_role_is_404(ready_server: Server) -> None:
    with ready_server.client() as client:
        multipart = client.post(
            "/v1/match",
            files={"file": ("cv.pdf", docs.person_pdf("reportlab"))},
            data={"roles": ["no-such-role"]},
        )
        as_json = client.post("/v1/match", json={"resume_text": "Python", "roles": ["nope"]})
    assert_problem(multipart, 404, "unknown-role")
    assert_problem(as_json, 404, "unknown-role")


def _post_in_thread(server: Server, data: bytes, results: list[httpx.Response]) -> threading.Thread:
    def run() -> None:
        with server.client() as client:
            results.append(client.post("/v1/match", files={"file": ("slow.pdf", data)}))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_in_flight(server: Server, count: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if metric(server, "rolefit_tasks_in_flight") >= count:
            return
        time.sleep(0.05)
    pytest.fail(f"never saw {count} tasks in flight")


def test_api_slow_document_is_killed_at_the_budget_while_others_succeed(
    ready_server: Server,
) -> None:
    restarts = metric(ready_server, "rolefit_worker_restarts")
    results: list[httpx.Response] = []
    started = time.monotonic()
    thread = _post_in_thread(ready_server, docs.slow_pdf(400_000, pages=8), results)
    _wait_in_flight(ready_server, 1)
    # Meanwhile the service answers: liveness at once, and a normal match on the other worker.
    for _ in range(3):
        t0 = time.monotonic()
        assert httpx.get(ready_server.url + "/healthz").status_code == 200
        assert time.monotonic() - t0 < 1.0
    with ready_server.client() as client:
        ok = client.post("/v1/match", files={"file": ("cv.pdf", docs.person_pdf("fpdf2"))})
    assert ok.status_code == 200, ok.text
    thread.join(60)
    elapsed = time.monotonic() - started
    (slow,) = results
    body = assert_problem(slow, 422, "parse-timeout")
    assert "time" in str(body["detail"])
    assert 3.5 < elapsed < 30  # the 4 s budget, not pdfminer's tens of seconds
    # The reader stops at its own deadline (pdfminer reads a page this heavy, checking it as it
    # parses) or the pool kills the worker at the same budget: whichever is first, the same
    # second. A killed worker was replaced: both workers serve again.
    assert metric(ready_server, "rolefit_worker_restarts") in (restarts, restarts + 1)
    with ready_server.client() as client:
        for _ in range(2):
            again = client.post(
                "/v1/match", files={"file": ("cv.pdf", docs.person_pdf("reportlab"))}
            )
            assert again.status_code == 200, again.text


def test_api_full_queue_is_503_with_retry_after(ready_server: Server) -> None:
    """2 workers and no queue: with two slow documents in flight a third request is refused."""
    results: list[httpx.Response] = []
    threads = [
        _post_in_thread(ready_server, docs.slow_pdf(400_000, pages=8), results) for _ in range(2)
    ]
    _wait_in_flight(ready_server, 2)
    rejected_before = metric(ready_server, "rolefit_tasks_rejected_total")
    with ready_server.client() as client:
        busy = client.post("/v1/match", files={"file": ("cv.pdf", docs.person_pdf("reportlab"))})
    assert_problem(busy, 503, "service-busy")
    assert int(busy.headers["retry-after"]) >= 1
    assert metric(ready_server, "rolefit_tasks_rejected_total") == rejected_before + 1
    assert httpx.get(ready_server.url + "/healthz").status_code == 200
    for thread in threads:
        thread.join(60)
    assert sorted(r.status_code for r in results) == [422, 422]


def test_api_metrics_after_matches(ready_server: Server) -> None:
    with ready_server.client() as client:
        assert (
            client.post(
                "/v1/match", files={"file": ("cv.pdf", docs.person_pdf("reportlab"))}
            ).status_code
            == 200
        )
    assert metric(ready_server, "rolefit_documents_parsed_total", format="pdf") >= 1
    text = httpx.get(ready_server.url + "/metrics").text
    assert re.search(r'rolefit_stage_duration_seconds_count\{stage="[a-z_]+"\} [1-9]', text)
    assert 'route="/v1/match",status="200"' in text


def test_api_logs_never_contain_resume_text_or_contact_details(ready_server: Server) -> None:
    with ready_server.client() as client:
        for producer, (make, filename, ctype) in PRODUCERS.items():
            for path in ("/v1/match", "/v1/resumes:parse"):
                response = client.post(path, files={"file": (filename, make(), ctype)})
                assert response.status_code == 200, (producer, response.text)
        assert client.post("/v1/match", json={"resume_text": docs.person_text()}).status_code == 200
    time.sleep(0.5)
    log = ready_server.log()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [entry for entry in lines if entry.get("msg") == "request"]
    assert len(requests) >= 9
    assert all({"request_id", "route", "status", "duration_ms"} <= e.keys() for e in requests)
    for secret in [*docs.CONTACTS, "Quillfeather", "Airflow pipelines in Python", docs.EDUCATION]:
        assert secret not in log, secret


def test_api_skills_lookup_normalises_names(ready_server: Server) -> None:
    with ready_server.client() as client:
        exact = client.get("/v1/skills", params={"q": "Python"}).json()
        typo = client.get("/v1/skills", params={"q": "Pyhton"}).json()
        nothing = client.get("/v1/skills", params={"q": "zzzzqqqq"}).json()
        missing = client.get("/v1/skills")
    assert exact["match"]["skill"]["id"] == "python"
    assert exact["match"]["how"] == "exact"
    assert typo["match"] is not None
    assert typo["match"]["skill"]["id"] == "python"
    assert typo["match"]["how"] == "fuzzy"
    assert nothing["match"] is None
    assert_problem(missing, 422, "validation-error")


def test_api_role_detail_carries_sources(ready_server: Server) -> None:
    target = role_id(ready_server)
    with ready_server.client("taxonomy") as client:
        detail: dict[str, Any] = client.get(f"/v1/roles/{target}").json()
    assert detail["role"]["id"] == target
    assert detail["effective_skills"]
    assert all(rs["sources"] for rs in detail["effective_skills"])
    assert detail["taxonomy_version"].startswith("tax-")


def test_api_match_report_is_compact_by_default_and_full_on_request(
    ready_server: Server,
) -> None:
    pdf = docs.person_pdf("reportlab")
    with ready_server.client() as client:
        compact = client.post("/v1/match", files={"file": ("cv.pdf", pdf, "application/pdf")})
        full = client.post(
            "/v1/match",
            params={"detail": "full"},
            files={"file": ("cv.pdf", pdf, "application/pdf")},
        )
        text = client.post(
            "/v1/match?detail=full", json={"resume_text": docs.person_text(), "roles": []}
        )
        wrong = client.post("/v1/match?detail=everything", json={"resume_text": docs.person_text()})
        schema = client.get("/openapi.json").json()
    assert compact.status_code == full.status_code == text.status_code == 200, compact.text
    small, big = compact.json(), full.json()
    assert small["detail"] == "compact"
    assert big["detail"] == "full" == text.json()["detail"]
    # the same report: the compact one refers to the skills the full one repeats
    assert [r["role_id"] for r in small["roles"]] == [r["role_id"] for r in big["roles"]]
    assert [s["skill_id"] for s in small["skills"]] == [s["skill_id"] for s in big["skills"]]
    for a, b in zip(small["skills"], big["skills"], strict=True):  # evidence as arrays
        assert [e[0] for e in a["evidence"]] == [e["surface"] for e in b["evidence"]]
    for a, b in zip(small["roles"], big["roles"], strict=True):
        assert [m[0] for m in a["missing"]] == [m["skill_id"] for m in b["missing"]]
        assert all(isinstance(m, list) for m in a["matched"])  # [skill_id, importance, ...]
        assert all(m["evidence"] for m in b["matched"])
    assert set(small["skill_names"]) >= {m["skill_id"] for m in big["roles"][0]["missing"]}
    assert len(compact.content) < 40_000 < len(full.content)  # a 2-page resume (issue 13)
    assert_problem(wrong, 422, "validation-error")
    # the OpenAPI schema names both shapes, told apart by "detail"
    ok = schema["paths"]["/v1/match"]["post"]["responses"]["200"]["content"]["application/json"]
    refs = {item["$ref"].rsplit("/", 1)[-1] for item in ok["schema"]["oneOf"]}
    assert refs == {"MatchReportCompactOut", "MatchReportOut"}
    assert ok["schema"]["discriminator"]["propertyName"] == "detail"
    params = {p["name"]: p for p in schema["paths"]["/v1/match"]["post"]["parameters"]}
    assert params["detail"]["schema"]["enum"] == ["compact", "full"]


def test_api_roles_are_named_by_id_title_or_alias(ready_server: Server) -> None:
    pdf = docs.person_pdf("reportlab")
    with ready_server.client() as client:
        by_name = client.post(
            "/v1/match",
            files={"file": ("cv.pdf", pdf)},
            data={"roles": ["ML Engineer", "data scientist", "machine-learning-engineer"]},
        )
        by_id = client.post(
            "/v1/match",
            files={"file": ("cv.pdf", pdf)},
            data={"roles": ["ml-engineer,data-scientist"]},
        )
        pasted = client.post(
            "/v1/match", json={"resume_text": docs.person_text(), "roles": ["SWE"]}
        )
    assert by_name.status_code == by_id.status_code == pasted.status_code == 200, by_name.text
    named, ids = by_name.json(), by_id.json()
    assert sorted(r["role_id"] for r in named["roles"]) == ["data-scientist", "ml-engineer"]
    assert {r["role_id"]: r["score"] for r in named["roles"]} == {
        r["role_id"]: r["score"] for r in ids["roles"]
    }
    assert [r["role_id"] for r in pasted.json()["roles"]] == ["software-engineer"]


def test_api_match_a_plain_posting_object_and_posting_files(ready_server: Server) -> None:
    pdf = ("cv.pdf", docs.person_pdf("reportlab"), "application/pdf")
    plain = json.dumps(docs.JOB_POSTING_PLAIN)
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    with ready_server.client() as client:
        as_field = client.post("/v1/match", files={"file": pdf}, data={"job": plain})
        as_json = client.post(
            "/v1/match",
            json={"resume_text": docs.person_text(), "job": docs.JOB_POSTING_PLAIN},
        )
        as_pdf = client.post(
            "/v1/match",
            files=[("file", pdf), ("job", ("job.pdf", docs.posting_pdf(), "application/pdf"))],
        )
        as_docx = client.post(
            "/v1/match",
            files=[("file", pdf), ("job", ("job.docx", docs.posting_docx(), docx_type))],
        )
        broken = client.post(
            "/v1/match",
            files=[
                ("file", pdf),
                ("job", ("job.pdf", docs.truncated_pdf(docs.posting_pdf()), "application/pdf")),
            ],
        )
    for response in (as_field, as_json, as_pdf, as_docx):
        assert response.status_code == 200, response.text
        posting = response.json()["posting"]
        assert posting["title"] == "Data Engineer"
        assert {"python", "sql"} <= {s["skill_id"] for s in posting["required"]}
    for response in (as_field, as_json):
        assert response.json()["posting"]["organization"] == "Example Corp"
        assert response.json()["posting"]["warnings"] == [
            "Ignored unknown posting field(s): recruiter_code, salary_band."
        ]
    assert as_pdf.json()["posting"]["warnings"] == []
    assert_problem(broken, 422, "invalid-job-posting")
