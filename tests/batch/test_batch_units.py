"""The batch engine's pieces without worker processes: content sniffing, discovery, the results
file (torn lines, duplicates, --retry-failed, settings), the CSV and the HTML report."""

from __future__ import annotations

import csv
import json
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from batch.report import collect, render, write_report
from batch.runner import (
    BatchConfigError,
    DaskBackend,
    FileTask,
    LocalBackend,
    Prepared,
    ResultsLog,
    _connect,
    iter_files,
    iter_results,
    kind_of,
    run_batch,
    write_csv,
)
from matcher import sniff_head
from matcher.errors import EmptyDocumentError, WorkerCrashedError
from tests import documents

pytestmark = pytest.mark.issue(6)

BASE = {
    "v": 1,
    "roles_requested": None,
    "job_sha256": None,
    "taxonomy_version": "tax-test",
    "method": "weighted-coverage.v1",
}


def ok_line(path: str, sha: str, scores: dict[str, float], **extra: Any) -> dict[str, Any]:
    best = max(scores, key=lambda r: scores[r])
    return {
        **BASE,
        "path": path,
        "sha256": sha,
        "format": "text",
        "status": "ok",
        "scores": scores,
        "best": {"id": best, "score": scores[best]},
        "job": None,
        "targets": [
            {
                "id": best,
                "title": best.title(),
                "kind": "role",
                "score": scores[best],
                "band": "good",
                "matched": ["Python"],
                "missing": ["SQL", "Docker"],
                "missing_core": 1,
            }
        ],
        "suggestions": 2,
        "pages": 1,
        "timings": {"total": 12.5},
        **extra,
    }


def failed_line(path: str, sha: str, code: str, detail: str = "Bad file.") -> dict[str, Any]:
    return {
        **BASE,
        "path": path,
        "sha256": sha,
        "format": "pdf",
        "status": "failed",
        "error": {"code": code, "title": code, "detail": detail},
    }


def write_lines(path: Path, records: list[dict[str, Any]], tail: bytes = b"") -> None:
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records) + tail)


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("pdf", b"%PDF-1.7\n%\xe2\xe3", "pdf"),
        ("pdf after junk", b"\r\n\x00junk%PDF-1.4", "pdf"),
        ("utf-8 text", "Résumé\nPython".encode(), "text"),
        ("utf-16 bom", b"\xff\xfeR\x00", "text"),
        ("empty", b"", "text"),
        ("png", documents.png_image(), "image"),
        ("gif", documents.gif_image(), None),
        ("zip without word/", b"PK\x03\x04\x14\x00\x00\x00random.bin", None),
        ("docx head", b"PK\x03\x04\x14\x00\x00\x00[Content_Types].xml", "docx"),
    ],
)
def test_sniff_head_reads_content_not_names(name: str, head: bytes, expected: str | None) -> None:
    assert sniff_head(head) == expected, name


def test_kind_of_a_docx_by_its_directory_and_a_bare_zip_skipped() -> None:
    data = documents.person_docx()
    assert kind_of(data) == "docx"
    assert kind_of(b"PK\x05\x06" + b"\x00" * 18) is None  # an empty zip archive: not a resume


