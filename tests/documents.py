"""Every synthetic document the tests and the benchmarks use, from one ``Resume`` model.

```python
from tests.documents import Resume, make_pdf, make_docx, make_text, sample_resume

pdf = make_pdf(sample_resume(), producer="chromium", columns=2)
```

One function per producer:

- ``make_pdf(resume, producer=...)``: ``reportlab`` (platypus frames), ``fpdf2``,
  ``libreoffice`` (``make_docx`` → ``docx_to_pdf``), ``chromium`` (``resume_html`` →
  ``html_to_pdf``; ``print_html_files`` prints many files from one browser for the bench).
  ``columns=2`` puts the ``side`` sections in a left sidebar (reportlab, fpdf2, chromium grid) or
  uses real two-column page sections (LibreOffice) / CSS ``column-count: 2`` (``chromium``, with
  ``css_columns=True``).
- ``make_docx`` (python-docx) and ``make_text`` (plain text).
- ``canvas_pdf`` (reportlab's canvas: full control over glyph order, colours, render modes),
  ``hidden_text_pdf``, ``image_only_pdf`` (a scan), ``encrypted_pdf`` (pypdf), ``truncated_pdf``.
- ``raw_pdf`` writes PDF objects byte by byte with a correct xref table, for what no producer makes
  on purpose: an icon font without a Unicode map, a decompression bomb, deep nesting, a content
  stream that takes pdfminer minutes, thousands of pages; and the files that kept pdfminer busy
  for a minute before it read a page (``slow_to_open_pdf``: no xref, a huge object stream, a
  content stream that is one nested array, a huge ToUnicode CMap).
- scans made from those PDFs (``scanned_pdf``, ``scanned_image``: pages rendered with PDFium
  into pixels, no text layer), ``png_image`` (a tiny photo with no text), ``gif_image`` (not a
  resume type), ``huge_png`` (a pixel bomb), job postings (``JOB_POSTING_JSONLD``,
  ``JOB_POSTING_TEXT``).
- ``NON_TECHNICAL``: resumes of other trades and news prose (nurse, chef, accountant, teacher,
  lawyer, electrician, storm report...), loaded from ``tests/data/non_technical.toml`` with the
  technologies each really names; the imported-vocabulary tests count false skills on them.
- ``ROLE_FIT_RESUMES`` and ``SEARCH_RANKING_POSTING``: one resume per kind of person the role-fit
  tests meet (the five roles, a nurse, an accountant) and an ML posting with company boilerplate.

The named people (``PERSONS``: one per producer, ``CONTACTS`` their details, which the privacy
test greps the server's logs for; the job board's strong/medium/weak candidates) are made-up.
Everything is deterministic and small; the external converters are slow (seconds), so tests
share their output through session fixtures.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import html
import io
import json
import subprocess
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests import tools

__all__ = [
    "CIVIL_ENGINEER_POSTING",
    "CONTACTS",
    "DENSE_SKILLS",
    "DESIGNER_RESUME",
    "JOB_POSTING_JSONLD",
    "JOB_POSTING_PLAIN",
    "JOB_POSTING_TEXT",
    "NON_TECHNICAL",
    "PERSONS",
    "PRODUCERS",
    "ROLE_FIT_RESUMES",
    "SEARCH_RANKING_POSTING",
    "NonTechnical",
    "Resume",
    "bomb_pdf",
    "canvas_pdf",
    "chromium_available",
    "dense_pdf",
    "dense_resume",
    "docx_to_pdf",
    "encrypted_pdf",
    "gif_image",
    "hidden_text_pdf",
    "html_to_pdf",
    "huge_png",
    "icon_font_pdf",
    "image_only_pdf",
    "locked_pdf",
    "make_docx",
    "make_pdf",
    "make_text",
    "many_pages_pdf",
    "medium_pdf",
    "nested_pdf",
    "one_page",
    "person_docx",
    "person_pdf",
    "person_resume",
    "person_text",
    "png_image",
    "posting_docx",
    "posting_pdf",
    "print_html_files",
    "raw_pdf",
    "resume_html",
    "sample_resume",
    "scanned_image",
    "scanned_pdf",
    "slow_pdf",
    "soffice_available",
    "stream",
    "strong_pdf",
    "text_pages_pdf",
    "truncated_pdf",
    "weak_pdf",
]

PRODUCERS = ("reportlab", "fpdf2", "libreoffice", "chromium")
SOFFICE = ("soffice", "libreoffice")
CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "chrome")

Sections = Sequence[tuple[str, Sequence[str]]]


@dataclass(frozen=True)
class Resume:
    """A resume as plain data: the header, main sections and (for two columns) side sections.

    ``new_page`` names headings that start a new page (the producers that have pages honour it).
    """

    name: str
    title: str
    contact: str  # "email · phone · City, Country"
    main: Sections  # (heading, lines); "• " lines are bullets
    side: Sections = field(default_factory=tuple)
    new_page: Sequence[str] = ()

    def sections(self) -> list[tuple[str, Sequence[str]]]:
        return [*self.side, *self.main]

    def section(self, heading: str) -> Sequence[str]:
        """The lines under ``heading`` (side or main)."""
        return next(lines for h, lines in self.sections() if h == heading)


def sample_resume() -> Resume:
    """A software/ML engineer with skills in a sidebar (long enough to fill two columns)."""
    return Resume(
        name="Marta Kowalczyk",
        title="Machine Learning Engineer",
        contact="marta.kowalczyk@example.org · +48 601 234 567 · Kraków, Poland",
        side=(
            (
                "Skills",
                ("Python", "PyTorch", "scikit-learn", "Kubernetes", "PostgreSQL", "Airflow"),
            ),
            ("Languages", ("Polish (native)", "English (C1)", "German (B1)")),
        ),
        main=(
            (
                "Summary",
                (
                    "Machine learning engineer who ships ranking and forecasting models to "
                    "production and keeps them healthy with monitoring and retraining.",
                ),
            ),
            (
                "Experience",
                (
                    "Senior ML Engineer, Vistula Analytics | Jan 2021 – Present",
                    "• Built a demand forecasting service in PyTorch serving 40 warehouses.",
                    "• Moved feature pipelines to Airflow and cut data latency by 60 percent.",
                    "• Mentored four engineers and introduced model cards for every release.",
                    "Data Scientist, Baltic Retail | Mar 2017 – Dec 2021",
                    "• Trained gradient boosting models for churn with scikit-learn.",
                    "• Wrote the reporting layer on PostgreSQL used by the finance team.",
                ),
            ),
            (
                "Education",
                ("MSc Computer Science, Jagiellonian University, 2017",),
            ),
            (
                "Projects",
                ("• tinyrank: an open-source library of offline ranking metrics.",),
            ),
        ),
    )


# --------------------------------------------------------------------------- named people

PERSONS = {
    "reportlab": ("Avery Quillfeather", "avery.quillfeather@example.org", "+1 415 555 0142"),
    "fpdf2": ("Rowan Thistlewood", "rowan.thistlewood@example.net", "+44 20 7946 0831"),
    "docx": ("Morgan Ashbury", "morgan.ashbury@example.com", "+1 212 555 0199"),
    "soffice": ("Jules Brightwater", "jules.brightwater@example.org", "+1 646 555 0117"),
    "text": ("Casey Northfield", "casey.northfield@example.org", "+1 303 555 0188"),
}
CONTACTS = [value for person in PERSONS.values() for value in person]

SUMMARY = "Data engineer with 6 years of experience building batch and streaming pipelines."
SKILLS = "Python, SQL, PostgreSQL, Apache Airflow, Docker, Kubernetes, AWS, Git, pandas"
BULLETS = [
    "Built Airflow pipelines in Python that load 2 TB a day into PostgreSQL and Snowflake.",
    "Containerised 14 services with Docker and deployed them on Kubernetes on AWS.",
    "Wrote SQL models and data-quality checks; cut failed loads by 60%.",
    "Mentored three junior engineers and ran code reviews in Git.",
]
EDUCATION = "BSc Computer Science, University of Example, 2016"


def person_resume(producer: str = "text") -> Resume:
    """The data engineer of ``PERSONS[producer]``; on paper, Experience starts page 2."""
    name, email, phone = PERSONS[producer]
    return Resume(
        name=name,
        title="",
        contact=f"{email} | {phone} | Denver, CO",
        main=(
            ("Summary", (SUMMARY,)),
            ("Skills", (SKILLS,)),
            (
                "Experience",
                (
                    "Senior Data Engineer, Example Corp, 2020 - 2024",
                    *[f"• {b}" for b in BULLETS],
                    "Data Engineer, Sample Labs, 2018 - 2020",
                    *[f"• {b}" for b in BULLETS[:2]],
                ),
            ),
            ("Education", (EDUCATION,)),
        ),
        new_page=("Experience",),
    )


def _candidate(title: str, skills: str, bullets: Sequence[str], who: str) -> Resume:
    return Resume(
        name=who,
        title=title,
        contact=f"{who.split()[0].lower()}@example.org · +1 555 0100 · Denver, CO",
        main=(
            ("Summary", (f"{title} with six years of experience.",)),
            ("Skills", (skills,)),
            ("Experience", ("Example Corp | 2019 – Present", *[f"• {b}" for b in bullets])),
            ("Education", ("BSc, University of Example, 2016",)),
        ),
    )


@functools.cache
def strong_pdf() -> bytes:
    """Every requirement of the sample Data Engineer posting, used in bullets (reportlab)."""
    return make_pdf(
        _candidate(
            "Senior Data Engineer",
            "Python, SQL, PostgreSQL, Apache Airflow, Kubernetes, AWS, Docker",
            [
                "Built Apache Airflow pipelines in Python loading 2 TB a day into PostgreSQL.",
                "Wrote SQL models and data-quality checks; cut failed loads by 60%.",
                "Ran the pipelines on Kubernetes on AWS with Docker images.",
            ],
            "Avery Quill",
        ),
        producer="reportlab",
    )


@functools.cache
def medium_pdf() -> bytes:
    """Python and SQL only (fpdf2)."""
    return make_pdf(
        _candidate(
            "Backend Developer",
            "Python, SQL, Django, Git",
            [
                "Built Django services in Python for 200k users.",
                "Tuned SQL queries for the reporting pages.",
            ],
            "Rowan Thistle",
        ),
        producer="fpdf2",
    )


@functools.cache
def weak_pdf() -> bytes:
    """Nothing the posting asks for (reportlab)."""
    return make_pdf(
        _candidate(
            "Marketing Coordinator",
            "Excel, PowerPoint, copywriting, event planning",
            [
                "Planned 12 trade-show events a year.",
                "Wrote the monthly newsletter read by 30k customers.",
            ],
            "Morgan Ash",
        ),
        producer="reportlab",
    )


JOB_POSTING_JSONLD = {
    "@context": "https://schema.org",
    "@type": "JobPosting",
    "title": "Data Engineer",
    "description": "<p>We need a data engineer.</p><h3>Requirements</h3><ul><li>Python</li>"
    "<li>SQL</li><li>Apache Airflow</li></ul><h3>Nice to have</h3><ul><li>Kubernetes</li></ul>",
    "identifier": {"@type": "PropertyValue", "name": "Example", "value": "job-42"},
    "hiringOrganization": {"@type": "Organization", "name": "Example Corp"},
}

JOB_POSTING_TEXT = (
    "Data Engineer\n\nRequirements:\n- 3+ years of Python and SQL\n- Apache Airflow\n"
    "- PostgreSQL\n\nNice to have:\n- Kubernetes\n- AWS\n"
)

# A job board's own export: not schema.org, with fields rolefit does not know.
JOB_POSTING_PLAIN = {
    "title": "Data Engineer",
    "company": "Example Corp",
    "location": "Leeds, UK (hybrid)",
    "description": "<p>You will run our batch pipelines.</p><h3>Requirements</h3><ul>"
    "<li>Python</li><li>SQL</li><li>Apache Airflow</li></ul><h3>Nice to have</h3><ul>"
    "<li>Kubernetes</li></ul>",
    "salary_band": "B4",
    "recruiter_code": "rk-77",
}


def posting_pdf(text: str = JOB_POSTING_TEXT) -> bytes:
    """A job posting printed to PDF (reportlab, one paragraph per line)."""
    return make_pdf(text, producer="reportlab")


def posting_docx(text: str = JOB_POSTING_TEXT) -> bytes:
    """A job posting as a Word document: the first line a Heading 1, the rest paragraphs."""
    import docx

    d = docx.Document()
    lines = [line for line in text.splitlines() if line.strip()]
    d.add_heading(lines[0], level=1)
    for line in lines[1:]:
        if line.startswith("- "):
            d.add_paragraph(line[2:], style="List Bullet")
        else:
            d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- availability


def soffice_available() -> bool:
    return tools.which(*SOFFICE) is not None


def chromium_available() -> bool:
    return tools.which(*CHROMIUM) is not None


# --------------------------------------------------------------------------- text and docx


def make_text(
    resume: Resume,
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    underline: bool = True,
    newline: str = "\r\n",
) -> bytes:
    """The resume as plain text: headings in capitals and underlined (``underline=False``:
    headings as written), no line for an empty title."""
    out = [resume.name, *([resume.title] if resume.title else []), resume.contact]
    for heading, lines in resume.sections():
        head = [heading.upper(), "=" * len(heading)] if underline else [heading]
        out += [*([""] if underline else []), *head, *lines]
    text = newline.join(out) + newline
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    elif bom and encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    return data


def make_docx(
    resume: Resume,
    *,
    header: bool = False,
    skills_table: bool = False,
    columns: int = 1,
) -> bytes:
    """A Word document (python-docx): Heading 1 sections, bullets as "List Bullet".

    ``header=True`` puts the name and contact line in the page header; ``skills_table`` lays
    the first section out as a two-column table (skill, years); ``columns=2`` makes the
    body a two-column page section (LibreOffice then flows text into two columns).
    """
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.size = Pt(10.5)
    if header:
        hdr = d.sections[0].header
        hdr.paragraphs[0].text = resume.name
        hdr.add_paragraph(f"{resume.title} · {resume.contact}")
    else:
        d.add_heading(resume.name, level=0)
        if resume.title:
            d.add_paragraph(resume.title)
        d.add_paragraph(resume.contact)
    for n, (heading, lines) in enumerate(resume.sections()):
        if heading in resume.new_page:
            d.add_page_break()
        d.add_heading(heading, level=1)
        if skills_table and n == 0:
            table = d.add_table(rows=len(lines) + 1, cols=2)
            table.cell(0, 0).text = "Skill"
            table.cell(0, 1).text = "Years"
            for i, line in enumerate(lines, start=1):
                table.cell(i, 0).text = line
                table.cell(i, 1).text = str(1 + i % 5)
            continue
        for line in lines:
            if line.startswith("• "):
                d.add_paragraph(line[2:], style="List Bullet")
            else:
                para = d.add_paragraph()
                run = para.add_run(line)
                if "|" in line:
                    run.bold = True
    if columns > 1:
        sect_pr = d.sections[0]._sectPr
        cols = sect_pr.find(qn("w:cols"))
        if cols is None:
            cols = sect_pr.makeelement(qn("w:cols"), {})
            sect_pr.append(cols)
        cols.set(qn("w:num"), str(columns))
        cols.set(qn("w:space"), "720")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- PDF producers


def make_pdf(
    resume: Resume | str,
    *,
    producer: str = "reportlab",
    columns: int = 1,
    css_columns: bool = False,
) -> bytes:
    """The resume as a PDF from one producer (see ``PRODUCERS``); a string is one paragraph
    per line under no heading."""
    if isinstance(resume, str):
        resume = Resume(name="", title="", contact="", main=(("", resume.splitlines()),))
    if producer == "reportlab":
        return _reportlab(resume, columns=columns)
    if producer == "fpdf2":
        return _fpdf2(resume, columns=columns)
    if producer == "libreoffice":
        return docx_to_pdf([make_docx(resume, columns=columns)])[0]
    if producer == "chromium":
        return html_to_pdf(resume_html(resume, columns=columns, css_columns=css_columns))
    raise ValueError(f"unknown producer {producer!r}")


def _reportlab(resume: Resume, *, columns: int) -> bytes:
    """platypus: one column, or a header, a sidebar and a main column that runs on, full
    height, on later pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )

    ss = getSampleStyleSheet()
    body = ParagraphStyle("b", parent=ss["BodyText"], fontSize=10, leading=13)
    head = ParagraphStyle("h", parent=ss["Heading2"], fontSize=13, spaceBefore=6)
    title = ParagraphStyle("t", parent=ss["Title"], fontSize=20, alignment=0)
    small = ParagraphStyle("s", parent=body, fontSize=9, leading=12)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        if text.startswith("• "):
            return Paragraph(html.escape(text[2:]), style, bulletText="•")
        return Paragraph(html.escape(text), style)

    def block(sections: Sections, style: ParagraphStyle) -> list[Any]:
        out: list[Any] = []
        for heading, lines in sections:
            if heading in resume.new_page:
                out.append(PageBreak())
            if heading:
                out.append(para(heading, head))
            out.extend(para(line, style) for line in lines)
        return out

    top: list[Any] = []
    if resume.name:
        top = [para(resume.name, title)]
        top += [para(resume.title)] if resume.title else []
        top += [para(resume.contact, small), Spacer(1, 3 * mm)]
    buf = io.BytesIO()
    if columns == 1:
        doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1, title="resume")
        doc.build([*top, *block(resume.sections(), body)])
        return buf.getvalue()
    width, height = A4
    margin, gutter, side_w, top_h = 15 * mm, 8 * mm, 52 * mm, 32 * mm
    main_x, main_w = margin + side_w + gutter, width - 2 * margin - side_w - gutter
    first = [
        Frame(margin, height - margin - top_h, width - 2 * margin, top_h, id="top"),
        Frame(margin, margin, side_w, height - 2 * margin - top_h, id="side"),
        Frame(main_x, margin, main_w, height - 2 * margin - top_h, id="main"),
    ]
    later = [Frame(main_x, margin, main_w, height - 2 * margin, id="main2")]
    doc2 = BaseDocTemplate(buf, pagesize=A4, invariant=1, title="resume")
    doc2.addPageTemplates([PageTemplate(id="p", frames=first), PageTemplate(id="l", frames=later)])
    story = [*top, FrameBreak(), *block(resume.side, small), FrameBreak(), NextPageTemplate("l")]
    story += block(resume.main, body)
    doc2.build(story)
    return buf.getvalue()


