"""rolefit's matcher library: resume → skills → role fit scores → tailoring suggestions.

```python
from matcher import Matcher

matcher = Matcher.default()
report = matcher.match(open("resume.pdf", "rb").read(), roles=["ml-engineer"])
```

Everything a caller may use is listed in ``__all__``; the stage modules are internals.
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
)
from matcher.models import (
    CanonicalSkill,
    Document,
    Evidence,
    JobPosting,
    MatchReport,
    RoleScore,
    SkillMatch,
    SkillMention,
    Suggestion,
    TierScore,
    to_dict,
)
from matcher.options import MatchOptions
from matcher.parse import parse

if TYPE_CHECKING:
    from matcher.pipeline import Matcher


def __getattr__(name: str) -> object:
    # ``Matcher`` pulls in spaCy (about 0.6 s): imported on first use, so that the CLI, the
    # service's web process and anything that only needs the errors or models start quickly.
    if name == "Matcher":
        from matcher.pipeline import Matcher

        return Matcher
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")


__all__ = [
    "CanonicalSkill",
    "CorruptDocumentError",
    "Document",
    "DocumentTooLargeError",
    "EmptyDocumentError",
    "Evidence",
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
    "RoleScore",
    "SkillMatch",
    "SkillMention",
    "Suggestion",
    "TaxonomyError",
    "TierScore",
    "UnknownRoleError",
    "UnsupportedTypeError",
    "WorkerCrashedError",
    "errors",
    "models",
    "parse",
    "to_dict",
]
