"""Cold start (fresh process → first report) and the peak memory of one worker.

Cold start: ``python -m bench.coldstart_child`` in a fresh interpreter, timed by the parent from
just before the process is created to the moment its first report is printed (interpreter start,
imports, taxonomy load, spaCy pipeline and fuzzy index build, first match). Median of several.

Peak RSS: one ``WorkerPool`` worker (the process the service and the batch run documents in)
matches the whole corpus plus the longest growth document, then reports ``ru_maxrss``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import pipeline
from bench.corpus import CorpusFile
from bench.stats import median

TARGET_COLD_S = 2.0
TARGET_RSS_MB = 300.0


def cold_start(pdf: Path, *, repeat: int = 3) -> dict[str, Any]:
    """Median wall seconds from process creation to the first report."""
    walls: list[float] = []
    inner: list[dict[str, Any]] = []
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    root = Path(__file__).resolve().parent.parent
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.coldstart_child", str(pdf)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=root,
            env=env,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        wall = time.perf_counter() - t0
        _, err = proc.communicate(timeout=120)
        if proc.returncode != 0 or not line:
            raise RuntimeError(f"cold-start child failed: {err.decode(errors='replace')[-800:]}")
        walls.append(wall)
        inner.append(json.loads(line))
    return {
        "cold_start_s": round(median(walls), 3),
        "runs_s": [round(w, 3) for w in walls],
        "import_s": round(median([r["import_s"] for r in inner]), 3),
        "build_s": round(median([r["build_s"] for r in inner]), 3),
        "first_match_s": round(median([r["first_match_s"] for r in inner]), 3),
        # CPU seconds of the child up to its first report: what a quiet machine would wait
        "cpu_s": round(median([r["cpu_s"] for r in inner]), 3),
        "target_s": TARGET_COLD_S,
        "meets_target": bool(median(walls) <= TARGET_COLD_S),
    }


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
    """Both measurements."""
    cold = cold_start(sample_pdf, repeat=repeat)
    log(f"cold start: {cold['cold_start_s']} s")
    rss = worker_rss(files)
    log(f"worker peak RSS: {rss['peak_rss_mb']} MB")
    return {"cold_start": cold, "worker_memory": rss}
