"""The service: a real uvicorn on 127.0.0.1 with 2 workers, ``POST /v1/match`` with a 2-page PDF.

``uvicorn --factory service.app:create_app`` with ``ROLEFIT_WORKERS=2`` (dev mode, SQLite in a
temp dir: one event loop, two parser processes on the two cores; the full run also measures
``--workers 2`` processes with one parser each), loaded at concurrency 1, 2, 4 and 8 after
warm-up requests. Latency is per request (perf_counter around the call), throughput is requests /
wall time of the level.

The load generator is ``http.client`` from the standard library with the multipart body encoded
once, as a load-testing tool sends it, asking for gzip and inflating the answer: the client's own
cost stays out of the service's number. httpx, a typical Python client, costs 1-3 ms more per
request on this machine (it encodes the multipart form and builds its request and response
objects every time); its latency at concurrency 1 is measured too and reported next to it.

The reference is the direct library call on the same file in this process (``Matcher.match``),
measured *paired* with the concurrency-1 requests (request and library call, swapping which goes
first; then httpx requests paired the same way with library calls of their own), so both see the
same machine load: the service's overhead at concurrency 1 is
p50(HTTP) / p50(library) - 1 (target ≤ 10%). Next to it, what the service spends of its own per
request (HTTP, the hops to the worker and back, the JSON): each answer's latency minus the
worker's pipeline time for it, from the report's ``timings``. The difference between the two is
the same ``Matcher.match`` running faster or slower in the worker than in this process, which on
this 2-vCPU VM varies by ±4 ms from one pair of processes to the next.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench import pipeline
from bench.corpus import CorpusFile
from bench.stats import median, percentile
from tests.tools import free_port, server_command

TARGET_OVERHEAD_PCT = 10.0
LEVELS = (1, 2, 4, 8)
# The measured shape: one uvicorn process whose pool has 2 parser workers (one per core). With
# ``--workers 2`` x 1 parser each, the kernel hands each *connection* to one process, so two
# keep-alive clients can share one process and its single worker while the other idles (seen
# here: concurrency 2 at half the throughput); that shape is measured as well, without the pairing.
MAIN_SHAPE = "uvicorn1x2"
BOUNDARY = "rolefit-bench-boundary"


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    ok = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {proc.returncode}")
        try:
            r = httpx.get(f"{base}/readyz", timeout=2)
            ok = ok + 1 if r.status_code == 200 else 0
            if ok >= 6:  # both processes answered ready (connections land on either)
                return
        except httpx.HTTPError:
            ok = 0
        time.sleep(0.2)
    raise RuntimeError("the service did not become ready")


class _Client:
    """One keep-alive connection posting the resume as a pre-encoded multipart form."""

    def __init__(self, port: int, pdf: bytes) -> None:
        import http.client

        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.body = (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                'filename="resume.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + pdf
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )
        self.last = b""
        self.headers = {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Accept-Encoding": "gzip",
        }

    def post(self) -> int:
        """One ``POST /v1/match``, the answer read and inflated; the status."""
        self.conn.request("POST", "/v1/match", body=self.body, headers=self.headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.getheader("content-encoding") == "gzip":
            data = zlib.decompress(data, 31)
        self.last = data
        return response.status

    def stages_ms(self) -> float:
        """The worker's own pipeline time for the last answer (the report's stage timings)."""
        return float(sum(json.loads(self.last)["timings"].values()))

    def close(self) -> None:
        self.conn.close()


def _load(port: int, pdf: bytes, concurrency: int, requests: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    clients: queue.Queue[_Client] = queue.Queue()
    for _ in range(concurrency):
        clients.put(_Client(port, pdf))

    def one(_i: int) -> tuple[float, int]:
        client = clients.get()
        try:
            t0 = time.perf_counter()
            status = client.post()
            return (time.perf_counter() - t0) * 1000.0, status
        finally:
            clients.put(client)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(concurrency * 2)))  # warm-up: every connection and worker
        t0 = time.perf_counter()
        for ms, status in pool.map(one, range(requests)):
            latencies.append(ms)
            errors += status != 200
        wall = time.perf_counter() - t0
    while not clients.empty():
        clients.get().close()
    return {
        "requests": requests,
        "errors": errors,
        "p50_ms": round(median(latencies), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "throughput_rps": round(requests / wall, 2),
    }


def _alternate(first: Callable[[], None], second: Callable[[], None], pairs: int) -> float:
    """Run the two steps ``pairs`` times, swapping which goes first; the wall time of ``first``."""
    spent = 0.0
    for i in range(pairs):
        for step in (first, second) if i % 2 else (second, first):
            t0 = time.perf_counter()
            step()
            if step is first:
                spent += time.perf_counter() - t0
    return spent


def _paired(port: int, pdf: bytes, matcher: Any, requests: int) -> dict[str, Any]:
    """Concurrency 1: each request next to a direct library call (swapping which goes first),
    then the same with httpx as the client, paired with library calls of its own. Each process
    runs once per pair: a third step in the same loop kept the worker warmer than the library."""
    import httpx

    http: list[float] = []
    direct: list[float] = []
    via_httpx: list[float] = []
    direct_httpx: list[float] = []
    added: list[float] = []  # per request: latency minus the worker's own pipeline time
    errors = 0
    client = _Client(port, pdf)

    def one() -> None:
        nonlocal errors
        t0 = time.perf_counter()
        status = client.post()
        ms = (time.perf_counter() - t0) * 1000.0
        http.append(ms)
        errors += status != 200
        if status == 200:
            added.append(ms - client.stages_ms())

    def lib(into: list[float]) -> Callable[[], None]:
        def call() -> None:
            t0 = time.perf_counter()
            pipeline.match_pdf(matcher, pdf)
            into.append((time.perf_counter() - t0) * 1000.0)

        return call

    _alternate(one, lib(direct), 4)  # warm-up: the server, its workers and this matcher
    http.clear()
    direct.clear()
    added.clear()
    spent = _alternate(one, lib(direct), requests)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as hx:

        def with_httpx() -> None:
            nonlocal errors
            t0 = time.perf_counter()
            r = hx.post("/v1/match", files={"file": ("resume.pdf", pdf, "application/pdf")})
            via_httpx.append((time.perf_counter() - t0) * 1000.0)
            errors += r.status_code != 200

        _alternate(with_httpx, lib(direct_httpx), 2)
        via_httpx.clear()
        direct_httpx.clear()
        _alternate(with_httpx, lib(direct_httpx), max(2, requests // 2))
    client.close()
    return {
        "requests": requests,
        "errors": errors,
        "p50_ms": round(median(http), 2),
        "p99_ms": round(percentile(http, 99), 2),
        "throughput_rps": round(requests / max(spent, 1e-9), 2),
        "httpx_p50_ms": round(median(via_httpx), 2),
        "httpx_p99_ms": round(percentile(via_httpx, 99), 2),
        "httpx_direct_p50_ms": round(median(direct_httpx), 2),
        "added_p50_ms": round(median(added), 2),
        "direct_ms": direct,
    }


def _serve(
    pdf: bytes,
    processes: int,
    workers: int,
    per_level: dict[int, int],
    log: Callable[[str], None],
    matcher: Any = None,
) -> dict[str, Any]:
    """One server shape: ``processes`` uvicorn processes × ``workers`` parser workers each;
    with ``matcher``, concurrency 1 is measured paired with direct library calls."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="rolefit-bench-svc-") as data_dir:
        env = {
            **os.environ,
            "ROLEFIT_DEV_MODE": "true",
            "ROLEFIT_DATA_DIR": data_dir,
            "ROLEFIT_WORKERS": str(workers),
            "ROLEFIT_QUEUE_LIMIT": "16",
            "ROLEFIT_LOG_LEVEL": "WARNING",
        }
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            server_command(
                port, "--workers", str(processes), "--no-access-log", "--log-level", "warning"
            ),
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_ready(base, proc)
            startup = time.perf_counter() - t0
            log(f"service {processes}x{workers}: ready in {startup:.1f} s")
            levels = {}
            direct: list[float] = []
            for c in LEVELS:
                if c == 1 and matcher is not None:
                    level = _paired(port, pdf, matcher, per_level[c])
                    direct = level.pop("direct_ms")
                else:
                    level = _load(port, pdf, c, per_level[c])
                levels[str(c)] = level
                log(f"service {processes}x{workers} c={c}: {level}")
        finally:
            proc.terminate()
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    errors = sum(v["errors"] for v in levels.values())
    if errors:
        raise RuntimeError(f"{errors} requests failed; server log: {err.decode()[-500:]}")
    out: dict[str, Any] = {
        "uvicorn_processes": processes,
        "pool_workers_per_process": workers,
        "startup_s": round(startup, 2),
        "concurrency": levels,
    }
    if direct:
        out["direct_ms"] = direct
    return out


