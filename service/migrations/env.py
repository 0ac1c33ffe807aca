"""Alembic environment: runs the hand-written revisions in ``versions/``."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from service.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _run_on(connection: Connection) -> None:
    """Run the revisions on one connection (SQLite: in batch mode, for its ALTER TABLE)."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    engine = make_engine(url)
    with engine.begin() as conn:
        _run_on(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations()
