"""PDFs of one resume from every producer, made once per test session.

The cheap producers (reportlab, fpdf2) run in-process; LibreOffice converts all its .docx files
in one ``soffice`` run and Chromium prints each HTML page once, so the slow tools cost a few
seconds per session, not per test.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.documents import (
    Resume,
    docx_to_pdf,
    html_to_pdf,
    make_docx,
    make_pdf,
    resume_html,
    sample_resume,
)

LAYOUTS = ("1col", "2col")


@pytest.fixture(scope="session")
def resume() -> Resume:
    return sample_resume()


@pytest.fixture(scope="session")
def inprocess_pdfs(resume: Resume) -> dict[tuple[str, str], bytes]:
    """reportlab and fpdf2, one and two columns."""
    return {
        (producer, layout): make_pdf(resume, producer=producer, columns=1 + (layout == "2col"))
        for producer in ("reportlab", "fpdf2")
        for layout in LAYOUTS
    }


@pytest.fixture(scope="session")
def libreoffice_pdfs(resume: Resume) -> dict[str, bytes]:
    """LibreOffice from .docx (one soffice run): 1col, 2col (page columns), header, table."""
    sources = {
        "1col": make_docx(resume),
        "2col": make_docx(resume, columns=2),
        "header": make_docx(resume, header=True),
        "table": make_docx(resume, skills_table=True),
    }
    return dict(zip(sources, docx_to_pdf(list(sources.values())), strict=True))


EXTRA_BULLETS = tuple(
    f"• Delivered improvement number {i} with a measurable effect on revenue and latency."
    for i in range(1, 31)
)


def long_resume(resume: Resume) -> Resume:
    """The sample resume with 30 more experience bullets: the main column runs onto page 2."""
    main = list(resume.main)
    heading, lines = main[1]
    main[1] = (heading, (*lines, *EXTRA_BULLETS))
    return dataclasses.replace(resume, main=tuple(main))


@pytest.fixture(scope="session")
def chromium_pdfs(resume: Resume) -> dict[str, bytes]:
    """Headless Chromium print-to-PDF: 1col, 2col (CSS grid sidebar), css (column-count: 2),
    right (two pages, a dark sidebar on the right with white text)."""
    return {
        "1col": html_to_pdf(resume_html(resume)),
        "2col": html_to_pdf(resume_html(resume, columns=2)),
        "css": html_to_pdf(resume_html(resume, columns=2, css_columns=True)),
        "right": html_to_pdf(resume_html(long_resume(resume), columns=2, sidebar="right")),
    }
