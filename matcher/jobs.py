"""Job postings → ``JobPosting``: text, HTML, or schema.org ``JobPosting`` JSON-LD.

``read_posting(job)`` turns any accepted input into a title and plain text with one requirement
per line (JSON-LD: ``title`` + ``description`` HTML, also inside ``@graph`` or a list; HTML:
the embedded JSON-LD when present, else the visible text). ``posting_document(text)`` makes a
``Document`` of it so the posting goes through the same mention and canonicalisation stages as
a resume. ``split_requirements()`` then sorts each canonical skill into required / preferred /
mentioned from headings ("Requirements", "Must have", "Nice to have", "Preferred", "Bonus")
and cue phrases on the line ("... is a plus", "ideally"), and ``years_required()`` /
``education_required()`` read the rest.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Literal

from matcher.errors import InvalidJobPostingError
from matcher.models import CanonicalSkill, Contact, Document, Line, Section, SectionKind

__all__ = [
    "RawPosting",
    "alternative_groups",
    "education_required",
    "posting_document",
    "read_posting",
    "requirement_modes",
    "split_requirements",
    "years_required",
]

Mode = Literal["required", "preferred", "mentioned"]
MAX_POSTING_CHARS = 200_000

_PREFERRED_HEAD = re.compile(
    r"nice[\s-]to[\s-]have|preferred|bonus|a plus|desir|good[\s-]to[\s-]have|optional|"
    r"ideally|extra credit|would be great|pluses|added advantage|\bnice\b|not required|"
    r"not essential|not a must|love to (have|see)|stand out|impress us|even better|even further",
    re.I,
)
_REQUIRED_HEAD = re.compile(
    r"requirement|required|must[\s-]have|qualifications|what you('|’)?ll need|"
    r"what you(('|’)?ll| will)? bring|"
    r"what we('|’)?re looking for|you have|you bring|about you|who you are|minimum|"
    r"skills|experience|you should|what you need|your profile|profile|expertise|"
    r"what you will need|competenc|background|looking for|thrive|"
    r"you('|’)?ll need|you will have|ideal candidate|you might be|if you have|if you are|"
    r"join the team if|get in touch if|we expect|expect from you|admire|you are",
    re.I,
)
_NEUTRAL_HEAD = re.compile(
    r"about (us|the company|the team)|benefits|perks|what we offer|we offer|compensation|"
    r"salary|equal opportunity|how to apply|our (team|company|mission)|who we are|location|"
    r"responsibilit|what you('|’)?ll do|the role|role overview|your impact|day to day|"
    r"in this role|job description|description|overview|summary|what to expect|"
    r"our values|why join|how you('|’)?ll contribute|you will do|you('|’)?ll be doing",
    re.I,
)
_PREFERRED_LINE = re.compile(
    r"\b(a plus|is a plus|are a plus|plus\b(?= if)|nice[\s-]to[\s-]have|bonus|preferred|"
    r"ideally|desir(ed|able)|advantageous|an advantage|added advantages?|good to have|"
    r"not required|optional)\b",
    re.I,
)
_REQUIRED_LINE = re.compile(r"\b(must|required|requires|minimum|mandatory|essential)\b", re.I)
_YEARS = re.compile(
    r"(?P<pre>at least|minimum(?: of)?|min\.?|over|more than)?\s*"
    r"(?<![\d.])(?P<n>\d{1,2})(?P<range>\s*(?:-|–|to)\s*\d{1,2})?\s*(?P<plus>\+)?\s*"
    r"(?:years?|yrs?\.?)(?P<post>[^.\n;]{0,60})",
    re.I,
)
_YEARS_POST = re.compile(
    r"experience|exp\b|industry|professional|working|hands-on|running|building|developing|"
    r"in (a|an|the)?\s*(similar|related|relevant)|as an? |of [a-z]",
    re.I,
)
_YEARS_NOT = re.compile(r"\b(ago|old|history|anniversary|in business|founded)\b", re.I)
_WORD_YEARS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_WORD_YEARS_RE = re.compile(
    r"\b(" + "|".join(_WORD_YEARS) + r")\s*\+?\s*(?:\(\d+\)\s*)?years?\b[^.\n]{0,60}?"
    r"\b(experience|industry|professional|working|hands-on)",
    re.I,
)
_EDUCATION = [
    ("PhD", re.compile(r"\b(ph\.?\s?d|doctorate|doctoral)\b", re.I)),
    ("Master's", re.compile(r"\b(master'?s?|m\.?sc?\b|m\.s\.|msc)\b", re.I)),
    (
        "Bachelor's",
        re.compile(r"\b(bachelor'?s?|b\.?sc?\b|b\.s\.|bsc|undergraduate degree)\b", re.I),
    ),
]
_HEADING_MD = re.compile(r"^\s*(#{1,6}\s+\S.*|(\*\*|__)[^*_]+(\*\*|__)\s*:?)\s*$")
_BULLET_MD = re.compile(r"^\s*([*+-]|\d{1,2}[.)])\s+")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "dt",
        "dd",
        "title",
        "blockquote",
        "pre",
        "hr",
    ]
)
_HEAD_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "dt"])


@dataclass(frozen=True, slots=True)
class RawPosting:
    """A posting read from its input format, before extraction."""

    title: str
    text: str
    external_id: str | None = None
    organization: str | None = None
    years: float | None = None  # from JSON-LD experienceRequirements, when given


class _TextHTML(HTMLParser):
    """Visible text of an HTML fragment, one block per line, list items as bullets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.jsonld: list[str] = []
        self._in_jsonld = False
        self.title = ""
        self._in_title = False
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template", "svg"):
            self.skip += 1
            kind = dict(attrs).get("type") or ""
            self._in_jsonld = tag == "script" and "ld+json" in kind
            return
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self._in_h1 = True
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")
        if tag in _HEAD_TAGS:
            self.parts.append("\n## ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template", "svg"):
            self.skip = max(0, self.skip - 1)
            self._in_jsonld = False
            return
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._in_h1 = False
        if tag in _BLOCK_TAGS or tag in _HEAD_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            if self._in_jsonld:
                self.jsonld.append(data)
            return
        if self._in_title:
            self.title += data
            return
        if self._in_h1:
            self.h1 += data
        self.parts.append(data)

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [" ".join(line.split()) for line in raw.split("\n")]
        out: list[str] = []
        for line in lines:
            if not line or line in ("•", "##"):
                if out and out[-1] != "":
                    out.append("")
                continue
            out.append(line)
        return "\n".join(out).strip()


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, blocks on their own lines."""
    parser = _TextHTML()
    parser.feed(markup)
    parser.close()
    return parser.text()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in ("name", "value", "description", "@value"):
            if key in value:
                return _as_text(value[key])
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(_as_text(v) for v in value if v is not None)
    return str(value)


def _jobpostings(data: Any) -> list[Mapping[str, Any]]:
    """Every schema.org JobPosting in a JSON-LD value (lists and ``@graph`` included)."""
    if isinstance(data, list):
        return [found for item in data for found in _jobpostings(item)]
    if not isinstance(data, Mapping):
        return []
    kind = data.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "JobPosting" in kinds:
        return [data]
    if "@graph" in data:
        return _jobpostings(data["@graph"])
    return []


def _one_jobposting(found: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The JobPosting, if there is exactly one (the same object repeated counts once).

    Raises:
        InvalidJobPostingError: several different postings; taking the first would silently
            drop the others.
    """
    distinct: list[Mapping[str, Any]] = []
    for posting in found:
        if posting not in distinct:
            distinct.append(posting)
    if len(distinct) > 1:
        raise InvalidJobPostingError(
            f"The JSON-LD holds {len(distinct)} different JobPosting objects, not one: send them "
            "one at a time (a feed of postings is imported, not read as one posting)."
        )
    return distinct[0] if distinct else None


