"""PDF producers for the benchmark corpus: reportlab, python-docx → LibreOffice, HTML → Chromium.

LibreOffice converts a whole folder of .docx in one ``soffice --headless --convert-to pdf`` call;
Chromium prints every HTML file from one headless browser over the DevTools protocol
(``Page.printToPDF``, what ``--print-to-pdf`` runs), falling back to one
``chromium --headless --print-to-pdf`` process per file if the protocol is unavailable.
"""

from __future__ import annotations

import base64
import html
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.content import Resume, filler_page

# --------------------------------------------------------------------------- reportlab


def reportlab_pdf(resume: Resume, path: Path, *, two_column: bool = False) -> None:
    """Lay out a resume with reportlab platypus (one column, or a sidebar and a main column)."""
    from reportlab.lib import colors
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
    body = ParagraphStyle("body", parent=ss["BodyText"], fontSize=10, leading=13)
    head = ParagraphStyle("head", parent=ss["Heading2"], fontSize=13, spaceBefore=8)
    name = ParagraphStyle("name", parent=ss["Title"], fontSize=20, alignment=0)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=10, bulletIndent=0)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=11)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(html.escape(text), style)

    header = [
        p(resume.name, name),
        p(f"{resume.title} · {resume.city} · {resume.email} · {resume.phone}", small),
        Spacer(1, 4 * mm),
    ]
    main = [p("Summary", head), p(resume.summary), p("Experience", head)]
    for job in resume.jobs:
        main.append(p(f"{job.title} — {job.employer} ({job.dates})", ss["Heading4"]))
        main.extend(Paragraph(html.escape(b), bullet, bulletText="•") for b in job.bullets)
    main.append(p("Projects", head))
    main.extend(Paragraph(html.escape(b), bullet, bulletText="•") for b in resume.projects)
    side = [p("Skills", head)]
    side.extend(p(s, small) for s in resume.skills) if two_column else side.append(
        p(", ".join(resume.skills))
    )
    side.append(p("Education", head))
    side.extend(p(e, small if two_column else body) for e in resume.education)

    meta = {"title": f"Resume {resume.name}", "author": "rolefit bench", "creator": "reportlab"}
    if not two_column:
        doc = SimpleDocTemplate(str(path), pagesize=A4, invariant=1, **meta)
        doc.build([*header, *side[:2], *main, *side[2:]])
        return
    width, height = A4
    margin = 15 * mm
    gutter = 8 * mm
    left_w = 55 * mm
    top_h = 28 * mm
    first = PageTemplate(
        id="first",
        frames=[
            Frame(margin, height - margin - top_h, width - 2 * margin, top_h, id="top"),
            Frame(margin, margin, left_w, height - 2 * margin - top_h, id="side"),
            Frame(
                margin + left_w + gutter,
                margin,
                width - 2 * margin - left_w - gutter,
                height - 2 * margin - top_h,
                id="main",
            ),
        ],
    )
    later = PageTemplate(
        id="later",
        frames=[
            Frame(
                margin + left_w + gutter,
                margin,
                width - 2 * margin - left_w - gutter,
                height - 2 * margin,
                id="main2",
            )
        ],
    )
    from reportlab.platypus import NextPageTemplate

    doc2 = BaseDocTemplate(str(path), pagesize=A4, invariant=1, **meta)
    doc2.addPageTemplates([first, later])
    story = [*header, FrameBreak(), *side, FrameBreak(), NextPageTemplate("later"), *main]
    _ = colors
    doc2.build(story)


