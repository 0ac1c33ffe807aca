"""Child process of the cold-start benchmark: import, build the Matcher, match one PDF.

``python -m bench.coldstart_child FILE.pdf`` prints one JSON line as soon as the first report
exists (the parent times process start → that line), then exits.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main(argv: list[str]) -> None:
    """Run the cold path once and print its timings as JSON."""
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