def _years_from_jsonld(value: Any) -> float | None:
    if isinstance(value, Mapping):
        months = value.get("monthsOfExperience")
        if months is not None:
            try:
                return round(float(months) / 12.0, 1)
            except (TypeError, ValueError):
                return None
        return None
    return None


def _from_jsonld(obj: Mapping[str, Any]) -> RawPosting:
    title = " ".join(_as_text(obj.get("title") or obj.get("name")).split())
    description = _as_text(obj.get("description"))
    parts = [html_to_text(description) if "<" in description else html.unescape(description)]
    for key, heading in (
        ("qualifications", "Qualifications"),
        ("skills", "Skills"),
        ("experienceRequirements", "Requirements"),
        ("educationRequirements", "Education"),
        ("responsibilities", "Responsibilities"),
    ):
        value = obj.get(key)
        text = _as_text(value)
        if text.strip():
            body = html_to_text(text) if "<" in text else text
            parts.append(f"{heading}:\n{body}")
    text = "\n\n".join(p for p in parts if p.strip())
    if not title and not text.strip():
        raise InvalidJobPostingError("The JobPosting has neither a title nor a description.")
    identifier = obj.get("identifier")
    if isinstance(identifier, Mapping) and "value" in identifier:
        identifier = identifier["value"]
    external = _as_text(identifier).strip() or None
    org = _as_text(obj.get("hiringOrganization")).strip() or None
    return RawPosting(
        title=title,
        text=text,
        external_id=external,
        organization=org,
        years=_years_from_jsonld(obj.get("experienceRequirements")),
    )


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InvalidJobPostingError("The job posting looks binary, not text, HTML or JSON-LD.")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidJobPostingError()  # pragma: no cover - latin-1 decodes anything


