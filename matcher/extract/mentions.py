"""Document → skill mentions: ``find_mentions(document, *, nlp, taxonomy, options)``.

Every mention keeps its section, page, line, character offsets into ``Document.text``, the
matched text, the rule that fired and the line's context (list, table, bullet, prose,
heading). Besides taxonomy hits it emits ``candidate`` mentions (``skill_id=None``): list items
and long unknown words that ``canonical.py`` may fuzzy-match ("Kuberentes").

Never scored: hidden text (the parser keeps it out of ``Document.text``), the contact section,
and any line that carries contact details (name, e-mail, phone, links, location).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from matcher.extract.nlp import RawMatch, SkillNLP
from matcher.extract.phrases import MODEL_WORDS
from matcher.extract.unlisted import NOT_TOOL_SECTIONS, label_may_list_tools, unlisted_items
from matcher.models import Document, Line, MentionContext, Section, SectionKind, SkillMention
from matcher.options import MatchOptions
from matcher.read.contact import contact_spans
from taxonomy import Taxonomy, normalize_name

__all__ = ["LineInfo", "classify_lines", "find_mentions"]

_BULLET = re.compile(r"^\s*([•●▪‣◦○■□►▶✓✔*·–—-]|\d{1,2}[.)])\s+")
_LABEL = re.compile(r"^\s*([A-Z][\w &/+-]{1,40}):\s+")
_SEPARATORS = re.compile(r"\s*(?:[,;|•·▪‣◦●()\[\]]|\s/\s|\s[-–—]\s|\t)\s*")
_VERSIONED = re.compile(r"^([A-Za-z][A-Za-z+#]*?)[-_ ]?v?(\d+(?:\.\d+)*)$")
_TRAILING_PAREN = re.compile(r"\s*\(.*$")
_TRAILING_VERSION = re.compile(r"\s+v?\d+(\.\d+)*\+?$")
_WORDISH = re.compile(r"[A-Za-z][A-Za-z0-9+#.]*(?:-[A-Za-z0-9+#.]+)*")

# Words around a guarded name that say it is a skill: "programming in R", "written in Go",
# "Spark jobs", "Excel macros", "Java 17".
_PRE_CUES = frozenset(
    [
        "used",
        "use",
        "uses",
        "wrote",
        "written",
        "scripted",
        "programmed",
        "coded",
        "in",
        "using",
        "with",
        "programming",
        "language",
        "languages",
        "via",
        "including",
        "like",
        "and",
        "or",
        "microsoft",
        "ms",
        "apache",
        "advanced",
        "proficient",
        "fluent",
        "expert",
        "experienced",
        "skilled",
    ]
)
_POST_CUES = frozenset(
    [
        "programming",
        "language",
        "languages",
        "code",
        "coding",
        "scripts",
        "scripting",
        "macros",
        "vba",
        "developer",
        "developers",
        "development",
        "packages",
        "package",
        "library",
        "libraries",
        "notebooks",
        "services",
        "microservices",
        "modules",
        "apps",
        "applications",
        "backend",
        "backends",
        "spreadsheets",
        "spreadsheet",
        "workbooks",
        "pivot",
        "dashboards",
        "jobs",
        "job",
        "cluster",
        "clusters",
        "streaming",
        "sql",
        "api",
        "apis",
        "sdk",
        "framework",
        "frameworks",
        "stack",
        "ecosystem",
        "engineer",
        "engineers",
        "runtime",
        "server",
        "servers",
        "functions",
        "pipelines",
        "pipeline",
        "ui",
        # "Rust CLI", "Go experience", "Excel skills": what someone knows, not an English word.
        "cli",
        "toolchain",
        "compiler",
        "experience",
        "knowledge",
        "skills",
        "expertise",
        "proficiency",
    ]
)
# Words a guarded list item may carry besides the name: "R (programming)", "Go 1.22".
_ITEM_FILLERS = frozenset(
    [
        "programming",
        "language",
        "languages",
        "lang",
        "basic",
        "basics",
        "advanced",
        "intermediate",
        "expert",
        "proficient",
        "fluent",
        "familiar",
        "working",
        "knowledge",
        "and",
        "or",
        "with",
    ]
)
_CONTACT_LINE_MAX = 160
_LIST_SECTIONS = frozenset({SectionKind.SKILLS})
_USED_SECTIONS = frozenset({SectionKind.EXPERIENCE, SectionKind.PROJECTS})


@dataclass(frozen=True, slots=True)
class LineInfo:
    """A visible line with its section and context, as the extractor sees it."""

    line: Line
    section: SectionKind
    context: MentionContext
    scorable: bool
    # one item of a list written downwards (``_lists_written_down``): a guarded name that is
    # the whole bullet counts, as in a list written across; the context (and with it how the
    # skill was shown: a bullet outside experience is "used") stays "bullet"
    item_down: bool = False

    @property
    def list_like(self) -> bool:
        return self.context in ("list", "table") or self.item_down


def _is_list_line(text: str) -> bool:
    body = _BULLET.sub("", text)
    body = _LABEL.sub("", body, count=1)
    parts = [p for p in _SEPARATORS.split(body) if p.strip()]
    if len(parts) < 3 and not (len(parts) == 2 and _LABEL.match(_BULLET.sub("", text))):
        return False
    words = sum(len(p.split()) for p in parts)
    return words / len(parts) <= 4.0


def _section_for(document: Document, line: Line) -> Section | None:
    return document.section_at(line.start)


def classify_lines(document: Document) -> list[LineInfo]:
    """Every visible line with its section kind, context and whether it may be scored."""
    out: list[LineInfo] = []
    for line in document.lines:
        if line.hidden or line.start < 0:
            continue
        section = _section_for(document, line)
        kind = section.kind if section is not None else SectionKind.OTHER
        text = line.text
        context: MentionContext
        if (
            section is not None
            and line.number == section.first_line
            and section.heading
            and normalize_name(text) == normalize_name(section.heading)
        ):
            out.append(LineInfo(line, kind, "heading", False))
            continue
        if line.table_row is not None:
            context = "table"
        elif kind in _LIST_SECTIONS or _is_list_line(text):
            context = "list"
        elif _BULLET.match(text) or kind in _USED_SECTIONS:
            context = "bullet"
        else:
            context = "prose"
        out.append(LineInfo(line, kind, context, kind is not SectionKind.CONTACT))
    return _lists_written_down(out)


_LIST_ITEM_WORDS = 4  # words of a bullet that is one item of a list ("git & shell commands")
_LIST_RUN = 3  # bullets in a row that make a list


def _lists_written_down(infos: list[LineInfo]) -> list[LineInfo]:
    """A list written downwards, one short item per bullet, holds whole items like one written
    across: three or more bullets in a row of a few words each ("Tools We Use:" then "- R",
    "- Excel", "- Ruby"). Outside experience and projects, where a bullet says what someone
    did. Only the guards read it (``LineInfo.item_down``)."""

    def short(info: LineInfo) -> bool:
        return (
            info.context == "bullet"
            and info.section not in _USED_SECTIONS
            and _BULLET.match(info.line.text) is not None
            and len(_BULLET.sub("", info.line.text).split()) <= _LIST_ITEM_WORDS
        )

    out = list(infos)
    start = 0
    while start < len(out):
        end = start
        while end < len(out) and short(out[end]) and out[end].section == out[start].section:
            end += 1
        if end - start >= _LIST_RUN:
            for i in range(start, end):
                out[i] = dataclasses.replace(out[i], item_down=True)
        start = max(end, start + 1)
    return out


@dataclass(frozen=True, slots=True)
class _Item:
    start: int
    end: int
    text: str


def _items(info: LineInfo, full_text: str) -> list[_Item]:
    """List items of a list/table line with absolute character offsets."""
    base = info.line.start
    text = full_text[base : info.line.end]
    offset = 0
    m = _BULLET.match(text)
    if m:
        offset = m.end()
    m = _LABEL.match(text[offset:])
    if m:
        offset += m.end()
    items: list[_Item] = []
    pos = offset
    for sep in _SEPARATORS.finditer(text, offset):
        if sep.start() > pos:
            items.append(_Item(base + pos, base + sep.start(), text[pos : sep.start()]))
        pos = sep.end()
    if pos < len(text):
        items.append(_Item(base + pos, base + len(text), text[pos:]))
    # "TensorFlow/PyTorch" → two items; "CI/CD" and "A/B" stay whole.
    out: list[_Item] = []
    for item in items:
        parts = item.text.split("/")
        if len(parts) > 1 and all(len(p.strip()) >= 3 for p in parts):
            pos = item.start
            for part in parts:
                out.append(_Item(pos, pos + len(part), part))
                pos += len(part) + 1
        else:
            out.append(item)
    return [i for i in out if i.text.strip()]


def _item_is_just(item: _Item, start: int, end: int, text: str) -> bool:
    """True when a list item holds nothing but the name (plus version/qualifiers)."""
    rest = (text[item.start : start] + " " + text[end : item.end]).split("(")[0]
    rest = re.sub(r"[\d.,;:()\[\]{}+*/-]+", " ", rest)
    words = [w for w in rest.casefold().split() if w not in _ITEM_FILLERS]
    if "(" in text[item.start : start]:
        return False
    return not words


_JOIN_WORDS = frozenset({",", "/", "and", "or", "&", "+", ";", "|", "(", ")"})
_JOIN_MARKS = frozenset({",", "/", ";", "|"})


def _neighbour_skill(
    doc: Doc, start: int, end: int, accepted: set[int], joiners: frozenset[str] = _JOIN_WORDS
) -> bool:
    """True when an accepted skill sits next to this span in an enumeration."""
    i = start - 1
    steps = 0
    while i >= 0 and steps < 3 and doc[i].lower_ in joiners:
        i -= 1
        steps += 1
    if steps and i >= 0 and i in accepted:
        return True
    j = end
    steps = 0
    while j < len(doc) and steps < 3 and doc[j].lower_ in joiners:
        j += 1
        steps += 1
    return bool(steps and j < len(doc) and j in accepted)


def _negative_context(
    doc: Doc, start: int, end: int, skill_tokens: set[int], text: str, *, product: bool = False
) -> bool:
    """Shapes that make a guarded word ordinary: go-live, go/no-go, R&D, Swift Cycles. A
    ``product`` (a language, library, platform, tool or datastore) followed by a builder word
    is the technology: "iOS Developer" (a method in a title, "ML Engineer", names the role)."""
    nxt = doc[end] if end < len(doc) else None
    prev = doc[start - 1] if start > 0 else None
    acronym = end - start == 1 and len(doc[start].text) >= 2 and doc[start].text.isupper()
    glued_next = nxt is not None and not doc[end - 1].whitespace_ and not nxt.whitespace_
    if nxt is not None and nxt.text == "&" and not nxt.whitespace_:
        return True
    if glued_next and nxt is not None and nxt.text in {"-", "‐", "‑"} and not acronym:
        # "go-live", "R-134a", "C-suite" — but "LLM-based", "SQL-heavy" are the skill.
        return True
    if prev is not None and prev.text in {"-", "‐", "‑", "&"} and not prev.whitespace_:
        return True
    if (
        prev is not None
        and prev.text == "/"
        and start >= 2
        and doc[start - 2].lower_ in {"no", "not"}
    ):
        return True
    if nxt is not None and nxt.text == "/" and end + 1 < len(doc):
        after = doc[end + 1]
        if after.lower_ in {"no", "not"}:
            return True
    # A capitalised word right after it that is not itself a skill: "Swift Cycles",
    # "Spark Lisbon", "Java Junction" (names of things, not the technology).
    last = doc[end - 1]
    same_line = nxt is not None and "\n" not in text[last.idx + len(last) : nxt.idx]
    if nxt is not None and same_line and last.whitespace_ and end not in skill_tokens:
        word = nxt.text
        if (
            word[:1].isupper()
            and word.isalpha()
            and not word.isupper()
            and len(word) > 1
            and not (product and word.lower() in _BUILDER_WORDS)
        ):
            return True
    return False


# A capitalised word after a name that makes it a job title, not a thing's name: "iOS
# Developer", "Jenkins Engineer" name the technology someone works with.
_BUILDER_WORDS = frozenset(
    {"developer", "developers", "engineer", "engineers", "programmer", "programmers"}
)


def _platform_prefixes(
    raw: Sequence[RawMatch], kept: Sequence[RawMatch], taxonomy: Taxonomy
) -> list[RawMatch]:
    """A cloud platform named at the start of a longer product name: "GCP Cloud Run" → GCP.

    The longest match wins the span; the platform it starts with is real evidence too.
    """
    out: list[RawMatch] = []
    starts = {(m.start, m.skill_id) for m in kept}
    for outer in kept:
        if outer.end - outer.start < 2:
            continue
        for inner in raw:
            if (
                inner.start == outer.start
                and inner.end < outer.end
                and inner.guard == "none"
                and inner.skill_id != outer.skill_id
                and (inner.start, inner.skill_id) not in starts
            ):
                skill = taxonomy.skills.get(inner.skill_id)
                if skill is not None and skill.category == "platform":
                    out.append(inner)
                    starts.add((inner.start, inner.skill_id))
    return out


_TEST_WORDS = frozenset({"test", "tests", "testing", "suite", "suites"})


def _test_kind(doc: Doc, match: RawMatch, taxonomy: Taxonomy) -> bool:
    """A one-word method naming a kind of test: "regression tests", "smoke testing"."""
    if match.end - match.start != 1 or match.end >= len(doc):
        return False
    skill = taxonomy.skills.get(match.skill_id)
    return skill is not None and skill.category == "method" and doc[match.end].lower_ in _TEST_WORDS


def _glued_acronym(doc: Doc, start: int, end: int) -> bool:
    """An acronym glued into a hyphenated compound names something else ("ICH-GCP")."""
    if end - start != 1 or start < 2:
        return False
    token, hyphen, before = doc[start], doc[start - 1], doc[start - 2]
    return (
        token.text.isupper()
        and len(token.text) <= 4
        and hyphen.text in {"-", "‐", "‑"}
        and not hyphen.whitespace_
        and not before.whitespace_
        and before.is_alpha
    )


_JOINERS = frozenset({",", "/", "and", "or", "&", "+", ";", "|"})


def _in_list_alone(
    doc: Doc, match: RawMatch, info: LineInfo, items: Sequence[_Item], text: str
) -> bool:
    """True when the match is a whole item of a skills list or table cell."""
    if not info.list_like:
        return False
    span_start = doc[match.start].idx
    span_end = doc[match.end - 1].idx + len(doc[match.end - 1])
    return any(
        item.start <= span_start
        and span_end <= item.end
        and _item_is_just(item, span_start, span_end, text)
        for item in items
    )


def _all_skills_in_parens(doc: Doc, start: int, end: int, skill_tokens: set[int]) -> bool:
    """A parenthesis holding nothing but skill names: "(R + Stan)", "(Go, Rust)"."""
    i = start - 1
    while i >= 0 and doc[i].text != "(":
        if (
            doc[i].text == ")"
            or "\n" in doc[i].text
            or (i not in skill_tokens and doc[i].lower_ not in _JOINERS)
        ):
            return False
        i -= 1
    if i < 0:
        return False
    j = end
    while j < len(doc) and doc[j].text != ")":
        if doc[j].text == "(" or (j not in skill_tokens and doc[j].lower_ not in _JOINERS):
            return False
        j += 1
    return j < len(doc)


def _context_ok(
    doc: Doc,
    match: RawMatch,
    info: LineInfo,
    items: Sequence[_Item],
    text: str,
    accepted: set[int],
    skill_tokens: set[int],
) -> bool:
    span_start = doc[match.start].idx
    span_end = doc[match.end - 1].idx + len(doc[match.end - 1])
    if _neighbour_skill(doc, match.start, match.end, accepted):
        return True
    if _all_skills_in_parens(doc, match.start, match.end, skill_tokens):
        return True
    if info.list_like:
        for item in items:
            if item.start <= span_start and span_end <= item.end:
                if _item_is_just(item, span_start, span_end, text):
                    return True
                break
        if not info.item_down:
            return False  # a bullet written downwards may still hold a cue: "- Excel macros"
    prev = [t.lower_ for t in doc[max(0, match.start - 2) : match.start] if not t.is_space]
    if prev and prev[-1] in _PRE_CUES - {"and", "or"}:
        return True
    if match.end < len(doc):
        nxt = doc[match.end]
        if nxt.lower_ in _POST_CUES:
            return True
        token = doc[match.end - 1]
        if token.text.isupper() and nxt.text == "-" and not token.whitespace_:
            return True  # an acronym leading a compound: "LLM-based", "SQL-heavy"
        # A version ("Java 17", "Go 1.22"), not a year ("Spring 2014").
        if nxt.like_num and not re.fullmatch(r"(19|20)\d\d", nxt.text):
            return True
    return False


class _Judge:
    """Whether one phrase hit is a skill: True (keep), False (a word that is not one; it is no
    fuzzy candidate either) or None (passed over: a guard found no skill context)."""

    def __init__(
        self,
        doc: Doc,
        text: str,
        taxonomy: Taxonomy,
        starts: list[int],
        ordered: list[LineInfo],
        items_of: Callable[[LineInfo], list[_Item]],
    ) -> None:
        self.doc, self.text, self.taxonomy = doc, text, taxonomy
        self.starts, self.ordered, self.items_of = starts, ordered, items_of

    def __call__(self, match: RawMatch, accepted: set[int], skill_tokens: set[int]) -> bool | None:
        doc, text = self.doc, self.text
        if match.guard == "none":
            return not _glued_acronym(doc, match.start, match.end) and not _test_kind(
                doc, match, self.taxonomy
            )
        info = _find_line(self.starts, self.ordered, doc[match.start].idx)
        if info is None or not info.scorable:
            return None
        skill = self.taxonomy.skills.get(match.skill_id)
        product = skill is not None and skill.category in _TECH_CATEGORIES
        if _negative_context(doc, match.start, match.end, skill_tokens, text, product=product):
            return None
        items = self.items_of(info)
        if match.guard == "list" and not _in_list_alone(doc, match, info, items, text):
            return None
        if match.guard == "lower" and not (
            _in_list_alone(doc, match, info, items, text)
            # "react", "bash" after "Python and" can be the verb or the party: marks only
            or _neighbour_skill(doc, match.start, match.end, accepted, _JOIN_MARKS)
        ):
            return None
        if match.guard == "context" and not _context_ok(
            doc, match, info, items, text, accepted, skill_tokens
        ):
            return None
        return True


# A name followed by one of these is an employer ("DataVision Corp."), not the product.
_COMPANY_WORDS = frozenset(
    {"corp", "corporation", "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "plc", "co"}
)


def _imported_layer(
    layer: Sequence[RawMatch],
    kept: Sequence[RawMatch],
    rejected: Sequence[RawMatch],
    judge: _Judge,
    accepted: set[int],
    skill_tokens: set[int],
) -> list[RawMatch]:
    """The imported vocabulary's hits that add a skill, judged by the same guards.

    A hit may hold a hand-written hit ("Kali Linux" holds Linux, "Oracle SQL Developer" holds
    SQL: both are kept) but never cuts into one or hides inside one (the hand-written name is
    the longer product), so the hand-written vocabulary finds exactly what it finds alone.
    A name followed by a company word is an employer ("DataVision Corp."), not the product.
    """
    if not layer:
        return []
    hand = [(m.start, m.end) for m in (*kept, *rejected)]

    def clashes(m: RawMatch) -> bool:
        return any(
            a < m.end
            and m.start < b
            and not (m.start <= a and b <= m.end and (a, b) != (m.start, m.end))
            for a, b in hand
        )

    doc = judge.doc
    candidates = [
        m
        for m in layer
        if not clashes(m)
        and not (m.end < len(doc) and doc[m.end].lower_.rstrip(".") in _COMPANY_WORDS)
    ]
    anchors = set(accepted)
    anchors.update(t for m in _select(m for m in candidates if m.guard == "none")
                   for t in range(m.start, m.end))  # fmt: skip
    tokens = skill_tokens | {t for m in layer for t in range(m.start, m.end)}
    out: list[RawMatch] = []
    for match in _select(candidates):
        if judge(match, anchors, tokens) is True:
            out.append(match)
            anchors.update(range(match.start, match.end))
    return out


_SCOPE_OPEN = re.compile(r"\s*(?:\(|:|[-–—]\s)\s*")
_SCOPE_ITEM = re.compile(r"\s*(?:,|;|/|\||&|\band\b)\s*")


def _vendor_scoped(
    mentions: Sequence[SkillMention],
    text: str,
    nlp: SkillNLP,
    starts: list[int],
    ordered: list[LineInfo],
) -> list[SkillMention]:
    """Products named bare in a list right after their platform: "AWS (EC2, S3, Lambda)",
    "Azure: Functions, Data Factory" (``SkillNLP.scoped``), or joined to a product written
    with the platform's name: "AWS S3 and Lambda" (there only while the items are products of
    that platform). Items already found are left."""
    taken = {i for m in mentions if m.skill_id is not None for i in range(m.start, m.end)}
    out: list[SkillMention] = []
    for mention in mentions:
        info = _find_line(starts, ordered, mention.start)
        if info is None or not info.scorable or mention.skill_id is None:
            continue
        scoped = nlp.scoped.get(mention.skill_id)
        opening = _SCOPE_OPEN.match(text, mention.end, info.line.end) if scoped else None
        joined = False
        if opening is None:  # "AWS S3 and Lambda": a product written with its platform
            name = normalize_name(mention.surface) if nlp.vendors else ""  # once, not per vendor
            prefix = next((v for k, v in nlp.vendors.items() if name.startswith(k + " ")), None)
            scoped = nlp.scoped.get(prefix or "")
            opening = _SCOPE_ITEM.match(text, mention.end, info.line.end) if scoped else None
            joined = True
        if scoped is None or opening is None:
            continue
        close = text.find(")", opening.end(), info.line.end) if "(" in opening.group() else -1
        stop = close if close >= 0 else info.line.end
        pos = opening.end()
        for sep in [*_SCOPE_ITEM.finditer(text, pos, stop), None]:
            end = stop if sep is None else sep.start()
            item = text[pos:end]
            lead = len(item) - len(item.lstrip())
            a, b = pos + lead, pos + len(item.rstrip())
            pos = end if sep is None else sep.end()
            skill_id = scoped.get(normalize_name(text[a:b])) if b > a else None
            if skill_id is None and joined:
                break  # "AWS S3 and a new team": the conjunction ends with the products
            if skill_id is None or any(i in taken for i in range(a, b)):
                continue
            out.append(_mention(text[a:b], a, b, info, "vendor-scoped", skill_id))
            taken.update(range(a, b))
    return out


def _line_index(infos: Sequence[LineInfo]) -> tuple[list[int], list[LineInfo]]:
    ordered = sorted(infos, key=lambda i: i.line.start)
    return [i.line.start for i in ordered], ordered


def _find_line(starts: list[int], ordered: list[LineInfo], offset: int) -> LineInfo | None:
    k = bisect.bisect_right(starts, offset) - 1
    if k < 0:
        return None
    info = ordered[k]
    return info if info.line.start <= offset <= info.line.end else None


def _mention(
    surface: str, start: int, end: int, info: LineInfo, rule: str, skill_id: str | None
) -> SkillMention:
    return SkillMention(
        surface=surface,
        start=start,
        end=end,
        section=info.section,
        page=info.line.page,
        line=info.line.number,
        rule=rule,
        context=info.context,
        skill_id=skill_id,
    )


def _select(matches: Iterable[RawMatch]) -> list[RawMatch]:
    """Longest non-overlapping matches, earliest first (like ``spacy.util.filter_spans``)."""
    taken: set[int] = set()
    out: list[RawMatch] = []
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), m.start, m.rule, m.skill_id)):
        span = set(range(m.start, m.end))
        if span & taken:
            continue
        taken |= span
        out.append(m)
    out.sort(key=lambda m: m.start)
    return out


def _masked(document: Document, limit: int) -> str:
    """The scorable text: contact details and the contact section blanked out (same offsets)."""
    text = document.text[:limit]
    chars = list(text)
    spans = contact_spans(text, document)
    spans.extend((s.start, s.end) for s in document.sections if s.kind is SectionKind.CONTACT)
    # A short line with a contact detail is a contact line ("+1 415 555 0100 | Spark, NV"):
    # blank all of it, so an unparsed location or link label can't become a skill. Long lines
    # (a resume flattened to one line) lose only the contact spans themselves.
    whole = [
        (line.start, line.end)
        for line in document.lines
        if line.start >= 0
        and line.end - line.start <= _CONTACT_LINE_MAX
        and any(line.start <= a < line.end or a <= line.start < b for a, b in spans)
    ]
    spans.extend(whole)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def find_mentions(
    document: Document,
    *,
    nlp: SkillNLP,
    taxonomy: Taxonomy,
    options: MatchOptions | None = None,
) -> list[SkillMention]:
    """Find taxonomy skill mentions and fuzzy candidates in a document's visible text.

    Args:
        document: the parsed document; only ``text`` and its lines/sections are read.
        nlp: the process-wide pipeline from ``build_nlp``.
        taxonomy: used to resolve version-suffixed words ("Python3").
        options: ``max_text_chars`` and ``fuzzy_min_length`` are read.
    """
    opts = options or MatchOptions()
    text = _masked(document, opts.max_text_chars)
    infos = classify_lines(document)
    starts, ordered = _line_index(infos)
    # Line breaks become spaces (same offsets) so a name wrapped over two lines still matches.
    doc = nlp.make_doc(text.replace("\n", " "))
    items_by_line: dict[int, list[_Item]] = {}

    def items_of(info: LineInfo) -> list[_Item]:
        if info.line.number not in items_by_line:
            items_by_line[info.line.number] = _items(info, text)
        return items_by_line[info.line.number]

    found = nlp.matches(doc)
    # The hand-written vocabulary is judged alone, exactly as without the import; the imported
    # (O*NET) names are laid over it afterwards and only add skills (``_imported_layer``).
    raw = [m for m in found if m.skill_id not in nlp.imported]
    # Tokens of ordinary (unguarded) hits anchor the enumeration check for guarded ones.
    plain = _select([m for m in raw if m.guard == "none"])
    accepted_tokens: set[int] = {t for m in plain for t in range(m.start, m.end)}
    all_skill_tokens: set[int] = {t for m in raw for t in range(m.start, m.end)}
    kept: list[RawMatch] = []
    rejected: list[RawMatch] = []  # words judged not to be skills: not fuzzy candidates either
    judge = _Judge(doc, text, taxonomy, starts, ordered, items_of)
    passed: list[RawMatch] = []  # no skill context yet: judged again below
    for match in _select(raw):
        verdict = judge(match, accepted_tokens, all_skill_tokens)
        if verdict is True:
            kept.append(match)
            if match.guard != "none":
                accepted_tokens.update(range(match.start, match.end))
        elif verdict is False:
            rejected.append(match)
        else:
            passed.append(match)
    # An enumeration anchored at its end: in "Spark, Hive, Cassandra" only Cassandra is
    # unguarded, so Hive is accepted after Spark was judged. One more sweep, from the end,
    # over what was passed over: each name accepted anchors the one before it, so a chain of
    # any length is read in linear time (the first sweep read chains anchored at the start).
    added = False
    for match in reversed(passed):
        if judge(match, accepted_tokens, all_skill_tokens) is True:
            kept.append(match)
            accepted_tokens.update(range(match.start, match.end))
            added = True
    if added:
        kept.sort(key=lambda m: (m.start, m.end))

    kept.extend(_platform_prefixes(raw, kept, taxonomy))
    described = nlp.described_methods(doc)
    rejected.extend(m for m in kept if _hidden_by_phrase(m, described, nlp))
    kept = [m for m in kept if not _hidden_by_phrase(m, described, nlp)]
    mentions: list[SkillMention] = []
    covered: set[int] = set()
    for match in kept:
        first, last = doc[match.start], doc[match.end - 1]
        start, end = first.idx, last.idx + len(last)
        info = _find_line(starts, ordered, start)
        if info is None or not info.scorable:
            continue
        rule = "guarded" if match.guard != "none" else match.rule
        mentions.append(_mention(text[start:end], start, end, info, rule, match.skill_id))
        covered.update(range(start, end))

    # Methods described in verbs ("Trained PyTorch ranking models"): kept apart from the name
    # matches above, and never across a line break (a bullet ends a clause).
    tech_lines = {
        m.line
        for m in mentions
        if m.skill_id is not None
        and (skill := taxonomy.skills.get(m.skill_id)) is not None
        and skill.category in _TECH_CATEGORIES
    }
    for match in described:
        phrase = nlp.phrase_of(match)
        first, last = doc[match.start], doc[match.end - 1]
        start, end = first.idx, last.idx + len(last)
        info = _find_line(starts, ordered, start)
        if phrase.skill_id is None or info is None or not info.scorable:
            continue
        if "\n" in text[start:end]:
            continue
        if phrase.needs_ml_context and not _ml_line(info, text, tech_lines):
            continue
        mentions.append(_mention(text[start:end], start, end, info, match.rule, phrase.skill_id))

    layer = [m for m in found if m.skill_id in nlp.imported]
    for match in _imported_layer(layer, kept, rejected, judge, accepted_tokens, all_skill_tokens):
        if _hidden_by_phrase(match, described, nlp):
            continue
        first, last = doc[match.start], doc[match.end - 1]
        start, end = first.idx, last.idx + len(last)
        info = _find_line(starts, ordered, start)
        if info is None or not info.scorable:
            continue
        rule = "guarded" if match.guard != "none" else match.rule
        mentions.append(_mention(text[start:end], start, end, info, rule, match.skill_id))

    mentions.extend(_vendor_scoped(mentions, text, nlp, starts, ordered))

    for match in rejected:
        last = doc[match.end - 1]
        covered.update(range(doc[match.start].idx, last.idx + len(last)))
    mentions.extend(_versioned(doc, text, taxonomy, nlp, starts, ordered, covered))
    # Names the vocabulary lacks, known by their neighbours in a list ("n8n, Zapier, Airflow").
    # The normaliser still tries them against the vocabulary first, like any candidate.
    tech = bytearray(len(text) + 1)
    judged = bytearray(len(text) + 1)
    for i in covered:
        judged[i] = 1
    for m in mentions:
        judged[m.start : m.end] = b"\x01" * (m.end - m.start)
        skill = taxonomy.skills.get(m.skill_id) if m.skill_id is not None else None
        if skill is not None and skill.category in _TECH_CATEGORIES:
            tech[m.start : m.end] = b"\x01" * (m.end - m.start)
    spans = unlisted_items(text, _lists(infos, items_of, text), tech, judged)
    # ...and wherever else the text writes the name so ("Built the agents on n8n").
    for name in sorted({text[start:end] for start, end in spans}):
        pattern = re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w-]|\.\w)")
        spans.extend((m.start(), m.end()) for m in pattern.finditer(text))
    taken = bytearray(len(text) + 1)  # the unlisted names: no fuzzy candidate of their own
    for start, end in sorted(set(spans)):
        info = _find_line(starts, ordered, start)
        if info is None or not info.scorable or judged.count(1, start, end):
            continue
        mentions.append(_mention(text[start:end], start, end, info, "unlisted", None))
        judged[start:end] = taken[start:end] = b"\x01" * (end - start)
    mentions.extend(
        c
        for c in _candidates(text, infos, items_of, covered, min_length=opts.fuzzy_min_length)
        if not taken.count(1, c.start, c.end)
    )
    mentions.sort(key=lambda m: (m.start, m.end, m.skill_id or ""))
    return mentions


_TECH_CATEGORIES = frozenset({"language", "library", "platform", "tool", "datastore"})
_WORD = re.compile(r"[A-Za-z]+")


def _ml_line(info: LineInfo, text: str, tech_lines: set[int]) -> bool:
    """The line names a technology or an ML model word ("Fine-tuned Whisper with PyTorch")."""
    if info.line.number in tech_lines:
        return True
    words = _WORD.findall(text[info.line.start : info.line.end])
    return any(w.lower() in MODEL_WORDS for w in words)


def _hidden_by_phrase(match: RawMatch, described: Sequence[RawMatch], nlp: SkillNLP) -> bool:
    """A name hit inside a described phrase that reads it otherwise ("visual regression")."""
    return any(
        d.start <= match.start and match.end <= d.end and match.skill_id in nlp.phrase_of(d).hides
        for d in described
    )


def _versioned(
    doc: Doc,
    text: str,
    taxonomy: Taxonomy,
    nlp: SkillNLP,
    starts: list[int],
    ordered: list[LineInfo],
    covered: set[int],
) -> list[SkillMention]:
    """Names glued to a version number: "Python3", "Java8", "Vue3"."""
    out: list[SkillMention] = []
    for token in doc:
        if token.idx in covered or (not token.is_alpha and not token.text[:1].isalpha()):
            continue
        m = _VERSIONED.match(token.text)
        if not m:
            continue
        skill = taxonomy.lookup(m.group(1))
        if skill is None or skill.imported:  # imported names: exact spellings only
            continue
        if normalize_name(m.group(1)) in nlp.short_names:
            continue
        info = _find_line(starts, ordered, token.idx)
        if info is None or not info.scorable:
            continue
        start, end = token.idx, token.idx + len(token)
        out.append(_mention(token.text, start, end, info, "version-suffix", skill.id))
        covered.update(range(start, end))
    return out


# Between two items of one enumeration: a comma, semicolon, slash, "and"/"or". Anything else
# ("(", "|", " - ", ":") joins a title to its details: "ChatBot (Python, Flask)".
_ENUMERATION_GAP = re.compile(r"\s*(?:[,;/&+]|\band\b|\bor\b)?\s*", re.I)


def _enumerations(items: list[tuple[int, int]], text: str) -> list[list[tuple[int, int]]]:
    """A line's items cut where the separator is not an enumeration's."""
    out = [[items[0]]]
    for prev, item in itertools.pairwise(items):
        if _ENUMERATION_GAP.fullmatch(text, prev[1], item[0]):
            out[-1].append(item)
        else:
            out.append([item])
    return out


def _lists(
    infos: Sequence[LineInfo], items_of: Callable[[LineInfo], list[_Item]], text: str
) -> list[list[tuple[int, int]]]:
    """The document's lists as their items' spans: each enumeration of a list or table line
    written across, and each run of one-item lines written downwards ("- Figma",
    "- ProtoPie"): one section, one bullet (a project's name under its tools is not one).
    Not in sections or under labels whose lists hold anything but tools ("Clients:")."""
    out: list[list[tuple[int, int]]] = []
    run: list[tuple[int, int]] = []
    run_kind: tuple[SectionKind, str] | None = None  # the run's section and bullet
    for info in infos:
        if not info.scorable or info.context == "heading":
            continue
        bullet = _BULLET.match(info.line.text)
        kind = (info.section, bullet.group(1) if bullet else "")
        label = _LABEL.match(info.line.text[bullet.end() if bullet else 0 :])
        if info.section in NOT_TOOL_SECTIONS or (
            label is not None and not label_may_list_tools(label.group(1))
        ):
            one = []
        elif info.item_down:
            one = [(info.line.start + (bullet.end() if bullet else 0), info.line.end)]
        elif info.context in ("list", "table"):
            one = [(i.start, i.end) for i in items_of(info)]
            if len(one) > 1:
                if len(run) > 1:
                    out.append(run)
                run, run_kind = [], None
                out.extend(_enumerations(one, text))
                continue
        else:
            one = []
        if one and (not run or kind == run_kind):
            run.extend(one)
            run_kind = kind
            continue
        if len(run) > 1:
            out.append(run)
        run, run_kind = one, (kind if one else None)
    if len(run) > 1:
        out.append(run)
    return out


def _candidates(
    text: str,
    infos: Sequence[LineInfo],
    items_of: Callable[[LineInfo], list[_Item]],
    covered: set[int],
    *,
    min_length: int,
) -> list[SkillMention]:
    """Phrases the fuzzy step may resolve: uncovered list items and long unknown words."""
    out: list[SkillMention] = []
    seen: set[tuple[int, int]] = set()
    mask = bytearray(len(text) + 1)
    for i in covered:
        if 0 <= i < len(mask):
            mask[i] = 1
    for info in infos:
        if not info.scorable or info.context == "heading":
            continue
        if info.context in ("list", "table"):
            for item in items_of(info):
                stripped = item.text.strip()
                lead = len(item.text) - len(item.text.lstrip())
                start = item.start + lead
                phrase = _TRAILING_PAREN.sub("", stripped)
                phrase = _TRAILING_VERSION.sub("", phrase)
                if len(phrase) < min_length or len(phrase.split()) > 4:
                    continue
                end = start + len(phrase)
                if any(mask[start:end]):
                    continue
                seen.add((start, end))
                out.append(_mention(phrase, start, end, info, "candidate", None))
        # Long words anywhere on the line ("Pyhton", "Kuberentes", "scikit-lern").
        base = info.line.start
        for word in _WORDISH.finditer(text, base, info.line.end):
            surface = word.group(0).rstrip(".")
            start = word.start()
            end = start + len(surface)
            if len(surface) < min_length + 1 or (start, end) in seen:
                continue
            if surface.casefold() in STOP_WORDS or any(mask[start:end]):
                continue
            seen.add((start, end))
            out.append(_mention(surface, start, end, info, "candidate", None))
    return out
