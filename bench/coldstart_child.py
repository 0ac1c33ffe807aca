"""Child process of the cold-start benchmark.

``python -m bench.coldstart_child FILE.pdf``: import, build the Matcher, match one PDF, print the
three times as one JSON line.

``python -m bench.coldstart_child --workers preload|none``: seconds until a ``WorkerPool``'s
first worker is ready and (median of 3) until a replacement worker is, with the forkserver
preloading ``matcher.workers.PRELOAD`` or nothing; one JSON line.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def workers(mode: str) -> None:
    """Time worker starts with (``preload``) or without (``none``) the forkserver preload."""
    import statistics

    from bench.pipeline import rss_task
    from matcher import workers

    if mode == "none":
        workers.PRELOAD = ("__main__",)  # multiprocessing's default: what it was before
    t0 = time.perf_counter()
    with workers.WorkerPool(1, max_tasks_per_worker=1) as pool:
        pool.wait_ready()
        first = time.perf_counter() - t0
        pool.run(rss_task)  # the worker is recycled after it: a replacement starts
        replacements = []
        for _ in range(3):
            t1 = time.perf_counter()
            pool.wait_ready()
            replacements.append(time.perf_counter() - t1)
            pool.run(rss_task)
    out = {"first_ready_s": round(first, 3)}
    out["replacement_ready_s"] = round(statistics.median(replacements), 3)
    print(json.dumps(out), flush=True)


def main(argv: list[str]) -> None:
    """Run the cold path once and print its timings as JSON."""
    if argv[:1] == ["--workers"]:
        workers(argv[1])
        return
    t0 = time.perf_counter()
    from bench.pipeline import match_pdf
    from matcher import Matcher

    t1 = time.perf_counter()
    matcher = Matcher.default()
    t2 = time.perf_counter()
    with open(argv[0], "rb") as fh:
        data = fh.read()
    report = match_pdf(matcher, data, filename="resume.pdf")
    t3 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "import_s": round(t1 - t0, 3),
                "build_s": round(t2 - t1, 3),
                "first_match_s": round(t3 - t2, 3),
                "cpu_s": round(time.process_time(), 3),  # this process's CPU since it started
                "skills": len(report.skills),
                "peak_rss_mb": round(peak / 1024 if sys.platform != "darwin" else peak / 2**20, 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
