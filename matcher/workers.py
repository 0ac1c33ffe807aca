"""A bounded pool of worker processes that parse and match documents in isolation.

pdfminer can be kept busy for minutes by an adversarial PDF, and a decompression bomb can eat
memory, so the service, the batch runner and the CLI never parse in their own process. Each
worker builds one ``Matcher`` (taxonomy + spaCy pipeline) when it starts and then runs tasks
sent over a pipe. A task that overruns its time budget gets its worker killed and replaced, and
the caller gets ``ParseTimeoutError``; a worker that dies gets ``WorkerCrashedError``. Workers
are started with ``forkserver`` so that a threaded parent (uvicorn) is never forked; the fork
server imports the heavy modules (``PRELOAD``: spaCy, pdfminer, the stages) once, so a worker
(the first, or one replacing a killed or recycled worker) starts with them already loaded.

```
caller thread ──run(func, *args)──► idle queue ──► worker process: func(matcher, *args)
               ◄──result / MatcherError───────────┘  (timeout → kill + replace)
```
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import functools
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.context import BaseContext
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING, Any, TypeVar

from matcher.errors import MatcherError, ParseTimeoutError, WorkerCrashedError, safe_traceback
from matcher.options import MatchOptions

if TYPE_CHECKING:
    from matcher.models import Document, MatchReport
    from matcher.pipeline import Matcher

__all__ = [
    "WorkerPool",
    "build_matcher",
    "match_task",
    "match_text_task",
    "parse_task",
    "release_memory",
    "rss_mb",
]

log = logging.getLogger("rolefit.workers")

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - item type

READY_TIMEOUT = 180.0  # seconds a new worker may take to build its Matcher

# Memory after a task. The allocator keeps pages a large document freed (glibc does not give
# heap pages back by itself), so a long-lived worker's resident memory creeps up document after
# document: over 1,000 fuzzed PDFs one worker went from 60 MB to 290 MB while the objects alive
# stayed under 10 MB, and the next large document then peaked on top of that. After a task whose
# worker grew by more than TRIM_ABOVE_MB, the worker hands the free pages back (``malloc_trim``);
# if it is still more than ``max_rss_growth_mb`` above what it held when it started, it is
# replaced after answering (like ``max_tasks_per_worker``).
TRIM_ABOVE_MB = 32.0
MAX_RSS_GROWTH_MB = 128

# Imported by the fork server before it forks any worker ("__main__" is multiprocessing's own
# default). It only counts when the pool starts the fork server (the first pool of a process).
PRELOAD: tuple[str, ...] = (
    "__main__",
    "matcher.pipeline",
    "matcher.read.pdf",
    "matcher.read.docx",
    "matcher.read.textclean",
    "pdfminer.converter",  # matcher.read.pdf imports pdfminer when it first reads a PDF
    "pdfminer.pdfdocument",
    "pdfminer.pdfinterp",
    "pdfminer.pdfpage",
)


# --------------------------------------------------------------------------- task functions


def build_matcher(options: MatchOptions) -> Matcher:
    """The default worker factory: the packaged taxonomy and a blank English pipeline."""
    from matcher.pipeline import Matcher

    return Matcher.default(options)


def parse_task(matcher: Matcher, data: bytes, filename: str | None = None) -> Document:
    """Parse one document in a worker."""
    return matcher.parse(data, filename=filename)


def match_task(
    matcher: Matcher,
    data: bytes,
    roles: Sequence[str] | None = None,
    job: Any = None,
    filename: str | None = None,
) -> MatchReport:
    """Parse and match one resume in a worker."""
    return matcher.match(data, roles=roles, job=job, filename=filename)


def match_text_task(
    matcher: Matcher, text: str, roles: Sequence[str] | None = None, job: Any = None
) -> MatchReport:
    """Match pasted resume text in a worker."""
    return matcher.match_text(text, roles=roles, job=job)


# --------------------------------------------------------------------------- worker process


def _set_memory_limit(megabytes: int | None) -> None:
    if not megabytes:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform dependent
        log.warning("could not set the worker memory limit")


def rss_mb() -> float | None:
    """This process's resident memory now (MB; None where ``/proc`` is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (None on other C libraries)."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_memory(baseline_mb: float | None, *, trim_above_mb: float = TRIM_ABOVE_MB) -> float:
    """After a task: how far (MB) the process's resident memory is above ``baseline_mb``, once
    free heap pages went back to the system when it had grown by more than ``trim_above_mb``
    (0.0 when it cannot be measured)."""
    now = rss_mb()
    if now is None or baseline_mb is None:
        return 0.0
    if now - baseline_mb > trim_above_mb:
        gc.collect()
        trim = _malloc_trim()
        if trim is not None:
            trim(0)
        now = rss_mb() or now
    return now - baseline_mb