def test_iter_files_skips_hidden_and_excluded_and_recurses_on_request(tmp_path: Path) -> None:
    for name in ("a.pdf", ".hidden", "sub/b.txt", ".git/c.txt", "out.jsonl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    flat = {p.relative_to(tmp_path).as_posix() for p in iter_files(tmp_path)}
    deep = {
        p.relative_to(tmp_path).as_posix()
        for p in iter_files(tmp_path, recursive=True, exclude=[tmp_path / "out.jsonl"])
    }
    assert flat == {"a.pdf", "out.jsonl"}
    assert deep == {"a.pdf", "sub/b.txt"}


def test_results_log_repairs_torn_and_duplicate_lines(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    first = ok_line("a.txt", "a" * 64, {"ml-engineer": 50.0})
    write_lines(
        out,
        [first, first, failed_line("b.pdf", "b" * 64, "no-text")],
        tail=b'{"v":1,"path":"c.t',  # killed mid-write
    )
    with ResultsLog(out) as log_file:
        assert log_file.repaired == 2
        assert log_file.done == {"a" * 64: "ok", "b" * 64: "failed"}
        log_file.append(ok_line("c.txt", "c" * 64, {"ml-engineer": 10.0}))
    assert [r["path"] for r in iter_results(out)] == ["a.txt", "b.pdf", "c.txt"]
    assert out.read_bytes().endswith(b"\n")


def test_results_log_retry_failed_drops_failed_lines(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    write_lines(
        out,
        [ok_line("a.txt", "a" * 64, {"ml-engineer": 50.0}), failed_line("b.pdf", "b" * 64, "x")],
    )
    with ResultsLog(out, retry_failed=True) as log_file:
        assert log_file.dropped_failed == 1
        assert log_file.done == {"a" * 64: "ok"}
    assert [r["path"] for r in iter_results(out)] == ["a.txt"]


def test_run_batch_refuses_an_output_written_with_other_settings(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    write_lines(out, [ok_line("a.txt", "a" * 64, {"ml-engineer": 50.0})])
    with pytest.raises(BatchConfigError, match="roles_requested"):
        run_batch(tmp_path, out, roles=["ml-engineer"])  # fails before any worker starts
    with pytest.raises(BatchConfigError, match="not a folder"):
        run_batch(tmp_path / "missing", out)


def test_write_csv_columns_and_formula_injection(tmp_path: Path) -> None:
    out, table = tmp_path / "r.jsonl", tmp_path / "r.csv"
    write_lines(
        out,
        [
            ok_line("=cmd.txt", "a" * 64, {"ml-engineer": 50.0, "data-analyst": 70.0}),
            failed_line("b.pdf", "b" * 64, "pdf-encrypted"),
        ],
    )
    assert write_csv(out, table) == 2
    with table.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [h for h in rows[0] if h.startswith("score:")] == [
        "score:data-analyst",
        "score:ml-engineer",
    ]
    assert rows[0]["path"] == "'=cmd.txt"
    assert rows[0]["score:data-analyst"] == "70.0"
    assert rows[0]["top_missing"] == "SQL; Docker"
    assert rows[1]["error_code"] == "pdf-encrypted"
    assert rows[1]["score:ml-engineer"] == ""


def test_report_ranks_counts_missing_and_escapes(tmp_path: Path) -> None:
    records = [
        ok_line(f"c{i}.txt", f"{i:064d}", {"ml-engineer": float(10 * i), "data-analyst": 5.0})
        for i in range(1, 6)
    ]
    records.append(failed_line("<img src=x onerror=alert(1)>.pdf", "f" * 64, "no-text", "a<b>"))
    data = collect(records, top=3)
    ml = data.targets["ml-engineer"]
    assert [c.path for c in ml.rows] == ["c5.txt", "c4.txt", "c3.txt"]  # top 3 of 5, best first
    assert ml.scored == 5
    assert ml.missing == {"SQL": 5, "Docker": 5}
    assert data.failed_rows == [("<img src=x onerror=alert(1)>.pdf", "no-text", "a<b>")]
    page = render(data, top=3)
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page
    assert "a&lt;b&gt;" in page
    assert 'style="width:50.0%"' in page  # c5's score bar
    assert page.index("c5.txt") < page.index("c4.txt")

    out, report = tmp_path / "r.jsonl", tmp_path / "report.html"
    write_lines(out, records)
    write_report(out, report)
    assert "Skills most often missing" in report.read_text(encoding="utf-8")


def test_report_ignores_non_numeric_scores_from_an_edited_file() -> None:
    record = ok_line("a.txt", "a" * 64, {"ml-engineer": 50.0})
    record["scores"]["ml-engineer"] = "100%); background:url(x"
    page = render(collect([record]))
    assert "url(x" not in page


class FakeBackend:
    """Answers in-process, without workers: each file's 'score' is set by its name."""

    slots = 1

    def call(self, func: Any, *args: Any) -> Prepared:
        return Prepared(taxonomy_version="tax-a", method="m.v1", roles=(), job=None)

    def submit(self, task: FileTask) -> Future[Any]:
        future: Future[Any] = Future()
        if task.path.startswith("bad"):
            future.set_result(EmptyDocumentError())
        else:
            version = "tax-other" if task.path.startswith("stale") else "tax-a"
            future.set_result({"scores": {"r": 1.0}, "taxonomy_version": version, "method": "m.v1"})
        return future

    def wait(self, pending: set[Any], timeout: float) -> set[Any]:
        return set(pending)

    def outcome(self, handle: Any) -> Any:
        return handle.result()

    def close(self) -> None:
        pass


def test_run_batch_fails_lines_scored_by_a_worker_with_another_taxonomy(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("good.txt", "stale.txt", "bad.txt"):
        (folder / name).write_text(f"resume {name}\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    summary = run_batch(folder, out, backend=FakeBackend())
    status = {
        r["path"]: (r["status"], (r.get("error") or {}).get("code")) for r in iter_results(out)
    }
    assert status == {
        "good.txt": ("ok", None),
        "stale.txt": ("failed", "taxonomy-invalid"),
        "bad.txt": ("failed", "empty-document"),
    }
    assert (summary.scored, summary.failed, summary.exit_code) == (1, 2, 1)


def test_dask_connect_gives_up_on_a_peer_that_never_answers() -> None:
    release = threading.Event()

    class Silent:  # accepts the connection and never speaks Dask (another service)
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            release.wait(30)

    try:
        with pytest.raises(BatchConfigError, match="no Dask scheduler answered"):
            _connect(Silent, "tcp://127.0.0.1:9", 0.1, grace=0.2)
    finally:
        release.set()


class _Interrupted:
    def result(self) -> Any:
        raise KeyboardInterrupt

    def release(self) -> None:
        pass


def test_backends_let_an_interrupt_through_instead_of_recording_a_failure() -> None:
    dask_backend = DaskBackend.__new__(DaskBackend)
    with pytest.raises(KeyboardInterrupt):
        dask_backend.outcome(_Interrupted())
    local_backend = LocalBackend.__new__(LocalBackend)
    crashed: Future[Any] = Future()
    crashed.set_exception(RuntimeError("bug"))
    assert isinstance(local_backend.outcome(crashed), WorkerCrashedError)


def test_results_log_keeps_a_copy_s_line_and_reads_the_first_back(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    first = ok_line("a.txt", "a" * 64, {"ml-engineer": 50.0})
    copy = {**first, "path": "copy-of-a.txt", "duplicate_of": "a.txt"}
    write_lines(out, [first, copy, copy])  # the copy's line twice: a crash between writes
    with ResultsLog(out) as log_file:
        assert log_file.repaired == 1
        assert log_file.paths == {"a.txt", "copy-of-a.txt"}
        assert log_file.counts == {"ok": 2}
        assert log_file.first("a" * 64) == first
        assert log_file.first("b" * 64) is None
        log_file.append(ok_line("b.txt", "b" * 64, {"ml-engineer": 10.0}))
        assert log_file.first("b" * 64) == ok_line("b.txt", "b" * 64, {"ml-engineer": 10.0})
    assert [r["path"] for r in iter_results(out)] == ["a.txt", "copy-of-a.txt", "b.txt"]
