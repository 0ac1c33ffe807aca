"""Fixtures for the job-board tests: a database per test on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests import tools
from tests.jobboard.pg import PgServer, start_cluster


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the session (started here, or ROLEFIT_TEST_POSTGRES_URL)."""
    server = start_cluster()
    if isinstance(server, str):
        tools.missing(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL: a SQLite file, or a fresh PostgreSQL database."""
    from service.db import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'rolefit.db'}"
        upgrade(url)
        yield url
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.create_database()
    url = server.url(name)
    upgrade(url)
    try:
        yield url
    finally:
        from sqlalchemy import create_engine

        create_engine(url).dispose()
        server.drop_database(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    from service.db import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    from service.db import session_factory

    return session_factory(engine)