def _worker_main(
    conn: multiprocessing.connection.Connection,
    factory: Callable[[MatchOptions], Any],
    options: MatchOptions,
    memory_limit_mb: int | None,
    max_rss_growth_mb: float | None = None,
) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        state = factory(options)
    except BaseException as exc:
        conn.send(("init-failed", safe_traceback(exc)))
        return
    _set_memory_limit(memory_limit_mb)
    # The Matcher (taxonomy, spaCy pipeline, matchers) lives as long as the worker: move it out
    # of the collector's generations, so a full collection during a task does not walk it again
    # (about 2 ms per task on average, in the tail, for the bench's 2-page resume).
    gc.collect()
    gc.freeze()
    baseline = rss_mb()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent went away
        if message is None:
            return
        func, args, kwargs = message
        try:
            result = func(state, *args, **kwargs)
        except MatcherError as exc:
            reply: tuple[str, Any] = ("error", exc)
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:
            reply = ("bug", safe_traceback(exc))
        else:
            reply = ("ok", result)
        # before answering, so that the answer can say "replace me" (a trim is rare: it takes
        # a task that left the worker 32 MB larger, and costs a few milliseconds)
        grown = release_memory(baseline)
        retire = max_rss_growth_mb is not None and grown > max_rss_growth_mb
        try:
            conn.send((*reply, retire))
        except Exception as exc:  # the result could not be pickled
            conn.send(("bug", safe_traceback(exc), retire))


class _Worker:
    """The parent's handle on one worker process."""

    def __init__(self, ctx: BaseContext, pool: WorkerPool) -> None:
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        self.conn = parent_conn
        self.process = ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(
                child_conn,
                pool._factory,
                pool.options,
                pool.memory_limit_mb,
                pool.max_rss_growth_mb,
            ),
            name="rolefit-worker",
            daemon=True,
        )
        self.process.start()
        child_conn.close()
        self.ready = False
        self.tasks = 0
        self.retire = False  # its last answer asked to be replaced (memory grew too much)

    def answer(self) -> tuple[str, Any]:
        """The task's (status, payload); notes whether the worker asked to be replaced."""
        status, payload, self.retire = self.conn.recv()
        return status, payload

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(READY_TIMEOUT):
            raise WorkerCrashedError("A worker did not start in time.")
        status, payload = self.conn.recv()
        if status != "ready":
            log.error("worker failed to start:\n%s", payload)
            raise WorkerCrashedError("A worker failed to start.")
        self.ready = True

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self, timeout: float) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.process.join(timeout)
        if self.process.is_alive():
            self.kill()
        with contextlib.suppress(Exception):
            self.conn.close()


def _forkserver_context() -> BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(PRELOAD))
    return ctx


def _shutdown(workers: list[_Worker]) -> None:
    for worker in list(workers):
        worker.kill()


_INLINE_SEND_BYTES = 32 * 1024  # fits the pipe buffer: sent on the event loop without blocking


def _set_done(future: Any) -> None:
    if not future.done():
        future.set_result(None)


def _fail_closed(waiter: Any) -> None:
    if not waiter.done():
        waiter.set_exception(WorkerCrashedError("The worker pool is closed."))


def _log_timeout(budget: float, worker: _Worker) -> None:
    log.warning("task exceeded its %.1fs budget; worker %s killed", budget, worker.process.pid)


def _unpack(status: str, payload: Any) -> Any:
    """A worker's answer: the result, or the error it stands for.

    Raises:
        MatcherError: the task's own error, DocumentTooLargeError (memory), WorkerCrashedError.
    """
    if status == "ok":
        return payload
    if status == "error":
        raise payload
    if status == "memory":
        from matcher.errors import DocumentTooLargeError

        raise DocumentTooLargeError(
            "The document is too large to process: it exceeds the memory limit."
        )
    log.error("unexpected error in a worker task:\n%s", payload)
    raise WorkerCrashedError("An unexpected error occurred while processing the document.")


