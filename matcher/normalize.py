"""Skill mentions → canonical skills: ``canonicalize(mentions, *, taxonomy, index, options)``.

Taxonomy hits resolve directly (``exact`` when the text is the skill's name, ``alias``
otherwise). Candidate phrases go through an exact lookup on our own normalisation (which keeps
``+ # .`` so C++, C#, .NET and Node.js stay distinct) and then one batched rapidfuzz
``process.cdist`` with plain ``fuzz.ratio`` (Indel similarity: no reward for prefixes or
subsets, so Java→JavaScript, Excel→Excellent and SQL→NoSQL can't match). On top of the cutoff:

* names shorter than ``fuzzy_min_length``, guarded spellings and imported (O*NET) names are
  never fuzzy targets;
* a candidate that is a prefix of the name, or the name a prefix of it, never matches;
* names shorter than 8 characters match only a single adjacent transposition ("Pyhton"), since
  short words have too many real-word neighbours ("grade" is not "Gradle").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from matcher.models import (
    CanonicalSkill,
    Evidence,
    EvidenceStrength,
    MatchHow,
    SectionKind,
    SkillMention,
    is_unlisted,
    unlisted_id,
)
from matcher.options import MatchOptions
from taxonomy import Taxonomy, normalize_name

__all__ = [
    "FuzzyIndex",
    "SkillHit",
    "SkillLookupResult",
    "build_fuzzy_index",
    "canonicalize",
    "fuzzy_key",
    "lookup_skill",
    "strength_of",
]

_DROP = re.compile(r"[^a-z0-9+#.]+")
_SHORT_NAME = 8  # below this many letters only a transposition counts as a misspelling
_ENGLISH_SUFFIXES = (
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ing",
    "ics",
    "ives",
    "ance",
    "ence",
    "ical",
    "ally",
    "ology",
    "ists",
    "ers",
)
_HOW_ORDER: dict[str, int] = {"exact": 0, "alias": 1, "phrase": 2, "fuzzy": 3, "unlisted": 4}
_USED = frozenset({SectionKind.EXPERIENCE, SectionKind.PROJECTS})


def fuzzy_key(text: str) -> str:
    """Our normalisation for fuzzy scoring: NFKC, case-folded, keep ``a-z 0-9 + # .``."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").casefold()
    text = _DROP.sub(" ", text)
    return " ".join(text.split()).strip(". ")


@dataclass(frozen=True)
class FuzzyIndex:
    """Fuzzy targets (normalised names/aliases) and an exact map over the same keys."""

    keys: tuple[str, ...]
    skill_ids: tuple[str, ...]
    exact: dict[str, str]
    # ordinary English words (the taxonomy's word lists): never a misspelled name
    english: frozenset[str] = frozenset()


def build_fuzzy_index(
    taxonomy: Taxonomy, *, guarded: frozenset[str], options: MatchOptions
) -> FuzzyIndex:
    """Collect fuzzy targets: unguarded names and aliases long enough to be safe.

    Args:
        taxonomy: the loaded taxonomy.
        guarded: normalised spellings that are guarded (never fuzzy targets).
        options: ``fuzzy_min_length`` is read.
    """
    keys: list[str] = []
    ids: list[str] = []
    exact: dict[str, str] = {}
    for skill in sorted(taxonomy.skills.values(), key=lambda s: s.id):
        if skill.imported:
            # Imported names match as spelled (phrase matchers) and are never fuzzy targets: a
            # near-miss of a rare tool is not worth a false skill in a nurse's resume, and the
            # hand-written vocabulary's fuzzy matches stay exactly what they are without them.
            continue
        for spelling in (skill.name, *skill.aliases):
            key = fuzzy_key(spelling)
            if not key:
                continue
            guarded_spelling = (
                normalize_name(spelling) in guarded
                or normalize_name(skill.name) in guarded
                or skill.guard != "none"
            )
            if not guarded_spelling:
                exact.setdefault(key, skill.id)
                exact.setdefault(key.replace(" ", ""), skill.id)
            if guarded_spelling or len(key.replace(" ", "")) < options.fuzzy_min_length:
                continue
            variants = {key}
            if all(len(token) > 1 for token in key.split()):
                # "hugging face" ~ "hugginface"; but never "objective c" → "objectivec", which
                # would make "objectives" a one-letter typo of Objective-C.
                variants.add(key.replace(" ", ""))
            for variant in sorted(variants):
                keys.append(variant)
                ids.append(skill.id)
    return FuzzyIndex(keys=tuple(keys), skill_ids=tuple(ids), exact=exact, english=_english())


@functools.cache
def _english() -> frozenset[str]:
    """The taxonomy's English word lists, read once per process (every Matcher shares them)."""
    from taxonomy.lexicon import load_lexicon

    return load_lexicon().common


