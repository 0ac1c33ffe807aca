"""Sections (``matcher.read.sections``): headings by name and synonym, by typography, kept as
printed; table rows keep their cells."""

from __future__ import annotations

import pytest

from matcher.models import SectionKind
from matcher.read.sections import classify_heading, split_run_in_headings, split_sections
from tests.parsing.support import BOLD, doc_text

K = SectionKind


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Technical Skills", K.SKILLS),
        ("Core Competencies", K.SKILLS),
        ("TOOLS & TECHNOLOGIES", K.SKILLS),
        ("Work History", K.EXPERIENCE),
        ("Professional Experience", K.EXPERIENCE),
        ("Relevant Work Experience", K.EXPERIENCE),
        ("EMPLOYMENT", K.EXPERIENCE),
        ("Academic Background", K.EDUCATION),
        ("Education & Training", K.EDUCATION),
        ("Side Projects", K.PROJECTS),
        ("Licenses & Certifications", K.CERTIFICATIONS),
        ("Selected Publications", K.PUBLICATIONS),
        ("Honors and Awards", K.AWARDS),
        ("Languages", K.LANGUAGES),
        ("Hobbies", K.INTERESTS),
        ("Professional Summary", K.SUMMARY),
        ("About Me", K.SUMMARY),
        ("Contact Information", K.CONTACT),
        ("Volunteering", K.OTHER),
        ("2. Experience", K.EXPERIENCE),
        ("Skills:", K.SKILLS),
    ],
)
def test_classify_heading_synonyms(heading: str, kind: SectionKind) -> None:
    hit = classify_heading(heading.rstrip(":"))
    assert hit is not None
    assert hit[0] is kind


@pytest.mark.parametrize("text", ["Python, SQL, Docker", "Built a model", "Jane Doe", ""])
def test_classify_heading_rejects_body_text(text: str) -> None:
    assert classify_heading(text) is None


def test_split_sections_keeps_printed_heading_and_header_block() -> None:
    doc = doc_text(
        ("Jane Doe", {"font_size": 20.0, "bold": True}),
        "jane@example.org",
        ("CORE COMPETENCIES", BOLD),
        "Python, SQL",
        ("Work History", BOLD),
        "Engineer, Acme | 2019 – 2021",
        ("Hobbies", BOLD),
        "Chess",
    )
    sections = split_sections(doc)
    assert [(s.kind, s.heading, s.text) for s in sections] == [
        (K.HEADER, "", "Jane Doe\njane@example.org"),
        (K.SKILLS, "CORE COMPETENCIES", "Python, SQL"),
        (K.EXPERIENCE, "Work History", "Engineer, Acme | 2019 – 2021"),
        (K.INTERESTS, "Hobbies", "Chess"),
    ]
    skills = sections[1]
    assert (skills.first_line, skills.last_line, skills.page) == (3, 4, 1)
    assert doc.text[skills.start : skills.end] == "CORE COMPETENCIES\nPython, SQL"


def test_split_sections_learns_heading_typography() -> None:
    doc = doc_text(
        "Jane Doe",
        ("SKILLS", BOLD),
        "Python",
        ("EXPERIENCE", BOLD),
        "Engineer at Acme",
        ("A DAY IN MY LIFE", BOLD),  # no list knows it; same style as the named headings
        "Coffee, code, climbing.",
    )
    kinds = [(s.kind, s.heading) for s in split_sections(doc)]
    assert kinds[-1] == (K.OTHER, "A DAY IN MY LIFE")


def test_split_sections_heading_names_in_body_type_are_list_items() -> None:
    doc = doc_text(
        ("Jane Doe", {"font_size": 20.0, "bold": True}),
        ("Skills", BOLD),
        "Python",
        "Leadership",  # a known heading name, but in body type among the skills
        "Communication",
        ("Education", BOLD),
        "BSc Physics",
    )
    sections = split_sections(doc)
    assert [s.heading for s in sections] == ["", "Skills", "Education"]
    assert sections[1].text == "Python\nLeadership\nCommunication"


def test_split_sections_plain_text_names_are_headings() -> None:
    # no typography at all (plain text): the name alone makes the heading
    doc = doc_text("Jane Doe", "Skills", "Python", "Experience", "Engineer at Acme")
    assert [s.kind for s in split_sections(doc)] == [K.HEADER, K.SKILLS, K.EXPERIENCE]


def test_split_sections_table_rows_keep_cells() -> None:
    doc = doc_text(
        ("Skills", BOLD),
        ("Skill | Years", {"table_row": 1}),
        ("Python | 6", {"table_row": 2}),
        ("Kubernetes | 3", {"table_row": 3}),
        ("Experience", BOLD),
        "Engineer",
    )
    skills = split_sections(doc)[0]
    assert skills.kind is K.SKILLS
    assert skills.rows == (("Skill", "Years"), ("Python", "6"), ("Kubernetes", "3"))


def test_split_sections_hidden_lines_are_not_sections() -> None:
    doc = doc_text("Jane Doe", ("Skills", BOLD), "Python", ("Experience", {**BOLD, "hidden": True}))
    assert [s.kind for s in split_sections(doc)] == [K.HEADER, K.SKILLS]


def test_split_run_in_headings_only_cuts_long_lines_at_known_headings() -> None:
    short = "Jo Doe SKILLS Python EXPERIENCE Acme"
    assert split_run_in_headings(short) == [short]  # an ordinary line is left alone
    body = "x " * 150
    long = f"Jo Doe {body}SKILLS Python, SQL, AWS EXPERIENCE Engineer at ACME {body}"
    assert split_run_in_headings(long) == [
        f"Jo Doe {body}".strip(),
        "SKILLS",
        "Python, SQL, AWS",
        "EXPERIENCE",
        f"Engineer at ACME {body}".strip(),
    ]


def test_split_sections_heading_wrapped_in_a_narrow_column() -> None:
    doc = doc_text(
        ("Jane Doe", {"font_size": 20.0, "bold": True}),
        ("TOOLS &", {**BOLD, "column": 1}),
        ("TECHNOLOGIES", {**BOLD, "column": 1}),
        ("Python", {"column": 1}),
        ("AREAS OF", {**BOLD, "column": 1}),
        ("EXPERTISE", {**BOLD, "column": 1}),
        ("Data platforms", {"column": 1}),
        ("EXPERIENCE", {**BOLD, "column": 2}),
        ("Engineer, Acme | 2019 – 2021", {"column": 2}),
    )
    sections = split_sections(doc)
    assert [(s.kind, s.heading, s.text) for s in sections] == [
        (K.HEADER, "", "Jane Doe"),
        (K.SKILLS, "TOOLS & TECHNOLOGIES", "Python"),
        (K.SKILLS, "AREAS OF EXPERTISE", "Data platforms"),
        (K.EXPERIENCE, "EXPERIENCE", "Engineer, Acme | 2019 – 2021"),
    ]
    assert (sections[1].first_line, sections[1].last_line) == (2, 4)
