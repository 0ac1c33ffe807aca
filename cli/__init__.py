"""``rolefit`` command line: a thin shell over the matcher library and the service.

Each module registers its commands on the shared Typer ``app`` (``cli/app.py``):
``parse_cmd``, ``match_cmd``, ``batch_cmd``, ``taxonomy_cmds`` (the library) and
``service_cmds``, ``jobs_cmds`` (serve, keys, db, jobs, candidates). Registering a command
imports only Typer and Rich: each command imports what it needs when it runs, so
``rolefit match`` never loads the service, SQLAlchemy or the job board.
"""

from __future__ import annotations

import gc

from cli import batch_cmd, jobs_cmds, match_cmd, parse_cmd, service_cmds, taxonomy_cmds
from cli.app import app

__all__ = [
    "app",
    "batch_cmd",
    "jobs_cmds",
    "main",
    "match_cmd",
    "parse_cmd",
    "service_cmds",
    "taxonomy_cmds",
]


def main() -> None:
    """Run the ``rolefit`` command line (the collector is off while it starts: ``cli.app``)."""
    gc.disable()
    app()
