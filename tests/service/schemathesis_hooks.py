"""schemathesis hooks for the contract run (``tests/service/schemathesis.toml`` loads them).

* Realistic files: a resume part declared ``application/pdf`` or DOCX is a real resume of that
  type (made once by ``tests/documents.py``), so valid requests reach the match report and its
  schema is checked too. Text parts stay schemathesis' own strings (registering a strategy for
  ``text/plain`` would also replace its text serializer, used for every text body) and PNG/JPEG
  parts its 1x1 samples (read by OCR: ``no-text``, a refusal of the content).
* ``refused_only_for_content``: where the configuration lets a valid request be refused (413,
  415, 422: a document, a posting or a URL that the schema cannot judge), the refusal must be
  one of those content problems, never ``validation-error`` or ``bad-request``: a rule about
  the request's shape belongs in the schema.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs
import schemathesis
from hypothesis import strategies as st

from service.problems import DOCUMENT_PROBLEMS
from tests import documents

# What a request the schema allows may still be refused for: its document cannot be read, its
# posting holds no readable posting, its URL is not public or does not resolve, its feed is
# not what it claims.
# (Not too-many-parts: the schema's own bounds, 100 roles, fit in the parts limit.)
CONTENT_PROBLEMS = frozenset(
    {
        *DOCUMENT_PROBLEMS,
        "input-invalid",
        "invalid-job-posting",
        "url-refused",
        "feed-invalid",
        "feed-too-large",
    }
) - {"too-many-parts"}
CONTENT_STATUSES = frozenset({400, 413, 415, 422})

# Rules across fields that JSON Schema cannot state (each is in the field's description):
# the fields a validation-error may then name, by operation.
UNSTATED = {
    # one id per resume: the number of ids must be the number of files (zips unpacked)
    "POST /v1/batches": {("body", "external_candidate_ids")},
}


@cache
def _resumes() -> dict[str, bytes]:
    return {
        "application/pdf": documents.person_pdf("reportlab"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
            documents.person_docx()
        ),
    }


for _media_type in _resumes():
    schemathesis.openapi.media_type(
        _media_type, st.just(_media_type).map(lambda name: _resumes()[name])
    )


def _as_json(value: Any) -> Any:
    """The body as its schema sees it: file contents are strings (``format: binary``)."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, bytes | bytearray) or type(value).__name__ == "Binary":
        return ""
    return value


def _body_conforms(case: Any) -> bool:
    """Whether the case's body really is what its schema allows. schemathesis' coverage phase
    can label a multipart body positive that is not (an empty value for a required pattern, a
    oneOf left out): such a body's refusal is right, not a gap in the schema."""
    if case.media_type is None:
        return True
    spec = case.operation.schema.raw_schema
    body = case.operation.definition.raw.get("requestBody", {})
    schema = body.get("content", {}).get(case.media_type, {}).get("schema")
    if schema is None:
        return True
    root = {**schema, "components": spec.get("components", {})}
    return bool(jsonschema_rs.validator_for(root).is_valid(_as_json(case.body)))


@schemathesis.check
def refused_only_for_content(ctx: Any, response: Any, case: Any) -> None:
    """A valid request is never refused as malformed: a 400/413/415/422 answer to one names a
    problem of its content (a document, posting, URL or feed), not ``validation-error``."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if response.status_code not in CONTENT_STATUSES:
        return
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    code = problem.get("code")
    if code in CONTENT_PROBLEMS:
        return
    named = {tuple(error.get("loc", ())) for error in problem.get("errors", [])}
    if code == "validation-error" and named and named <= UNSTATED.get(case.operation.label, set()):
        return
    if not _body_conforms(case):
        return
    raise AssertionError(
        f"A request the schema allows was refused with {response.status_code} {code!r}: "
        "state the rule in the schema (only a document, posting, URL or feed may be refused "
        "for its content)."
    )
