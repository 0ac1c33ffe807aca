"""Prometheus metrics of one app instance (its own registry, so tests can build many apps).

```
rolefit_http_requests_total{method,route,status}        counter
rolefit_http_request_duration_seconds{method,route}      histogram
rolefit_documents_parsed_total{format}                   counter
rolefit_parse_errors_total{code}                         counter
rolefit_stage_duration_seconds{stage}                    histogram (from MatchReport.timings)
rolefit_tasks_in_flight                                  gauge (holding or waiting for a worker)
rolefit_tasks_rejected_total                             counter (503: queue full)
rolefit_worker_restarts                                  gauge (workers killed and replaced)
```

Route labels are path templates (``/v1/roles/{role_id}``), never raw paths, so cardinality stays
bounded; unmatched paths count as ``unmatched``.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_STAGE_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """The service's metrics on a private registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "rolefit_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "rolefit_http_request_duration_seconds",
            "HTTP request latency by method and route template.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.documents = Counter(
            "rolefit_documents_parsed",
            "Documents parsed successfully, by format.",
            ["format"],
            registry=self.registry,
        )
        self.parse_errors = Counter(
            "rolefit_parse_errors",
            "Documents that failed, by error code.",
            ["code"],
            registry=self.registry,
        )
        self.stages = Histogram(
            "rolefit_stage_duration_seconds",
            "Time spent per pipeline stage (from the match report's timings).",
            ["stage"],
            buckets=_STAGE_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "rolefit_tasks_in_flight",
            "Parse/match requests holding or waiting for a worker.",
            registry=self.registry,
        )
        self.rejected = Counter(
            "rolefit_tasks_rejected",
            "Parse/match requests refused with 503 because the queue was full.",
            registry=self.registry,
        )
        self.worker_restarts = Gauge(
            "rolefit_worker_restarts",
            "Worker processes killed (timeout, crash) and replaced since start.",
            registry=self.registry,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_timings(self, timings: Mapping[str, float]) -> None:
        """Record a report's stage timings (milliseconds)."""
        for stage, ms in timings.items():
            self.stages.labels(stage).observe(max(0.0, float(ms)) / 1000.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
