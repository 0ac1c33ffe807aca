"""rolefit's matcher library: resume → skills → role fit scores → tailoring suggestions.

```python
from matcher import Matcher

matcher = Matcher.default()
report = matcher.match(open("resume.pdf", "rb").read(), roles=["ml-engineer"])
```

The library is laid out as its pipeline, one package or module per stage, with the typed
models of ``models.py`` between them and ``pipeline.py`` wiring them in order:

    read/        bytes → Document (sniff, PDF/DOCX/text readers, sections, contact, experience)
    extract/     Document → [SkillMention] (spaCy blank "en" matchers, described methods)
    normalize.py [SkillMention] → [CanonicalSkill] (aliases, rapidfuzz, guards)
    score.py     [CanonicalSkill] → [RoleScore] per role (weighted coverage)
    suggest.py   → [Suggestion] per target role
    postings/    a job posting → JobPosting (read, requirements) → an ad-hoc role (spec)
    report.py    MatchReport → its JSON (the API's and the CLI's answer)
    workers.py   the pool of isolated worker processes (time and memory limits)

Everything a caller may use is listed in ``__all__`` and importable from ``matcher`` itself
(plus the ``matcher.errors`` and ``matcher.models`` modules it re-exports); every other module is
internal and may change without notice. ``tests/test_architecture.py`` holds the shells (CLI,
batch, service, eval) to that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matcher import errors, models
from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    InputError,
    InvalidJobPostingError,
    MatcherError,
    NoTextError,
    ParseTimeoutError,
    PdfEncryptedError,
    TaxonomyError,
    UnknownRoleError,
    UnsupportedTypeError,
    WorkerCrashedError,
    error_classes,
    safe_traceback,
)
from matcher.models import (
    CanonicalSkill,
    Document,
    Evidence,
    JobPosting,
    MatchReport,
    RoleScore,
    SectionKind,
    SkillMatch,
    SkillMention,
    Suggestion,
    TierScore,
    Verdict,
    to_dict,
)
from matcher.options import MatchOptions, PdfEngine
from matcher.read import parse
from matcher.read.sniff import FileKind, sniff, sniff_head

if TYPE_CHECKING:
    from matcher.pipeline import Matcher
    from matcher.postings.read import jsonld_postings
    from matcher.report import report_json
    from matcher.workers import WorkerPool, match_task, match_text_task, parse_task

# Imported on first use: ``Matcher`` pulls in spaCy (about 0.6 s), the others what they need,
# so that the CLI, the service's web process and anything that only needs the errors or models
# start quickly.
_LAZY = {
    "Matcher": "matcher.pipeline",
    "WorkerPool": "matcher.workers",
    "jsonld_postings": "matcher.postings.read",
    "match_task": "matcher.workers",
    "match_text_task": "matcher.workers",
    "parse_task": "matcher.workers",
    "report_json": "matcher.report",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CanonicalSkill",
    "CorruptDocumentError",
    "Document",
    "DocumentTooLargeError",
    "EmptyDocumentError",
    "Evidence",
    "FileKind",
    "InputError",
    "InvalidJobPostingError",
    "JobPosting",
    "MatchOptions",
    "MatchReport",
    "Matcher",
    "MatcherError",
    "NoTextError",
    "ParseTimeoutError",
    "PdfEncryptedError",
    "PdfEngine",
    "RoleScore",
    "SectionKind",
    "SkillMatch",
    "SkillMention",
    "Suggestion",
    "TaxonomyError",
    "TierScore",
    "UnknownRoleError",
    "UnsupportedTypeError",
    "Verdict",
    "WorkerCrashedError",
    "WorkerPool",
    "error_classes",
    "errors",
    "jsonld_postings",
    "match_task",
    "match_text_task",
    "models",
    "parse",
    "parse_task",
    "report_json",
    "safe_traceback",
    "sniff",
    "sniff_head",
    "to_dict",
]
