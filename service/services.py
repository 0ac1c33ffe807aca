"""What one app holds while it runs (settings, metrics, database, worker pool) and the two ways
its routes use the workers: a bounded slot, then the pool."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.metrics import Metrics
from service.problems import NotReadyError, ServiceBusyError
from service.settings import Settings

__all__ = ["Services"]

T = TypeVar("T")


@dataclass
class Services:
    """What the lifespan builds and the routes use (one per app)."""

    settings: Settings
    metrics: Metrics
    engine: Engine
    sessions: sessionmaker[Session]
    taxonomy: Any = None  # taxonomy.Taxonomy, loaded in the lifespan
    pool: Any = None  # matcher.workers.WorkerPool
    ready: bool = False
    failure: str | None = None
    in_flight: int = 0
    receiving: int = 0  # request bodies being received (RequestContext)
    key_cache: dict[str, tuple[Any, float]] = field(default_factory=dict)  # hash -> principal
    _ready_thread: threading.Thread | None = field(default=None, repr=False)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of ``workers + queue_limit`` places for a parse/match request.

        Routes take it once the body is in (a slow upload holds no worker place); bodies
        being received are capped by ``upload_limit`` in the request middleware, each within
        the body deadline and the minimum upload rate, so memory stays bounded by
        ``(upload_limit + max_in_flight) * max_upload_bytes``.

        Raises:
            ServiceBusyError: every place is taken (503 with Retry-After).
        """
        if self.in_flight >= self.settings.max_in_flight:
            self.metrics.rejected.inc()
            retry = max(1, int(self.settings.parse_timeout // 4) or 1)
            raise ServiceBusyError(retry_after=min(retry, 30))
        self.in_flight += 1
        self.metrics.in_flight.set(self.in_flight)
        try:
            yield
        finally:
            self.in_flight -= 1
            self.metrics.in_flight.set(self.in_flight)
            if self.pool is not None:
                self.metrics.worker_restarts.set(self.pool.restarts)

    async def run_in_worker(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a worker task off the event loop (call inside ``slot()``).

        Raises:
            NotReadyError: the workers are not up yet.
            MatcherError: whatever the task raised (ParseTimeoutError on the time budget).
        """
        if not self.ready or self.pool is None:
            raise NotReadyError(self.failure)
        # No second limiter here: ``slot()`` already caps the callers at ``max_in_flight``, and
        # the pool queues them for its workers (an anyio limiter cost two event-loop turns).
        result: T = await self.pool.run_async(func, *args, **kwargs)
        return result

    async def run_task(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``slot()`` + ``run_in_worker()`` for callers whose input is already in memory.

        Raises:
            NotReadyError, ServiceBusyError: see ``slot``.
            MatcherError: whatever the task raised.
        """
        async with self.slot():
            return await self.run_in_worker(func, *args, **kwargs)
