"""DOCX (python-docx) and plain text give the same ``Document`` as a PDF: sections with kinds
and printed headings, contact, experience; tables keep rows; encodings are detected."""

from __future__ import annotations

import pytest

from matcher import parse
from matcher.models import Document, SectionKind
from tests.documents import make_docx, make_text, sample_resume

K = SectionKind
KINDS = [K.HEADER, K.SKILLS, K.LANGUAGES, K.SUMMARY, K.EXPERIENCE, K.EDUCATION, K.PROJECTS]
SKILLS = ["Python", "PyTorch", "scikit-learn", "Kubernetes", "PostgreSQL", "Airflow"]


def _check_resume(doc: Document) -> None:
    assert [s.kind for s in doc.sections] == KINDS
    assert doc.contact.name == "Marta Kowalczyk"
    assert doc.contact.email == "marta.kowalczyk@example.org"
    assert doc.contact.phone == "+48 601 234 567"
    assert [(e.employer, e.start, e.end) for e in doc.experience] == [
        ("Vistula Analytics", "2021-01", None),
        ("Baltic Retail", "2017-03", "2021-12"),
    ]
    for ln in doc.lines:
        assert doc.text[ln.start : ln.end] == ln.text
        assert ln.page == 1


def test_parse_docx_resume() -> None:
    doc = parse(make_docx(sample_resume()), filename="resume.docx")
    assert doc.format == "docx"
    _check_resume(doc)
    assert [s.heading for s in doc.sections][1:] == [
        "Skills", "Languages", "Summary", "Experience", "Education", "Projects",
    ]  # fmt: skip
    skills = next(s for s in doc.sections if s.kind is K.SKILLS)
    assert skills.text.splitlines() == SKILLS
    bullets = [ln.text for ln in doc.lines if ln.text.startswith("• ")]
    assert bullets[0] == "• Built a demand forecasting service in PyTorch serving 40 warehouses."
    assert not doc.warnings


def test_parse_docx_skills_table_keeps_rows() -> None:
    doc = parse(make_docx(sample_resume(), skills_table=True))
    skills = next(s for s in doc.sections if s.kind is K.SKILLS)
    assert skills.rows[0] == ("Skill", "Years")
    assert skills.rows[1:] == tuple((s, str(1 + i % 5)) for i, s in enumerate(SKILLS, start=1))
    assert [ln.table_row for ln in doc.lines if ln.table_row] == list(range(1, 8))
    assert "table-layout" in {w.code for w in doc.warnings}


def test_parse_docx_page_header_read_and_flagged() -> None:
    doc = parse(make_docx(sample_resume(), header=True))
    assert doc.lines[0].text == "Marta Kowalczyk"
    assert doc.lines[0].in_header_footer
    assert doc.contact.name == "Marta Kowalczyk"
    assert doc.contact.email == "marta.kowalczyk@example.org"
    warning = next(w for w in doc.warnings if w.code == "header-footer-text")
    assert warning.count == 2


def _layout_table_docx() -> bytes:
    """A Word template layout: one table row, a sidebar cell and a main cell."""
    import io

    import docx

    d = docx.Document()
    left, right = d.add_table(rows=1, cols=2).rows[0].cells
    left.paragraphs[0].text = "Tomasz Nowak"
    for cell, texts in (
        (left, ["tomasz@example.com", "SKILLS", "Go", "Rust", "gRPC", "Terraform"]),
        (
            right,
            [
                "PROFESSIONAL EXPERIENCE",
                "Backend Engineer, Allegro | 06/2019 – Present",
                "• Built payment services in Go handling 3k rps.",
                "EDUCATION",
                "BSc Computer Science, 2016",
            ],
        ),
    ):
        for text in texts:
            run = cell.add_paragraph().add_run(text)
            run.bold = text.isupper()
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)  # the empty first one
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_parse_docx_layout_table_read_cell_by_cell() -> None:
    doc = parse(_layout_table_docx())
    assert [(s.kind, s.heading) for s in doc.sections] == [
        (K.HEADER, ""),
        (K.SKILLS, "SKILLS"),
        (K.EXPERIENCE, "PROFESSIONAL EXPERIENCE"),
        (K.EDUCATION, "EDUCATION"),
    ]
    assert doc.sections[1].text.splitlines() == ["Go", "Rust", "gRPC", "Terraform"]
    assert doc.contact.name == "Tomasz Nowak"
    assert [(e.employer, e.start) for e in doc.experience] == [("Allegro", "2019-06")]
    assert all(ln.table_row is None for ln in doc.lines)  # layout, not data rows
    assert "table-layout" in {w.code for w in doc.warnings}


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", False), ("utf-8", True), ("utf-16-le", True), ("utf-16-be", False)],
)
def test_parse_text_encodings(encoding: str, bom: bool) -> None:
    data = make_text(sample_resume(), encoding=encoding, bom=bom)
    doc = parse(data, filename="resume.txt")
    assert doc.format == "text"
    _check_resume(doc)
    assert "\ufeff" not in doc.text
    assert "Kraków" in doc.text  # the non-ASCII letter survives every encoding
    assert [s.heading for s in doc.sections][1] == "SKILLS"