def _english_word(key: str, english: frozenset[str]) -> bool:
    """One word that the word lists know (also as a plural: "customizes")."""
    if " " in key or not key.isalpha():
        return False
    return any(w in english for w in (key, key.removesuffix("s"), key.removesuffix("es")))


def _accept(query: str, choice: str, score: float, cutoff: float, *, prose: bool) -> bool:
    q, c = query.replace(" ", ""), choice.replace(" ", "")
    if q in c or c in q:  # prefix/suffix/subset traps: Java/JavaScript, detection/MMDetection
        return q == c
    if len(c) < _SHORT_NAME:
        return sorted(q) == sorted(c) and OSA.distance(q, c) == 1
    suffix = next((x for x in _ENGLISH_SUFFIXES if q.endswith(x)), None)
    if suffix is not None and not c.endswith(suffix):
        # An English word shape the name doesn't share: "detection" is not Detectron,
        # "Informatics" is not Informatica, "objectives" is not Objective-C.
        return False
    if prose and OSA.distance(q, c) > 1:
        # Running text is full of real words one or two edits from a name ("retaining" /
        # "pretraining"): outside lists only a single typo counts.
        return False
    return score >= cutoff


@dataclass(frozen=True, slots=True)
class SkillHit:
    """A taxonomy skill a name resolves to, and how."""

    skill_id: str
    how: MatchHow
    score: float


@dataclass(frozen=True, slots=True)
class SkillLookupResult:
    """``match``: the skill a name means (exact, alias or a misspelling the matcher would
    accept in a skills list), or ``None``; ``candidates``: other close names, best first."""

    query: str
    match: SkillHit | None
    candidates: tuple[SkillHit, ...]


_CANDIDATE_FLOOR = 60.0


def lookup_skill(
    name: str,
    *,
    taxonomy: Taxonomy,
    index: FuzzyIndex,
    options: MatchOptions,
    limit: int = 5,
) -> SkillLookupResult:
    """Resolve one skill name with the extraction's own rules: exact name or alias first, then
    rapidfuzz Indel similarity over the fuzzy targets with the list-item acceptance rules
    (no prefix/subset matches such as Java→JavaScript, short names only by a transposition,
    guarded names never fuzzy)."""
    skill = taxonomy.lookup(name) if normalize_name(name) else None
    best: SkillHit | None = None
    seen: set[str] = set()
    if skill is not None:
        how: MatchHow = "exact" if normalize_name(skill.name) == normalize_name(name) else "alias"
        best = SkillHit(skill.id, how, 100.0)
        seen.add(skill.id)
    key = fuzzy_key(name)
    candidates: list[SkillHit] = []
    if key and index.keys:
        hits = process.extract(
            key, index.keys, scorer=fuzz.ratio, processor=None, limit=max(1, limit) * 4
        )
        for choice, score, position in hits:
            skill_id = index.skill_ids[position]
            if skill_id in seen or score < _CANDIDATE_FLOOR:
                continue
            seen.add(skill_id)
            hit = SkillHit(skill_id, "fuzzy", round(float(score), 1))
            if (
                best is None
                and len(key.replace(" ", "")) >= options.fuzzy_min_length
                and _accept(key, choice, score, options.fuzzy_cutoff, prose=False)
            ):
                best = hit
                continue
            if len(candidates) < limit:
                candidates.append(hit)
    return SkillLookupResult(query=name, match=best, candidates=tuple(candidates))


def strength_of(mention: SkillMention) -> EvidenceStrength:
    """``used`` in an experience/project bullet, ``listed`` in a skills list, else ``mentioned``."""
    if mention.context == "heading":
        return "mentioned"
    if mention.section in _USED:
        return "used"
    if mention.section is SectionKind.SKILLS or mention.context in ("list", "table"):
        return "listed"
    if mention.section is SectionKind.OTHER and mention.context == "bullet":
        return "used"
    return "mentioned"


