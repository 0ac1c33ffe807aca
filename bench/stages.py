"""Per-stage cost on the corpus, and end to end next to the floor (pdfminer ``extract_text``).

For every document, in the same process and the same loop: the pipeline (``Matcher.match``) and
the floor, in alternating order so drift and cache effects hit both alike. Stage times come from
``report.timings`` (perf_counter inside the Matcher); per page = the document's time / its pages.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench import pipeline
from bench.corpus import CorpusFile
from bench.stats import ratio, summary, timed

# issue #12: the whole match with the default engine (PDFium) at least 5x faster than the
# floor per page (the ratio of summed times over the same pages is the per-page ratio)
TARGET_RATIO = 0.2


def run(
    files: Sequence[CorpusFile],
    *,
    warmup: int = 3,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Measure every stage on ``files``; see the module docstring."""
    from matcher import Matcher

    t0 = time.perf_counter()
    matcher = Matcher.default()
    build_ms = (time.perf_counter() - t0) * 1000.0
    for f in files[:warmup]:
        data = f.read()
        pipeline.match_pdf(matcher, data, filename=f.id + ".pdf")
        pipeline.floor_text(data)

    per_doc: dict[str, list[float]] = {s: [] for s in pipeline.STAGES}
    per_page: dict[str, list[float]] = {s: [] for s in pipeline.STAGES}
    pipe_ms: list[float] = []
    floor_ms: list[float] = []
    downstream_ms: list[float] = []
    by_producer: dict[str, list[float]] = {}
    cpu = {"pipe": 0.0, "floor": 0.0}
    for i, f in enumerate(files):
        data = f.read()
        name = f.id + ".pdf"

        def do_pipe(data: bytes = data, name: str = name) -> Any:
            return pipeline.match_pdf(matcher, data, filename=name)

        def do_floor(data: bytes = data) -> str:
            return pipeline.floor_text(data)

        results: dict[str, tuple[Any, float]] = {}
        order = ("floor", "pipe") if i % 2 else ("pipe", "floor")  # alternate which goes first
        for which in order:
            c0 = time.process_time()
            results[which] = timed(do_pipe if which == "pipe" else do_floor)
            cpu[which] += time.process_time() - c0
        report, t_pipe = results["pipe"]
        t_floor = results["floor"][1]
        stages = pipeline.stage_ms(report)
        for stage, ms in stages.items():
            per_doc[stage].append(ms)
            per_page[stage].append(ms / max(1, f.pages))
        downstream = sum(ms for s, ms in stages.items() if s != "parse")
        downstream_ms.append(downstream)
        pipe_ms.append(t_pipe)
        floor_ms.append(t_floor)
        by_producer.setdefault(f.producer, []).append(t_pipe / t_floor if t_floor else math.nan)
        if (i + 1) % 50 == 0:
            log(f"stages: {i + 1}/{len(files)} documents")

    n = len(files)
    pipe_s = sum(pipe_ms) / 1000.0
    floor_s = sum(floor_ms) / 1000.0
    out: dict[str, Any] = {
        "documents": n,
        "pages": sum(f.pages for f in files),
        "matcher_build_ms": round(build_ms, 1),
        "stages": {
            s: {"per_doc_ms": summary(per_doc[s]), "per_page_ms": summary(per_page[s])}
            for s in pipeline.STAGES
            if per_doc[s]
        },
        "end_to_end": {
            "pipeline_ms": summary(pipe_ms),
            "floor_ms": summary(floor_ms),
            "pipeline_docs_per_sec_per_core": round(n / pipe_s, 2) if pipe_s else math.nan,
            "floor_docs_per_sec_per_core": round(n / floor_s, 2) if floor_s else math.nan,
            "pipeline_cpu_s": round(cpu["pipe"], 3),
            "floor_cpu_s": round(cpu["floor"], 3),
            "downstream_over_floor": ratio(sum(downstream_ms), sum(floor_ms)),
            "target_ratio": TARGET_RATIO,
        },
    }
    e2e = out["end_to_end"]
    e2e["ratio_to_floor"] = ratio(pipe_s, floor_s)
    e2e["median_doc_ratio"] = round(
        sorted(p / f for p, f in zip(pipe_ms, floor_ms, strict=True))[n // 2], 3
    )
    e2e["ratio_by_producer"] = {
        k: round(sorted(v)[len(v) // 2], 3) for k, v in sorted(by_producer.items())
    }
    e2e["meets_target"] = bool(e2e["ratio_to_floor"] <= TARGET_RATIO)
    return out
