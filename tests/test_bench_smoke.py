"""Cheap checks of the benchmark harness (no timing is asserted: `make bench` measures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import corpus, growth, pipeline, stages
from bench.content import make_resume
from bench.stats import percentile, summary


def test_bench_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([5.0], 95) == 5.0
    assert percentile(list(range(101)), 95) == pytest.approx(95.0)
    assert summary([1.0, 3.0])["median"] == 2.0


def test_bench_resume_content_is_deterministic() -> None:
    assert make_resume(7, size=2) == make_resume(7, size=2)
    assert make_resume(7, size=2) != make_resume(8, size=2)
    experience = [len(make_resume(3, size=s).section("Experience")) for s in (1, 3)]
    assert experience[1] > experience[0]


def test_bench_corpus_is_cached(tmp_path: Path) -> None:
    plan = corpus.CorpusPlan(reportlab_1col=2, reportlab_2col=1, docx=0, html=0, shared=False)
    messages: list[str] = []
    files = corpus.build(plan, cache=tmp_path, log=messages.append)
    assert [f.producer for f in files] == ["reportlab"] * 3
    assert all(1 <= f.pages <= 3 for f in files)
    assert messages  # made them
    again: list[str] = []
    assert corpus.build(plan, cache=tmp_path, log=again.append) == files
    assert again == []  # served from the cache


def test_bench_synthetic_taxonomy_has_the_requested_size(tmp_path: Path) -> None:
    from taxonomy import load_taxonomy

    tax = load_taxonomy(growth.write_taxonomy(tmp_path / "t", 600))
    assert len(tax.skills) == 600
    assert tax.roles
    assert sum(1 for s in tax.skills if s.startswith("syn-")) == 600 - growth.REAL_SKILLS


def test_bench_stages_measure_every_stage(tmp_path: Path) -> None:
    plan = corpus.CorpusPlan(reportlab_1col=2, reportlab_2col=0, docx=0, html=0, shared=False)
    files = corpus.build(plan, cache=tmp_path)
    out = stages.run(files, warmup=1)
    assert set(out["stages"]) == set(pipeline.STAGES)
    for stage in pipeline.STAGES:
        assert out["stages"][stage]["per_doc_ms"]["n"] == 2
    assert out["end_to_end"]["floor_docs_per_sec_per_core"] > 0
