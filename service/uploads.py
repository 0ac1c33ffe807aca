"""Request bodies read while streaming, never past ``max_upload_bytes``, never written to disk.

``read_multipart`` feeds the body to python-multipart chunk by chunk as it arrives and keeps the
parts in memory; the request middleware has already refused a body whose ``Content-Length`` is
over the limit, and both this reader and the middleware stop a chunked body at the limit.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from python_multipart.multipart import MultipartParser, parse_options_header

from matcher.errors import DocumentTooLargeError
from service.jsondepth import nested_deeper_than
from service.problems import (
    JsonTooDeepError,
    RequestTooLargeError,
    ServiceError,
    TooManyPartsError,
)

__all__ = [
    "MAX_PARTS",
    "RESUME_MEDIA_TYPES",
    "Form",
    "Part",
    "multipart_body",
    "read_body",
    "read_json",
    "read_multipart",
]

# Parts of one multipart body on the single-resume routes: a file, a posting and up to
# MAX_ROLES (100) repeated ``roles`` fields fit; a batch takes 2 x batch_max_files + 8.
MAX_PARTS = 128
MAX_FIELD_BYTES = 1024 * 1024  # non-file fields (roles, a pasted job posting)

# What a resume file part may be (its ``encoding`` in the OpenAPI body). The service tells the
# type by the bytes (and the file name), not by the part's Content-Type header.
RESUME_MEDIA_TYPES = ", ".join(
    (
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/plain",
        "text/markdown",
        "image/png",
        "image/jpeg",
    )
)


def multipart_body(
    properties: dict[str, Any], *, required: tuple[str, ...] = (), **media: Any
) -> dict[str, Any]:
    """The ``openapi_extra`` of a route whose body ``read_multipart`` reads: a required
    ``multipart/form-data`` object with these fields (``media``: e.g. its ``encoding``)."""
    schema: dict[str, Any] = {"type": "object"}
    if required:
        schema["required"] = list(required)
    schema["properties"] = properties
    return {
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": schema, **media}},
        }
    }


@dataclass
class Part:
    """One part of a multipart body."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Form:
    """A parsed multipart body: parts by field name, in order."""

    parts: dict[str, list[Part]] = field(default_factory=dict)

    def first(self, name: str) -> Part | None:
        found = self.parts.get(name)
        return found[0] if found else None

    def texts(self, name: str) -> list[str]:
        return [p.data.decode("utf-8", "replace") for p in self.parts.get(name, [])]


def _too_large(limit: int) -> DocumentTooLargeError:
    return DocumentTooLargeError(f"The upload is too large: it exceeds the limit of {limit} bytes.")


def _invalid(loc: tuple[str, ...], msg: str, kind: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": msg, "type": kind}])


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes ``limit`` bytes.

    Raises:
        DocumentTooLargeError: the body is larger than ``limit``.
    """
    return b"".join([chunk async for chunk in _stream(request, limit)])


async def _stream(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body's chunks as they arrive, refused with 413 as soon as it passes ``limit`` bytes.

    Raises:
        DocumentTooLargeError: the body is larger than ``limit`` (counted here, or by the
            server's own limit: ``RequestTooLargeError``).
    """
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            yield chunk
    except RequestTooLargeError as exc:
        raise _too_large(limit) from exc


async def read_json(request: Request, limit: int, max_depth: int) -> Any:
    """A JSON body (size-limited, nested at most ``max_depth`` deep).

    The request middleware already counts the depth of a body sent as JSON while it streams;
    this holds whatever content type the body came with.

    Raises:
        DocumentTooLargeError: the body is larger than ``limit``.
        JsonTooDeepError: it nests deeper than ``max_depth`` (400).
        RequestValidationError: the body is not valid JSON.
    """
    body = await read_body(request, limit)
    if nested_deeper_than(body, max_depth):
        raise JsonTooDeepError(max_depth)
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _invalid(("body",), "The body is not valid JSON.", "json_invalid") from exc


async def read_multipart(request: Request, limit: int, max_parts: int = MAX_PARTS) -> Form:
    """A ``multipart/form-data`` body parsed while it streams in (at most ``max_parts``).

    Raises:
        DocumentTooLargeError: the body is larger than ``limit``.
        TooManyPartsError: it has more than ``max_parts`` parts (413, refused at the first
            part over the limit).
        RequestValidationError: the body is not well-formed multipart.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise _invalid(("body",), "Expected multipart/form-data with a boundary.", "multipart")

    form = Form()
    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "buf": []}
    count = {"parts": 0, "field_bytes": 0}

    def on_part_begin() -> None:
        count["parts"] += 1
        if count["parts"] > max_parts:
            raise TooManyPartsError(max_parts)
        state["headers"] = {}
        state["buf"] = []

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"] = b""
        state["value"] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["buf"].append(data[start:end])

    def on_part_end() -> None:
        headers: dict[bytes, bytes] = state["headers"]
        _disp, options = parse_options_header(headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename_raw = options.get(b"filename")
        filename = None if filename_raw is None else filename_raw.decode("utf-8", "replace")
        data = b"".join(state["buf"])
        state["buf"] = []
        if filename is None:
            count["field_bytes"] += len(data)
            if count["field_bytes"] > MAX_FIELD_BYTES:
                raise _invalid((name,), "Form fields are too long.", "multipart")
        ctype = headers.get(b"content-type")
        part = Part(
            name=name,
            filename=filename,
            content_type=None if ctype is None else ctype.decode("latin-1"),
            data=data,
        )
        form.parts.setdefault(name, []).append(part)

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
        },
    )
    try:
        async for chunk in _stream(request, limit):
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except RequestTooLargeError as exc:
        raise _too_large(limit) from exc
    except (DocumentTooLargeError, RequestValidationError, HTTPException, ServiceError):
        raise  # the body deadline (408), the JSON depth (400), too many parts (413)
    except Exception as exc:  # python-multipart's MultipartParseError and friends
        raise _invalid(("body",), "The multipart body is malformed.", "multipart") from exc
    return form
