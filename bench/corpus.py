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

from bench.content import long_resume, make_resume
from tests import tools
from tests.documents import (
    CHROMIUM,
    SOFFICE,
    Resume,
    docx_to_pdf,
    make_docx,
    make_pdf,
    print_html_files,
    resume_html,
)

CORPUS_VERSION = 2  # 2: laid out by tests/documents.py (one Resume model for tests and bench)
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


@dataclass(frozen=True, slots=True)
class _Slot:
    """One generated file of the plan: where it goes and what makes it."""

    path: Path
    producer: str
    layout: str
    seed: int

    def resume(self) -> Resume:
        return make_resume(self.seed, size=1 + self.seed % 3)  # 1, 2, 3 pages (roughly) in turn

    @property
    def columns(self) -> int:
        return 2 if self.layout == "2col" else 1


_PREFIX = {"reportlab": "rl", "libreoffice": "lo", "chromium": "cr"}


def _slots(base: Path, producer: str, first_seed: int, layouts: list[str]) -> list[_Slot]:
    """The files of one producer: ``rl-1col-1000.pdf``, ``lo-table-2001.pdf``..."""
    return [
        _Slot(
            base / producer / f"{_PREFIX[producer]}-{layout}-{first_seed + i}.pdf",
            producer,
            layout,
            first_seed + i,
        )
        for i, layout in enumerate(layouts)
    ]


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
    alternate = ("1col", "2col")
    reportlab = _slots(
        base, "reportlab", 1000, ["1col"] * plan.reportlab_1col + ["2col"] * plan.reportlab_2col
    )
    libreoffice = _slots(
        base, "libreoffice", 2000, [("1col", "table")[i % 2] for i in range(plan.docx)]
    )
    chromium = _slots(base, "chromium", 3000, [alternate[i % 2] for i in range(plan.html)])

    t0 = time.perf_counter()
    todo = [slot for slot in reportlab if not slot.path.exists()]
    for slot in todo:
        pdf = make_pdf(slot.resume(), producer="reportlab", columns=slot.columns)
        slot.path.write_bytes(pdf)
    if todo:
        log(f"reportlab: {len(todo)} PDFs in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    todo = [slot for slot in libreoffice if not slot.path.exists()]
    if todo:
        _need(SOFFICE, "LibreOffice (soffice)")
        sources = [make_docx(slot.resume(), skills_table=slot.layout == "table") for slot in todo]
        for slot, pdf in zip(todo, docx_to_pdf(sources, timeout=600), strict=True):
            slot.path.write_bytes(pdf)
        log(f"libreoffice: {len(todo)} PDFs in {time.perf_counter() - t0:.1f} s (one soffice run)")

    t0 = time.perf_counter()
    todo = [slot for slot in chromium if not slot.path.exists()]
    if todo:
        _need(CHROMIUM, "Chromium")
        jobs = []
        for slot in todo:
            src = base / "src" / f"{slot.path.stem}.html"
            src.write_text(resume_html(slot.resume(), columns=slot.columns), encoding="utf-8")
            jobs.append((src, slot.path))
        method = print_html_files(jobs)
        log(f"chromium: {len(todo)} PDFs in {time.perf_counter() - t0:.1f} s ({method})")

    slots = [*reportlab, *libreoffice, *chromium]
    out = [_entry(slot.path.stem, slot.path, slot.producer, slot.layout) for slot in slots]
    if plan.shared:
        out.extend(shared_corpus(limit=None if plan is FULL or plan.generated > 50 else 3))
    return out


def _need(names: tuple[str, ...], what: str) -> None:
    """The bench reports a missing producer as an error (tests skip instead)."""
    if tools.which(*names) is None:
        raise RuntimeError(f"{what} is not installed")


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
            path.write_bytes(make_pdf(long_resume(4242, pages=n), producer="reportlab"))
        entry = _entry(path.stem, path, "reportlab", "growth")
        if entry.pages != n:
            path.unlink()
            raise RuntimeError(f"{path.name} has {entry.pages} pages, not {n}")
        out.append(entry)
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
