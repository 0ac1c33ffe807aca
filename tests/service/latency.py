"""Latency of ``POST /v1/match`` for a 2-page PDF next to the direct library call.

Run: ``.venv/bin/python -m tests.service.latency [--requests 60] [--pdf FILE]``. Starts the
production command (uvicorn, 2 workers) on 127.0.0.1 and a free port, measures p50/p99 at
concurrency 1 and 4, and ``Matcher.match`` on the same bytes in this process.

At concurrency 1 the library call and the HTTP call **alternate** (library, HTTP, library, ...),
so load from other processes on a shared machine hits both alike; the overhead is the ratio of
their p50s. The library is also timed with the JSON the service sends (``report_json``), the
part of the overhead that any JSON answer costs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from tests import documents as docs
from tests.service.conftest import start_server, stop_server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def over_http(url: str, key: str, data: bytes, n: int, concurrency: int) -> list[float]:
    out: list[float] = []
    lock = threading.Lock()

    def worker(count: int) -> None:
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60
        ) as client:
            for _ in range(count):
                t0 = time.perf_counter()
                response = client.post("/v1/match", files={"file": ("cv.pdf", data)})
                elapsed = (time.perf_counter() - t0) * 1000
                assert response.status_code == 200, response.text
                with lock:
                    out.append(elapsed)

    threads = [
        threading.Thread(target=worker, args=(n // concurrency,)) for _ in range(concurrency)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def interleaved(url: str, key: str, data: bytes, n: int) -> tuple[list[float], ...]:
    """Alternate library, library + JSON and HTTP calls: the same load for all three."""
    from matcher import Matcher, report_json

    matcher = Matcher.default()
    for _ in range(3):
        matcher.match(data, filename="cv.pdf")
    lib: list[float] = []
    lib_json: list[float] = []
    http: list[float] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
        for _ in range(n):
            t0 = time.perf_counter()
            matcher.match(data, filename="cv.pdf")
            lib.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            report_json(matcher.match(data, filename="cv.pdf"))
            lib_json.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            response = c.post("/v1/match", files={"file": ("cv.pdf", data)})
            http.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.text
    return lib, lib_json, http


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--pdf", type=Path, help="a PDF to send (default: a 2-page reportlab one)")
    args = parser.parse_args()
    data = args.pdf.read_bytes() if args.pdf else docs.person_pdf("reportlab")
    rows: list[tuple[str, list[float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), workers=2, queue_limit=16, log_level="WARNING")
        try:
            server.wait_ready()
            key = server.keys["all"]
            over_http(server.url, key, data, 8, 2)  # warm up both workers
            lib, lib_json, http = interleaved(server.url, key, data, args.requests)
            rows.append(("library Matcher.match (in process)", lib))
            rows.append(("library Matcher.match + report_json", lib_json))
            rows.append(("POST /v1/match, concurrency 1, 2 workers", http))
            latencies = over_http(server.url, key, data, args.requests, 4)
            rows.append(("POST /v1/match, concurrency 4, 2 workers", latencies))
        finally:
            stop_server(server)
    print(f"PDF ({len(data)} bytes), {args.requests} calls each; milliseconds")
    print(f"{'':52} {'p50':>8} {'p99':>8} {'mean':>8}")
    for name, values in rows:
        print(
            f"{name:52} {percentile(values, 50):8.1f} {percentile(values, 99):8.1f} "
            f"{statistics.fmean(values):8.1f}"
        )
    base = percentile(rows[0][1], 50)
    overhead = 100 * (percentile(rows[2][1], 50) / base - 1)
    json_share = 100 * (percentile(rows[1][1], 50) / base - 1)
    print(
        f"service overhead at concurrency 1 (p50): {overhead:+.1f}% (JSON alone {json_share:+.1f}%)"
    )


if __name__ == "__main__":
    main()
