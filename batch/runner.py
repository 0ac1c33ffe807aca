"""Batch scoring of a folder: files → content hash → worker Matcher → one JSONL line per file.

```
DIR ─ iter_files (streamed, os.scandir) ─ sniff + sha256 ─┬─ path already in results.jsonl → skip
                                                          ├─ content already scored → a line
                                                          │  copied from it, "duplicate_of"
                                                          ├─ not a resume type → "skipped" line
                                                          └─ backend: WorkerPool | Dask cluster
                       results.jsonl ◄─ append + flush + fsync, one line per file ◄─┘
```

A folder of N files gives N lines: a file with the same content as another is scored once and
its line is the first file's result with its own ``path`` and ``duplicate_of`` (the first
file's path). The output file is the only state: a rerun reads it, repairs a torn last line,
skips every path it already holds and finishes the rest, so interrupts (Ctrl-C, SIGTERM,
SIGKILL) never lose a written line nor duplicate one. Work in flight is bounded (twice the worker
slots), so memory stays flat for any folder size. Both backends run the same task function
(``score_file_task``) in a ``WorkerPool`` worker, so they give the same results.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from matcher import FileKind, MatchOptions, WorkerPool, sniff, sniff_head
from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    MatcherError,
    TaxonomyError,
    UnsupportedTypeError,
    WorkerCrashedError,
)

if TYPE_CHECKING:
    from matcher import Matcher
    from matcher.models import JobPosting, MatchReport, RoleScore, SkillMatch

__all__ = [
    "SCHEMA_VERSION",
    "BatchConfigError",
    "BatchSummary",
    "FileTask",
    "ResultsLog",
    "iter_files",
    "iter_results",
    "kind_of",
    "prepare_task",
    "run_batch",
    "score_file_task",
    "write_csv",
]

log = logging.getLogger("rolefit.batch")

SCHEMA_VERSION = 1
HEAD_BYTES = 8192
DETAIL_LIMIT = 10  # matched / missing skill names kept per target in a line
TOP_TARGETS = 3  # targets detailed per line when no --role is given (best roles)

Status = Literal["ok", "failed", "skipped"]


class BatchConfigError(ValueError):
    """The batch cannot start: the output belongs to another configuration, or a bad path."""


# --------------------------------------------------------------------------- discovery


def kind_of(data: bytes) -> FileKind | None:
    """What a whole file is (``matcher.sniff``), or ``None`` for a file that is not a resume
    (an image, an archive, binary data): those are skipped, not failed."""
    try:
        return sniff(data)
    except UnsupportedTypeError:
        return None
    except EmptyDocumentError:
        return "text"  # reading it says empty-document
    except CorruptDocumentError:
        return "docx"  # a torn DOCX is still a DOCX: reading it says corrupt-document


def iter_files(
    root: Path, *, recursive: bool = False, exclude: Sequence[Path] = ()
) -> Iterator[Path]:
    """Regular files under ``root``, streamed (one directory handle per level, no big lists).

    Hidden entries (dot files and folders) and symlinked folders are skipped, and so are the
    ``exclude`` paths (the batch's own outputs).
    """
    excluded = {os.path.realpath(p) for p in exclude}
    stack = [str(root)]
    while stack:
        directory = stack.pop()
        try:
            entries = os.scandir(directory)
        except OSError as exc:
            log.warning("cannot read folder %s: %s", directory, exc.strerror)
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if recursive:
                            stack.append(entry.path)
                        continue
                    if not entry.is_file(follow_symlinks=True):
                        continue
                except OSError:
                    continue
                if os.path.realpath(entry.path) in excluded:
                    continue
                yield Path(entry.path)


def count_files(root: Path, *, recursive: bool = False, exclude: Sequence[Path] = ()) -> int:
    """How many files ``iter_files`` will yield (for the progress bar's total and ETA)."""
    return sum(1 for _ in iter_files(root, recursive=recursive, exclude=exclude))


# --------------------------------------------------------------------------- tasks (in workers)


@dataclass(frozen=True, slots=True)
class FileTask:
    """One file sent to a worker: its bytes, what to score it against, and where it came from."""

    path: str
    sha256: str
    kind: FileKind
    data: bytes
    roles: tuple[str, ...] | None = None
    job: JobPosting | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a worker says about the run before it starts: versions, targets, the posting."""

    taxonomy_version: str
    method: str
    roles: tuple[tuple[str, str], ...]  # (role_id, title) of every role that will be scored
    job: JobPosting | None


def prepare_task(matcher: Matcher, roles: Sequence[str] | None = None, job: Any = None) -> Prepared:
    """Check the roles (ids, titles or aliases: ``prepared.roles`` has their ids) and read the
    posting once, in a worker, before any file is sent.

    Raises:
        UnknownRoleError: a role id is not in the taxonomy.
        InvalidJobPostingError: the posting cannot be read.
    """
    report_roles: list[tuple[str, str]] = []
    ids = matcher._check_roles(roles) if roles is not None else list(matcher.taxonomy.roles)
    for role_id in ids or []:
        report_roles.append((role_id, matcher.taxonomy.roles[role_id].title))
    posting = matcher.parse_job(job) if job is not None else None
    return Prepared(
        taxonomy_version=matcher.taxonomy.version,
        method=matcher.options.method,
        roles=tuple(report_roles),
        job=posting,
    )


def _skill_names(items: Sequence[SkillMatch], limit: int = DETAIL_LIMIT) -> list[str]:
    return [m.name for m in items[:limit]]


def _target(score: RoleScore) -> dict[str, Any]:
    missing = score.missing
    matched = score.strongest()
    return {
        "id": score.role_id,
        "title": score.title,
        "kind": score.kind,
        "score": score.score,
        "band": score.band,
        "matched": _skill_names(matched),
        "missing": _skill_names(missing),
        "missing_core": sum(1 for m in score.missing if m.importance == "core"),
    }


def result_fields(report: MatchReport, *, roles: Sequence[str] | None) -> dict[str, Any]:
    """The JSONL fields of a scored file (scores, best target, top skills, suggestions)."""
    scores = {r.role_id: r.score for r in report.roles}
    if roles:
        by_id = {r.role_id: r for r in report.roles}
        detailed = [by_id[r] for r in roles if r in by_id]
    else:
        detailed = list(report.roles[:TOP_TARGETS])
    verdict = report.verdict
    return {
        "scores": scores,
        # the library's verdict: the best top-level role, or "none" with the reason
        "best": None
        if verdict is None
        else {
            "id": verdict.role_id or "none",
            "score": verdict.score,
            "confidence": verdict.confidence,
            "reason": verdict.reason,
        },
        "job": None if report.job is None else _target(report.job),
        "targets": [_target(r) for r in detailed],
        "skills": len(report.skills),
        "suggestions": len(report.suggestions),
        "warnings": [w.code for w in report.warnings],
        "pages": report.pages,
        "taxonomy_version": report.taxonomy_version,
        "method": report.method,
        "timings": dict(report.timings),
    }


def score_file_task(matcher: Matcher, task: FileTask) -> dict[str, Any]:
    """Parse and score one file in a worker; returns the JSONL fields of its line.

    Raises:
        MatcherError: any subclass, for a file that cannot be read or scored.
    """
    started = time.perf_counter()
    report = matcher.match(
        task.data, roles=task.roles, job=task.job, filename=os.path.basename(task.path)
    )
    out = result_fields(report, roles=task.roles)
    out["timings"]["total"] = round((time.perf_counter() - started) * 1000.0, 3)
    out["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return out


# --------------------------------------------------------------------------- results file


def iter_results(path: Path) -> Iterator[dict[str, Any]]:
    """The lines of a results file as dicts (a torn or invalid line is skipped), streamed."""
    if not path.exists():
        return
    with path.open("rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                return  # torn last line (the run was killed mid-write)
            try:
                value = json.loads(raw)
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("sha256"), str):
                yield value


class ResultsLog:
    """The append-only results file: repaired and indexed on open, every line fsync'd.

    ``done`` maps each content hash already in the file to the status of its first line,
    ``paths`` holds every file path with a line and ``counts`` the lines by status. With
    ``retry_failed=True`` failed lines are dropped (atomically) so those files run again.
    """

    def __init__(self, path: Path, *, retry_failed: bool = False) -> None:
        self.path = path
        self.done: dict[str, Status] = {}
        self.paths: set[str] = set()
        self.counts: dict[str, int] = {}
        self._first: dict[str, tuple[int, int]] = {}  # hash -> (offset, length) of its 1st line
        self.repaired = 0  # torn/invalid lines, and a path's second line, removed on open
        self.dropped_failed = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._open_and_repair(retry_failed=retry_failed)
        self._fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()

    def _open_and_repair(self, *, retry_failed: bool) -> None:
        if not self.path.exists():
            return
        needs_rewrite = False
        seen: set[str] = set()
        with self.path.open("rb") as fh:
            for raw in fh:
                record = self._parse(raw)
                if record is None:
                    self.repaired += 1
                    needs_rewrite = True
                    continue
                key = self._path_key(record)
                if key in seen:
                    self.repaired += 1
                    needs_rewrite = True
                    continue
                seen.add(key)
                if retry_failed and record.get("status") == "failed":
                    self.dropped_failed += 1
                    needs_rewrite = True
                    continue
        if needs_rewrite:
            self._rewrite(retry_failed=retry_failed)
        offset = 0
        with self.path.open("rb") as fh:
            for raw in fh:
                record = self._parse(raw)
                if record is not None:
                    self._index(record, offset, len(raw))
                offset += len(raw)

    @staticmethod
    def _path_key(record: Mapping[str, Any]) -> str:
        """What makes a line "the same file": its path (its hash for a line without one)."""
        path = record.get("path")
        return f"path:{path}" if isinstance(path, str) else f"sha256:{record['sha256']}"

    def _index(self, record: Mapping[str, Any], offset: int, length: int) -> None:
        sha = record["sha256"]
        status = record.get("status", "ok")
        if sha not in self.done:
            self.done[sha] = status
            self._first[sha] = (offset, length)
        if isinstance(record.get("path"), str):
            self.paths.add(record["path"])
        self.counts[status] = self.counts.get(status, 0) + 1

    def first(self, sha256: str) -> dict[str, Any] | None:
        """The first line written for this content (read back from the file), if any."""
        where = self._first.get(sha256)
        if where is None:
            return None
        return self._parse(os.pread(self._fd, where[1], where[0]))

    @staticmethod
    def _parse(raw: bytes) -> dict[str, Any] | None:
        if not raw.endswith(b"\n"):
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("sha256"), str):
            return None
        return value

    def _rewrite(self, *, retry_failed: bool) -> None:
        """Keep the first good line per path (minus failed ones when retrying); atomic."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        seen: set[str] = set()
        with self.path.open("rb") as src, tmp.open("wb") as dst:
            for raw in src:
                record = self._parse(raw)
                if record is None or self._path_key(record) in seen:
                    continue
                seen.add(self._path_key(record))
                if retry_failed and record.get("status") == "failed":
                    continue
                dst.write(raw)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one line and make it durable before returning (flush + fsync)."""
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        data = line.encode("utf-8")
        with self._lock:
            offset = os.fstat(self._fd).st_size
            written = 0
            while written < len(data):
                written += os.write(self._fd, data[written:])
            os.fsync(self._fd)
            self._index(record, offset, len(data))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)

    def __enter__(self) -> ResultsLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- backends


class _Backend(Protocol):
    slots: int

    def call(self, func: Callable[..., Any], *args: Any) -> Any: ...

    def submit(self, task: FileTask) -> Any: ...

    def wait(self, pending: set[Any], timeout: float) -> set[Any]: ...

    def outcome(self, handle: Any) -> dict[str, Any] | MatcherError: ...

    def close(self) -> None: ...


def _as_error(exc: BaseException) -> MatcherError:
    if isinstance(exc, MatcherError):
        return exc
    log.error("a batch task failed unexpectedly: %s", type(exc).__name__)
    return WorkerCrashedError("An unexpected error occurred while processing the document.")


class LocalBackend:
    """A ``WorkerPool`` on this machine; daemon threads turn its blocking ``run`` into futures."""

    def __init__(
        self,
        workers: int | None,
        *,
        options: MatchOptions,
        task_timeout: float | None = None,
        pool: WorkerPool | None = None,
    ) -> None:
        self.pool = pool or WorkerPool(workers, options=options, task_timeout=task_timeout)
        self._own_pool = pool is None
        self.slots = self.pool.size
        self._queue: queue.Queue[tuple[Future[Any], FileTask] | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._loop, name=f"rolefit-batch-{i}", daemon=True)
            for i in range(self.slots)
        ]
        for thread in self._threads:
            thread.start()

    def _loop(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None:
                return
            future, task = entry
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self.pool.run(score_file_task, task))
            except BaseException as exc:
                future.set_exception(exc)

    def call(self, func: Callable[..., Any], *args: Any) -> Any:
        return self.pool.run(func, *args)

    def submit(self, task: FileTask) -> Future[Any]:
        future: Future[Any] = Future()
        self._queue.put((future, task))
        return future

    def wait(self, pending: set[Any], timeout: float) -> set[Any]:
        return set(futures_wait(pending, timeout=timeout, return_when=FIRST_COMPLETED).done)

    def outcome(self, handle: Any) -> dict[str, Any] | MatcherError:
        error = handle.exception()  # done already: returns at once, raises nothing
        if error is not None:
            return _as_error(error)
        result: dict[str, Any] = handle.result()
        return result

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        if self._own_pool:
            self.pool.close(timeout=2.0)


# -- Dask ------------------------------------------------------------------------------------

_DASK_POOLS: dict[tuple[MatchOptions, float | None], WorkerPool | Matcher] = {}
_DASK_LOCK = threading.Lock()


def _dask_state(options: MatchOptions, task_timeout: float | None) -> WorkerPool | Matcher:
    """The per-Dask-worker-process state, built once: a WorkerPool where child processes are
    allowed (time budget, crash isolation), else the Matcher itself (daemonic workers)."""
    key = (options, task_timeout)
    with _DASK_LOCK:
        state = _DASK_POOLS.get(key)
        if state is None:
            if multiprocessing.current_process().daemon:
                log.warning(
                    "Dask worker is daemonic: files are parsed in-process without a time budget "
                    "(set DASK_DISTRIBUTED__WORKER__DAEMON=False to isolate them)"
                )
                from matcher import Matcher

                state = Matcher.default(options)
            else:
                nthreads = 1
                with contextlib.suppress(Exception):
                    from distributed import get_worker

                    nthreads = get_worker().state.nthreads
                state = WorkerPool(nthreads, options=options, task_timeout=task_timeout)
            _DASK_POOLS[key] = state
        return state


def _dask_run(
    options: MatchOptions, task_timeout: float | None, func: Callable[..., Any], *args: Any
) -> Any:
    """Run a batch task on a Dask worker, in its WorkerPool (or its in-process Matcher).

    A ``MatcherError`` comes back as a ``_DaskFailure`` value rather than a raised exception:
    a bad file is an expected outcome, not a task failure for Dask to log with its traceback.
    """
    state = _dask_state(options, task_timeout)
    try:
        if isinstance(state, WorkerPool):
            return state.run(func, *args)
        return func(state, *args)
    except MatcherError as exc:
        return _DaskFailure(exc)


@dataclass(frozen=True, slots=True)
class _DaskFailure:
    """A task's expected error, carried back from a Dask worker as a result."""

    error: MatcherError


def close_dask_pools() -> None:
    """Stop the WorkerPools this process built for Dask tasks (worker teardown, tests)."""
    with _DASK_LOCK:
        for state in _DASK_POOLS.values():
            if isinstance(state, WorkerPool):
                state.close(timeout=2.0)
        _DASK_POOLS.clear()


def _connect(client_class: Any, address: str, timeout: float, *, grace: float = 5.0) -> Any:
    """A Dask ``Client`` connected to ``address``, or ``BatchConfigError`` after ``timeout``.

    Client's own ``timeout`` covers the TCP connection only: a peer that accepts and never
    answers (another service on that port) would hang it forever, so it is built in a helper
    thread and given up on after the deadline.
    """
    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            outcome["client"] = client_class(address, timeout=timeout, set_as_default=False)
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=connect, name="rolefit-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + grace)
    if "client" in outcome:
        return outcome["client"]
    error = outcome.get("error")
    if error is not None and not isinstance(error, OSError | TimeoutError | ValueError):
        raise error
    raise BatchConfigError(
        f"no Dask scheduler answered at {address} within {timeout:g} s"
    ) from error


class DaskBackend:
    """The same tasks on a Dask ``distributed`` cluster (``tcp://host:8786``)."""

    def __init__(
        self,
        address: str,
        *,
        options: MatchOptions,
        task_timeout: float | None = None,
        connect_timeout: float = 20.0,
    ) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - the dev extra installs it
            raise BatchConfigError(
                "--scheduler needs the 'distributed' package: pip install 'rolefit[dask]'"
            ) from exc
        self.client = _connect(Client, address, connect_timeout)
        self.options = options
        self.task_timeout = task_timeout
        if not self.client.nthreads():
            try:
                self.client.wait_for_workers(1, timeout=connect_timeout)
            except (TimeoutError, OSError) as exc:
                self.close()
                raise BatchConfigError(
                    f"the Dask scheduler at {address} has no workers: start some with "
                    f"'dask worker {address}' (see docs/batch.md)"
                ) from exc
        self.slots = max(1, sum(self.client.nthreads().values()))

    def call(self, func: Callable[..., Any], *args: Any) -> Any:
        future = self.client.submit(
            _dask_run, self.options, self.task_timeout, func, *args, pure=False
        )
        try:
            result = future.result()
        finally:
            future.release()
        if isinstance(result, _DaskFailure):
            raise result.error
        return result

    def submit(self, task: FileTask) -> Any:
        return self.client.submit(
            _dask_run,
            self.options,
            self.task_timeout,
            score_file_task,
            task,
            pure=False,
            key=f"rolefit-score-{task.sha256[:16]}-{time.monotonic_ns()}",
        )

    def wait(self, pending: set[Any], timeout: float) -> set[Any]:
        from distributed import wait

        try:
            with self.client.as_current():  # wait() looks the client up; ours is not the default
                done = wait(list(pending), timeout=timeout, return_when="FIRST_COMPLETED").done  # type: ignore[no-untyped-call]
        except TimeoutError:
            return set()
        return set(done)

    def outcome(self, handle: Any) -> dict[str, Any] | MatcherError:
        try:
            result: dict[str, Any] | _DaskFailure = handle.result()
        except (KeyboardInterrupt, SystemExit):
            raise  # Ctrl-C / SIGTERM while fetching: stop the run, do not record a failure
        except BaseException as exc:
            if type(exc).__name__ == "KilledWorker":
                return WorkerCrashedError()
            return _as_error(exc)
        finally:
            handle.release()
        return result.error if isinstance(result, _DaskFailure) else result

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close(timeout=5)


# --------------------------------------------------------------------------- the run


@dataclass(slots=True)
class BatchStats:
    """Counters of one run (this invocation), updated as files finish."""

    seen: int = 0
    scored: int = 0
    failed: int = 0
    skipped: int = 0  # not a resume type
    already_done: int = 0  # path already in the output
    duplicates: int = 0  # same content as a file already scored: a line copied from it
    started: float = field(default_factory=time.monotonic)

    @property
    def processed(self) -> int:
        return self.scored + self.failed + self.skipped

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Files scored or failed per second in this run."""
        elapsed = self.elapsed
        return (self.scored + self.failed) / elapsed if elapsed > 0 else 0.0


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """The end of a run: this run's counters plus the totals now in the output file."""

    seen: int
    scored: int
    failed: int
    skipped: int
    already_done: int
    duplicates: int
    elapsed: float
    rate: float
    total_ok: int
    total_failed: int
    total_skipped: int
    out: Path
    backend: str
    workers: int
    interrupted: bool = False
    repaired: int = 0
    roles: tuple[tuple[str, str], ...] = ()  # (role_id, title) of every role scored

    @property
    def exit_code(self) -> int:
        """0 when every resume in the output was scored, 1 when some failed."""
        return 1 if self.total_failed else 0


Progress = Callable[[str, BatchStats], None]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _job_digest(job: Any) -> str | None:
    if job is None:
        return None
    if isinstance(job, bytes):
        raw = job
    elif isinstance(job, str):
        raw = job.encode("utf-8")
    else:
        raw = json.dumps(job, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def _hash_rest(fh: Any, digest: Any) -> int:
    size = 0
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    return size


@dataclass(frozen=True, slots=True)
class _Direct:
    """A line decided without a worker: skipped type, empty or too large."""

    sha256: str
    size: int
    kind: FileKind | None
    status: Status
    error: MatcherError


def _size(item: FileTask | _Direct) -> int:
    return len(item.data) if isinstance(item, FileTask) else item.size


def _read_file(
    path: Path, display: str, *, max_bytes: int, roles: tuple[str, ...] | None, job: Any
) -> FileTask | _Direct | None:
    """Hash a file and decide what to do with it (None: it vanished or cannot be read)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
            digest = hashlib.sha256(head)
            if len(head) < HEAD_BYTES:
                data = head
            else:
                size_hint = os.fstat(fh.fileno()).st_size
                binary = sniff_head(head) is None and not head.startswith(b"PK\x03\x04")
                if size_hint > max_bytes or binary:
                    size = len(head) + _hash_rest(fh, digest)
                    kind = sniff_head(head)
                    if kind is None:
                        return _Direct(
                            digest.hexdigest(), size, None, "skipped", UnsupportedTypeError()
                        )
                    return _Direct(
                        digest.hexdigest(),
                        size,
                        kind,
                        "failed",
                        DocumentTooLargeError(
                            f"The file is larger than the {max_bytes // (1024 * 1024)} MiB limit."
                        ),
                    )
                data = head + fh.read()
                digest.update(data[len(head) :])
    except OSError as exc:
        log.warning("cannot read %s: %s", display, exc.strerror)
        return None
    sha = digest.hexdigest()
    kind = kind_of(data)
    if kind is None:
        return _Direct(sha, len(data), None, "skipped", UnsupportedTypeError())
    if not data:
        return _Direct(sha, 0, kind, "failed", EmptyDocumentError())
    if len(data) > max_bytes:
        return _Direct(sha, len(data), kind, "failed", DocumentTooLargeError())
    return FileTask(path=display, sha256=sha, kind=kind, data=data, roles=roles, job=job)


def _check_config(out: Path, config: Mapping[str, Any]) -> None:
    """Raise ``BatchConfigError`` when ``out`` was written with other settings.

    The settings of a results file are those of its first complete line.
    """
    recorded = next(iter_results(out), None)
    if recorded is None:
        return
    changed = sorted(k for k in config if recorded.get(k) != config[k])
    if changed:
        raise BatchConfigError(
            f"{out} holds results for a different {', '.join(changed)}; "
            "use a new --out file (or delete it) to score with these settings"
        )


def run_batch(
    root: Path,
    out: Path,
    *,
    roles: Sequence[str] | None = None,
    job: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    recursive: bool = False,
    retry_failed: bool = False,
    options: MatchOptions | None = None,
    task_timeout: float | None = None,
    exclude: Sequence[Path] = (),
    progress: Progress | None = None,
    backend: _Backend | None = None,
) -> BatchSummary:
    """Score every resume under ``root`` into ``out`` (JSONL), resuming where it stopped.

    Args:
        root: the folder of resumes (PDF, DOCX, text, PNG/JPEG; recognised by content).
        out: the JSONL results file; lines already there are kept and their hashes skipped.
        roles: roles to score, by id, title or alias (default: every role); job: a posting
            (text, HTML,
            JSON-LD bytes/str/dict) scored as well.
        workers: worker processes (default: all cores); scheduler: a Dask scheduler address
            instead of local workers.
        retry_failed: run files whose line says ``failed`` again.
        exclude: paths never read as input (the run's own outputs are always excluded).
        progress: called with ("start"|"file"|"end", stats) as the run goes.
        backend: a ready backend (tests); default: local WorkerPool or Dask.

    Raises:
        BatchConfigError: ``root`` is not a folder, the output was written for other roles,
            another posting or taxonomy, or the scheduler cannot be reached.
        UnknownRoleError: a role id is not in the taxonomy.
        InvalidJobPostingError: the posting cannot be read.
        KeyboardInterrupt: interrupted; every line written so far is kept.
    """
    if not root.is_dir():
        raise BatchConfigError(f"not a folder: {root}")
    if out.is_dir():
        raise BatchConfigError(f"{out} is a folder: the results go to a file")
    options = options or MatchOptions()
    role_ids = tuple(dict.fromkeys(roles)) if roles else None
    job_sha = _job_digest(job)
    # before any worker starts: a wrong --out fails at once (the roles are checked once the
    # worker has turned titles and aliases into role ids)
    _check_config(out, {"job_sha256": job_sha})
    stats = BatchStats()
    excluded = [out, out.with_name(out.name + ".tmp"), *exclude]
    own_backend = backend is None
    log_file: ResultsLog | None = None
    interrupted = False
    if backend is None:
        backend = (
            DaskBackend(scheduler, options=options, task_timeout=task_timeout)
            if scheduler
            else LocalBackend(workers, options=options, task_timeout=task_timeout)
        )
    backend_name = "dask" if scheduler or isinstance(backend, DaskBackend) else "local"
    try:
        prepared: Prepared = backend.call(prepare_task, role_ids, job)
        if role_ids:  # as ids: "ML Engineer" and "ml-engineer" are the same run
            role_ids = tuple(role_id for role_id, _title in prepared.roles)
        config = {
            "roles_requested": list(role_ids) if role_ids else None,
            "job_sha256": job_sha,
            "taxonomy_version": prepared.taxonomy_version,
            "method": prepared.method,
        }
        _check_config(out, config)
        log_file = ResultsLog(out, retry_failed=retry_failed)
        if progress is not None:
            progress("start", stats)
        base = {"v": SCHEMA_VERSION, **config}
        _loop(
            root,
            backend,
            log_file,
            stats,
            base=base,
            recursive=recursive,
            excluded=excluded,
            options=options,
            role_ids=role_ids,
            posting=prepared.job,
            progress=progress,
        )
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        if own_backend:
            backend.close()
        if log_file is not None:
            log_file.close()
        if progress is not None and not interrupted:
            progress("end", stats)
    totals = {"ok": 0, "failed": 0, "skipped": 0, **log_file.counts}
    return BatchSummary(
        seen=stats.seen,
        scored=stats.scored,
        failed=stats.failed,
        skipped=stats.skipped,
        already_done=stats.already_done,
        duplicates=stats.duplicates,
        elapsed=stats.elapsed,
        rate=stats.rate,
        total_ok=totals["ok"],
        total_failed=totals["failed"],
        total_skipped=totals["skipped"],
        out=out,
        backend=backend_name,
        workers=backend.slots,
        repaired=log_file.repaired,
        roles=prepared.roles,
    )


def _loop(
    root: Path,
    backend: _Backend,
    log_file: ResultsLog,
    stats: BatchStats,
    *,
    base: dict[str, Any],
    recursive: bool,
    excluded: Sequence[Path],
    options: MatchOptions,
    role_ids: tuple[str, ...] | None,
    posting: JobPosting | None,
    progress: Progress | None,
) -> None:
    """Stream files into the backend, at most ``2 × slots`` in flight; write as they finish."""
    limit = max(2, 2 * backend.slots)
    pending: dict[Any, tuple[FileTask, float]] = {}
    # content being scored -> the files of this run with the same content, waiting for it
    in_flight: dict[str, list[tuple[str, int, str | None]]] = {}

    def duplicate(original: Mapping[str, Any], path: str, size: int, kind: str | None) -> None:
        """The line of a file whose content was scored already: the first file's result."""
        record = {k: v for k, v in original.items() if k not in ("worker", "timings")}
        record.update(
            path=path,
            bytes=size,
            format=kind,
            duplicate_of=original.get("duplicate_of") or original.get("path"),
            finished=_now(),
        )
        log_file.append(record)
        stats.duplicates += 1
        if progress is not None:
            progress("file", stats)

    def finish(handles: set[Any]) -> None:
        for handle in handles:
            task, started = pending.pop(handle)
            waiting = in_flight.pop(task.sha256, [])
            outcome = backend.outcome(handle)
            if not isinstance(outcome, MatcherError) and any(
                outcome.get(k) != base[k] for k in ("taxonomy_version", "method")
            ):  # a Dask host with another rolefit version: its scores would not compare
                outcome = TaxonomyError(
                    "The worker that scored this file runs another taxonomy or scoring method "
                    "than the rest of the run; install the same rolefit version on every host."
                )
            record: dict[str, Any] = {
                **base,
                "path": task.path,
                "sha256": task.sha256,
                "bytes": len(task.data),
                "format": task.kind,
            }
            if isinstance(outcome, MatcherError):
                record["status"] = "failed"
                record["error"] = outcome.to_dict()
                record["timings"] = {"total": round((time.monotonic() - started) * 1000.0, 3)}
                stats.failed += 1
            else:
                record["status"] = "ok"
                record.update(outcome)
                stats.scored += 1
            record["finished"] = _now()
            log_file.append(record)
            if progress is not None:
                progress("file", stats)
            for path, size, kind in waiting:
                duplicate(record, path, size, kind)

    for path in iter_files(root, recursive=recursive, exclude=excluded):
        stats.seen += 1
        display = path.relative_to(root).as_posix()
        item = _read_file(path, display, max_bytes=options.max_bytes, roles=role_ids, job=posting)
        if item is None:
            continue
        if display in log_file.paths:
            stats.already_done += 1
            if progress is not None:
                progress("file", stats)
            continue
        original = log_file.first(item.sha256)
        if original is not None:
            duplicate(original, display, _size(item), item.kind)
            continue
        if item.sha256 in in_flight:
            in_flight[item.sha256].append((display, _size(item), item.kind))
            continue
        if isinstance(item, _Direct):
            record = {
                **base,
                "path": display,
                "sha256": item.sha256,
                "bytes": item.size,
                "format": item.kind,
                "status": item.status,
                "error": item.error.to_dict(),
                "finished": _now(),
            }
            log_file.append(record)
            if item.status == "skipped":
                stats.skipped += 1
            else:
                stats.failed += 1
            if progress is not None:
                progress("file", stats)
            continue
        while len(pending) >= limit:
            finish(backend.wait(set(pending), 0.25))
        pending[backend.submit(item)] = (item, time.monotonic())
        in_flight[item.sha256] = []
        del item
    while pending:
        finish(backend.wait(set(pending), 0.25))


# --------------------------------------------------------------------------- CSV


def _csv_cell(value: Any) -> Any:
    """Spreadsheet-safe: text starting with = + - @ (formula injection) gets a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(results: Path, csv_path: Path) -> int:
    """One row per file with a column per role score (two streaming passes); returns rows.

    A file with the same content as another has its own row, with that file's scores and its
    path in ``duplicate_of``."""
    import csv

    seen: set[str] = set()
    requested: list[str] = []
    has_job = False
    for record in iter_results(results):
        seen.update(record.get("scores") or {})
        requested = requested or list(record.get("roles_requested") or [])
        has_job = has_job or bool(record.get("job"))
    # Requested roles in the order asked, else every role alphabetically: stable columns.
    role_ids = [r for r in requested if r in seen] + sorted(seen - set(requested))
    header = ["path", "sha256", "status", "error_code", "error", "best_role", "best_score"]
    if has_job:
        header += ["job_score", "job_band"]
    header += [f"score:{r}" for r in role_ids]
    header += ["top_matched", "top_missing", "suggestions", "pages", "format", "ms"]
    header += ["duplicate_of"]
    rows = 0
    tmp = csv_path.with_name(csv_path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for record in iter_results(results):
            error = record.get("error") or {}
            best = record.get("best") or {}
            job = record.get("job") or {}
            target = job or next(iter(record.get("targets") or []), {})
            scores = record.get("scores") or {}
            row: list[Any] = [
                record.get("path", ""),
                record["sha256"],
                record.get("status", ""),
                error.get("code", ""),
                error.get("detail", ""),
                best.get("id", ""),
                best.get("score", ""),
            ]
            if has_job:
                row += [job.get("score", ""), job.get("band", "")]
            row += [scores.get(r, "") for r in role_ids]
            row += [
                "; ".join(target.get("matched", [])),
                "; ".join(target.get("missing", [])),
                record.get("suggestions", ""),
                record.get("pages", ""),
                record.get("format") or "",
                (record.get("timings") or {}).get("total", ""),
                record.get("duplicate_of") or "",
            ]
            writer.writerow([_csv_cell(v) for v in row])
            rows += 1
    os.replace(tmp, csv_path)
    return rows