def test_parse_text_cp1252_fallback() -> None:
    text = "Zoë Brontë\nzoe@example.org\nSKILLS\nPython, SQL – 5 years\n"
    doc = parse(text.encode("cp1252"))
    assert doc.contact.name == "Zoë Brontë"
    assert "SQL - 5 years" in doc.text or "SQL – 5 years" in doc.text


def test_parse_text_mojibake_repaired() -> None:
    text = "Jo Doe\nSKILLS\n• Python\n• Café ordering app"
    mojibake = text.encode("utf-8").decode("cp1252").encode("utf-8")
    doc = parse(mojibake)
    assert "• Café ordering app" in doc.text.splitlines()


def test_parse_text_crlf_and_blank_lines() -> None:
    doc = parse(b"Jo Doe\r\n\r\n\r\nSKILLS\r\nPython\rSQL\n")
    assert doc.text == "Jo Doe\nSKILLS\nPython\nSQL"
    assert [ln.number for ln in doc.lines] == [1, 2, 3, 4]


def _stuffed_docx() -> bytes:
    """Visible text, plus keywords hidden four ways (a known way to game keyword scores)."""
    import io

    import docx
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml import parse_xml
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    d.add_paragraph("Jo Visible")
    d.add_heading("Skills", level=1)
    para = d.add_paragraph("React, TypeScript")
    para.add_run(" PyTorch Kubernetes").font.hidden = True  # Word's hidden text
    white = d.add_paragraph().add_run("TensorFlow MLflow")
    white.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)  # white on the white page
    d.add_paragraph().add_run("CUDA Triton").font.size = Pt(1)  # tiny
    banner = d.add_paragraph().add_run("White on navy banner")  # visible: shaded paragraph
    banner.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    banner._r.getparent().get_or_add_pPr().append(
        parse_xml(
            '<w:shd xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'w:val="clear" w:color="auto" w:fill="1F2A44"/>'
        )
    )
    marked = d.add_paragraph().add_run("Highlighted note")  # visible: highlighted
    marked.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    marked.font.highlight_color = WD_COLOR_INDEX.BLACK
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_parse_docx_hidden_text_reported_and_excluded() -> None:
    doc = parse(_stuffed_docx())
    assert doc.text.splitlines() == [
        "Jo Visible",
        "Skills",
        "React, TypeScript",
        "White on navy banner",
        "Highlighted note",
    ]
    for word in ("PyTorch", "Kubernetes", "TensorFlow", "MLflow", "CUDA"):
        assert word not in doc.text
        assert word in doc.hidden_text
    skills = next(s for s in doc.sections if s.kind is K.SKILLS)
    assert "PyTorch" not in skills.text
    warning = next(w for w in doc.warnings if w.code == "hidden-text")
    assert warning.count == 3
    hidden = [ln for ln in doc.lines if ln.hidden]
    assert [ln.start for ln in hidden] == [-1, -1, -1]


_TEXTBOX = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><wps:txbx><w:txbxContent>{body}</w:txbxContent></wps:txbx></mc:Choice>
    <mc:Fallback><v:textbox><w:txbxContent>{body}</w:txbxContent></v:textbox></mc:Fallback>
  </mc:AlternateContent>
</w:r>"""
_BOX_PARAS = (
    "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>SKILLS</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>Python, Go</w:t></w:r></w:p>"
    "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>PyTorch Kubernetes</w:t></w:r></w:p>"
)


def test_parse_docx_text_box_read_once_with_hidden_runs() -> None:
    """A sidebar in a Word text box: stored twice (DrawingML + VML fallback), read once."""
    import io

    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_paragraph("Jo Visible")
    anchor = d.add_paragraph("Experience")
    anchor._p.append(parse_xml(_TEXTBOX.format(body=_BOX_PARAS)))
    d.add_paragraph("Engineer, Initech | 2019 – 2021")
    buf = io.BytesIO()
    d.save(buf)
    doc = parse(buf.getvalue())
    assert doc.text.count("Python, Go") == 1
    assert "PyTorch" not in doc.text
    assert "PyTorch Kubernetes" in doc.hidden_text
    skills_line = next(ln for ln in doc.lines if ln.text == "SKILLS")
    assert skills_line.bold
