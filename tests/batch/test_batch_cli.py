"""``rolefit batch`` end to end, as a subprocess: mixed folders, bad files, recursion, CSV and
HTML outputs, SIGTERM/SIGKILL and resume, --retry-failed, the time budget, 1 vs 2 workers, and a
Dask ``LocalCluster`` giving the same results as the local process pool."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import documents
from tests.batch.support import (
    BAD,
    GOOD,
    NESTED,
    SKIPPED,
    Run,
    by_path,
    lines,
    many_text_resumes,
    mixed_folder,
    rolefit_batch,
    stable,
    start_batch,
    text_resume,
    write,
)

pytestmark = [pytest.mark.slow, pytest.mark.issue(6)]


@dataclass
class Mixed:
    folder: Path
    out: Path
    csv: Path
    report: Path
    flat: Run  # first run, without --recursive
    recursive: Run  # same command with --recursive: only the nested files are new


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Mixed:
    root = tmp_path_factory.mktemp("batch-mixed")
    folder = mixed_folder(root / "resumes")
    out, csv_path, report = root / "results.jsonl", root / "results.csv", root / "report.html"
    common = ("--out", out, "--csv", csv_path, "--report", report, "--workers", "2")
    flat = rolefit_batch(folder, *common)
    recursive = rolefit_batch(folder, *common, "--recursive")
    return Mixed(folder, out, csv_path, report, flat, recursive)


def test_batch_scores_good_files_and_records_bad_ones(mixed: Mixed) -> None:
    assert mixed.flat.code == 1, mixed.flat.stderr
    assert mixed.recursive.code == 1, mixed.recursive.stderr
    records = by_path(mixed.out)
    assert set(records) == {*GOOD, *BAD, *SKIPPED, *NESTED}  # hidden files are never read
    for name, kind in {**GOOD, **NESTED}.items():
        record = records[name]
        assert record["status"] == "ok", (name, record.get("error"))
        assert record["format"] == kind
        assert len(record["sha256"]) == 64
        assert record["scores"], name
        assert all(0.0 <= s <= 100.0 for s in record["scores"].values())
        best = record["best"]  # the report's verdict
        if best["id"] == "none":
            assert best["reason"].startswith("No role fits")
        else:
            assert best["score"] == max(record["scores"].values())
        assert record["targets"]
        assert record["targets"][0]["matched"] is not None
        assert record["timings"]["total"] > 0
        assert record["taxonomy_version"]
        assert record["method"]
    for name, code in BAD.items():
        assert records[name]["status"] == "failed"
        assert records[name]["error"]["code"] == code, name
        assert records[name]["error"]["detail"]
    for name, code in SKIPPED.items():
        assert records[name]["status"] == "skipped"
        assert records[name]["error"]["code"] == code


def test_batch_recursion_reads_subfolders_only_when_asked(mixed: Mixed) -> None:
    assert "nested/" not in mixed.flat.stdout
    assert "ETA" not in mixed.flat.stdout  # stdout is a pipe: a summary, no progress bar
    first_run = len(GOOD) + len(BAD) + len(SKIPPED)
    assert f"{len(GOOD)} scored, {len(BAD)} failed, {len(SKIPPED)} skipped" in mixed.flat.stdout
    # The second run finds the nested files; everything else is already in the results,
    # failed files included (they are retried only with --retry-failed).
    assert f"{len(NESTED)} scored, 0 failed, 0 skipped" in mixed.recursive.stdout
    assert f"{first_run} already done" in mixed.recursive.stdout
    assert (
        f"results file: {len(GOOD) + len(NESTED)} scored, {len(BAD)} failed, "
        f"{len(SKIPPED)} skipped" in mixed.recursive.stdout
    )
    for code, count in Counter(BAD.values()).items():
        assert f"{code} {count}" in mixed.recursive.stdout


def test_batch_csv_has_a_row_per_file_and_a_column_per_role(mixed: Mixed) -> None:
    records = by_path(mixed.out)
    with mixed.csv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(records)
    header = list(rows[0])
    assert header[:7] == [
        "path", "sha256", "status", "error_code", "error", "best_role", "best_score"
    ]  # fmt: skip
    roles = {r for record in records.values() for r in record.get("scores") or {}}
    assert {h.removeprefix("score:") for h in header if h.startswith("score:")} == roles
    for row in rows:
        record = records[row["path"]]
        assert row["status"] == record["status"]
        if record["status"] == "ok":
            for role, score in record["scores"].items():
                assert float(row[f"score:{role}"]) == score
            assert row["best_role"] == record["best"]["id"]
        else:
            assert row["error_code"] == record["error"]["code"]
            assert all(row[f"score:{r}"] == "" for r in roles)


def test_batch_report_is_self_contained_and_escaped(mixed: Mixed) -> None:
    page = mixed.report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "src=" not in page
    assert "://" not in page  # no external resources
    assert "&amp;x&lt;script&gt;alert(1)&lt;script&gt;.txt" in page
    records = by_path(mixed.out)
    best = max(
        (r for r in records.values() if r["status"] == "ok"), key=lambda r: r["best"]["score"]
    )
    assert best["best"]["id"] in page  # a ranked table per role, with score bars
    assert page.count('class="bar"') >= len(GOOD)
    assert "Skills most often missing" in page
    for name, code in BAD.items():
        assert f"<code>{name}</code></td><td><code>{code}</code>" in page
    assert f"Failed files ({len(BAD)})" in page
    assert "Rate" in page
    assert "files/s" in page


def test_batch_workers_1_and_2_give_identical_results(mixed: Mixed, tmp_path: Path) -> None:
    out = tmp_path / "one-worker.jsonl"
    run = rolefit_batch(mixed.folder, "--out", out, "--workers", "1", "--recursive", "--quiet")
    assert run.code == 1, run.stderr
    assert run.stdout == ""
    assert stable(lines(out)) == stable(lines(mixed.out))


def test_batch_dask_local_cluster_matches_the_process_pool(mixed: Mixed, tmp_path: Path) -> None:
    import dask
    from distributed import LocalCluster

    out = tmp_path / "dask.jsonl"
    # Non-daemonic Dask workers run files in their own WorkerPool, time budget included
    # (what docs/batch.md tells operators to set).
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        run = rolefit_batch(
            mixed.folder, "--out", out, "--scheduler", cluster.scheduler_address, "--recursive"
        )
    assert run.code == 1, run.stderr
    assert "dask worker slot(s)" in run.stdout
    assert stable(lines(out)) == stable(lines(mixed.out))


def test_batch_usage_errors_exit_2(mixed: Mixed, tmp_path: Path) -> None:
    missing = rolefit_batch(tmp_path / "nope", "--out", tmp_path / "r.jsonl")
    assert missing.code == 2
    assert "not a folder" in missing.stderr
    # The results file belongs to the run that wrote it: other roles need another --out.
    other = rolefit_batch(mixed.folder, "--out", mixed.out, "--role", "data-scientist")
    assert other.code == 2
    assert "different roles_requested" in other.stderr
    unknown = rolefit_batch(mixed.folder, "--out", tmp_path / "u.jsonl", "--role", "astronaut")
    assert unknown.code == 2
    assert "unknown-role" in unknown.stderr


def _wait_for_lines(out: Path, count: int, proc: object, deadline: float = 120) -> int:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        n = len(lines(out))
        if n >= count:
            return n
        time.sleep(0.01)
    raise AssertionError(f"the batch wrote fewer than {count} lines in {deadline}s")


def test_batch_survives_sigterm_and_sigkill_without_loss_or_duplicates(tmp_path: Path) -> None:
    total = 80
    folder = many_text_resumes(tmp_path / "resumes", total)
    out = tmp_path / "results.jsonl"
    args = (folder, "--out", out, "--workers", "1")

    proc = start_batch(*args)
    _wait_for_lines(out, 3, proc)
    os.kill(proc.pid, signal.SIGTERM)  # the batch process only: it stops its workers itself
    assert proc.wait(60) == 130
    after_term = len(lines(out))
    assert 3 <= after_term < total

    proc = start_batch(*args)
    _wait_for_lines(out, after_term + 3, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # no chance to clean up, workers included
    proc.wait(60)
    after_kill = len(lines(out))
    assert after_term < after_kill < total
    with out.open("ab") as fh:  # what a kill in the middle of a write leaves behind
        fh.write(b'{"v":1,"path":"candidate-0')

    final = rolefit_batch(*args)
    assert final.code == 0, final.stderr
    records = lines(out)
    assert Counter(r["path"] for r in records) == Counter(
        f"candidate-{i:03d}.txt" for i in range(total)
    )
    assert len({r["sha256"] for r in records}) == total
    assert all(r["status"] == "ok" for r in records)
    assert f"{total - after_kill} scored" in final.stdout
    assert f"{after_kill} already done" in final.stdout
    assert out.read_bytes().endswith(b"\n")


def test_batch_time_budget_replaces_the_worker_and_retry_failed_retries(tmp_path: Path) -> None:
    folder = tmp_path / "resumes"
    write(folder, "slow-1.pdf", documents.slow_pdf(400_000, pages=4))
    write(folder, "slow-2.pdf", documents.slow_pdf(400_001, pages=4))
    for i in range(3):
        write(folder, f"ok-{i}.txt", text_resume(10 + i))
    out = tmp_path / "results.jsonl"

    first = rolefit_batch(folder, "--out", out, "--workers", "1", "--timeout", "1")
    assert first.code == 1, first.stderr
    # each slow file stops at the budget: the reader raises parse-timeout at its own deadline
    # (a page this heavy is read by pdfminer, which checks it as it parses), or, if the pool's
    # clock runs out first, the worker is killed and replaced; the same second, either wins
    assert first.stderr.count("budget; worker") <= 2
    records = by_path(out)
    assert {p: r["status"] for p, r in records.items()} == {
        "slow-1.pdf": "failed",
        "slow-2.pdf": "failed",
        "ok-0.txt": "ok",
        "ok-1.txt": "ok",
        "ok-2.txt": "ok",
    }
    assert records["slow-1.pdf"]["error"]["code"] == "parse-timeout"
    assert records["slow-2.pdf"]["error"]["code"] == "parse-timeout"

    retry = rolefit_batch(
        folder, "--out", out, "--workers", "1", "--timeout", "1", "--retry-failed"
    )
    assert retry.code == 1
    assert "0 scored, 2 failed, 0 skipped (not a resume), 3 already done" in retry.stdout
    assert retry.stderr.count("budget; worker") <= 2
    assert sorted(r["path"] for r in lines(out)) == sorted(records)


def test_batch_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    folder = many_text_resumes(tmp_path / "resumes", 5)
    master, replica = os.openpty()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli",
            "batch",
            str(folder),
            "--out",
            str(tmp_path / "r"),
        ],
        stdout=replica,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "160", "TERM": "xterm"},
    )
    os.close(replica)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the command exited and closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    assert proc.wait(120) == 0, proc.stderr.read() if proc.stderr else ""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.decode("utf-8", "replace"))
    assert "5/5" in text
    assert "0 failed" in text
    assert "files/s" in text
    assert "ETA" in text
    assert "rolefit batch: 5 scored" in text


def test_batch_scores_a_posting_with_the_roles(tmp_path: Path) -> None:
    folder = tmp_path / "resumes"
    write(folder, "data-engineer.txt", documents.person_text())
    write(folder, "other.txt", text_resume(3))
    posting = write(tmp_path, "posting.json", json.dumps(documents.JOB_POSTING_JSONLD))
    out, table, report = tmp_path / "r.jsonl", tmp_path / "r.csv", tmp_path / "r.html"
    run = rolefit_batch(
        folder, "--out", out, "--job", posting, "--role", "data-scientist",
        "--csv", table, "--report", report, "--workers", "1",
    )  # fmt: skip
    assert run.code == 0, run.stderr
    records = by_path(out)
    for record in records.values():
        assert record["job_sha256"]
        assert record["roles_requested"] == ["data-scientist"]
        assert set(record["scores"]) == {"data-scientist"}
        assert record["job"]["kind"] == "job"
        assert record["job"]["title"] == "Data Engineer"
        assert 0 <= record["job"]["score"] <= 100
    assert records["data-engineer.txt"]["job"]["matched"]  # Python, SQL, Airflow...
    with table.open(newline="", encoding="utf-8") as fh:
        rows = {row["path"]: row for row in csv.DictReader(fh)}
    assert (
        float(rows["data-engineer.txt"]["job_score"])
        == records["data-engineer.txt"]["job"]["score"]
    )
    page = report.read_text(encoding="utf-8")
    assert page.index("Job posting: Data Engineer") < page.index("Role: Data Scientist")


def test_batch_writes_a_line_and_a_csv_row_per_file_even_for_copies(tmp_path: Path) -> None:
    folder = tmp_path / "resumes"
    pdf = documents.person_pdf("reportlab")
    write(folder, "alice.pdf", pdf)
    write(folder, "alice-copy.pdf", pdf)  # the same bytes under another name
    write(folder, "nested/alice-again.pdf", pdf)
    write(folder, "bob.txt", text_resume(3))
    write(folder, "bob-copy.txt", text_resume(3))
    write(folder, "photo.gif", documents.gif_image())  # not a resume type: skipped
    write(folder, "photo-copy.gif", documents.gif_image())
    out, csv_path = tmp_path / "results.jsonl", tmp_path / "results.csv"
    common = (folder, "--out", out, "--csv", csv_path, "--recursive", "--workers", "2")
    first = rolefit_batch(*common)
    assert first.code == 0, first.stderr
    records = by_path(out)  # one line per file, no path twice
    assert set(records) == {
        "alice.pdf",
        "alice-copy.pdf",
        "nested/alice-again.pdf",
        "bob.txt",
        "bob-copy.txt",
        "photo.gif",
        "photo-copy.gif",
    }
    for group in (
        ["alice-copy.pdf", "alice.pdf", "nested/alice-again.pdf"],
        ["bob-copy.txt", "bob.txt"],
        ["photo-copy.gif", "photo.gif"],
    ):
        lines_of = [records[p] for p in group]
        assert len({r["sha256"] for r in lines_of}) == 1
        originals = [r for r in lines_of if "duplicate_of" not in r]
        assert len(originals) == 1, group  # scored (or skipped) once
        for record in lines_of:
            if record is not originals[0]:
                assert record["duplicate_of"] == originals[0]["path"]
                assert record["status"] == originals[0]["status"]
                assert record.get("scores") == originals[0].get("scores")
                assert record.get("best") == originals[0].get("best")
    assert records["alice.pdf"]["status"] == "ok"
    assert records["photo.gif"]["status"] == "skipped"
    assert "4 duplicate content" in first.stdout
    with csv_path.open(newline="", encoding="utf-8") as fh:
        rows = {row["path"]: row for row in csv.DictReader(fh)}
    assert set(rows) == set(records)
    for path, row in rows.items():
        assert row["duplicate_of"] == records[path].get("duplicate_of", "")
        assert row["best_role"] == (records[path].get("best") or {}).get("id", "")

    again = rolefit_batch(*common)  # a rerun adds nothing
    assert again.code == 0, again.stderr
    assert "7 already done" in again.stdout
    assert len(lines(out)) == 7