def _fpdf2(resume: Resume, *, columns: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))  # deterministic bytes
    pdf.add_page()
    pdf.set_auto_page_break(True, margin=15)

    def text(s: str) -> str:
        return s.replace("•", "-").replace("–", "-").encode("latin-1", "replace").decode("latin-1")

    if resume.name:
        pdf.set_font("Helvetica", "B", 20)
        pdf.cell(0, 10, text(resume.name), new_x="LMARGIN", new_y="NEXT")
        if resume.title:
            pdf.set_font("Helvetica", "", 11)
            pdf.cell(0, 6, text(resume.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 6, text(resume.contact.replace("·", "|")), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    def write(sections: Sections, x: float, w: float, y: float) -> float:
        pdf.set_xy(x, y)
        for heading, lines in sections:
            if heading in resume.new_page:
                pdf.add_page()
            if heading:
                pdf.set_font("Helvetica", "B", 13)
                pdf.set_x(x)
                pdf.cell(w, 8, text(heading.upper()), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 10)
            for line in lines:
                pdf.set_x(x)
                pdf.multi_cell(w, 5, text(line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        return pdf.get_y()

    if columns == 1:
        write(resume.sections(), pdf.l_margin, pdf.epw, pdf.get_y())
    else:
        y = pdf.get_y()
        side_w = 55.0
        write(resume.side, pdf.l_margin, side_w, y)
        write(resume.main, pdf.l_margin + side_w + 8, pdf.epw - side_w - 8, y)
    return bytes(pdf.output())


def resume_html(
    resume: Resume, *, columns: int = 1, css_columns: bool = False, sidebar: str = "left"
) -> str:
    """HTML for Chromium: one column, a grid sidebar, or CSS ``column-count: 2``.

    ``sidebar="right"`` puts the grid sidebar on the right, white text on a dark background.
    """

    def section(heading: str, lines: Sequence[str]) -> str:
        items: list[str] = []
        for ln in lines:  # consecutive bullets share one <ul>, in document order
            if not ln.startswith("• "):
                items.append(f"<p>{html.escape(ln)}</p>")
            elif items and items[-1].endswith("</ul>"):
                items[-1] = items[-1][: -len("</ul>")] + f"<li>{html.escape(ln[2:])}</li></ul>"
            else:
                items.append(f"<ul><li>{html.escape(ln[2:])}</li></ul>")
        head = f"<h2>{html.escape(heading)}</h2>" if heading else ""
        return f"<section>{head}{''.join(items)}</section>"

    css = """
      body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; margin: 0; }
      h1 { font-size: 20pt; margin: 0 0 4pt 0; } h2 { font-size: 12pt; text-transform: uppercase;
      margin: 10pt 0 4pt 0; } p, li { margin: 0 0 3pt 0; } ul { padding-left: 14pt; margin: 0; }
      .grid { display: grid; grid-template-columns: 52mm 1fr; column-gap: 10mm; }
      .cols { column-count: 2; column-gap: 12mm; }
      .grid.right { grid-template-columns: 1fr 52mm; }
      .dark { background: #1f2a44; color: white; padding: 4mm; }
      @page { size: A4; margin: 15mm; }
    """
    header = ""
    if resume.name:
        title = f"<p>{html.escape(resume.title)}</p>" if resume.title else ""
        header = f"<h1>{html.escape(resume.name)}</h1>{title}<p>{html.escape(resume.contact)}</p>"
    if columns == 1:
        body = "".join(section(h, ls) for h, ls in resume.sections())
    elif css_columns:
        body = (
            '<div class="cols">' + "".join(section(h, ls) for h, ls in resume.sections()) + "</div>"
        )
    else:
        side = "".join(section(h, ls) for h, ls in resume.side)
        main = "".join(section(h, ls) for h, ls in resume.main)
        if sidebar == "right":
            body = f'<div class="grid right"><div>{main}</div><div class="dark">{side}</div></div>'
        else:
            body = f'<div class="grid"><div>{side}</div><div>{main}</div></div>'
    head = f"<head><meta charset='utf-8'><style>{css}</style></head>"
    return f"<!doctype html><html>{head}<body>{header}{body}</body></html>"


def _print_to_pdf(chromium: str, src: Path, out: Path, profile: str, timeout: float) -> None:
    """One ``chromium --headless --print-to-pdf`` process (check=True)."""
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            src.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
    )


def html_to_pdf(document: str, *, timeout: float = 90) -> bytes:
    """Print an HTML string to PDF with headless Chromium."""
    chromium = tools.require(*CHROMIUM[:3], what="Chromium")
    with tempfile.TemporaryDirectory(prefix="rolefit-chromium-") as tmp:
        src = Path(tmp) / "resume.html"
        out = Path(tmp) / "resume.pdf"
        src.write_text(document, encoding="utf-8")
        _print_to_pdf(chromium, src, out, f"{tmp}/profile", timeout)
        return out.read_bytes()


def print_html_files(jobs: Sequence[tuple[Path, Path]], *, timeout: float = 600) -> str:
    """Print many HTML files (``(src, dst)``) to PDF; returns the method used.

    One browser prints every file over the DevTools protocol (``Page.printToPDF``, what
    ``--print-to-pdf`` runs); if that fails, one ``html_to_pdf``-style process per file.

    Raises:
        RuntimeError: a PDF was not written.
    """
    chromium = tools.require(*CHROMIUM, what="Chromium")
    if not jobs:
        return "none"
    try:
        _devtools_print(chromium, jobs, timeout=timeout)
        method = "devtools"
    except Exception:
        with tempfile.TemporaryDirectory(prefix="rolefit-chromium-") as tmp:
            for src, dst in jobs:
                if not dst.exists():
                    _print_to_pdf(chromium, src, dst, f"{tmp}/profile", 120)
        method = "cli"
    missing = [dst for _, dst in jobs if not dst.exists()]
    if missing:
        raise RuntimeError(f"Chromium did not write {len(missing)} PDFs")
    return method


def _devtools_print(exe: str, jobs: Sequence[tuple[Path, Path]], *, timeout: float) -> None:
    from websockets.sync.client import connect

    with tempfile.TemporaryDirectory(prefix="rolefit-chrome-") as profile:
        proc = subprocess.Popen(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("Chromium did not open its DevTools port")
                time.sleep(0.05)
            port, ws_path = port_file.read_text().splitlines()[:2]
            end = time.monotonic() + timeout
            with connect(f"ws://127.0.0.1:{port}{ws_path}", max_size=None) as ws:
                counter = iter(range(1, 1 << 30))
                events: list[dict[str, Any]] = []

                def receive() -> dict[str, Any]:
                    reply: dict[str, Any] = json.loads(
                        ws.recv(timeout=max(1.0, end - time.monotonic()))
                    )
                    return reply

                def call(
                    method: str, params: dict[str, object], session: str | None = None
                ) -> dict[str, Any]:
                    msg_id = next(counter)
                    msg: dict[str, object] = {"id": msg_id, "method": method, "params": params}
                    if session:
                        msg["sessionId"] = session
                    ws.send(json.dumps(msg))
                    while True:
                        reply = receive()
                        if reply.get("id") == msg_id:
                            if "error" in reply:
                                raise RuntimeError(str(reply["error"]))
                            result: dict[str, Any] = reply["result"]
                            return result
                        if "method" in reply:
                            events.append(reply)

                def wait_load(session: str) -> None:
                    while True:
                        event = events.pop(0) if events else receive()
                        if (
                            event.get("method") == "Page.loadEventFired"
                            and event.get("sessionId") == session
                        ):
                            return

                target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
                session = call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                    "sessionId"
                ]
                call("Page.enable", {}, session)
                for src, dst in jobs:
                    events.clear()
                    call("Page.navigate", {"url": src.resolve().as_uri()}, session)
                    wait_load(session)
                    data = call(
                        "Page.printToPDF",
                        {"printBackground": True, "preferCSSPageSize": True},
                        session,
                    )["data"]
                    dst.write_bytes(base64.b64decode(data))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def docx_to_pdf(documents: Sequence[bytes], *, timeout: float = 180) -> list[bytes]:
    """Convert .docx files to PDF with one headless LibreOffice run.

    Raises:
        RuntimeError: soffice failed or did not write every PDF.
    """
    soffice = tools.require(*SOFFICE, what="LibreOffice")
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="rolefit-lo-") as tmp:
        paths = []
        for i, data in enumerate(documents):
            path = Path(tmp) / f"doc{i}.docx"
            path.write_bytes(data)
            paths.append(path)
        out = Path(tmp) / "out"
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, paths),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        pdfs = [out / f"{path.stem}.pdf" for path in paths]
        missing = [pdf for pdf in pdfs if not pdf.exists()]
        if proc.returncode != 0 or missing:
            raise RuntimeError(
                f"soffice failed (exit {proc.returncode}); {len(missing)} PDFs missing: "
                + proc.stderr.decode(errors="replace")[-500:]
            )
        return [pdf.read_bytes() for pdf in pdfs]


# --------------------------------------------------------------------------- drawn PDFs

Draw = Callable[[Any, int], None]


def canvas_pdf(draw: Draw, pages: int = 1) -> bytes:
    """An A4 PDF whose every page ``draw(canvas, page_index)`` draws (reportlab canvas)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for page in range(pages):
        draw(c, page)
        c.showPage()
    c.save()
    return buf.getvalue()


# A two-column page: the reading order is the left column, then the right one.
TWO_COLUMN_HEADS = {"SKILLS", "EDUCATION", "EXPERIENCE"}
TWO_COLUMN_LEFT = [
    "SKILLS", "Python", "PyTorch", "Kubernetes", "SQL", "Docker", "EDUCATION", "MSc Physics",
]  # fmt: skip
TWO_COLUMN_RIGHT = [
    "EXPERIENCE",
    "Built a feature store with Python and Redis for ranking.",
    "Shipped a ranking model to production with PyTorch.",
    "Cut serving latency by 40% with ONNX Runtime and batching.",
    "Led a team of four engineers across two sites in Europe.",
    "Ran the weekly reading group on recommender systems.",
    "Wrote the on-call handbook used by three teams.",
]


def two_column_pdf(*, pages: int = 1, right_first: bool = True) -> bytes:
    """ "Ada Example" (20 pt bold) over two columns drawn row by row, by default the right
    column's line before the left one's: the content order is not the reading order."""

    def draw(c: Any, _page: int) -> None:
        c.setFont("Helvetica-Bold", 20)
        c.drawString(50, 790, "Ada Example")
        for i in range(max(len(TWO_COLUMN_LEFT), len(TWO_COLUMN_RIGHT))):
            row = [(230, TWO_COLUMN_RIGHT), (50, TWO_COLUMN_LEFT)]
            for x, column in row if right_first else row[::-1]:
                if i < len(column):
                    bold = column[i] in TWO_COLUMN_HEADS
                    c.setFont("Helvetica-Bold" if bold else "Helvetica", 10)
                    c.drawString(x, 740 - 16 * i, column[i])

    return canvas_pdf(draw, pages)


def hidden_text_pdf(visible: Sequence[str], hidden: Sequence[tuple[str, str]]) -> bytes:
    """A one-page reportlab PDF with visible lines and hidden ones.

    ``hidden`` holds ``(how, text)`` with ``how`` in ``white``, ``render3``, ``tiny``,
    ``offpage``, ``background`` (text the colour of a filled box under it), and ``onblack``
    (white text on a black box: *visible*, must not be reported).
    """
    from reportlab.lib.pagesizes import A4

    width, height = A4

    def draw(c: Any, _page: int) -> None:
        y = height - 72
        for line in visible:
            c.setFont(
                "Helvetica-Bold" if line.isupper() else "Helvetica", 14 if line.isupper() else 10
            )
            c.setFillColorRGB(0, 0, 0)
            c.drawString(72, y, line)
            y -= 16
        for how, text in hidden:
            y -= 16
            if how == "white":
                c.setFillColorRGB(1, 1, 1)
                c.setFont("Helvetica", 10)
                c.drawString(72, y, text)
            elif how == "render3":
                t = c.beginText(72, y)
                t.setFont("Helvetica", 10)
                t.setTextRenderMode(3)
                t.textLine(text)
                c.drawText(t)
            elif how == "tiny":
                c.setFillColorRGB(0, 0, 0)
                c.setFont("Helvetica", 0.5)
                c.drawString(72, y, text)
            elif how == "offpage":
                c.setFillColorRGB(0, 0, 0)
                c.setFont("Helvetica", 10)
                c.drawString(width + 50, y, text)
            elif how in ("background", "onblack"):
                box = (0.85, 0.9, 1.0) if how == "background" else (0.0, 0.0, 0.0)
                ink = box if how == "background" else (1.0, 1.0, 1.0)
                c.setFillColorRGB(*box)
                c.rect(60, y - 4, 400, 16, stroke=0, fill=1)
                c.setFillColorRGB(*ink)
                c.setFont("Helvetica", 10)
                c.drawString(72, y, text)
            else:
                raise ValueError(how)

    return canvas_pdf(draw)


def image_only_pdf(pages: int = 1) -> bytes:
    """An image-only PDF with nothing to read: each page is one raster image (a photo of
    shapes, no letters in it) and there is no text layer, so even OCR finds no text. For a
    scan with text in its pixels, see ``scanned_pdf``."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader

    def draw(c: Any, page: int) -> None:
        img = Image.new("L", (620, 877), 255)
        pen = ImageDraw.Draw(img)
        for i in range(6):
            shade = 40 + 30 * ((i + page) % 6)
            pen.ellipse((60 + i * 70, 120 + i * 90, 200 + i * 70, 260 + i * 90), fill=shade)
        pen.rectangle((80, 700, 540, 820), fill=200)
        c.drawImage(ImageReader(img), 0, 0, *A4)

    return canvas_pdf(draw, pages)


def png_image() -> bytes:
    """A tiny PNG photo (8 x 8 pixels of gradient): an image with no text in it."""
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("L", (8, 8), bytes(range(64))).save(buf, format="PNG")
    return buf.getvalue()


def gif_image() -> bytes:
    """A GIF: an image type rolefit does not read (only PNG and JPEG scans)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("L", (8, 8), bytes(range(64))).save(buf, format="GIF")
    return buf.getvalue()


def _scan_pages(source: bytes, dpi: int) -> list[Any]:
    """Every page of ``source`` rendered by PDFium into a grayscale Pillow image."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source)
    try:
        images = []
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                images.append(page.render(scale=dpi / 72).to_pil().convert("L"))
            finally:
                page.close()
        return images
    finally:
        pdf.close()


def scanned_pdf(source: bytes, *, dpi: int = 200) -> bytes:
    """``source`` (a PDF with text) as a scanner would deliver it: each page one image, no
    text layer (Pillow writes the PDF)."""
    pages = _scan_pages(source, dpi)
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buf.getvalue()


def scanned_image(source: bytes, *, page: int = 0, dpi: int = 200, format: str = "PNG") -> bytes:
    """Page ``page`` of ``source`` as a PNG or JPEG photo of the page."""
    image = _scan_pages(source, dpi)[page]
    buf = io.BytesIO()
    image.save(buf, format=format, dpi=(dpi, dpi))
    return buf.getvalue()


def huge_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A pixel bomb: a few hundred bytes of PNG whose header claims ``width`` x ``height``
    grayscale pixels (rows of zeros, deflated: each would inflate to the full size)."""
    import struct

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = zlib.compress(b"\x00" * (width + 1) * 16, 9)  # the first 16 rows
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", rows)
        + chunk(b"IEND", b"")
    )


def encrypted_pdf(
    source: bytes,
    *,
    user_password: str,
    owner_password: str = "owner",
    algorithm: str = "AES-256",
) -> bytes:
    """``source`` encrypted with pypdf; an empty user password opens without one."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def truncated_pdf(source: bytes) -> bytes:
    """The first fifth of a real PDF: corrupt."""
    return source[: len(source) // 5]


# --------------------------------------------------------------------------- raw PDF objects


def raw_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog), with an xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def stream(data: bytes, *, filters: Sequence[str] = ()) -> bytes:
    """A stream object: ``data`` encoded with each Flate filter in turn."""
    for _ in filters:
        data = zlib.compress(data, 6)
    names = " ".join(f"/{f}" for f in reversed(filters))
    head = f"<< /Length {len(data)}" + (f" /Filter [{names}]" if filters else "") + " >>"
    return head.encode() + b"\nstream\n" + data + b"\nendstream"


def one_page(content: bytes, *, extra_fonts: bytes = b"", page_extra: bytes = b"") -> list[bytes]:
    """Catalog, pages, page, content stream and a Helvetica font (objects 1-5)."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R " + extra_fonts + b">> >> " + page_extra + b">>",
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]


def text_pages_pdf(content: bytes, *, pages: int = 1) -> bytes:
    """``pages`` letter pages that all show the one content stream ``content`` (Flate)."""
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        stream(content, filters=("FlateDecode",)),
    ]
    objs += [
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
        f"/Resources << /Font << /F1 {4 + pages} 0 R >> >> >>".encode()
    ] * pages
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return raw_pdf(objs)


def slow_pdf(operations: int = 120_000, pages: int = 4) -> bytes:
    """A small PDF (~30 kB: the pages share one compressed content stream) whose pages each
    hold ``operations`` text operations.

    A page of 400,000 operations (12.8 MB of content) is over ``PDFIUM_MAX_PAGE_CONTENT``, so
    pdfminer reads it, whichever engine is asked for (PDFium would hold a gigabyte and its page
    load cannot be stopped): tens of seconds per page, past any time budget the tests set. The
    reader stops at its deadline (``parse-timeout``), in the library as in a worker, so such a
    file keeps a request busy for exactly its budget. Smaller pages (up to about 130,000
    operations) are read by PDFium, about a second per 400,000 operations: the default, 4 pages
    of 120,000, is a file that takes seconds and then succeeds. Pages over 16 MiB (500,000
    operations) are refused (``document-too-large``: pdfminer holds a stream whole).
    """
    return text_pages_pdf(b"BT /F1 9 Tf 20 700 Td (x) Tj ET\n" * operations, pages=pages)


def many_pages_pdf(pages: int) -> bytes:
    """A valid PDF with ``pages`` pages of text (for the page limit)."""
    return text_pages_pdf(b"BT /F1 11 Tf 60 700 Td (Python and SQL) Tj ET\n", pages=pages)


def icon_font_pdf(lines: Sequence[tuple[str, str]]) -> bytes:
    """Lines of ``(icon_hex, text)``: a glyph from a CID font with no Unicode map, then text."""
    ops = [b"BT /F1 11 Tf 72 780 Td 14 TL"]
    for icon, text in lines:
        if icon:
            ops.append(f"/F2 11 Tf <{icon}> Tj /F1 11 Tf ( {text}) Tj T*".encode())
        else:
            ops.append(f"({text}) Tj T*".encode())
    ops.append(b"ET")
    objs = one_page(stream(b"\n".join(ops)), extra_fonts=b"/F2 6 0 R ")
    objs.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /IconFont /Encoding /Identity-H "
        b"/DescendantFonts [7 0 R] >>"
    )
    objs.append(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /IconFont /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
    )
    return raw_pdf(objs)


def bomb_pdf(mib: int) -> bytes:
    """One page whose content stream is Flate-compressed twice and inflates to ``mib`` MiB."""
    body = b"BT /F1 12 Tf 72 720 Td (Decompression limit) Tj ET\n" + b" " * (mib << 20)
    return raw_pdf(one_page(stream(body, filters=("FlateDecode", "FlateDecode"))))


def tounicode_bomb_pdf(mib: int, levels: int = 3) -> bytes:
    """One page whose font's ToUnicode CMap is ``mib`` MiB of spaces behind ``levels`` Flate
    layers: small to send, and under the 64 MiB budget for ``mib`` < 64, but a whole stream
    that pdfminer would hold (twice while inflating it) and tokenize (``make fuzz``, issue #12)."""
    objs = one_page(stream(b"BT /F2 12 Tf 72 720 Td <0041> Tj ET"), extra_fonts=b"/F2 6 0 R ")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>")
    objs.append(stream(b" " * (mib << 20), filters=("FlateDecode",) * levels))
    return raw_pdf(objs)


def declared_image_bomb_pdf(side: int = 20_000) -> bytes:
    """A page with no text and one grey image whose dictionary declares ``side`` x ``side``
    pixels, backed by 1 MiB of zeros (1 kB in the file): PDFium decodes an image at its
    declared size to render the page for OCR (``make fuzz``, issue #12)."""
    objs = one_page(stream(b"q 500 0 0 500 40 200 cm /Im1 Do Q"))
    objs[2] = objs[2].replace(b"/Resources << ", b"/Resources << /XObject << /Im1 6 0 R >> ")
    image = stream(b"\0" * (1 << 20), filters=("FlateDecode",))
    head = b"<< /Type /XObject /Subtype /Image /Width %d /Height %d " % (side, side)
    head += b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length"
    objs.append(image.replace(b"<< /Length", head, 1))
    return raw_pdf(objs)


def nested_pdf(depth: int) -> bytes:
    """A page whose /Annots is an array nested ``depth`` levels deep."""
    body = b"BT /F1 12 Tf 72 720 Td (Nesting limit) Tj ET"
    objs = one_page(stream(body), page_extra=b"/Annots 6 0 R ")
    objs.append(b"[" * depth + b"]" * depth)
    return raw_pdf(objs)


# --------------------------------------------------------------------------- decompression bombs

BOMB_PLACES = ("tounicode", "form")
BOMB_TRICKS = (
    "indirect-filter",  # /Filter 9 0 R, the name in an object of its own
    "escaped-name",  # /Fla#74eDecode: a name with a #xx escape
    "long-dictionary",  # 4 KB of dictionary after /Filter
    "comment",  # a comment between the dictionary and "stream"
    "fake-endstream",  # the bytes "endstream" inside the compressed data (/Length is right)
    "damaged-chain",  # Flate over Flate, the outer one's checksum broken (engines keep it)
    "lzw",  # LZWDecode
    "runlength",  # RunLength after Flate
    "predictor",  # /DecodeParms Paeth predictor (pdfminer builds it as a list of ints)
    "ccitt",  # CCITTFax in a stream that is no image (pdfminer decodes it in Python)
)


def lzw_zeros(size: int) -> bytes:
    """PDF LZW (early change) for ``size`` zero bytes: each code names one zero more than the
    last, so 12-bit codes soon stand for 4 KB each (about 1,300 times)."""
    codes: list[tuple[int, int]] = []  # (code, width)
    width, entries, made = 9, 0, 0
    while made < size:
        codes += [(256, width), (0, 9)]
        width, entries, made = 9, 258, made + 1
        code = 258
        while code <= 4094 and made < size:
            codes.append((code, width))
            made += code - 256
            entries += 1
            width = (
                12 if entries >= 2047 else 11 if entries >= 1023 else 10 if entries >= 511 else 9
            )
            code += 1
    codes.append((257, width))
    bits = "".join(format(code, f"0{w}b") for code, w in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def _fake_endstream_flate(data: bytes) -> bytes:
    """zlib data whose first (stored) block holds the bytes ``endstream``."""
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    word = b"endstream"
    stored = b"\x00" + len(word).to_bytes(2, "little") + (len(word) ^ 0xFFFF).to_bytes(2, "little")
    body = stored + word + raw.compress(data) + raw.flush()
    return b"\x78\xda" + body + zlib.adler32(word + data).to_bytes(4, "big")


@functools.cache
def _deflated_spaces(size: int) -> bytes:
    return zlib.compress(b" " * size, 9)


def _bomb_stream(trick: str, size: int) -> tuple[bytes, bytes]:
    """(dictionary entries, stream data) of a stream that decodes to ``size`` bytes."""
    fill = b" "
    if trick == "indirect-filter":
        return b"/Filter 9 0 R", _deflated_spaces(size)
    if trick == "escaped-name":
        return b"/Filter /Fla#74eDecode", _deflated_spaces(size)
    if trick == "long-dictionary":
        return b"/Filter /FlateDecode /Pad (" + b"x" * 4000 + b")", _deflated_spaces(size)
    if trick == "comment":
        return b"/Filter /FlateDecode >> % a comment\n", _deflated_spaces(size)
    if trick == "fake-endstream":
        return b"/Filter /FlateDecode", _fake_endstream_flate(fill * size)
    if trick == "damaged-chain":
        outer = bytearray(zlib.compress(_deflated_spaces(size), 9))
        outer[-1] ^= 0xFF
        return b"/Filter [/FlateDecode /FlateDecode]", bytes(outer)
    if trick == "lzw":
        return b"/Filter /LZWDecode", lzw_zeros(size)
    if trick == "runlength":
        runs = b"\x81" + fill  # 128 copies of one byte
        return b"/Filter [/FlateDecode /RunLengthDecode]", zlib.compress(runs * (size // 128), 9)
    if trick == "predictor":
        row = b"\x04" + fill * 1024  # Paeth
        parms = b"/DecodeParms << /Predictor 12 /Columns 1024 >>"
        return b"/Filter /FlateDecode " + parms, zlib.compress(row * (size // 1024), 9)
    if trick == "ccitt":
        parms = b"/DecodeParms << /K -1 /Columns 8000 >>"  # a 1 bit is a blank row (G4)
        return b"/Filter /CCITTFaxDecode " + parms, b"\xff" * (size // 8000)
    raise ValueError(trick)


def bomb_stream_pdf(place: str, trick: str, mib: int) -> bytes:
    """A one-page PDF whose font ToUnicode map (``tounicode``) or form XObject (``form``)
    decodes to ``mib`` MiB, written so that a check reading the file with regular
    expressions misses it (``trick``, one of ``BOMB_TRICKS``). The page shows "Python and
    Kubernetes" (from a content stream of its own)."""
    entries, data = _bomb_stream(trick, mib << 20)
    if place == "form":
        entries = b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] " + entries
    if trick == "comment":  # the entries close the dictionary themselves
        bomb = b"<< /Length %d " % len(data) + entries + b"stream\n"
    else:
        bomb = b"<< " + entries + b" /Length %d >>\nstream\n" % len(data)
    bomb += data + b"\nendstream"
    text = b"BT /F1 12 Tf 72 720 Td (Python and Kubernetes) Tj ET\n"
    content = stream(text + (b"/Fm1 Do\n" if place == "form" else b""), filters=("FlateDecode",))
    objects = one_page(content)
    if place == "form":
        objects[2] = objects[2].replace(b"/F1 5 0 R >>", b"/F1 5 0 R >> /XObject << /Fm1 6 0 R >>")
    if place == "tounicode":
        objects[4] = objects[4].replace(b" >>", b" /ToUnicode 7 0 R >>")
    objects += [
        bomb if place == "form" else b"null",  # 6
        bomb if place == "tounicode" else b"null",  # 7
        b"null",  # 8
        b"/FlateDecode",  # 9: the indirect-filter trick's /Filter
    ]
    return raw_pdf(objects)


def scanned_bomb_pdf(side: int = 10_000) -> bytes:
    """An image-only page (so readers render it for OCR) whose image XObject, ``side`` x
    ``side`` grey pixels, is Flate behind an indirect /Filter: ``side``² bytes once
    inflated (10,000: 95 MiB)."""
    data = zlib.compress(bytes(side * side), 9)
    image = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter 6 0 R /Length %d >>\nstream\n"
        % (side, side, len(data))
        + data
        + b"\nendstream"
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            stream(b"q 500 0 0 700 50 50 cm /Im1 Do Q", filters=("FlateDecode",)),
            image,
            b"/FlateDecode",
        ]
    )


def filtered_text_pdf(filters: str) -> bytes:
    """A small page whose content stream goes through ``filters`` (``lzw``, ``runlength``,
    ``hex-flate``, ``predictor``): what the decompression check must let through."""
    text = b"BT /F1 12 Tf 72 720 Td (Python and Kubernetes) Tj ET\n"
    if filters == "lzw":
        # literal codes only (9 bits each, a clear code before the table would grow to 10)
        codes = [256]
        for k, byte in enumerate(text):
            if k and k % 200 == 0:
                codes.append(256)
            codes.append(byte)
        codes.append(257)
        bits = "".join(format(c, "09b") for c in codes)
        bits += "0" * (-len(bits) % 8)
        entries, data = b"/Filter /LZWDecode", int(bits, 2).to_bytes(len(bits) // 8, "big")
    elif filters == "runlength":
        runs = b"".join(
            bytes((len(text[i : i + 100]) - 1,)) + text[i : i + 100]
            for i in range(0, len(text), 100)
        )
        entries, data = b"/Filter /RunLengthDecode", runs + b"\x80"
    elif filters == "hex-flate":
        entries, data = (
            b"/Filter [/ASCIIHexDecode /FlateDecode]",
            zlib.compress(text).hex().encode() + b">",
        )
    elif filters == "predictor":
        rows = b"".join(b"\x00" + text[i : i + 8].ljust(8) for i in range(0, len(text), 8))
        entries = b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>"
        data = zlib.compress(rows)
    else:
        raise ValueError(filters)
    content = b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
    return raw_pdf(one_page(content))


def encrypted_bomb_pdf(mib: int) -> bytes:
    """``bomb_pdf(mib)`` encrypted (AES-128) with an empty user password: its streams are
    ciphertext to a check that does not decrypt them."""
    return encrypted_pdf(bomb_pdf(mib), user_password="", algorithm="AES-128")


def zip_of(entries: Sequence[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``(name, data)`` entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def inflating_zip(files: int = 60, size: int = 1_000_000, ratio: float = 75) -> bytes:
    """``files`` text "resumes" of ``size`` bytes that deflate about ``ratio`` times (under a
    zip-bomb ratio limit of 100: random letters, then spaces): ~820 KB that unpacks to 60 MB,
    inside every batch limit by default."""
    import random

    entries = []
    for n in range(files):
        rng = random.Random(n)
        letters = bytes(
            rng.choice(b"abcdefghijklmnopqrstuvwxyz ") for _ in range(int(size / ratio * 1.2))
        )
        entries.append((f"resume-{n}.txt", letters + b" " * (size - len(letters))))
    return zip_of(entries)


def crowded_zip(entries: int = 120_000) -> bytes:
    """A zip of ``entries`` empty files (about 85 bytes each): its central directory alone
    makes a reader build an object per entry."""
    return zip_of([(f"{n:x}", b"") for n in range(entries)], method=zipfile.ZIP_STORED)


SLOW_TO_OPEN = ("no-xref", "object-stream", "nested-content", "tounicode")


def slow_to_open_pdf(kind: str, *, size: int = 1) -> bytes:
    """A small file (at most a few MB) on which pdfminer spends seconds per ``size`` in one
    parse that never returns to the reader's page loop; each was a minute-long hang before
    the reader checked its deadline inside pdfminer's parsers (issue #12).

    - ``no-xref``: 60,000 objects and no xref table or trailer (pdfminer scans the file);
    - ``object-stream``: no xref, and an object stream of a million numbers;
    - ``nested-content``: the page's content stream is one array nested a million deep;
    - ``tounicode``: the font's ToUnicode CMap maps 150,000 codes.
    """
    text = stream(b"BT /F1 12 Tf 72 720 Td (Slow to open) Tj ET")
    if kind == "no-xref":
        objs = one_page(text) + [b"<< /N %d /V [1 2 3] >>" % i for i in range(60_000 * size)]
        data = raw_pdf(objs)
        return data[: data.rfind(b"xref")]
    if kind == "object-stream":
        body = b"1 0 " * (250_000 * size)
        packed = zlib.compress(body)
        objs = one_page(text)
        objs.append(
            b"<< /Type /ObjStm /N %d /First 0 /Length %d /Filter /FlateDecode >>\nstream\n"
            % (125_000 * size, len(packed))
            + packed
            + b"\nendstream"
        )
        data = raw_pdf(objs)
        return data[: data.rfind(b"xref")]
    if kind == "nested-content":
        body = b"BT /F1 12 Tf 72 720 Td (Slow to open) Tj ET " + b"[" * (1_000_000 * size)
        return raw_pdf(one_page(stream(body, filters=("FlateDecode",))))
    if kind == "tounicode":
        lines = [b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap"]
        lines.append(b"1 begincodespacerange <0000> <FFFF> endcodespacerange")
        for start in range(0, 150_000 * size, 100):
            lines.append(b"100 beginbfchar")
            lines += [
                b"<%04X> <%04X>" % (c % 0xFFFF, 0x41 + c % 26) for c in range(start, start + 100)
            ]
            lines.append(b"endbfchar")
        lines.append(b"endcmap end end")
        objs = one_page(stream(b"BT /F2 12 Tf 72 720 Td <0041> Tj ET"), extra_fonts=b"/F2 6 0 R ")
        objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>")
        objs.append(stream(b"\n".join(lines), filters=("FlateDecode",)))
        return raw_pdf(objs)
    raise ValueError(f"unknown kind {kind!r}; one of {SLOW_TO_OPEN}")


# --------------------------------------------------------------------------- the named people


def person_pdf(producer: str) -> bytes:
    """``PERSONS[producer]``'s two-page resume as a PDF: ``reportlab``, ``fpdf2`` or
    ``soffice`` (python-docx → LibreOffice)."""
    resume = person_resume(producer)
    return make_pdf(resume, producer="libreoffice" if producer == "soffice" else producer)


DENSE_SKILLS = (
    "Python, SQL, R, Scala, Java, TypeScript, JavaScript, pandas, NumPy, scikit-learn, "
    "PyTorch, TensorFlow, XGBoost, Apache Spark, Apache Kafka, Apache Airflow, dbt, "
    "Snowflake, BigQuery, PostgreSQL, MySQL, MongoDB, Redis, Elasticsearch, Docker, Kubernetes, "
    "Terraform, AWS, GCP, Azure, Git, Linux, React, Node.js, FastAPI, GraphQL, "
    "Tableau, Power BI, Jenkins, MLflow"
)
DENSE_JOBS = (
    (
        "Staff Data Scientist, Northwind Analytics, 2021 - Present",
        (
            "Led the pricing science team: built gradient boosting models in Python with "
            "XGBoost and scikit-learn that forecast demand for 40,000 products and lifted "
            "margin by 3.2% across the catalogue.",
            "Designed and ran A/B tests and hypothesis testing for checkout changes; wrote the "
            "statistics review every experiment passes before launch.",
            "Moved feature pipelines from cron to Apache Airflow and dbt on Snowflake, cutting "
            "data latency from a day to two hours for every downstream dashboard.",
            "Trained deep learning models in PyTorch for product image tagging and served them "
            "with FastAPI on Kubernetes for the catalogue team.",
            "Built streaming features on Apache Kafka and Apache Spark Structured Streaming for "
            "checkout risk scores, reviewed by the risk team every week.",
            "Mentored data scientists on experiment design and clear writing, and ran "
            "the reading group on machine learning papers.",
        ),
    ),
    (
        "Senior Machine Learning Engineer, Contoso Retail, 2018 - 2021",
        (
            "Shipped a ranking service in TensorFlow to production with MLflow "
            "tracking and Docker images built by Jenkins, serving 12 million users.",
            "Owned the model health checks: drift reports, alerts and automatic "
            "retraining jobs on AWS, written up for every release.",
            "Wrote the data quality framework on PostgreSQL and BigQuery that checks every "
            "table the forecasting models read.",
            "Built internal tools in React and TypeScript with a GraphQL API in Node.js for "
            "analysts to label training data.",
            "Tuned Elasticsearch relevance and Redis for the product search used on "
            "every page of the store.",
        ),
    ),
    (
        "Data Analyst, Fabrikam Health, 2015 - 2018",
        (
            "Built Tableau and Power BI dashboards on MySQL and MongoDB data for clinical "
            "operations and taught analysts to write SQL.",
            "Automated weekly reporting in R and Python with pandas and NumPy, saving the "
            "operations team a day every week.",
            "Wrote Terraform modules for the analytics environment on Azure and GCP and kept "
            "the Linux servers patched.",
        ),
    ),
)


def dense_resume() -> Resume:
    """A dense two-page data scientist / ML engineer: 40 skills listed, long bullets using most
    of them, some without a number (issue 13: the compact report stays under 40 KB)."""
    return Resume(
        name="Quinn Harrowgate",
        title="Staff Data Scientist",
        contact="quinn.harrowgate@example.org · +1 415 555 0163 · Oakland, CA",
        main=(
            (
                "Summary",
                (
                    "Data scientist and machine learning engineer with ten years of "
                    "experience in statistics, experimentation, deep learning and data "
                    "engineering on cloud platforms.",
                ),
            ),
            ("Skills", (DENSE_SKILLS,)),
            (
                "Experience",
                tuple(
                    line
                    for head, bullets in DENSE_JOBS
                    for line in (head, *(f"• {b}" for b in bullets))
                ),
            ),
            (
                "Projects",
                (
                    "• tinyrank: an open-source Python library of ranking metrics with "
                    "NumPy, used by 300 projects.",
                    "• A command-line tool to profile Scala and Java Spark jobs.",
                ),
            ),
            (
                "Education",
                (
                    "MSc Statistics, University of Example, 2015",
                    "BSc Computer Science, University of Example, 2013",
                ),
            ),
        ),
    )


@functools.cache
def dense_pdf() -> bytes:
    """``dense_resume()`` as a two-page PDF (reportlab)."""
    return make_pdf(dense_resume(), producer="reportlab")


def person_docx(producer: str = "docx") -> bytes:
    return make_docx(person_resume(producer))


def person_text(producer: str = "text") -> str:
    """The resume as pasted text: one line each, headings as written."""
    return make_text(person_resume(producer), underline=False, newline="\n").decode()


def locked_pdf() -> bytes:
    """The reportlab person's resume behind a user password (AES-128)."""
    return encrypted_pdf(person_pdf("reportlab"), user_password="s3cret", algorithm="AES-128")


# ----------------------------------------------------------------------------- role fit
# Resumes written for the role-fit tests (issue 16): one per kind of person a user meets, from
# the five roles to people the roles do not fit. Names and employers are made up.
ROLE_FIT_RESUMES: dict[str, str] = {
    "data-scientist": """Priya Raman
Data Scientist
Summary
Data scientist who turns product data into decisions with statistics and machine learning.
Experience
Data Scientist, Northwind Retail, 2020 - 2024
- Designed and analysed A/B tests for checkout changes; hypothesis testing and confidence intervals.
- Built churn models with scikit-learn (logistic regression, gradient boosting) in Python and pandas.
- Wrote SQL in BigQuery and built Tableau dashboards for the marketing team.
- Forecast weekly demand with time series models; presented results to stakeholders.
Skills
Python, pandas, NumPy, scikit-learn, SQL, R, statistics, A/B testing, regression, Tableau, Jupyter
Education
M.Sc. Statistics, 2020
""",  # noqa: E501
    "java": """Marek Novak
Backend Engineer
Experience
Backend Engineer, Telco Systems, 2017 - 2024
- Developed Java 17 microservices with Spring Boot and Hibernate for billing, 2M requests a day.
- Built Kafka consumers and REST APIs; MySQL and Oracle databases.
- Unit and integration tests with JUnit and Mockito; builds with Maven and Jenkins.
- Code reviews, Git workflows, on-call for production incidents.
Skills
Java, Spring Boot, Hibernate, Kafka, REST, MySQL, Oracle, JUnit, Maven, Jenkins, Git, Docker, Linux
Education
B.Eng. Software Engineering, 2017
""",
    "embedded": """Lena Fischer
Embedded Software Engineer
Experience
Embedded Software Engineer, Motorwerk GmbH, 2016 - 2024
- Wrote firmware in C and C++ for ARM Cortex-M motor controllers running FreeRTOS.
- Drivers for SPI, I2C and CAN bus peripherals; debugged with JTAG and an oscilloscope.
- Embedded Linux board bring-up, Yocto builds, unit tests with Unity and CI in GitLab.
Skills
C, C++, ARM Cortex-M, FreeRTOS, RTOS, Embedded Linux, SPI, I2C, CAN, Git, Python scripting
Education
B.Sc. Electrical Engineering, 2016
""",
    "ml-engineer": """Sam Okafor
Machine Learning Engineer
Experience
Machine Learning Engineer, Fleetline, 2019 - 2024
- Trained and deployed recommendation models with PyTorch and scikit-learn; model serving on Kubernetes.
- Built feature pipelines with Spark and Airflow; tracked experiments and models in MLflow.
- Set up model monitoring for data drift and retraining; CI/CD for models with Docker.
Skills
Python, PyTorch, scikit-learn, MLflow, Kubeflow, Spark, Airflow, Docker, Kubernetes, feature engineering, model deployment, SQL
Education
M.Sc. Computer Science, 2019
""",  # noqa: E501
    "genai": """Ana Costa
Generative AI Engineer
Experience
Generative AI Engineer, Helix Labs, 2022 - 2024
- Built retrieval-augmented generation (RAG) assistants with LangChain, the OpenAI API and a Pinecone vector database.
- Prompt engineering and evaluation of LLM outputs; fine-tuned open models with Hugging Face Transformers and LoRA.
- Deployed LLM agents behind FastAPI services on AWS.
Skills
Python, LLMs, LangChain, LlamaIndex, RAG, prompt engineering, vector databases, Hugging Face, OpenAI API, FastAPI
Education
B.Sc. Computer Science, 2021
""",  # noqa: E501
    "nurse": """Maria Lopez
Registered Nurse
Summary
Registered nurse with 15 years of experience in intensive care and patient education.
Experience
Registered Nurse, St. Anne Hospital, 2009 - 2024
- Cared for up to 6 critical patients per shift; medication administration and wound care.
- Kept patient records in Excel and the hospital EHR; wrote a small Python script to tally shift hours.
- Trained new nurses on infection control.
Skills
Patient care, Excel, Python, medication administration, BLS, ACLS, triage
Education
B.Sc. Nursing, 2009
""",  # noqa: E501
    "accountant": """Tom Becker
Senior Accountant
Experience
Senior Accountant, Becker & Hahn, 2012 - 2024
- Prepared monthly closings, accruals and reconciliations under IFRS and HGB.
- Built budget models in Excel (pivot tables, VLOOKUP) and reported to the CFO.
- Managed accounts payable and receivable in SAP; supported external audits.
Skills
Financial reporting, IFRS, Excel, SAP, budgeting, reconciliation, tax
Education
B.A. Accounting, 2012
""",
}
# A product designer whose skills touch data science (A/B tests, analytics, dashboards), with the
# headline that says what she does; ``{headline}`` is filled by the tests (issue 16, v5).
DESIGNER_RESUME = """Jana Novak
{headline}
Summary
Designer with 7 years of experience in B2B products, design systems and user research.
Experience
{headline}, Lumen Software, 2020 - present
- Led the redesign of the onboarding flow; ran A/B tests with the growth team (+12% activation).
- Built the design system's 60 components in Figma and documented their use.
- Ran 40 usability sessions and turned the findings into the quarter's priorities.
Designer, Pixelworks Agency, 2016 - 2020
- Designed the client portal of a retail chain, from wireframes to the handoff to engineering.
Skills
Figma, Sketch, prototyping, user research, usability testing, A/B testing, data visualization, HTML, CSS
Education
B.A. Interaction Design, 2016
"""  # noqa: E501
# A civil engineering posting whose tools touch data science.
CIVIL_ENGINEER_POSTING = """Civil Engineer
We are hiring a civil engineer for our bridges and roads team.
Requirements
- Degree in civil engineering and 3+ years designing roads, bridges or drainage
- AutoCAD Civil 3D and structural analysis software
- Python or MATLAB for load calculations, statistics and data analysis of traffic counts
- Excel for quantity take-offs; strong report writing
"""
SEARCH_RANKING_POSTING = """Machine Learning Engineer, Search Ranking
About us
Findly builds product search for online shops. Our platform is known for its reliability, knowledge and scalability, and our culture values curiosity.
What you will do
- Train and ship learning-to-rank models for search results.
- Run online experiments and monitor model quality in production.
Requirements
- 4+ years of experience building machine learning systems
- Strong Python and PyTorch
- Experience with Spark and SQL
- Docker and Kubernetes in production
Nice to have
- Elasticsearch
- Power BI for reporting
"""  # noqa: E501


# ----------------------------------------------------------------------------- non-technical text
# Written for issue 15 (the imported vocabulary must not find technologies in text that is not
# about technology): 25 documents, all people and employers made up. See the data file's header.


@dataclass(frozen=True)
class NonTechnical:
    """A document of another trade (or news prose) and the technologies it really names."""

    doc_id: str
    kind: str  # "resume" or "news"
    text: str
    technologies: tuple[str, ...]


def _non_technical() -> dict[str, NonTechnical]:
    import tomllib

    path = Path(__file__).with_name("data") / "non_technical.toml"
    with path.open("rb") as fh:
        table = tomllib.load(fh)["document"]
    return {
        doc_id: NonTechnical(
            doc_id, entry["kind"], entry["text"].strip() + "\n", tuple(entry["technologies"])
        )
        for doc_id, entry in table.items()
    }


NON_TECHNICAL: dict[str, NonTechnical] = _non_technical()
