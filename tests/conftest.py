"""Hooks for the whole suite."""

from __future__ import annotations

from typing import Any

from tests import tools


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """List the tests skipped for a missing system tool and the command that installs it."""
    tools.terminal_summary(terminalreporter)
