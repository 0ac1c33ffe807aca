"""Worker-side tasks of the HTTP routes: run the library and serialise the answer in the worker.

The API shape (``service/schemas.py``) is built and dumped to JSON inside the worker process, so
the event-loop process only moves bytes: no pydantic validation or JSON encoding of large
reports competes with accepting requests. Functions are module-level so they pickle.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from matcher import match_task, match_text_task, parse_task, report_json
from service.schemas import SkillCandidate, SkillLookup, document_out

if TYPE_CHECKING:
    from matcher import Matcher

Detail = Literal["compact", "full"]  # matcher.report's report shapes

__all__ = [
    "Result",
    "lookup_skill_json_task",
    "match_json_task",
    "match_text_json_task",
    "parse_json_task",
]


@dataclass(frozen=True, slots=True)
class Result:
    """A serialised answer plus what the metrics need."""

    body: bytes
    format: str
    pages: int
    timings: dict[str, float] = field(default_factory=dict)
    gzipped: bool = False  # ``body`` is gzip: the route passes it through or inflates it


def _gzip(body: bytes) -> bytes:
    """gzip at level 1: a 170 KB report becomes ~12 KB in ~0.4 ms, so one small pipe write to
    the event loop instead of several, and a small response for clients that accept gzip."""
    return gzip.compress(body, compresslevel=1, mtime=0)


def parse_json_task(matcher: Matcher, data: bytes, filename: str | None = None) -> Result:
    """Parse a resume; the API view of the document as JSON."""
    document = parse_task(matcher, data, filename)
    body = document_out(document).model_dump_json().encode()
    return Result(body=body, format=document.format, pages=document.pages)


def match_json_task(
    matcher: Matcher,
    data: bytes,
    roles: Sequence[str] | None = None,
    job: Any = None,
    filename: str | None = None,
    detail: Detail = "compact",
) -> Result:
    """Parse and match an uploaded resume; the API view of the report as JSON."""
    report = match_task(matcher, data, roles, job, filename)
    body = _gzip(report_json(report, detail=detail))
    timings = dict(report.timings)
    return Result(
        body=body, format=report.format, pages=report.pages, timings=timings, gzipped=True
    )


def match_text_json_task(
    matcher: Matcher,
    text: str,
    roles: Sequence[str] | None = None,
    job: Any = None,
    detail: Detail = "compact",
) -> Result:
    """Match pasted resume text; the API view of the report as JSON."""
    report = match_text_task(matcher, text, roles, job)
    body = _gzip(report_json(report, detail=detail))
    timings = dict(report.timings)
    return Result(body=body, format="text", pages=report.pages, timings=timings, gzipped=True)


def lookup_skill_json_task(matcher: Matcher, query: str, limit: int = 5) -> Result:
    """``Matcher.lookup_skill`` (the extraction's own exact/alias/fuzzy rules) as API JSON."""
    found = matcher.lookup_skill(query, limit=limit)
    skills = matcher.taxonomy.skills

    def out(hit: Any) -> SkillCandidate:
        return SkillCandidate(skill=skills[hit.skill_id], how=hit.how, score=hit.score)

    body = SkillLookup(
        query=query,
        taxonomy_version=matcher.taxonomy.version,
        match=out(found.match) if found.match is not None else None,
        candidates=[out(c) for c in found.candidates],
    )
    return Result(body=body.model_dump_json().encode(), format="", pages=0)
