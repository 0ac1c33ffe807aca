"""Small synthetic resumes and bad inputs for the service tests, made by several producers.

Every resume carries made-up contact details (``CONTACTS``) so the privacy test can grep the
server's logs for them.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import zlib
from pathlib import Path

from tests import tools

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


def resume_lines(producer: str) -> list[tuple[str, str]]:
    """(style, text) lines of a two-page resume: style is 'name', 'heading' or 'body'."""
    name, email, phone = PERSONS[producer]
    lines = [("name", name), ("body", f"{email} | {phone} | Denver, CO"), ("heading", "Summary")]
    lines += [("body", SUMMARY), ("heading", "Skills"), ("body", SKILLS)]
    lines += [
        ("heading", "Experience"),
        ("body", "Senior Data Engineer, Example Corp, 2020 - 2024"),
    ]
    lines += [("body", f"• {b}") for b in BULLETS]
    lines += [("body", "Data Engineer, Sample Labs, 2018 - 2020")]
    lines += [("body", f"• {b}") for b in BULLETS[:2]]
    lines += [("heading", "Education"), ("body", EDUCATION)]
    return lines


def resume_text(producer: str = "text") -> str:
    return "\n".join(text for _, text in resume_lines(producer)) + "\n"


def reportlab_pdf() -> bytes:
    """A two-page resume drawn with reportlab's canvas."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=letter)
    lines = resume_lines("reportlab")
    half = len(lines) // 2 + 2
    for page in (lines[:half], lines[half:]):
        y = 740.0
        for style, text in page:
            size = {"name": 18, "heading": 13}.get(style, 10)
            pdf.setFont("Helvetica-Bold" if style != "body" else "Helvetica", size)
            pdf.drawString(60, y, text)
            y -= size + 8
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def fpdf2_pdf() -> bytes:
    """A two-page resume written with fpdf2 (a different producer and font handling)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    lines = resume_lines("fpdf2")
    half = len(lines) // 2 + 2
    for page in (lines[:half], lines[half:]):
        pdf.add_page()
        for style, text in page:
            size = {"name": 18, "heading": 13}.get(style, 10)
            pdf.set_font("Helvetica", "B" if style != "body" else "", size)
            pdf.cell(0, size * 0.6, text.replace("•", "-"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def resume_docx(producer: str = "docx") -> bytes:
    """The resume as a Word document (python-docx)."""
    import docx

    document = docx.Document()
    for style, text in resume_lines(producer):
        if style == "name":
            document.add_heading(text, level=0)
        elif style == "heading":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def soffice_pdf() -> bytes:
    """The DOCX resume converted to PDF by LibreOffice (a third PDF producer)."""
    soffice = tools.require("soffice", "libreoffice", what="LibreOffice")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "resume.docx"
        src.write_bytes(resume_docx("soffice"))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (Path(tmp) / "resume.pdf").read_bytes()


def encrypted_pdf() -> bytes:
    """The reportlab resume encrypted with a user password (pypdf)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(reportlab_pdf())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def image_only_pdf() -> bytes:
    """A 'scanned' page: only an image, no text layer."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    width, height = 120, 160
    gray = bytes((x * 7 + y * 3) % 256 for y in range(height) for x in range(width))
    png = _png_gray(width, height, gray)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=letter)
    pdf.drawImage(ImageReader(io.BytesIO(png)), 50, 300, width=480, height=640)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _png_gray(width: int, height: int, pixels: bytes) -> bytes:
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + pixels[y * width : (y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def png_image() -> bytes:
    """A PNG photo: not a supported resume type."""
    return _png_gray(8, 8, bytes(range(64)))


def truncated_pdf() -> bytes:
    """The first fifth of a real PDF: corrupt."""
    data = reportlab_pdf()
    return data[: len(data) // 5]


def _raw_pdf(content: bytes, *, pages: int = 1) -> bytes:
    """A minimal PDF whose every page shows ``content`` (Flate-compressed), built by hand."""
    stream = zlib.compress(content, 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    for _ in range(pages):
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            f"/Resources << /Font << /F1 {4 + pages} 0 R >> >> >>".encode()
        )
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    )
    return out.getvalue()


def slow_pdf(operations: int = 400_000) -> bytes:
    """A tiny (~20 kB) PDF whose content stream has hundreds of thousands of text operations:
    pdfminer needs tens of seconds for it, far beyond a test's time budget."""
    return _raw_pdf(b"BT /F1 9 Tf 20 700 Td (x) Tj ET\n" * operations)


def many_pages_pdf(pages: int) -> bytes:
    """A valid PDF with ``pages`` pages of text (for the page limit)."""
    return _raw_pdf(b"BT /F1 11 Tf 60 700 Td (Python and SQL) Tj ET\n", pages=pages)


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
