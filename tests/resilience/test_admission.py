"""Issue #17: slow clients and bursts never take the service down.

- ten uploads dripping a byte a second hold no worker place: a normal upload still answers
  within 2 s of its own time, and the drippers are cut off (408) by the minimum upload rate;
  whether they drip into the API or into the resume page's form (open, no key needed);
- fifty uploads at once, sent through small socket buffers as over a network: every one that
  is refused is an HTTP 503 with Retry-After (never a reset connection);
- a JSON body nested 960 levels deep (1.9 KB) is a 400 problem, not a 500.

One real server on 127.0.0.1 (SQLite): 2 workers and a queue of 8, like the issue's.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.documents import person_text as resume_text
from tests.service.conftest import Server, start_server, stop_server

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(
        tmp_path_factory.mktemp("admission"),
        dev_mode=False,
        workers=2,
        queue_limit=8,
        parse_timeout=10,
        max_upload_bytes=1024 * 1024,
        upload_grace_seconds=2,
        min_upload_rate=1024,
        body_timeout=20,
        log_json=True,
    )
    server.wait_ready()
    try:
        yield server
    finally:
        stop_server(server)


def _parse(client: httpx.Client) -> tuple[int, float]:
    started = time.monotonic()
    response = client.post(
        "/v1/resumes:parse", files={"file": ("resume.txt", resume_text().encode())}
    )
    return response.status_code, time.monotonic() - started


def _drip(server: Server, path: str, stop: threading.Event, answers: list[bytes]) -> None:
    """Send a multipart upload's headers, then one byte a second."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer " + server.keys["all"].encode() + b"\r\n"
            b"Content-Type: multipart/form-data; boundary=xyz\r\n"
            b"Content-Length: 100000\r\n\r\n--xyz\r\n"
        )
        sock.settimeout(1.0)
        while not stop.is_set():
            try:
                got = sock.recv(4096)
                if got:
                    answers.append(got)
                return
            except TimeoutError:
                pass
            try:
                sock.sendall(b"a")
            except OSError:
                return


@pytest.mark.parametrize("path", ["/v1/resumes:parse", "/"])
def test_dripping_uploads_do_not_hold_the_workers(busy_server: Server, path: str) -> None:
    with busy_server.client() as client:
        _parse(client)  # warm
        status, alone = _parse(client)
        assert status == 200
        stop = threading.Event()
        answers: list[bytes] = []
        drippers = [
            threading.Thread(target=_drip, args=(busy_server, path, stop, answers))
            for _ in range(10)
        ]
        for thread in drippers:
            thread.start()
        time.sleep(1.0)  # every dripper is in, sending a byte a second
        try:
            status, during = _parse(client)
        finally:
            stop_after = time.monotonic() + 15
            for thread in drippers:
                thread.join(max(0.1, stop_after - time.monotonic()))
            stop.set()
    assert status == 200, "a normal upload is served while ten uploads drip"
    assert during < alone + 2.0, (alone, during)
    # the drippers were cut off by the minimum upload rate (after the 2 s grace), with a 408
    assert len(answers) == 10, answers
    assert all(a.startswith(b"HTTP/1.1 408") for a in answers), answers


def _upload(server: Server, body: bytes) -> tuple[int, dict[str, str], bytes] | str:
    """Upload ``body`` as a multipart file through a socket with small buffers, as a client on a
    real network sends it (on loopback the kernel's default buffers swallow the whole upload
    at once, and httpx reads an answer even after its upload was cut, hiding a reset); then
    read the answer. Returns (status, headers, body), or the error's name (a reset)."""
    host, port = server.url.removeprefix("http://").split(":")
    form = (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="resume.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + body + b"\r\n--xyz--\r\n"
    )
    head = (
        b"POST /v1/resumes:parse HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + server.keys["all"].encode() + b"\r\n"
        b"Content-Type: multipart/form-data; boundary=xyz\r\n"
        b"Content-Length: " + str(len(form)).encode() + b"\r\n\r\n"
    )
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        sock.settimeout(60)
        try:
            sock.connect((host, int(port)))
            sock.sendall(head)
            for at in range(0, len(form), 16 * 1024):
                sock.sendall(form[at : at + 16 * 1024])
            answer = b""
            while b"\r\n\r\n" not in answer:
                got = sock.recv(65536)
                if not got:
                    return "closed before an answer"
                answer += got
            top, _, rest = answer.partition(b"\r\n\r\n")
            lines = top.decode("latin-1").split("\r\n")
            headers = dict(line.lower().split(": ", 1) for line in lines[1:])
            while len(rest) < int(headers.get("content-length", "0")):
                got = sock.recv(65536)
                if not got:
                    break
                rest += got
            return int(lines[0].split()[1]), headers, rest
        except OSError as exc:
            return type(exc).__name__


def test_a_burst_of_uploads_is_answered_with_503_and_retry_after(busy_server: Server) -> None:
    body = (resume_text() + "\n" + "Python SQL Airflow " * 47_000).encode()  # ~900 KB
    assert 800_000 < len(body) < 1000 * 1000  # under the server's limit (1 MiB)

    with ThreadPoolExecutor(50) as pool:
        outcomes = list(pool.map(lambda _: _upload(busy_server, body), range(50)))
    errors = [o for o in outcomes if isinstance(o, str)]
    assert errors == [], "no reset or dropped connection"
    answers = [o for o in outcomes if not isinstance(o, str)]
    refused = [(status, headers, text) for status, headers, text in answers if status != 200]
    assert len(refused) < len(answers), "some uploads are served"
    for status, headers, text in refused:
        assert status == 503, text
        assert headers["retry-after"].isdigit()
        assert headers["content-type"] == "application/problem+json"
        assert json.loads(text)["code"] == "service-busy"


@pytest.mark.parametrize(
    ("path", "ctype"),
    [("/v1/match", "application/json"), ("/v1/jobs", "application/ld+json")],
)
def test_deeply_nested_json_is_a_400_problem(busy_server: Server, path: str, ctype: str) -> None:
    body = b'{"resume_text":' + b"[" * 960 + b"]" * 960 + b"}"
    assert len(body) < 2000
    with busy_server.client() as client:
        response = client.post(path, content=body, headers={"content-type": ctype})
        healthy = client.get("/healthz")
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "bad-request"
    assert response.headers["content-type"] == "application/problem+json"
    assert healthy.status_code == 200
