"""``rolefit parse FILE [--json] [--timeout S] [--max-pages N] [--max-bytes N] [--pdf-engine E]``.

A thin shell over ``matcher.read``: the document is read in one worker process with a time
budget (an adversarial PDF can keep pdfminer busy for minutes; the worker is killed at the
deadline), then printed as a readable summary (sections, contact, experience, warnings) or,
with ``--json``, as the whole ``Document``. A bad input exits with status 1 and its ``[code]``
(``--json``: ``{"error": {"code", "title", "detail"}}`` on stdout).

The parsed document, contact details included, goes to the user's own stdout only; nothing
from the document is logged.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cli.app import (
    EXIT_USAGE,
    PdfEngineOption,
    app,
    console,
    engine_options,
    err_console,
    fail,
    print_json,
)
from matcher import MatchOptions
from matcher.errors import MatcherError
from matcher.models import Document

__all__ = ["document_json", "parse_cmd"]


def _worker_state(options: MatchOptions) -> MatchOptions:
    """Worker factory: parsing needs no taxonomy or spaCy, only the options."""
    # pdfminer's warnings can quote bytes of the document: keep them out of the logs
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    return options


def _parse_task(options: MatchOptions, data: bytes, filename: str | None = None) -> Document:
    from matcher import parse

    return parse(data, filename=filename, options=options)


def parse_isolated(data: bytes, *, filename: str | None, options: MatchOptions) -> Document:
    """Parse in a worker process killed after ``options.parse_timeout`` seconds.

    Raises:
        InputError: any subclass, including ``ParseTimeoutError`` at the deadline.
        WorkerCrashedError: the worker died (e.g. out of memory).
    """
    from matcher import WorkerPool

    with WorkerPool(1, options=options, factory=_worker_state) as pool:
        return pool.run(_parse_task, data, filename)


def document_json(doc: Document) -> dict[str, Any]:
    """The document as plain JSON (every field of ``Document``)."""
    from matcher.models import to_dict

    data: dict[str, Any] = to_dict(doc)
    return data


def _print_summary(doc: Document, *, filename: str) -> None:
    visible = [ln for ln in doc.lines if not ln.hidden]
    producer = f" · {escape(doc.producer)}" if doc.producer else ""
    console.print(
        f"[bold]{escape(filename)}[/]  [dim]{doc.format} · {doc.pages} page(s) · "
        f"{len(visible)} lines{producer}[/]"
    )
    if doc.partial:
        console.print("[yellow]partial[/]: the file is damaged; only what could be read is shown")
    c = doc.contact
    console.print("\n[bold]Contact[/] [dim](shown to you; never used for scoring)[/]")
    for label, value in (
        ("name", c.name),
        ("email", c.email),
        ("phone", c.phone),
        ("location", c.location),
        ("links", ", ".join(c.links) or None),
    ):
        console.print(f"  {label:9s}{escape(value) if value else '[dim]—[/]'}")
    console.print(f"\n[bold]Sections[/] ({len(doc.sections)})")
    for s in doc.sections:
        lines = s.last_line - s.first_line + (0 if s.heading else 1)
        heading = f'"{escape(s.heading)}"' if s.heading else "[dim](top of the document)[/]"
        rows = f", {len(s.rows)} table rows" if s.rows else ""
        console.print(
            f"  [cyan]{s.kind.value:14s}[/] {heading}  "
            f"[dim]page {s.page}, {lines} line{'' if lines == 1 else 's'}{rows}[/]"
        )
    if doc.experience:
        years = "" if doc.years_experience is None else f", about {doc.years_experience:g} years"
        console.print(f"\n[bold]Experience[/] ({len(doc.experience)} entries{years})")
        for e in doc.experience:
            what = " — ".join(escape(p) for p in (e.title, e.employer) if p) or "[dim]?[/]"
            end = "present" if e.current else (e.end or "?")
            console.print(f"  {what}  [dim]{e.start} – {end}[/]")
    if doc.warnings:
        console.print(f"\n[bold]Layout warnings[/] ({len(doc.warnings)})")
        for w in doc.warnings:
            pages = f" [dim](pages {', '.join(map(str, w.pages))})[/]" if w.pages else ""
            console.print(f"  [yellow]{w.code}[/]: {escape(w.message)}{pages}")
    else:
        console.print("\n[green]No layout warnings.[/]")


@app.command("parse")
def parse_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="Resume file: PDF, DOCX, plain text or a PNG/JPEG scan.", show_default=False
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the document as JSON.")] = False,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help="Seconds the parse may take (default 30).", min=0.001),
    ] = None,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", help="Page limit (default 60).", min=1)
    ] = None,
    max_bytes: Annotated[
        int | None, typer.Option("--max-bytes", help="Size limit in bytes (default 20 MiB).", min=1)
    ] = None,
    pdf_engine: PdfEngineOption = None,
) -> None:
    """Read a resume and show its sections, contact details, experience and layout warnings."""
    if not file.is_file():
        err_console.print(f"[bold red]error[/] no such file: {escape(str(file))}")
        raise typer.Exit(EXIT_USAGE)
    options = MatchOptions()
    changes: dict[str, object] = {}
    if timeout is not None:
        changes["parse_timeout"] = timeout
    if max_pages is not None:
        changes["max_pages"] = max_pages
    if max_bytes is not None:
        changes["max_bytes"] = max_bytes
    if changes:
        options = options.replace(**changes)
    options = engine_options(options, pdf_engine)
    try:
        doc = parse_isolated(file.read_bytes(), filename=file.name, options=options)
    except MatcherError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        print_json(document_json(doc))
        return
    _print_summary(doc, filename=file.name)
