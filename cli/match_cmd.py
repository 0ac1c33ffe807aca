"""``rolefit match FILE [--role ROLE ...] [--job FILE_OR_JSONLD] [--json [--full]]``.

A readable report by default (roles with score bars, matched and missing skills, suggestions);
``--json`` prints the ``MatchReport`` as the API answers it: compact (each skill's evidence once,
roles refer to skills by id), or with ``--full`` the evidence repeated in every role entry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cli.app import (
    EXIT_USAGE,
    JobOption,
    PdfEngineOption,
    RolesOption,
    app,
    console,
    engine_options,
    err_console,
    fail,
    json_text,
    read_job,
    started,
)
from matcher.errors import MatcherError
from matcher.models import MatchReport, RoleScore

__all__ = ["match_cmd"]

_BAND_STYLE = {"strong": "bold green", "good": "green", "partial": "yellow", "weak": "red"}
_PRIORITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


def _bar(score: float, width: int = 10) -> Text:
    filled = round(score / 100.0 * width)
    return Text("█" * filled + "░" * (width - filled))


def _role_lines(role: RoleScore) -> None:
    have = ", ".join(m.name for m in role.matched)
    related = ", ".join(f"{m.name} (you have {m.via})" for m in role.partial)
    core_missing = ", ".join(m.name for m in role.missing if m.importance == "core")
    other_missing = ", ".join(m.name for m in role.missing if m.importance != "core")
    console.print(f"\n[bold]{role.title}[/] — {role.score:.1f} ({role.band})")
    console.print(f"  [green]matched[/]: {have or '—'}")
    if related:
        console.print(f"  [cyan]related[/]: {related}")
    console.print(f"  [red]missing core[/]: {core_missing or '—'}")
    if other_missing:
        console.print(f"  [yellow]missing other[/]: {other_missing}")
    tiers = "  ".join(
        f"{t.name} {t.score:.0f}% ({t.matched}/{t.total})" for t in role.by_importance
    )
    console.print(f"  [dim]by importance: {tiers}[/]")
    if role.title_match:
        console.print(f"  [dim]your title names this role: {role.title_match!r}[/]")
    if role.years_required is not None:
        found = "unknown" if role.years_found is None else f"{role.years_found:g}"
        console.print(f"  [dim]years required {role.years_required:g}, found {found}[/]")


def _print_report(report: MatchReport, *, filename: str, top: int) -> None:
    console.print(
        f"[bold]{filename}[/]  [dim]{report.pages} page(s) · taxonomy {report.taxonomy_version}"
        f" · method {report.method}[/]"
    )
    # Fits 80 columns: one line per role (a long title is cut with "…", never wrapped), a
    # 10-cell bar, short headers; "↳" marks a title variant under its parent.
    table = Table(
        title="Role fit",
        show_lines=False,
        caption="Skills: matched · Gaps: missing core skills · ↳ title variant",
    )
    table.add_column("Role", no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("Band", no_wrap=True)
    table.add_column("Skills", justify="right", no_wrap=True)
    table.add_column("Gaps", justify="right", no_wrap=True)
    rows = ([report.job] if report.job is not None else []) + list(report.roles[:top])
    for role in rows:
        title = f"{role.title} [dim](posting)[/]" if role.kind == "job" else role.title
        if role.kind == "variant":
            title = f"↳ {title}"
        table.add_row(
            title,
            f"{role.score:.1f}",
            _bar(role.score),
            Text(role.band, style=_BAND_STYLE[role.band]),
            str(len(role.matched) + len(role.partial)),
            str(sum(1 for m in role.missing if m.importance == "core")),
        )
    console.print(table)
    verdict = report.verdict
    if verdict is not None:
        head = "no role fits" if verdict.role_id is None else verdict.title
        style = "bold yellow" if verdict.role_id is None else "bold green"
        console.print(
            f"[bold]Verdict[/]: [{style}]{head}[/] [dim]({verdict.confidence} confidence)[/]"
        )
        console.print(f"  {verdict.reason}")
    skills = ", ".join(
        f"{s.name}"
        + (f" [dim]({s.evidence[0].surface})[/]" if s.how == "fuzzy" else "")
        + (" [dim](not in the vocabulary)[/]" if s.how == "unlisted" else "")
        for s in report.skills
    )
    console.print(f"[bold]Skills found[/] ({len(report.skills)}): {skills or '—'}")
    if report.posting is not None and report.posting.nearest_roles:
        near = ", ".join(f"{rid} {sim:.0f}" for rid, sim in report.posting.nearest_roles[:3])
        console.print(f"[dim]posting's nearest roles: {near}[/]")
    # Detail for what the person tailors for: the posting, the roles asked for, or the
    # verdict's role (none when no role fits: the verdict says why instead).
    shown = [report.job] if report.job is not None else []
    if any(r.kind == "variant" for r in report.roles) or (
        verdict is not None and verdict.role_id is not None
    ):
        shown.extend(report.roles[:1])
    for role in shown:
        _role_lines(role)
    if report.suggestions:
        console.print("\n[bold]Suggestions[/] (most impact first)")
        for i, s in enumerate(report.suggestions[:12], 1):
            style = _PRIORITY_STYLE[s.priority]
            where = f" [dim]e.g. {s.evidence[0].surface!r}[/]" if s.evidence else ""
            console.print(
                f" {i:2d}. [{style}]{s.priority:6s}[/] +{s.impact:.1f} [cyan]{s.kind}[/] "
                f"{s.message}{where}"
            )
    for w in report.warnings:
        console.print(f"[yellow]layout warning[/] {w.code}: {w.message}")


@app.command("match")
def match_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="Resume file: PDF, DOCX, plain text or a PNG/JPEG scan.", show_default=False
        ),
    ],
    role: RolesOption = None,
    job: JobOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="With --json: the full report (evidence in every role entry, as the API's "
            "?detail=full) instead of the compact one.",
        ),
    ] = False,
    top: Annotated[int, typer.Option("--top", help="Roles shown in the table.")] = 8,
    pdf_engine: PdfEngineOption = None,
) -> None:
    """Score a resume against roles and/or a job posting, and say what to change."""
    from matcher import Matcher, MatchOptions

    if not file.is_file():
        err_console.print(f"[bold red]error[/] no such file: {file}")
        raise typer.Exit(EXIT_USAGE)
    job_input = read_job(job) if job is not None else None
    try:
        matcher = Matcher.default(engine_options(MatchOptions(), pdf_engine))
        started()
        report = matcher.match(
            file.read_bytes(), roles=role or None, job=job_input, filename=file.name
        )
    except MatcherError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        import sys

        from matcher import report_json

        body = report_json(report, detail="full" if full else "compact")
        sys.stdout.write(json_text(json.loads(body)) + "\n")
        return
    _print_report(report, filename=file.name, top=top)
