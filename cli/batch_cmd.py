"""``rolefit batch DIR --out results.jsonl [--role ID ...] [--job FILE_OR_JSONLD] [...]``.

A thin shell over ``batch.runner.run_batch``: converts the options, shows a progress bar on a
terminal, writes the CSV and the HTML report when asked, prints a summary. Exit status: 0 when
every resume in the results was scored, 1 when some failed (their lines say why), 2 on usage
errors (bad folder, unknown role, unreadable posting, results written with other settings),
130 when interrupted (every line written so far is kept: run the same command again).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from cli.app import (
    EXIT_USAGE,
    JobOption,
    PdfEngineOption,
    RolesOption,
    app,
    console,
    engine_options,
    err_console,
    read_job,
)
from matcher.errors import InvalidJobPostingError, MatcherError, UnknownRoleError

if TYPE_CHECKING:
    from batch.runner import BatchStats, BatchSummary

__all__ = ["batch_cmd"]

EXIT_INTERRUPTED = 130


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C: workers are shut down, written lines stay."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _ProgressBar:
    """A rich progress bar fed by ``run_batch``'s progress callback (terminals only)."""

    def __init__(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]scoring[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed[/]"),
            TextColumn("{task.fields[rate]:.1f} files/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task = self.progress.add_task("batch", total=total, failed=0, rate=0.0)

    def __call__(self, event: str, stats: BatchStats) -> None:
        if event == "start":
            self.progress.start()
        done = stats.processed + stats.already_done + stats.duplicates
        self.progress.update(self.task, completed=done, failed=stats.failed, rate=stats.rate)
        if event == "end":
            self.progress.stop()

    def stop(self) -> None:
        self.progress.stop()


def _error_counts(out: Path) -> Counter[str]:
    from batch.runner import iter_results

    return Counter(
        str((r.get("error") or {}).get("code", "unknown"))
        for r in iter_results(out)
        if r.get("status") == "failed"
    )


def _print_summary(
    summary: BatchSummary, *, codes: Counter[str], csv: Path | None, report: Path | None
) -> None:
    lines = [
        f"[bold]rolefit batch[/]: {summary.scored} scored, {summary.failed} failed, "
        f"{summary.skipped} skipped (not a resume), {summary.already_done} already done, "
        f"{summary.duplicates} duplicate content; {summary.rate:.2f} files/s over "
        f"{summary.elapsed:.1f} s on {summary.workers} {summary.backend} worker slot(s)",
        f"results file: {summary.total_ok} scored, {summary.total_failed} failed, "
        f"{summary.total_skipped} skipped"
        + (
            " (" + ", ".join(f"{escape(c)} {n}" for c, n in codes.most_common()) + ")"
            if codes
            else ""
        ),
        f"results: {escape(str(summary.out))}",
    ]
    if csv is not None:
        lines.append(f"csv:     {escape(str(csv))}")
    if report is not None:
        lines.append(f"report:  {escape(str(report))}")
    if summary.total_failed:
        lines.append(
            "some files failed (exit status 1): each line says why; "
            "run again with --retry-failed to retry them"
        )
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False)


def _log_warnings(*, above_bar: bool) -> None:
    """Library warnings (a worker killed at its time budget...) to stderr, or above the bar."""
    if logging.getLogger().handlers:
        return  # configured by the caller
    if above_bar:
        from rich.highlighter import NullHighlighter
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(
            console=console,
            show_path=False,
            show_time=False,
            markup=False,
            highlighter=NullHighlighter(),
        )
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    else:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])


def _usage_error(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error[/] {escape(message)}")
    return typer.Exit(EXIT_USAGE)


@app.command("batch")
def batch_cmd(
    directory: Annotated[
        Path,
        typer.Argument(help="Folder of resumes (PDF, DOCX, text, PNG/JPEG).", show_default=False),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Results file (JSONL, one line per file).")
    ],
    role: RolesOption = None,
    job: JobOption = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write a CSV, one row per file.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write a self-contained HTML report.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes (default: all cores)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Run on a Dask cluster instead (tcp://HOST:PORT).", metavar="URL"
        ),
    ] = None,
    recursive: Annotated[
        bool, typer.Option("--recursive", "-R", help="Also read sub-folders.")
    ] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run files whose line says failed again.")
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.01, help="Seconds one file may take (default: 30)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")
    ] = False,
    pdf_engine: PdfEngineOption = None,
) -> None:
    """Score every resume in a folder: parallel, resumable, one JSONL line per file."""
    from batch.report import write_report
    from batch.runner import BatchConfigError, count_files, run_batch, write_csv
    from matcher import MatchOptions

    if not directory.is_dir():
        raise _usage_error(f"not a folder: {directory}")
    if scheduler is not None and workers is not None:
        raise _usage_error("--workers and --scheduler exclude each other")
    extra = [p for p in (csv, report) if p is not None]
    for path in (out, *extra):
        if path.is_dir():
            raise _usage_error(f"{path} is a folder: give a file name")
    job_input: Any = read_job(job) if job is not None else None
    options = MatchOptions() if timeout is None else MatchOptions(parse_timeout=timeout)
    options = engine_options(options, pdf_engine)
    exclude = [*extra, *(p.with_name(p.name + ".tmp") for p in extra)]
    bar = None
    if not quiet and sys.stdout.isatty():
        bar = _ProgressBar(count_files(directory, recursive=recursive, exclude=[out, *exclude]))
    _log_warnings(above_bar=bar is not None)
    try:
        with _sigterm_as_interrupt():
            summary = run_batch(
                directory,
                out,
                roles=role or None,
                job=job_input,
                workers=workers,
                scheduler=scheduler,
                recursive=recursive,
                retry_failed=retry_failed,
                options=options,
                task_timeout=options.parse_timeout,
                exclude=exclude,
                progress=bar,
            )
    except KeyboardInterrupt:
        if bar is not None:
            bar.stop()
        err_console.print(
            "interrupted: every line written so far is kept; run the same command again to finish"
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (BatchConfigError, UnknownRoleError, InvalidJobPostingError) as exc:
        if bar is not None:
            bar.stop()
        message = exc.message if isinstance(exc, MatcherError) else str(exc)
        code = f"[{exc.code}] " if isinstance(exc, MatcherError) else ""
        raise _usage_error(code + message) from None
    except MatcherError as exc:  # the pool could not start: nothing was scored
        if bar is not None:
            bar.stop()
        err_console.print(f"[bold red]error[/] {escape(f'[{exc.code}]')} {escape(exc.message)}")
        raise typer.Exit(1) from None
    except OSError as exc:  # the results file cannot be written (permissions, full disk)
        if bar is not None:
            bar.stop()
        err_console.print(f"[bold red]error[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    if csv is not None:
        write_csv(out, csv)
    if report is not None:
        write_report(out, report, summary=summary)
    if not quiet:
        _print_summary(summary, codes=_error_counts(out), csv=csv, report=report)
    raise typer.Exit(summary.exit_code)
