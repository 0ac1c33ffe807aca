"""A posting's requirements: which skills it requires, prefers or only mentions, and the years
and degrees it asks for.

``requirement_modes(document)`` reads the headings ("Requirements", "Must have", "Nice to have",
"Preferred", "Bonus", "About us") into a mode per line; ``split_requirements()`` sorts each
canonical skill into required / preferred / mentioned by its strongest evidence, a cue phrase on
the skill's own line ("... is a plus", "ideally", "must") overriding its block;
``alternative_groups()`` finds "TensorFlow or PyTorch"; ``years_required()`` and
``education_required()`` read the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from matcher.models import CanonicalSkill, Document, Line

__all__ = [
    "Mode",
    "alternative_groups",
    "background_skills",
    "education_required",
    "is_about_the_company",
    "is_heading",
    "requirement_modes",
    "split_requirements",
    "years_required",
]

Mode = Literal["required", "preferred", "mentioned"]

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


def is_heading(raw: str, bold: bool = False) -> bool:
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
        if is_heading(line.text, line.bold):
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
        is_heading(line.text, line.bold) and _REQUIRED_HEAD.search(line.text) for line in lines
    )
    mode: Mode = "mentioned" if has_required_heading else "required"
    modes: dict[int, Mode] = {}
    for index, line in enumerate(lines):
        text = line.text
        if index > 0 and is_heading(text, line.bold):
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


# A sentence about the company, not the candidate: "we", "our", "us" and no "you".
_ABOUT_US = re.compile(r"\b(we|we're|we’re|our|ours|us)\b", re.I)
_ABOUT_YOU = re.compile(r"\b(you|your|you'll|you’ll|candidate|applicant)\b", re.I)
# Skill categories that name a field, quality or practice rather than a technology.
_CONCEPTS = frozenset({"method", "soft"})


def is_about_the_company(line_text: str, offset: int) -> bool:
    """True when the sentence holding ``offset`` speaks of the company ("We build knowledge
    and scalability into everything we do"), not of what the candidate brings."""
    sentence, _ = _sentence(line_text, offset)
    return bool(_ABOUT_US.search(sentence)) and not _ABOUT_YOU.search(sentence)


def background_skills(skills: Sequence[CanonicalSkill], document: Document) -> tuple[str, ...]:
    """Ids of the concepts (methods, fields, qualities) that only sentences about the company
    name: "our platform is known for its reliability and scalability" is boilerplate, not a
    skill the posting asks for. A technology named there ("our stack includes Java") is not
    background: it tells a candidate what they would work with."""
    by_number = {line.number: line for line in document.lines}
    out: list[str] = []
    for skill in skills:
        if skill.category not in _CONCEPTS or not skill.evidence:
            continue
        lines = [(by_number.get(e.line), e) for e in skill.evidence]
        if all(
            line is not None and is_about_the_company(line.text, e.start - line.start)
            for line, e in lines
        ):
            out.append(skill.skill_id)
    return tuple(out)


def split_requirements(
    skills: Sequence[CanonicalSkill], modes: Mapping[int, Mode], document: Document
) -> tuple[list[CanonicalSkill], list[CanonicalSkill], list[CanonicalSkill]]:
    """Sort skills into (required, preferred, mentioned) by their strongest evidence.

    Evidence in a sentence about the company itself (boilerplate: "our platform runs on
    knowledge and scalability") is never a requirement: at most a mention (and a concept only
    the company's sentences name is ``background_skills``: not scored at all).
    """
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
            offset = e.start - line.start
            if is_about_the_company(line.text, offset):
                found.append("mentioned")
                continue
            found.append(_evidence_mode(line.text, offset, block))
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
