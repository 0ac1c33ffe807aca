"""Structured logs: one JSON object per line with the request id, never resume content.

Only fields listed in ``SAFE_FIELDS`` are copied from a record's ``extra``; messages logged by the
service are fixed strings with counts, codes and timings. Resume text, names, emails and phone
numbers never reach a log call, and library exceptions are logged by code, not by message.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from typing import Any

__all__ = ["SAFE_FIELDS", "JsonFormatter", "configure_logging", "request_id_var"]

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "rolefit_request_id", default=None
)

SAFE_FIELDS = (
    "request_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "bytes_in",
    "bytes_out",
    "error_code",
    "task",
    "pages",
    "format",
    "workers",
    "dev_mode",
    "taxonomy_version",
    "key_id",
    "client",
)


class JsonFormatter(logging.Formatter):
    """Format a record as a single JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id_var.get()
        if rid:
            payload["request_id"] = rid
        for name in SAFE_FIELDS:
            if name != "request_id" and hasattr(record, name):
                payload[name] = getattr(record, name)
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            # The type and frames only: an exception message may quote document content.
            payload["exc_type"] = f"{type(exc).__module__}.{type(exc).__qualname__}"
        return json.dumps(payload, ensure_ascii=False, default=str)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extras = [
            f"{name}={getattr(record, name)}" for name in SAFE_FIELDS if hasattr(record, name)
        ]
        rid = request_id_var.get()
        if rid and not hasattr(record, "request_id"):
            extras.insert(0, f"request_id={rid}")
        return base + (" " + " ".join(extras) if extras else "")


def configure_logging(level: str = "INFO", *, json_logs: bool = True) -> None:
    """Send rolefit's and uvicorn's logs to stderr in one format.

    uvicorn's own access log is switched off: the request middleware writes one structured line
    per request instead (with the route template, not the raw query string).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if json_logs
        else _TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    for name in ("rolefit", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True
