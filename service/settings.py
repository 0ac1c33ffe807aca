"""Service configuration: one ``Settings`` object read from ``ROLEFIT_*`` environment variables.

Settings are built in ``create_app()`` and in the CLI entry point, never at import time. Tests
pass ``Settings(...)`` directly; constructor arguments outrank the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from matcher import MatchOptions

__all__ = ["Settings"]

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Settings(BaseSettings):
    """Every knob of the HTTP service and its job board (environment: ``ROLEFIT_<FIELD>``)."""

    model_config = SettingsConfigDict(
        env_prefix="ROLEFIT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("data"), description="Directory for the SQLite database and other state."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file rolefit.db in data_dir. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/db.",
    )
    dev_mode: bool = Field(
        default=False,
        description="Local development: requests without an API key are allowed. Never in "
        "production.",
    )
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024,
        gt=0,
        description="Largest accepted request body in bytes (enforced while streaming).",
    )
    max_pages: int = Field(default=60, gt=0, description="Largest accepted page count.")
    body_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a whole request body may take to arrive (408 after it).",
    )
    min_upload_rate: int = Field(
        default=1024,
        ge=0,
        description="Bytes per second a request body must average once upload_grace_seconds "
        "have passed (a client dripping its upload gets 408; 0: no minimum).",
    )
    upload_grace_seconds: float = Field(
        default=5.0, ge=0, description="Seconds before the minimum upload rate is enforced."
    )
    max_uploads: int | None = Field(
        default=None,
        gt=0,
        description="Request bodies received at once per process (default: 4 × (workers + "
        "queue_limit)); beyond it: 503 + Retry-After. A worker place is taken only once the "
        "body is in.",
    )
    max_json_depth: int = Field(
        default=64,
        gt=0,
        description="Deepest nesting accepted in any JSON the service reads (a body: 400 "
        "beyond; a posting or feed inside one: 422).",
    )
    parse_timeout: float = Field(
        default=30.0, gt=0, description="Seconds one document may take before its worker is killed."
    )
    pdf_engine: Literal["pdfium", "pdfminer"] = Field(
        default="pdfium",
        description="PDF reader: pdfium (fast; pdfminer reads what it cannot) or pdfminer.",
    )
    workers: int = Field(
        default_factory=lambda: max(1, min(4, os.cpu_count() or 1)),
        gt=0,
        description="Worker processes (per uvicorn process) that parse and match.",
    )
    queue_limit: int = Field(
        default=8,
        ge=0,
        description="Requests that may wait for a busy worker; beyond it: 503 + Retry-After.",
    )
    auth_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="Seconds a verified API key is remembered (a revoked key stops working "
        "within this time; 0: check the database on every request).",
    )
    worker_memory_mb: int | None = Field(
        default=2048, description="Address-space limit per worker process (None: no limit)."
    )
    worker_max_growth_mb: int | None = Field(
        default=128,
        ge=1,
        description="A worker whose resident memory stays this many MB above what it held "
        "when it started (after a task, once freed pages went back to the system) is replaced "
        "(None: never).",
    )
    fuzzy_cutoff: float = Field(
        default=88.0,
        ge=0,
        le=100,
        description="Minimum similarity (0-100) for a fuzzy skill match.",
    )
    retention_days: int = Field(
        default=30, ge=0, description="Days stored derived data is kept (0: forever)."
    )
    store_resume_text: bool = Field(
        default=False, description="Store resume text with stored results (off: derived data only)."
    )
    migrate_on_startup: bool = Field(
        default=True, description="Run database migrations when the service starts."
    )
    session_secret: str | None = Field(
        default=None,
        min_length=32,
        description="Secret that signs the /jobs pages' session cookies (default: a random "
        "secret kept in data_dir/web-session.key; give the same value to every host when "
        "several share one database).",
    )
    session_hours: float = Field(
        default=8.0,
        gt=0,
        description="Hours a /jobs page login lasts (then the key is asked again).",
    )
    log_level: LogLevel = Field(default="INFO", description="Log level.")
    log_json: bool = Field(default=True, description="Structured JSON logs (one object per line).")

    # ------------------------------------------------------------------ the job board

    allow_private_urls: bool = Field(
        default=False,
        description="Allow feed URLs and webhook endpoints on private/loopback addresses "
        "(tests, closed networks). Off: such targets are refused (SSRF guard).",
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Seconds a client has to send a request's line and headers, from the "
        "connection opening or the previous response; a connection that is later is closed "
        "(slow clients never hold sockets; uvicorn started with --http "
        "service.http:HeadTimeoutProtocol).",
    )
    fetch_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Seconds to fetch a feed URL, in total (redirects and a dripping body "
        "included; a body cut short is a failure, never a shorter feed).",
    )
    fetch_max_bytes: int = Field(
        default=5 * 1024 * 1024, gt=0, description="Largest feed accepted from a URL, in bytes."
    )
    fetch_concurrency: int = Field(
        default=4,
        ge=1,
        description="Feed URLs fetched at once, each in a thread of its own pool; an import by "
        "URL beyond that answers service-busy (slow feeds never hold the threads that check "
        "API keys and write to the database).",
    )
    import_max_postings: int = Field(
        default=500, gt=0, description="Most postings one import may hold."
    )
    webhook_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Seconds one delivery attempt may take in total (connect, send, answer).",
    )
    webhook_max_attempts: int | None = Field(
        default=None,
        gt=0,
        description="Attempts per delivery (None: retried for webhook_retry_hours instead).",
    )
    webhook_backoff_seconds: float = Field(
        default=5.0, gt=0, description="Delay before the 2nd attempt; doubles each time."
    )
    webhook_backoff_max_seconds: float = Field(
        default=4 * 3600.0, gt=0, description="Longest delay between attempts."
    )
    webhook_retry_hours: float = Field(
        default=72.0,
        gt=0,
        description="Hours a delivery is retried after its first failure before it is failed "
        "(while its endpoint fails every delivery, an outage, it is retried until the endpoint "
        "is disabled and holds it).",
    )
    webhook_disable_after_seconds: float = Field(
        default=5 * 86400.0,
        gt=0,
        description="Seconds an endpoint must fail continuously (no success in between) "
        "before it is disabled; events for it are then held until it is enabled.",
    )
    webhook_concurrency: int = Field(
        default=8, gt=0, description="Delivery attempts in flight at once per process."
    )
    webhook_endpoint_concurrency: int = Field(
        default=1,
        gt=0,
        description="Delivery attempts in flight at once per endpoint, over every process on "
        "the database (1: in order).",
    )
    outbox_poll_seconds: float = Field(
        default=2.0, gt=0, description="How often the outbox is polled for due deliveries."
    )
    batch_max_files: int = Field(default=1000, gt=0, description="Most resumes in one batch.")
    batch_max_bytes: int = Field(
        default=64 * 1024 * 1024,
        gt=0,
        description="Most bytes one batch may hold once its zips are unpacked (what it adds "
        "to the database); beyond it: 413.",
    )
    batch_max_ratio: float = Field(
        default=100.0,
        gt=1,
        description="Largest unpacked/packed size ratio of a zip entry (a zip bomb); beyond "
        "it: 413.",
    )
    batch_lease_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Seconds a batch item is reserved for one worker (default: parse_timeout "
        "+ 30); a crashed process's items are taken over after it.",
    )
    batch_max_attempts: int = Field(
        default=3, gt=0, description="Attempts per batch item before it is marked failed."
    )
    idempotency_hours: float = Field(default=24.0, gt=0, description="Hours keys are kept.")
    idempotency_lease_seconds: float = Field(
        default=6.0,
        gt=0,
        description="Seconds a running request's key stays locked without a heartbeat (the "
        "request renews it every third of this; after a crash a retry proceeds this soon).",
    )
    purge_interval_seconds: float = Field(
        default=3600.0, gt=0, description="How often expired data is purged."
    )
    event_retention_days: int = Field(
        default=30, ge=0, description="Days delivered events are kept (0: forever)."
    )
    background_tasks: bool = Field(
        default=True, description="Run the webhook dispatcher, batch runner and purger."
    )

    @model_validator(mode="after")
    def _fill_database_url(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'rolefit.db').as_posix()}"
        return self

    @property
    def db_url(self) -> str:
        """The effective database URL (never None after validation)."""
        assert self.database_url is not None
        return self.database_url

    @property
    def max_in_flight(self) -> int:
        """Requests that may hold or wait for a worker at once."""
        return self.workers + self.queue_limit

    @property
    def upload_limit(self) -> int:
        """Request bodies that may be received at once."""
        return self.max_uploads or 4 * max(1, self.max_in_flight)

    def to_options(self) -> MatchOptions:
        """The library's options built from these settings."""
        return MatchOptions(
            max_bytes=self.max_upload_bytes,
            max_pages=self.max_pages,
            parse_timeout=self.parse_timeout,
            pdf_engine=self.pdf_engine,
            fuzzy_cutoff=self.fuzzy_cutoff,
        )
