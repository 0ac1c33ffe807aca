"""`make fuzz`: a seeded fuzz campaign against the reader (issue #12, item 5).

Starts from the PDFs the tests make (``tests.documents``, the one module that makes test
documents: reportlab, fpdf2 and, when it is installed, LibreOffice resumes; hidden text, icon
fonts, scans, encrypted files) and, with ``--corpus``, the shared corpus's PDFs read where they
lie (``../shared/corpus``, or ``ROLEFIT_SHARED_CORPUS``; skipped when absent). Input ``i`` of a
run is a pure function of ``(--seed, i)`` and the seed files, so any input can be made again
from its number. Each is one of these mutations (sometimes two stacked):

    flip       a few random bytes XOR-ed
    truncate   cut after k tenths of the file (k = 1..9)
    splice     the head of one file joined to the tail of another
    nest       arrays or dictionaries nested thousands deep, in a page or a file of their own
    bomb       streams that inflate far (Flate chains, image XObjects, ToUnicode CMaps) or are
               merely huge (megabytes of text operators)
    xref       a broken cross-reference: wrong ``startxref``, shifted or zeroed offsets, no
               table, no trailer
    garbage    random PDF tokens inserted inside the body

Every input goes through ``matcher.parse()`` with the library's own deadline
(``MatchOptions.parse_timeout``) in a pool of worker processes, so a crash or a hang is
counted, not fatal: a worker that does not answer by the deadline plus a grace period is
killed and replaced. Per input: the outcome (a ``Document``, the ``InputError`` subclass, or an
unhandled exception with its type), the wall time of ``parse()`` and the worker's peak RSS
(``VmHWM``, making the input included; workers are replaced every ``--recycle`` inputs, and, as
the service's are, after an input that left them ``MAX_RSS_GROWTH_MB`` larger). Prints
a table, writes a JSON summary, saves failing inputs for reproduction (``bench/cache/fuzz/``,
ignored by git) and exits 1 on any unhandled exception, crash, parse over the deadline + 1 s
or worker peak RSS over ``--max-rss-mb``.

    make fuzz                      # 10,000 inputs, both engines, seed 12, corpus, 1 worker, nice 10
    make fuzz N=300 SEED=3         # a short run; WORKERS=2, FUZZ_ARGS="--timeout 5" for more
    python -m bench.fuzz --replay bench/cache/fuzz/failures/12-00042-flip-overrun-pdfium.pdf

CI runs a seeded smoke of a few hundred inputs (``tests/test_fuzz_smoke.py``).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import functools
import json
import multiprocessing as mp
import os
import random
import re
import statistics
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache" / "fuzz"
KINDS = ("flip", "truncate", "splice", "nest", "bomb", "xref", "garbage")
ENGINES = ("pdfium", "pdfminer")
RSS_LIMIT_MB = 300.0
OVERRUN_GRACE_S = 1.0  # a parse may end this long after its deadline
KILL_GRACE_S = 10.0  # a worker silent this long past the deadline is killed (a hang)
ADDRESS_SPACE = 4 << 30  # keeps a runaway allocation from hurting the shared machine

Seed = tuple[str, bytes]


# --------------------------------------------------------------------------- seed files


def seed_files(*, producers: Sequence[str], corpus: Path | None, corpus_limit: int) -> list[Seed]:
    """The files mutations start from: the tests' documents, optionally the corpus PDFs."""
    from tests import documents as d

    seeds: list[Seed] = [(f"person-{p}", d.person_pdf(p)) for p in producers]
    seeds += [
        ("strong-reportlab", d.strong_pdf()),
        ("medium-fpdf2", d.medium_pdf()),
        ("two-column-reportlab", d.make_pdf(d.sample_resume(), producer="reportlab", columns=2)),
        ("two-column-fpdf2", d.make_pdf(d.sample_resume(), producer="fpdf2", columns=2)),
        (
            "hidden-text",
            d.hidden_text_pdf(
                ["SKILLS", "Python, SQL, Docker"],
                [("white", "Kubernetes Terraform"), ("render3", "Spark"), ("tiny", "Go")],
            ),
        ),
        ("icon-font", d.icon_font_pdf([("0041", "dana@example.com"), ("", "Python and SQL")])),
        ("scan", d.image_only_pdf(1)),
        ("encrypted", d.encrypted_pdf(d.strong_pdf(), user_password="secret")),
        ("nested-annots", d.nested_pdf(50)),
    ]
    if corpus is not None and corpus.is_dir():
        paths = sorted(p for p in corpus.rglob("*.pdf") if p.is_file())
        for path in paths[:corpus_limit]:
            seeds.append((f"corpus:{path.relative_to(corpus)}", path.read_bytes()))
    return seeds


