"""Issue #17: bounded amplification. A small zip that inflates to hundreds of megabytes sent to
``POST /v1/batches`` is a typed problem within its limits; the web process grows < 100 MB and
keeps answering ``/healthz`` meanwhile; zips inside every limit, several at once, leave it
small too (their resumes are unpacked and stored one at a time); a zip whose central
directory lists a hundred thousand entries is refused before it is parsed; a batch whose
entries are sane but too many bytes in total is refused before it reaches the database;
skipped zip entries are listed with their reason. PDFs whose image XObject, ToUnicode map,
predictor (DecodeParms) stream or filter chain inflates without bound are a typed problem
too, and the service (web process and its workers) grows < 100 MB, with either engine.
The real server (SQLite)."""

from __future__ import annotations

import contextlib
import functools
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

from tests.documents import (
    bomb_stream_pdf,
    crowded_zip,
    inflating_zip,
    person_pdf,
    scanned_bomb_pdf,
)
from tests.documents import person_text as resume_text
from tests.jobboard.live import ApiServer, start_server, stop_server

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]

MAX_BATCH_BYTES = 2 * 1024 * 1024
MIB = 1024 * 1024


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
    """Samples the server's memory (its web process, or with ``tree`` the web process and its
    worker processes together) and /healthz latency while a request runs."""

    def __init__(self, server: ApiServer, *, tree: bool = False) -> None:
        self.process = psutil.Process(server.process.pid)
        self.tree = tree
        self.url = server.url
        self.base = self._rss()
        self.peak = self.base
        self.slowest = 0.0
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._memory),
            threading.Thread(target=self._health),
        ]

    def _rss(self) -> int:
        processes = [self.process, *(self.process.children(recursive=True) if self.tree else [])]
        total = 0
        for process in processes:
            with contextlib.suppress(psutil.Error):  # a worker that just ended
                total += process.memory_info().rss
        return total

    def _memory(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self._rss())
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


# --------------------------------------------------------------------------- at the limits


@pytest.fixture(scope="module")
def default_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    """A server with the default upload (10 MiB) and batch limits (64 MiB unpacked, ratio
    100, 1,000 resumes); no background scoring (only the upload is measured)."""
    tmp = tmp_path_factory.mktemp("limits")
    server = start_server(
        tmp,
        f"sqlite:///{tmp / 'rolefit.db'}",
        max_upload_bytes=10 * MIB,
        background_tasks=False,
    )
    try:
        yield server
    finally:
        stop_server(server)


def _post_together(server: ApiServer, archives: list[bytes]) -> list[httpx.Response]:
    responses: list[httpx.Response] = []

    def post(data: bytes) -> None:
        with server.client() as client:
            responses.append(_post(client, data))

    threads = [threading.Thread(target=post, args=(data,)) for data in archives]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return responses


def test_zips_inside_every_limit_four_at_once_leave_the_web_process_small(
    default_api: ApiServer,
) -> None:
    archive = inflating_zip()  # 60 resumes of 1 MB, ratio < 100: 60 MB from ~820 KB
    assert len(archive) < 1_000_000
    with Watch(default_api) as watch:
        responses = _post_together(default_api, [archive] * 4)
    assert [r.status_code for r in responses] == [202] * 4, responses[0].text
    assert all(r.json()["total"] == 60 for r in responses)
    assert watch.peak - watch.base < 100 * MIB, (watch.base, watch.peak)
    assert watch.slowest < 1.0, "the event loop kept answering /healthz"


def test_a_zip_listing_a_hundred_thousand_entries_is_refused_before_it_is_parsed(
    default_api: ApiServer,
) -> None:
    archive = crowded_zip()  # 120,000 empty entries in ~10 MB
    assert len(archive) < 10 * MIB - 1024
    with Watch(default_api) as watch:
        responses = _post_together(default_api, [archive] * 2)
    for response in responses:
        assert response.status_code == 422, response.text
        assert "At most 1000 resumes per batch" in response.text
    assert watch.peak - watch.base < 100 * MIB, (watch.base, watch.peak)


# --------------------------------------------------------------------------- PDF bombs

READER_BOMBS = {
    # an image-only page: its image is inflated to be rendered for OCR (95 MiB of pixels)
    "image-xobject": lambda: scanned_bomb_pdf(),
    # the font's ToUnicode map behind a /Filter reference: 512 MiB
    "tounicode": lambda: bomb_stream_pdf("tounicode", "indirect-filter", 512),
    # a form drawn through a Paeth predictor: 60 MiB, which pdfminer builds as a list of ints
    "decodeparms": lambda: bomb_stream_pdf("form", "predictor", 60),
    # Flate over Flate, the outer checksum broken (the engines keep the output): 512 MiB
    "filter-chain": lambda: bomb_stream_pdf("tounicode", "damaged-chain", 512),
}


@functools.cache
def _reader_bomb(name: str) -> bytes:
    return READER_BOMBS[name]()


@pytest.fixture(scope="module", params=["pdfium", "pdfminer"])
def reader_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiServer]:
    """A server reading PDFs with each engine, its workers warmed by ordinary resumes."""
    tmp = tmp_path_factory.mktemp(f"reader-{request.param}")
    server = start_server(
        tmp, f"sqlite:///{tmp / 'rolefit.db'}", pdf_engine=request.param, background_tasks=False
    )
    try:
        resume = person_pdf("reportlab")
        for _ in range(2):
            answers = _post_together_parse(server, [resume] * 2)
            assert [r.status_code for r in answers] == [200, 200], answers[0].text
        yield server
    finally:
        stop_server(server)


def _post_together_parse(server: ApiServer, documents: list[bytes]) -> list[httpx.Response]:
    responses: list[httpx.Response] = []

    def post(data: bytes) -> None:
        with server.client() as client:
            responses.append(
                client.post(
                    "/v1/resumes:parse", files={"file": ("resume.pdf", data, "application/pdf")}
                )
            )

    threads = [threading.Thread(target=post, args=(data,)) for data in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return responses


@pytest.mark.parametrize("bomb", list(READER_BOMBS))
def test_a_pdf_bomb_is_a_typed_problem_and_the_service_stays_small(
    reader_api: ApiServer, bomb: str
) -> None:
    data = _reader_bomb(bomb)
    assert len(data) < 1_000_000
    with Watch(reader_api, tree=True) as watch:
        started = time.monotonic()
        [response] = _post_together_parse(reader_api, [data])
        elapsed = time.monotonic() - started
    assert response.status_code == 413, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "document-too-large"
    assert elapsed < 5.0
    assert watch.peak - watch.base < 100 * MIB, (watch.base, watch.peak)
