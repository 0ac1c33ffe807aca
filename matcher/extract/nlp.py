"""Taxonomy → spaCy pipeline: ``build_nlp(taxonomy) -> SkillNLP`` (blank English + phrase matchers).

Built once per process (``Matcher`` holds one). Two phrase matchers run over the same ``Doc``:

* ``phrase-lower`` (attr ``LOWER``): ordinary names and aliases ("PyTorch", "scikit-learn",
  "k8s"), matched case-insensitively anywhere;
* ``phrase-orth`` (attr ``ORTH``): guarded names — words that are also ordinary English or
  single letters (R, C, Go, Swift, Rust, Spark, Excel, "torch", "express"...). They match only
  with the exact capitalisation of the taxonomy entry, and ``mentions.py`` keeps them only in a
  skill context (see ``is_guard_context``).

A third, token-pattern matcher (``method-phrase``) finds method skills described in verbs
("Trained PyTorch ranking models" → Model training) from the table in ``phrases.py``; its hits
are kept apart from the name matches so a long phrase never hides a technology inside it.

The guard level comes from the taxonomy (``Skill.guard``) and is raised automatically for
risky spellings (one or two characters, or a common English word), so a taxonomy entry
cannot accidentally turn "go-live" or "Excellent" into skills.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy
import spacy
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from matcher.extract.phrases import METHOD_PHRASES, MODEL_WORDS, NOT_ML_MODELS, MethodPhrase
from taxonomy import Taxonomy, normalize_name, written_forms
from taxonomy.schema import Skill

__all__ = [
    "COMMON_WORDS",
    "DEGREE_WORDS",
    "GuardLevel",
    "RawMatch",
    "SkillNLP",
    "build_nlp",
]

GuardLevel = Literal["none", "case", "context", "list", "lower"]
# "list": a lowercase copy of a guarded name ("go", "r"), kept only as a whole item of a
# skills list or table cell.
# "lower": a lowercase copy of a hand-written or case-guarded name of four letters or more
# ("bash", "spark", "jenkins"): a whole list item, or next to an accepted skill joined by a
# comma, slash, semicolon or bar ("Python, Node, bash, and linux tools").

# Spellings that are ordinary English words (or names) as well as skill names: never matched
# case-insensitively, and only in a skill context. Extend rather than add misspellings.
COMMON_WORDS = frozenset(
    [
        "go",
        "java",
        "swift",
        "rust",
        "spark",
        "excel",
        "spring",
        "express",
        "flask",
        "julia",
        "ruby",
        "dart",
        "elm",
        "crystal",
        "scheme",
        "chef",
        "puppet",
        "salt",
        "shiny",
        "stan",
        "prophet",
        "triton",
        "accelerate",
        "expo",
        "lambda",
        "apollo",
        "helm",
        "jest",
        "mocha",
        "chai",
        "hive",
        "pig",
        "beam",
        "storm",
        "flume",
        "oracle",
        "access",
        "word",
        "outlook",
        "teams",
        "next",
        "rest",
        "kube",
        "torch",
        "node",
        "canvas",
        "make",
        "ant",
        "sage",
        "bash",
        "fish",
        "unity",
        "maya",
        "sketch",
        "notion",
        "slack",
        "vault",
        "arrow",
        "bootstrap",
        "foundation",
        "material",
        "semantic",
        "carbon",
        "fluent",
        "bullet",
        "dash",
        "evaluate",
        "datasets",
        "lightning",
        "ray",
        "lit",
        "flux",
        "envoy",
        "consul",
        "beats",
        "render",
        "fly",
        "railway",
        "three",
        "matter",
        "electron",
        "ionic",
        "delta",
        "iceberg",
        "glue",
        "athena",
        "redshift",
        "pulse",
        "compass",
        "mercury",
        "gem",
        "rails",
        "pearl",
        "perl",
        "sphinx",
        "nose",
        "behave",
        "cucumber",
        "postman",
    ]
)

# Degree abbreviations that are also skill acronyms ("LLM Criminology" is a Master of Laws).
DEGREE_WORDS = frozenset(
    [
        "llm",
        "llb",
        "mba",
        "msc",
        "bsc",
        "ms",
        "ma",
        "ba",
        "bs",
        "be",
        "me",
        "mtech",
        "btech",
        "bcom",
        "mcom",
        "phd",
        "mphil",
        "cpa",
    ]
)

_TOKENISH = re.compile(r"^[A-Za-z][A-Za-z0-9+#.]*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]+$")  # XML, EC2, TIM: capitals and digits, one word


@dataclass(frozen=True, slots=True)
class RawMatch:
    """A phrase-matcher hit: token span, the skill id and which matcher fired."""

    skill_id: str
    start: int  # token index
    end: int  # token index (exclusive)
    rule: Literal["phrase-lower", "phrase-orth", "method-phrase"]
    guard: GuardLevel


@dataclass
class SkillNLP:
    """The spaCy pipeline and the taxonomy phrase matchers, built once per process."""

    nlp: Language
    lower: PhraseMatcher
    orth: PhraseMatcher
    cased: PhraseMatcher | None = None  # "case" spellings: any capitalisation but all-lowercase
    guards: dict[tuple[str, str], GuardLevel] = field(default_factory=dict)  # (skill, orth text)
    short_names: frozenset[str] = frozenset()  # normalised names too risky for fuzzy matching
    # Ids of the imported (O*NET) skills the matchers know: ``find_mentions`` lays their hits
    # over the hand-written vocabulary's, never in place of them.
    imported: frozenset[str] = frozenset()
    # Platform id -> normalised bare product name -> skill id: "Lambda" of "AWS Lambda" under
    # AWS, counted only in a list right after the platform's name ("AWS (EC2, S3, Lambda)").
    scoped: dict[str, dict[str, str]] = field(default_factory=dict)
    vendors: dict[str, str] = field(default_factory=dict)  # normalised platform spelling -> id
    described: Matcher | None = None  # method skills described in verbs (``phrases.py``)
    # Words a described-method hit can start with, each with the longest hit in tokens that
    # starts with it: the matcher only runs over the windows that start at one of them (a
    # whole resume costs 4-6 ms; "a" only starts "A/B tested", so its window is 5 tokens).
    described_first: dict[str, int] = field(default_factory=dict)
    # First words whose every pattern has a fixed second token ("a" → "/" of "A/B"): the words
    # (LOWER or ORTH, value) that second token must be, else no window starts there.
    described_next: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    # First words whose every pattern has a later required LOWER/ORTH token: the (attr, value)
    # pairs one of which must appear in the window ("training" needs a model word in reach).
    described_needs: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    _needs: dict[int, tuple[frozenset[int], frozenset[int]]] = field(default_factory=dict)
    _first_hashes: Any = None  # numpy array of the LOWER hashes of ``described_first``
    _first_length: dict[int, int] = field(default_factory=dict)  # LOWER hash -> longest hit
    _next: dict[int, tuple[frozenset[int], frozenset[int]]] = field(default_factory=dict)

    def make_doc(self, text: str) -> Doc:
        """Tokenise ``text`` (the blank pipeline has no other components)."""
        return self.nlp.make_doc(text)

    def matches(self, doc: Doc) -> list[RawMatch]:
        """Every phrase hit in ``doc``, overlapping ones included, in document order."""
        out: list[RawMatch] = []
        strings = self.nlp.vocab.strings
        for match_id, start, end in self.lower(doc):
            out.append(RawMatch(strings[match_id], start, end, "phrase-lower", "none"))
        if self.cased is not None:
            for match_id, start, end in self.cased(doc):
                text = doc[start:end].text
                # "Typescript", "REACT", "Prometheus" are the product; "react to", "helm",
                # "spark" in lowercase are words.
                if any(ch.isupper() for ch in text):
                    out.append(RawMatch(strings[match_id], start, end, "phrase-orth", "case"))
        for match_id, start, end in self.orth(doc):
            skill_id = strings[match_id]
            text = doc[start:end].text
            guard = self.guards.get((skill_id, text), "context")
            out.append(RawMatch(skill_id, start, end, "phrase-orth", guard))
        out.sort(key=lambda m: (m.start, -(m.end - m.start), m.skill_id))
        return out

    def described_methods(self, doc: Doc) -> list[RawMatch]:
        """Method skills described in verbs ("deployed them with Docker"), shortest hit per
        start and skill, minus those whose model word is not an ML model ("role model")."""
        if self.described is None:
            return []
        strings = self.nlp.vocab.strings
        best: dict[tuple[str, int], tuple[int, int]] = {}
        for match_id, start, end in self._described_hits(doc):
            if _not_ml_model(doc, start, end) or _inside_compound(doc, start):
                continue
            if (
                end - start == 2
                and doc[start].lower_ == "training"
                and doc[end - 1].lower_ == "model"
            ):
                continue  # "the regiment's training model": a noun, not training a model
            key = (strings[match_id], start)
            if key not in best or end < best[key][1]:
                best[key] = (start, end)
        out = [
            RawMatch(label, start, end, "method-phrase", "none")
            for (label, _), (start, end) in best.items()
        ]
        out.sort(key=lambda m: (m.start, m.end, m.skill_id))
        return out

    def _described_hits(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The described matcher's hits, run only over merged windows that start at a word a
        pattern can start with (every hit lies in the window of its first token)."""
        assert self.described is not None
        if self._first_hashes is None:
            strings = self.nlp.vocab.strings
            self._first_length = {strings.add(w): n for w, n in self.described_first.items()}
            self._next = {
                strings.add(w): (
                    frozenset(strings.add(v) for attr, v in nxt if attr == "LOWER"),
                    frozenset(strings.add(v) for attr, v in nxt if attr == "ORTH"),
                )
                for w, nxt in self.described_next.items()
            }
            self._needs = {
                strings.add(w): (
                    frozenset(strings.add(v) for attr, v in need if attr == "LOWER"),
                    frozenset(strings.add(v) for attr, v in need if attr == "ORTH"),
                )
                for w, need in self.described_needs.items()
            }
            self._first_hashes = numpy.fromiter(self._first_length, dtype=numpy.uint64)
        # The LOWER and ORTH hashes of every token in one array (no Token object per word).
        attrs = doc.to_array([LOWER, ORTH])
        lowers = attrs[:, 0]
        windows: list[list[int]] = []
        for i in numpy.flatnonzero(numpy.isin(lowers, self._first_hashes)).tolist():
            first = int(lowers[i])
            nxt = self._next.get(first)
            if nxt is not None and (
                i + 1 >= len(doc)
                or (int(lowers[i + 1]) not in nxt[0] and int(attrs[i + 1, 1]) not in nxt[1])
            ):
                continue  # no pattern starting with this word can match here
            end = min(len(doc), i + self._first_length[first])
            need = self._needs.get(first)
            if need is not None and not any(
                int(attrs[j, 0]) in need[0] or int(attrs[j, 1]) in need[1]
                for j in range(i + 1, end)
            ):
                continue  # the word every pattern needs later on is not within reach
            if windows and i <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], end)
            else:
                windows.append([i, end])
        hits: set[tuple[int, int, int]] = set()
        for a, b in windows:
            hits.update((match_id, a + s, a + e) for match_id, s, e in self.described(doc[a:b]))
        return sorted(hits, key=lambda h: (h[1], h[2], h[0]))

    def phrase_of(self, match: RawMatch) -> MethodPhrase:
        """The ``METHOD_PHRASES`` entry a ``described_methods`` hit came from."""
        return METHOD_PHRASES[int(match.skill_id.removeprefix(_PHRASE_LABEL))]


