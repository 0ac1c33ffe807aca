"""Cursors that this service did not make are refused (422 invalid-cursor), never a 500, on
SQLite and PostgreSQL: huge numbers, NaN, wrong types, long strings, an empty one."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.storage import repositories as repo
from tests.jobboard.support import posting, report

FORGED = [
    "1e999~app_01M923RKGYNN76AT2CMS0B5KG0",  # a score out of the format
    "nan~app_01M923RKGYNN76AT2CMS0B5KG0",
    "50.0~app_x",  # not an id
    "50.0",  # no id
    "-5",
    "1234567890",  # a position of 10 digits
    "x" * 41,
    "job_01M923RKGYNN76AT2CMS0B5KG",  # 25 characters
    "WzEsMl0",  # an old base64 cursor
    "e30",
    "%%%",
    "",  # ?cursor= : not a cursor either (omit it for the first page)
]


@pytest.mark.parametrize("cursor", FORGED)
def test_cursors_forged_are_refused(sessions: sessionmaker[Session], cursor: str) -> None:
    with sessions.begin() as s:
        job, _ = repo.upsert_job(s, posting("cur-1"), source="json", taxonomy_version="t")
        repo.upsert_application(s, job, "c-1", report(50.0), retention_days=30)
        batch = repo.create_batch(
            s, job=job, roles=None, files=[("c-1", "txt", b"x")], retention_days=30
        )
        s.flush()
        job_id, batch_id = job.id, batch.id
    with sessions() as s:
        for read in (
            lambda: repo.list_candidates(s, job_id, limit=5, cursor=cursor),
            lambda: repo.batch_results(s, batch_id, limit=5, cursor=cursor),
            lambda: repo.list_jobs(s, limit=5, cursor=cursor),
            lambda: repo.list_events(s, limit=5, cursor=cursor),
        ):
            with pytest.raises(repo.InvalidCursorError):
                read()


def test_cursors_real_ones_round_trip(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        job, _ = repo.upsert_job(s, posting("cur-2"), source="json", taxonomy_version="t")
        for i, score in enumerate((91.25, 91.25, 33.3, 0.0)):
            repo.upsert_application(s, job, f"c-{i}", report(score), retention_days=30)
        job_id = job.id
    seen: list[str] = []
    cursor = None
    with sessions() as s:
        while True:
            page = repo.list_candidates(s, job_id, limit=1, cursor=cursor)
            seen += [a.external_candidate_id for a in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
    assert sorted(seen) == ["c-0", "c-1", "c-2", "c-3"]
    assert seen[2:] == ["c-2", "c-3"]
