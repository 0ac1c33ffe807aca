"""Batches: many resumes (a zip, or several files) queued in the database and scored in the
background against a posting or roles; progress and pages of results."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import anyio.to_thread
from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy.orm import Session

from matcher.errors import DocumentTooLargeError
from service.deps import ServicesDep
from service.jobboard.routes.applications import CANDIDATE_ID_SCHEMA, candidate_id
from service.jobboard.routes.common import (
    JobsRead,
    JobsWrite,
    LimitQuery,
    PositionCursorQuery,
    board,
    fingerprint,
    found,
    in_session,
    invalid,
    page_of,
    responses,
    run_idempotent,
)
from service.jobboard.schemas import BatchOut, BatchResults, SkippedEntry, batch_out, item_out
from service.storage import repositories as repo
from service.storage.models import Batch
from service.uploads import RESUME_MEDIA_TYPES, Form, multipart_body, read_multipart

if TYPE_CHECKING:
    from service.services import Services

router = APIRouter(prefix="/v1", tags=["batches"])

RESUME_TYPES = {"pdf", "docx", "txt", "text", "md", "png", "jpg", "jpeg"}

BATCH_BODY = multipart_body(
    {
        "files": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "format": "binary"},
            "description": "Resumes (PDF, DOCX, text, PNG/JPEG scans; a name ending in .pdf, "
            ".docx, .txt, .md, .png, .jpg or none), or .zip files of them; at most "
            "ROLEFIT_BATCH_MAX_FILES (1000) resumes once unpacked.",
        },
        "external_candidate_ids": {
            "type": "array",
            "items": CANDIDATE_ID_SCHEMA,
            "description": "Exactly one per resume, in order (a count the schema cannot "
            "state: another count is a 422); default: each file's name without its extension.",
        },
        "job_id": {
            "type": "string",
            "maxLength": 200,
            "pattern": r"\S",
            "description": "Score for this posting (its id or external id).",
        },
        "roles": {
            "type": "array",
            "items": {"type": "string", "pattern": r"[^,\s]"},
            "description": "Or score against these roles (ids, titles or aliases; a field may "
            "hold several, separated by commas).",
        },
    },
    required=("files",),
    encoding={"files": {"contentType": f"{RESUME_MEDIA_TYPES}, application/zip"}},
)
# Exactly one of job_id and roles (with both, both branches hold and oneOf fails). An empty
# roles list is no roles: multipart has no way to send one, so it is not a choice of roles.
BATCH_BODY["requestBody"]["content"]["multipart/form-data"]["schema"]["oneOf"] = [
    {"required": ["job_id"]},
    {"required": ["roles"], "properties": {"roles": {"minItems": 1}}},
]


@dataclass(frozen=True)
class Entry:
    """One resume of an upload, by reference: the upload it is in, the zip member it is
    (None: the upload itself), its size and its SHA-256 once unpacked. Its bytes are
    unpacked again when stored (``PreparedBatch.files``), one resume at a time."""

    name: str
    upload: int
    member: zipfile.ZipInfo | None
    size: int
    digest: bytes


@dataclass
class Unpacked:
    """The resumes of an upload once its zips are checked, and the entries left out."""

    entries: list[Entry] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    total: int = 0


def _skip_reason(name: str) -> str | None:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        return "unsafe-path"
    if parts and parts[0] == "__MACOSX":
        return "macos-metadata"
    if any(p.startswith(".") for p in parts):
        return "hidden"
    return None


def _central_directory_entries(data: bytes) -> int:
    """How many entries a zip's central directory holds at most, read from its end record
    without parsing it (``zipfile`` builds an object per entry before any limit applies)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return 0
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    if size == 0xFFFFFFFF:  # zip64: every byte before the end record may be directory
        size = end
    return data.count(b"PK\x01\x02", max(0, end - size), end)


