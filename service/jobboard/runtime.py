"""The job board's runtime: its settings, worker tasks and background threads.

```
lifespan (service/jobboard/routes/jobs.py) ─► JobBoard.start(services)
    ├─ Dispatcher      outbox deliveries ─► signed webhooks (service/jobboard/webhooks.py)
    ├─ BatchRunner ×N  pending batch items in the database ─► WorkerPool ─► results + events
    └─ Purger          expired applications, batches, idempotency records, old events
```

Everything pending lives in the database, so a restarted service picks up where it stopped:
a batch item or a delivery claimed by a process that died is claimed again once its lease
runs out.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from matcher import safe_traceback
from matcher.errors import MatcherError
from matcher.models import JobPosting, MatchReport
from service.jobboard.webhooks import DeliveryPolicy, Dispatcher
from service.storage import repositories as repo
from service.storage.models import Batch, BatchItem, Job

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from matcher import Matcher
    from service.jobboard.schemas import ImportResult
    from service.services import Services
    from service.settings import Settings

__all__ = [
    "JobBoard",
    "ScoreResult",
    "delivery_policy",
    "parse_indexed_job_task",
    "parse_job_task",
    "score_task",
    "store_imported",
]

log = logging.getLogger("rolefit.jobboard")


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """The webhook dispatcher's policy from the service's settings."""
    return DeliveryPolicy(
        timeout=settings.webhook_timeout,
        max_attempts=settings.webhook_max_attempts,
        backoff_base=settings.webhook_backoff_seconds,
        backoff_max=settings.webhook_backoff_max_seconds,
        retry_window=settings.webhook_retry_hours * 3600.0,
        disable_after=settings.webhook_disable_after_seconds,
        concurrency=settings.webhook_concurrency,
        per_endpoint=settings.webhook_endpoint_concurrency,
        poll_seconds=settings.outbox_poll_seconds,
        # one attempt (bounded by its total deadline) plus its database writes: a delivery
        # claimed by a process that died is sent again this soon after, under its own id
        lease_seconds=settings.webhook_timeout * 2 + 5.0,
        allow_private=settings.allow_private_urls,
    )


# --------------------------------------------------------------------------- worker tasks


def parse_job_task(matcher: Matcher, job: str | bytes | dict[str, Any]) -> tuple[JobPosting, str]:
    """Read a posting into requirements in a worker; returns it with the taxonomy version."""
    return matcher.parse_job(job), matcher.taxonomy.version


def parse_indexed_job_task(
    matcher: Matcher, item: tuple[int, dict[str, Any]]
) -> tuple[JobPosting, str]:
    """``parse_job_task`` for ``WorkerPool.map_unordered`` over ``(index, posting)`` pairs."""
    return parse_job_task(matcher, item[1])


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """A scored resume and, only when asked for, its text."""

    report: MatchReport
    text: str | None = None


def score_task(
    matcher: Matcher,
    data: bytes,
    filename: str | None,
    posting: JobPosting | None,
    roles: list[str] | None = None,
    keep_text: bool = False,
) -> ScoreResult:
    """Parse a resume once and score it against a posting and/or roles, in a worker."""
    document = matcher.parse(data, filename=filename)
    report = matcher.match(document, roles=roles, job=posting)
    return ScoreResult(report=report, text=document.text if keep_text else None)


def _identifier(posting: dict[str, Any]) -> str | None:
    ident = posting.get("identifier")
    if isinstance(ident, dict):
        ident = ident.get("value")
    return str(ident) if ident is not None else None


def store_imported(
    sessions: sessionmaker[Session],
    postings: list[dict[str, Any]],
    outcomes: list[tuple[JobPosting, str] | MatcherError],
    *,
    source: str,
) -> ImportResult:
    """Upsert a feed's read postings in one transaction (one ``job.updated`` each); the ones
    the matcher could not read are listed as failed. ``outcomes[i]`` belongs to
    ``postings[i]``. Used by ``POST /v1/jobs:import`` and ``rolefit jobs import``."""
    from service.jobboard.schemas import ImportedJob, ImportFailure, ImportResult

    jobs: list[ImportedJob] = []
    failed: list[ImportFailure] = []
    with sessions.begin() as session:
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, MatcherError):
                failed.append(
                    ImportFailure(
                        index=index,
                        external_id=_identifier(postings[index]),
                        code=outcome.code,
                        detail=outcome.message,
                    )
                )
                continue
            posting, version = outcome
            ident = repo.external_key(posting)
            if ident is not None and len(ident) > repo.MAX_EXTERNAL_ID:
                failed.append(
                    ImportFailure(
                        index=index,
                        external_id=ident[:40] + "…",
                        code="invalid-job-posting",
                        detail=f"The posting's id has more than {repo.MAX_EXTERNAL_ID} characters.",
                    )
                )
                continue
            job, created = repo.upsert_job(
                session, posting, source=source, taxonomy_version=version
            )
            jobs.append(
                ImportedJob(
                    id=job.id, external_id=job.external_id, title=job.title, created=created
                )
            )
    return ImportResult(
        format=source,
        total=len(postings),
        created=sum(j.created for j in jobs),
        updated=sum(not j.created for j in jobs),
        jobs=jobs,
        failed=failed,
    )


# --------------------------------------------------------------------------- background work


def item_summary(report: MatchReport, application_id: str | None) -> dict[str, Any]:
    """The derived summary kept for one batch item."""
    out: dict[str, Any] = {
        "roles": [
            {"role_id": r.role_id, "title": r.title, "score": r.score, "band": r.band}
            for r in report.roles[:3]
        ],
        "taxonomy_version": report.taxonomy_version,
        "method": report.method,
    }
    if report.job is not None:
        matched, missing = repo.top_skills(report.job)
        out.update(
            score=report.job.score,
            band=report.job.band,
            matched=matched,
            missing=missing,
            application_id=application_id,
        )
    elif report.roles:
        out.update(score=report.roles[0].score, band=report.roles[0].band)
    return out


@dataclass
class JobBoard:
    """The background threads of one service process."""

    services: Services
    dispatcher: Dispatcher | None = None
    threads: list[threading.Thread] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    # feed fetches' own threads (``fetch_concurrency``), made on the event loop when first used
    fetches: Any = None

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.services.sessions

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def lease_seconds(self) -> float:
        return self.settings.batch_lease_seconds or self.settings.parse_timeout + 30.0

    def start(self) -> None:
        if not self.settings.background_tasks:
            return
        self.dispatcher = Dispatcher(self.sessions, delivery_policy(self.settings))
        self.dispatcher.start()
        for i in range(max(1, self.services.settings.workers)):
            thread = threading.Thread(
                target=self._batch_loop, name=f"rolefit-batch-{i}", daemon=True
            )
            thread.start()
            self.threads.append(thread)
        purger = threading.Thread(target=self._purge_loop, name="rolefit-purge", daemon=True)
        purger.start()
        self.threads.append(purger)

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.dispatcher is not None:
            self.dispatcher.stop(timeout)
        for thread in self.threads:
            thread.join(timeout)

    # -- batches ------------------------------------------------------------------

    def _batch_loop(self) -> None:
        while not self.stopping.is_set():
            if not self.services.ready:
                self.stopping.wait(0.2)
                continue
            try:
                worked = self.run_one_item()
            except Exception as exc:
                # never the message: a database error quotes the values (derived resume data)
                log.error("batch runner iteration failed\n%s", safe_traceback(exc))
                worked = False
            if not worked:
                self.stopping.wait(0.5)

    def run_one_item(self) -> bool:
        """Claim and process one pending batch item; False when there was none."""
        with self.sessions.begin() as session:
            claim = repo.claim_batch_item(session, lease_seconds=self.lease_seconds)
        if claim is None:
            return False
        item_id, token = claim
        with self.sessions() as session:
            item = session.get(BatchItem, item_id)
            if item is None:
                return True
            batch = session.get(Batch, item.batch_id)
            job = session.get(Job, batch.job_id) if batch and batch.job_id else None
            data = item.data or b""
            filename = f"resume.{item.file_type}"
            roles = list(batch.roles) if batch and batch.roles else None
            posting = repo.posting_from_dict(job.posting) if job is not None else None
            job_id = job.id if job else None
            candidate = item.external_candidate_id
        if token > self.settings.batch_max_attempts:
            # Tried and lost its worker that many times (e.g. it crashes the parser): give up.
            with self.sessions.begin() as session:
                repo.finish_batch_item(
                    session, item_id, token, result=None, error_code="worker-crashed"
                )
            return True
        keep = self.services.settings.store_resume_text
        beating = self._heartbeat(item_id, token)
        try:
            outcome: ScoreResult | MatcherError = self.services.pool.run(
                score_task, data, filename, posting, roles, keep
            )
        except MatcherError as exc:
            outcome = exc
        finally:
            beating.set()
        if isinstance(outcome, MatcherError):
            with self.sessions.begin() as session:
                repo.finish_batch_item(
                    session, item_id, token, result=None, error_code=outcome.code
                )
            return True
        result = outcome

        def record() -> None:
            with self.sessions.begin() as session:

                def store(item: BatchItem) -> None:
                    application_id = None
                    job_row = session.get(Job, job_id) if job_id is not None else None
                    if job_row is not None:
                        application = repo.upsert_application(
                            session,
                            job_row,
                            candidate,
                            result.report,
                            retention_days=self.services.settings.retention_days,
                            resume_text=result.text,
                            source="batch",
                        )
                        application_id = application.id
                    item.result = item_summary(result.report, application_id)

                repo.finish_batch_item(
                    session, item_id, token, result=None, error_code=None, on_recorded=store
                )

        # an application for the same posting and candidate may be stored concurrently
        repo.retrying(record)
        return True

    def _heartbeat(self, item_id: str, token: int) -> threading.Event:
        """Keep renewing an item's lease while it waits for a worker and is scored, so a busy
        pool never lets another process take over an item that is still being worked on.
        Set the returned event to stop."""
        done = threading.Event()
        every = max(0.5, self.lease_seconds / 3)

        def beat() -> None:
            while not done.wait(every):
                try:
                    with self.sessions.begin() as session:
                        if not repo.renew_batch_item(
                            session, item_id, token, lease_seconds=self.lease_seconds
                        ):
                            return
                except Exception as exc:  # the next beat tries again
                    log.warning("batch lease renewal failed\n%s", safe_traceback(exc))

        threading.Thread(target=beat, name="rolefit-batch-lease", daemon=True).start()
        return done

    # -- retention ------------------------------------------------------------------

    def purge_once(self) -> dict[str, int]:
        with self.sessions.begin() as session:
            return repo.purge_expired(session, event_days=self.settings.event_retention_days)

    def _purge_loop(self) -> None:
        while not self.stopping.wait(min(5.0, self.settings.purge_interval_seconds)):
            last = getattr(self, "_last_purge", 0.0)
            if time.monotonic() - last < self.settings.purge_interval_seconds:
                continue
            self._last_purge = time.monotonic()
            try:
                counts = self.purge_once()
            except Exception as exc:
                log.error("retention purge failed\n%s", safe_traceback(exc))
                continue
            if any(counts.values()):
                log.info("retention purge", extra={"purged": counts})
