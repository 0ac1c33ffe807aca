"""The ``rolefit`` Typer application and the helpers every command shares.

Commands live in sibling modules (one per command group) and register on ``app``; the CLI only
converts inputs and outputs, the work happens in the library.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

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

EXIT_OK = 0
EXIT_FAILED = 1  # bad input, or (batch) some files failed
EXIT_USAGE = 2  # wrong arguments (Typer/Click's own code for usage errors)


def print_json(value: Any) -> None:
    """Write a model or plain value as JSON to stdout."""
    sys.stdout.write(json.dumps(to_dict(value), ensure_ascii=False, indent=2) + "\n")


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
