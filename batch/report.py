"""Batch results (JSONL) → one self-contained HTML report (no scripts, no external files).

```
results.jsonl ─ iter_results (one streaming pass) ─► per target: top candidates + missing counts
                                                   ├► failed / skipped files, error codes
                                                   └► run figures ─► report.html (atomic write)
```

Per target (the posting, then each role) the report ranks the best candidates with score bars
and lists the skills most often missing. Memory stays bounded for any folder: each table keeps
its ``top`` best rows and at most ``max_failed`` failed files are listed (the rest are counted).
Every value read from the file (paths, titles, error messages, skill names) is HTML-escaped, and
only numbers reach a ``style`` attribute.
"""

from __future__ import annotations

import html
import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batch.runner import iter_results

if TYPE_CHECKING:
    from batch.runner import BatchSummary

__all__ = ["ReportData", "collect", "render", "write_report"]

TOP = 100  # candidates per ranked table
MAX_FAILED = 1000  # failed files listed (all are counted)
MAX_SKIPPED = 100  # skipped (not a resume) files listed
MISSING_SHOWN = 15  # most-missing skills per target
SKILLS_PER_ROW = 5  # matched / missing skills shown per candidate row


@dataclass(slots=True)
class Candidate:
    """One row of a ranked table."""

    score: float
    path: str
    band: str = ""
    matched: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass(slots=True)
class Target:
    """A role or the posting: its best candidates and how often each skill was missing."""

    id: str
    title: str
    kind: str  # "job" or "role"
    scored: int = 0
    total: float = 0.0
    detailed: int = 0  # files whose line lists this target's matched/missing skills
    bands: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)
    rows: list[Candidate] = field(default_factory=list)

    def add(self, candidate: Candidate, *, top: int) -> None:
        self.scored += 1
        self.total += candidate.score
        self.rows.append(candidate)
        if len(self.rows) > 2 * top:
            self.trim(top)

    def trim(self, top: int) -> None:
        self.rows.sort(key=lambda c: (-c.score, c.path))
        del self.rows[top:]

    @property
    def mean(self) -> float:
        return self.total / self.scored if self.scored else 0.0


@dataclass(slots=True)
class ReportData:
    """Everything the HTML shows, gathered in one pass over the results file."""

    targets: dict[str, Target] = field(default_factory=dict)
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    duplicates: int = 0  # files with the same content as another (scored once)
    failed_rows: list[tuple[str, str, str]] = field(default_factory=list)  # path, code, detail
    skipped_rows: list[str] = field(default_factory=list)
    error_codes: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    ms_total: float = 0.0
    ms_count: int = 0
    first_finished: str = ""
    last_finished: str = ""
    taxonomy_version: str = ""
    method: str = ""
    roles_requested: tuple[str, ...] = ()
    has_job: bool = False

    @property
    def mean_ms(self) -> float:
        return self.ms_total / self.ms_count if self.ms_count else 0.0


def _number(value: Any) -> float | None:
    """A finite float from a JSON value, or None (the file may have been edited by hand)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _names(value: Any, limit: int = SKILLS_PER_ROW) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value[:limit])


def _target_entry(data: ReportData, entry: Mapping[str, Any], kind: str) -> Target:
    target_id = "job" if kind == "job" else str(entry.get("id", ""))
    target = data.targets.get(target_id)
    if target is None:
        target = Target(id=target_id, title=str(entry.get("title") or target_id), kind=kind)
        data.targets[target_id] = target
    return target


def collect(
    records: Iterable[Mapping[str, Any]],
    *,
    top: int = TOP,
    max_failed: int = MAX_FAILED,
) -> ReportData:
    """Gather the report's figures from result lines (streamed; bounded memory)."""
    data = ReportData()
    for record in records:
        status = record.get("status")
        path = str(record.get("path", ""))
        finished = str(record.get("finished") or "")
        if finished:
            data.first_finished = min(data.first_finished or finished, finished)
            data.last_finished = max(data.last_finished, finished)
        if not data.method:
            data.taxonomy_version = str(record.get("taxonomy_version") or "")
            data.method = str(record.get("method") or "")
            roles = record.get("roles_requested")
            data.roles_requested = tuple(str(r) for r in roles) if isinstance(roles, list) else ()
        if record.get("duplicate_of"):
            data.duplicates += 1
        if status == "skipped":
            data.skipped += 1
            if len(data.skipped_rows) < MAX_SKIPPED:
                data.skipped_rows.append(path)
            continue
        if record.get("format"):
            data.formats[str(record["format"])] += 1
        if status != "ok":
            error = record.get("error") or {}
            code = str(error.get("code", "unknown"))
            data.failed += 1
            data.error_codes[code] += 1
            if len(data.failed_rows) < max_failed:
                data.failed_rows.append((path, code, str(error.get("detail", ""))))
            continue
        data.ok += 1
        data.pages += int(_number(record.get("pages")) or 0)
        ms = _number((record.get("timings") or {}).get("total"))
        if ms is not None:
            data.ms_total += ms
            data.ms_count += 1
        _add_scores(data, record, path, top=top)
    for target in data.targets.values():
        target.trim(top)
    return data