def _first_title(text: str) -> str:
    for line in text.splitlines():
        line = _MD_LINK.sub(r"\1", line).strip().strip("#*_ ").strip()
        if not line:
            continue
        line = re.sub(r"^(job\s+title|title|position|role)\s*:\s*", "", line, flags=re.I)
        return line[:150]
    return ""


def read_posting(job: str | bytes | Mapping[str, Any]) -> RawPosting:
    """Read a posting given as text, HTML, JSON-LD (dict or string, ``@graph`` and lists too).

    Raises:
        InvalidJobPostingError: empty, binary, JSON without a JobPosting, or no readable text.
    """
    try:
        return _read_posting(job)
    except RecursionError as exc:
        raise InvalidJobPostingError("The job posting is nested too deeply to read.") from exc


def _read_posting(job: str | bytes | Mapping[str, Any]) -> RawPosting:
    if isinstance(job, (Mapping, list)):
        found = _one_jobposting(_jobpostings(job))
        if found is None:
            raise InvalidJobPostingError("The JSON-LD holds no schema.org JobPosting object.")
        return _check(_from_jsonld(found))
    if isinstance(job, bytes):
        job = _decode(job)
    if not isinstance(job, str):
        raise InvalidJobPostingError()
    text = job.strip()
    if not text:
        raise InvalidJobPostingError("The job posting is empty.")
    if len(text) > MAX_POSTING_CHARS:
        raise InvalidJobPostingError("The job posting is too long (over 200,000 characters).")
    if text[0] in "{[":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidJobPostingError(
                "The job posting looks like JSON but is not valid JSON."
            ) from exc
        return _read_posting(data)
    if re.search(r"<(html|body|div|p|script|h[1-6]|ul|li|br)\b", text[:5000], re.I):
        parser = _TextHTML()
        parser.feed(text)
        parser.close()
        in_blocks: list[Mapping[str, Any]] = []
        for block in parser.jsonld:
            try:
                in_blocks += _jobpostings(json.loads(block))
            except json.JSONDecodeError:
                continue
        found = _one_jobposting(in_blocks)
        if found is not None:
            return _check(_from_jsonld(found))
        body = parser.text()
        title = " ".join((parser.h1 or parser.title).split()) or _first_title(body)
        return _check(RawPosting(title=title, text=body))
    return _check(RawPosting(title=_first_title(text), text=text))


def _check(raw: RawPosting) -> RawPosting:
    letters = sum(ch.isalpha() for ch in raw.text)
    if letters < 20:
        raise InvalidJobPostingError("The job posting has too little text to read requirements.")
    controls = sum(1 for ch in raw.text if ord(ch) < 32 and ch not in "\n\t\r")
    if controls > len(raw.text) * 0.01 or letters < len(raw.text) * 0.3:
        raise InvalidJobPostingError("The job posting looks binary, not text, HTML or JSON-LD.")
    return raw


_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:https?://|/|www\.)[^)\s]*\)")


def _clean_line(line: str) -> str:
    line = _MD_LINK.sub(r"\1", line.replace("\t", " ")).rstrip()
    m = _BULLET_MD.match(line)
    if m:
        line = "• " + line[m.end() :]
    line = re.sub(r"\*\*|__|`", "", line)
    line = re.sub(r"^\s*#{1,6}\s+", "", line)
    return " ".join(line.split())


def posting_document(text: str) -> Document:
    """A ``Document`` of a posting's text: one line per text line, one section.

    Headings stay ordinary lines; ``requirement_modes`` reads them.
    """
    lines: list[Line] = []
    out: list[str] = []
    pos = 0
    number = 0
    for raw_line in text.splitlines():
        cleaned = _clean_line(raw_line)
        if not cleaned:
            continue
        number += 1
        marked = bool(_HEADING_MD.match(raw_line)) and not _BULLET_MD.match(raw_line)
        lines.append(
            Line(
                text=cleaned,
                page=1,
                number=number,
                start=pos,
                end=pos + len(cleaned),
                bold=marked,
            )
        )
        out.append(cleaned)
        pos += len(cleaned) + 1
    joined = "\n".join(out)
    section = Section(
        kind=SectionKind.OTHER,
        heading="",
        text=joined,
        start=0,
        end=len(joined) + 1,
        page=1,
        first_line=1,
        last_line=max(1, number),
    )
    return Document(
        text=joined,
        lines=tuple(lines),
        pages=1,
        format="text",
        sections=(section,),
        contact=Contact(),
    )