def long_pdf(resume: Resume, path: Path, *, pages: int, seed: int) -> None:
    """A resume followed by filler pages so the file has exactly ``pages`` pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate

    ss = getSampleStyleSheet()
    story: list[object] = []
    first = [Paragraph(html.escape(resume.name), ss["Title"])]
    first.append(Paragraph("Skills", ss["Heading2"]))
    first.append(Paragraph(html.escape(", ".join(resume.skills)), ss["BodyText"]))
    first.append(Paragraph("Experience", ss["Heading2"]))
    for job in resume.jobs[:2]:
        first.append(Paragraph(html.escape(f"{job.title} — {job.employer}"), ss["Heading4"]))
        first.extend(Paragraph(html.escape(b), ss["BodyText"]) for b in job.bullets)
    width, height = A4
    story.append(KeepInFrame(width - 144, height - 144, first, mode="shrink"))
    for page in range(1, pages):
        story.append(PageBreak())
        block = [Paragraph(f"Project notes, part {page}", ss["Heading2"])]
        block.extend(
            Paragraph(html.escape(t), ss["BodyText"]) for t in filler_page(seed * 1000 + page)
        )
        story.append(KeepInFrame(width - 144, height - 144, block, mode="shrink"))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)


# --------------------------------------------------------------------------- docx → LibreOffice


def docx_file(resume: Resume, path: Path, *, skills_table: bool = False) -> None:
    """Write a Word document with python-docx (optionally the skills in a table)."""
    import docx
    from docx.shared import Pt

    d = docx.Document()
    d.core_properties.author = "rolefit bench"
    d.add_heading(resume.name, level=0)
    d.add_paragraph(f"{resume.title} | {resume.city} | {resume.email} | {resume.phone}")
    d.add_heading("Summary", level=1)
    d.add_paragraph(resume.summary)
    d.add_heading("Skills", level=1)
    if skills_table:
        cols = 3
        rows = (len(resume.skills) + cols - 1) // cols
        table = d.add_table(rows=rows, cols=cols)
        for i, skill in enumerate(resume.skills):
            table.cell(i // cols, i % cols).text = skill
    else:
        d.add_paragraph(", ".join(resume.skills))
    d.add_heading("Experience", level=1)
    for job in resume.jobs:
        para = d.add_paragraph()
        run = para.add_run(f"{job.title}, {job.employer} ({job.dates})")
        run.bold = True
        for b in job.bullets:
            d.add_paragraph(b, style="List Bullet")
    d.add_heading("Projects", level=1)
    for pr in resume.projects:
        d.add_paragraph(pr, style="List Bullet")
    d.add_heading("Education", level=1)
    for e in resume.education:
        d.add_paragraph(e)
    for para in d.paragraphs:
        for run in para.runs:
            if run.font.size is None:
                run.font.size = Pt(10.5)
    d.save(str(path))


def libreoffice_convert(docx_paths: Sequence[Path], out_dir: Path, *, timeout: float = 600) -> None:
    """Convert many .docx files to PDF with one headless LibreOffice run.

    Raises:
        RuntimeError: soffice is missing, failed, or did not produce every PDF.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    if not docx_paths:
        return
    with tempfile.TemporaryDirectory(prefix="rolefit-bench-lo-") as profile:
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *[str(p) for p in docx_paths],
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    missing = [p for p in docx_paths if not (out_dir / (p.stem + ".pdf")).exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(
            f"soffice failed (exit {proc.returncode}); {len(missing)} PDFs missing: "
            + proc.stderr.decode(errors="replace")[-500:]
        )


# --------------------------------------------------------------------------- HTML → Chromium

_CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; margin: 0; }
h1 { font-size: 22pt; margin: 0 0 2pt 0; } h2 { font-size: 13pt; border-bottom: 1px solid #444;
margin: 10pt 0 4pt 0; } h3 { font-size: 11pt; margin: 6pt 0 2pt 0; } ul { margin: 0; }
.grid { display: grid; grid-template-columns: 30% 66%; column-gap: 4%; }
.side { background: #eef2f7; padding: 6pt; } @page { size: A4; margin: 14mm; }
"""


def html_file(resume: Resume, path: Path, *, two_column: bool = False) -> None:
    """Write a resume as an HTML page (a CSS grid sidebar when ``two_column``)."""
    e = html.escape
    jobs = "".join(
        f"<h3>{e(j.title)} — {e(j.employer)} <small>{e(j.dates)}</small></h3><ul>"
        + "".join(f"<li>{e(b)}</li>" for b in j.bullets)
        + "</ul>"
        for j in resume.jobs
    )
    projects = "<ul>" + "".join(f"<li>{e(p)}</li>" for p in resume.projects) + "</ul>"
    edu = "".join(f"<p>{e(x)}</p>" for x in resume.education)
    if two_column:
        skills = "<ul>" + "".join(f"<li>{e(s)}</li>" for s in resume.skills) + "</ul>"
        body = (
            f"<h1>{e(resume.name)}</h1><p>{e(resume.title)} · {e(resume.email)} · "
            f"{e(resume.phone)}</p><div class='grid'><div class='side'><h2>Skills</h2>{skills}"
            f"<h2>Education</h2>{edu}</div><div><h2>Summary</h2><p>{e(resume.summary)}</p>"
            f"<h2>Experience</h2>{jobs}<h2>Projects</h2>{projects}</div></div>"
        )
    else:
        body = (
            f"<h1>{e(resume.name)}</h1><p>{e(resume.title)} · {e(resume.city)} · "
            f"{e(resume.email)} · {e(resume.phone)}</p><h2>Summary</h2><p>{e(resume.summary)}</p>"
            f"<h2>Skills</h2><p>{e(', '.join(resume.skills))}</p><h2>Experience</h2>{jobs}"
            f"<h2>Projects</h2>{projects}<h2>Education</h2>{edu}"
        )
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{e(resume.name)}</title>"
        f"<style>{_CSS}</style></head><body>{body}</body></html>",
        encoding="utf-8",
    )


def chromium_print(jobs: Sequence[tuple[Path, Path]], *, timeout: float = 600) -> str:
    """Print HTML files to PDF with headless Chromium; returns the method used.

    One browser prints every file over the DevTools protocol; if that fails, one
    ``--print-to-pdf`` process per file.

    Raises:
        RuntimeError: Chromium is missing or a PDF was not written.
    """
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("chrome")
    if exe is None:
        raise RuntimeError("Chromium is not installed")
    if not jobs:
        return "none"
    try:
        _chromium_devtools(exe, jobs, timeout=timeout)
        method = "devtools"
    except Exception:
        for src, dst in jobs:
            if not dst.exists():
                subprocess.run(
                    [
                        exe,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-pdf-header-footer",
                        f"--print-to-pdf={dst}",
                        src.resolve().as_uri(),
                    ],
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
        method = "cli"
    missing = [dst for _, dst in jobs if not dst.exists()]
    if missing:
        raise RuntimeError(f"Chromium did not write {len(missing)} PDFs")
    return method


def _chromium_devtools(exe: str, jobs: Sequence[tuple[Path, Path]], *, timeout: float) -> None:
    from websockets.sync.client import connect

    with tempfile.TemporaryDirectory(prefix="rolefit-bench-chrome-") as profile:
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
                events: list[dict[str, object]] = []

                def call(
                    method: str, params: dict[str, object], session: str | None = None
                ) -> dict:  # type: ignore[type-arg]
                    msg_id = next(counter)
                    msg: dict[str, object] = {"id": msg_id, "method": method, "params": params}
                    if session:
                        msg["sessionId"] = session
                    ws.send(json.dumps(msg))
                    while True:
                        reply = json.loads(ws.recv(timeout=max(1.0, end - time.monotonic())))
                        if reply.get("id") == msg_id:
                            if "error" in reply:
                                raise RuntimeError(str(reply["error"]))
                            return reply["result"]  # type: ignore[no-any-return]
                        if "method" in reply:
                            events.append(reply)

                def wait_load(session: str) -> None:
                    while True:
                        if events:
                            event = events.pop(0)
                        else:
                            event = json.loads(ws.recv(timeout=max(1.0, end - time.monotonic())))
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