def canonicalize(
    mentions: Sequence[SkillMention],
    *,
    taxonomy: Taxonomy,
    index: FuzzyIndex,
    options: MatchOptions | None = None,
) -> list[CanonicalSkill]:
    """Resolve mentions to taxonomy skills, fuzzy-matching candidate phrases in one batch.

    Args:
        mentions: output of ``find_mentions``.
        taxonomy: the loaded taxonomy.
        index: the fuzzy targets from ``build_fuzzy_index``.
        options: ``fuzzy_cutoff`` is read.

    Returns:
        One ``CanonicalSkill`` per skill found, with all its evidence, in taxonomy order of
        first appearance in the document.
    """
    opts = options or MatchOptions()
    found: list[tuple[str, SkillMention, MatchHow, float]] = []
    pending: list[tuple[SkillMention, str]] = []
    for mention in mentions:
        if mention.skill_id is not None:
            skill = taxonomy.skills.get(mention.skill_id)
            if skill is None:
                continue
            how: MatchHow = (
                "phrase"
                if mention.rule == "method-phrase"
                else "exact"
                if normalize_name(mention.surface) == normalize_name(skill.name)
                else "alias"
            )
            found.append((skill.id, mention, how, 100.0))
            continue
        key = fuzzy_key(mention.surface)
        if not key:
            continue
        hit = index.exact.get(key) or index.exact.get(key.replace(" ", ""))
        if hit is not None:
            name_key = fuzzy_key(taxonomy.skills[hit].name)
            how = "exact" if key == name_key else "alias"
            found.append((hit, mention, how, 100.0))
        else:
            pending.append((mention, key))
    if pending and index.keys:
        queries = sorted({key for _, key in pending})  # each distinct phrase scored once
        row_of = {key: row for row, key in enumerate(queries)}
        floor = min(opts.fuzzy_cutoff, 80.0)
        matrix = process.cdist(
            queries, index.keys, scorer=fuzz.ratio, score_cutoff=floor, dtype=np.float32
        )
        # Per distinct phrase, not per mention: whether anything scored, and its best 3 columns.
        scored: set[int] = set(np.flatnonzero(matrix.any(axis=1)).tolist())
        best: dict[int, list[int]] = {}
        for mention, key in pending:
            row = row_of[key]
            if row not in scored:
                continue
            scores = matrix[row]
            if row not in best:
                best[row] = np.argsort(-scores, kind="stable")[:3].tolist()
            for col in best[row]:
                score = float(scores[col])
                if score <= 0:
                    break
                skill = taxonomy.skills[index.skill_ids[col]]
                prose = mention.context not in ("list", "table")
                if _english_word(key, index.english):
                    # An English word is what it says, however near a name: "Customize the
                    # bullets" is not Kustomize, "Cafe" is not Caffe.
                    break
                if prose and mention.surface.islower():
                    # In running text a lowercase word one letter from a name is an ordinary
                    # word ("detection" / Detectron); misspelled names are written capitalised.
                    break
                if skill.category in ("method", "soft"):
                    # Method names are English words ("Transformers"/"transforms"): exact only.
                    continue
                if _accept(key, index.keys[col], score, opts.fuzzy_cutoff, prose=prose):
                    found.append((index.skill_ids[col], mention, "fuzzy", round(score, 1)))
                    break
    # A name the vocabulary cannot place, known by its list neighbours: a skill of its own.
    # Not when a known name is near it: "PyTorh" is a slip, not a new tool.
    near = {key for key in row_of if row_of[key] in scored} if pending and index.keys else set()
    placed = {(m.start, m.end) for _, m, _, _ in found}
    for mention, key in pending:
        if mention.rule != "unlisted" or (mention.start, mention.end) in placed or key in near:
            continue
        found.append((unlisted_id(mention.surface), mention, "unlisted", 100.0))
    return _group(found, taxonomy)


def _group(
    found: Sequence[tuple[str, SkillMention, MatchHow, float]], taxonomy: Taxonomy
) -> list[CanonicalSkill]:
    by_skill: dict[str, list[tuple[SkillMention, MatchHow, float]]] = {}
    for skill_id, mention, how, score in sorted(found, key=lambda f: (f[1].start, f[0])):
        by_skill.setdefault(skill_id, []).append((mention, how, score))
    out: list[CanonicalSkill] = []
    for skill_id, hits in by_skill.items():
        if is_unlisted(skill_id):
            # named as first written; a tool until someone files it (the category of most)
            name, category = hits[0][0].surface, "tool"
        else:
            skill = taxonomy.skills[skill_id]
            name, category = skill.name, skill.category
        evidence: list[Evidence] = []
        seen: set[tuple[int, int]] = set()
        for mention, how, score in hits:
            if (mention.start, mention.end) in seen:
                continue
            seen.add((mention.start, mention.end))
            evidence.append(
                Evidence(
                    surface=mention.surface,
                    section=mention.section,
                    page=mention.page,
                    line=mention.line,
                    start=mention.start,
                    end=mention.end,
                    how=how,
                    score=score,
                    strength=strength_of(mention),
                )
            )
        best_how = min((e.how for e in evidence), key=_HOW_ORDER.__getitem__)
        best_score = max(e.score for e in evidence)
        out.append(
            CanonicalSkill(
                skill_id=skill_id,
                name=name,
                category=category,
                how=best_how,
                score=best_score,
                evidence=tuple(evidence),
            )
        )
    return out
