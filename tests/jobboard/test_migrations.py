"""Migrations run by several processes at once (``uvicorn --workers N`` starting on an empty
database) all succeed: a lock file for SQLite, an advisory lock on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.jobboard.pg import PgServer

ROOT = Path(__file__).resolve().parents[2]


def _head(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    from service.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def _upgrade_concurrently(url: str, processes: int = 3) -> list[tuple[int, str]]:
    code = f"from service.db import upgrade; upgrade({url!r})"
    running = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    return [(p.wait(120), (p.stderr.read() if p.stderr else "")[-500:]) for p in running]


@pytest.mark.slow
@pytest.mark.postgres
def test_migrations_concurrent_upgrades_on_postgresql(pg_server: PgServer) -> None:
    from service.db import current_revision

    name = pg_server.create_database()
    try:
        url = pg_server.url(name)
        results = _upgrade_concurrently(url)
        assert [code for code, _ in results] == [0, 0, 0], results
        assert current_revision(url) == _head(url)
    finally:
        pg_server.drop_database(name)


@pytest.mark.slow
def test_migrations_concurrent_upgrades_on_sqlite(tmp_path: Path) -> None:
    from service.db import current_revision

    url = f"sqlite:///{tmp_path / 'rolefit.db'}"
    results = _upgrade_concurrently(url)
    assert [code for code, _ in results] == [0, 0, 0], results
    assert current_revision(url) == _head(url)
