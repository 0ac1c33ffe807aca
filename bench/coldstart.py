"""Cold start as the user meets it, worker start, and the peak memory of one worker.

Cold start: the ``rolefit match FILE`` command (the console script next to this interpreter) on a
one-page PDF, timed by the parent from just before the process is created to its exit (minus
nothing: interpreter start, imports, taxonomy load, spaCy pipeline and fuzzy index build, the
match, printing the report), with the child's CPU seconds beside it; ``rolefit --help`` (the
command line alone) the same way. Best and median of several: the best run is the one the
target is held to. The library's own share (``python -m bench.coldstart_child``: import, build,
first match; best of the same number) is the breakdown.

Worker start: ``python -m bench.coldstart_child --workers MODE`` times a ``WorkerPool`` worker
from process start to ready (its Matcher built), the first one and replacements (a pool that
recycles its worker after every task), with the forkserver preloading the heavy modules
(``matcher.workers.PRELOAD``, the default) and without (``--workers none``).

Peak RSS: one ``WorkerPool`` worker (the process the service and the batch run documents in)
matches the whole corpus plus the longest growth document, then reports ``ru_maxrss``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import pipeline
from bench.corpus import CorpusFile
from bench.stats import median

TARGET_COLD_S = 1.5
TARGET_RSS_MB = 300.0
ROOT = Path(__file__).resolve().parent.parent


def _timed_run(argv: Sequence[str]) -> tuple[float, float, bytes]:
    """Wall seconds from process creation to exit, the child's CPU seconds, its stdout.

    Raises:
        RuntimeError: the command failed.
    """
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, cwd=ROOT, env=env, timeout=120, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv[:3])} failed: {proc.stderr.decode(errors='replace')[-800:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def rolefit_command() -> str:
    """The ``rolefit`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("rolefit")
    if not script.exists():
        raise RuntimeError(f"{script} is missing: run `make install`")
    return str(script)


def _best_and_median(argv: Sequence[str], repeat: int) -> dict[str, Any]:
    """``argv`` run ``repeat`` times: the best (least disturbed by other processes) and the
    median wall seconds from process creation to exit, the CPU seconds, every run."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        wall, cpu, _out = _timed_run(argv)
        walls.append(wall)
        cpus.append(cpu)
    return {
        "best_s": round(min(walls), 3),
        "median_s": round(median(walls), 3),
        "runs_s": [round(w, 3) for w in walls],
        # CPU seconds of the command: what a quiet machine would wait, near enough
        "cpu_s": round(median(cpus), 3),
    }


def cold_start(pdf: Path, *, repeat: int = 3) -> dict[str, Any]:
    """``rolefit match FILE`` and ``rolefit --help`` as the user meets them (best and median of
    ``repeat``, process creation to exit), and the library's share of the match (import, build,
    first match) from ``bench.coldstart_child``. The target holds for the best run of the match:
    the other runs measure the other processes of a busy machine as well."""
    rolefit = rolefit_command()
    match = _best_and_median([rolefit, "match", str(pdf)], repeat)
    helped = _best_and_median([rolefit, "--help"], repeat)
    inner = [
        json.loads(_timed_run([sys.executable, "-m", "bench.coldstart_child", str(pdf)])[2])
        for _ in range(repeat)
    ]
    return {
        "command": "rolefit match FILE",
        "cold_start_s": match["best_s"],
        "median_s": match["median_s"],
        "runs_s": match["runs_s"],
        "cpu_s": match["cpu_s"],
        "help": helped,
        "library_import_s": round(min(r["import_s"] for r in inner), 3),
        "library_build_s": round(min(r["build_s"] for r in inner), 3),
        "library_first_match_s": round(min(r["first_match_s"] for r in inner), 3),
        "target_s": TARGET_COLD_S,
        "meets_target": bool(match["best_s"] <= TARGET_COLD_S),
    }


def worker_start(*, repeat: int = 3) -> dict[str, Any]:
    """Seconds for a worker to be ready, with the forkserver preload and without (each in a
    fresh process: the forkserver, and what it preloads, is one per process)."""
    out: dict[str, Any] = {}
    for mode in ("preload", "none"):
        runs = []
        for _ in range(repeat):
            _wall, _cpu, line = _timed_run(
                [sys.executable, "-m", "bench.coldstart_child", "--workers", mode]
            )
            runs.append(json.loads(line))
        out[mode] = {
            "first_ready_s": round(median([r["first_ready_s"] for r in runs]), 3),
            "replacement_ready_s": round(median([r["replacement_ready_s"] for r in runs]), 3),
        }
    out["replacement_ratio"] = round(
        out["preload"]["replacement_ready_s"] / out["none"]["replacement_ready_s"], 3
    )
    return out


def worker_rss(files: Sequence[CorpusFile]) -> dict[str, Any]:
    """Peak RSS of one WorkerPool worker after matching ``files``."""
    from matcher.workers import WorkerPool

    errors = 0
    with WorkerPool(1, task_timeout=300) as pool:
        after_build = pool.run(pipeline.rss_task)
        items = [(f.id + ".pdf", f.read()) for f in files]
        for _, result in pool.map_unordered(pipeline.match_item_task, items):
            if isinstance(result, Exception):
                errors += 1
        peak = pool.run(pipeline.rss_task)
    return {
        "after_build_mb": round(after_build / 2**20, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "documents": len(files),
        "largest_pages": max((f.pages for f in files), default=0),
        "errors": errors,
        "target_mb": TARGET_RSS_MB,
        "meets_target": bool(peak / 2**20 <= TARGET_RSS_MB),
    }


def run(
    files: Sequence[CorpusFile],
    *,
    sample_pdf: Path,
    repeat: int = 3,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """The three measurements."""
    cold = cold_start(sample_pdf, repeat=repeat)
    log(
        f"cold start (rolefit match): best {cold['cold_start_s']} s, median {cold['median_s']} s,"
        f" CPU {cold['cpu_s']} s; rolefit --help: best {cold['help']['best_s']} s"
    )
    start = worker_start(repeat=repeat)
    pre, none = start["preload"], start["none"]
    log(
        f"worker ready, preload vs none: first {pre['first_ready_s']} vs {none['first_ready_s']} s,"
        f" replacement {pre['replacement_ready_s']} vs {none['replacement_ready_s']} s"
    )
    rss = worker_rss(files)
    log(f"worker peak RSS: {rss['peak_rss_mb']} MB")
    return {"cold_start": cold, "worker_start": start, "worker_memory": rss}