def _is_heading(raw: str, bold: bool = False) -> bool:
    line = raw.strip()
    if not line or len(line) > 80:
        return False
    if (bold or line.endswith(":")) and len(line.split()) <= 8:
        return True
    words = line.split()
    if (
        len(words) <= 4
        and not line.startswith("•")
        and line[-1:] not in ".,;"
        and (
            _PREFERRED_HEAD.search(line)
            or _REQUIRED_HEAD.search(line)
            or _NEUTRAL_HEAD.search(line)
        )
    ):
        return True
    if len(words) <= 6 and not line.endswith(".") and not line.startswith("•"):
        letters = [c for c in line if c.isalpha()]
        if letters and (
            line.isupper() or all(w[:1].isupper() or not w[:1].isalpha() for w in words)
        ):
            return True
    return False


_REQUIREMENT_WORDS = re.compile(
    r"\b(experience|years?|proficien\w*|knowledge|familiar\w*|degree|understanding|ability|"
    r"skills?|expertise|background|strong|solid|fluen\w*|hands-on|track record|mastery)\b",
    re.I,
)


def _block_mode(lines: Sequence[Line], start: int) -> Mode:
    """Mode for an unnamed heading: required when most lines below read like requirements."""
    block: list[str] = []
    for line in lines[start + 1 :]:
        if _is_heading(line.text, line.bold):
            break
        block.append(line.text)
    if not block:
        return "mentioned"
    hits = sum(1 for text in block if _REQUIREMENT_WORDS.search(text))
    return "required" if hits * 2 >= len(block) else "mentioned"


def requirement_modes(document: Document) -> dict[int, Mode]:
    """The requirement mode of every line (by line number) from the headings above it.

    The title line (line 1) is required: a skill in a posting's title is what it hires for.
    """
    lines = list(document.lines)
    has_required_heading = any(
        _is_heading(line.text, line.bold) and _REQUIRED_HEAD.search(line.text) for line in lines
    )
    mode: Mode = "mentioned" if has_required_heading else "required"
    modes: dict[int, Mode] = {}
    for index, line in enumerate(lines):
        text = line.text
        if index > 0 and _is_heading(text, line.bold):
            if _PREFERRED_HEAD.search(text):
                mode = "preferred"
            elif _NEUTRAL_HEAD.search(text) and not _REQUIRED_HEAD.search(text):
                mode = "mentioned"
            elif _REQUIRED_HEAD.search(text):
                mode = "required"
            elif has_required_heading:
                mode = _block_mode(lines, index)
        modes[line.number] = "required" if index == 0 else mode
    return modes


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\"“])")
_PAREN = re.compile(r"\(([^()]*)\)")
_CUE_FILLER = re.compile(
    r"\b(but|not|and|or|is|are|a|an|very|highly|strongly|big|huge|would|will|be|it|this|"
    r"definitely|also|really|all|of|which)\b|[^\w]+",
    re.I,
)


_LIFT_WORDS = re.compile(
    r"\b(experience|proficien\w*|knowledge|familiar\w*|expertise|skills?|fluen\w*|hands-on)\b",
    re.I,
)


def _cue_only(inner: str) -> bool:
    """A parenthesis that is nothing but a cue ("(Bonus)", "(preferred but not required)")."""
    if not (_PREFERRED_LINE.search(inner) or _REQUIRED_LINE.search(inner)):
        return False
    rest = _REQUIRED_LINE.sub(" ", _PREFERRED_LINE.sub(" ", inner))
    return not _CUE_FILLER.sub("", rest).strip()


def _sentence(line_text: str, offset: int) -> tuple[str, int]:
    """The sentence of the line holding ``offset`` and the offset inside it."""
    start = 0
    for m in _SENTENCE_END.finditer(line_text):
        if m.start() > offset:
            break
        start = m.end()
    end_match = _SENTENCE_END.search(line_text, max(start, offset))
    end = end_match.start() if end_match else len(line_text)
    return line_text[start:end], offset - start


