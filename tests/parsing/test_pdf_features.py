"""PDF details: glyph order vs reading order, hidden text, margins, icon fonts, letter spacing,
tables, small text and image-only pages. PDFs are drawn here (reportlab canvas, raw objects)
or converted by LibreOffice in the session fixture."""

from __future__ import annotations

from typing import Any

import pytest

from matcher import parse
from matcher.models import SectionKind
from tests.documents import (
    TWO_COLUMN_LEFT,
    TWO_COLUMN_RIGHT,
    canvas_pdf,
    hidden_text_pdf,
    icon_font_pdf,
    image_only_pdf,
    two_column_pdf,
)

K = SectionKind
LEFT, RIGHT = TWO_COLUMN_LEFT, TWO_COLUMN_RIGHT


@pytest.mark.parametrize("right_first", [True, False], ids=["right-drawn-first", "left-first"])
def test_parse_two_columns_any_drawing_order(right_first: bool) -> None:
    doc = parse(two_column_pdf(right_first=right_first))
    assert doc.text.splitlines() == ["Ada Example", *LEFT, *RIGHT]
    assert [s.kind for s in doc.sections] == [K.HEADER, K.SKILLS, K.EDUCATION, K.EXPERIENCE]
    assert next(s for s in doc.sections if s.kind is K.SKILLS).text.splitlines() == LEFT[1:6]
    assert [w.code for w in doc.warnings] == ["multi-column"]


def test_parse_right_aligned_dates_are_not_a_column() -> None:
    def draw(c: Any, _page: int) -> None:
        c.setFont("Helvetica-Bold", 12)
        c.drawString(50, 780, "EXPERIENCE")
        y = 760
        for title, dates in [
            ("Data Engineer, Northwind", "2019 – 2022"),
            ("Analyst, Contoso", "2016 – 2019"),
            ("Intern, Fabrikam", "2015 – 2016"),
        ]:
            c.setFont("Helvetica-Bold", 10)
            c.drawString(50, y, title)
            c.setFont("Helvetica", 10)
            c.drawRightString(545, y, dates)
            c.drawString(50, y - 14, "• Built reports and pipelines for the finance team.")
            y -= 34

    doc = parse(canvas_pdf(draw))
    assert "multi-column" not in {w.code for w in doc.warnings}
    assert "Data Engineer, Northwind 2019 – 2022" in doc.text.splitlines()
    assert [(e.title, e.employer, e.start, e.end) for e in doc.experience] == [
        ("Data Engineer", "Northwind", "2019-01", "2022-01"),
        ("Analyst", "Contoso", "2016-01", "2019-01"),
        ("Intern", "Fabrikam", "2015-01", "2016-01"),
    ]
    assert doc.years_experience == 7.0


HIDDEN_CASES = ["white", "render3", "tiny", "offpage", "background"]


@pytest.mark.parametrize("how", HIDDEN_CASES)
def test_parse_hidden_text_reported_and_excluded(how: str) -> None:
    visible = ["Jo Visible", "SKILLS", "React, TypeScript, CSS"]
    data = hidden_text_pdf(visible, [(how, "Keywords PyTorch Kubernetes TensorFlow")])
    doc = parse(data)
    assert doc.text.splitlines() == visible
    assert "PyTorch" not in doc.text
    assert all("PyTorch" not in s.text for s in doc.sections)
    assert "PyTorch" in doc.hidden_text
    warning = next(w for w in doc.warnings if w.code == "hidden-text")
    assert warning.pages == (1,)
    (hidden_line,) = [ln for ln in doc.lines if ln.hidden]
    assert hidden_line.start == hidden_line.end == -1


def test_parse_white_text_on_dark_box_is_visible() -> None:
    doc = parse(hidden_text_pdf(["Jo Visible"], [("onblack", "Banner PyTorch")]))
    assert "Banner PyTorch" in doc.text
    assert not doc.hidden_text
    assert "hidden-text" not in {w.code for w in doc.warnings}


def test_parse_hidden_only_pdf_has_no_text() -> None:
    from matcher.errors import NoTextError

    with pytest.raises(NoTextError, match="hidden"):
        parse(hidden_text_pdf([], [("white", "PyTorch"), ("render3", "Kubernetes")]))


