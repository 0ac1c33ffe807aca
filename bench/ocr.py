"""OCR: scanned resumes read by Tesseract (``matcher/read/pdf/ocr_source.py``).

A few of the corpus's PDFs (one per producer and layout, in corpus order) are scanned the way
the tests scan them (``tests.documents.scanned_pdf``: every page rendered by PDFium at 200 dpi,
wrapped as an image-only PDF by Pillow) and parsed; the time per scanned page is the OCR's
cost (render + Tesseract + the shared layout). The skills the scan yields are compared with
those of the PDF it was made from (recall of the text layer's canonical skills, and whether the
top role is the same). Skipped when Tesseract is not installed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.corpus import CorpusFile
from bench.stats import summary


def _pick(files: Sequence[CorpusFile], count: int) -> list[CorpusFile]:
    seen: set[tuple[str, str]] = set()
    out: list[CorpusFile] = []
    for f in files:
        key = (f.producer, f.layout)
        if key in seen or f.pages > 2:
            continue
        seen.add(key)
        out.append(f)
        if len(out) == count:
            break
    return out


def run(files: Sequence[CorpusFile], *, quick: bool, log: Callable[[str], None]) -> dict[str, Any]:
    from matcher import Matcher
    from matcher.read.pdf import ocr_source
    from tests.documents import scanned_pdf

    if not ocr_source.available():
        return {"skipped": "Tesseract is not installed (apt-get install tesseract-ocr)"}
    matcher = Matcher.default()
    per_page: list[float] = []
    recall: list[float] = []
    same_role = 0
    docs = _pick(files, 2 if quick else 8)
    for f in docs:
        text_pdf = f.read()
        scan = scanned_pdf(text_pdf)
        reference = matcher.match(text_pdf)
        t0 = time.perf_counter()
        report = matcher.match(scan)
        elapsed = (time.perf_counter() - t0) * 1000.0
        per_page.append(elapsed / max(1, report.pages))
        want = {s.skill_id for s in reference.skills}
        got = {s.skill_id for s in report.skills}
        recall.append(len(want & got) / len(want) if want else 1.0)
        same_role += reference.roles[0].role_id == report.roles[0].role_id
    out: dict[str, Any] = {
        "documents": len(docs),
        "pages": sum(f.pages for f in docs),
        "dpi": ocr_source.OCR_DPI,
        "ms_per_page": summary(per_page),
        "skill_recall": summary(recall),
        "same_top_role": same_role,
    }
    log(
        f"ocr: {out['ms_per_page']['median']:.0f} ms per scanned page (median), skill recall "
        f"{out['skill_recall']['median']:.2f}, same top role {same_role}/{len(docs)}"
    )
    return out
