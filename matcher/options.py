"""MatchOptions: every tuning knob of the library and its default.

The library never reads the environment; ``service.settings.Settings.to_options()`` and the CLI
build a ``MatchOptions`` and pass it in.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

PdfEngine = Literal["pdfminer", "pdfium"]


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """Limits and knobs for parsing and matching.

    Attributes:
        max_bytes: largest accepted input in bytes.
        max_pages: largest accepted page count (PDF).
        parse_timeout: seconds one document may take to parse, in the library (the PDF reader
            checks it as it goes: ``ParseTimeoutError``) and in a worker (killed past it).
        max_text_chars: text beyond this many characters is not scored (memory guard).
        pdf_engine: ``pdfium`` (default, several times faster) or ``pdfminer``; both feed the
            same layout engine, and pdfminer.six reads a file PDFium cannot (or any file when
            pypdfium2 is missing).
        fuzzy_cutoff: minimum rapidfuzz Indel similarity (0-100) for a misspelling to match.
        fuzzy_min_length: candidate phrases shorter than this are never fuzzy-matched.
        method: the scoring method's versioned name; recorded in every report.
        strong_cutoff / good_cutoff / partial_cutoff: score bands (labels, never a reject).
        none_below: the verdict says no role fits when the best role scores under this.
        min_distinctive: ... or when fewer skills distinctive of the best role are shown (and
            the resume's own title does not name it).
        imported_vocabulary: also find the imported technologies (issue #15: O*NET's, and the
            developer tools of Simple Icons / GitHub Explore / Stack Overflow tags). Their
            hits only add skills (the hand-written names find what they find alone), no role
            links one, and tests/matching/test_imported_vocabulary.py shows they add no false
            technology to 25 non-technical documents. False: the hand-written vocabulary alone.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 60
    parse_timeout: float = 30.0
    max_text_chars: int = 2_000_000
    pdf_engine: PdfEngine = "pdfium"
    fuzzy_cutoff: float = 88.0
    fuzzy_min_length: int = 5
    method: str = "distinctive-coverage.v7"
    strong_cutoff: float = 75.0
    good_cutoff: float = 55.0
    partial_cutoff: float = 35.0
    none_below: float = 30.0
    min_distinctive: int = 2
    imported_vocabulary: bool = True

    def replace(self, **changes: object) -> MatchOptions:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
