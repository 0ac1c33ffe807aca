"""Issue #17: bounded amplification. A small zip that inflates to hundreds of megabytes sent to
``POST /v1/batches`` is a typed problem within its limits; the web process grows < 100 MB and
keeps answering ``/healthz`` meanwhile; a batch whose entries are sane but too many bytes in
total is refused before it reaches the database; skipped zip entries are listed with their
reason. The real server (SQLite)."""

from __future__ import annotations

import io
import random
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.documents import person_text as resume_text
from tests.jobboard.live import ApiServer, start_server, stop_server

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]

MAX_BATCH_BYTES = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def batch_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    tmp = tmp_path_factory.mktemp("amplification")
    server = start_server(tmp, f"sqlite:///{tmp / 'rolefit.db'}", batch_max_bytes=MAX_BATCH_BYTES)
    try:
        yield server
    finally:
        stop_server(server)


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _post(client: httpx.Client, data: bytes) -> httpx.Response:
    return client.post(
        "/v1/batches",
        files={"files": ("resumes.zip", data, "application/zip")},
        data={"roles": "data-scientist"},
    )


class Watch:
    """Samples the server process's memory and /healthz latency while a request runs."""

    def __init__(self, server: ApiServer) -> None:
        self.process = psutil.Process(server.process.pid)
        self.url = server.url
        self.base = self.process.memory_info().rss
        self.peak = self.base
        self.slowest = 0.0
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._memory),
            threading.Thread(target=self._health),
        ]

    def _memory(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def _health(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                client.get("/healthz")
                self.slowest = max(self.slowest, time.monotonic() - started)
                time.sleep(0.05)

    def __enter__(self) -> Watch:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.2)
        self.stop.set()
        for thread in self.threads:
            thread.join(10)


def test_a_zip_bomb_is_a_typed_problem_and_the_process_stays_small(batch_api: ApiServer) -> None:
    bomb = _zip([(f"resume-{n}.txt", b"\0" * (3 * 1024 * 1024)) for n in range(100)])
    assert len(bomb) < 700_000  # ~300 MB once inflated
    with batch_api.client() as client, Watch(batch_api) as watch:
        response = _post(client, bomb)
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "document-too-large"
    assert watch.peak - watch.base < 100 * 1024 * 1024, (watch.base, watch.peak)
    assert watch.slowest < 1.0, "the event loop kept answering /healthz"


def test_a_batch_over_its_unpacked_byte_limit_is_refused_before_the_database(
    batch_api: ApiServer,
) -> None:
    words = resume_text().split()
    rng = random.Random(17)
    entry = " ".join(rng.choice(words) for _ in range(60_000)).encode()  # ~400 KB, ratio < 10
    archive = _zip([(f"cand-{n}.txt", entry) for n in range(8)])  # ~3.2 MB unpacked
    db = Path(batch_api.db_url.removeprefix("sqlite:///"))
    before = sum(f.stat().st_size for f in db.parent.glob("rolefit.db*"))
    with batch_api.client() as client:
        response = _post(client, archive)
    after = sum(f.stat().st_size for f in db.parent.glob("rolefit.db*"))
    assert response.status_code == 413, response.text
    assert str(MAX_BATCH_BYTES) in response.json()["detail"]
    assert after - before < 1024 * 1024


def test_skipped_zip_entries_are_listed_with_their_reason(batch_api: ApiServer) -> None:
    text = resume_text().encode()
    archive = _zip(
        [
            ("ok-1.txt", text),
            ("../escape.txt", text),
            (".hidden.txt", text),
            ("__MACOSX/._ok-1.txt", b"\0\5\26\7"),
            ("folder/", b""),
            ("folder/ok-2.txt", text),
        ]
    )
    with batch_api.client() as client:
        response = _post(client, archive)
    assert response.status_code == 202, response.text
    batch = response.json()
    assert batch["total"] == 2
    assert {s["name"]: s["reason"] for s in batch["skipped"]} == {
        ".hidden.txt": "hidden",
        "../escape.txt": "unsafe-path",
        "__MACOSX/._ok-1.txt": "macos-metadata",
        "folder/": "directory",
    }
