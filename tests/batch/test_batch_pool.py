"""run_batch on the real local WorkerPool: a worker that dies on a file is replaced, the file is
recorded as worker-crashed and the files after it are still scored."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch.runner import LocalBackend, iter_results, run_batch
from matcher.options import MatchOptions
from matcher.workers import WorkerPool
from tests.batch.crashing import MARKER, crashing_matcher
from tests.batch.support import text_resume, write

pytestmark = [pytest.mark.slow, pytest.mark.issue(6)]


def test_batch_replaces_a_crashed_worker_and_records_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for i in range(4):
        write(folder, f"ok-{i}.txt", text_resume(20 + i))
    write(folder, "crash.txt", text_resume(30) + MARKER.decode() + "\n")
    options = MatchOptions()
    with WorkerPool(1, options=options, task_timeout=60, factory=crashing_matcher) as pool:
        backend = LocalBackend(1, options=options, pool=pool)
        try:
            summary = run_batch(folder, tmp_path / "r.jsonl", backend=backend)
        finally:
            backend.close()
        assert pool.restarts == 1
    status = {
        r["path"]: (r["status"], (r.get("error") or {}).get("code"))
        for r in iter_results(tmp_path / "r.jsonl")
    }
    assert status == {
        **{f"ok-{i}.txt": ("ok", None) for i in range(4)},
        "crash.txt": ("failed", "worker-crashed"),
    }
    assert (summary.scored, summary.failed, summary.exit_code) == (4, 1, 1)
