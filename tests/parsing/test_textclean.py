"""Text cleaning (``matcher.read.textclean``): one line at a time, and words broken across lines."""

from __future__ import annotations

import pytest

from matcher.read.textclean import (
    clean_line,
    count_cid,
    dehyphenate,
    fix_letter_spacing,
    vocabulary,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ﬁne-tuned ﬂows with ﬀmpeg", "fine-tuned flows with ffmpeg"),  # ligatures (NFKC)
        ("opti\u00admi\u00adsa\u00adtion", "optimisation"),  # soft hyphens
        ("zero\u200bwidth\u2060joiner", "zerowidthjoiner"),
        ("(cid:127) Python (cid:3)(cid:4)", "Python"),  # icon-font glyphs
        ("\uf0b7 Built pipelines", "• Built pipelines"),  # Word's Symbol-font bullet
        ("\ue001 github.com/jo", "github.com/jo"),  # private-use icon
        ("\u0308 Another achievement", "Another achievement"),  # a mark with no letter
        ("Zoe\u0308 Bronte\u0308", "Zoë Brontë"),  # decomposed accents are composed
        ("tab\there\x00and\x07bell", "tab here and bell"),  # controls
        ("non\u2011breaking \u2212 minus", "non-breaking - minus"),
        ("  lots   of\u00a0 space  ", "lots of space"),
        ("Ｐｙｔｈｏｎ３", "Python3"),  # full-width forms
        ("E X P E R I E N C E", "EXPERIENCE"),
        ("W O R K  E X P E R I E N C E", "WORK EXPERIENCE"),
        ("R ESEARCH E XPERIENCE", "RESEARCH EXPERIENCE"),  # small caps split
        ("A WARDS", "AWARDS"),
        ("A I ENGINEER", "A I ENGINEER"),  # a lone "A"/"I" joins only into a heading word
        ("• Built a model", "• Built a model"),
        ("▪ Built a model", "• Built a model"),
        ("◦ Built a model", "• Built a model"),
        ("– Built a model", "• Built a model"),
        ("· Built a model", "• Built a model"),
        ("- Built a model", "• Built a model"),
        ("➢ Built a model", "• Built a model"),
        ("•", ""),  # a bullet alone is no text
        ("C++ - 5 years", "C++ - 5 years"),  # an inner dash is not a bullet
        ("a b", "a b"),  # two single letters may be prose
        ("s k i l l s", "skills"),
    ],
)
def test_clean_line_cases(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean
    assert clean_line(clean) == clean  # idempotent on its own output


def test_count_cid() -> None:
    assert count_cid("(cid:12) a (cid:345)b") == 2
    assert count_cid("no glyphs") == 0


def test_fix_letter_spacing_keeps_normal_text() -> None:
    assert fix_letter_spacing("Built a C compiler") == "Built a C compiler"
    assert fix_letter_spacing("S K I L L S") == "SKILLS"


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["improved the develop-", "ment process"], ["improved the development", "process"]),
        (["opti\u00ad", "misation, then"], ["optimisation,", "then"]),  # soft hyphen
        (["state-of-the-", "art models"], ["state-of-the-art", "models"]),  # compound kept
        (["worked with Python-", "Django apps"], ["worked with Python-", "Django apps"]),
        (["ends with a dash -", "next"], ["ends with a dash -", "next"]),
        (["re-", "ran"], ["reran", ""]),
    ],
)
def test_dehyphenate_cases(lines: list[str], joined: list[str]) -> None:
    assert dehyphenate(lines) == joined


def test_dehyphenate_keeps_compounds_the_document_spells_with_a_hyphen() -> None:
    lines = ["Skills: scikit-learn, PyTorch", "churn models with scikit-", "learn and XGBoost"]
    assert dehyphenate(lines, vocabulary(lines))[1] == "churn models with scikit-learn"
    # without that evidence the line break is read as hyphenation
    assert dehyphenate(lines[1:])[0] == "churn models with scikitlearn"
    # and a word the document spells joined stays joined
    prose = ["a develop-", "ment plan", "development"]
    assert dehyphenate(prose, vocabulary(prose))[0] == "a development"