def test_parse_repeated_header_footer_flagged() -> None:
    def draw(c: Any, page: int) -> None:
        c.setFont("Helvetica", 8)
        c.drawString(50, 815, "Jo Doe · jo@example.org")  # header on every page
        c.drawCentredString(297, 20, f"Page {page + 1} of 2")
        c.setFont("Helvetica", 10)
        for i in range(12):
            c.drawString(50, 760 - 14 * i, f"Body line {i} of page {page + 1} about data work.")

    doc = parse(canvas_pdf(draw, pages=2))
    assert doc.pages == 2
    hf = [ln for ln in doc.lines if ln.in_header_footer]
    assert {ln.text for ln in hf} == {"Jo Doe · jo@example.org", "Page 1 of 2", "Page 2 of 2"}
    warning = next(w for w in doc.warnings if w.code == "header-footer-text")
    assert warning.pages == (1, 2)
    assert doc.contact.email == "jo@example.org"  # still read for display


def test_parse_icon_font_glyphs_dropped_and_counted() -> None:
    doc = parse(
        icon_font_pdf([("0041", "alfred@example.org"), ("0042", "+1 555 010 9999"), ("", "Skills")])
    )
    assert doc.text.splitlines() == ["alfred@example.org", "+1 555 010 9999", "Skills"]
    assert "(cid:" not in doc.text
    warning = next(w for w in doc.warnings if w.code == "icon-font-glyphs")
    assert warning.count == 2
    assert doc.contact.email == "alfred@example.org"


def test_parse_letter_spaced_heading_rebuilt_from_glyph_gaps() -> None:
    def draw(c: Any, _page: int) -> None:
        t = c.beginText(50, 780)
        t.setFont("Helvetica-Bold", 12)
        t.setCharSpace(4)
        t.textLine("WORK EXPERIENCE")
        t.setCharSpace(0)
        t.setFont("Helvetica", 10)
        t.textLine("Engineer, Initech | 2018 – 2020")
        t.textLine("Kept the TPS reports on time with Python scripts.")
        c.drawText(t)

    doc = parse(canvas_pdf(draw))
    assert doc.lines[0].text == "WORK EXPERIENCE"
    assert doc.sections[0].kind is K.EXPERIENCE
    assert doc.sections[0].heading == "WORK EXPERIENCE"


def test_parse_small_text_warning() -> None:
    def draw(c: Any, _page: int) -> None:
        c.setFont("Helvetica", 10)
        c.drawString(50, 780, "A readable line of text about Python.")
        c.setFont("Helvetica", 4.5)
        c.drawString(50, 760, "Fine print that is visible but hard to read.")

    doc = parse(canvas_pdf(draw))
    assert "Fine print" in doc.text  # visible, so kept
    assert next(w for w in doc.warnings if w.code == "small-text").count == 1


def test_parse_image_only_page_among_text_pages() -> None:
    from pypdf import PdfReader, PdfWriter

    text_pdf = canvas_pdf(lambda c, _p: c.drawString(50, 780, "Page one has text: Python."))
    writer = PdfWriter()
    for source in (text_pdf, image_only_pdf(1)):
        for page in PdfReader(__import__("io").BytesIO(source)).pages:
            writer.add_page(page)
    buf = __import__("io").BytesIO()
    writer.write(buf)
    doc = parse(buf.getvalue())
    assert doc.pages == 2
    warning = next(w for w in doc.warnings if w.code == "image-only-page")
    assert warning.pages == (2,)


@pytest.mark.slow
def test_parse_libreoffice_table_keeps_rows(libreoffice_pdfs: dict[str, bytes]) -> None:
    doc = parse(libreoffice_pdfs["table"])
    skills = next(s for s in doc.sections if s.kind is K.SKILLS)
    # each table row stays one line, its cells in order (skill, years) and kept apart
    expected = [
        ("Skill", "Years"),
        ("Python", "2"),
        ("PyTorch", "3"),
        ("scikit-learn", "4"),
        ("Kubernetes", "5"),
        ("PostgreSQL", "1"),
        ("Airflow", "2"),
    ]
    assert skills.rows == tuple(expected)
    assert skills.text.splitlines() == [" | ".join(row) for row in expected]
    assert [ln.table_row for ln in doc.lines if ln.table_row] == list(range(1, 8))


def _skills_table(c: Any, _page: int) -> None:
    c.setFont("Helvetica-Bold", 12)
    c.drawString(50, 780, "SKILLS MATRIX")
    rows = [
        ("Category", "Tools", "Since"),
        ("Languages", "Python, Go, SQL", "2014"),
        ("Platform", "Kubernetes, Helm, Argo CD,", "2019"),
        ("", "Terraform, KServe", ""),  # the Tools cell wraps onto a second line
        ("Cloud", "GCP, AWS", "2017 – present"),
    ]
    c.setFont("Helvetica", 10)
    for i, cells in enumerate(rows):
        y = 760 - 14 * i
        for x, cell in zip((50, 160, 400), cells, strict=True):
            if cell:
                c.drawString(x, y, cell)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(50, 670, "EXPERIENCE")
    c.setFont("Helvetica", 10)
    c.drawString(50, 654, "Engineer, Initech | 2019 – Present")
    c.drawString(50, 640, "• Kept the platform up.")


