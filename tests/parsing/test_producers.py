"""One resume printed by every producer: reading order, sections, contact, experience, lines.

The same ``sample_resume()`` goes through reportlab (platypus frames), fpdf2, LibreOffice (from
.docx) and headless Chromium (HTML: one column, a CSS-grid sidebar, CSS ``column-count``). In
the two-column layouts the sidebar (skills, languages) must come out whole, before the main
column, never interleaved with it, whatever order the producer drew the glyphs in.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher import parse
from matcher.models import Document, SectionKind

K = SectionKind
SKILLS = ["Python", "PyTorch", "scikit-learn", "Kubernetes", "PostgreSQL", "Airflow"]
LANGUAGES = ["Polish (native)", "English (C1)", "German (B1)"]
KINDS = [K.HEADER, K.SKILLS, K.LANGUAGES, K.SUMMARY, K.EXPERIENCE, K.EDUCATION, K.PROJECTS]
HEADINGS = ["", "skills", "languages", "summary", "experience", "education", "projects"]
EXPERIENCE_ORDER = [
    "Senior ML Engineer, Vistula Analytics",
    "demand forecasting service",
    "Moved feature pipelines",
    "Mentored four engineers",
    "Data Scientist, Baltic Retail",
    "gradient boosting",
    "reporting layer on PostgreSQL",
]

CASES = [
    pytest.param(("reportlab", "1col"), id="reportlab-1col"),
    pytest.param(("reportlab", "2col"), id="reportlab-2col"),
    pytest.param(("fpdf2", "1col"), id="fpdf2-1col"),
    pytest.param(("fpdf2", "2col"), id="fpdf2-2col"),
    pytest.param(("libreoffice", "1col"), id="libreoffice-1col", marks=pytest.mark.slow),
    pytest.param(("libreoffice", "2col"), id="libreoffice-2col", marks=pytest.mark.slow),
    pytest.param(("chromium", "1col"), id="chromium-1col", marks=pytest.mark.slow),
    pytest.param(("chromium", "2col"), id="chromium-grid", marks=pytest.mark.slow),
    pytest.param(("chromium", "css"), id="chromium-css-columns", marks=pytest.mark.slow),
]


_PARSED: dict[tuple[str, str], Document] = {}


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest) -> tuple[str, str, Document]:
    producer, layout = request.param
    if (producer, layout) not in _PARSED:
        if producer in ("reportlab", "fpdf2"):
            data = request.getfixturevalue("inprocess_pdfs")[(producer, layout)]
        else:
            data = request.getfixturevalue(f"{producer}_pdfs")[layout]
        _PARSED[producer, layout] = parse(data, filename="resume.pdf")
    return producer, layout, _PARSED[producer, layout]


def test_parse_producer_reads_columns_in_order(case: tuple[str, str, Document]) -> None:
    _producer, layout, doc = case
    skills = next(s for s in doc.sections if s.kind is K.SKILLS)
    # the sidebar is read whole: no main-column text between its items
    assert skills.text.splitlines() == SKILLS
    languages = next(s for s in doc.sections if s.kind is K.LANGUAGES)
    assert languages.text.splitlines() == LANGUAGES
    experience = next(s for s in doc.sections if s.kind is K.EXPERIENCE)
    flat = " ".join(experience.text.split())
    positions = [flat.find(part) for part in EXPERIENCE_ORDER]
    assert -1 not in positions, flat
    assert positions == sorted(positions)
    # words are whole: no broken or glued words from column wrapping
    assert "scikit-learn" in doc.text
    assert "scikitlearn" not in doc.text
    multi = [w for w in doc.warnings if w.code == "multi-column"]
    if layout == "1col":
        assert not multi
        assert {ln.column for ln in doc.lines} == {0}
    else:
        assert multi
        assert multi[0].pages == (1,)
        column = {ln.text: ln.column for ln in doc.lines}
        assert column["Python"] == column["German (B1)"] == 1  # the sidebar
        assert next(c for t, c in column.items() if "ranking metrics" in t) == 2  # main column


def test_parse_producer_sections_keep_printed_headings(case: tuple[str, str, Document]) -> None:
    _producer, _layout, doc = case
    assert [s.kind for s in doc.sections] == KINDS
    assert [s.heading.lower() for s in doc.sections] == HEADINGS
    for section in doc.sections[1:]:
        heading_line = next(ln for ln in doc.lines if ln.number == section.first_line)
        assert heading_line.text == section.heading  # as printed (SKILLS vs Skills)
    assert doc.section_at(doc.text.index("Jagiellonian")).kind is K.EDUCATION


def test_parse_producer_contact(case: tuple[str, str, Document]) -> None:
    _producer, _layout, doc = case
    assert doc.contact.name == "Marta Kowalczyk"
    assert doc.contact.email == "marta.kowalczyk@example.org"
    assert doc.contact.phone == "+48 601 234 567"
    assert doc.contact.location == "Kraków, Poland"


def test_parse_producer_experience_and_years(case: tuple[str, str, Document]) -> None:
    _producer, _layout, doc = case
    entries = [(e.title, e.employer, e.start, e.end, e.current) for e in doc.experience]
    assert entries == [
        ("Senior ML Engineer", "Vistula Analytics", "2021-01", None, True),
        ("Data Scientist", "Baltic Retail", "2017-03", "2021-12", False),
    ]
    today = dt.date.today()
    months = today.year * 12 + today.month - 1 - (2017 * 12 + 2)  # overlap counted once
    assert doc.years_experience == round(months / 12, 1)


def test_parse_producer_lines_have_positions(case: tuple[str, str, Document]) -> None:
    producer, _layout, doc = case
    assert doc.format == "pdf"
    if producer != "fpdf2":  # fpdf2 writes no /Producer
        assert doc.producer  # e.g. "LibreOffice 7.4", "Skia/PDF m156", "ReportLab PDF Library"
    visible = [ln for ln in doc.lines if not ln.hidden]
    assert [ln.number for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    for ln in visible:
        assert doc.text[ln.start : ln.end] == ln.text
        assert 1 <= ln.page <= doc.pages
        assert 0 <= ln.x0 < ln.x1
        assert 0 <= ln.top < ln.bottom
    assert [ln.page for ln in visible] == sorted(ln.page for ln in visible)
    name = next(ln for ln in visible if "Kowalczyk" in ln.text)
    assert name.page == 1
    assert name.top < 120
    assert name.font_size == max(ln.font_size for ln in visible)
    heading = next(ln for ln in visible if ln.text.lower() == "experience")
    assert heading.bold or (producer == "libreoffice" and heading.font_size > 11)
    # within one column, reading order goes down the page
    for col in {ln.column for ln in visible}:
        tops = [(ln.page, ln.top) for ln in visible if ln.column == col]
        assert tops == sorted(tops)