def _not_ml_model(doc: Doc, start: int, end: int) -> bool:
    """A model word in the hit follows a word that makes it a non-ML model ("operating
    model"), or is followed by "of" ("models of care")."""
    for i in range(start, end):
        if doc[i].lower_ not in MODEL_WORDS:
            continue
        if i > 0 and doc[i - 1].lower_ in NOT_ML_MODELS:
            return True
        if i + 1 < len(doc) and doc[i + 1].lower_ == "of":
            return True
    return False


def _inside_compound(doc: Doc, start: int) -> bool:
    """The hit starts after a hyphen or "pre"/"re": "pre-trained models" is not training."""
    if start == 0:
        return False
    before = doc[start - 1]
    return before.lower_ in ("pre", "re") or (
        before.text in ("-", "‐", "‑", "–") and before.idx + len(before) == doc[start].idx
    )


_PHRASE_LABEL = "method-phrase-"


def build_described(nlp: Language, taxonomy: Taxonomy) -> Matcher:
    """The token-pattern matcher for ``METHOD_PHRASES`` whose skills the taxonomy has (a hit's
    label is ``method-phrase-<index>``; ``SkillNLP.phrase_of`` maps it back to the entry)."""
    described = Matcher(nlp.vocab)
    for index, phrase in enumerate(METHOD_PHRASES):
        if phrase.skill_id is None or phrase.skill_id in taxonomy.skills:
            described.add(f"{_PHRASE_LABEL}{index}", [list(p) for p in phrase.patterns])
    return described