def test_parse_pdf_table_keeps_rows_and_cells() -> None:
    doc = parse(canvas_pdf(_skills_table))
    skills = next(s for s in doc.sections if s.kind is K.SKILLS)
    assert skills.heading == "SKILLS MATRIX"
    assert skills.rows == (
        ("Category", "Tools", "Since"),
        ("Languages", "Python, Go, SQL", "2014"),
        ("Platform", "Kubernetes, Helm, Argo CD, Terraform, KServe", "2019"),
        ("Cloud", "GCP, AWS", "2017 – present"),
    )
    assert "multi-column" not in {w.code for w in doc.warnings}  # a number column is no column
    assert [ln.table_row for ln in doc.lines if ln.table_row] == [1, 2, 3, 4]
    assert next(w for w in doc.warnings if w.code == "table-layout").count == 4
    assert [(e.employer, e.start) for e in doc.experience] == [("Initech", "2019-01")]


@pytest.mark.slow
def test_parse_libreoffice_page_header(libreoffice_pdfs: dict[str, bytes]) -> None:
    doc = parse(libreoffice_pdfs["header"])
    assert doc.pages == 2
    assert doc.contact.name == "Marta Kowalczyk"
    assert doc.contact.email == "marta.kowalczyk@example.org"
    assert "header-footer-text" in {w.code for w in doc.warnings}
    assert all(ln.in_header_footer for ln in doc.lines if "Kowalczyk" in ln.text)


def _right_sidebar(c: Any, page: int) -> None:
    """A wide main column (left) that runs onto page 2 and a narrow sidebar on the right."""
    c.setFont("Helvetica", 10)
    if page == 0:
        c.setFont("Helvetica-Bold", 20)
        c.drawString(50, 790, "Ada Example")
        c.setFont("Helvetica-Bold", 11)
        c.drawString(50, 750, "EXPERIENCE")
        c.drawString(430, 750, "SKILLS")
        c.setFont("Helvetica", 10)
        for i, skill in enumerate(["Python", "Go", "Kafka", "Terraform", "Redis"]):
            c.drawString(430, 734 - 14 * i, skill)
        c.drawString(50, 734, "Platform Engineer, Initech | 2018 – Present")
        for i in range(40):
            c.drawString(50, 720 - 16 * i, f"• Platform change number {i} shipped on time.")
    else:
        for i in range(40, 46):
            c.drawString(
                50, 790 - 16 * i + 16 * 40, f"• Platform change number {i} shipped on time."
            )
        c.setFont("Helvetica-Bold", 11)
        c.drawString(50, 680, "EDUCATION")
        c.setFont("Helvetica", 10)
        c.drawString(50, 664, "BSc Physics, 2017")


def test_parse_narrow_right_sidebar_read_before_the_main_column() -> None:
    doc = parse(canvas_pdf(_right_sidebar, pages=2))
    kinds = [(s.kind, s.heading) for s in doc.sections]
    assert kinds == [
        (K.HEADER, ""),
        (K.SKILLS, "SKILLS"),
        (K.EXPERIENCE, "EXPERIENCE"),
        (K.EDUCATION, "EDUCATION"),
    ]
    assert doc.lines[0].text == "Ada Example"  # the name above the sidebar stays first
    experience = doc.sections[2]
    # the main column's continuation on page 2 stays in its own section
    assert experience.text.count("Platform change number") == 46
    assert experience.page == 1
    assert doc.section_at(doc.text.index("number 45")) is experience


@pytest.mark.slow
def test_parse_chromium_right_dark_sidebar_two_pages(chromium_pdfs: dict[str, bytes]) -> None:
    doc = parse(chromium_pdfs["right"])
    assert doc.pages == 2
    assert not doc.hidden_text  # white on the dark sidebar is visible, not hidden
    skills = next(s for s in doc.sections if s.kind is K.SKILLS)
    assert skills.text.splitlines() == [
        "Python", "PyTorch", "scikit-learn", "Kubernetes", "PostgreSQL", "Airflow",
    ]  # fmt: skip
    experience = next(s for s in doc.sections if s.kind is K.EXPERIENCE)
    flat = " ".join(experience.text.split())
    assert all(f"improvement number {i} " in flat for i in range(1, 31))  # pages 1 and 2
    assert [s.kind for s in doc.sections][-2:] == [K.EDUCATION, K.PROJECTS]
    assert next(s for s in doc.sections if s.kind is K.EDUCATION).page == 2
    assert doc.contact.name == "Marta Kowalczyk"


