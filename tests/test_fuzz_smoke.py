"""A short seeded run of the fuzz campaign (``make fuzz`` runs 10,000 inputs; issue #12).

The inputs are mutations (flips, truncations, splices, deep nesting, bombs, broken xref,
garbage) of the PDFs ``tests.documents`` makes, through ``parse()`` in worker processes: every
one must give a ``Document`` or an ``InputError`` subclass, within the deadline + 1 s.
"""

from __future__ import annotations

import time

import pytest

from bench import fuzz

pytestmark = [pytest.mark.slow, pytest.mark.issue(12)]

COUNT = 300  # every mutation kind about 43 times, both engines
SEED = 12
TIMEOUT = 1.0  # the parse deadline; a short one keeps the run well under a minute


def test_fuzz_smoke_only_documents_or_input_errors_within_the_deadline() -> None:
    seeds = fuzz.seed_files(producers=["reportlab", "fpdf2"], corpus=None, corpus_limit=0)
    start = time.monotonic()
    rows = fuzz.run(count=COUNT, seed=SEED, seeds=seeds, timeout=TIMEOUT, workers=2)
    elapsed = time.monotonic() - start
    result = fuzz.summary(rows, timeout=TIMEOUT, max_rss_mb=fuzz.RSS_LIMIT_MB)
    outcomes = result["by_kind"]["all"]["outcomes"]
    failed = [
        (f["why"], f["index"], f["kind"], f["engine"], f["detail"]) for f in result["failures"]
    ]
    assert not failed, f"{fuzz.table(result)}\n{failed}"
    assert len(rows) == COUNT
    assert {"unhandled", "crash", "hang"}.isdisjoint(outcomes)
    assert result["by_kind"]["all"]["overruns"] == 0
    # the run is not a no-op: the mutations reach the reader's error paths and its results
    assert outcomes.get("result", 0) > 0
    assert outcomes.get("corrupt-document", 0) > 0
    assert elapsed < 120  # about 30 s on two busy cores; a hang would show here first