def _add_scores(data: ReportData, record: Mapping[str, Any], path: str, *, top: int) -> None:
    details: dict[str, Mapping[str, Any]] = {}
    job = record.get("job")
    if isinstance(job, Mapping):
        data.has_job = True
        details["job"] = job
    for entry in record.get("targets") or []:
        if isinstance(entry, Mapping):
            details[str(entry.get("id", ""))] = entry
    titles = {key: entry.get("title") for key, entry in details.items()}
    scores: dict[str, Any] = {}
    if isinstance(job, Mapping):
        scores["job"] = job.get("score")
    raw_scores = record.get("scores")
    if isinstance(raw_scores, Mapping):
        scores.update((str(k), v) for k, v in raw_scores.items() if k != "job")
    for target_id, value in scores.items():
        score = _number(value)
        if score is None:
            continue
        kind = "job" if target_id == "job" else "role"
        entry = details.get(target_id, {"id": target_id, "title": titles.get(target_id)})
        target = _target_entry(data, entry, kind)
        if target.title == target.id and entry.get("title"):
            target.title = str(entry["title"])
        detail = details.get(target_id)
        candidate = Candidate(score=max(0.0, min(100.0, score)), path=path)
        if detail is not None:
            target.detailed += 1
            candidate.band = str(detail.get("band") or "")
            candidate.matched = _names(detail.get("matched"))
            candidate.missing = _names(detail.get("missing"))
            if candidate.band:
                target.bands[candidate.band] += 1
            target.missing.update(_names(detail.get("missing"), limit=10_000))
        target.add(candidate, top=top)


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1d2430;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #dde;
padding-bottom:.3rem}h3{margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eef;vertical-align:top}
th{background:#f5f6fa;font-weight:600}td.num,th.num{text-align:right;white-space:nowrap}
.bar{background:#eef0f5;border-radius:3px;width:160px;height:12px;display:inline-block;
vertical-align:middle;margin-right:.4rem}
.bar span{display:block;height:12px;border-radius:3px;background:#4a7bd0}
.band-strong{color:#19703a;font-weight:600}.band-good{color:#2d8a4e}
.band-partial{color:#a86b00}.band-weak{color:#b3261e}
.muted{color:#667}.skills{font-size:.85rem}.figures td:first-child{width:16rem;color:#445}
.pill{display:inline-block;background:#f1f3f8;border-radius:9px;padding:0 .5rem;margin:.1rem}
nav a{margin-right:.8rem}code{font-size:.85rem}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bar(score: float) -> str:
    width = f"{max(0.0, min(100.0, score)):.1f}"
    return f'<span class="bar"><span style="width:{width}%"></span></span>'


def _anchor(target_id: str) -> str:
    return "t-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in target_id)


def _ordered_targets(data: ReportData) -> list[Target]:
    targets = list(data.targets.values())
    requested = {role: i for i, role in enumerate(data.roles_requested)}

    def key(target: Target) -> tuple[int, int, float, str]:
        if target.kind == "job":
            return (0, 0, 0.0, "")
        if target.id in requested:
            return (1, requested[target.id], 0.0, "")
        best = target.rows[0].score if target.rows else 0.0
        return (2, 0, -best, target.id)

    return sorted(targets, key=key)


def _target_html(target: Target, *, top: int) -> str:
    label = "Job posting" if target.kind == "job" else "Role"
    parts = [
        f'<h2 id="{_anchor(target.id)}">{label}: {_e(target.title)} '
        f'<span class="muted">({_e(target.id)})</span></h2>'
    ]
    bands = " ".join(
        f'<span class="pill band-{_e(b)}">{_e(b)} {n}</span>'
        for b, n in sorted(target.bands.items(), key=lambda kv: -kv[1])
    )
    parts.append(f"<p>{target.scored} candidates scored, mean score {target.mean:.1f}. {bands}</p>")
    shown = min(top, len(target.rows))
    if target.scored > shown:
        parts.append(
            f'<p class="muted">The best {shown} are shown; every score is in the results '
            "file and the CSV.</p>"
        )
    parts.append(
        '<table><thead><tr><th class="num">#</th><th>File</th><th>Score</th><th>Band</th>'
        "<th>Matched</th><th>Missing</th></tr></thead><tbody>"
    )
    for rank, row in enumerate(target.rows[:top], 1):
        parts.append(
            f'<tr><td class="num">{rank}</td><td><code>{_e(row.path)}</code></td>'
            f'<td class="num">{_bar(row.score)}{row.score:.1f}</td>'
            f'<td class="band-{_e(row.band)}">{_e(row.band)}</td>'
            f'<td class="skills">{_e(", ".join(row.matched))}</td>'
            f'<td class="skills">{_e(", ".join(row.missing))}</td></tr>'
        )
    parts.append("</tbody></table>")
    if target.missing:
        basis = (
            "across every scored file"
            if target.detailed == target.scored
            else f"across the {target.detailed} files where this was one of their best roles"
        )
        parts.append(f"<h3>Skills most often missing <span class='muted'>({basis})</span></h3>")
        parts.append(
            '<table><thead><tr><th>Skill</th><th class="num">Files missing it</th>'
            '<th class="num">Share</th></tr></thead><tbody>'
        )
        for skill, count in target.missing.most_common(MISSING_SHOWN):
            share = 100.0 * count / target.detailed if target.detailed else 0.0
            parts.append(
                f'<tr><td>{_e(skill)}</td><td class="num">{count}</td>'
                f'<td class="num">{_bar(share)}{share:.0f}%</td></tr>'
            )
        parts.append("</tbody></table>")
    return "\n".join(parts)


def _figures(data: ReportData, summary: BatchSummary | None) -> list[tuple[str, str]]:
    total = data.ok + data.failed + data.skipped
    rows = [
        ("Files in the results", f"{total}"),
        ("Scored", f"{data.ok}"),
        ("Failed", f"{data.failed}"),
        ("Skipped (not a resume)", f"{data.skipped}"),
        ("Same content as another file (scored once)", f"{data.duplicates}"),
        ("Formats", ", ".join(f"{k} {v}" for k, v in sorted(data.formats.items())) or "—"),
        ("Pages read", f"{data.pages}"),
        ("Mean time per scored file", f"{data.mean_ms:.0f} ms"),
        ("Taxonomy version", data.taxonomy_version or "—"),
        ("Scoring method", data.method or "—"),
        ("Roles requested", ", ".join(data.roles_requested) or "all roles"),
        ("First / last file finished", f"{data.first_finished} / {data.last_finished}"),
    ]
    if summary is not None:
        rows += [
            (
                "This run",
                f"{summary.scored} scored, {summary.failed} failed, {summary.skipped} skipped, "
                f"{summary.already_done} already in the results, "
                f"{summary.duplicates} duplicate content",
            ),
            ("Elapsed", f"{summary.elapsed:.1f} s"),
            ("Rate", f"{summary.rate:.2f} files/s"),
            ("Backend", f"{summary.backend}, {summary.workers} worker slot(s)"),
        ]
    return rows


def render(
    data: ReportData,
    *,
    summary: BatchSummary | None = None,
    title: str = "rolefit batch report",
    top: int = TOP,
) -> str:
    """The report as one HTML document (inline CSS, no scripts, every value escaped)."""
    generated = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    targets = _ordered_targets(data)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">Generated {_e(generated)} · {data.ok} scored · {data.failed} failed'
        f" · {data.skipped} skipped. Scores are recommendations for a person to review, "
        "not automatic rejections.</p>",
    ]
    if targets:
        links = " ".join(f'<a href="#{_anchor(t.id)}">{_e(t.title)}</a>' for t in targets)
        out.append(f"<nav>{links} <a href='#failed'>Failed files</a> <a href='#run'>Run</a></nav>")
    for target in targets:
        out.append(_target_html(target, top=top))
    if not targets:
        out.append("<h2>Candidates</h2><p>No file was scored.</p>")
    out.append(f'<h2 id="failed">Failed files ({data.failed})</h2>')
    if data.error_codes:
        out.append(
            "<p>"
            + " ".join(
                f'<span class="pill">{_e(code)} {n}</span>'
                for code, n in data.error_codes.most_common()
            )
            + "</p>"
        )
        out.append("<table><thead><tr><th>File</th><th>Error</th><th>Reason</th></tr></thead>")
        out.append("<tbody>")
        for path, code, detail in data.failed_rows:
            out.append(
                f"<tr><td><code>{_e(path)}</code></td><td><code>{_e(code)}</code></td>"
                f"<td>{_e(detail)}</td></tr>"
            )
        out.append("</tbody></table>")
        if data.failed > len(data.failed_rows):
            out.append(
                f'<p class="muted">{data.failed - len(data.failed_rows)} more failed files are '
                "in the results file.</p>"
            )
    else:
        out.append("<p>None: every resume was read.</p>")
    if data.skipped:
        out.append(f"<h3>Skipped: not a resume ({data.skipped})</h3><p class='skills'>")
        out.append(", ".join(f"<code>{_e(p)}</code>" for p in data.skipped_rows))
        if data.skipped > len(data.skipped_rows):
            out.append(f" … and {data.skipped - len(data.skipped_rows)} more")
        out.append("</p>")
    out.append('<h2 id="run">Run</h2><table class="figures"><tbody>')
    for name, value in _figures(data, summary):
        out.append(f"<tr><td>{_e(name)}</td><td>{_e(value)}</td></tr>")
    out.append("</tbody></table></body></html>")
    return "\n".join(out) + "\n"


def write_report(
    results: Path,
    report: Path,
    *,
    summary: BatchSummary | None = None,
    top: int = TOP,
) -> ReportData:
    """Read ``results`` (JSONL) and write the HTML report to ``report`` atomically."""
    data = collect(iter_results(results), top=top)
    for role_id, title in summary.roles if summary is not None else ():
        target = data.targets.get(role_id)
        if target is not None and target.title == target.id:
            target.title = title
    text = render(data, summary=summary, top=top)
    tmp = report.with_name(report.name + ".tmp")
    report.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, report)
    return data
