"""Resumes made here with varied names, heading synonyms and date formats, through the
in-process producers (reportlab and fpdf2, one and two columns, DOCX, plain text): the parse
must get every name, e-mail, section kind and experience entry. A small evaluation set of our
own, beside the shared corpus (the slow producers are covered in test_producers.py)."""

from __future__ import annotations

import random

import pytest

from matcher import parse
from matcher.models import SectionKind
from tests.documents import Resume, make_docx, make_pdf, make_text

K = SectionKind
NAMES = [
    "Anne-Marie O'Neil",
    "Jan van der Berg",
    "Zoë Brontë",
    "Kwame Mensah",
    "María José García",
    "Ravi Shankar Iyer",
    "Siobhán Ní Bhriain",
    "Jean-Luc Picard",
]
HEADINGS = {
    K.SUMMARY: ["Summary", "Professional Summary", "Profile", "About Me", "Career Objective"],
    K.SKILLS: ["Skills", "Technical Skills", "Core Competencies", "Tools & Technologies"],
    K.EXPERIENCE: ["Experience", "Work History", "Professional Experience", "Employment History"],
    K.EDUCATION: ["Education", "Academic Background", "Education & Training"],
    K.LANGUAGES: ["Languages", "Language Skills"],
    K.CERTIFICATIONS: ["Certifications", "Licenses & Certifications", "Certificates"],
}
DATES = [
    ("Jan 2019", "Present", "2019-01", None),
    ("2017", "2020", "2017-01", "2020-01"),
    ("03/2015", "08/2018", "2015-03", "2018-08"),
    ("September 2012", "June 2014", "2012-09", "2014-06"),
]
LAYOUTS = ["reportlab-1", "reportlab-2", "fpdf2-1", "fpdf2-2", "docx", "text"]


def _variant(seed: int) -> tuple[Resume, str, str, list[tuple[str | None, str | None]]]:
    rng = random.Random(seed)
    name = NAMES[seed % len(NAMES)]
    email = f"candidate.{seed}@example.org"
    h = {kind: rng.choice(names) for kind, names in HEADINGS.items()}
    (s1, e1, *r1), (s2, e2, *r2) = rng.sample(DATES, 2)
    resume = Resume(
        name=name,
        title="Data Platform Engineer",
        contact=f"{email} · +1 415 555 01{seed:02d} · Austin, TX",
        side=(
            (h[K.SKILLS], ("Python", "SQL", "Docker", "Kubernetes", "Airflow")),
            (h[K.LANGUAGES], ("English (C2)", "Spanish (B2)")),
        ),
        main=(
            (h[K.SUMMARY], ("Engineer who builds data platforms and the teams around them.",)),
            (
                h[K.EXPERIENCE],
                (
                    f"Senior Engineer, Northwind | {s1} – {e1}",
                    "• Built streaming pipelines in Python on Kubernetes for 30 teams.",
                    f"Engineer, Contoso | {s2} – {e2}",
                    "• Wrote the SQL models behind the finance dashboards.",
                ),
            ),
            (h[K.EDUCATION], ("BSc Computer Science, University of Somewhere, 2012",)),
            (h[K.CERTIFICATIONS], ("CKA, 2021",)),
        ),
    )
    return resume, name, email, [tuple(r1), tuple(r2)]  # type: ignore[list-item]


@pytest.mark.parametrize("seed", range(12))
def test_parse_self_made_variants(seed: int) -> None:
    resume, name, email, ranges = _variant(seed)
    layout = LAYOUTS[seed % len(LAYOUTS)]
    if layout == "docx":
        data = make_docx(resume)
    elif layout == "text":
        data = make_text(resume)
    else:
        producer, columns = layout.split("-")
        data = make_pdf(resume, producer=producer, columns=int(columns))
    doc = parse(data)
    assert doc.contact.name == name
    assert doc.contact.email == email
    assert [s.kind for s in doc.sections] == [
        K.HEADER,
        K.SKILLS,
        K.LANGUAGES,
        K.SUMMARY,
        K.EXPERIENCE,
        K.EDUCATION,
        K.CERTIFICATIONS,
    ]
    assert [(e.start, e.end) for e in doc.experience] == ranges
    assert [(e.title, e.employer) for e in doc.experience] == [
        ("Senior Engineer", "Northwind"),
        ("Engineer", "Contoso"),
    ]