def test_parse_label_column_headings_split_from_their_row() -> None:
    """JSON-Resume-style layout: big section labels in a left column, on the same baseline as
    the first line of their content."""

    def draw(c: Any, _page: int) -> None:
        c.setFont("Helvetica-Bold", 22)
        c.drawString(50, 790, "Ada Example")
        y = 740
        for label, rows in [
            ("Work", ["CEO, Pied Piper | 2013 – 2014", "Built a compression engine."]),
            ("Education", ["BSc Computer Science, 2012", "University of Oklahoma"]),
            ("Skills", ["Python, C++, Compression", "Video codecs"]),
        ]:
            c.setFont("Helvetica-Bold", 16)
            c.drawString(50, y, label)
            c.setFont("Helvetica", 10)
            for i, row in enumerate(rows):
                c.drawString(160, y - 14 * i, row)
            y -= 60

    doc = parse(canvas_pdf(draw))
    assert [(s.kind, s.heading) for s in doc.sections] == [
        (K.HEADER, ""),
        (K.EXPERIENCE, "Work"),
        (K.EDUCATION, "Education"),
        (K.SKILLS, "Skills"),
    ]
    assert doc.sections[1].text.splitlines() == [
        "CEO, Pied Piper | 2013 – 2014",
        "Built a compression engine.",
    ]
    assert [(e.title, e.employer) for e in doc.experience] == [("CEO", "Pied Piper")]


def test_parse_resume_flattened_onto_one_line() -> None:
    line = (
        "Ada Example ada@example.org | +47 912 34 567 PROFILE Platform engineer for ML teams "
        "who builds the paved road for training and serving. SKILLS MATRIX Category Tools "
        "Languages Python, Go, SQL Platform Kubernetes, Helm, Terraform EXPERIENCE Senior "
        "Engineer - Nordlys (2022 – Present) Built GPU training clusters for 40 researchers. "
        "EDUCATION MSc Informatics, University of Oslo, 2018"
    )

    def draw(c: Any, _page: int) -> None:
        c.setFont("Helvetica", 2.5)  # tiny, but above the 2 pt "hidden" threshold
        assert c.stringWidth(line, "Helvetica", 2.5) < 550  # the whole line is on the page
        c.drawString(20, 800, line)

    doc = parse(canvas_pdf(draw))
    assert [(s.kind, s.heading) for s in doc.sections] == [
        (K.HEADER, ""),
        (K.SUMMARY, "PROFILE"),
        (K.SKILLS, "SKILLS MATRIX"),
        (K.EXPERIENCE, "EXPERIENCE"),
        (K.EDUCATION, "EDUCATION"),
    ]
    assert doc.contact.email == "ada@example.org"
    assert {ln.top for ln in doc.lines} == {doc.lines[0].top}  # all from the one printed line
    assert "small-text" in {w.code for w in doc.warnings}


def test_parse_pdfminer_warnings_stay_out_of_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    """pdfminer's warnings can quote document bytes; none may reach a log (privacy)."""
    import logging

    from tests.documents import icon_font_pdf  # its CID font has no FontBBox: pdfminer warns

    logging.getLogger("pdfminer").setLevel(logging.NOTSET)  # as an application leaves it
    with caplog.at_level(logging.DEBUG):
        parse(icon_font_pdf([("0041", "secret.person@example.org")]))
    assert not [r for r in caplog.records if r.name.startswith("pdfminer")]


def test_parse_sideways_text_read_whole_and_flagged() -> None:
    def draw(c: Any, _page: int) -> None:
        c.setFont("Helvetica-Bold", 18)
        c.drawString(60, 790, "Ada Example")
        c.setFont("Helvetica-Bold", 12)
        c.drawString(60, 750, "SKILLS")
        c.setFont("Helvetica", 10)
        c.drawString(60, 734, "Python, SQL, Docker")
        for x, y, angle, text in [
            (30, 400, 90, "CURRICULUM VITAE"),
            (570, 600, -90, "Updated 2024"),
        ]:
            c.saveState()
            c.translate(x, y)
            c.rotate(angle)
            c.drawString(0, 0, text)
            c.restoreState()

    doc = parse(canvas_pdf(draw))
    # each sideways line is one line of text (not one line per letter), read in its direction
    assert doc.text.splitlines() == [
        "Ada Example",
        "SKILLS",
        "Python, SQL, Docker",
        "CURRICULUM VITAE",
        "Updated 2024",
    ]
    warning = next(w for w in doc.warnings if w.code == "rotated-text")
    assert warning.count == 2
    assert "small-text" not in {w.code for w in doc.warnings}
