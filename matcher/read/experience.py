"""Experience sections → ``ExperienceEntry`` blocks and an estimate of total years.

An entry starts at a line carrying a date range ("Jan 2019 – Present", "2017 – 2020",
"03/2018 - 12/2021", "2021-Present", "Since 2020"); its title and employer come from the rest
of that line or the line just above it ("Senior Engineer, Acme | 2019 – 2021",
"Data Scientist | Amazon | 2018-2021", "Acme Corp" / "Engineer  2019 – 2021"). Years of
experience are the union of all ranges (overlapping jobs counted once), with "Present" as
the reference date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from matcher.models import ExperienceEntry, Line, Section, SectionKind

__all__ = ["DATE_RANGE", "find_experience", "total_years"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|fall|autumn"
    r"|winter)\.?"
)
_DATE = rf"(?:{_MONTH}\s+(?:19|20)\d\d|(?:0?[1-9]|1[0-2])\s*[/.]\s*(?:19|20)\d\d|(?:19|20)\d\d)"
_NOW = r"(?:present|current(?:ly)?|now|today|ongoing|date)"
DATE_RANGE = re.compile(
    rf"(?P<start>{_DATE})\s*(?:-|–|—|to|until|till|→|·)+\s*(?P<end>{_DATE}|{_NOW})"
    rf"|(?:since|from)\s+(?P<since>{_DATE})",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:\||·|•|,| – | — | - | at |\t)\s*")


def _parse_date(text: str) -> tuple[int, int] | None:
    t = text.strip().lower().rstrip(".")
    m = re.match(r"([a-z]+)\.?\s+((?:19|20)\d\d)$", t)
    if m:
        word = m.group(1)
        month = _MONTHS.get(word, _MONTHS.get(word[:3]))
        return (int(m.group(2)), month) if month else None
    m = re.match(r"(\d{1,2})\s*[/.]\s*((?:19|20)\d\d)$", t)
    if m:
        return int(m.group(2)), int(m.group(1))
    m = re.match(r"((?:19|20)\d\d)$", t)
    if m:
        return int(m.group(1)), 1
    return None


def _fmt(ym: tuple[int, int]) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}"


def _title_employer(text: str) -> tuple[str | None, str | None]:
    parts = [p.strip(" ,|·–—-()") for p in _SPLIT.split(text) if p.strip(" ,|·–—-()")]
    if not parts:
        return None, None
    if len(parts) == 1:
        return parts[0], None
    return parts[0], parts[1]


def find_experience(
    lines: Sequence[Line], sections: Sequence[Section], *, today: dt.date | None = None
) -> list[ExperienceEntry]:
    """Entries in experience sections (or anywhere, when there is no experience section)."""
    by_number = {ln.number: ln for ln in lines if not ln.hidden}
    ranges = [s for s in sections if s.kind is SectionKind.EXPERIENCE]
    if ranges:
        numbers = [n for s in ranges for n in range(s.first_line + 1, s.last_line + 1)]
    else:
        numbers = sorted(by_number)
    today = today or dt.date.today()
    entries: list[ExperienceEntry] = []
    consumed: set[int] = set()
    for idx, number in enumerate(numbers):
        line = by_number.get(number)
        if line is None or number in consumed or line.text.startswith("•"):
            continue
        text = line.text
        m = DATE_RANGE.search(text)
        nxt_line = by_number.get(numbers[idx + 1]) if idx + 1 < len(numbers) else None
        if nxt_line is not None:
            # a date range wrapped onto the next line: "... | Mar 2017 – Dec" / "2021", or
            # "... | September 2012" / "– June 2014" (whose dash cleaning read as a bullet)
            nxt_text = nxt_line.text
            if nxt_text.startswith("• "):
                nxt_text = "– " + nxt_text[2:]
            both = f"{text} {nxt_text}"
            m2 = DATE_RANGE.search(both)
            if (
                m2 is not None
                and m2.start() < len(text) < m2.end()
                and (m is None or (m2.start() == m.start() and m2.end() > m.end()))
            ):
                text, m = both, m2
                consumed.add(nxt_line.number)
        if not m:
            continue
        start_s = m.group("start") or m.group("since")
        end_s = m.group("end")
        start = _parse_date(start_s) if start_s else None
        if start is None:
            continue
        current = end_s is None or _parse_date(end_s) is None
        end = None if current or end_s is None else _parse_date(end_s)
        if end is not None and end < start:
            continue
        if start > (today.year, today.month):
            continue
        rest = (text[: m.start()] + " " + text[m.end() :]).strip(" |,·–—-()")
        prev = by_number.get(numbers[idx - 1]) if idx > 0 else None
        if (
            rest
            and prev is not None
            and prev.bold
            and line.bold
            and prev.font_size == line.font_size
            and not prev.text.startswith("•")
            and not DATE_RANGE.search(prev.text)
            and re.search(r"[,|·]", prev.text)
            and not _SPLIT.search(rest)
        ):
            # a bold entry header wrapped before its dates: "Engineer, Vistula" / "Analytics | 2021"
            rest = f"{prev.text} {rest}"
        title, employer = _title_employer(rest)
        if title is None and idx > 0:
            prev = by_number.get(numbers[idx - 1])
            if prev is not None and not DATE_RANGE.search(prev.text):
                title, employer = _title_employer(prev.text)
        elif employer is None and idx + 1 < len(numbers):
            nxt = by_number.get(numbers[idx + 1])
            if (
                nxt is not None
                and nxt.number not in consumed
                and not nxt.text.startswith("•")
                and len(nxt.text) <= 60
                and not DATE_RANGE.search(nxt.text)
            ):
                employer = _title_employer(nxt.text)[0]
        entries.append(
            ExperienceEntry(
                title=title,
                employer=employer,
                start=_fmt(start),
                end=None if end is None else _fmt(end),
                current=current,
                line=line.number,
            )
        )
    return entries


def total_years(
    entries: Sequence[ExperienceEntry], *, today: dt.date | None = None
) -> float | None:
    """Years covered by the entries' date ranges, overlaps merged; None without entries."""
    today = today or dt.date.today()
    spans: list[tuple[int, int]] = []
    for e in entries:
        if e.start is None:
            continue
        y, mo = (int(p) for p in e.start.split("-"))
        start = y * 12 + mo - 1
        if e.current or e.end is None:
            end = today.year * 12 + today.month - 1
        else:
            y2, mo2 = (int(p) for p in e.end.split("-"))
            end = y2 * 12 + mo2 - 1
        if end > start:
            spans.append((start, end))
    if not spans:
        return None
    spans.sort()
    months = 0
    cur_s, cur_e = spans[0]
    for span_start, span_end in spans[1:]:
        if span_start <= cur_e:
            cur_e = max(cur_e, span_end)
        else:
            months += cur_e - cur_s
            cur_s, cur_e = span_start, span_end
    months += cur_e - cur_s
    return round(months / 12, 1)