def _member_bytes(archive: zipfile.ZipFile, member: zipfile.ZipInfo, cap: int) -> bytes:
    """A zip member's bytes, decompressing at most ``cap + 1`` of them.

    Raises:
        RequestValidationError: the entry is unreadable.
    """
    try:
        with archive.open(member) as stream:
            return stream.read(cap + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
        raise invalid(
            ("body", "files"), f"{member.filename}: the zip entry is unreadable."
        ) from None


def _expand(
    files: list[tuple[str, bytes]],
    *,
    limit: int,
    max_files: int,
    max_bytes: int,
    max_ratio: float,
) -> Unpacked:
    """Check every resume of an upload, unpacking zips with every size bounded as it is
    decompressed (entry size, running total, entry count, packed/unpacked ratio; the
    header's sizes are never trusted). Each entry is hashed and dropped: at most one
    unpacked resume is held at a time. Runs in a thread (decompressing is CPU work that must
    not stall the event loop).

    Raises:
        DocumentTooLargeError: an entry over ``limit``, the whole over ``max_bytes``, or an
            entry that inflates more than ``max_ratio`` times (a zip bomb).
        RequestValidationError: an unreadable zip, or more than ``max_files`` resumes.
    """
    out = Unpacked()

    def add(entry: Entry) -> None:
        if len(out.entries) >= max_files:
            raise invalid(("body", "files"), f"At most {max_files} resumes per batch.")
        out.total += entry.size
        if out.total > max_bytes:
            raise DocumentTooLargeError(
                f"The batch holds more than {max_bytes} bytes once unpacked."
            )
        out.entries.append(entry)

    for index, (name, data) in enumerate(files):
        if not name.lower().endswith(".zip"):
            add(Entry(name, index, None, len(data), hashlib.sha256(data).digest()))
            continue
        if _central_directory_entries(data) > 4 * max_files:
            raise invalid(("body", "files"), f"At most {max_files} resumes per batch.")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise invalid(("body", "files"), f"{name} is not a readable zip.") from None
        with archive:
            members = archive.infolist()
            if len(members) > 4 * max_files:
                raise invalid(("body", "files"), f"At most {max_files} resumes per batch.")
            for member in members:
                if member.is_dir():
                    out.skipped.append(SkippedEntry(name=member.filename, reason="directory"))
                    continue
                reason = _skip_reason(member.filename)
                if reason is not None:
                    out.skipped.append(SkippedEntry(name=member.filename, reason=reason))
                    continue
                cap = min(limit, max_bytes - out.total)
                content = _member_bytes(archive, member, cap)
                if len(content) > cap:
                    if cap < limit:
                        raise DocumentTooLargeError(
                            f"The batch holds more than {max_bytes} bytes once unpacked."
                        )
                    raise DocumentTooLargeError(f"A file in the zip is larger than {limit} bytes.")
                if len(content) > max_ratio * max(1, member.compress_size):
                    raise DocumentTooLargeError(
                        f"{member.filename}: the zip entry inflates more than {max_ratio:g} "
                        "times (a zip bomb?)."
                    )
                size, digest = len(content), hashlib.sha256(content).digest()
                del content  # the next entry is unpacked without this one in memory
                add(Entry(PurePosixPath(member.filename).name, index, member, size, digest))
    return out


@router.post(
    "/batches",
    response_model=BatchOut,
    status_code=202,
    summary="Queue many resumes for scoring",
    openapi_extra=BATCH_BODY,
    responses=responses(
        "unauthenticated",
        "forbidden",
        "not-found",
        "validation-error",
        "unknown-role",
        "unsupported-type",
        "document-too-large",
        "too-many-parts",
        "idempotency-in-progress",
        "idempotency-key-reused",
        "service-busy",
        "internal-error",
    ),
)
async def create_batch(request: Request, services: ServicesDep, _principal: JobsWrite) -> Response:
    """Store the resumes as pending work and answer 202 at once; the background runner
    scores them on every worker (a restart resumes the batch). A batch for a posting stores
    each result as an application (``application.scored``); ``batch.completed`` follows the
    last one. Poll ``GET /v1/batches/{id}`` for progress."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "multipart/form-data":
        raise HTTPException(415, "Send multipart/form-data with 'files' and 'job_id' or 'roles'.")
    settings = board(request).settings
    form = await read_multipart(
        request,
        services.settings.max_upload_bytes,
        max_parts=2 * settings.batch_max_files + 8,  # files and their ids, job_id, roles
    )
    uploads = [
        (p.filename or f"resume-{i}.txt", p.data)
        for name in ("files", "file")
        for i, p in enumerate(form.parts.get(name, []))
    ]
    if not uploads:
        raise invalid(("body", "files"), "Upload at least one resume as 'files'.", "missing")
    # unpacking and storing take a worker place, like any other parsing: a burst of batch
    # uploads is refused with 503 instead of growing the process without bound
    async with services.slot():
        return await _create(request, services, form, uploads)


async def _create(
    request: Request, services: Services, form: Form, uploads: list[tuple[str, bytes]]
) -> Response:
    job_ref = next(iter(form.texts("job_id")), "").strip() or None
    roles = [r.strip() for v in form.texts("roles") for r in v.split(",") if r.strip()] or None
    given = form.texts("external_candidate_ids")  # as given: the schema states their pattern
    prepared = await prepare_batch(
        request, services, uploads, job_ref=job_ref, roles=roles, given=given
    )

    async def handle() -> Response:
        out = await store_batch(services, prepared)
        return Response(
            out.model_dump_json().encode(),
            status_code=202,
            media_type="application/json",
            headers={"Location": f"/v1/batches/{out.id}"},
        )

    return await run_idempotent(request, prepared.fingerprint, handle)


@dataclass
class PreparedBatch:
    """A batch checked and ready to store: its entries (id, type, where the bytes are), the
    uploads they are in, and its target."""

    entries: list[tuple[str, str, Entry]]
    uploads: list[tuple[str, bytes]]
    job_ref: str | None
    roles: list[str] | None
    skipped: list[SkippedEntry]
    fingerprint: str

    def files(self) -> Iterator[tuple[str, str, bytes]]:
        """Each entry's (id, type, bytes), unpacked one at a time as it is stored.

        Raises:
            RequestValidationError: an entry no longer reads as it did when checked.
        """
        archives: dict[int, zipfile.ZipFile] = {}
        try:
            for ident, ext, entry in self.entries:
                data = self.uploads[entry.upload][1]
                if entry.member is not None:
                    if entry.upload not in archives:
                        archives[entry.upload] = zipfile.ZipFile(io.BytesIO(data))
                    data = _member_bytes(archives[entry.upload], entry.member, entry.size)
                if len(data) != entry.size or hashlib.sha256(data).digest() != entry.digest:
                    raise invalid(("body", "files"), f"{entry.name}: the zip entry changed.")
                yield ident, ext, data
        finally:
            for archive in archives.values():
                archive.close()


async def prepare_batch(
    request: Request,
    services: Services,
    uploads: list[tuple[str, bytes]],
    *,
    job_ref: str | None,
    roles: list[str] | None,
    given: list[str],
) -> PreparedBatch:
    """Unpack and check an upload of resumes for a posting (``job_ref``) or ``roles``; the
    caller holds a worker place (``services.slot()``). ``POST /v1/batches`` and the
    ``/jobs/{id}`` page both queue batches through this and ``store_batch``.

    Raises:
        DocumentTooLargeError: see ``_expand``.
        RequestValidationError: no resume, a file that is not a resume, bad ids, or not
            exactly one of ``job_ref`` and ``roles``.
        UnknownRoleError: a role id the taxonomy does not have.
    """
    settings = board(request).settings
    unpacked = await anyio.to_thread.run_sync(
        lambda: _expand(
            uploads,
            limit=services.settings.max_upload_bytes,
            max_files=settings.batch_max_files,
            max_bytes=settings.batch_max_bytes,
            max_ratio=settings.batch_max_ratio,
        )
    )
    found = unpacked.entries
    if not found:
        raise invalid(("body", "files"), "The upload holds no resume.", "missing")
    if (job_ref is None) == (roles is None):
        raise invalid(("body", "job_id"), "Give either 'job_id' or 'roles'.")
    if roles is not None and services.taxonomy is not None:
        # by id, title or alias (as Matcher.match): stored as ids
        found_roles = {name: services.taxonomy.find_role(name) for name in roles}
        unknown = sorted(name for name, role in found_roles.items() if role is None)
        if unknown:
            from matcher.errors import UnknownRoleError

            raise UnknownRoleError(
                f"Unknown role(s): {', '.join(unknown)}. Name a role by its id, title or alias."
            )
        roles = list(dict.fromkeys(role.id for role in found_roles.values() if role is not None))
    if given and len(given) != len(found):
        raise invalid(
            ("body", "external_candidate_ids"),
            f"Give one id per resume ({len(found)}), or none to use the file names.",
        )
    entries: list[tuple[str, str, Entry]] = []
    for i, entry in enumerate(found):
        path = PurePosixPath(entry.name)
        ext = path.suffix.lstrip(".").lower() or "txt"
        if ext not in RESUME_TYPES:
            raise invalid(
                ("body", "files"), f"{entry.name}: send PDF, DOCX, text or PNG/JPEG resumes."
            )
        ident = candidate_id(given[i] if given else path.stem, ("body", "external_candidate_ids"))
        entries.append((ident, ext, entry))
    key = fingerprint(
        job_ref,
        ",".join(roles or []),
        *[f"{c}.{e}" for c, e, _ in entries],
        *[entry.digest for _, _, entry in entries],
    )
    return PreparedBatch(entries, uploads, job_ref, roles, unpacked.skipped, key)


async def store_batch(services: Services, prepared: PreparedBatch) -> BatchOut:
    """Store a prepared batch as pending work (the background runner scores it), one resume
    at a time: each is unpacked again, written and let go.

    Raises:
        NotFoundError: the posting is not there (any more).
    """
    job_ref = prepared.job_ref

    def write() -> BatchOut:
        with services.sessions.begin() as session:
            job = found(repo.find_job(session, job_ref), "job", job_ref) if job_ref else None
            batch = repo.create_batch(
                session,
                job=job,
                roles=prepared.roles,
                files=prepared.files(),
                total=len(prepared.entries),
                retention_days=services.settings.retention_days,
            )
            session.flush()
            out = batch_out(batch)
            out.skipped = prepared.skipped
            return out

    return await anyio.to_thread.run_sync(write)


def read_batch(session: Session, batch_id: str) -> BatchOut:
    """A batch's progress.

    Raises:
        NotFoundError: there is no such batch.
    """
    return batch_out(found(session.get(Batch, batch_id), "batch", batch_id))


@router.get(
    "/batches/{batch_id}",
    response_model=BatchOut,
    summary="A batch's progress",
    responses=responses("unauthenticated", "forbidden", "not-found"),
)
async def get_batch(batch_id: str, services: ServicesDep, _principal: JobsRead) -> Response:
    """Status (queued, running, completed), counts and progress from 0 to 1."""
    return await in_session(services, lambda s: read_batch(s, batch_id))


@router.get(
    "/batches/{batch_id}/results",
    response_model=BatchResults,
    summary="A batch's results, a page at a time",
    responses=responses("unauthenticated", "forbidden", "not-found", "invalid-cursor"),
)
async def batch_results(
    batch_id: str,
    services: ServicesDep,
    _principal: JobsRead,
    limit: LimitQuery = 50,
    cursor: PositionCursorQuery = None,
) -> Response:
    """Each resume's status and match summary (score, band, top matched and missing skills,
    best roles) in upload order; a failed one has its error code."""

    def read(session: Session) -> BatchResults:
        batch = found(session.get(Batch, batch_id), "batch", batch_id)
        page = page_of(lambda: repo.batch_results(session, batch_id, limit=limit, cursor=cursor))
        return BatchResults(
            batch=batch_out(batch),
            items=[item_out(i) for i in page.items],
            next_cursor=page.next_cursor,
        )

    return await in_session(services, read)
