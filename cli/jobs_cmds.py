"""``rolefit jobs ...`` and ``rolefit candidates erase``: the job board from the command line,
over the same database as the service (``ROLEFIT_DATABASE_URL``, default SQLite in
``ROLEFIT_DATA_DIR``).

```
rolefit jobs import FILE_OR_URL --format greenhouse|lever|ashby|jsonld [--organization O] [--json]
rolefit jobs list [--limit N] [--json]
rolefit jobs purge [--json]                          the retention purge, once (e.g. from cron)
rolefit candidates erase EXTERNAL_ID [--json]        everything stored about a candidate
```

A thin shell: fetching and reading feeds is ``service/jobboard/importers.py``, storing is
``service/jobboard.store_imported`` and ``service/storage/repositories.py``, exactly as the
HTTP routes use them. A URL is fetched with the service's guards (http/https only, time limit,
size cap, no private or loopback address unless ``ROLEFIT_ALLOW_PRIVATE_URLS``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cli.app import EXIT_FAILED, app, console, err_console
from matcher.errors import MatcherError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["candidates_app", "jobs_app"]

jobs_app = typer.Typer(
    help="Job postings in the service's database: import feeds, list, purge.",
    no_args_is_help=True,
)
candidates_app = typer.Typer(help="Candidates in the service's database.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
app.add_typer(candidates_app, name="candidates")

FETCH_CODES = {"url-refused": "url-refused", "too-large": "feed-too-large"}


def _sessions() -> sessionmaker[Session]:
    from service.db import migrated_sessions
    from service.settings import Settings

    return migrated_sessions(Settings().db_url)


def _error(code: str, message: str, *, as_json: bool) -> typer.Exit:
    if as_json:
        sys.stdout.write(json.dumps({"error": {"code": code, "message": message}}) + "\n")
    else:
        err_console.print(f"[bold red]error[/] {escape(f'[{code}]')} {escape(message)}")
    return typer.Exit(EXIT_FAILED)


def _is_url(source: str) -> bool:
    return "://" in source and not Path(source).exists()


@jobs_app.command("import")
def import_cmd(
    source: Annotated[str, typer.Argument(help="A feed file, or an http(s) URL to fetch.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="The feed's format: greenhouse, lever, ashby or jsonld."
        ),
    ],
    organization: Annotated[
        str | None, typer.Option(help="Hiring organization for feeds that do not name it.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import a job-board feed: each posting is read into requirements and created, or updated
    when its external id is already stored. Exit 1 if the feed cannot be read or a posting
    failed (the others are imported)."""
    from matcher import Matcher
    from service.jobboard.importers import FORMATS, FeedError, FetchError, fetch_feed, read_feed
    from service.jobboard.runtime import store_imported
    from service.settings import Settings

    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    settings = Settings()
    if _is_url(source):
        try:
            raw: bytes = fetch_feed(
                source,
                timeout=settings.fetch_timeout,
                max_bytes=settings.fetch_max_bytes,
                allow_private=settings.allow_private_urls,
            )
        except FetchError as exc:
            code = FETCH_CODES.get(exc.kind, "feed-unreachable")
            raise _error(code, str(exc), as_json=as_json) from None
    else:
        path = Path(source)
        if not path.is_file():
            raise _error("not-found", f"No such file: {source}", as_json=as_json)
        if path.stat().st_size > settings.fetch_max_bytes:
            raise _error(
                "feed-too-large",
                f"The feed is larger than the limit of {settings.fetch_max_bytes} bytes.",
                as_json=as_json,
            )
        raw = path.read_bytes()
    try:
        postings = read_feed(raw, fmt, organization=organization)
    except FeedError as exc:
        raise _error("feed-invalid", str(exc), as_json=as_json) from None
    if len(postings) > settings.import_max_postings:
        raise _error(
            "feed-invalid",
            f"The feed has {len(postings)} postings; the limit is "
            f"{settings.import_max_postings} per import.",
            as_json=as_json,
        )
    matcher = Matcher.default()
    outcomes: list[Any] = []
    for posting in postings:
        try:
            outcomes.append((matcher.parse_job(posting), matcher.taxonomy.version))
        except MatcherError as exc:
            outcomes.append(exc)
    result = store_imported(_sessions(), postings, outcomes, source=fmt)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        table = Table("id", "external id", "title", "")
        for job in result.jobs:
            table.add_row(
                job.id, job.external_id or "", job.title, "new" if job.created else "updated"
            )
        console.print(table)
        console.print(
            f"{result.total} postings: {result.created} created, {result.updated} updated, "
            f"{len(result.failed)} failed"
        )
        for failure in result.failed:
            err_console.print(
                f"[bold red]failed[/] #{failure.index} {escape(failure.external_id or '')} "
                f"{escape(f'[{failure.code}]')} {escape(failure.detail)}"
            )
    if result.failed:
        raise typer.Exit(EXIT_FAILED)


@jobs_app.command("list")
def list_cmd(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The stored postings, newest first, with their required skills."""
    from service.storage import repositories as repo

    with _sessions()() as session:
        page = repo.list_jobs(session, limit=limit)
        rows = [
            {
                "id": job.id,
                "external_id": job.external_id,
                "title": job.title,
                "organization": job.organization,
                "source": job.source,
                "required": [s["skill_id"] for s in job.requirements.get("required", [])],
                "preferred": [s["skill_id"] for s in job.requirements.get("preferred", [])],
                "updated_at": job.updated_at.isoformat().replace("+00:00", "Z"),
            }
            for job in page.items
        ]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("id", "external id", "title", "source", "required skills")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["external_id"] or ""),
            str(row["title"]),
            str(row["source"]),
            ", ".join(row["required"]),
        )
    console.print(table)


@jobs_app.command("purge")
def purge_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Delete expired applications, batches and idempotency records and old delivered events
    now (the service also does this periodically)."""
    from service.settings import Settings
    from service.storage import repositories as repo

    days = Settings().event_retention_days
    with _sessions().begin() as session:
        counts = repo.purge_expired(session, event_days=days)
    if as_json:
        sys.stdout.write(json.dumps({"purged": counts}) + "\n")
        return
    console.print("purged " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@candidates_app.command("erase")
def erase_cmd(
    external_candidate_id: Annotated[str, typer.Argument(help="Your id of the candidate.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the receipt as JSON.")] = False,
) -> None:
    """Erase everything stored about a candidate (applications, batch items, their events and
    stored responses) and print the receipt; a candidate.erased event is sent."""
    from service.db import scrub
    from service.jobboard.routes.applications import CANDIDATE_ID
    from service.storage import repositories as repo

    candidate = external_candidate_id.strip()
    if not CANDIDATE_ID.match(candidate):
        raise typer.BadParameter(
            "give 1-200 letters, digits or ._:@+=- characters", param_hint="EXTERNAL_ID"
        )
    sessions = _sessions()
    with sessions.begin() as session:
        receipt = repo.erase_candidate(session, candidate)
    scrub(sessions.kw["bind"])  # no deleted page left in the SQLite WAL
    if as_json:
        sys.stdout.write(json.dumps(receipt, indent=2) + "\n")
        return
    counts = ", ".join(f"{n} {name}" for name, n in receipt["erased"].items())
    console.print(f"erased {escape(candidate)}: {counts} (receipt {receipt['receipt_id']})")
