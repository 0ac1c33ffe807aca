"""How the benchmark runs the library on one PDF, and the floor it is compared with.

The pipeline is always the real one: ``Matcher.match(pdf_bytes)`` (parse → extract → normalise →
score → suggest), the call ``rolefit match``, the service and the batch make.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matcher import Matcher, MatchReport

STAGES = ("parse", "extract", "normalise", "score", "suggest")
_REPORT_KEYS = {"normalise": "normalize"}


def floor_text(data: bytes) -> str:
    """The floor: plain ``pdfminer.high_level.extract_text`` with its defaults."""
    from pdfminer.high_level import extract_text

    return str(extract_text(io.BytesIO(data)))


def match_pdf(matcher: Matcher, data: bytes, filename: str = "resume.pdf") -> MatchReport:
    """One resume through the whole pipeline."""
    return matcher.match(data, filename=filename)


def stage_ms(report: MatchReport) -> dict[str, float]:
    """The report's per-stage milliseconds under the benchmark's stage names."""
    out = {}
    for stage in STAGES:
        key = _REPORT_KEYS.get(stage, stage)
        if key in report.timings:
            out[stage] = float(report.timings[key])
    return out


def match_item_task(matcher: Matcher, item: tuple[str, bytes]) -> dict[str, Any]:
    """Worker task for ``WorkerPool.map_unordered``: match one (filename, bytes) item.

    Returns a small dict (timings and skill count) so little crosses the process boundary.
    """
    name, data = item
    report = match_pdf(matcher, data, filename=name)
    return {"timings": stage_ms(report), "skills": len(report.skills)}


def rss_task(matcher: Matcher) -> int:
    """Worker task: the worker's peak resident set size so far, in bytes."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)
