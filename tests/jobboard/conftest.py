"""Fixtures for the job-board tests: a database per test on SQLite and on PostgreSQL (storage),
and a real server per backend with a local feed server and webhook receiver (API)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests import tools
from tests.jobboard.live import ApiServer, start_server, stop_server
from tests.jobboard.local_http import LocalHttp, serve
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


# --------------------------------------------------------------------------- the real server


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    """The database the API tests run on: every API test runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture(scope="session")
def fresh_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """Makes empty databases of the current backend (dropped at the end of the session)."""
    made: list[str] = []
    pg: PgServer | None = request.getfixturevalue("pg_server") if backend == "postgres" else None

    def make() -> str:
        if pg is None:
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'rolefit.db'}"
        name = pg.create_database()
        made.append(name)
        return pg.url(name)

    yield make
    for name in made:
        assert pg is not None
        pg.drop_database(name)


@pytest.fixture(scope="session")
def local() -> Iterator[LocalHttp]:
    """The local feed server and webhook receiver on 127.0.0.1."""
    yield from serve()


@pytest.fixture(scope="session")
def api(
    fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiServer]:
    """One job-board server per backend for the whole session (tests use their own ids)."""
    url = fresh_database()
    server = start_server(tmp_path_factory.mktemp("api"), url)
    try:
        yield server
    finally:
        stop_server(server)