class WorkerPool:
    """Worker processes, each holding one Matcher; thread-safe, bounded, self-healing.

    Args:
        size: number of worker processes (default: all cores).
        options: the MatchOptions every worker's Matcher is built with.
        task_timeout: default seconds per task (default: ``options.parse_timeout``).
        memory_limit_mb: address-space limit per worker (None: no limit).
        max_tasks_per_worker: recycle a worker after this many tasks (None: never).
        max_rss_growth_mb: replace a worker whose resident memory, after a task and after
            giving free pages back, is this much above what it held when it was ready (None:
            never; see ``TRIM_ABOVE_MB``).
        factory: builds the per-worker state passed to tasks (default: ``build_matcher``);
            must be a module-level function.
    """

    def __init__(
        self,
        size: int | None = None,
        *,
        options: MatchOptions | None = None,
        task_timeout: float | None = None,
        memory_limit_mb: int | None = None,
        max_tasks_per_worker: int | None = None,
        max_rss_growth_mb: float | None = MAX_RSS_GROWTH_MB,
        factory: Callable[[MatchOptions], Any] = build_matcher,
    ) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.options = options or MatchOptions()
        self.task_timeout = task_timeout if task_timeout is not None else self.options.parse_timeout
        self.memory_limit_mb = memory_limit_mb
        self.max_tasks_per_worker = max_tasks_per_worker
        self.max_rss_growth_mb = max_rss_growth_mb
        self._factory = factory
        self._ctx = _forkserver_context()
        # Idle workers last in, first out: the next task goes to the worker that ran the
        # previous one, whose memory is still in the CPU caches (FIFO sent every task of a
        # one-at-a-time client to the worker idle longest: coldest).
        self._idle: queue.Queue[_Worker] = queue.LifoQueue()
        # Callers waiting for a worker, oldest first (asyncio futures from ``run_async``,
        # concurrent futures from ``run``): a released worker goes to the oldest, so a newcomer
        # never takes it from someone who has waited (see ``_give``).
        self._waiters: collections.deque[Any] = collections.deque()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self._busy = 0
        self.restarts = 0
        self.tasks_done = 0
        for _ in range(self.size):
            self._spawn()
        self._finalizer = weakref.finalize(self, _shutdown, self._workers)

    # -- bookkeeping -----------------------------------------------------------

    @property
    def busy(self) -> int:
        """Workers running a task right now."""
        return self._busy

    def _spawn(self) -> None:
        worker = _Worker(self._ctx, self)
        with self._lock:
            self._workers.append(worker)
        self._give(worker)

    def _give(self, worker: _Worker) -> None:
        """An idle worker: to the oldest waiter, else to the idle queue."""
        with self._lock:
            waiter = self._waiters.popleft() if self._waiters else None
        if waiter is None:
            self._idle.put(worker)
        elif isinstance(waiter, concurrent.futures.Future):  # a ``run`` caller's thread
            waiter.set_result(worker)
        else:
            try:
                waiter.get_loop().call_soon_threadsafe(self._hand, waiter, worker)
            except RuntimeError:  # that caller's loop is closed: next one
                self._give(worker)

    def _take_or_queue(self, new_waiter: Callable[[], Any]) -> tuple[_Worker | None, Any]:
        """An idle worker when nobody is waiting, else ``new_waiter()`` queued last in line:
        ``(worker, None)`` or ``(None, waiter)``, for ``_give`` to hand a worker to in turn."""
        with self._lock:
            if not self._waiters:
                try:
                    return self._idle.get_nowait(), None
                except queue.Empty:
                    pass
            waiter = new_waiter()
            self._waiters.append(waiter)
        return None, waiter

    def _acquire_sync(self) -> _Worker:
        """``_acquire`` for a blocking caller: at once, or in turn with every other waiter."""
        worker, waiter = self._take_or_queue(concurrent.futures.Future)
        return worker if worker is not None else waiter.result()

    def _hand(self, waiter: Any, worker: _Worker) -> None:
        """On the waiter's loop: the worker is theirs, unless they were cancelled meanwhile."""
        if waiter.done():
            self._give(worker)
        else:
            waiter.set_result(worker)

    def _retire(self, worker: _Worker, *, replace: bool) -> None:
        worker.kill()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
            if replace:
                self.restarts += 1
        if replace and not self._closed:
            self._spawn()

    def wait_ready(self) -> None:
        """Block until every worker has built its Matcher (used by readiness checks)."""
        taken = [self._acquire_sync() for _ in range(self.size)]
        try:
            for worker in taken:
                worker.wait_ready()
        finally:
            for worker in taken:
                self._give(worker)

    # -- running tasks ---------------------------------------------------------

    def run(
        self,
        func: Callable[..., T],
        *args: Any,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> T:
        """Run ``func(matcher, *args, **kwargs)`` in a worker and return its result.

        Raises:
            MatcherError: whatever the task raised on purpose (InputError, UnknownRoleError...).
            ParseTimeoutError: the task overran its time budget; its worker was replaced.
            WorkerCrashedError: the worker died or the task hit a bug; the worker was replaced.
        """
        if self._closed:
            raise WorkerCrashedError("The worker pool is closed.")
        budget = self.task_timeout if timeout is None else timeout
        worker = self._acquire_sync()
        with self._lock:
            self._busy += 1
        healthy = False
        try:
            worker.wait_ready()
            worker.conn.send((func, args, kwargs))
            if not worker.conn.poll(budget):
                _log_timeout(budget, worker)
                raise ParseTimeoutError()
            status, payload = worker.answer()
            healthy = status in ("ok", "error")
            return _unpack(status, payload)  # type: ignore[no-any-return]
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise WorkerCrashedError() from exc
        finally:
            self._release(worker, healthy)

    async def run_async(
        self,
        func: Callable[..., T],
        *args: Any,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> T:
        """``run`` for an asyncio event loop, without a thread per task.

        The task is sent on the loop when it is small (one pipe write, the worker is idle and
        reading), from a thread when it is large; the answer is awaited with
        ``loop.add_reader`` on the worker's pipe, so the loop wakes once, when the worker has
        written it. The time budget, the kill and replacement of an overrunning or dead worker
        and the errors are those of ``run``. A caller finding every worker busy waits in turn
        with ``run``'s callers (first come, first served); starting a worker happens in a
        thread. A cancelled caller leaves the worker to a thread that waits for its answer
        (within the budget) before giving it back to the pool.

        Raises:
            the same as ``run``.
        """
        import asyncio

        if self._closed:
            raise WorkerCrashedError("The worker pool is closed.")
        budget = self.task_timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        worker = await self._acquire(loop)
        with self._lock:
            self._busy += 1
        healthy = False
        handed_off = False
        try:
            if not worker.ready:
                starting = loop.run_in_executor(None, worker.wait_ready)
                try:
                    await asyncio.shield(starting)
                except asyncio.CancelledError:
                    handed_off = True
                    starting.add_done_callback(functools.partial(self._started, worker))
                    raise
            started = time.monotonic()
            message = ForkingPickler.dumps((func, args, kwargs))
            if len(message) <= _INLINE_SEND_BYTES:
                worker.conn.send_bytes(message)
            else:
                await loop.run_in_executor(None, worker.conn.send_bytes, message)
            readable = loop.create_future()
            fd = worker.conn.fileno()
            loop.add_reader(fd, _set_done, readable)
            try:
                await asyncio.wait_for(readable, budget - (time.monotonic() - started))
            except TimeoutError:
                _log_timeout(budget, worker)
                raise ParseTimeoutError() from None
            except asyncio.CancelledError:
                handed_off = True
                raise
            finally:
                loop.remove_reader(fd)
                # uvloop leaves a watched fd non-blocking; Connection.recv/send need blocking
                os.set_blocking(fd, True)
                if handed_off:  # the caller went away: a thread waits for the answer
                    remaining = max(0.0, budget - (time.monotonic() - started))
                    threading.Thread(
                        target=self._drain,
                        args=(worker, remaining),
                        name="rolefit-drain",
                        daemon=True,
                    ).start()
            # Readable: the worker is writing its answer (one write for the service's gzipped
            # reports; a large answer may block the loop for the moment the worker needs to
            # finish writing it).
            status, payload = worker.answer()
            healthy = status in ("ok", "error")
            return _unpack(status, payload)  # type: ignore[no-any-return]
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise WorkerCrashedError() from exc
        finally:
            if not handed_off:
                if healthy and not self._closed and not self._due(worker):
                    self._release(worker, healthy)
                else:  # killing or stopping and replacing a worker blocks: not on the loop
                    await loop.run_in_executor(None, self._release, worker, healthy)

    async def _acquire(self, loop: Any) -> _Worker:
        """An idle worker: at once when there is one and nobody is waiting, else first come,
        first served: the caller's future joins ``_waiters`` and ``_give`` hands it the next
        released worker. (Taking any idle worker let a client that sent its next request the
        moment it had its answer take the worker just released from under requests that had
        waited, again and again: p99 at 4-8x p50 under load; and waiting in threads of the
        loop's default executor could hold every one of its threads.)"""
        import asyncio

        worker, waiter = self._take_or_queue(loop.create_future)
        if worker is not None:
            return worker
        try:
            taken: _Worker = await waiter
            return taken
        except asyncio.CancelledError:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            raise

    def _started(self, worker: _Worker, starting: Any) -> None:
        """A worker whose caller went away while it started: back to the pool or replaced."""
        ok = not starting.cancelled() and starting.exception() is None
        with self._lock:
            self._busy -= 1
        if ok and not self._closed:
            self._give(worker)
        else:  # killing and replacing blocks: not on the loop
            threading.Thread(
                target=self._retire, args=(worker,), kwargs={"replace": True}, daemon=True
            ).start()

    def _drain(self, worker: _Worker, budget: float) -> None:
        """Wait (in a thread) for the answer of a task whose caller went away."""
        healthy = False
        try:
            if worker.conn.poll(budget):
                status, _payload = worker.answer()
                healthy = status in ("ok", "error")
            else:
                _log_timeout(budget, worker)
        except (EOFError, OSError):
            pass
        finally:
            self._release(worker, healthy)

    def _due(self, worker: _Worker) -> bool:
        """The worker is to be recycled after the task it is finishing."""
        return worker.retire or (
            self.max_tasks_per_worker is not None and worker.tasks + 1 >= self.max_tasks_per_worker
        )

    def _release(self, worker: _Worker, healthy: bool) -> None:
        """Back to the idle queue when healthy (and not due for recycling), else replaced."""
        with self._lock:
            self._busy -= 1
            self.tasks_done += 1
        worker.tasks += 1
        recycle = worker.retire or (
            self.max_tasks_per_worker is not None and worker.tasks >= self.max_tasks_per_worker
        )
        if worker.retire:
            log.info(
                "replacing a worker whose memory grew by more than %s MB", self.max_rss_growth_mb
            )
        if healthy and not recycle and not self._closed:
            self._give(worker)
        elif healthy and recycle:
            worker.stop(5)
            self._retire(worker, replace=True)
        else:
            self._retire(worker, replace=True)

    def map_unordered(
        self,
        func: Callable[..., T],
        items: Iterable[I],
        *,
        timeout: float | None = None,
    ) -> Iterator[tuple[I, T | MatcherError]]:
        """Run ``func(matcher, item)`` for every item on all workers; yield as each finishes.

        Items are pulled lazily (at most one per worker in flight), so memory stays flat for any
        number of items. A failing item yields its ``MatcherError`` and the rest go on.
        """
        source = iter(items)
        source_lock = threading.Lock()
        results: queue.Queue[tuple[I, T | MatcherError] | None] = queue.Queue(self.size * 2)
        stop = threading.Event()

        def feed() -> None:
            try:
                while not stop.is_set():
                    with source_lock:
                        try:
                            item = next(source)
                        except StopIteration:
                            return
                    try:
                        outcome: T | MatcherError = self.run(func, item, timeout=timeout)
                    except MatcherError as exc:
                        outcome = exc
                    except Exception as exc:  # pickling problems and the like
                        log.error("task could not be sent: %s", type(exc).__name__)
                        outcome = WorkerCrashedError("The task could not be sent to a worker.")
                    results.put((item, outcome))
            finally:
                results.put(None)

        threads = [
            threading.Thread(target=feed, name=f"rolefit-feed-{i}", daemon=True)
            for i in range(self.size)
        ]
        for thread in threads:
            thread.start()
        finished = 0
        try:
            while finished < len(threads):
                entry = results.get()
                if entry is None:
                    finished += 1
                    continue
                yield entry
        finally:
            stop.set()
            # Drain so that feeders blocked on a full queue can finish.
            while any(t.is_alive() for t in threads):
                with contextlib.suppress(queue.Empty):
                    results.get(timeout=0.1)

    # -- lifecycle ---------------------------------------------------------------

    def close(self, timeout: float = 5.0) -> None:
        """Stop every worker (idle ones cleanly, busy ones are killed)."""
        if self._closed:
            return
        self._closed = True
        deadline = time.monotonic() + timeout
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
            waiters = list(self._waiters)
            self._waiters.clear()
        for waiter in waiters:  # no worker will come back for them
            if isinstance(waiter, concurrent.futures.Future):
                waiter.set_exception(WorkerCrashedError("The worker pool is closed."))
                continue
            with contextlib.suppress(RuntimeError):
                waiter.get_loop().call_soon_threadsafe(_fail_closed, waiter)
        for worker in workers:
            worker.stop(max(0.1, deadline - time.monotonic()))
        self._finalizer.detach()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
