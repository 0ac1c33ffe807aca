"""Small statistics and timing helpers: medians, percentiles, a perf_counter stopwatch."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation between closest ranks; nan if empty."""
    if not values:
        return math.nan
    data = sorted(values)
    if len(data) == 1:
        return float(data[0])
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return float(data[lo] + (data[hi] - data[lo]) * (pos - lo))


def median(values: Sequence[float]) -> float:
    """The median; nan if empty."""
    return float(statistics.median(values)) if values else math.nan


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, p95, mean and count of a sample (rounded for the results file)."""
    return {
        "median": round(median(values), 3),
        "p95": round(percentile(values, 95), 3),
        "mean": round(sum(values) / len(values), 3) if values else math.nan,
        "n": len(values),
    }


def timed(func: Callable[[], T]) -> tuple[T, float]:
    """Run ``func`` once; return its result and the elapsed milliseconds (perf_counter)."""
    start = time.perf_counter()
    out = func()
    return out, (time.perf_counter() - start) * 1000.0


def best_of(func: Callable[[], object], *, repeat: int, warmup: int = 1) -> list[float]:
    """Milliseconds of ``repeat`` runs of ``func`` after ``warmup`` untimed runs."""
    for _ in range(warmup):
        func()
    return [timed(func)[1] for _ in range(repeat)]


def ratio(a: float, b: float) -> float:
    """a / b rounded to 3 places (nan when b is 0 or nan)."""
    if not b or math.isnan(b) or math.isnan(a):
        return math.nan
    return round(a / b, 3)
