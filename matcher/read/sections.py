"""``DocumentText`` → sections: headings found by name and by typography, each classified.

A line is a heading when it is short, heading-shaped (no sentence punctuation, not a bullet)
and either

* its name is a known heading or synonym (``HEADINGS``: "Technical Skills", "Core
  Competencies", "Work History", "Professional Experience", ...) — exact, or a known heading
  word at its end ("Relevant Work Experience") when the line also looks like a heading
  (bold, larger, capitals, or ending in ":"); or
* it has exactly the typography of the named headings found in the same document (same size,
  weight and case), which catches headings no list knows ("Hobbies", "A Day of My Life") as
  ``OTHER``. Without named headings to learn from, only clearly larger bold/capital lines count.

A heading wrapped over two lines of a narrow column (``TOOLS &`` / ``TECHNOLOGIES``) is one
heading. When the document marks its headings typographically, a known name in body type is a
list item ("Leadership" among the skills), not a heading.

The text before the first heading is the ``HEADER`` section (name, title, contact line).
Table rows inside a section are kept in ``Section.rows`` with their cells apart.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections import Counter
from collections.abc import Sequence

from matcher.models import DocumentText, Line, Section, SectionKind

__all__ = [
    "HEADINGS",
    "classify_heading",
    "heading_key",
    "split_run_in_headings",
    "split_sections",
]

K = SectionKind

HEADINGS: dict[str, SectionKind] = {}


def _add(kind: SectionKind, names: str) -> None:
    for name in names.split("|"):
        HEADINGS[name.strip()] = kind


_add(
    K.SUMMARY,
    "summary|professional summary|career summary|executive summary|profile|professional profile"
    "|personal profile|about|about me|objective|career objective|objectives|professional objective"
    "|personal statement|overview|introduction|summary of qualifications|highlights"
    "|career highlights|professional highlights|bio",
)
_add(
    K.SKILLS,
    "skills|technical skills|core competencies|competencies|key skills|skill set|skillset"
    "|skills summary|technologies|technology|tech stack|stack|tools|toolbox|toolkit"
    "|tools and technologies|technologies and tools|skills and tools|skills and technologies"
    "|technical proficiencies|proficiencies|areas of expertise|expertise|core skills"
    "|programming languages|technical expertise|strengths|skills matrix|relevant skills"
    "|computer skills|it skills|software|hard skills|soft skills|key competencies|abilities"
    "|technical competencies|skills and expertise|skills and competencies|qualifications summary",
)
_add(
    K.EXPERIENCE,
    "experience|work experience|professional experience|work history|employment"
    "|employment history|career history|relevant experience|research experience"
    "|industry experience|professional background|internships|internship experience"
    "|internship|work|career|positions held|experience and employment|professional history"
    "|relevant work experience|technical experience|teaching experience|job history"
    "|selected experience|professional employment|experiences|military experience"
    "|leadership experience|work and leadership experience",
)
_add(
    K.EDUCATION,
    "education|academic background|academics|academic qualifications|qualifications"
    "|education and training|educational background|training|degrees|academic history"
    "|education and certifications|studies|coursework|relevant coursework|academic profile",
)
_add(
    K.PROJECTS,
    "projects|personal projects|selected projects|side projects|key projects|academic projects"
    "|open source|open source projects|open source contributions|portfolio|project experience"
    "|notable projects|technical projects|project|research projects",
)
_add(
    K.CERTIFICATIONS,
    "certifications|certificates|certification|licenses|licenses and certifications"
    "|certifications and licenses|courses|courses and certifications|professional development"
    "|trainings|credentials|accreditations",
)
_add(
    K.PUBLICATIONS,
    "publications|selected publications|papers|research|patents|talks|selected talks"
    "|presentations|conference talks|publications and talks|talks and publications|speaking",
)
_add(
    K.AWARDS,
    "awards|honors|honours|achievements|awards and honors|awards and achievements"
    "|honors and awards|honours and awards|accomplishments|scholarships|key achievements"
    "|recognition|most proud of|honors/awards",
)
_add(
    K.LANGUAGES,
    "languages|spoken languages|language skills|language|foreign languages|language proficiency",
)
_add(
    K.INTERESTS,
    "interests|hobbies|hobbies and interests|interests and hobbies|personal interests"
    "|activities|extracurricular activities|extracurriculars|outside of work|passions",
)
_add(
    K.CONTACT,
    "contact|contact information|contact details|contact info|personal information"
    "|personal details|personal data|details|info",
)
_add(
    K.OTHER,
    "volunteer|volunteering|volunteer experience|volunteer work|community|community involvement"
    "|leadership|references|additional information|additional|miscellaneous|other"
    "|affiliations|memberships|professional memberships|involvement|on campus involvement"
    "|activities and leadership|references available upon request|a day of my life"
    "|my life philosophy|philosophy",
)

# a known word at the end of a longer heading ("Relevant Work Experience", "Cloud Skills")
_TAIL_WORDS: dict[str, SectionKind] = {
    "summary": K.SUMMARY,
    "profile": K.SUMMARY,
    "objective": K.SUMMARY,
    "skills": K.SKILLS,
    "competencies": K.SKILLS,
    "technologies": K.SKILLS,
    "experience": K.EXPERIENCE,
    "history": K.EXPERIENCE,
    "employment": K.EXPERIENCE,
    "education": K.EDUCATION,
    "projects": K.PROJECTS,
    "certifications": K.CERTIFICATIONS,
    "certificates": K.CERTIFICATIONS,
    "publications": K.PUBLICATIONS,
    "awards": K.AWARDS,
    "honors": K.AWARDS,
    "achievements": K.AWARDS,
    "languages": K.LANGUAGES,
    "interests": K.INTERESTS,
    "hobbies": K.INTERESTS,
    "volunteering": K.OTHER,
    "involvement": K.OTHER,
}
_TAIL_OVERRIDES = {"programming languages": K.SKILLS, "volunteer experience": K.OTHER}

_MAX_HEADING_CHARS = 48
_MAX_HEADING_WORDS = 6


def heading_key(text: str) -> str:
    """Normalise a heading for lookup: lower case, "&" → "and", no numbering or punctuation."""
    t = text.strip().lower()
    t = re.sub(r"^(?:[ivx]+\.|\d+[.)]|[a-z]\))\s+", "", t)
    t = t.replace("&", " and ").replace("+", " and ")
    t = re.sub(r"[^a-z0-9/ ]+", " ", t)
    t = re.sub(r"\s*/\s*", "/", t)
    return re.sub(r"\s+", " ", t).strip()


def classify_heading(text: str) -> tuple[SectionKind, bool] | None:
    """``(kind, exact)`` for a known heading name, or None.

    ``exact`` is True when the whole line is a known name, False when only its last word is.
    """
    key = heading_key(text)
    if not key:
        return None
    if key in HEADINGS:
        return HEADINGS[key], True
    if key.replace("/", " and ") in HEADINGS:
        return HEADINGS[key.replace("/", " and ")], True
    for part in re.split(r"/| and ", key):
        part = part.strip()
        if part in HEADINGS and part == key.split("/")[0].split(" and ")[0].strip():
            return HEADINGS[part], True
    words = key.replace("/", " ").split()
    if 1 < len(words) <= 4:
        tail = " ".join(words[-2:])
        if tail in _TAIL_OVERRIDES:
            return _TAIL_OVERRIDES[tail], False
        if words[-1] in _TAIL_WORDS:
            return _TAIL_WORDS[words[-1]], False
    return None


_CAPS_RUN = re.compile(r"(?<!\S)[A-Z][A-Z&/]+(?: (?:[A-Z][A-Z&/]+|&|AND|OF))*(?!\S)")
RUN_IN_MIN_CHARS = 300  # only lines this long can hold a whole flattened resume


def split_run_in_headings(text: str) -> list[str]:
    """Cut a very long line (a resume flattened onto one line) before and after each known
    heading set in capitals inside it: ``... Oslo PROFILE Platform engineer ... SKILLS MATRIX
    Category ...`` → ``[..., "PROFILE", "Platform engineer ...", "SKILLS MATRIX", ...]``.
    Shorter lines are returned as they are."""
    if len(text) < RUN_IN_MIN_CHARS:
        return [text]
    cuts: list[tuple[int, int]] = []
    for m in _CAPS_RUN.finditer(text):
        words = [(w.start() + m.start(), w.end() + m.start()) for w in re.finditer(r"\S+", m[0])]
        i = 0
        while i < len(words):
            # the longest known heading starting at this word (SKILLS MATRIX, not SKILLS;
            # "AWS EXPERIENCE" holds EXPERIENCE after the last skill)
            for n in range(min(len(words) - i, _MAX_HEADING_WORDS), 0, -1):
                a, b = words[i][0], words[i + n - 1][1]
                hit = classify_heading(text[a:b])
                if hit is not None and hit[1] and b - a >= 4:
                    cuts.append((a, b))
                    i += n
                    break
            else:
                i += 1
    if len(cuts) < 2:
        return [text]
    out: list[str] = []
    pos = 0
    for a, b in cuts:
        out.extend(p for p in (text[pos:a].strip(), text[a:b]) if p)
        pos = b
    tail = text[pos:].strip()
    if tail:
        out.append(tail)
    return out


def _heading_shaped(text: str) -> bool:
    t = text.strip()
    if not t or len(t) > _MAX_HEADING_CHARS or t.startswith("•"):
        return False
    body = t[:-1] if t.endswith(":") else t
    if len(body.split()) > _MAX_HEADING_WORDS:
        return False
    if re.search(r"[.,;!?]$|@|https?:|www\.|\d{3,}", body):
        return False
    return any(c.isalpha() for c in body)


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _style(line: Line) -> tuple[float, bool, bool]:
    return (round(line.font_size * 2) / 2, line.bold, _is_caps(line.text))


def _body_size(lines: Sequence[Line]) -> float:
    sizes = Counter(round(ln.font_size * 2) / 2 for ln in lines if ln.font_size > 0)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _stands_out(line: Line, body: float) -> bool:
    larger = body > 0 and line.font_size >= body * 1.08
    return line.bold or larger or _is_caps(line.text) or line.text.rstrip().endswith(":")


def find_headings(doc: DocumentText) -> list[tuple[int, SectionKind]]:
    """Indexes into ``doc.lines`` of heading lines, with their kinds."""
    lines = list(doc.lines)
    body = _body_size([ln for ln in lines if not ln.hidden])
    found: dict[int, SectionKind] = {}
    styles: Counter[tuple[float, bool, bool]] = Counter()
    for i, line in enumerate(lines):
        if line.hidden or line.table_row is not None or not _heading_shaped(line.text):
            continue
        hit = classify_heading(line.text.rstrip(":"))
        if hit is None:
            continue
        kind, exact = hit
        if not exact and not _stands_out(line, body):
            continue
        found[i] = kind
        styles[_style(line)] += 1
    # When the document marks its headings typographically (bold, larger, capitals), a known
    # name in plain body type is a list item ("Leadership" among the skills), not a heading.
    marked = {i for i in found if _stands_out(lines[i], body)}  # a set: looked up per heading
    if len(marked) >= 2:
        for i in list(found):
            if i not in marked:
                styles[_style(lines[i])] -= 1
                del found[i]
        styles = +styles
    # Headings no list knows: the same typography as the named ones (when that style is
    # distinctive, i.e. not the body text style).
    distinctive = {
        s for s, n in styles.items() if n >= 2 and (s[0] > body * 1.04 or s[1] or s[2]) and s[0] > 0
    }
    if not styles:
        distinctive = set()
    for i, line in enumerate(lines):
        if i in found or line.hidden or line.table_row is not None:
            continue
        if not _heading_shaped(line.text) or (line.text.rstrip().endswith(":") is False and False):
            continue
        if _style(line) in distinctive and (i == 0 or not _same_block_as_previous(lines, i)):
            if _looks_like_name_line(lines, i):
                continue
            found[i] = K.OTHER
    return sorted(found.items())


def _stands_out_strict(line: Line, body: float) -> bool:
    return line.bold or (body > 0 and line.font_size >= body * 1.08)


def _same_block_as_previous(lines: list[Line], i: int) -> bool:
    """True when line i continues a paragraph of identical style (a wrapped bold title)."""
    prev = lines[i - 1]
    return _style(prev) == _style(lines[i]) and prev.page == lines[i].page and not prev.hidden


def _looks_like_name_line(lines: list[Line], i: int) -> bool:
    return i <= 2 and lines[i].page == 1


def _wrapped_headings(lines: Sequence[Line]) -> dict[int, str]:
    """Headings wrapped over two lines in a narrow column (``TOOLS &`` / ``TECHNOLOGIES``,
    ``AREAS OF`` / ``EXPERTISE``): index of the first line → the joined heading. Both lines
    share one heading style and column, and only together are they a known heading name."""
    out: dict[int, str] = {}
    for i in range(len(lines) - 1):
        a, b = lines[i], lines[i + 1]
        if (
            a.page != b.page
            or a.column != b.column
            or _style(a) != _style(b)
            or not (a.bold or _is_caps(a.text))
            or a.table_row is not None
            or b.table_row is not None
        ):
            continue
        alone = classify_heading(a.text.rstrip(":"))
        if alone is not None and alone[1]:
            continue
        joined = f"{a.text} {b.text}"
        hit = classify_heading(joined.rstrip(":"))
        if hit is not None and hit[1] and _heading_shaped(joined):
            out[i] = joined
    return out


def split_sections(doc: DocumentText) -> list[Section]:
    """Cut the document into titled sections (plus a ``HEADER`` block before the first)."""
    lines = [ln for ln in doc.lines if not ln.hidden]
    if not lines:
        return []
    wrapped = _wrapped_headings(lines)
    # heading detection sees a wrapped heading as one line; ``index`` maps back to ``lines``
    view: list[Line] = []
    index: list[int] = []
    skip = False
    for i, ln in enumerate(lines):
        if skip:
            skip = False
            continue
        if i in wrapped:
            ln = dataclasses.replace(ln, text=wrapped[i])
            skip = True
        view.append(ln)
        index.append(i)
    visible = DocumentText(text=doc.text, lines=tuple(view), pages=doc.pages, format=doc.format)
    heads = [(index[j], kind) for j, kind in find_headings(visible)]
    # (first line, kind, heading as printed, first body line)
    bounds: list[tuple[int, SectionKind, str, int]] = []
    if not heads or heads[0][0] > 0:
        bounds.append((0, K.HEADER, "", 0))
    for i, kind in heads:
        heading = wrapped.get(i, lines[i].text).rstrip(":").strip()
        bounds.append((i, kind, heading, i + (2 if i in wrapped else 1)))
    sections: list[Section] = []
    for n, (i, kind, heading, body_start) in enumerate(bounds):
        last = (bounds[n + 1][0] if n + 1 < len(bounds) else len(lines)) - 1
        body_lines = lines[body_start : last + 1]
        first = lines[i]
        end_line = lines[last]
        text = "\n".join(ln.text for ln in body_lines)
        rows = tuple(
            tuple(c.strip() for c in ln.text.split(" | ")) for ln in body_lines if ln.table_row
        )
        sections.append(
            Section(
                kind=kind,
                heading=heading,
                text=text,
                start=first.start,
                end=end_line.end,
                page=first.page,
                first_line=first.number,
                last_line=end_line.number,
                rows=rows,
            )
        )
    return sections


def body_font_size(lines: Sequence[Line]) -> float:
    """The most common font size of visible lines (0 when unknown)."""
    return _body_size([ln for ln in lines if not ln.hidden])


def median_size(lines: Sequence[Line]) -> float:
    sizes = [ln.font_size for ln in lines if ln.font_size > 0]
    return statistics.median(sizes) if sizes else 0.0