def _words(token: dict[str, Any]) -> list[str]:
    """The lower-case words a pattern token accepts (``LOWER`` value or ``IN`` list)."""
    lower = token.get("LOWER")
    if isinstance(lower, str):
        return [lower]
    if isinstance(lower, dict) and isinstance(lower.get("IN"), list):
        return [str(w) for w in lower["IN"]]
    raise ValueError(f"a described-method pattern must start with a LOWER word: {token}")


def _longest(pattern: Sequence[dict[str, Any]]) -> int:
    """The most tokens ``pattern`` can match ("{0,5}" counts 5, "?" counts 1)."""
    total = 0
    for token in pattern:
        op = str(token.get("OP", ""))
        if op.startswith("{"):
            total += int(op.strip("{}").split(",")[-1])
        elif op in ("*", "+"):
            raise ValueError("described-method patterns must be bounded (no * or +)")
        else:
            total += 1
    return total


def _first_words() -> dict[str, int]:
    """Every word a ``METHOD_PHRASES`` pattern can start with, and the most tokens a pattern
    starting with it can match (a hit lies in the window of that many tokens from its start)."""
    longest: dict[str, int] = {}
    for phrase in METHOD_PHRASES:
        for pattern in phrase.patterns:
            n = _longest(pattern)
            for word in _words(pattern[0]):
                longest[word] = max(longest.get(word, 0), n)
    return longest


