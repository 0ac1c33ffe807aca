"""``rolefit`` command line: a thin layer over the matcher library.

Each module registers its commands on the shared Typer ``app``; ``service.cli`` adds the
service commands (serve, keys, db, jobs) and is the console-script entry point.
"""

from __future__ import annotations

from matcher.cli import batch_cmd, match_cmd, parse_cmd, taxonomy_cmds
from matcher.cli._app import app

__all__ = ["app", "batch_cmd", "match_cmd", "parse_cmd", "taxonomy_cmds"]