def available_producers() -> list[str]:
    from tests import documents as d

    producers = ["reportlab", "fpdf2"]
    if d.soffice_available():
        producers.append("soffice")
    return producers


# --------------------------------------------------------------------------- mutations


def _at(rng: random.Random, size: int) -> int:
    """A position in ``size`` bytes; 0 for no bytes (a stacked mutation can be handed an empty
    file: ``randrange(0)`` raises)."""
    return rng.randrange(size) if size > 0 else 0


def _flip(rng: random.Random, data: bytes, _seeds: Sequence[Seed]) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 8, 16, 64))):
        out[_at(rng, len(out))] ^= rng.randrange(1, 256)
    return bytes(out)


def _truncate(rng: random.Random, data: bytes, _seeds: Sequence[Seed]) -> bytes:
    return data[: len(data) * rng.randint(1, 9) // 10]


def _splice(rng: random.Random, data: bytes, seeds: Sequence[Seed]) -> bytes:
    other = rng.choice(seeds)[1]
    return data[: _at(rng, len(data))] + other[_at(rng, len(other)) :]


def _deep(rng: random.Random, depth: int) -> bytes:
    if rng.random() < 0.5:
        return b"[" * depth + b"]" * depth
    return b"<< /A " * depth + b">> " * depth


def _nest(rng: random.Random, data: bytes, _seeds: Sequence[Seed]) -> bytes:
    from tests import documents as d

    depth = rng.choice((100, 1_000, 10_000, 100_000))
    if rng.random() < 0.4:  # a clean file whose page's /Annots is nested
        return d.nested_pdf(depth)
    where = [m.end() for m in re.finditer(rb"/Type\s*/Page\b", data)] or [len(data) // 2]
    at = rng.choice(where)
    return data[:at] + b" /Annots " + _deep(rng, depth) + b" " + data[at:]


@functools.cache
def _zeros_flate(mib: int, levels: int) -> bytes:
    """``mib`` MiB of spaces, Flate-compressed ``levels`` times, made in well under a second:
    after a full flush deflate's output for the same 1 MiB is the same bytes, so the stream is
    one compressed MiB repeated (plus the zlib header and the Adler-32 of the whole)."""
    chunk = b" " * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    unit = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush()
    adler = 1
    for _ in range(mib):
        adler = zlib.adler32(chunk, adler)
    packed = b"\x78\xda" + first + unit * (mib - 1) + tail + adler.to_bytes(4, "big")
    for _ in range(levels - 1):
        packed = zlib.compress(packed, 9)
    return packed


def _stream(body: bytes, extra: bytes = b"", levels: int = 1) -> bytes:
    filters = b" ".join([b"/FlateDecode"] * levels)
    return (
        b"<< /Length %d /Filter [%s] %s>>\nstream\n" % (len(body), filters, extra)
        + body
        + b"\nendstream"
    )


def _bomb(rng: random.Random, data: bytes, _seeds: Sequence[Seed]) -> bytes:
    from tests import documents as d

    mib = rng.choice((8, 40, 70, 200, 1000))
    levels = rng.choice((1, 2, 3))
    shape = rng.choice(("contents", "image", "tounicode", "huge", "inject"))
    if shape == "contents":  # the page's own content stream
        objs = d.one_page(_stream(_zeros_flate(mib, levels), levels=levels))
    elif shape == "image":  # an image XObject whose pixels inflate far
        side = rng.choice((1_000, 20_000, 100_000))
        objs = d.one_page(_content(b"q 500 0 0 500 0 0 cm /Im1 Do Q"))
        objs[2] = objs[2].replace(b"/Resources << ", b"/Resources << /XObject << /Im1 6 0 R >> ")
        objs.append(
            _stream(
                _zeros_flate(mib, levels),
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 " % (side, side),
                levels,
            )
        )
    elif shape == "tounicode":  # a font whose Unicode map is huge
        cmap = _cmap(rng.choice((1_000, 50_000, 400_000)))
        objs = d.one_page(
            _content(b"BT /F2 12 Tf 72 720 Td <0041> Tj ET"), extra_fonts=b"/F2 6 0 R "
        )
        objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>")
        if rng.random() < 0.5:
            objs.append(_stream(zlib.compress(cmap)))
        else:  # a Flate bomb behind the CMap
            objs.append(_stream(_zeros_flate(mib, levels), levels=levels))
    elif shape == "huge":  # megabytes of real text operators, uncompressed
        ops = b"BT /F1 9 Tf 20 700 Td (x) Tj ET\n" * rng.choice((10_000, 200_000, 500_000))
        return d.raw_pdf(
            d.one_page(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
        )
    else:  # a bomb stream injected into a real file as a new object
        obj = b"\n999 0 obj\n" + _stream(_zeros_flate(mib, levels), levels=levels) + b"\nendobj\n"
        at = data.rfind(b"xref")
        at = at if at > 0 else len(data)
        return data[:at] + obj + data[at:]
    return d.raw_pdf(objs)


def _content(ops: bytes) -> bytes:
    packed = zlib.compress(ops)
    return (
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    )


def _cmap(entries: int) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, entries, 100):
        lines.append(b"100 beginbfchar")
        lines += [b"<%04X> <%04X>" % (c % 0xFFFF, 0x41 + c % 26) for c in range(start, start + 100)]
        lines.append(b"endbfchar")
    lines.append(b"1 beginbfrange <0000> <FFFF> <0041> endbfrange endcmap end end")
    return b"\n".join(lines)


def _xref(rng: random.Random, data: bytes, _seeds: Sequence[Seed]) -> bytes:
    how = rng.choice(("startxref", "offsets", "zero", "drop-table", "drop-trailer", "drop-eof"))
    if how == "startxref":
        return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % _at(rng, len(data) * 2), data)
    if how in ("offsets", "zero"):
        shift = rng.randint(-200, 200)

        def entry(m: re.Match[bytes]) -> bytes:
            off = 0 if how == "zero" else max(0, int(m.group(1)) + shift)
            return b"%010d %s n" % (off, m.group(2))

        out = re.sub(rb"(\d{10}) (\d{5}) n", entry, data)
        return out if out != data else _flip(rng, data, _seeds)
    if how == "drop-table":
        start = data.rfind(b"xref")
        end = data.find(b"trailer", start)
        if start < 0:
            return data[: len(data) - 64]
        return data[:start] + data[end if end > 0 else len(data) :]
    if how == "drop-trailer":
        at = data.rfind(b"trailer")
        return data[:at] if at > 0 else data[:-32]
    return data.replace(b"%%EOF", b"")


_TOKENS = (
    b"<<", b">>", b"[", b"]", b"obj", b"endobj", b"stream", b"endstream", b"R", b"0", b"-1",
    b"99999999999", b"/Length", b"/Filter /FlateDecode", b"/Type /Page", b"/Kids [3 0 R]",
    b"(\\", b"<FFFE", b"%", b"BT", b"ET", b"Tj", b"TJ", b"Do", b"1e308", b"/Count -5",
)  # fmt: skip


def _garbage(rng: random.Random, data: bytes, _seeds: Sequence[Seed]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        tok = b" " + b" ".join(rng.choice(_TOKENS) for _ in range(rng.randint(1, 6))) + b" "
        at = rng.randrange(len(out) + 1)
        out[at:at] = tok
    return bytes(out)


MUTATIONS: dict[str, Callable[[random.Random, bytes, Sequence[Seed]], bytes]] = {
    "flip": _flip,
    "truncate": _truncate,
    "splice": _splice,
    "nest": _nest,
    "bomb": _bomb,
    "xref": _xref,
    "garbage": _garbage,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Case:
    index: int
    kind: str
    seed_name: str
    engine: str
    data: bytes


def make_case(index: int, seed: int, seeds: Sequence[Seed], engines: Sequence[str]) -> Case:
    """Input ``index`` of the run ``seed``: deterministic, so a failure can be made again."""
    rng = random.Random(f"{seed}:{index}")
    kind = KINDS[index % len(KINDS)]
    name, data = seeds[rng.randrange(len(seeds))]
    data = MUTATIONS[kind](rng, data, seeds)
    if kind not in ("bomb", "nest") and rng.random() < 0.15:  # sometimes two stacked
        second = rng.choice(("flip", "truncate", "xref", "garbage"))
        data = MUTATIONS[second](rng, data, seeds) or data
        kind = f"{kind}+{second}"
    return Case(index, kind, name, engines[(index // len(KINDS)) % len(engines)], data)


# --------------------------------------------------------------------------- the workers


def _outcome(exc: BaseException | None) -> tuple[str, str]:
    """(class, detail): ``result``, the ``InputError`` code, or ``unhandled``."""
    from matcher.errors import InputError

    if exc is None:
        return "result", ""
    if isinstance(exc, InputError):
        cause = exc.__cause__
        # the reader's safety net turns any reader bug into corrupt-document: name the bug
        hidden = "" if cause is None or isinstance(cause, InputError) else type(cause).__name__
        return exc.code, hidden
    return "unhandled", f"{type(exc).__module__}.{type(exc).__qualname__}: {str(exc)[:200]}"


def _peak_rss_mb() -> float:
    """This process's peak resident memory (MB). ``VmHWM`` belongs to the process's own memory
    map, made at ``exec``; ``ru_maxrss`` keeps the parent's peak from before the worker's fork
    and exec (a worker spawned by a 500 MB pytest process starts at 500 MB)."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(
    conn: Connection, seeds: list[Seed], seed: int, engines: list[str], timeout: float
) -> None:
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    from matcher import MatchOptions, parse
    from matcher.workers import MAX_RSS_GROWTH_MB, release_memory, rss_mb

    parse(seeds[0][1], options=MatchOptions())  # warm up: imports are not the inputs' cost
    baseline = rss_mb()
    while True:
        try:
            index = conn.recv()
        except EOFError:
            return
        if index is None:
            return
        case = make_case(index, seed, seeds, engines)
        conn.send(("start", index))  # the hang clock starts now, not while the input is made
        options = MatchOptions(parse_timeout=timeout, pdf_engine=case.engine)  # type: ignore[arg-type]
        error: BaseException | None = None
        usage = resource.getrusage(resource.RUSAGE_SELF)
        before, cpu = _peak_rss_mb(), usage.ru_utime + usage.ru_stime
        start = time.monotonic()
        try:
            parse(case.data, options=options)
        except BaseException as exc:  # everything is counted, nothing escapes
            error = exc
        wall = time.monotonic() - start
        outcome, detail = _outcome(error)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak, cpu = _peak_rss_mb(), usage.ru_utime + usage.ru_stime - cpu
        raised = peak if peak > before else 0.0  # this input set the worker's new peak
        # what a service worker does after a task: free pages back to the system, and a worker
        # still much larger than when it started is replaced (matcher.workers.WorkerPool)
        retire = release_memory(baseline) > MAX_RSS_GROWTH_MB
        conn.send((index, case.kind, case.seed_name, case.engine, outcome, detail, wall, peak,
                   raised, cpu, retire))  # fmt: skip


class _Slot:
    """One worker process, its pipe, the input it is on and when it got it."""

    def __init__(self, ctx: Any, args: tuple[Any, ...]) -> None:
        self.ctx, self.args = ctx, args
        self.done = 0
        self.index: int | None = None
        self.since = 0.0
        self.start()

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.conn: Connection = parent
        self.proc = self.ctx.Process(target=_worker, args=(child, *self.args), daemon=True)
        self.proc.start()
        child.close()
        self.done = 0

    def give(self, index: int) -> None:
        self.index, self.since = index, time.monotonic()
        self.conn.send(index)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def retire(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


@dataclasses.dataclass(slots=True)
class Row:
    index: int
    kind: str
    seed: str
    engine: str
    outcome: str
    detail: str
    wall_s: float
    rss_mb: float  # the worker's peak RSS after this input
    raised_mb: float = 0.0  # that peak, when this input raised it (else 0)
    cpu_s: float = float("nan")  # the worker's CPU time on this input (wall minus waiting)
    retired: bool = False  # the worker asked to be replaced after it (as the service's would)


def run(
    *,
    count: int,
    seed: int,
    seeds: list[Seed],
    engines: Sequence[str] = ENGINES,
    timeout: float = 2.0,
    workers: int = 2,
    recycle: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> list[Row]:
    """Run inputs ``0..count-1`` of campaign ``seed``; one ``Row`` per input, in order."""
    ctx = mp.get_context("spawn")
    args = (seeds, seed, list(engines), timeout)
    slots = [_Slot(ctx, args) for _ in range(max(1, min(workers, count)))]
    todo = collections.deque(range(count))
    rows: dict[int, Row] = {}
    for slot in slots:
        if todo:
            slot.give(todo.popleft())
    try:
        while len(rows) < count:
            busy = [s for s in slots if s.index is not None]
            ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=0.5)
            now = time.monotonic()
            for slot in busy:
                assert slot.index is not None
                case_index = slot.index
                if slot.conn in ready:
                    try:
                        answer = slot.conn.recv()
                    except (EOFError, OSError):
                        answer = None
                    if isinstance(answer, tuple) and answer[0] == "start":
                        slot.since = now
                        continue
                    if answer is not None:
                        row = rows[case_index] = Row(*answer)
                        slot.done += 1
                        slot.index = None
                        if slot.done >= recycle or row.retired:
                            slot.retire()
                            slot.start()
                        if todo:
                            slot.give(todo.popleft())
                        continue
                if slot.proc.sentinel in ready or not slot.proc.is_alive():
                    code = slot.proc.exitcode
                    outcome, detail = "crash", f"worker exit code {code}"
                elif now - slot.since > timeout + KILL_GRACE_S:
                    outcome, detail = "hang", f"killed after {now - slot.since:.1f} s"
                else:
                    continue
                case = make_case(case_index, seed, seeds, engines)
                rows[case_index] = Row(
                    case_index, case.kind, case.seed_name, case.engine, outcome, detail,
                    now - slot.since, float("nan"),
                )  # fmt: skip
                slot.kill()
                slot.start()
                slot.index = None
                if todo:
                    slot.give(todo.popleft())
            if progress is not None:
                progress(len(rows), count)
    finally:
        for slot in slots:
            slot.retire()
    return [rows[i] for i in range(count)]


# --------------------------------------------------------------------------- the verdict


def failures(rows: Sequence[Row], *, timeout: float, max_rss_mb: float) -> list[tuple[Row, str]]:
    """The rows that fail the campaign, each with why."""
    out = []
    for row in rows:
        if row.outcome in ("unhandled", "crash", "hang"):
            out.append((row, row.outcome))
        elif row.wall_s > timeout + OVERRUN_GRACE_S:
            out.append((row, "overrun"))
        elif row.rss_mb > max_rss_mb:
            out.append((row, "rss"))
    return out


def _group(kind: str) -> str:
    return kind.split("+", 1)[0]


def summary(rows: Sequence[Row], *, timeout: float, max_rss_mb: float) -> dict[str, Any]:
    failed = failures(rows, timeout=timeout, max_rss_mb=max_rss_mb)
    by_kind: dict[str, list[Row]] = collections.defaultdict(list)
    for row in rows:
        by_kind[_group(row.kind)].append(row)
    by_kind["all"] = list(rows)

    def stats(group: list[Row]) -> dict[str, Any]:
        walls = sorted(r.wall_s for r in group)
        rss = [r.raised_mb for r in group]
        floor = [r.rss_mb for r in group if r.rss_mb == r.rss_mb]
        return {
            "inputs": len(group),
            "outcomes": dict(collections.Counter(r.outcome for r in group).most_common()),
            "overruns": sum(1 for r in group if r.wall_s > timeout + OVERRUN_GRACE_S),
            "wall_s_median": round(statistics.median(walls), 4) if walls else None,
            "wall_s_p99": round(walls[int(len(walls) * 0.99)], 3) if walls else None,
            "wall_s_max": round(walls[-1], 3) if walls else None,
            # the highest worker peak an input of this group set (the warm-up's is the floor)
            "peak_rss_mb": round(max(rss) or min(floor, default=0.0), 1) if group else None,
        }

    hidden = collections.Counter(r.detail for r in rows if r.detail and r.outcome != "unhandled")
    return {
        "inputs": len(rows),
        "timeout_s": timeout,
        "max_rss_mb": max_rss_mb,
        "by_kind": {k: stats(v) for k, v in sorted(by_kind.items())},
        "by_engine": {
            e: stats([r for r in rows if r.engine == e]) for e in sorted({r.engine for r in rows})
        },
        "reader_bugs_behind_corrupt_document": dict(hidden.most_common()),
        "workers_replaced_for_memory": sum(1 for r in rows if r.retired),
        "failures": [{"index": r.index, "why": why, **dataclasses.asdict(r)} for r, why in failed],
        "ok": not failed,
    }


def table(result: dict[str, Any]) -> str:
    """The summary as a Markdown table (what docs/parsing.md quotes)."""
    codes = [
        *("result", "corrupt-document", "document-too-large", "parse-timeout", "no-text"),
        *("pdf-encrypted", "empty-document", "unsupported-type", "unhandled", "crash", "hang"),
    ]
    short = {"corrupt-document": "corrupt", "document-too-large": "too-large",
             "parse-timeout": "timeout", "pdf-encrypted": "encrypted", "empty-document": "empty",
             "unsupported-type": "unsupported"}  # fmt: skip
    seen = {c for s in result["by_kind"].values() for c in s["outcomes"]}
    cols = [c for c in codes if c in seen or c in ("unhandled", "crash", "hang")]
    cols += sorted(seen - set(codes))
    head = ["mutation", "inputs", *(short.get(c, c) for c in cols), "over deadline+1 s",
            "median s", "p99 s", "max s", "peak RSS MB"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for kind, s in result["by_kind"].items():
        if kind == "all":
            continue
        lines.append(_line(kind, s, cols))
    lines.append(_line("**all**", result["by_kind"]["all"], cols))
    return "\n".join(lines)


def _line(kind: str, s: dict[str, Any], cols: list[str]) -> str:
    cells = [kind, f"{s['inputs']:,}", *(f"{s['outcomes'].get(c, 0):,}" for c in cols)]
    cells += [str(s["overruns"]), f"{s['wall_s_median']:.3f}", f"{s['wall_s_p99']:.2f}",
              f"{s['wall_s_max']:.2f}", f"{s['peak_rss_mb']:.0f}"]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def save_failures(
    failed: Sequence[tuple[Row, str]], *, seed: int, seeds: Sequence[Seed], engines: Sequence[str],
    folder: Path,
) -> list[Path]:  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for row, why in failed:
        case = make_case(row.index, seed, seeds, engines)
        path = folder / f"{seed}-{row.index:05d}-{_group(case.kind)}-{why}-{case.engine}.pdf"
        path.write_bytes(case.data)
        paths.append(path)
    return paths


def replay(path: Path, *, engine: str, timeout: float) -> int:
    """Parse one saved input in this process and show what happens (with a traceback)."""
    from matcher import MatchOptions, parse

    start = time.monotonic()
    try:
        options = MatchOptions(parse_timeout=timeout, pdf_engine=engine)  # type: ignore[arg-type]
        doc = parse(path.read_bytes(), options=options)
        print(f"result: {len(doc.text)} characters, warnings {[w.code for w in doc.warnings]}")
    except Exception as exc:
        print(f"{type(exc).__name__}: {exc}; cause {exc.__cause__!r}")
        raise
    finally:
        print(f"{time.monotonic() - start:.2f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=2.0, help="the parse deadline (s)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--recycle", type=int, default=1000, help="inputs per worker process")
    parser.add_argument("--max-rss-mb", type=float, default=RSS_LIMIT_MB)
    from bench.corpus import SHARED_CORPUS

    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="?",
        const=SHARED_CORPUS,
        default=None,
        help=f"also mutate the corpus PDFs (default folder {SHARED_CORPUS})",
    )
    parser.add_argument("--corpus-limit", type=int, default=40)
    parser.add_argument("--no-soffice", action="store_true", help="skip the LibreOffice seed")
    parser.add_argument("--json", type=Path, default=CACHE / "summary.json")
    parser.add_argument("--failures", type=Path, default=CACHE / "failures")
    parser.add_argument("--replay", type=Path, help="parse one saved input here and stop")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if args.replay:
        return replay(args.replay, engine=engines[0], timeout=args.timeout)

    producers = ["reportlab", "fpdf2"] if args.no_soffice else available_producers()
    seeds = seed_files(producers=producers, corpus=args.corpus, corpus_limit=args.corpus_limit)
    print(
        f"{len(seeds)} seed files; {args.count:,} inputs, seed {args.seed}, engines "
        f"{'/'.join(engines)}, deadline {args.timeout:g} s, {args.workers} workers",
        flush=True,
    )
    started = time.monotonic()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] > 30 or done == total:
            last[0] = time.monotonic()
            print(f"  {done:,}/{total:,} ({time.monotonic() - started:.0f} s)", flush=True)

    rows = run(
        count=args.count, seed=args.seed, seeds=seeds, engines=engines, timeout=args.timeout,
        workers=args.workers, recycle=args.recycle, progress=progress,
    )  # fmt: skip
    result = summary(rows, timeout=args.timeout, max_rss_mb=args.max_rss_mb)
    result.update(
        seed=args.seed, engines=engines, seeds=[name for name, _ in seeds],
        elapsed_s=round(time.monotonic() - started, 1),
        command=" ".join(["python -m bench.fuzz", *(argv if argv is not None else sys.argv[1:])]),
    )  # fmt: skip
    failed = failures(rows, timeout=args.timeout, max_rss_mb=args.max_rss_mb)
    if failed:
        paths = save_failures(
            failed, seed=args.seed, seeds=seeds, engines=engines, folder=args.failures
        )
        result["saved"] = [str(p) for p in paths]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"workers replaced for memory: {result['workers_replaced_for_memory']}")
    if result["reader_bugs_behind_corrupt_document"]:
        print(
            "reader errors behind corrupt-document:", result["reader_bugs_behind_corrupt_document"]
        )
    for row, why in failed[:30]:
        print(f"FAIL {why}: #{row.index} {row.kind} {row.seed} {row.engine}: {row.outcome} "
              f"{row.detail} {row.wall_s:.2f} s {row.rss_mb:.0f} MB")  # fmt: skip
    print(
        f"summary: {args.json}"
        + (f"; {len(failed)} failing inputs in {args.failures}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