def _next_words() -> dict[str, frozenset[tuple[str, str]]]:
    """First words whose every ``METHOD_PHRASES`` pattern goes on with a fixed, required
    second token, and the ``(attr, value)`` pairs it may be (see ``SkillNLP.described_next``)."""
    nexts: dict[str, set[tuple[str, str]] | None] = {}
    for phrase in METHOD_PHRASES:
        for pattern in phrase.patterns:
            allowed = _fixed(pattern[1]) if len(pattern) > 1 else None
            for word in _words(pattern[0]):
                if word in nexts and nexts[word] is None:
                    continue
                if allowed is None:
                    nexts[word] = None
                else:
                    nexts[word] = (nexts.get(word) or set()) | allowed
    return {w: frozenset(v) for w, v in nexts.items() if v is not None}


def _needed_words() -> dict[str, frozenset[tuple[str, str]]]:
    """First words whose every ``METHOD_PHRASES`` pattern has a required LOWER/ORTH token
    after the first, and the ``(attr, value)`` pairs of those tokens (the last one of each
    pattern): a window without any of them holds no hit starting at its first word."""
    needs: dict[str, set[tuple[str, str]] | None] = {}
    for phrase in METHOD_PHRASES:
        for pattern in phrase.patterns:
            required = [_fixed(t) for t in pattern[1:] if "OP" not in t]
            last = next((r for r in reversed(required) if r is not None), None)
            for word in _words(pattern[0]):
                if word in needs and needs[word] is None:
                    continue
                needs[word] = None if last is None else (needs.get(word) or set()) | last
    return {w: frozenset(v) for w, v in needs.items() if v is not None}


