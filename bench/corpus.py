"""The benchmark corpus: generated resumes from three producers plus the shared dev corpus.

Generated files are cached in ``bench/cache/`` (gitignored) and only missing ones are made, so a
second run starts measuring at once. Contents are a pure function of the seeds in ``bench.content``
(``invariant=1`` for reportlab; LibreOffice and Chromium embed dates, which change bytes, not text).

The shared corpus (``../shared/corpus``) is read where it is, never copied: every PDF resume in
its ``gold.json`` (bad inputs excluded; they are the parser's robustness tests, not speed).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.content import make_resume
from bench.producers import (
    chromium_print,
    docx_file,
    html_file,
    libreoffice_convert,
    long_pdf,
    reportlab_pdf,
)

CORPUS_VERSION = 1
ROOT = Path(__file__).resolve().parent
CACHE = ROOT / "cache"
SHARED_CORPUS = Path(
    os.environ.get("ROLEFIT_SHARED_CORPUS", str(ROOT.parent.parent / "shared" / "corpus"))
)
GROWTH_PAGES = (1, 2, 5, 20, 60)


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One benchmark PDF: where it is, who made it, how many pages."""

    id: str
    path: str
    producer: str  # reportlab | libreoffice | chromium | shared
    layout: str  # 1col | 2col | table | as-is
    pages: int
    size: int

    def read(self) -> bytes:
        """The file's bytes."""
        return Path(self.path).read_bytes()


@dataclass(frozen=True, slots=True)
class CorpusPlan:
    """How many resumes each producer makes."""

    reportlab_1col: int
    reportlab_2col: int
    docx: int
    html: int
    shared: bool = True

    @property
    def generated(self) -> int:
        return self.reportlab_1col + self.reportlab_2col + self.docx + self.html


FULL = CorpusPlan(reportlab_1col=50, reportlab_2col=50, docx=60, html=60)
QUICK = CorpusPlan(reportlab_1col=3, reportlab_2col=2, docx=2, html=2)


def page_count(path: Path) -> int:
    """Pages of a PDF (PDFium when installed, else pdfminer)."""
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()
    except ImportError:
        from pdfminer.pdfpage import PDFPage

        with path.open("rb") as fh:
            return sum(1 for _ in PDFPage.get_pages(fh))


def _size(seed: int) -> int:
    return 1 + seed % 3  # 1, 2, 3 pages (roughly) in turn


def build(
    plan: CorpusPlan = FULL,
    *,
    cache: Path = CACHE,
    log: Callable[[str], None] = lambda _msg: None,
) -> list[CorpusFile]:
    """Make the missing files of ``plan`` in ``cache`` and return the whole corpus, sorted.

    Raises:
        RuntimeError: a producer (LibreOffice, Chromium) is missing or failed.
    """
    base = cache / f"corpus-v{CORPUS_VERSION}"
    for sub in ("reportlab", "libreoffice", "chromium", "src"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, Path, str, str]] = []

    t0 = time.perf_counter()
    made = 0
    for i in range(plan.reportlab_1col + plan.reportlab_2col):
        two = i >= plan.reportlab_1col
        seed = 1000 + i
        path = base / "reportlab" / f"rl-{'2col' if two else '1col'}-{seed}.pdf"
        if not path.exists():
            reportlab_pdf(make_resume(seed, size=_size(seed)), path, two_column=two)
            made += 1
        files.append((path.stem, path, "reportlab", "2col" if two else "1col"))
    if made:
        log(f"reportlab: {made} PDFs in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    todo = []
    for i in range(plan.docx):
        seed = 2000 + i
        table = i % 2 == 1
        stem = f"lo-{'table' if table else '1col'}-{seed}"
        pdf = base / "libreoffice" / f"{stem}.pdf"
        if not pdf.exists():
            src = base / "src" / f"{stem}.docx"
            docx_file(make_resume(seed, size=_size(seed)), src, skills_table=table)
            todo.append(src)
        files.append((stem, pdf, "libreoffice", "table" if table else "1col"))
    if todo:
        libreoffice_convert(todo, base / "libreoffice")
        log(f"libreoffice: {len(todo)} PDFs in {time.perf_counter() - t0:.1f} s (one soffice run)")

    t0 = time.perf_counter()
    jobs = []
    for i in range(plan.html):
        seed = 3000 + i
        two = i % 2 == 1
        stem = f"cr-{'2col' if two else '1col'}-{seed}"
        pdf = base / "chromium" / f"{stem}.pdf"
        if not pdf.exists():
            src = base / "src" / f"{stem}.html"
            html_file(make_resume(seed, size=_size(seed)), src, two_column=two)
            jobs.append((src, pdf))
        files.append((stem, pdf, "chromium", "2col" if two else "1col"))
    if jobs:
        method = chromium_print(jobs)
        log(f"chromium: {len(jobs)} PDFs in {time.perf_counter() - t0:.1f} s ({method})")

    out = [_entry(ident, path, producer, layout) for ident, path, producer, layout in files]
    if plan.shared:
        out.extend(shared_corpus(limit=None if plan is FULL or plan.generated > 50 else 3))
    return out


def _entry(ident: str, path: Path, producer: str, layout: str) -> CorpusFile:
    return CorpusFile(
        id=ident,
        path=str(path),
        producer=producer,
        layout=layout,
        pages=page_count(path),
        size=path.stat().st_size,
    )


def shared_corpus(*, limit: int | None = None) -> list[CorpusFile]:
    """The PDF resumes of the shared dev corpus, read in place ([] when it is not there)."""
    gold = SHARED_CORPUS / "gold.json"
    if not gold.exists():
        return []
    docs = json.loads(gold.read_text(encoding="utf-8"))["documents"]
    out = []
    for doc in docs:
        if doc["kind"] != "resume" or doc["format"] != "pdf":
            continue
        path = SHARED_CORPUS / doc["file"]
        if path.exists():
            out.append(_entry(doc["doc_id"], path, "shared", "as-is"))
    if limit is not None:
        out = [f for f in out if f.pages <= 3][:limit]
    return out


def growth_files(pages: tuple[int, ...] = GROWTH_PAGES, *, cache: Path = CACHE) -> list[CorpusFile]:
    """Documents of exactly 1, 2, 5, 20 and 60 pages (same resume, more filler pages)."""
    base = cache / f"corpus-v{CORPUS_VERSION}" / "growth"
    base.mkdir(parents=True, exist_ok=True)
    out = []
    for n in pages:
        path = base / f"growth-{n:03d}p.pdf"
        if not path.exists():
            long_pdf(make_resume(4242, size=2), path, pages=n, seed=4242)
        out.append(_entry(path.stem, path, "reportlab", "growth"))
    return out


def describe(files: list[CorpusFile]) -> dict[str, object]:
    """Counts per producer and page count, for the results file."""
    by_producer: dict[str, int] = {}
    by_pages: dict[str, int] = {}
    for f in files:
        by_producer[f.producer] = by_producer.get(f.producer, 0) + 1
        key = str(f.pages) if f.pages <= 3 else ">3"
        by_pages[key] = by_pages.get(key, 0) + 1
    return {
        "documents": len(files),
        "pages": sum(f.pages for f in files),
        "by_producer": by_producer,
        "by_pages": dict(sorted(by_pages.items())),
    }


def as_dict(f: CorpusFile) -> dict[str, object]:
    """One file as JSON."""
    return asdict(f)
