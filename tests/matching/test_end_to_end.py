"""Real files through the real parser and the matcher: PDF (reportlab), DOCX, plain text.

These need the parsing stage (``matcher.read``); they are skipped only while it is absent.
"""

from __future__ import annotations

import io

import pytest

from matcher.models import to_dict
from matcher.pipeline import Matcher

LINES = [
    "Noor Haddad",
    "noor.haddad@example.com | +1 415 555 0199 | Spark, Nevada",
    "SUMMARY",
    "Machine Learning engineer. I excel at shipping; let go of legacy R&D scripts.",
    "SKILLS",
    "Python, Pytorch, Kubernets, scikit learn, SQL, R, Go",
    "EXPERIENCE",
    "ML Engineer, Dunecast (2020 - 2024)",
    "• Trained PyTorch rankers on 40M sessions, cutting latency 30%",
    "• Led the go-live and the go/no-go review with Docker-based rollouts",
    "EDUCATION",
    "MSc Computer Science, 2019",
]


def _pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 800.0
    for line in lines:
        bold = line.isupper()
        c.setFont("Helvetica-Bold" if bold else "Helvetica", 12 if bold else 10)
        c.drawString(60, y, line)
        y -= 18
    c.save()
    return buf.getvalue()


def _docx(lines: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for line in lines:
        if line.isupper():
            d.add_heading(line.title(), level=2)
        else:
            d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("noor.pdf", _pdf),
        ("noor.docx", _docx),
        ("noor.txt", lambda lines: "\n".join(lines).encode("utf-8")),
    ],
)
def test_end_to_end_formats(small_matcher: Matcher, filename: str, make: object) -> None:
    data = make(LINES)  # type: ignore[operator]
    report = small_matcher.match(data, filename=filename)
    found = {s.skill_id for s in report.skills}
    assert {"python", "pytorch", "kubernetes", "scikit-learn", "sql", "r", "go", "docker"} <= found
    assert not found & {"excel", "spark"}
    fuzzy = {s.skill_id for s in report.skills if s.how == "fuzzy"}
    assert "kubernetes" in fuzzy
    assert report.roles[0].score > 0
    assert to_dict(report)["method"] == "distinctive-coverage.v7"


def test_end_to_end_name_and_contact_do_not_change_scores(small_matcher: Matcher) -> None:
    other = [*LINES]
    other[0] = "Java Swift"
    other[1] = "java.swift@rust.dev | +44 20 7946 0000 | Go, Excel County"
    a = small_matcher.match(_pdf(LINES), filename="a.pdf")
    b = small_matcher.match(_pdf(other), filename="b.pdf")
    assert [(r.role_id, r.score) for r in a.roles] == [(r.role_id, r.score) for r in b.roles]


def test_end_to_end_match_text(small_matcher: Matcher) -> None:
    report = small_matcher.match_text("\n".join(LINES), roles=["machine-learning-engineer"])
    assert [r.role_id for r in report.roles] == ["machine-learning-engineer"]
    assert any(
        s.kind == "use-exact-term" and s.skill_id == "kubernetes" for s in report.suggestions
    )


def test_a_two_skill_resume_keeps_both_skills(small_matcher: Matcher) -> None:
    # "Python, SQL" has the shape of a location ("Austin, TX"); a location is blanked out of
    # the scored text, so it was once read as one and this resume showed no skills at all
    report = small_matcher.match(b"Sam Lee\nSkills\nPython, SQL\n", filename="sam.txt")
    assert {s.name for s in report.skills} == {"Python", "SQL"}
