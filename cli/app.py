"""The ``rolefit`` Typer application and the helpers every command shares.

Commands live in sibling modules (one per command group) and register on ``app``; the CLI only
converts inputs and outputs, the work happens in the library.
"""

from __future__ import annotations

import gc
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from matcher import MatchOptions
from matcher.errors import MatcherError
from matcher.models import to_dict

app = typer.Typer(
    name="rolefit",
    help="Score resumes against roles and job postings, and say exactly what to change.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console()
err_console = Console(stderr=True)

# ``cli.main`` starts every command with the cyclic garbage collector off: importing spaCy and
# pydantic and building the Matcher make hundreds of thousands of objects that all live until
# the process ends, and the collector walked them over and over (~0.1 s of a ~1.5 s
# ``rolefit match``). Commands that run long or loop (batch, serve, jobs, ...) get it back before
# they start; ``match`` gets it back once its Matcher is built (``started``); the others do one
# small thing and exit.
SHORT = frozenset({"match", "parse", "skills", "roles", "taxonomy", "version"})


@app.callback()
def _collector(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand not in SHORT:
        gc.enable()


def started() -> None:
    """What lives for the whole process is built: freeze it out of the collector's sight and
    turn the collector back on for the work on the document."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


EXIT_OK = 0
EXIT_FAILED = 1  # bad input, or (batch) some files failed
EXIT_USAGE = 2  # wrong arguments (Typer/Click's own code for usage errors)


def json_text(value: Any, indent: int = 2) -> str:
    """JSON for people: objects one member per line, an array of plain values on one line.

    The compact report's rows (a role's ``[skill_id, importance, weight, credit, via]``, an
    evidence entry) then read as one line each instead of one line per value.
    """

    def plain(item: Any) -> bool:
        return not isinstance(item, dict | list)

    def write(item: Any, depth: int) -> str:
        pad, inner = " " * (indent * depth), " " * (indent * (depth + 1))
        if isinstance(item, dict) and item:
            members = [
                f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {write(v, depth + 1)}"
                for k, v in item.items()
            ]
            return "{\n" + ",\n".join(members) + "\n" + pad + "}"
        if isinstance(item, list) and item and not all(plain(x) for x in item):
            rows = [inner + write(x, depth + 1) for x in item]
            return "[\n" + ",\n".join(rows) + "\n" + pad + "]"
        return json.dumps(item, ensure_ascii=False, separators=(", ", ": "))

    return write(value, 0)


def print_json(value: Any) -> None:
    """Write a model or plain value as JSON to stdout."""
    sys.stdout.write(json_text(to_dict(value)) + "\n")


# Options shared by the commands that score (match, batch).
RolesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--role",
        "-r",
        help='Role to score, by id, title or alias ("ml-engineer", "ML Engineer"; repeatable; '
        "default: all roles).",
    ),
]


class PdfEngine(StrEnum):
    """``--pdf-engine`` choices (``MatchOptions.pdf_engine``)."""

    pdfium = "pdfium"
    pdfminer = "pdfminer"


PdfEngineOption = Annotated[
    PdfEngine | None,
    typer.Option(
        "--pdf-engine",
        help="PDF reader: pdfium (default; pdfminer reads what it cannot) or pdfminer.",
        show_default=False,
    ),
]


def engine_options(options: MatchOptions, engine: PdfEngine | None) -> MatchOptions:
    """``options`` with ``--pdf-engine`` applied (unchanged when the flag is not given)."""
    return options if engine is None else options.replace(pdf_engine=engine.value)


JobOption = Annotated[
    str | None,
    typer.Option("--job", "-j", help="Job posting: a text/HTML/JSON-LD file, or inline JSON-LD."),
]


def read_job(value: str) -> str | bytes | dict[str, Any]:
    """``--job``: a file's bytes, or inline JSON-LD (a list becomes an ``@graph``)."""
    path = Path(value)
    if path.is_file():
        return path.read_bytes()
    stripped = value.strip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise typer.BadParameter(f"--job is neither a file nor valid JSON: {exc}") from exc
        return data if isinstance(data, dict) else {"@graph": data}
    raise typer.BadParameter(f"--job: no such file: {value}")


def fail(exc: MatcherError, *, as_json: bool) -> NoReturn:
    """Report a library error the CLI way and exit with status 1."""
    if as_json:
        sys.stdout.write(json.dumps({"error": exc.to_dict()}, ensure_ascii=False) + "\n")
    else:
        err_console.print(f"[bold red]error[/] {escape(f'[{exc.code}]')} {escape(exc.message)}")
    raise typer.Exit(EXIT_FAILED)


@app.command("version")
def version_cmd() -> None:
    """Print the rolefit version."""
    from importlib.metadata import version

    console.print(f"rolefit {version('rolefit')}")
