"""Database plumbing: engine, session factory and migrations (SQLAlchemy 2 + Alembic).

Kept small on purpose: tables live with their owners (``service/auth.py`` for API keys,
``service/storage/`` for the job-board data), all on the one declarative ``Base`` here, and every
schema change is an Alembic revision in ``service/migrations/versions/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

__all__ = ["MIGRATIONS_DIR", "Base", "make_engine", "session_factory", "upgrade"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_LOCK = 0x726F6C65  # advisory lock key of the migrations ("role")


class Base(DeclarativeBase):
    """Declarative base of every service table."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets its directory created, WAL and foreign keys on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            # deleted rows are overwritten with zeros, not left in free space (erasure)
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


def migrated_sessions(url: str) -> sessionmaker[Session]:
    """Sessions on the database at ``url``, migrated to the latest revision first (the CLI's
    way in: one command, one short-lived engine)."""
    upgrade(url)
    return session_factory(make_engine(url))


def alembic_config(url: str) -> Any:
    """An Alembic ``Config`` for the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (idempotent).

    For a SQLite file, a lock file beside it serialises concurrent upgrades (several uvicorn
    processes starting at once); on PostgreSQL a transaction-scoped advisory lock does (two
    DDL transactions would both try to create the tables and one would fail).
    """
    from alembic import command

    engine = make_engine(url)
    lock = _sqlite_lock(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
        if lock is not None:
            lock.close()


def _sqlite_lock(url: str) -> Any:
    if not url.startswith("sqlite") or "///" not in url:
        return None
    path = url.split("///", 1)[1]
    if not path or path == ":memory:":
        return None
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    handle = Path(path + ".migrate.lock").open("a")  # noqa: SIM115 - closed by the caller
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at (None: not migrated)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def scrub(engine: Engine) -> bool:
    """After an erasure: leave no trace of deleted rows in the database files.

    SQLite (with ``secure_delete`` on every connection, deleted content is zeroed in its
    pages): checkpoint the WAL into the database and truncate it, so the pages as they were
    before the erasure do not linger in ``-wal``. False when a reader kept the checkpoint
    from finishing (the next erase or SQLite's own checkpoint completes it).
    PostgreSQL: nothing to do here; deleted tuples stay on disk until VACUUM reclaims them
    (autovacuum, or ``VACUUM`` after large erasures), see docs/jobboard.md.
    """
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:
        busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        conn.commit()
    return busy is None or int(busy[0]) == 0
