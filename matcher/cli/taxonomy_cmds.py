"""Commands: taxonomy_cmds (to be filled)."""

from __future__ import annotations

from matcher.cli._app import app  # noqa: F401
