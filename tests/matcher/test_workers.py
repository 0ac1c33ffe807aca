"""WorkerPool: isolation, time budgets, crashes and clean shutdown."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from typing import Any

import pytest

from matcher.errors import (
    DocumentTooLargeError,
    EmptyDocumentError,
    ParseTimeoutError,
    WorkerCrashedError,
)
from matcher.options import MatchOptions
from matcher.workers import WorkerPool


def counting_factory(options: MatchOptions) -> dict[str, Any]:
    return {"pid": os.getpid(), "max_pages": options.max_pages}


def echo(state: dict[str, Any], value: int) -> tuple[int, int, int]:
    return value, state["pid"], state["max_pages"]


def sleepy(state: dict[str, Any], seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def raise_input_error(state: dict[str, Any], _: object = None) -> None:
    raise EmptyDocumentError()


def die(state: dict[str, Any], _: object = None) -> None:
    os._exit(3)


SECRET = "jane.doe@example.org"


def buggy(state: dict[str, Any], _: object = None) -> None:
    content = {"email": SECRET}
    raise KeyError(content["email"])


def allocate(state: dict[str, Any], megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


PINNED: list[bytes] = []


def fragment(state: dict[str, Any], megabytes: int) -> int:
    """Leave the heap fragmented the way a large document does: megabytes of small chunks
    freed, with one chunk allocated after them still alive (glibc cannot give the freed pages
    back by shrinking the heap: only ``malloc_trim`` can)."""
    chunks = [bytes([i & 255]) * 1000 for i in range(megabytes * 1024)]
    PINNED.append(bytes([1]) * 1000)
    del chunks
    return state["pid"]  # type: ignore[no-any-return]


def hold(state: dict[str, Any], megabytes: int) -> int:
    """Keep megabytes alive in the worker for good (a leak)."""
    state.setdefault("held", []).append(bytes([1]) * (megabytes << 20))
    return state["pid"]  # type: ignore[no-any-return]


HEAVY = ("matcher.pipeline", "pdfminer", "spacy")


def loaded_factory(options: MatchOptions) -> list[str]:
    """What the worker already had loaded before it built anything (this module, unpickled
    for the factory, imports none of them)."""
    return [name for name in HEAVY if name in sys.modules]


def state(state: Any, _: object = None) -> Any:
    return state


@pytest.fixture
def pool() -> Any:
    with WorkerPool(2, options=MatchOptions(max_pages=7), factory=counting_factory) as p:
        yield p


def test_workers_run_returns_result_from_a_worker_process(pool: WorkerPool) -> None:
    value, pid, max_pages = pool.run(echo, 41)
    assert value == 41
    assert pid != os.getpid()
    assert max_pages == 7  # the worker's state was built with the pool's options


def test_workers_start_from_a_fork_server_that_preloaded_the_heavy_modules() -> None:
    with WorkerPool(1, factory=loaded_factory, max_tasks_per_worker=1) as pool:
        assert pool.run(state) == list(HEAVY)
        assert pool.run(state) == list(HEAVY)  # and so does the worker that replaced it


def test_workers_state_is_built_once_per_worker(pool: WorkerPool) -> None:
    pids = {pool.run(echo, i)[1] for i in range(20)}
    assert len(pids) <= 2


def test_workers_matcher_errors_are_reraised(pool: WorkerPool) -> None:
    with pytest.raises(EmptyDocumentError):
        pool.run(raise_input_error)
    assert pool.run(echo, 1)[0] == 1  # the worker is still usable


def test_workers_timeout_kills_and_replaces_worker(pool: WorkerPool) -> None:
    started = time.monotonic()
    with pytest.raises(ParseTimeoutError):
        pool.run(sleepy, 30, timeout=0.5)
    assert time.monotonic() - started < 10
    assert pool.restarts == 1
    assert pool.run(echo, 5)[0] == 5


def test_workers_other_tasks_go_on_while_one_is_stuck(pool: WorkerPool) -> None:
    errors: list[BaseException] = []

    def stuck() -> None:
        try:
            pool.run(sleepy, 30, timeout=2)
        except ParseTimeoutError as exc:
            errors.append(exc)

    thread = threading.Thread(target=stuck)
    thread.start()
    time.sleep(0.2)
    assert [pool.run(echo, i)[0] for i in range(5)] == list(range(5))
    thread.join()
    assert len(errors) == 1


def test_workers_crash_is_reported_and_worker_replaced(pool: WorkerPool) -> None:
    with pytest.raises(WorkerCrashedError):
        pool.run(die)
    assert pool.run(echo, 2)[0] == 2


def test_workers_bug_becomes_crash_error_without_message(
    pool: WorkerPool, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(WorkerCrashedError):
        pool.run(buggy)
    assert SECRET not in caplog.text
    assert "KeyError" in caplog.text


def test_workers_memory_limit_turns_into_too_large() -> None:
    with WorkerPool(1, factory=counting_factory, memory_limit_mb=1536) as p:
        with pytest.raises(DocumentTooLargeError):
            p.run(allocate, 4096)
        assert p.run(allocate, 8) == 8 * 1024 * 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, glibc's trim")
def test_workers_give_freed_memory_back_and_are_replaced_when_memory_stays() -> None:
    with WorkerPool(1, factory=counting_factory, max_rss_growth_mb=128) as p:
        pid = p.run(echo, 0)[1]
        # 200 MB freed but held by the allocator: given back, so the worker stays
        assert p.run(fragment, 200) == pid
        assert p.run(echo, 1)[1] == pid
        assert p.restarts == 0
        # 200 MB still alive after the task: it answers, then a fresh worker takes its place
        assert p.run(hold, 200) == pid
        assert p.run(echo, 2)[1] != pid
        # without the limit a worker keeps what it holds
    with WorkerPool(1, factory=counting_factory, max_rss_growth_mb=None) as p:
        pid = p.run(hold, 200)
        assert p.run(echo, 3)[1] == pid


def test_workers_map_unordered_yields_every_item_once(pool: WorkerPool) -> None:
    items = [1, 2, 3, 4, 5, 6]
    out = dict(pool.map_unordered(echo, iter(items)))
    assert sorted(out) == items
    assert all(result[0] == item for item, result in out.items())  # type: ignore[index]


def test_workers_map_unordered_keeps_going_past_failures(pool: WorkerPool) -> None:
    out = list(pool.map_unordered(sleepy, [0.0, 5.0, 0.0], timeout=0.5))
    outcomes = sorted((type(r).__name__ for _, r in out))
    assert outcomes == ["ParseTimeoutError", "float", "float"]


def test_workers_close_leaves_no_processes() -> None:
    p = WorkerPool(2, factory=counting_factory)
    p.run(echo, 1)
    pids = {w.process.pid for w in p._workers}
    p.close()
    alive = {c.pid for c in multiprocessing.active_children()}
    assert not (pids & alive)
    with pytest.raises(WorkerCrashedError):
        p.run(echo, 1)


# --------------------------------------------------------------------------- run_async


def echo_bytes(state: dict[str, Any], data: bytes) -> bytes:
    return data[::-1]


def _loops() -> list[Any]:
    import asyncio

    factories: list[Any] = [asyncio.new_event_loop]
    try:
        import uvloop  # the service's loop (uvicorn[standard]): it makes watched fds non-blocking
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return factories
    return [*factories, uvloop.new_event_loop]


@pytest.fixture(params=_loops(), ids=lambda f: f.__module__.split(".")[0])
def run_loop(request: pytest.FixtureRequest) -> Any:
    import asyncio

    def run(coro: Any) -> Any:
        with asyncio.Runner(loop_factory=request.param) as runner:
            return runner.run(coro)

    return run


def test_workers_run_async_results_errors_and_large_payloads(
    pool: WorkerPool, run_loop: Any
) -> None:
    big = os.urandom(300_000)  # sent from a thread, answered in several pipe writes

    async def main() -> list[Any]:
        out = [await pool.run_async(echo, i) for i in range(4)]
        out.append(await pool.run_async(echo_bytes, big))
        with pytest.raises(EmptyDocumentError):
            await pool.run_async(raise_input_error)
        with pytest.raises(WorkerCrashedError):
            await pool.run_async(die)
        return out

    out = run_loop(main())
    assert [o[0] for o in out[:4]] == [0, 1, 2, 3]
    assert {o[1] for o in out[:4]} <= {p.process.pid for p in pool._workers} | {
        out[0][1],
        out[1][1],
    }
    assert out[4] == big[::-1]
    assert pool.restarts == 1  # the crashed worker was replaced
    assert pool.run(echo_bytes, big) == big[::-1]  # the pipes are blocking again for run()


def test_workers_run_async_timeout_kills_while_others_go_on(
    pool: WorkerPool, run_loop: Any
) -> None:
    import asyncio

    async def main() -> tuple[Any, list[Any]]:
        stuck = asyncio.ensure_future(pool.run_async(sleepy, 30, timeout=1.0))
        await asyncio.sleep(0.1)
        # more tasks than the one free worker: they wait for it, then for the replacement
        others = await asyncio.gather(*(pool.run_async(echo, i) for i in range(6)))
        with pytest.raises(ParseTimeoutError):
            await stuck
        return stuck, list(others)

    started = time.monotonic()
    _stuck, others = run_loop(main())
    assert time.monotonic() - started < 15
    assert [o[0] for o in others] == list(range(6))
    assert pool.restarts == 1
    assert pool.run(echo, 7)[0] == 7


def test_workers_run_async_cancelled_caller_gives_the_worker_back(
    pool: WorkerPool, run_loop: Any
) -> None:
    import asyncio

    async def main() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(pool.run_async(sleepy, 0.5), 0.1)

    pool.wait_ready()
    run_loop(main())
    # the worker finishes its task in the background and returns to the pool, not replaced
    assert sorted(pool.run(echo, i)[0] for i in range(4)) == [0, 1, 2, 3]
    deadline = time.monotonic() + 10
    while pool.busy and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.busy == 0
    assert pool.restarts == 0


def test_workers_run_async_cancelled_while_the_worker_starts(
    pool: WorkerPool, run_loop: Any
) -> None:
    import asyncio

    async def main() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(pool.run_async(echo, 1), 0.001)

    run_loop(main())
    assert sorted(pool.run(echo, i)[0] for i in range(4)) == [0, 1, 2, 3]
    assert pool.restarts == 0


def started_at(state: dict[str, Any], seconds: float) -> float:
    """When the worker began the task (CLOCK_MONOTONIC is shared between processes)."""
    began = time.monotonic()
    time.sleep(seconds)
    return began


@pytest.fixture
def one_worker() -> Any:
    with WorkerPool(1, factory=counting_factory) as p:
        p.wait_ready()
        yield p


def test_workers_run_async_serves_waiters_first_come_first_served(
    one_worker: WorkerPool, run_loop: Any
) -> None:
    import asyncio

    async def main() -> tuple[float, float, float]:
        first = asyncio.ensure_future(one_worker.run_async(started_at, 0.3))
        await asyncio.sleep(0.05)
        waiting = asyncio.ensure_future(one_worker.run_async(started_at, 0.0))
        await asyncio.sleep(0.05)
        began_first = await first
        # a request arriving the moment the worker is released (a client sending its next
        # request as soon as it has its answer) queues behind the one that has been waiting
        newcomer = await one_worker.run_async(started_at, 0.0)
        return began_first, await waiting, newcomer

    began_first, began_waiting, began_newcomer = run_loop(main())
    assert began_first < began_waiting < began_newcomer


def test_workers_run_async_cancelled_waiter_loses_no_worker(
    one_worker: WorkerPool, run_loop: Any
) -> None:
    import asyncio

    async def main() -> list[Any]:
        busy = asyncio.ensure_future(one_worker.run_async(sleepy, 0.3))
        await asyncio.sleep(0.05)
        with pytest.raises(TimeoutError):  # gives up while waiting for the busy worker
            await asyncio.wait_for(one_worker.run_async(echo, 1), 0.05)
        queued = [asyncio.ensure_future(one_worker.run_async(echo, i)) for i in (2, 3)]
        await busy
        return [(await q)[0] for q in queued]

    assert run_loop(main()) == [2, 3]
    assert one_worker.busy == 0
    assert one_worker.restarts == 0
    assert not one_worker._waiters


def test_workers_close_fails_the_waiters(run_loop: Any) -> None:
    import asyncio

    pool = WorkerPool(1, factory=counting_factory)
    pool.wait_ready()

    async def main() -> None:
        busy = asyncio.ensure_future(pool.run_async(sleepy, 0.5))
        await asyncio.sleep(0.05)
        waiting = asyncio.ensure_future(pool.run_async(echo, 1))
        await asyncio.sleep(0.05)
        await asyncio.get_running_loop().run_in_executor(None, pool.close)
        with pytest.raises(WorkerCrashedError):
            await asyncio.wait_for(waiting, 5)
        await asyncio.gather(busy, return_exceptions=True)  # finished or killed by close

    run_loop(main())


def test_workers_run_and_run_async_wait_in_one_line(one_worker: WorkerPool, run_loop: Any) -> None:
    """The job board's batch thread (``run``) and the HTTP routes (``run_async``) share a pool:
    a blocking caller that has waited is served before a newer asyncio caller."""
    import asyncio

    began: dict[str, float] = {}

    def blocking() -> None:
        began["run"] = one_worker.run(started_at, 0.0)

    async def main() -> None:
        first = asyncio.ensure_future(one_worker.run_async(started_at, 0.3))
        await asyncio.sleep(0.05)
        thread = threading.Thread(target=blocking)
        thread.start()
        await asyncio.sleep(0.1)  # the thread is waiting for the busy worker
        began["first"] = await first
        began["newcomer"] = await one_worker.run_async(started_at, 0.0)
        await asyncio.get_running_loop().run_in_executor(None, thread.join, 10)

    run_loop(main())
    assert began["first"] < began["run"] < began["newcomer"]
