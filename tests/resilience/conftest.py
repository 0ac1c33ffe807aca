"""The resilience suite (issue #17): small hostile inputs, slow clients and short outages,
against real servers on 127.0.0.1. Every test here is marked ``resilience`` and bounded in
time; outages are simulated with short configured intervals, not waited out."""

from __future__ import annotations

# the job board's database fixtures: every test runs on SQLite and PostgreSQL (a real server,
# or the dispatcher in process on a migrated database)
from tests.jobboard.conftest import backend, db_url, engine, fresh_database, pg_server, sessions

__all__ = ["backend", "db_url", "engine", "fresh_database", "pg_server", "sessions"]
