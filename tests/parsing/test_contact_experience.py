"""Contact details (``matcher.read.contact``) and experience entries and years
(``matcher.read.experience``) from hand-built lines."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.models import ExperienceEntry
from matcher.read.contact import find_contact
from matcher.read.experience import find_experience, total_years
from matcher.read.sections import split_sections
from tests.parsing.support import BOLD, doc_text

TODAY = dt.date(2026, 12, 1)


def _contact(*rows: str | tuple[str, dict[str, object]]):  # type: ignore[no-untyped-def]
    doc = doc_text(*rows)
    return find_contact(doc.lines, split_sections(doc))


@pytest.mark.parametrize(
    ("heading", "items"),
    [("Skills", "Python, SQL"), ("Languages", "English, French"), ("Tools", "Java, Go")],
)
def test_a_short_list_under_a_heading_is_not_a_location(heading: str, items: str) -> None:
    # "Python, SQL" has the shape of "Austin, TX"; read as the location, it was blanked out
    # of the scored text and a two-skill resume showed no skills at all
    contact = _contact(("Sam Lee", {"font_size": 20.0, "bold": True}), (heading, BOLD), items)
    assert contact.location is None
    contact = _contact("Sam Lee", "Austin, TX", (heading, BOLD), items)
    assert contact.location == "Austin, TX"


def test_find_contact_all_fields() -> None:
    contact = _contact(
        ("Jane Q. Doe", {"font_size": 22.0, "bold": True}),
        "Senior Data Engineer",
        "jane.doe@example.org | +1 (415) 555-0142 | San Francisco, CA",
        "linkedin.com/in/janedoe · https://github.com/janedoe · https://janedoe.dev",
        ("Experience", BOLD),
        "Engineer, Acme | 2019 – 2021",
    )
    assert contact.name == "Jane Q. Doe"
    assert contact.email == "jane.doe@example.org"
    assert contact.phone == "+1 (415) 555-0142"
    assert contact.location == "San Francisco, CA"
    assert contact.links == (
        "linkedin.com/in/janedoe",
        "https://github.com/janedoe",
        "https://janedoe.dev",
    )


@pytest.mark.parametrize(
    ("rows", "name"),
    [
        (["JANE DOE", "jane@example.org"], "JANE DOE"),
        (["Curriculum Vitae", "Jan van der Berg", "jan@example.nl"], "Jan van der Berg"),
        (["Machine Learning Engineer", "José Álvarez", "jose@example.es"], "José Álvarez"),
        (["Ana Lima | ana@example.com | +55 11 91234 5678"], "Ana Lima"),
    ],
)
def test_find_contact_name_shapes(rows: list[str], name: str) -> None:
    assert _contact(*rows).name == name


def test_find_contact_name_wrapped_in_a_narrow_column() -> None:
    contact = _contact(
        ("Marta", {"font_size": 26.0}),
        ("Kowalczyk", {"font_size": 26.0}),
        "marta@example.org",
    )
    assert contact.name == "Marta Kowalczyk"


def test_find_contact_email_split_over_two_lines() -> None:
    assert _contact("Jo Doe", "jo.doe@exam", "ple.org").email == "jo.doe@example.org"
    # a complete address followed by a capitalised word is not split
    assert _contact("Jo Doe", "jo@example.org", "Body text").email == "jo@example.org"


def test_find_contact_year_ranges_are_not_phones() -> None:
    assert _contact("Jo Doe", "2019 - 2021", "jo@example.org").phone is None


def _entries(*rows: str | tuple[str, dict[str, object]]) -> list[ExperienceEntry]:
    doc = doc_text(*rows)
    return find_experience(doc.lines, split_sections(doc), today=TODAY)


@pytest.mark.parametrize(
    ("line", "start", "end", "current"),
    [
        ("Engineer, Acme | Jan 2019 – Present", "2019-01", None, True),
        ("Engineer, Acme | 2017 - 2020", "2017-01", "2020-01", False),
        ("Engineer, Acme | 03/2018 - 12/2021", "2018-03", "2021-12", False),
        ("Engineer, Acme | September 2015 to June 2016", "2015-09", "2016-06", False),
        ("Engineer, Acme | 2021-Present", "2021-01", None, True),
        ("Engineer, Acme | Since 2020", "2020-01", None, True),
        ("Engineer, Acme (Fall 2013 – Spring 2014)", "2013-09", "2014-03", False),
    ],
)
def test_find_experience_date_formats(
    line: str, start: str, end: str | None, current: bool
) -> None:
    (entry,) = _entries(("Experience", BOLD), line, "• Did things.")
    assert (entry.title, entry.employer) == ("Engineer", "Acme")
    assert (entry.start, entry.end, entry.current) == (start, end, current)
    assert entry.line == 2


def test_find_experience_title_from_line_above_and_employer_below() -> None:
    entries = _entries(
        ("Work History", BOLD),
        "Staff Engineer",
        "2019 – 2022",
        "• Led the platform team.",
        "Data Analyst  2016 – 2019",
        "Contoso Ltd",
        "• Built dashboards.",
    )
    assert [(e.title, e.employer) for e in entries] == [
        ("Staff Engineer", None),
        ("Data Analyst", "Contoso Ltd"),
    ]


def test_find_experience_range_wrapped_onto_next_line() -> None:
    (entry,) = _entries(
        ("Experience", BOLD), "Data Scientist, Baltic Retail | Mar 2017 – Dec", "2021"
    )
    assert (entry.title, entry.employer, entry.start, entry.end) == (
        "Data Scientist",
        "Baltic Retail",
        "2017-03",
        "2021-12",
    )


def test_find_experience_ignores_bullets_future_and_backwards_ranges() -> None:
    entries = _entries(
        ("Experience", BOLD),
        "• Migrated 2019 - 2020 data",  # a bullet, not an entry
        "Engineer, Future Corp | 2030 – 2031",  # starts after today
        "Engineer, Backwards | 2020 – 2018",  # ends before it starts
        "Engineer, Real | 2018 – 2020",
    )
    assert [e.employer for e in entries] == ["Real"]


def test_total_years_merges_overlaps_and_counts_present() -> None:
    entries = _entries(
        ("Experience", BOLD),
        "Engineer, A | Jan 2020 – Present",  # 83 months to Dec 2026
        "Engineer, B | Jan 2018 – Dec 2020",  # overlaps A for 11 months
        "Engineer, C | Jan 2010 – Jan 2012",  # 24 months, separate
    )
    assert total_years(entries, today=TODAY) == round((107 + 24) / 12, 1)


def test_total_years_without_entries_is_none() -> None:
    assert total_years([], today=TODAY) is None


def test_find_experience_range_wrapped_before_its_dash() -> None:
    # "– June 2014" at the start of a line was cleaned into a bullet
    (entry,) = _entries(
        ("Experience", BOLD), "Senior Engineer, Northwind | September 2012", "• June 2014"
    )
    assert (entry.title, entry.employer, entry.start, entry.end) == (
        "Senior Engineer",
        "Northwind",
        "2012-09",
        "2014-06",
    )


@pytest.mark.parametrize(
    ("first_line", "name"),
    [
        ("Ingrid Solberg MLOps Engineer / ML Platform ingrid@example.no | Oslo", "Ingrid Solberg"),
        ("Jane Doe Data Scientist jane@example.org +1 415 555 0100", "Jane Doe"),
        ("Amal Haddad Engineer amal@example.org", "Amal Haddad"),
        ("Curriculum Vitae jane@example.org", None),
    ],
)
def test_find_contact_name_at_the_start_of_a_run_on_line(first_line: str, name: str | None) -> None:
    assert _contact(first_line, "Python, SQL and more").name == name


def test_find_contact_surname_that_is_also_a_title_word() -> None:
    assert _contact(("Edith Head", {"font_size": 20.0}), "edith@example.org").name == "Edith Head"
