"""``make bench``: rolefit's speed and memory, measured against the floor in the same run.

```
python -m bench.run                    # everything (~10 min on 2 cores), results in bench/results/
python -m bench.run --quick            # smoke mode (tiny corpus, few repetitions, < 60 s)
python -m bench.run --only stages,growth
```

Sections: ``stages`` (per stage, end to end vs pdfminer), ``coldstart`` (``rolefit match`` start
to exit, worker start with and without the fork server's preload, worker RSS), ``service``
(uvicorn, POST /v1/match), ``batch`` (plain loop vs 1 and 2 workers), ``growth`` (pages and
vocabulary size), ``engines`` (pdfminer vs pypdfium2), ``ocr`` (Tesseract on scanned pages). A
section that fails is recorded with its error and the run exits 1; a missed target is reported,
not an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import corpus
from eval.harness import git_commit

SECTIONS = ("stages", "coldstart", "service", "batch", "growth", "engines", "ocr")
ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)


def _log(msg: str) -> None:
    console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {msg}")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = math.nan
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("pdfminer.six", "pypdfium2", "spacy", "rapidfuzz", "uvicorn", "fastapi"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "-"
    return out


def run_section(name: str, ctx: dict[str, Any], quick: bool) -> dict[str, Any]:
    """Run one section and return its results (the sections import lazily)."""
    files: list[corpus.CorpusFile] = ctx["files"]
    if name == "stages":
        from bench import stages

        return stages.run(files, warmup=2 if quick else 5, log=_log)
    if name == "coldstart":
        from bench import coldstart

        growth_docs = corpus.growth_files(cache=ctx["cache"])
        sample = [f for f in files if f.pages == 1][:1] or files[:1]
        mem_files = files[:8] if quick else files
        return coldstart.run(
            [*mem_files, growth_docs[-1]],
            sample_pdf=Path(sample[0].path),
            repeat=1 if quick else 5,
            log=_log,
        )
    if name == "service":
        from bench import serving

        return serving.run(files, quick=quick, log=_log)
    if name == "batch":
        from bench import batching

        return batching.run(files[:12] if quick else files, rounds=1 if quick else 2, log=_log)
    if name == "growth":
        from bench import growth

        return growth.run(quick=quick, cache=ctx["cache"], files=files, log=_log)
    if name == "engines":
        from bench import engines

        return engines.run(files, quick=quick, log=_log)
    if name == "ocr":
        from bench import ocr

        return ocr.run(files, quick=quick, log=_log)
    raise ValueError(name)


def _fmt(value: Any, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        text = f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    else:
        text = str(value)
    return f"{text}{unit}"


def _status(ok: bool | None) -> str:
    if ok is None:
        return "[dim]n/a[/dim]"
    return "[green]ok[/green]" if ok else "[red]missed[/red]"


def print_tables(results: dict[str, Any]) -> None:
    """The rich tables: stages, then one summary line per measure with its target."""
    sections = results["sections"]
    st = sections.get("stages", {})
    if "stages" in st:
        table = Table(title=f"Per stage ({st['documents']} documents, {st['pages']} pages)")
        for col in ("stage", "median ms/doc", "p95 ms/doc", "median ms/page", "p95 ms/page"):
            table.add_column(col, justify="right" if col != "stage" else "left")
        for stage, s in st["stages"].items():
            table.add_row(
                stage,
                _fmt(s["per_doc_ms"]["median"]),
                _fmt(s["per_doc_ms"]["p95"]),
                _fmt(s["per_page_ms"]["median"]),
                _fmt(s["per_page_ms"]["p95"]),
            )
        e2e = st["end_to_end"]
        table.add_row(
            "end to end",
            _fmt(e2e["pipeline_ms"]["median"]),
            _fmt(e2e["pipeline_ms"]["p95"]),
            "",
            "",
        )
        table.add_row(
            "floor (pdfminer)",
            _fmt(e2e["floor_ms"]["median"]),
            _fmt(e2e["floor_ms"]["p95"]),
            "",
            "",
        )
        console.print(table)

    summary = Table(title="Summary (ratios measured in the same run)")
    for col in ("measure", "value", "target", ""):
        summary.add_column(col)

    def row(measure: str, value: str, target: str = "", ok: bool | None = None) -> None:
        summary.add_row(measure, value, target, _status(ok))

    if "end_to_end" in st:
        e2e = st["end_to_end"]
        row(
            "docs/s/core pipeline | floor",
            f"{_fmt(e2e['pipeline_docs_per_sec_per_core'])} | "
            f"{_fmt(e2e['floor_docs_per_sec_per_core'])}",
        )
        if e2e.get("ratio_to_floor") is not None:
            value = e2e["ratio_to_floor"]
            target = e2e.get("target_ratio", 1.25)  # results from before issue #12: 1.25
            faster = f" ({_fmt(1 / value, 'x')} faster)" if value and value == value else ""
            row(
                "pipeline / floor",
                _fmt(value, "x") + faster,
                f"≤ {_fmt(target, 'x')} (≥ {_fmt(1 / target, 'x')} faster, issue #12)",
                e2e["meets_target"],
            )
        row("stages after parse / floor", _fmt(e2e["downstream_over_floor"], "x"))
    cs = sections.get("coldstart", {})
    if "cold_start" in cs:
        c = cs["cold_start"]
        row(
            f"cold start: rolefit match (1 page), start → exit, best of {len(c['runs_s'])}",
            f"{_fmt(c['cold_start_s'], ' s')} (median {c['median_s']} s, CPU {c['cpu_s']} s; "
            f"library import {c['library_import_s']}, build {c['library_build_s']}, "
            f"match {c['library_first_match_s']})",
            "≤ 1.5 s",
            c["meets_target"],
        )
        if "help" in c:
            row(
                "cold start: rolefit --help, best",
                f"{_fmt(c['help']['best_s'], ' s')} (median {c['help']['median_s']} s)",
            )
        ws = cs["worker_start"]
        row(
            "worker ready: first | replacement, preload vs none",
            f"{ws['preload']['first_ready_s']} | {ws['preload']['replacement_ready_s']} s vs "
            f"{ws['none']['first_ready_s']} | {ws['none']['replacement_ready_s']} s "
            f"({_fmt(ws['replacement_ratio'], 'x')})",
        )
        m = cs["worker_memory"]
        row("peak RSS, one worker", _fmt(m["peak_rss_mb"], " MB"), "≤ 300 MB", m["meets_target"])
    sv = sections.get("service", {})
    if "concurrency" in sv:
        for shape in sv.get("shapes", {}).values():
            procs, workers = shape["uvicorn_processes"], shape["pool_workers_per_process"]
            label = f"{procs} uvicorn × {workers} worker{'s' if workers > 1 else ''}"
            for c, v in shape["concurrency"].items():
                row(
                    f"{label} c={c}: p50 | p99 | req/s",
                    f"{_fmt(v['p50_ms'], ' ms')} | {_fmt(v['p99_ms'], ' ms')} | "
                    f"{_fmt(v['throughput_rps'])}",
                )
        row(
            "service overhead at c=1 (p50 vs library)",
            f"{_fmt(sv['overhead_c1_pct'], '%')} = {_fmt(sv['overhead_c1_ms'], ' ms')} "
            f"(library p50 {_fmt(sv['direct_p50_ms'], ' ms')})",
            "≤ 10%",
            sv["meets_target"],
        )
        row(
            "  of which the service's own (HTTP, hops, JSON)",
            f"{_fmt(sv['own_c1_ms'], ' ms')} per request (latency - its pipeline time)",
        )
        row(
            "  the same requests from httpx (client included)",
            f"{_fmt(sv['overhead_c1_httpx_pct'], '%')} "
            f"(p50 {_fmt(sv['concurrency']['1']['httpx_p50_ms'], ' ms')})",
        )
    bt = sections.get("batch", {})
    if "files_per_sec" in bt:
        fps = bt["files_per_sec"]
        row(
            "batch files/s loop | 1 w | 2 w",
            f"{_fmt(fps['loop'])} | {_fmt(fps['workers_1'])} | {_fmt(fps['workers_2'])}",
        )
        row("batch 2 workers / 1", _fmt(bt["speedup_2_over_1"], "x"), "≥ 1.7x", bt["meets_target"])
        if "peak_rss_mb" in bt:
            mem = bt["peak_rss_mb"]
            row(
                "batch peak RSS MB loop | 1 w | 2 w (process tree)",
                f"{_fmt(mem['loop'])} | {_fmt(mem['workers_1'])} | {_fmt(mem['workers_2'])}",
            )
    gr = sections.get("growth", {})
    if "pages" in gr:
        for points, size, cost, what, target, ok in (
            ("pages", "pages", "pipeline_ms_per_page", "pipeline ms/page", "near-linear",
             "pages_near_linear"),
            ("vocabulary", "skills", "extract_normalise_ms", "extract+normalise ms/doc",
             "sub-linear", "vocabulary_sublinear"),
        ):  # fmt: skip
            row(
                f"growth: {what} at {'/'.join(str(p[size]) for p in gr[points])} {size} "
                f"(slope {gr[points + '_slope']})",
                " → ".join(_fmt(p[cost]) for p in gr[points]),
                target,
                gr[ok],
            )
    for p in gr.get("vocabulary_packaged", []):
        row(
            f"growth: packaged taxonomy, {p['vocabulary']} ({p['skills']} skills)",
            f"{_fmt(p['extract_normalise_ms'])} ms/doc, matchers built in "
            f"{_fmt(p['build_s'], ' s')}, {p['skills_found']} skills found",
        )
    en = sections.get("engines", {})
    if "speedup" in en:
        row(
            "pdfium text vs pdfminer (median/doc)",
            f"{_fmt(en['speedup'], 'x')} faster",
        )
    if "parse_speedup" in en:
        row(
            "Matcher.parse pdfium vs pdfminer (median/doc)",
            f"{_fmt(en['parse_speedup'], 'x')} faster"
            + ("" if en.get("parse_dispatches_pdf_engine") else " (parse ignores pdf_engine!)"),
        )
    acc = en.get("accuracy", {})
    if "metrics" in acc:
        m = acc["metrics"]
        row(
            "corpus PDFs skills core F1 pdfminer | pdfium",
            f"{_fmt(m['pdfminer']['skills_core']['f1'])} | {_fmt(m['pdfium']['skills_core']['f1'])}"
            f" ({len(acc['differences'])} of {acc['documents']} documents differ)",
            "same",
            bool(acc["same_core_metrics"]),
        )
    oc = sections.get("ocr", {})
    if "ms_per_page" in oc:
        row(
            f"OCR: ms per scanned page at {oc['dpi']} dpi, median / p95 ({oc['pages']} pages)",
            f"{_fmt(oc['ms_per_page']['median'])} / {_fmt(oc['ms_per_page']['p95'])}",
        )
        row(
            "OCR: skills of the text layer found in the scan (median); same top role",
            f"{_fmt(oc['skill_recall']['median'])}; {oc['same_top_role']} of {oc['documents']}",
        )
    for name, sec in sections.items():
        if "error" in sec:
            row(f"{name}: ERROR", sec["error"].splitlines()[-1][:80], "", False)
        elif "skipped" in sec:
            row(f"{name}: skipped", sec["skipped"][:80])
    console.print(summary)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bench.run``."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke mode: tiny corpus, < 60 s")
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SECTION",
        help=f"run only these sections (repeat or comma-separate): {', '.join(SECTIONS)}",
    )
    ap.add_argument("--out", type=Path, help="results directory (default bench/results/)")
    ap.add_argument("--cache", type=Path, default=corpus.CACHE, help="corpus cache directory")
    args = ap.parse_args(argv)
    only = [s for item in args.only for s in item.split(",") if s]
    unknown = [s for s in only if s not in SECTIONS]
    if unknown:
        ap.error(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    wanted = [s for s in SECTIONS if not only or s in only]

    started = time.perf_counter()
    commit, dirty = git_commit(ROOT) or ("nogit", False)
    _log(f"rolefit bench at {commit}{' (dirty)' if dirty else ''}")
    plan = corpus.QUICK if args.quick else corpus.FULL
    files = corpus.build(plan, cache=args.cache, log=_log)
    desc = corpus.describe(files)
    _log(f"corpus: {desc['documents']} documents, {desc['pages']} pages {desc['by_producer']}")
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "dirty": dirty,
        "quick": args.quick,
        "machine": machine(),
        "versions": _versions(),
        "corpus": desc,
        "sections": {},
    }
    ctx = {"files": files, "cache": args.cache}
    failed = False
    for name in wanted:
        _log(f"[bold]{name}[/bold]")
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        try:
            out = run_section(name, ctx, args.quick)
        except Exception as exc:  # a broken section is recorded; the others still run
            failed = True
            out = {"error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}"}
            console.print(f"[red]{name} failed:[/red] {type(exc).__name__}: {exc}")
        out["seconds"] = round(time.perf_counter() - t0, 1)
        # 1-minute load average before and after: other work on a shared machine shows here
        out["load_avg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        results["sections"][name] = out
    results["duration_s"] = round(time.perf_counter() - started, 1)

    print_tables(results)
    out_dir = args.out or (RESULTS if not args.quick else args.cache / "results")
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{dt.date.today().isoformat()}-{commit}"
    if only:
        stem += "-" + "-".join(wanted)
    if args.quick:
        stem += "-quick"
    path = out_dir / f"{stem}.json"
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    _log(f"results: {path} ({results['duration_s']} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