def pick_pdf(files: Sequence[CorpusFile]) -> CorpusFile:
    """The benchmark's 2-page PDF: the first generated 2-page reportlab resume."""
    for f in files:
        if f.pages == 2 and f.producer == "reportlab":
            return f
    return next(f for f in files if f.pages == 2)


def run(
    files: Sequence[CorpusFile], *, quick: bool, log: Callable[[str], None] = lambda _m: None
) -> dict[str, Any]:
    """Start the server, load it at each level, compare with the library; see the docstring."""
    from matcher import Matcher

    doc = pick_pdf(files)
    pdf = doc.read()
    per_level = {1: 10, 2: 12, 4: 12, 8: 16} if quick else {1: 150, 2: 80, 4: 120, 8: 160}
    matcher = Matcher.default()
    shapes = {"uvicorn1x2": (1, 2)} if quick else {"uvicorn1x2": (1, 2), "uvicorn2x1": (2, 1)}
    results = {
        name: _serve(pdf, procs, workers, per_level, log, matcher if name == MAIN_SHAPE else None)
        for name, (procs, workers) in shapes.items()
    }
    main = results[MAIN_SHAPE]
    levels = main["concurrency"]
    direct = main.pop("direct_ms")
    direct_p50 = median(direct)
    log(f"service: library p50 {direct_p50:.1f} ms (paired with the c=1 requests)")
    overhead = 100.0 * (levels["1"]["p50_ms"] / direct_p50 - 1.0)
    c1 = levels["1"]
    overhead_httpx = 100.0 * (c1["httpx_p50_ms"] / c1["httpx_direct_p50_ms"] - 1.0)
    direct_rps = 1000.0 / direct_p50
    return {
        "document": {"id": doc.id, "pages": doc.pages, "bytes": doc.size},
        "uvicorn_processes": main["uvicorn_processes"],
        "pool_workers_per_process": main["pool_workers_per_process"],
        "startup_s": main["startup_s"],
        "direct_p50_ms": round(direct_p50, 2),
        "direct_p99_ms": round(percentile(direct, 99), 2),
        "direct_throughput_rps_one_core": round(direct_rps, 2),
        "concurrency": levels,
        "throughput_vs_direct": {
            c: round(v["throughput_rps"] / direct_rps, 3) for c, v in levels.items()
        },
        "overhead_c1_pct": round(overhead, 1),
        "overhead_c1_ms": round(levels["1"]["p50_ms"] - direct_p50, 2),
        "own_c1_ms": levels["1"]["added_p50_ms"],
        "overhead_c1_httpx_pct": round(overhead_httpx, 1),
        "target_overhead_pct": TARGET_OVERHEAD_PCT,
        "meets_target": bool(overhead <= TARGET_OVERHEAD_PCT),
        "shapes": results,
    }
