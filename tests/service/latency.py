"""Latency of ``POST /v1/match`` for a 2-page PDF next to the direct library call.

Run: ``.venv/bin/python -m tests.service.latency [--requests 60]``. Starts the production command
(uvicorn, 2 workers) on 127.0.0.1 and a free port, measures p50/p99 at concurrency 1 and 4, and
``Matcher.match`` on the same bytes in this process.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from tests.service import documents as docs
from tests.service.conftest import start_server, stop_server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def direct(data: bytes, n: int) -> list[float]:
    from matcher import Matcher

    matcher = Matcher.default()
    for _ in range(3):
        matcher.match(data, filename="cv.pdf")
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        matcher.match(data, filename="cv.pdf")
        out.append((time.perf_counter() - t0) * 1000)
    return out


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    data = docs.reportlab_pdf()
    rows = [("library Matcher.match (in process)", direct(data, args.requests))]
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), workers=2, queue_limit=16, log_level="WARNING")
        try:
            server.wait_ready()
            key = server.keys["all"]
            over_http(server.url, key, data, 8, 2)  # warm up both workers
            for concurrency in (1, 4):
                latencies = over_http(server.url, key, data, args.requests, concurrency)
                rows.append((f"POST /v1/match, concurrency {concurrency}, 2 workers", latencies))
        finally:
            stop_server(server)
    print(f"2-page PDF ({len(data)} bytes), {args.requests} calls each; milliseconds")
    print(f"{'':52} {'p50':>8} {'p99':>8} {'mean':>8}")
    for name, values in rows:
        print(
            f"{name:52} {percentile(values, 50):8.1f} {percentile(values, 99):8.1f} "
            f"{statistics.fmean(values):8.1f}"
        )
    base = percentile(rows[0][1], 50)
    overhead = 100 * (percentile(rows[1][1], 50) / base - 1)
    print(f"service overhead at concurrency 1 (p50): {overhead:+.1f}%")


if __name__ == "__main__":
    main()