def _fixed(token: dict[str, Any]) -> set[tuple[str, str]] | None:
    """The ``(attr, value)`` pairs a required LOWER or ORTH pattern token accepts, or None
    when it is optional or tests anything else."""
    if len(token) != 1:
        return None
    ((attr, value),) = token.items()
    if attr not in ("LOWER", "ORTH"):
        return None
    if isinstance(value, str):
        return {(attr, value)}
    if isinstance(value, dict) and set(value) == {"IN"}:
        return {(attr, str(v)) for v in value["IN"]}
    return None


def guard_level(spelling: str, declared: GuardLevel) -> GuardLevel:
    """The guard a spelling needs: the taxonomy's, raised for short or common-word spellings."""
    key = normalize_name(spelling)
    if declared == "context":
        return "context"
    compact = key.replace(" ", "")
    if len(compact) <= 2 and " " not in key:
        return "context"
    if key in COMMON_WORDS or key in DEGREE_WORDS:
        return "context"
    return declared


def _spellings(name: str, aliases: Sequence[str]) -> list[str]:
    """The name, its aliases and their other written forms ("Chart.js" -> "ChartJS")."""
    seen: dict[str, None] = {}
    for spelling in (name, *aliases):
        spelling = spelling.strip()
        if spelling:
            seen.setdefault(spelling, None)
            for form in written_forms(spelling):
                seen.setdefault(form, None)
    return list(seen)


def build_nlp(taxonomy: Taxonomy, *, imported: bool = False) -> SkillNLP:
    """Build the blank English pipeline and the phrase matchers for every skill spelling.

    Args:
        taxonomy: the loaded taxonomy; every skill name and alias becomes a pattern.
        imported: also the imported technologies (O*NET and developer tools: ``skill.imported``).
    """
    nlp = spacy.blank("en")
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    orth = PhraseMatcher(nlp.vocab, attr="ORTH")
    cased = PhraseMatcher(nlp.vocab, attr="LOWER")
    guards: dict[tuple[str, str], GuardLevel] = {}
    short: set[str] = set()
    imported_ids: set[str] = set()
    for skill in sorted(taxonomy.skills.values(), key=lambda s: s.id):
        if skill.imported:
            if not imported:
                continue
            imported_ids.add(skill.id)
        lower_docs: list[Doc] = []
        orth_docs: list[Doc] = []
        cased_docs: list[Doc] = []
        for spelling in _spellings(skill.name, skill.aliases):
            declared = skill.guard
            if declared == "context" and spelling != skill.name:
                # The guard protects the ambiguous name ("Go"); an unambiguous alias ("Golang")
                # still gets the automatic guard if it is short or a common word.
                declared = "none"
            # An imported alias can need more than its name: "Delphi" of "Embarcadero Delphi".
            declared = skill.alias_guards.get(spelling, declared)
            level = guard_level(spelling, declared)
            doc = nlp.make_doc(spelling)
            if len(doc) == 0:
                continue
            if level == "none":
                lower_docs.append(doc)
            elif level == "case" and not spelling.islower():
                key = normalize_name(spelling)
                if skill.imported and _ACRONYM.match(spelling):
                    # An imported acronym counts only in capitals: "TIM" is a product, "Tim"
                    # a name ("case" would accept any capitalisation but all-lowercase).
                    orth_docs.append(doc)
                    guards[(skill.id, doc.text)] = "case"
                else:
                    cased_docs.append(doc)
                if len(key.replace(" ", "")) < 8 or key in COMMON_WORDS:
                    short.add(key)
                if _TOKENISH.match(spelling):
                    vdoc = nlp.make_doc(spelling.lower())
                    orth_docs.append(vdoc)  # lowercase: a list item or beside a skill
                    guards.setdefault((skill.id, vdoc.text), "lower")
            else:
                orth_docs.append(doc)
                guards[(skill.id, doc.text)] = level
                key = normalize_name(spelling)
                short.add(key)
                # A capitalised copy of a lowercase guarded alias ("torch" → "Torch") so a
                # bullet or list item that starts with it is still found.
                variants = []
                if _TOKENISH.match(spelling) and spelling.islower():
                    variants.append(spelling[:1].upper() + spelling[1:])
                if (
                    _TOKENISH.match(spelling)
                    and len(spelling) >= 3
                    and not spelling.isupper()
                    and not skill.imported  # "ADA" is a law, not the Ada language
                ):
                    variants.append(spelling.upper())  # "JAVA", "EXCEL" in a skills list
                for variant in variants:
                    vdoc = nlp.make_doc(variant)
                    orth_docs.append(vdoc)
                    guards[(skill.id, vdoc.text)] = level
                # A lowercase copy: "bash", "spark" beside another skill, "go", "r" only as a
                # whole list item. A developer tool named by an English word is a brand
                # written capitalised: "render", "spanner" in lowercase are the words.
                if (
                    _TOKENISH.match(spelling)
                    and not spelling.islower()
                    and not (skill.origin == "devtools" and spelling[1:].islower())
                ):
                    vdoc = nlp.make_doc(spelling.lower())
                    if (skill.id, vdoc.text) not in guards:
                        orth_docs.append(vdoc)
                        enumerable = len(spelling) >= 4 and not skill.imported
                        guards[(skill.id, vdoc.text)] = "lower" if enumerable else "list"
        if lower_docs:
            lower.add(skill.id, lower_docs)
        if orth_docs:
            orth.add(skill.id, orth_docs)
        if cased_docs:
            cased.add(skill.id, cased_docs)
    included = [s for s in taxonomy.skills.values() if not s.imported or s.id in imported_ids]
    scoped, vendors = vendor_scoped(included)
    return SkillNLP(
        scoped=scoped,
        vendors=vendors,
        nlp=nlp,
        lower=lower,
        orth=orth,
        cased=cased,
        guards=guards,
        short_names=frozenset(short),
        imported=frozenset(imported_ids),
        described=build_described(nlp, taxonomy),
        described_first=_first_words(),
        described_next=_next_words(),
        described_needs=_needed_words(),
    )


