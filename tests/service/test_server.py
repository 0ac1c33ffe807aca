"""The real server over HTTP: auth, limits, problems, metrics (no pipeline needed for these)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.service.conftest import Server

pytestmark = pytest.mark.slow

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code", "request_id"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["type"] == f"/problems/{code}"
    assert body["code"] == code
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    assert str(body["instance"]).endswith(str(body["request_id"]))
    assert "Traceback" not in response.text
    return dict(body)


def test_server_healthz_answers_without_a_key(server: Server) -> None:
    response = httpx.get(server.url + "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


def test_server_request_id_is_echoed(server: Server) -> None:
    with server.client() as client:
        response = client.get("/v1/roles/no-such-role", headers={"X-Request-ID": "req-abc-12345"})
    body = assert_problem(response, 404, "unknown-role")
    assert body["request_id"] == "req-abc-12345"


@pytest.mark.parametrize(
    ("headers", "detail_word"),
    [
        ({}, "API key is required"),
        ({"Authorization": "Bearer rf_not-a-real-key-000000000000000000000"}, "unknown"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "Bearer"),
        ({"Authorization": "Bearer"}, "Bearer"),
    ],
)
def test_server_missing_or_wrong_key_is_401(
    server: Server, headers: dict[str, str], detail_word: str
) -> None:
    for method, path in (
        ("GET", "/v1/roles"),
        ("POST", "/v1/match"),
        ("POST", "/v1/resumes:parse"),
    ):
        response = httpx.request(method, server.url + path, headers=headers)
        body = assert_problem(response, 401, "unauthenticated")
        assert detail_word in str(body["detail"])
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_server_key_without_the_scope_is_403(server: Server) -> None:
    with server.client("taxonomy") as client:
        assert client.get("/v1/roles").status_code == 200
        body = assert_problem(
            client.post("/v1/match", json={"resume_text": "Python"}), 403, "forbidden"
        )
        assert "resumes:match" in str(body["detail"])
    with server.client("match") as client:
        assert_problem(client.get("/v1/roles"), 403, "forbidden")
        assert_problem(
            client.post("/v1/resumes:parse", files={"file": ("a.txt", b"x")}), 403, "forbidden"
        )


def test_server_revoked_key_is_401(server: Server) -> None:
    from service.auth import create_key, revoke_key
    from service.db import make_engine, session_factory

    engine = make_engine(f"sqlite:///{server.data_dir / 'rolefit.db'}")
    sessions = session_factory(engine)
    row, key = create_key(sessions, name="short-lived", scopes=["taxonomy:read"])
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(server.url + "/v1/roles", headers=headers).status_code == 200
    assert revoke_key(sessions, row.id)
    engine.dispose()
    # The server remembers verified keys for auth_cache_seconds (1 s here).
    deadline = time.monotonic() + 5
    while (response := httpx.get(server.url + "/v1/roles", headers=headers)).status_code == 200:
        assert time.monotonic() < deadline, "the revoked key kept working"
        time.sleep(0.2)
    assert_problem(response, 401, "unauthenticated")


def test_server_unknown_path_and_method_are_problems(server: Server) -> None:
    with server.client() as client:
        assert_problem(client.get("/v1/nothing-here"), 404, "not-found")
        assert_problem(client.delete("/v1/roles"), 405, "method-not-allowed")
        assert_problem(client.get("/v1/roles/definitely-not-a-role"), 404, "unknown-role")


def test_server_match_rejects_other_content_types(server: Server) -> None:
    with server.client() as client:
        response = client.post("/v1/match", content=b"<xml/>", headers={"content-type": "text/xml"})
    assert_problem(response, 415, "unsupported-type")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"json": {"roles": ["data-engineer"]}}, "resume_text"),
        ({"json": {"resume_text": "", "roles": []}}, "resume_text"),
        ({"json": {"resume_text": "Python", "unexpected": 1}}, "unexpected"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, "body"),
        ({"data": {"roles": "data-engineer"}, "files": {"job": ("job.txt", b"SQL")}}, "file"),
    ],
)
def test_server_invalid_match_request_is_422(
    server: Server, kwargs: dict[str, object], field: str
) -> None:
    with server.client() as client:
        response = client.post("/v1/match", **kwargs)  # type: ignore[arg-type]
    body = assert_problem(response, 422, "validation-error")
    assert any(field in err["loc"] for err in body["errors"])  # type: ignore[attr-defined]


def test_server_validation_problem_never_echoes_the_input(server: Server) -> None:
    secret = "Avery Quillfeather avery.quillfeather@example.org"
    with server.client() as client:
        response = client.post("/v1/match", json={"resume_text": secret, "roles": "not-a-list"})
    assert_problem(response, 422, "validation-error")
    assert "Quillfeather" not in response.text


class _Body:
    """A streamed request body that counts what was actually sent."""

    def __init__(self, total: int, chunk: int = 1024 * 1024) -> None:
        self.total = total
        self.chunk = b"\0" * chunk
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        head = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'
        self.sent += len(head)
        yield head
        while self.sent < self.total:
            self.sent += len(self.chunk)
            yield self.chunk


TWO_GB = 2 * 1024**3


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
def test_server_two_gigabyte_upload_is_refused_while_streaming(
    server: Server, declare_length: bool
) -> None:
    body = _Body(TWO_GB)
    headers = {
        "Authorization": f"Bearer {server.keys['all']}",
        "content-type": "multipart/form-data; boundary=xyz",
    }
    if declare_length:
        headers["content-length"] = str(TWO_GB)
    started = time.monotonic()
    response = httpx.post(server.url + "/v1/match", content=body, headers=headers, timeout=60)
    body_json = assert_problem(response, 413, "document-too-large")
    assert "limit" in str(body_json["detail"])
    # Refused after about the limit (1 MiB), not after 2 GB: nothing was buffered.
    assert body.sent < 64 * 1024 * 1024
    assert time.monotonic() - started < 30
    assert httpx.get(server.url + "/healthz").status_code == 200


def test_server_upload_just_over_the_limit_is_413(server: Server) -> None:
    data = b"Python SQL\n" * (1024 * 1024 // 11 + 10)
    with server.client() as client:
        response = client.post("/v1/resumes:parse", files={"file": ("cv.txt", data)})
    assert_problem(response, 413, "document-too-large")


def test_server_metrics_count_requests_by_route_template_and_status(server: Server) -> None:
    with server.client() as client:
        client.get("/v1/roles/one-unknown-role")
        client.get("/v1/roles/another-unknown-role")
    text = httpx.get(server.url + "/metrics").text
    assert (
        'rolefit_http_requests_total{method="GET",route="/v1/roles/{role_id}",status="404"}' in text
    )
    assert "one-unknown-role" not in text  # templates, not raw paths
    assert "rolefit_http_request_duration_seconds_bucket" in text
    for name in (
        "rolefit_documents_parsed_total",
        "rolefit_parse_errors_total",
        "rolefit_stage_duration_seconds",
        "rolefit_tasks_in_flight",
        "rolefit_worker_restarts",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in text


def test_server_openapi_documents_every_problem(server: Server) -> None:
    schema = httpx.get(server.url + "/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    paths = schema["paths"]
    match = paths["/v1/match"]["post"]
    assert {"multipart/form-data", "application/json"} <= match["requestBody"]["content"].keys()
    documented = {
        code
        for resp in match["responses"].values()
        for code in resp.get("content", {}).get("application/problem+json", {}).get("examples", {})
    }
    assert {
        "pdf-encrypted",
        "no-text",
        "unsupported-type",
        "document-too-large",
        "parse-timeout",
        "corrupt-document",
        "empty-document",
        "unknown-role",
        "validation-error",
        "unauthenticated",
        "forbidden",
        "service-busy",
    } <= documented
    for path in (
        "/v1/roles",
        "/v1/roles/{role_id}",
        "/v1/skills",
        "/v1/resumes:parse",
        "/v1/match",
    ):
        op = next(iter(paths[path].values()))
        assert "401" in op["responses"], path
        assert op["security"] == [{"ApiKey": []}]
    assert {"Problem", "ValidationProblem", "MatchTextRequest"} <= schema["components"][
        "schemas"
    ].keys()


def test_server_healthz_answers_while_a_slow_upload_streams(server: Server) -> None:
    """A client trickling its body does not block other requests."""
    done = threading.Event()

    def trickle() -> Iterator[bytes]:
        for _ in range(20):
            if done.is_set():
                return
            time.sleep(0.1)
            yield b"--b\r\n"

    def slow_client() -> None:
        headers = {
            "Authorization": f"Bearer {server.keys['all']}",
            "content-type": "multipart/form-data; boundary=b",
        }
        httpx.post(server.url + "/v1/resumes:parse", content=trickle(), headers=headers, timeout=30)

    thread = threading.Thread(target=slow_client)
    thread.start()
    try:
        for _ in range(5):
            started = time.monotonic()
            assert httpx.get(server.url + "/healthz").status_code == 200
            assert time.monotonic() - started < 1.0
    finally:
        done.set()
        thread.join(30)


def test_server_dev_mode_needs_no_key_and_says_so_loudly(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from tests.service.conftest import start_server, stop_server

    dev = start_server(tmp_path_factory.mktemp("dev"), dev_mode=True, workers=1)
    try:
        assert httpx.get(dev.url + "/v1/roles").status_code == 200
        # A key that is sent is still checked.
        wrong = httpx.get(dev.url + "/v1/roles", headers={"Authorization": "Bearer rf_wrong"})
        assert_problem(wrong, 401, "unauthenticated")
        assert "DEV MODE" in dev.log()
    finally:
        stop_server(dev)


def _drip_head(url: str, *, first: bytes = b"", seconds: float = 8.0) -> float | None:
    """Open a connection, send ``first`` (whole requests), then a request head a byte every
    0.2 s; the seconds after which the server closed the connection (None: it never did)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    with socket.create_connection((parts.hostname, parts.port), timeout=seconds) as sock:
        if first:
            sock.sendall(first)
            answer = sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        started = time.monotonic()
        sock.settimeout(0.2)
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1) == b"":
                    return time.monotonic() - started
            except TimeoutError:
                pass
            except OSError:  # reset: closed
                return time.monotonic() - started
            if time.monotonic() - started > seconds:
                return None
    return None


def test_server_closes_a_connection_whose_request_head_drips(server: Server) -> None:
    """Slowloris: a request head a byte at a time is cut off after ROLEFIT_HEADER_TIMEOUT (2 s
    here), before the first request and between requests, while others are served."""
    results: dict[str, float | None] = {}
    keep_alive = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    threads = [
        threading.Thread(target=lambda: results.update(first=_drip_head(server.url))),
        threading.Thread(
            target=lambda: results.update(later=_drip_head(server.url, first=keep_alive))
        ),
    ]
    for thread in threads:
        thread.start()
    for _ in range(5):
        started = time.monotonic()
        assert httpx.get(server.url + "/healthz").status_code == 200
        assert time.monotonic() - started < 1.0
        time.sleep(0.2)
    for thread in threads:
        thread.join(15)
    for name in ("first", "later"):
        closed = results[name]
        assert closed is not None, f"{name}: the dripping connection was never closed"
        assert 1.5 <= closed <= 4.0, (name, closed)