def _evidence_mode(line_text: str, offset: int, block: Mode) -> Mode:
    """A cue in the skill's own sentence overrides its block.

    A cue inside parentheses only covers that parenthesis ("Python or Go (TypeScript
    preferred)" prefers TypeScript, not Python) unless the parenthesis is nothing but the cue
    ("(Bonus) Experience with CUDA", "Salesforce (preferred but not required)"). A required cue
    ("must", "requires") lifts a skill out of a neutral block only in a sentence that reads like
    a requirement ("you must have experience with Kafka", not "requires a background check").
    """
    sentence, offset = _sentence(line_text, offset)
    for m in _PAREN.finditer(sentence):
        if m.start() <= offset < m.end() and not _cue_only(m.group(1)):
            inner = m.group(1)
            if _PREFERRED_LINE.search(inner):
                return "preferred"
            if _REQUIRED_LINE.search(inner):
                return "required"
            break
    outer = _PAREN.sub(lambda m: m.group(0) if _cue_only(m.group(1)) else " ", sentence)
    if _PREFERRED_LINE.search(outer):
        return "preferred"
    if (
        _REQUIRED_LINE.search(outer)
        and block != "preferred"
        and (block == "required" or _LIFT_WORDS.search(outer))
    ):
        return "required"
    return block


def split_requirements(
    skills: Sequence[CanonicalSkill], modes: Mapping[int, Mode], document: Document
) -> tuple[list[CanonicalSkill], list[CanonicalSkill], list[CanonicalSkill]]:
    """Sort skills into (required, preferred, mentioned) by their strongest evidence."""
    rank = {"required": 0, "preferred": 1, "mentioned": 2}
    by_number = {line.number: line for line in document.lines}
    buckets: dict[str, list[CanonicalSkill]] = {"required": [], "preferred": [], "mentioned": []}
    for skill in skills:
        found: list[Mode] = []
        for e in skill.evidence:
            line = by_number.get(e.line)
            block = modes.get(e.line, "mentioned")
            if line is None:
                found.append(block)
                continue
            found.append(_evidence_mode(line.text, e.start - line.start, block))
        best = min(found, key=rank.__getitem__, default="mentioned")
        buckets[best].append(skill)
    return buckets["required"], buckets["preferred"], buckets["mentioned"]


_CONNECTOR = re.compile(r"^(?:\s|,|/|\(|\)|&|\bor\b|\band/or\b|\beither\b)*$", re.I)
_OR = re.compile(r"\bor\b", re.I)


def alternative_groups(skills: Sequence[CanonicalSkill], text: str) -> list[frozenset[str]]:
    """Skills a posting lists as alternatives: "JavaScript (Angular, Node.js), Java, or Python",
    "TensorFlow or PyTorch", "GCP or AWS, Kubernetes and Docker" (GCP or AWS only).

    A run of skill names on one line joined only by commas, slashes and parentheses whose last
    joint is an "or" asks for one of them, not all; the name after the "or" ends the run. A
    slash alone is not an alternative ("ML/DL", "Robotics / Computer Vision" mean both).
    """
    lines = text.split("\n")
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for skill in skills:
        for e in skill.evidence:
            if 1 <= e.line <= len(lines):
                spans.setdefault(e.line, []).append((e.start, e.end, skill.skill_id))
    groups: list[frozenset[str]] = []
    for _, items in sorted(spans.items()):
        items.sort()
        run: list[str] = []
        last_end = -1
        for start, end, skill_id in items:
            if run and start < last_end:  # overlapping evidence of one surface
                last_end = max(last_end, end)
                continue
            gap = text[last_end:start] if run else ""
            if run and gap.strip() and _CONNECTOR.match(gap) and "\n" not in gap:
                run.append(skill_id)
                if _OR.search(gap):
                    if len(set(run)) > 1:
                        groups.append(frozenset(run))
                    run = []
                    last_end = end
                    continue
            else:
                run = [skill_id]
            last_end = end
    return groups


def years_required(text: str) -> float | None:
    """The smallest "N+ years of experience" the posting states, if any."""
    found: list[float] = []
    for m in _YEARS.finditer(text):
        post = m.group("post") or ""
        if _YEARS_NOT.search(post):
            continue
        strong = m.group("pre") or m.group("range") or m.group("plus")
        if strong or _YEARS_POST.search(post):
            found.append(float(m.group("n")))
    for m in _WORD_YEARS_RE.finditer(text):
        found.append(float(_WORD_YEARS[m.group(1).lower()]))
    found = [y for y in found if 0 < y <= 30]
    return min(found) if found else None


def education_required(text: str) -> tuple[str, ...]:
    """Degree levels the posting names (Bachelor's, Master's, PhD), lowest first."""
    names: Iterable[str] = (name for name, rx in reversed(_EDUCATION) if rx.search(text))
    return tuple(names)
