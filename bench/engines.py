"""PDF engines: PDFium (the default) against pdfminer.six, the two glyph sources of
``matcher/read/pdf/`` (one shared layout engine).

Speed: on every corpus file, in the same loop (alternating order), the floor
(``pdfminer.high_level.extract_text``) and ``matcher.read.pdf.extract_text`` with PDFium (text
*with* layout: lines, positions, columns, hidden text), and the whole
``Matcher.parse`` with ``pdf_engine="pdfminer"`` and ``"pdfium"``.

Accuracy: the PDF resumes of the shared corpus are matched once per engine and scored with the
corpus's own ``score.py`` (skills core/all P/R/F1, role top-1; only the PDF resumes are scored,
so the numbers are comparable between the two engines, not with the whole ``make eval``), and
the documents whose skills or top role differ are listed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import pipeline
from bench.corpus import SHARED_CORPUS, CorpusFile
from bench.stats import median, ratio, summary

ENGINES = ("pdfminer", "pdfium")


def _pdfium_text(data: bytes) -> Any:
    from matcher.options import MatchOptions
    from matcher.read.pdf import extract_text

    opts = MatchOptions()
    return extract_text(data, max_bytes=opts.max_bytes, max_pages=opts.max_pages, engine="pdfium")


def speed(files: Sequence[CorpusFile], log: Callable[[str], None]) -> dict[str, Any]:
    """Per-document milliseconds of the floor and of PDFium (and of both full parses)."""
    from matcher import Matcher, MatchOptions

    matchers = {e: Matcher.default(MatchOptions(pdf_engine=e)) for e in ENGINES}  # type: ignore[arg-type]
    for f in files[:3]:  # warm-up
        pipeline.floor_text(f.read())
        _pdfium_text(f.read())
    times: dict[str, list[float]] = {}
    for i, f in enumerate(files):
        data = f.read()
        runs: list[tuple[str, Callable[[], object]]] = [
            ("floor", lambda data=data: pipeline.floor_text(data)),
            ("pdfium_text", lambda data=data: _pdfium_text(data)),
        ]
        for engine, m in matchers.items():
            runs.append(
                (
                    f"parse_{engine}",
                    lambda data=data, m=m, n=f.id: m.parse(data, filename=n + ".pdf"),
                )
            )
        if i % 2:
            runs.reverse()
        for name, func in runs:
            t0 = time.perf_counter()
            func()
            times.setdefault(name, []).append((time.perf_counter() - t0) * 1000.0)
    floor, pdfium = times["floor"], times["pdfium_text"]
    out: dict[str, Any] = {
        "documents": len(files),
        "floor_ms": summary(floor),
        "pdfium_text_ms": summary(pdfium),
        "speedup": ratio(median(floor), median(pdfium)),
        "speedup_total": ratio(sum(floor), sum(pdfium)),
    }
    out["parse_dispatches_pdf_engine"] = dispatches(matchers, files[:3])
    out["parse_ms"] = {e: summary(times[f"parse_{e}"]) for e in ENGINES}
    out["parse_speedup"] = ratio(median(times["parse_pdfminer"]), median(times["parse_pdfium"]))
    log(f"engines: pdfium text {out['speedup']}x faster than the floor (median per document)")
    return out


def dispatches(matchers: dict[str, Any], files: Sequence[CorpusFile]) -> bool:
    """Whether ``Matcher.parse`` reads with the engine its options name (documents differ)."""
    for f in files:
        data = f.read()
        a = matchers["pdfminer"].parse(data, filename="a.pdf")
        b = matchers["pdfium"].parse(data, filename="a.pdf")
        if a.text != b.text or a.lines != b.lines:
            return True
    return False


def _document(matcher: Any, data: bytes, name: str) -> tuple[Any, bool]:
    """The document the matcher's engine reads, and whether it found hidden text."""
    document = matcher.parse(data, filename=name)
    return document, bool(document.hidden_text.strip())


def accuracy(log: Callable[[str], None]) -> dict[str, Any]:
    """Corpus-scorer metrics of the PDF resumes with each engine, and where they differ."""
    import json

    from eval.harness import load_scorer
    from eval.run import roles_ranked, skill_names
    from matcher import Matcher, MatcherError, MatchOptions

    gold_path = SHARED_CORPUS / "gold.json"
    if not gold_path.exists():
        return {"skipped": f"no shared corpus at {SHARED_CORPUS}"}
    scorer = load_scorer(SHARED_CORPUS)
    docs = [
        d
        for d in json.loads(gold_path.read_text(encoding="utf-8"))["documents"]
        if d["kind"] == "resume" and d["format"] == "pdf"
    ]
    preds: dict[str, dict[str, dict[str, Any]]] = {}
    for engine in ENGINES:
        matcher = Matcher.default(MatchOptions(pdf_engine=engine))  # type: ignore[arg-type]
        out: dict[str, dict[str, Any]] = {}
        for d in docs:
            data = (SHARED_CORPUS / d["file"]).read_bytes()
            try:
                document, hidden = _document(matcher, data, Path(d["file"]).name)
                report = matcher.match(document)
                out[d["doc_id"]] = {
                    "skills": skill_names(report.skills, matcher.taxonomy),
                    "roles_ranked": roles_ranked(report),
                    "error": None,
                    "flags": ["hidden_text"] if hidden else [],
                }
            except MatcherError as exc:
                out[d["doc_id"]] = {"skills": [], "roles_ranked": [], "error": str(exc)}
        preds[engine] = out
    metrics = {}
    for engine in ENGINES:
        m = scorer.score(preds[engine], docs)
        metrics[engine] = {
            "skills_core": m["groups"]["ALL"]["skills_core"],
            "skills_all": m["groups"]["ALL"]["skills_all"],
            "roles": m["roles"],
            "hidden_text": {
                k: v for k, v in (m.get("hidden_text") or {}).items() if k != "details"
            },
        }
    differ = []
    for d in docs:
        a, b = preds["pdfminer"][d["doc_id"]], preds["pdfium"][d["doc_id"]]
        sa, sb = set(a["skills"]), set(b["skills"])
        top_a = (a["roles_ranked"] or ["-"])[0]
        top_b = (b["roles_ranked"] or ["-"])[0]
        if sa != sb or top_a != top_b:
            differ.append(
                {
                    "doc_id": d["doc_id"],
                    "only_pdfminer": sorted(sa - sb),
                    "only_pdfium": sorted(sb - sa),
                    "top_role": [top_a, top_b],
                }
            )
    same = metrics["pdfminer"]["skills_core"] == metrics["pdfium"]["skills_core"]
    log(f"engines: {len(docs)} corpus PDFs scored; {len(differ)} differ")
    return {
        "documents": len(docs),
        "metrics": metrics,
        "same_core_metrics": same,
        "differences": differ,
    }


def run(
    files: Sequence[CorpusFile], *, quick: bool, log: Callable[[str], None] = lambda _m: None
) -> dict[str, Any]:
    """Speed on the corpus, accuracy on the shared corpus."""
    from matcher.read.pdf import pdfium_available

    if not pdfium_available():
        return {"skipped": "pypdfium2 is not installed (pip install pypdfium2)"}
    out = speed(files, log)
    if not quick:
        out["accuracy"] = accuracy(log)
    return out
