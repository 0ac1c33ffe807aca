"""The error tree of the matcher library.

Every error a caller can meet is a ``MatcherError`` with a stable kebab-case ``code``, a short
``title`` and a message that is safe to show a person (it never quotes resume content). The
library knows nothing about HTTP: ``service/problems.py`` maps classes to statuses and the CLI
maps them to exit codes, both by walking ``type(exc).__mro__``.

```
MatcherError                        code                 HTTP (service/problems.py)
├── InputError                      input-invalid        422
│   ├── EmptyDocumentError          empty-document       422
│   ├── UnsupportedTypeError        unsupported-type     415
│   ├── DocumentTooLargeError       document-too-large   413
│   ├── ParseTimeoutError           parse-timeout        422
│   ├── CorruptDocumentError        corrupt-document     422
│   ├── PdfEncryptedError           pdf-encrypted        422
│   ├── NoTextError                 no-text              422  (scanned, image-only)
│   └── InvalidJobPostingError      invalid-job-posting  422
├── UnknownRoleError                unknown-role         404
├── WorkerCrashedError              worker-crashed       500
└── TaxonomyError                   taxonomy-invalid     500  (fails at startup)
```

Messages carry the words a reader (and the corpus scorer) keys on: "encrypted"/"password",
"empty", "too large"/"limit"/"timeout", "not a supported file type", "no text"/"scanned"/"OCR",
"corrupt".
"""

from __future__ import annotations

import traceback
from typing import ClassVar

__all__ = [
    "CorruptDocumentError",
    "DocumentTooLargeError",
    "EmptyDocumentError",
    "InputError",
    "InvalidJobPostingError",
    "MatcherError",
    "NoTextError",
    "ParseTimeoutError",
    "PdfEncryptedError",
    "TaxonomyError",
    "UnknownRoleError",
    "UnsupportedTypeError",
    "WorkerCrashedError",
    "error_classes",
    "safe_traceback",
]


class MatcherError(Exception):
    """Base of every error the library raises on purpose."""

    code: ClassVar[str] = "matcher-error"
    title: ClassVar[str] = "Matching failed"
    default_message: ClassVar[str] = "The document could not be processed."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type[MatcherError], tuple[str]]:
        # Keeps errors picklable across worker processes with their message intact.
        return (type(self), (self.message,))

    def to_dict(self) -> dict[str, str]:
        """The error as ``{"code", "title", "detail"}`` (CLI ``--json`` and logs)."""
        return {"code": self.code, "title": self.title, "detail": self.message}


class InputError(MatcherError):
    """The input cannot be read as a resume or job posting."""

    code = "input-invalid"
    title = "Invalid input"
    default_message = "The input could not be read."


class EmptyDocumentError(InputError):
    code = "empty-document"
    title = "Empty document"
    default_message = "The file is empty (0 bytes) or contains no readable characters."


class UnsupportedTypeError(InputError):
    code = "unsupported-type"
    title = "Unsupported file type"
    default_message = (
        "This is not a supported file type: send a PDF, a DOCX, a plain-text file or a "
        "PNG/JPEG scan."
    )


class DocumentTooLargeError(InputError):
    code = "document-too-large"
    title = "Document too large"
    default_message = "The document is too large: it exceeds the configured size or page limit."


class ParseTimeoutError(InputError):
    code = "parse-timeout"
    title = "Document too slow to read"
    default_message = (
        "Reading the document exceeded the time limit (timeout); it may be malformed or "
        "deliberately complex."
    )


class CorruptDocumentError(InputError):
    code = "corrupt-document"
    title = "Corrupt document"
    default_message = "The file is corrupt or truncated and could not be read."


class PdfEncryptedError(InputError):
    code = "pdf-encrypted"
    title = "Encrypted PDF"
    default_message = (
        "The PDF is encrypted and needs a password to open: remove the password and upload again."
    )


class NoTextError(InputError):
    code = "no-text"
    title = "No text layer"
    default_message = (
        "The PDF has no text layer and no text could be recognised in it: it looks scanned or "
        "image-only, and OCR found no words."
    )


class InvalidJobPostingError(InputError):
    code = "invalid-job-posting"
    title = "Invalid job posting"
    default_message = (
        "The job posting could not be read: send text, HTML or a schema.org JobPosting JSON-LD."
    )


class UnknownRoleError(MatcherError):
    code = "unknown-role"
    title = "Unknown role"
    default_message = "No role with that id exists in the taxonomy."


class WorkerCrashedError(MatcherError):
    code = "worker-crashed"
    title = "Worker crashed"
    default_message = "The worker processing this document stopped unexpectedly."


class TaxonomyError(MatcherError):
    code = "taxonomy-invalid"
    title = "Invalid taxonomy"
    default_message = "The taxonomy data is invalid."


def error_classes() -> list[type[MatcherError]]:
    """Every concrete ``MatcherError`` class, base first (for error tables and tests)."""
    out: list[type[MatcherError]] = []
    todo: list[type[MatcherError]] = [MatcherError]
    while todo:
        cls = todo.pop(0)
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


def safe_traceback(exc: BaseException) -> str:
    """A traceback without the exception's message, which may quote document content: what the
    worker pool, the service and the job board log for an unexpected error."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"{frames}{type(exc).__module__}.{type(exc).__qualname__} (message withheld)"
