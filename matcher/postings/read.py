"""Job postings in: text, HTML, or schema.org ``JobPosting`` JSON-LD → a title and plain text.

``read_posting(job)`` turns any accepted input into a title and plain text with one requirement
per line (JSON-LD: ``title`` + ``description`` HTML, also inside ``@graph``, a list or an
``ItemList``; HTML: the embedded JSON-LD when present, else the visible text).
``posting_document(text)`` makes a ``Document`` of it so the posting goes through the same
extract and normalize stages as a resume; ``requirements.py`` reads what it asks for.
``jsonld_postings()`` finds every ``JobPosting`` in JSON-LD: the one rule for a single posting
here and for the job board's feeds.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from matcher.errors import InvalidJobPostingError
from matcher.models import Contact, Document, Line, Section, SectionKind

__all__ = [
    "MAX_POSTING_CHARS",
    "RawPosting",
    "html_to_text",
    "jsonld_postings",
    "posting_document",
    "read_posting",
]


MAX_POSTING_CHARS = 200_000

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
    warnings: tuple[str, ...] = ()  # what a person should know about how it was read


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


_MAX_JSONLD_DEPTH = 20


def _jobpostings(data: Any, depth: int = 0) -> list[Mapping[str, Any]]:
    """Every schema.org JobPosting in a parsed JSON-LD value: lists, ``@graph`` and an
    ``ItemList`` of postings included."""
    if depth > _MAX_JSONLD_DEPTH:
        return []
    if isinstance(data, list):
        return [found for item in data for found in _jobpostings(item, depth + 1)]
    if not isinstance(data, Mapping):
        return []
    kind = data.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "JobPosting" in kinds:
        return [data]
    if "@graph" in data:
        return _jobpostings(data["@graph"], depth + 1)
    if "itemListElement" in data:  # an ItemList of postings
        return _jobpostings(data["itemListElement"], depth + 1)
    if isinstance(data.get("item"), Mapping):  # a ListItem
        return _jobpostings(data["item"], depth + 1)
    return []


def _jsonld_blocks(markup: str) -> list[Any]:
    """The parsed ``<script type="application/ld+json">`` blocks of an HTML page (a block that
    is not valid JSON is skipped)."""
    parser = _TextHTML()
    parser.feed(markup)
    parser.close()
    blocks: list[Any] = []
    for block in parser.jsonld:
        try:
            blocks.append(json.loads(block))
        except json.JSONDecodeError:
            continue
    return blocks


def jsonld_postings(data: str | bytes | Mapping[str, Any] | list[Any]) -> list[Mapping[str, Any]]:
    """Every schema.org ``JobPosting`` in JSON-LD: a parsed value, JSON text, or an HTML page's
    ld+json blocks. An empty list when there is none.

    Raises:
        InvalidJobPostingError: text that is neither JSON nor HTML, or JSON that does not parse.
    """
    if not isinstance(data, str | bytes):
        return _jobpostings(data)
    text = data.decode("utf-8-sig", "replace") if isinstance(data, bytes) else data
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            return _jobpostings(json.loads(stripped))
        except json.JSONDecodeError as exc:
            raise InvalidJobPostingError("The JSON-LD is not valid JSON.") from exc
    if re.search(r"<script", text, re.I):
        return [found for block in _jsonld_blocks(text) for found in _jobpostings(block)]
    raise InvalidJobPostingError("JSON-LD is JSON, or HTML with ld+json script blocks.")


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


# A posting as a plain JSON object (a job board's own export, not schema.org): the fields read
# into the text, in this order, under these headings; the ones understood and not scored; the
# rest is ignored and named in a warning.
_PLAIN_TEXT = (
    ("description", ""),
    ("responsibilities", "Responsibilities"),
    ("requirements", "Requirements"),
    ("qualifications", "Qualifications"),
    ("skills", "Skills"),
    ("preferred", "Nice to have"),
    ("nice_to_have", "Nice to have"),
    ("education", "Education"),
)
_PLAIN_KNOWN = frozenset(
    {
        "title",
        "name",
        "company",
        "organization",
        "external_id",
        "id",
        "location",
        "url",
        "remote",
        "employment_type",
        "salary",
        "date_posted",
        "years_experience",
        *(key for key, _ in _PLAIN_TEXT),
    }
)
_JSONLD_KEYS = frozenset({"@type", "@graph", "@context", "itemListElement", "item"})


def _is_plain(obj: Mapping[str, Any]) -> bool:
    """A plain posting object: no JSON-LD keys, and a title or a description."""
    return not (_JSONLD_KEYS & obj.keys()) and bool(
        _as_text(obj.get("title") or obj.get("name")).strip()
        or _as_text(obj.get("description")).strip()
    )


def _from_plain(obj: Mapping[str, Any]) -> RawPosting:
    """``{title, description, company, location, ...}``: read like a JSON-LD JobPosting's
    fields; unknown fields are ignored and named in a warning."""
    title = " ".join(_as_text(obj.get("title") or obj.get("name")).split())
    parts: list[str] = []
    for key, heading in _PLAIN_TEXT:
        text = _as_text(obj.get(key))
        if not text.strip():
            continue
        body = html_to_text(text) if "<" in text else html.unescape(text)
        parts.append(f"{heading}:\n{body}" if heading else body)
    years: float | None = None
    with contextlib.suppress(TypeError, ValueError):
        raw_years = obj.get("years_experience")
        years = None if raw_years is None else float(raw_years)
    unknown = sorted(str(key) for key in obj if str(key) not in _PLAIN_KNOWN)
    warnings = (f"Ignored unknown posting field(s): {', '.join(unknown[:20])}.",) if unknown else ()
    external = _as_text(obj.get("external_id") or obj.get("id")).strip() or None
    org = _as_text(obj.get("company") or obj.get("organization")).strip() or None
    return RawPosting(
        title=title,
        text="\n\n".join(parts),
        external_id=external,
        organization=org,
        years=years,
        warnings=warnings,
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
        if not any(ch.isalnum() for ch in line):
            continue  # blank, or a rule ("---", "===")
        line = re.sub(r"^(job\s+title|title|position|role)\s*:\s*", "", line, flags=re.I)
        return line[:150]
    return ""


def read_posting(job: str | bytes | Mapping[str, Any]) -> RawPosting:
    """Read a posting given as text, HTML, JSON-LD (dict or string, ``@graph`` and lists too),
    or a plain JSON object ``{title, description, company, location, ...}`` (unknown fields
    ignored and named in ``warnings``). PDF and DOCX postings are read into text by the resume
    reader first (``Matcher.parse_job``).

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
        if found is None and isinstance(job, Mapping) and _is_plain(job):
            return _check(_from_plain(job))
        if found is None:
            raise InvalidJobPostingError(
                "The JSON holds no schema.org JobPosting object, nor a posting's title or "
                "description."
            )
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
            with contextlib.suppress(json.JSONDecodeError):
                in_blocks += _jobpostings(json.loads(block))
        found = _one_jobposting(in_blocks)
        if found is not None:
            return _check(_from_jsonld(found))
        body = parser.text()
        title = " ".join((parser.h1 or parser.title).split()) or _first_title(body)
        return _check(RawPosting(title=title, text=body))
    if _CHARREF.search(text):
        # text copied out of a web page's source keeps its escapes: "SQL &amp; HQL",
        # "FanTank&#39;s" (real HTML was handled above)
        text = html.unescape(text)
    return _check(RawPosting(title=_front_matter_title(text), text=text))


_CHARREF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,9});")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^(?:title|job_?title|position)\s*:\s*([\"']?)(.+?)\1\s*$", re.M | re.I)


def _front_matter_title(text: str) -> str:
    """The posting's title. A careers page kept as markdown opens with YAML front matter
    (Jekyll, Hugo): its ``title`` field, else the first line after the block. The block stays
    in the text: its other fields can name what the posting asks for (``tags: [python]``)."""
    m = _FRONT_MATTER.match(text)
    if m is None:
        return _first_title(text)
    found = _FRONT_TITLE.search(m.group(1))
    return found.group(2).strip()[:150] if found else _first_title(text[m.end() :])


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