def vendor_scoped(
    skills: Sequence[Skill],
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Bare product names by platform, derived from vendor-prefixed names: a skill spelled
    "<platform> <product>", where the platform is a platform skill that others sit under (AWS,
    Microsoft Azure, Google Cloud Platform), gives "<product>" under that platform ("Lambda" for
    AWS Lambda, "S3" for Amazon S3 under AWS, "Functions" for Azure Functions). A bare name two
    skills share under one platform is left out. Also returns the platforms' spellings."""
    by_id = {s.id: s for s in skills}
    parents = {s.parent for s in skills if s.parent}
    vendors: dict[str, str] = {}
    for skill in skills:
        if skill.category == "platform" and skill.id in parents:
            for spelling in (skill.name, *skill.aliases):
                vendors.setdefault(normalize_name(spelling), skill.id)
    out: dict[str, dict[str, str]] = {}
    shared: set[tuple[str, str]] = set()
    for skill in sorted(skills, key=lambda s: s.id):
        for spelling in (skill.name, *skill.aliases):
            words = spelling.split()
            for k in range(len(words) - 1, 0, -1):
                vendor = vendors.get(normalize_name(" ".join(words[:k])))
                if vendor is None or vendor == skill.id or vendor not in by_id:
                    continue
                rest = normalize_name(" ".join(words[k:]))
                if len(rest.replace(" ", "")) >= 2:
                    owner = out.setdefault(vendor, {}).setdefault(rest, skill.id)
                    if owner != skill.id:
                        shared.add((vendor, rest))
                break
    for vendor, rest in shared:
        out[vendor].pop(rest, None)
    return out, {k: v for k, v in vendors.items() if v in out}


def span_text(doc: Doc, start: int, end: int) -> str:
    """The text of tokens ``start:end``."""
    span: Span = doc[start:end]
    return span.text
