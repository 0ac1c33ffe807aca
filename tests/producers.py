"""Test-resume generators: the same resume as PDF from several producers, DOCX and text.

```python
from tests.producers import Resume, make_pdf, make_docx, make_text, sample_resume

pdf = make_pdf(sample_resume(), producer="chromium", columns=2)
```

Producers: ``reportlab`` (platypus frames), ``fpdf2``, ``libreoffice`` (python-docx → ``soffice
--headless --convert-to pdf``), ``chromium`` (HTML → ``chromium --headless --print-to-pdf``).
``columns=2`` puts the ``side`` sections in a left sidebar (reportlab, fpdf2, chromium grid) or
uses real two-column page sections (LibreOffice) / CSS ``column-count: 2`` (``chromium``, with
``css_columns=True``). Also: PDFs with hidden text, image-only pages, encryption, and other
bad inputs. Everything is deterministic and small; external converters are slow (seconds), so
tests share their output through session fixtures.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests import tools

__all__ = [
    "PRODUCERS",
    "Resume",
    "chromium_available",
    "encrypted_pdf",
    "hidden_text_pdf",
    "image_only_pdf",
    "make_docx",
    "make_pdf",
    "make_text",
    "sample_resume",
    "soffice_available",
]

PRODUCERS = ("reportlab", "fpdf2", "libreoffice", "chromium")


@dataclass(frozen=True)
class Resume:
    """A resume as plain data: the header, main sections and (for two columns) side sections."""

    name: str
    title: str
    contact: str  # "email · phone · City, Country"
    main: Sequence[tuple[str, Sequence[str]]]  # (heading, lines); "• " lines are bullets
    side: Sequence[tuple[str, Sequence[str]]] = field(default_factory=tuple)

    def sections(self) -> list[tuple[str, Sequence[str]]]:
        return [*self.side, *self.main]


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


# --------------------------------------------------------------------------- availability


def soffice_available() -> bool:
    return shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


def chromium_available() -> bool:
    return _chromium() is not None


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


# --------------------------------------------------------------------------- text and docx


def make_text(resume: Resume, *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    """The resume as plain text (headings in capitals, underlined)."""
    out = [resume.name, resume.title, resume.contact, ""]
    for heading, lines in resume.sections():
        out += [heading.upper(), "=" * len(heading), *lines, ""]
    text = "\r\n".join(out)
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
    the first side section out as a two-column table (skill, years); ``columns=2`` makes the
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
        d.add_paragraph(resume.title)
        d.add_paragraph(resume.contact)
    for n, (heading, lines) in enumerate(resume.sections()):
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
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
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

    def block(sections: Sequence[tuple[str, Sequence[str]]], style: ParagraphStyle) -> list:
        out: list = []
        for heading, lines in sections:
            if heading:
                out.append(para(heading, head))
            out.extend(para(line, style) for line in lines)
        return out

    top = []
    if resume.name:
        top = [para(resume.name, title), para(resume.title), para(resume.contact, small)]
        top.append(Spacer(1, 3 * mm))
    buf = io.BytesIO()
    if columns == 1:
        doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1, title="resume")
        doc.build([*top, *block(resume.sections(), body)])
        return buf.getvalue()
    width, height = A4
    margin, gutter, side_w, top_h = 15 * mm, 8 * mm, 52 * mm, 32 * mm
    frames = [
        Frame(margin, height - margin - top_h, width - 2 * margin, top_h, id="top"),
        Frame(margin, margin, side_w, height - 2 * margin - top_h, id="side"),
        Frame(
            margin + side_w + gutter,
            margin,
            width - 2 * margin - side_w - gutter,
            height - 2 * margin - top_h,
            id="main",
        ),
    ]
    doc2 = BaseDocTemplate(buf, pagesize=A4, invariant=1, title="resume")
    doc2.addPageTemplates([PageTemplate(id="p", frames=frames)])
    story = [*top, FrameBreak(), *block(resume.side, small), FrameBreak()]
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
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 6, text(resume.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 6, text(resume.contact.replace("·", "|")), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    def write(sections: Sequence[tuple[str, Sequence[str]]], x: float, w: float, y: float) -> float:
        pdf.set_xy(x, y)
        for heading, lines in sections:
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
        header = (
            f"<h1>{html.escape(resume.name)}</h1><p>{html.escape(resume.title)}</p>"
            f"<p>{html.escape(resume.contact)}</p>"
        )
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


def html_to_pdf(document: str, *, timeout: float = 90) -> bytes:
    """Print an HTML string to PDF with headless Chromium."""
    chromium = tools.require("chromium", "chromium-browser", "google-chrome", what="Chromium")
    with tempfile.TemporaryDirectory(prefix="rolefit-chromium-") as tmp:
        src = Path(tmp) / "resume.html"
        out = Path(tmp) / "resume.pdf"
        src.write_text(document, encoding="utf-8")
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-pdf-header-footer",
                f"--user-data-dir={tmp}/profile",
                f"--print-to-pdf={out}",
                src.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        return out.read_bytes()


def docx_to_pdf(documents: Sequence[bytes], *, timeout: float = 180) -> list[bytes]:
    """Convert .docx files to PDF with one headless LibreOffice run."""
    soffice = tools.require("soffice", "libreoffice", what="LibreOffice")
    with tempfile.TemporaryDirectory(prefix="rolefit-lo-") as tmp:
        paths = []
        for i, data in enumerate(documents):
            path = Path(tmp) / f"doc{i}.docx"
            path.write_bytes(data)
            paths.append(path)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(Path(tmp) / "out"),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        return [(Path(tmp) / "out" / f"doc{i}.pdf").read_bytes() for i in range(len(documents))]


# --------------------------------------------------------------------------- special PDFs


def hidden_text_pdf(visible: Sequence[str], hidden: Sequence[tuple[str, str]]) -> bytes:
    """A one-page reportlab PDF with visible lines and hidden ones.

    ``hidden`` holds ``(how, text)`` with ``how`` in ``white``, ``render3``, ``tiny``,
    ``offpage``, ``background`` (text the colour of a filled box under it), and ``onblack``
    (white text on a black box: *visible*, must not be reported).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    y = height - 72
    for line in visible:
        c.setFont("Helvetica-Bold" if line.isupper() else "Helvetica", 14 if line.isupper() else 10)
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
    c.showPage()
    c.save()
    return buf.getvalue()


def image_only_pdf(pages: int = 1) -> bytes:
    """A 'scanned' PDF: each page is one raster image with text drawn into the pixels."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for p in range(pages):
        img = Image.new("L", (620, 877), 255)
        draw = ImageDraw.Draw(img)
        for i in range(30):
            draw.text((40, 40 + i * 25), f"Scanned resume page {p + 1} line {i}", fill=0)
        c.drawImage(ImageReader(img), 0, 0, *A4)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(source: bytes, *, user_password: str, owner_password: str = "owner") -> bytes:
    """``source`` encrypted with pypdf (AES-256); an empty user password opens without one."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
