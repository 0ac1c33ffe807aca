"""Lines → ``Contact``: name, e-mail, phone, location line and links.

Contact details are for display only: scoring never reads them. The e-mail, phone and links
come from the first lines of the document (and the whole header block); an address split over
two lines (``name@mail.c`` / ``om``) is joined. The name is the most prominent name-shaped line
at the top: the largest font among the first lines, else the first line made of two to four
capitalised words that is not a heading, a title or a contact line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from matcher.models import Contact, Document, Line, Section, SectionKind
from matcher.read.sections import classify_heading

__all__ = ["contact_spans", "find_contact", "is_contact_line"]

# The lookbehinds start a match only where a run of address characters starts (the same
# matches: a later start in the run reaches the same "@"), so a long line without one is
# scanned once, not from each of its characters (a line of 20,000 letters: 8 s -> 0.01 s).
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}\b"
)
_EMAIL_HEAD = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-.]+$")
_PHONE = re.compile(r"(?<![\w/])(?:\+|00)?\(?\d[\d\s().\-/]{6,}\d(?![\w/])")
_URL = re.compile(
    r"(?:(?:https?://)?(?:www\.)?(?:linkedin\.com/(?:in|pub)/|github\.com/|gitlab\.com/"
    r"|twitter\.com/|x\.com/|stackoverflow\.com/users/|medium\.com/|kaggle\.com/)[\w\-./%@]+"
    r"|https?://[^\s|,;)]+|www\.[^\s|,;)]+)",
    re.IGNORECASE,
)
_LOCATION = re.compile(
    r"^(?:[A-Z][\w'.\-]+(?: [A-Z][\w'.\-]+){0,3}), "
    r"(?:[A-Z]{2}\b|[A-Z][\w'.\-]+(?: [A-Z][\w'.\-]+){0,2})"
    r"(?:, [A-Z][\w'.\-]+(?: [A-Z][\w'.\-]+){0,2})?$"
)
# What is blanked out before scoring (``contact_spans``): broader than what is reported above,
# so that nothing personal is ever read as a skill.
_EMAIL_LIKE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(\.[\w-]+)+")  # lookbehind: see _EMAIL
_PHONE_LIKE = re.compile(r"(\+?\d[\d ().-]{7,}\d)")
# A whole whitespace-delimited run holding a link. The lookbehind only starts a match where a
# run starts (the same matches as without it: a run without a link fails from every position),
# so a long run is not rescanned from each of its characters (0.58 -> 0.17 ms per resume).
_LINK_RUN = re.compile(
    r"(?<!\S)\S*(https?://|www\.|linkedin\.com|github\.com|gitlab\.com|\.io/|\.com/)\S*",
    re.I,
)
# Personal-details lines (never scored): "Date of Birth: ...", "Gender: ...", "Address: ...".
_PERSONAL = re.compile(
    r"(?im)^[ \t•*-]*(date of birth|d\.?o\.?b\.?|born|birth ?date|gender|sex|address|"
    r"permanent address|nationality|marital status|age|religion|citizenship|passport( no\.?)?|"
    r"father'?s name|mother'?s name|languages known)\s*[:\-–].*$"
)
_SEPARATORS = re.compile(r"\s*(?:[|·•◦▪‣]|\s{2,}| - | – )\s*")
_NAME_WORD = re.compile(
    r"^[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-.À-ž]*$|^(?:de|da|van|von|der|del|la|le|di|du|bin|al)$"
)
_TITLE_WORDS = frozenset(
    [
        "engineer",
        "developer",
        "scientist",
        "manager",
        "analyst",
        "designer",
        "consultant",
        "architect",
        "intern",
        "student",
        "researcher",
        "director",
        "lead",
        "specialist",
        "technician",
        "administrator",
        "officer",
        "assistant",
        "programmer",
        "resume",
        "curriculum",
        "vitae",
        "cv",
        "summary",
        "profile",
    ]
)
# words that start a job title on a run-on first line (never used to reject a name: Edith Head)
_TITLE_START = frozenset(["senior", "junior", "staff", "principal", "head", "chief"])
_HEADER_LINES = 12
_LIST_SECTIONS = frozenset(
    {
        SectionKind.SKILLS,
        SectionKind.PROJECTS,
        SectionKind.CERTIFICATIONS,
        SectionKind.PUBLICATIONS,
        SectionKind.AWARDS,
        SectionKind.LANGUAGES,
        SectionKind.INTERESTS,
    }
)


def _header_lines(lines: Sequence[Line], sections: Sequence[Section]) -> list[Line]:
    visible = [ln for ln in lines if not ln.hidden]
    limit = _HEADER_LINES
    for s in sections:
        if s.kind in (SectionKind.HEADER, SectionKind.CONTACT):
            limit = max(limit, s.last_line)
    first_page = visible[0].page if visible else 1
    return [
        ln
        for ln in visible
        if ln.number <= limit or (ln.page == first_page and ln.in_header_footer)
    ]


def _emails(lines: Sequence[Line]) -> list[str]:
    found: list[str] = []
    for i, ln in enumerate(lines):
        text = ln.text
        hits = _EMAIL.findall(text)
        tail = text.split()[-1] if text.split() else ""
        if i + 1 < len(lines) and _EMAIL_HEAD.match(tail) and not tail.endswith("."):
            nxt = lines[i + 1].text.split()[0] if lines[i + 1].text.split() else ""
            joined = tail + nxt
            m = _EMAIL.fullmatch(joined.rstrip(".,;"))
            # the continuation of a split address is lower case ("exam" / "ple.org", "c" / "om"),
            # never the capitalised first word of the next line ("jo@x.org" / "Body ...")
            if m and nxt == nxt.lower() and (not hits or hits[-1] != tail or len(nxt) <= 4):
                hits = [h for h in hits if h != tail and not joined.startswith(h)] + [m.group(0)]
        found.extend(hits)
    return found


def _phones(text: str) -> list[str]:
    out: list[str] = []
    for m in _PHONE.finditer(text):
        raw = m.group(0).strip()
        digits = re.sub(r"\D", "", raw)
        if not 9 <= len(digits) <= 15:
            continue
        if re.fullmatch(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d", raw):
            continue  # a year range
        if re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{4}", raw):
            continue  # ORCID-like identifier
        out.append(raw)
    return out


def _links(text: str) -> list[str]:
    out: list[str] = []
    for m in _URL.finditer(text):
        link = m.group(0).rstrip(".,;:)")
        if "@" in link and not link.lower().startswith("http"):
            continue
        if link not in out:
            out.append(link)
    return out


def _name_candidate(text: str) -> str | None:
    t = text.strip().strip(",")
    if not t or len(t) > 48 or any(ch.isdigit() for ch in t) or "@" in t:
        return None
    words = t.split()
    if not 2 <= len(words) <= 5:
        return None
    # ALL CAPS names ("JANE DOE") are fine too
    if not all(_NAME_WORD.match(w) for w in words) and not all(
        w.isalpha() and w.isupper() for w in words
    ):
        return None
    lowered = {w.lower().strip(".,") for w in words}
    if lowered & _TITLE_WORDS:
        return None
    if classify_heading(t) is not None:
        return None
    return t


def _name(lines: Sequence[Line]) -> str | None:
    top = list(lines[:8])
    if not top:
        return None
    # typographically most prominent first
    by_size = sorted(top, key=lambda ln: (-ln.font_size, ln.number))
    if by_size[0].font_size > 0 and by_size[0].font_size > min(ln.font_size for ln in top):
        for ln in by_size[:2]:
            cand = _name_candidate(ln.text)
            if cand:
                return cand
            for part in _SEPARATORS.split(ln.text):
                cand = _name_candidate(part)
                if cand and ln.font_size >= by_size[0].font_size:
                    return cand
        # a name wrapped over two lines of the largest type (a narrow column): "Marta" / "Kowalczyk"
        biggest = by_size[0].font_size
        for a, b in itertools.pairwise(top):
            if a.font_size == b.font_size == biggest and b.number == a.number + 1:
                cand = _name_candidate(f"{a.text} {b.text}")
                if cand and len(a.text.split()) == 1:
                    return cand
    for ln in top:
        cand = _name_candidate(ln.text)
        if cand:
            return cand
        parts = [p for p in _SEPARATORS.split(ln.text) if p]
        if len(parts) > 1:
            for part in parts:
                cand = _name_candidate(re.sub(r"[#§]", " ", part))
                if cand:
                    return cand
        # "Alfred Pennyworth # alfred@x.com": icon glyph residue before the e-mail
        m = re.match(r"^([^#@|]{3,48}?)\s+[#§ÓïI]\s", ln.text)
        if m:
            cand = _name_candidate(m.group(1))
            if cand:
                return cand
        # ... or with the icon dropped (a reader that knows it has no text): the name, then
        # the e-mail on the same line
        m = re.match(r"^([^#@|]{3,48}?)\s+[^\s@]+@", ln.text)
        if m:
            cand = _name_candidate(m.group(1))
            if cand:
                return cand
    return _leading_name(top[0].text)


_STRICT_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’\-]+$")


def _leading_name(text: str) -> str | None:
    """The name at the start of a run-on first line ("Ingrid Solberg MLOps Engineer / ML
    Platform ingrid@..."): two to four plain capitalised words, ending where a word is not
    one (``MLOps``, ``/``, an e-mail) or is a job-title word (``Senior``, ``Engineer``)."""
    words: list[str] = []
    for word in text.split():
        if word.lower() in _TITLE_WORDS or word.lower() in _TITLE_START:
            if len(words) >= 3:
                words.pop()  # "Jane Doe Data Scientist": the title's first word goes too
            break
        if not _STRICT_NAME_WORD.match(word):
            break
        words.append(word)
    if not 2 <= len(words) <= 4 or len(words) == len(text.split()):
        return None  # a whole line of capitalised words was already judged above
    return _name_candidate(" ".join(words))


def _location(lines: Sequence[Line]) -> str | None:
    for ln in lines[:10]:
        for part in _SEPARATORS.split(ln.text):
            part = part.strip()
            if (
                _LOCATION.match(part)
                and not _EMAIL.search(part)
                and len(part) <= 60
                and classify_heading(part) is None
            ):
                return part
    return None


def find_contact(lines: Sequence[Line], sections: Sequence[Section] = ()) -> Contact:
    """Contact details from the top of the document (never used for scoring)."""
    head = _header_lines(lines, sections)
    visible = [ln for ln in lines if not ln.hidden]
    emails = _emails(head) or _emails(visible)
    head_text = "\n".join(ln.text for ln in head)
    phones = _phones(head_text)
    links = _links(head_text)
    if not links:
        links = [lk for lk in _links("\n".join(ln.text for ln in visible)) if _is_profile(lk)]
    # A location is never a line of a section that lists things: "Python, SQL" under Skills
    # reads like "Austin, TX", and the location is blanked out of the text that is scored.
    lists = [(s.first_line, s.last_line) for s in sections if s.kind in _LIST_SECTIONS]
    place = [ln for ln in head if not any(a <= ln.number <= b for a, b in lists)]
    return Contact(
        name=_name(head),
        email=emails[0] if emails else None,
        phone=phones[0] if phones else None,
        location=_location(place),
        links=tuple(links[:8]),
    )


def _is_profile(link: str) -> bool:
    return bool(re.search(r"linkedin\.com|github\.com|gitlab\.com", link, re.I))


def contact_spans(text: str, document: Document) -> list[tuple[int, int]]:
    """Character ranges of ``text`` that hold contact or personal details (never scored).

    E-mail addresses, links, phone numbers, personal-details lines (date of birth, gender,
    address, nationality, ...) and every occurrence of the parsed name, e-mail, phone, location
    and links.
    """
    spans: list[tuple[int, int]] = []
    for rx in (_EMAIL_LIKE, _LINK_RUN, _PERSONAL):
        spans.extend(m.span() for m in rx.finditer(text))
    spans.extend(
        m.span() for m in _PHONE_LIKE.finditer(text) if sum(ch.isdigit() for ch in m.group(0)) >= 9
    )
    folded = text.casefold()
    contact = document.contact
    for value in (contact.name, contact.location, contact.email, contact.phone, *contact.links):
        if not value or len(value.strip()) < 3:
            continue
        needle = value.strip().casefold()
        pos = folded.find(needle)
        while pos >= 0:
            spans.append((pos, pos + len(needle)))
            pos = folded.find(needle, pos + 1)
    return spans


def is_contact_line(text: str, document: Document) -> bool:
    """True when a line carries any contact detail."""
    return bool(contact_spans(text, document))
