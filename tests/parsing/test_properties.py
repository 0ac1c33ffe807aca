"""Property tests (hypothesis): whatever the bytes, ``parse`` returns a ``Document`` or raises an
``InputError`` subclass, in bounded time (the ``deadline`` setting fails an example that runs
too long); cleaning is idempotent; documents are internally consistent.

Mutations start from valid files made here (reportlab PDF, python-docx DOCX): truncation,
byte flips, inserted garbage, deleted ranges and, for DOCX, damaged XML inside a valid ZIP.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import unicodedata
import zipfile

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matcher import parse
from matcher.errors import InputError
from matcher.models import Document, ExperienceEntry
from matcher.options import MatchOptions
from matcher.read.experience import total_years
from matcher.read.textclean import clean_line, dehyphenate
from tests.documents import make_docx, make_pdf, sample_resume

# Small limits keep every example fast; the limits themselves are part of what is tested.
OPTIONS = MatchOptions(max_bytes=2_000_000, max_pages=5)
FUZZ = settings(
    # ROLEFIT_FUZZ_EXAMPLES=2000 for a long fuzzing run; the suite default stays quick
    max_examples=int(os.environ.get("ROLEFIT_FUZZ_EXAMPLES", "60")),
    deadline=dt.timedelta(seconds=20),  # a hang or a pathological slowdown fails the example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def _pdf() -> bytes:
    return make_pdf(sample_resume(), producer="reportlab", columns=2)


@functools.cache
def _docx() -> bytes:
    return make_docx(sample_resume(), skills_table=True)


def _check(data: bytes) -> Document | InputError:
    """Parse; only a Document or a typed error may come out, and a Document is consistent."""
    outcome: Document | InputError
    try:
        outcome = parse(data, filename="fuzz.pdf", options=OPTIONS)
    except InputError as exc:  # anything else propagates and fails the example
        outcome = exc
    if isinstance(outcome, InputError):
        assert outcome.code
        assert outcome.message
    else:
        _consistent(outcome)
    return outcome


def _consistent(doc: Document) -> None:
    assert isinstance(doc, Document)
    assert doc.text.strip()
    assert [ln.number for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    for ln in doc.lines:
        if ln.hidden:
            assert ln.start == ln.end == -1
        else:
            assert doc.text[ln.start : ln.end] == ln.text
        assert 1 <= ln.page <= max(doc.pages, 1)
    starts = [s.start for s in doc.sections]
    assert starts == sorted(starts)
    assert all(0 <= s.start <= s.end <= len(doc.text) for s in doc.sections)


@st.composite
def mutated(draw: st.DrawFn, source: bytes) -> bytes:
    data = bytearray(source)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "zero"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 512))]
        else:
            data[at : at + draw(st.integers(1, 64))] = b"\x00" * 64
    return bytes(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_parse_arbitrary_bytes_typed_outcome(data: bytes) -> None:
    _check(data)


@FUZZ
@given(st.binary(max_size=2048))
def test_parse_bytes_after_pdf_header_typed_outcome(tail: bytes) -> None:
    _check(b"%PDF-1.4\n" + tail)


@FUZZ
@given(st.data())
def test_parse_mutated_pdf_typed_outcome(data: st.DataObject) -> None:
    _check(data.draw(mutated(_pdf())))


@FUZZ
@given(st.data())
def test_parse_mutated_docx_bytes_typed_outcome(data: st.DataObject) -> None:
    _check(data.draw(mutated(_docx())))


@FUZZ
@given(st.data())
def test_parse_docx_with_damaged_xml_typed_outcome(data: st.DataObject) -> None:
    with zipfile.ZipFile(io.BytesIO(_docx())) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["word/document.xml"] = data.draw(mutated(members["word/document.xml"]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    _check(buf.getvalue())


@FUZZ
@given(st.text(min_size=1, max_size=2000))
def test_parse_any_text_is_a_consistent_document(text: str) -> None:
    outcome = _check(text.encode("utf-8"))
    if isinstance(outcome, Document):
        assert outcome.format == "text"


@settings(max_examples=300, deadline=dt.timedelta(seconds=2))
@given(st.text(max_size=200))
def test_clean_line_is_idempotent_and_clean(text: str) -> None:
    once = clean_line(text)
    assert clean_line(once) == once
    assert "\n" not in once
    assert "\u00ad" not in once
    assert "(cid:" not in once
    assert once == once.strip()
    assert "  " not in once
    assert not any(unicodedata.category(c) == "Cc" for c in once)


_LINE = st.text(st.sampled_from("abcdefXYZ- \u00ad.,"), max_size=30)


@settings(max_examples=300, deadline=dt.timedelta(seconds=2))
@given(st.lists(_LINE, max_size=8))
def test_dehyphenate_keeps_lines_and_letters(lines: list[str]) -> None:
    out = dehyphenate(lines)
    assert len(out) == len(lines)

    def letters(rows: list[str]) -> str:
        return "".join(c for row in rows for c in row if c.isalpha())

    assert letters(out) == letters(lines)  # only hyphens and spaces move; no letter is lost


_MONTH = st.tuples(st.integers(2000, 2025), st.integers(1, 12))


@st.composite
def _entry(draw: st.DrawFn) -> ExperienceEntry:
    start = draw(_MONTH)
    current = draw(st.booleans())
    end = None if current else draw(_MONTH.filter(lambda m: m >= start))
    return ExperienceEntry(
        title="t",
        employer="e",
        start=f"{start[0]:04d}-{start[1]:02d}",
        end=None if end is None else f"{end[0]:04d}-{end[1]:02d}",
        current=current,
        line=1,
    )


@settings(max_examples=200, deadline=dt.timedelta(seconds=2))
@given(st.lists(_entry(), min_size=1, max_size=6), st.randoms())
def test_total_years_merges_overlaps(entries: list[ExperienceEntry], rnd: object) -> None:
    today = dt.date(2026, 12, 1)

    def months(e: ExperienceEntry) -> int:
        y, m = map(int, (e.start or "").split("-"))
        y2, m2 = (today.year, today.month) if e.end is None else map(int, e.end.split("-"))
        return (y2 * 12 + m2) - (y * 12 + m)

    years = total_years(entries, today=today)
    spans = [months(e) for e in entries]
    assume(max(spans) > 0)
    assert years is not None
    assert max(spans) / 12 - 0.05 <= years <= sum(spans) / 12 + 0.05
    shuffled = list(entries)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert total_years(shuffled, today=today) == years  # order does not matter
