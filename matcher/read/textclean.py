"""Raw extracted text → clean text: the one cleaning step every reader (pdf, docx, text) shares.

What it fixes, line by line (``clean_line``):

* ``(cid:NNN)`` glyphs (icon fonts pdfminer cannot map) and private-use code points are dropped;
  the Symbol-font bullets Word emits (U+F0B7, U+F0A7) become "•";
* soft hyphens (U+00AD), zero-width characters and control characters are removed, then Unicode
  NFKC (ligatures ﬁ/ﬂ/ﬀ, full-width forms, non-breaking spaces);
* non-breaking and Unicode hyphens become "-", whitespace runs become one space;
* letter-spaced headings: ``E X P E R I E N C E`` → ``EXPERIENCE``, ``W O R K  E X P`` (words
  two spaces apart) → ``WORK EXP``, small-caps splits ``R ESEARCH E XPERIENCE`` →
  ``RESEARCH EXPERIENCE``;
* a leading bullet (•, ▪, ‣, ◦, ●, ■, ►, ➢, ✓, –, -, *, ·) becomes "• ".

Across lines (``dehyphenate``): a word broken at the end of a line (``develop-`` / ``ment``) is
joined on the first line. ``clean_line`` is idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "BULLET",
    "clean_line",
    "count_cid",
    "dehyphenate",
    "fix_letter_spacing",
    "is_mojibake",
    "vocabulary",
]

BULLET = "•"

_CID = re.compile(r"\(cid:\d+\)")
_SYMBOL_BULLETS = str.maketrans({"\uf0b7": BULLET, "\uf0a7": BULLET, "\uf0d8": BULLET})
_INVISIBLE = re.compile(
    "[\u00ad\u200b-\u200d\u2060\ufeff\ufffe\uffff\ufffc]"  # soft hyphen, zero-width, BOM
)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_PRIVATE = re.compile("[\ue000-\uf8ff]")
# a combining mark with no letter to sit on (icon-font residue: "̈ Another achievement")
_ORPHAN_MARK = re.compile("(?:^|(?<=\\s))[\u0300-\u036f\u20d0-\u20ff]+")
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2043": "-", "\u2212": "-"})
_SPACES = re.compile(r"\s+")
_HYPHEN_PAIR = re.compile("[-\u2010\u2011][\u00ad\u200b]*[\u2010\u2011]")
_LEADING_BULLET = re.compile(
    "^(?:[\u2022\u25aa\u25ab\u2023\u25e6\u25cf\u25a0\u25a1\u25c6\u25c7\u25ba\u25b8\u25b9\u27a2"
    "\u27a4\u2713\u2714\u2219\u00b7]\\s*|[\u2013\u2014*>o-]\\s+)"
)
_SINGLE = re.compile(r"^\S$")
# "R ESEARCH": one capital and the rest of the word, from small-caps fonts
_SMALL_CAPS = re.compile(r"\b([A-Z]) ([A-Z]{2,})\b")

# words a small-caps split may rebuild when the lone letter is also a word (A, I)
_HEADING_WORDS = frozenset(
    [
        "about",
        "achievements",
        "activities",
        "affiliations",
        "awards",
        "certifications",
        "certificates",
        "competencies",
        "contact",
        "courses",
        "education",
        "employment",
        "experience",
        "expertise",
        "highlights",
        "history",
        "honors",
        "honours",
        "information",
        "interests",
        "internships",
        "involvement",
        "languages",
        "leadership",
        "objective",
        "overview",
        "profile",
        "projects",
        "publications",
        "qualifications",
        "references",
        "research",
        "skills",
        "summary",
        "technologies",
        "tools",
        "training",
        "volunteer",
        "volunteering",
        "work",
    ]
)


def count_cid(text: str) -> int:
    """How many ``(cid:NNN)`` glyphs (unmappable icon-font characters) the raw text holds."""
    return len(_CID.findall(text))


def is_mojibake(text: str) -> bool:
    """True when UTF-8 text was decoded as cp1252 (``â€¢`` for "•", ``Ã©`` for "é")."""
    return bool(
        re.search("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u2018-\u203a\u20ac\u0152-\u0178]", text)
    )


def fix_letter_spacing(text: str) -> str:
    """Join letter-spaced words: ``S K I L L S`` → ``SKILLS``, ``R ESEARCH`` → ``RESEARCH``.

    Groups separated by two or more spaces are words; inside a group, single characters
    separated by single spaces are one word. Runs of fewer than three single letters are kept
    (``a b`` may be prose).
    """
    groups = re.split(r"(\s{2,})", text)
    out: list[str] = []
    for group in groups:
        tokens = group.split(" ")
        if len(tokens) >= 3 and all(_SINGLE.match(t) for t in tokens):
            out.append("".join(tokens))
        else:
            out.append(_join_single_runs(group))
    joined = "".join(out)
    return _fix_small_caps(joined)


def _join_single_runs(group: str) -> str:
    # Inside one group: a run of 4+ single capital letters "E X P E R" is one word.
    return re.sub(
        r"(?<!\S)(?:[A-Z] ){3,}[A-Z](?!\S)",
        lambda m: m.group(0).replace(" ", ""),
        group,
    )


def _fix_small_caps(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters or len(text) > 60 or any(c.islower() for c in letters):
        return text  # only short all-capitals lines are headings

    def join(m: re.Match[str]) -> str:
        word = m.group(1) + m.group(2)
        if m.group(1) in "AI" and word.lower() not in _HEADING_WORDS:
            return m.group(0)
        return word

    return _SMALL_CAPS.sub(join, text)


def _clean_once(text: str) -> str:
    text = text.translate(_SYMBOL_BULLETS)
    while True:
        stripped = _CID.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = text.replace("\t", "  ")
    text = _HYPHEN_PAIR.sub("-", text)  # Word for Mac: "-" + soft hyphen + U+2010 is one hyphen
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _PRIVATE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _ORPHAN_MARK.sub("", text)
    text = text.translate(_HYPHENS)
    text = _CONTROL.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = fix_letter_spacing(text.strip())
    text = _SPACES.sub(" ", text).strip()
    m = _LEADING_BULLET.match(text)
    if m and len(text) > m.end():
        text = f"{BULLET} {text[m.end() :]}"
    elif m and text in {BULLET, "-", "*", "·", "–", "—"}:
        text = ""
    return text


def clean_line(text: str) -> str:
    """Clean one line of extracted text (see the module docstring). Idempotent."""
    for _ in range(4):
        cleaned = _clean_once(text)
        if cleaned == text:
            return cleaned
        text = cleaned
    return text


# the lookbehind starts a match only where a word starts (the same matches): a long line is not
# rescanned from each of its letters
_BROKEN_WORD = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,})(?:\u00ad[-\u2010]?|-)$")
_CONTINUES = re.compile(r"^([a-z][A-Za-z]*)([,.;:]?)(\s|$)")


_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def vocabulary(lines: Sequence[str]) -> frozenset[str]:
    """The lower-cased words (hyphenated compounds whole) of some lines, for ``dehyphenate``."""
    return frozenset(m.group(0).lower() for line in lines for m in _WORD.finditer(line))


def dehyphenate(raw: Sequence[str], vocab: frozenset[str] = frozenset()) -> list[str]:
    """Join words broken at line ends: ``["develop-", "ment of X"]`` → ``["development", "of X"]``.

    Works on raw lines (before ``clean_line``) so a soft hyphen at the end of a line marks a
    break; a hard hyphen joins only when the next line goes on in lower case and the part before
    it has no hyphen of its own (``state-of-the-`` / ``art`` stays hyphenated). ``vocab`` (the
    document's own words, see ``vocabulary``) keeps a real compound whole: ``scikit-`` /
    ``learn`` stays ``scikit-learn`` when the document spells it so elsewhere and never
    ``scikitlearn``.
    """
    lines = list(raw)
    for i in range(len(lines) - 1):
        line = lines[i].rstrip()
        m = _BROKEN_WORD.search(line)
        if not m:
            continue
        nxt = lines[i + 1].lstrip()
        n = _CONTINUES.match(nxt)
        if not n:
            continue
        soft = "\u00ad" in line[m.start() :]
        word_start = line.rfind(" ", 0, m.start(1) + 1) + 1
        compound = "-" in line[word_start : m.start(1) + len(m.group(1))]
        if not compound and not soft and vocab:
            head, tail = line[word_start : m.end(1)].lower(), n.group(1).lower()
            compound = f"{head}-{tail}" in vocab and f"{head}{tail}" not in vocab
        if compound and not soft:
            joined = line[: m.end(1)] + "-" + n.group(1) + n.group(2)
        else:
            joined = line[: m.end(1)] + n.group(1) + n.group(2)
        lines[i] = joined
        lines[i + 1] = nxt[n.end() :].lstrip() if n.group(3) else ""
    return lines
