"""The batch: files per second in a plain loop and with 1 and 2 worker processes.

The batch is ``batch.runner.run_batch`` on a folder holding the corpus (a temporary copy; results
JSONL in the same temp dir), exactly what ``rolefit batch DIR`` runs. The plain loop is one
process calling the library on each file in turn (no pool, no IPC): the baseline the pool must
beat.

Throughput is reported two ways: over the whole run (pool start included, what a user waits) and
steady state (first to last finished file, pool start excluded); the 2-vs-1 target uses steady
state so the constant start-up cost does not blur the scaling. The full run measures the pool
shapes in the order 1, 2, 2, 1 workers and averages each shape, so load that drifts during the
section (other work on a shared machine) hits both alike.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import pipeline
from bench.corpus import CorpusFile
from bench.stats import ratio

TARGET_SPEEDUP = 1.7


class PeakRss:
    """Samples the resident memory of this process and all its descendants (the batch's
    parent plus its workers) every 50 ms; ``total_mb`` is the peak of the sum, ``worker_mb``
    the peak of the largest single descendant. Needs psutil (installed with the dev extra)."""

    def __init__(self, *, children: bool = True) -> None:
        self.children = children
        self.total = 0
        self.worker = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while True:
            total = me.memory_info().rss
            for child in me.children(recursive=True) if self.children else ():
                try:
                    rss = child.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.worker = max(self.worker, rss)
            self.total = max(self.total, total)
            if self._stop.wait(0.05):
                return

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def figures(self) -> dict[str, float]:
        out = {"peak_rss_mb": round(self.total / 2**20, 1)}
        if self.children:
            out["peak_worker_rss_mb"] = round(self.worker / 2**20, 1)
        return out


def _loop(files: Sequence[CorpusFile]) -> dict[str, float]:
    with PeakRss(children=False) as rss:
        out = _loop_run(files)
    return {**out, **rss.figures()}


def _loop_run(files: Sequence[CorpusFile]) -> dict[str, float]:
    from matcher import Matcher

    t0 = time.perf_counter()
    matcher = Matcher.default()
    pipeline.match_pdf(matcher, files[0].read(), filename="warmup.pdf")
    t1 = time.perf_counter()
    for f in files:
        pipeline.match_pdf(matcher, f.read(), filename=f.id + ".pdf")
    t2 = time.perf_counter()
    n = len(files)
    return {
        "files_per_sec": round(n / (t2 - t0), 2),
        "steady_files_per_sec": round(n / (t2 - t1), 2),
    }


def _rates(n: int, t0: float, t_ready: float, done: list[float], errors: int) -> dict[str, float]:
    total = done[-1] - t0 if done else float("nan")
    steady = (len(done) - 1) / (done[-1] - done[0]) if len(done) > 1 else float("nan")
    return {
        "files_per_sec": round(n / total, 2),
        "steady_files_per_sec": round(steady, 2),
        "startup_s": round(t_ready - t0, 2),
        "errors": errors,
    }


def _run_batch(
    files: Sequence[CorpusFile], workers: int, tmp: Path, tag: str = ""
) -> dict[str, float]:
    from batch.runner import run_batch

    src = tmp / "in"
    if not src.exists():
        src.mkdir()
        for f in files:
            shutil.copyfile(f.path, src / (f.id + ".pdf"))
    out = tmp / f"results-{workers}{tag}.jsonl"  # a fresh file: an old one would be resumed
    done: list[float] = []
    t_ready: list[float] = []

    def progress(event: str, _stats: object) -> None:
        if event == "start":
            t_ready.append(time.perf_counter())
        elif event == "file":
            done.append(time.perf_counter())

    t0 = time.perf_counter()
    with PeakRss() as rss:
        summary = run_batch(src, out, workers=workers, progress=progress)
    rates = _rates(len(files), t0, t_ready[0] if t_ready else t0, done, summary.failed)
    rates["files_per_sec"] = round(summary.scored / (time.perf_counter() - t0), 2)
    rates.update(rss.figures())  # the bench process + its workers (a plain loop: one process)
    return rates


def _mean_run(results: list[dict[str, float]]) -> dict[str, float]:
    """Several runs of one shape: rates and start-up averaged, peaks the maximum."""
    out: dict[str, float] = {}
    for key in results[0]:
        values = [r[key] for r in results if key in r]
        if key.startswith("peak") or key == "errors":
            out[key] = max(values)
        else:
            out[key] = round(sum(values) / len(values), 2)
    return out


def run(
    files: Sequence[CorpusFile],
    *,
    rounds: int = 1,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Loop, 1 worker, 2 workers on the same files; see the module docstring.

    With ``rounds=2`` the pool runs go 1, 2, 2, 1 workers (ABBA), so load that drifts during
    the section hits both shapes alike; each shape's figures are the mean of its runs.
    """
    out: dict[str, Any] = {"runner": "batch.runner.run_batch", "files": len(files)}
    loop = _loop(files)
    log(f"batch: plain loop {loop['steady_files_per_sec']} files/s")
    order = [1, 2] if rounds < 2 else [1, 2, 2, 1] * (rounds // 2)
    each: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    sequence: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="rolefit-bench-batch-") as tmp:
        for i, workers in enumerate(order):
            result = _run_batch(files, workers, Path(tmp), tag=f"-{i}")
            each[workers].append(result)
            sequence.append({"workers": workers, **result})
            log(f"batch: {workers} worker(s) {result['steady_files_per_sec']} files/s")
    runs = {w: _mean_run(r) for w, r in each.items()}
    out["runs"] = sequence
    speedup = ratio(runs[2]["steady_files_per_sec"], runs[1]["steady_files_per_sec"])
    out.update(
        {
            "loop": loop,
            "workers_1": runs[1],
            "workers_2": runs[2],
            "files_per_sec": {
                "loop": loop["steady_files_per_sec"],
                "workers_1": runs[1]["steady_files_per_sec"],
                "workers_2": runs[2]["steady_files_per_sec"],
            },
            "peak_rss_mb": {
                "loop": loop["peak_rss_mb"],
                "workers_1": runs[1].get("peak_rss_mb"),
                "workers_2": runs[2].get("peak_rss_mb"),
            },
            "speedup_2_over_1": speedup,
            "speedup_2_over_1_with_startup": ratio(
                runs[2]["files_per_sec"], runs[1]["files_per_sec"]
            ),
            "pool_1_over_loop": ratio(
                runs[1]["steady_files_per_sec"], loop["steady_files_per_sec"]
            ),
            "target_speedup": TARGET_SPEEDUP,
            "meets_target": bool(speedup >= TARGET_SPEEDUP),
        }
    )
    return out
