"""The roles a resume names as its own title: its headline, summary or a job title."""

from __future__ import annotations

import re

from matcher.models import Document, Occupation, SectionKind
from matcher.read.contact import is_contact_line
from taxonomy import Taxonomy, normalize_name

__all__ = [
    "COMPUTING",
    "current_title_lines",
    "current_titles",
    "occupation_outside_computing",
    "title_is_ambiguous",
    "title_matches",
    "titles_named",
]

_BULLETED = re.compile(r"^\s*[•●▪‣◦○■►▶✓✔*·–—-]")
_TITLE_SECTIONS = frozenset({SectionKind.HEADER, SectionKind.SUMMARY, SectionKind.EXPERIENCE})


def _phrase_in(phrase: str, text: str, *, plural: bool = False) -> bool:
    # the substring test first: a regex (escaped, compiled or looked up) per title × line was a
    # third of the time after parse; the word-boundary check only runs on the few real hits
    return (
        phrase in text
        # a posting's title also in the plural ("Machine Learning Engineers"); never a
        # resume's, where "Atri Developers" is an employer
        and re.search(
            rf"(?<![a-z0-9]){re.escape(phrase)}{'s?' if plural else ''}(?![a-z0-9])", text
        )
        is not None
    )


def title_matches(document: Document, taxonomy: Taxonomy) -> dict[str, str]:
    """Roles the resume names as its own title (headline, summary or a job title).

    Only short lines are read (a title, not a sentence mentioning a role), and lines with contact
    details are skipped. A long line of the header or the summary (a paragraph a DOCX or text
    file keeps on one line, "Applied ML Engineer with experience building ...") gives its first
    sentence's opening words, as much as a short line holds: what the first line of the same
    paragraph wrapped in a PDF gives. A variant's title also names its parent role.
    """
    candidates: list[str] = [e.title for e in document.experience if e.title]
    for line in document.lines:
        if line.hidden or line.start < 0:
            continue
        section = document.section_at(line.start)
        if section is not None and section.kind not in _TITLE_SECTIONS:
            continue
        if is_contact_line(line.text, document) or _BULLETED.match(line.text):
            continue
        if len(line.text) <= _SHORT_LINE:
            candidates.append(line.text)
        elif section is None or section.kind in _OPENING_SECTIONS:
            candidates.append(_opening(line.text))
    return titles_named(candidates, taxonomy)


_SHORT_LINE = 90
_OPENING_SECTIONS = frozenset({SectionKind.HEADER, SectionKind.SUMMARY})
_SENTENCE_END = re.compile(r"[.!?;:,](?:\s|$)|\s(?:with|who|having|and)\s")


def _opening(text: str) -> str:
    """A long line's opening clause ("Applied ML Engineer" of "Applied ML Engineer with four
    years of ..."), cut at a word boundary to a short line's length."""
    end = _SENTENCE_END.search(text)
    head = text[: end.start()] if end else text
    if len(head) > _SHORT_LINE:
        head = head[:_SHORT_LINE].rsplit(" ", 1)[0]
    return head


def current_titles(document: Document, taxonomy: Taxonomy) -> dict[str, str]:
    """Roles the resume's current title names: its headline (a short line of the header block,
    above the first section) or the title of its latest job (the current one, else the one
    that ended last). A title held years ago says less about the role someone does now."""
    return titles_named(current_title_lines(document), taxonomy)


def current_title_lines(document: Document) -> list[str]:
    """The lines that may hold the resume's current title: the short lines of its header
    block (contact lines aside) and its latest job's title."""
    candidates: list[str] = []
    for line in document.lines:
        if line.hidden or line.start < 0 or len(line.text) > 90:
            continue
        section = document.section_at(line.start)
        if section is not None and section.kind is not SectionKind.HEADER:
            continue
        if is_contact_line(line.text, document) or _BULLETED.match(line.text):
            continue
        candidates.append(line.text)
    jobs = [e for e in document.experience if e.title]
    if jobs:
        latest = max(jobs, key=lambda e: (e.current, e.end or e.start or "", -e.line))
        candidates.append(latest.title or "")
    return candidates


def titles_named(
    candidates: list[str], taxonomy: Taxonomy, *, plural: bool = False
) -> dict[str, str]:
    """Role id → the first candidate title that names the role (a variant names its parent
    too), longer role names first ("Machine Learning Engineer" before "Engineer"). ``plural``:
    a posting's title, which may name the role in the plural."""
    names: list[tuple[str, str]] = []
    for role in taxonomy.roles.values():
        for name in (role.title, *role.aliases):
            key = normalize_name(name)
            if len(key) >= 4:
                names.append((key, role.id))
    names.sort(key=lambda kv: (-len(kv[0]), kv[1]))
    found: dict[str, str] = {}
    for text in candidates:
        key = normalize_name(text)
        for name, role_id in names:
            if role_id not in found and _phrase_in(name, key, plural=plural):
                found[role_id] = text.strip()
                parent = taxonomy.roles[role_id].parent
                if parent and parent not in found:
                    found[parent] = text.strip()
    return found


COMPUTING = "15-"  # O*NET-SOC major group 15: Computer and Mathematical Occupations
_MAX_TITLE_WORDS = 8


def occupation_outside_computing(candidates: list[str], taxonomy: Taxonomy) -> Occupation | None:
    """The occupation outside computing that the current title names, when it names no role
    of the taxonomy ("Senior Product Designer", "Registered Nurse", "Civil Engineer"): the
    first O*NET reported job title (two words or more) found in a candidate title, as long as
    no title found in the candidates belongs to a computing occupation too ("Research
    Scientist" is held in computing and in the sciences: it says nothing). None otherwise."""
    outside: Occupation | None = None
    for text in candidates:
        if not text.strip() or titles_named([text], taxonomy):
            continue
        words = normalize_name(text).split()[:40]
        for n in range(min(_MAX_TITLE_WORDS, len(words)), 1, -1):
            for start in range(len(words) - n + 1):
                held = taxonomy.job_titles.get(" ".join(words[start : start + n]))
                if not held:
                    continue
                if any(code.startswith(COMPUTING) for code, _ in held):
                    return None
                if outside is None:
                    outside = Occupation(text.strip(), held)
    return outside


def title_is_ambiguous(title: str, role_id: str, taxonomy: Taxonomy) -> bool:
    """Whether ``title`` names ``role_id`` only through names that O*NET also reports for an
    occupation outside computing: "Business Analyst" (a Data Analyst alias, and Management
    Analysts), "Research Scientist" (the sciences too), or through a role's curated
    ``shared_aliases`` ("QA Engineer", "Infrastructure Engineer": O*NET lists neither). Such a
    title is evidence, but it cannot stand in for the role's distinctive skills; "Senior Data
    Scientist" can."""
    key = normalize_name(title)
    roles = [taxonomy.roles[role_id]]
    roles += [r for r in taxonomy.roles.values() if r.parent == role_id]
    named = [
        (normalize_name(name), name in role.shared_aliases)
        for role in roles
        for name in (role.title, *role.aliases)
        if len(normalize_name(name)) >= 4 and _phrase_in(normalize_name(name), key, plural=True)
    ]
    if not named:
        return False
    for name, shared in named:
        if shared:
            continue  # curated: other industries use the title as much ("QA Engineer")
        held = taxonomy.job_titles.get(name)
        if not held or all(code.startswith(COMPUTING) for code, _ in held):
            return False
    return True
