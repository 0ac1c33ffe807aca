"""Regenerate the imported technology vocabulary: ``python -m taxonomy.build``.

Two steps, both deterministic (same input bytes, same output bytes):

``python -m taxonomy.build``
    Reads the committed O*NET subset (``taxonomy/sources/onet/*.tsv``) and the hand-written
    ``data/skills.toml``, and writes ``data/vocabulary.json``: the O*NET technology examples as
    skills (``origin = "onet"``) plus the examples that name an existing skill, recorded as a
    mapping onto it (aliases and extra sources, never a second skill). ``--check`` compares
    instead of writing and exits 1 when the committed file is stale.

``python -m taxonomy.build subset DIR --repository R --commit C --path P``
    Re-extracts the subset from an O*NET text release in ``DIR`` (``Technology Skills.txt``,
    ``Task Statements.txt``, ``Occupation Data.txt``, ``Sample of Reported Titles.txt``,
    ``Read Me.txt``) and rewrites
    ``sources/onet/MANIFEST.toml`` (origin, version, licence, sha256 of every file).

``python -m taxonomy.build words DICT --package P --version V``
    Re-extracts ``sources/words/english_words.tsv`` from a plain word list (one word a line:
    Debian's ``wamerican``, i.e. SCOWL, ``/usr/share/dict/american-english``): the dictionary
    entries among the words of the O*NET examples and their two-word compounds, which the
    guard rule reads, and rewrites ``sources/words/MANIFEST.toml``.

The rules that turn an O*NET example into a skill (vendor prefixes, acronyms, generic
descriptions, categories, guards) are documented in taxonomy/README.md and below.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taxonomy import DATA_DIR, SOURCES_DIR, normalize_name
from taxonomy.lexicon import (
    _GUARD_RANK,
    CONSUMER_SITES,
    VENDORS,
    Lexicon,
    _dedupe,
    _hand_index,
    _read_tsv,
    _write_tsv,
    guard_for,
    load_common_words,
    load_lexicon,
    sha256,
    slug,
)

__all__ = [
    "ONET_DIR",
    "VOCABULARY_FILE",
    "WORDS_DIR",
    "Lexicon",
    "build_vocabulary",
    "extract_subset",
    "extract_words",
    "guard_for",
    "load_common_words",
    "load_lexicon",
    "main",
    "render_vocabulary",
    "spellings",
]

ONET_DIR = SOURCES_DIR / "onet"
VOCABULARY_FILE = DATA_DIR / "vocabulary.json"
TECH_FILE = "onet/technology_skills.tsv"
TASK_FILE = "onet/task_statements.tsv"
OCCUPATION_FILE = "onet/occupations.tsv"
WORDS_DIR = SOURCES_DIR / "words"

# The subset: O*NET-SOC major group 15, "Computer and Mathematical Occupations".
MAJOR_GROUP = "15-"
# The occupations rolefit's roles cite, in the order their rows are preferred as sources.
PREFERRED_OCCUPATIONS = (
    "15-1252.00",  # Software Developers
    "15-2051.00",  # Data Scientists
    "15-1221.00",  # Computer and Information Research Scientists
    "15-1253.00",  # Software Quality Assurance Analysts and Testers
    "15-1254.00",  # Web Developers
)
MAX_SOURCES = 3  # O*NET rows quoted per imported skill (the example's other rows add nothing)

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "U.S. Department of Labor, Employment and Training Administration (USDOL/ETA)"

# Commodity titles whose products say nothing about fit for rolefit's roles (browsers, mail,
# chat, schooling, clinics, payroll...). An example also listed under a kept title is kept.
EXCLUDED_COMMODITIES = frozenset(
    {
        "Accounting software",
        "Calendar and scheduling software",
        "Categorization or classification software",
        "Computer based training software",
        "Desktop communications software",
        "Electronic mail software",
        "Helpdesk or call center software",
        "Human resources software",
        "Instant messaging software",
        "Interactive voice response software",
        "Internet browser software",
        "Medical software",
        "Multi-media educational software",
        "Music or sound editing software",
        "Network conferencing software",
        "Point of sale POS software",
        "Video conferencing software",
    }
)


# Commodity title -> category of the existing scheme; titles not listed are "tool".
# When an example has several titles the first category in CATEGORY_PRIORITY wins.
COMMODITY_CATEGORY = {
    "Data base management system software": "datastore",
    "Object oriented data base management software": "datastore",
    "Data base user interface and query software": "datastore",
    "Web platform development software": "library",
    "Object or component oriented development software": "library",
    "Graphical user interface development software": "library",
    "Operating system software": "platform",
    "Network operation system software": "platform",
    "Cloud-based management software": "platform",
    "Cloud-based data access and sharing software": "platform",
    "Cloud-based protection or security software": "platform",
    "Application server software": "platform",
    "Transaction server software": "platform",
    "Portal server software": "platform",
    "Clustering software": "platform",
    "Storage networking software": "platform",
    "Enterprise application integration software": "platform",
    "Enterprise resource planning ERP software": "platform",
    "Customer relationship management CRM software": "platform",
}
CATEGORY_PRIORITY = ("language", "datastore", "platform", "library", "tool")

_VENDOR_ORDER = sorted(VENDORS, key=lambda v: (-len(v), v))
# How people shorten a vendor in front of a product ("MS Project", "MS Access").
VENDOR_SHORT = {"Microsoft": "MS"}


_ACRONYM = re.compile(r"^\(?([A-Z][A-Za-z0-9]*[A-Z0-9])\)?$")
_SOFTWARE = re.compile(r"\s+software$")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


# ----------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Spellings:
    """How one O*NET example is written by people: its name, other names, and why."""

    example: str
    name: str
    aliases: tuple[str, ...]
    alias_guards: dict[str, str]  # aliases that need a stricter guard than the name
    candidates: tuple[str, ...]  # every form, for matching onto existing skills
    generic: bool  # a description of a kind of software, not a product ("Backup software")


def _initials(words: Sequence[str]) -> str:
    """First letters of the words and of their inner capitals: "JavaServer Pages" -> "jsp"."""
    out: list[str] = []
    for part in words:
        for w in re.split(r"[-/]", part):
            out.extend(h[0].lower() for h in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", w))
    return "".join(out)


def _common_subsequence(a: str, b: str) -> int:
    """Length of the longest common subsequence of two short strings."""
    row = [0] * (len(b) + 1)
    for ch in a:
        prev = 0
        for j, other in enumerate(b, 1):
            prev, row[j] = row[j], prev + 1 if ch == other else max(row[j], row[j - 1])
    return row[-1]


def _is_acronym_of(acronym: str, words: Sequence[str]) -> bool:
    """Whether ``acronym`` abbreviates the words it follows: its letters in order, and at least
    two of them (one if it starts with the first word's initial, or has one letter, or follows
    one word) the initials of those words. "XML" abbreviates
    "Extensible markup language", "RMAN" "Recovery Manager"; "API" does not abbreviate "Java
    Persistence" (its initials are "jp")."""
    letters = [ch for ch in acronym.lower() if ch.isalpha()]
    initials = _initials(words)
    if not letters or not initials:
        return False
    enough = min(2, len(letters), len(initials))
    if letters[0] == initials[0]:  # "MDX": Multidimensional Expressions
        enough = 1
    if _common_subsequence("".join(letters), initials) < enough:
        return False
    text = " ".join(words).lower()
    pos = 0
    for ch in letters:
        pos = text.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def spellings(example: str, common: frozenset[str] | Lexicon) -> Spellings:
    """Split an O*NET example into vendor, product and acronym; choose the name people write.

    "Amazon Web Services AWS Lambda" -> "AWS Lambda" ("Lambda" only if its guard allows);
    "Amazon Simple Storage Service S3" -> "Amazon S3"; "Apache Subversion SVN" -> "SVN";
    "Microsoft Visio" -> "Visio"; "Microsoft Word" stays "Microsoft Word" (Word is a word).
    """
    lexicon = common if isinstance(common, Lexicon) else Lexicon(common)
    words_common = lexicon.common
    full = " ".join(example.split())
    text = _SOFTWARE.sub("", full)  # "Salesforce software" -> "Salesforce"
    vendor = ""
    display = ""
    rest = text
    for prefix in _VENDOR_ORDER:
        if text == prefix or text.startswith(prefix + " "):
            vendor, display, rest = prefix, VENDORS[prefix], text[len(prefix) :].strip()
            break
    words = rest.split()
    acronym = ""
    if len(words) >= 2:
        m = _ACRONYM.match(words[-1])
        if (
            m
            and sum(ch.isupper() or ch.isdigit() for ch in m.group(1)) >= 2
            and _is_acronym_of(m.group(1), words[:-1])
        ):
            acronym = m.group(1)
            words = words[:-1]
    core = " ".join(words)
    first = normalize_name(words[0]) if words else ""
    lower_tail = all(w.islower() or not w.isalpha() for w in words[1:])
    generic = (
        not vendor
        and bool(core)
        and lower_tail
        # "Access management", "Agronomic modeling", "Diagramming", "Compilers"
        and (len(words) >= 2 or first in words_common or first.rstrip("s") in words_common
             or (text != full and first.endswith("ing")))
    )  # fmt: skip
    display_core = f"{display} {core}".strip() if display else core
    display_acronym = f"{display} {acronym}" if display and acronym else ""

    if display == "AWS":
        name = f"AWS {acronym or core}".strip()
    elif acronym and len(acronym) >= 3:
        name = acronym
    elif acronym:
        name = display_acronym or acronym
    elif not core:
        name = display or text
    elif vendor and guard_for(core, lexicon) != "context":
        name = core
    else:
        name = display_core if vendor else core
    level = _GUARD_RANK[guard_for(name, lexicon)]
    forms = [full, text, display_core, display_acronym, core, acronym]
    if vendor and display != vendor:
        forms.append(f"{vendor} {core}".strip())
    if vendor in VENDOR_SHORT and core:
        forms.append(f"{VENDOR_SHORT[vendor]} {core}")
    forms = _dedupe(forms)
    # A form that needs a stricter guard than the name ("Delphi" of "Embarcadero Delphi",
    # "Lambda" of "AWS Lambda") keeps that guard for itself (``alias_guards``); forms of two
    # characters or fewer ("S3", "Go") and everyday words ("Access", "Reports") are left out.
    aliases: list[str] = []
    strict: dict[str, str] = {}
    for f in forms:
        if normalize_name(f) == normalize_name(name):
            continue
        guard = guard_for(f, lexicon)
        if _GUARD_RANK[guard] > level:
            key = normalize_name(f)
            if len(key.replace(" ", "")) <= 2 or (" " not in key and lexicon.everyday(key)):
                continue  # "Access" of "Microsoft Access", "Reports" of "Oracle Reports"
            strict[f] = guard
        aliases.append(f)
    # merge-only forms: "Jenkins CI" is Jenkins, "Eclipse IDE" is Eclipse
    bare = re.sub(r"\s+(?:[A-Z]{2,3}|Framework|framework)$", "", core)
    return Spellings(
        example=example,
        name=name,
        aliases=tuple(aliases),
        alias_guards=strict,
        candidates=tuple(_dedupe([name, *forms, bare])),
        generic=generic,
    )


def read_manifest(onet_dir: Path = ONET_DIR) -> dict[str, Any]:
    with (onet_dir / "MANIFEST.toml").open("rb") as fh:
        return tomllib.load(fh)


# ----------------------------------------------------------------------------- subset


SUBSET_COLUMNS = {
    "technology_skills.tsv": (
        "Technology Skills.txt",
        ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title", "Hot Technology",
         "In Demand"],
    ),
    "task_statements.tsv": (
        "Task Statements.txt",
        ["O*NET-SOC Code", "Task ID", "Task", "Task Type", "Date"],
    ),
    "occupations.tsv": ("Occupation Data.txt", ["O*NET-SOC Code", "Title", "Description"]),
}  # fmt: skip


# All occupations' titles as people report them (the one file not cut to group 15).
REPORTED_TITLES_FILE = "reported_titles.tsv"
REPORTED_TITLES = (
    "Sample of Reported Titles.txt",
    ["O*NET-SOC Code", "Title", "Reported Job Title"],
)


def _release(onet_dir: Path) -> tuple[str, str]:
    """("O*NET 29.3 Database", "May 2025 Release") from the release's ``Read Me.txt``."""
    lines = [ln.strip() for ln in (onet_dir / "Read Me.txt").read_text().splitlines() if ln.strip()]
    return lines[0], lines[1]


def _common_words(onet_dir: Path) -> list[tuple[str, int]]:
    """Lowercase words of every task statement and occupation description (all occupations)."""
    counts: Counter[str] = Counter()
    for name, column in (("Task Statements.txt", "Task"), ("Occupation Data.txt", "Description")):
        for row in _read_tsv(onet_dir / name):
            counts.update(_WORD.findall(row[column]))
    return sorted((w, n) for w, n in counts.items() if n >= 2 and len(w) >= 2)


def extract_subset(onet_dir: Path, out_dir: Path, origin: dict[str, str]) -> None:
    """Write the subset rolefit uses and its manifest from an O*NET text release."""
    out_dir.mkdir(parents=True, exist_ok=True)
    originals: dict[str, str] = {}
    subsets: list[tuple[str, str, int, list[str]]] = []
    for out_name, (src_name, columns) in SUBSET_COLUMNS.items():
        rows = _read_tsv(onet_dir / src_name)
        originals[src_name] = sha256(onet_dir / src_name)
        kept = [
            [r[c] for c in columns] for r in rows if r["O*NET-SOC Code"].startswith(MAJOR_GROUP)
        ]
        _write_tsv(out_dir / out_name, columns, kept)
        subsets.append((out_name, src_name, len(kept), columns))
    # every occupation's reported job titles (not only group 15): they say when a resume's or
    # a posting's own title is an occupation outside computing ("Registered Nurse")
    src_name, columns = REPORTED_TITLES
    rows = _read_tsv(onet_dir / src_name)
    originals[src_name] = sha256(onet_dir / src_name)
    kept = [[r[c] for c in columns] for r in rows]
    _write_tsv(out_dir / REPORTED_TITLES_FILE, columns, kept)
    subsets.append((REPORTED_TITLES_FILE, src_name, len(kept), columns))
    words = _common_words(onet_dir)
    _write_tsv(out_dir / "common_words.tsv", ["Word", "Count"], [(w, str(n)) for w, n in words])
    originals["Read Me.txt"] = sha256(onet_dir / "Read Me.txt")
    version, release = _release(onet_dir)
    lines = [
        "# Generated by `python -m taxonomy.build subset`; see taxonomy/README.md.",
        "[source]",
        f'name = "{version}"',
        f'release = "{release}"',
        f'publisher = "{PUBLISHER}"',
        'homepage = "https://www.onetcenter.org/database.html"',
        f'licence = "{LICENCE}"',
        f'licence_url = "{LICENCE_URL}"',
        f'attribution = "{version.replace(" Database", "")} Database by the {PUBLISHER}. '
        f'Used under the {LICENCE} license. Subset and names modified by rolefit."',
        f'repository = "{origin["repository"]}"',
        f'commit = "{origin["commit"]}"',
        f'path = "{origin["path"]}"',
        f'selection = "rows of O*NET-SOC major group {MAJOR_GROUP}0000 '
        "(Computer and Mathematical Occupations); reported job titles of every occupation "
        f'({REPORTED_TITLES_FILE})"',
        'rebuild = "python -m taxonomy.build subset DIR --repository '
        f'{origin["repository"]} --commit {origin["commit"]} --path {origin["path"]}"',
        "",
    ]
    for src_name in sorted(originals):
        lines += ["[[original]]", f'file = "{src_name}"', f'sha256 = "{originals[src_name]}"', ""]
    for out_name, src_name, count, columns in subsets:
        lines += [
            "[[subset]]",
            f'file = "{out_name}"',
            f'from = "{src_name}"',
            "columns = [" + ", ".join(json.dumps(c) for c in columns) + "]",
            f"rows = {count}",
            f'sha256 = "{sha256(out_dir / out_name)}"',
            "",
        ]
    lines += [
        "[[subset]]",
        'file = "common_words.tsv"',
        'from = "Task Statements.txt, Occupation Data.txt"',
        'columns = ["Word", "Count"]',
        f"rows = {len(words)}",
        f'sha256 = "{sha256(out_dir / "common_words.tsv")}"',
        "",
    ]
    (out_dir / "MANIFEST.toml").write_text("\n".join(lines), encoding="utf-8")


# ----------------------------------------------------------------------------- words

_LETTERS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def extract_words(dictionary: Path, out_dir: Path, origin: dict[str, str]) -> None:
    """Write ``english_words.tsv`` (Word, Kind = word | name) and its manifest: the entries of
    ``dictionary`` (one word a line) that are a word of an O*NET example or of a developer-tools
    name in the subsets, or one half of a two-word compound that is ("chatbot" -> "chat",
    "bot")."""
    entries = [
        ln.strip()
        for ln in dictionary.read_text(encoding="utf-8").splitlines()
        if ln.strip() and "'" not in ln
    ]
    lower = {w for w in entries if w.islower()}
    proper = {w.lower() for w in entries if w[:1].isupper() and w[1:].islower()} - lower
    from taxonomy.devtools import devtools_names

    tokens: set[str] = set()
    names = [row["Example"] for row in _read_tsv(ONET_DIR.parent / TECH_FILE)]
    for example in [*names, *devtools_names(ONET_DIR.parent)]:
        for word in re.findall(r"[A-Za-z]+", example):
            tokens.add(word.lower())
            tokens.update(part.lower() for part in _LETTERS.findall(word))
    kept: dict[str, str] = {}
    for token in sorted(tokens):
        if token in lower:
            kept[token] = "word"
        elif token in proper:
            kept[token] = "name"
        for i in range(3, len(token) - 2):
            if token[:i] in lower and token[i:] in lower:
                kept.setdefault(token[:i], "word")
                kept.setdefault(token[i:], "word")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "english_words.tsv"
    _write_tsv(path, ["Word", "Kind"], sorted(kept.items()))
    lines = [
        "# Generated by `python -m taxonomy.build words`; see taxonomy/README.md.",
        "[source]",
        'name = "SCOWL (Spell Checker Oriented Word Lists), american-english"',
        f'package = "{origin["package"]}"',
        f'version = "{origin["version"]}"',
        'homepage = "http://wordlist.aspell.net/"',
        'licence = "SCOWL licence (permissive, with notice): see COPYRIGHT beside this file"',
        f'file = "{dictionary.name}"',
        f'sha256 = "{sha256(dictionary)}"',
        'selection = "entries equal (case-insensitively) to a word of an O*NET example in '
        "onet/technology_skills.tsv or of a name in devtools/*.tsv, or to one half of a "
        "two-word compound that is; Kind = "
        'name when the dictionary writes it only capitalised"',
        f'rebuild = "python -m taxonomy.build words {dictionary} --package {origin["package"]} '
        f'--version {origin["version"]}"',
        "",
        "[[subset]]",
        'file = "english_words.tsv"',
        'columns = ["Word", "Kind"]',
        f"rows = {len(kept)}",
        f'sha256 = "{sha256(path)}"',
        "",
    ]
    (out_dir / "MANIFEST.toml").write_text("\n".join(lines), encoding="utf-8")


# ----------------------------------------------------------------------------- vocabulary


@dataclass
class _Entry:
    """One imported skill (or mapping onto a hand skill) while it is being built."""

    key: str
    name: str
    categories: set[str] = field(default_factory=set)
    commodities: set[str] = field(default_factory=set)
    aliases: list[str] = field(default_factory=list)
    hot: bool = False
    in_demand: bool = False
    rows: list[tuple[str, str]] = field(default_factory=list)  # (O*NET-SOC code, example)


def _category(example: str, commodities: Iterable[str]) -> str:
    low = example.lower()
    if "language" in low or low.endswith(" shell") or "script" in low.split():
        return "language"
    if low.startswith(("amazon ", "microsoft azure", "google cloud", "oracle cloud")):
        return "platform"
    cats = {COMMODITY_CATEGORY.get(c, "tool") for c in commodities}
    return next(c for c in CATEGORY_PRIORITY if c in cats)


def _sources(rows: list[tuple[str, str]]) -> list[dict[str, str]]:
    """At most MAX_SOURCES rows, rolefit's occupations first, then by O*NET-SOC code."""
    order = {code: i for i, code in enumerate(PREFERRED_OCCUPATIONS)}
    ranked = sorted(set(rows), key=lambda r: (order.get(r[0], len(order)), r[0], r[1]))
    picked: list[tuple[str, str]] = []
    examples_seen: set[str] = set()
    for code, example in ranked:  # one row per distinct example first
        if example not in examples_seen:
            picked.append((code, example))
            examples_seen.add(example)
    for row in ranked:
        if len(picked) >= MAX_SOURCES:
            break
        if row not in picked:
            picked.append(row)
    return [{"file": TECH_FILE, "record": f"{c}\t{e}", "sentence": e} for c, e in picked]


def build_vocabulary(sources_dir: Path = SOURCES_DIR, data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """The generated vocabulary document (see the module docstring)."""
    common = load_lexicon(sources_dir)
    rows = _read_tsv(sources_dir / TECH_FILE)
    manifest = read_manifest(sources_dir / "onet")
    hand_index, hand_exact, hand_ids = _hand_index(data_dir)

    by_example: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_example[row["Example"]].append(row)

    stats: Counter[str] = Counter()
    merged: dict[str, _Entry] = {}
    new: dict[str, _Entry] = {}
    for example in sorted(by_example, key=lambda e: (e.casefold(), e)):
        ex_rows = by_example[example]
        commodities = {r["Commodity Title"] for r in ex_rows}
        kept = commodities - EXCLUDED_COMMODITIES
        hot = any(r["Hot Technology"] == "Y" for r in ex_rows)
        in_demand = any(r["In Demand"] == "Y" for r in ex_rows)
        if not kept:
            stats["skipped: excluded commodity"] += 1
            continue
        if example in CONSUMER_SITES:
            stats["skipped: consumer website"] += 1
            continue
        sp = spellings(example, common)
        target = None
        for cand in sp.candidates:
            skill_id = hand_index.get(normalize_name(cand))
            if skill_id is None:
                continue
            # an ordinary-word form ("Java" of "Oracle Java") maps only when spelled exactly so
            if guard_for(cand, common) == "context" and cand not in hand_exact[skill_id]:
                continue
            target = skill_id
            break
        if target is None and sp.generic and not hot:
            stats["skipped: generic description"] += 1
            continue
        if target is not None:
            entry = merged.setdefault(target, _Entry(key=target, name=target))
            stats["merged onto an existing skill"] += 1
            # only forms as safe as the skill's own spellings ("Word" of "Microsoft Word" is not)
            entry.aliases.extend(
                c for c in (example, *sp.aliases) if c and c not in sp.alias_guards
            )
        else:
            key = normalize_name(sp.name)
            entry = new.setdefault(key, _Entry(key=key, name=sp.name))
            entry.aliases.extend(sp.aliases)
            entry.categories.add(_category(example, kept))
        entry.commodities |= kept
        entry.hot |= hot
        entry.in_demand |= in_demand
        entry.rows.extend(
            (r["O*NET-SOC Code"], example) for r in ex_rows if r["Commodity Title"] in kept
        )

    # every spelling has one owner: hand skills first, then imported names, then their aliases
    owner: dict[str, str] = dict(hand_index)
    used_ids = set(hand_ids)
    ids: dict[str, str] = {}
    for key in sorted(new):
        if key in owner:  # cannot happen: a name found in the hand index was merged
            continue
        skill_id = slug(new[key].name)
        if skill_id in used_ids:
            skill_id = f"{skill_id}-onet"
        used_ids.add(skill_id)
        owner[key] = ids[key] = skill_id
    skills_out: list[dict[str, Any]] = []
    for key in sorted(ids):
        entry, skill_id = new[key], ids[key]
        aliases = []
        for alias in _dedupe(entry.aliases):
            k = normalize_name(alias)
            if k == key or owner.get(k, skill_id) != skill_id:
                continue
            owner[k] = skill_id
            aliases.append(alias)
        category = next(c for c in CATEGORY_PRIORITY if c in entry.categories)
        guard = guard_for(entry.name, common)
        alias_guards = {
            a: g for a in aliases if _GUARD_RANK[g := guard_for(a, common)] > _GUARD_RANK[guard]
        }
        record: dict[str, Any] = {
            "id": skill_id,
            "name": entry.name,
            "category": category,
            "aliases": aliases,
            "guard": guard,
        }
        if alias_guards:
            record["alias_guards"] = alias_guards
        skills_out.append(
            record
            | {
                "origin": "onet",
                "hot": entry.hot,
                "in_demand": entry.in_demand,
                "commodities": sorted(entry.commodities),
                "sources": _sources(entry.rows),
            }
        )
    merged_out: list[dict[str, Any]] = []
    for skill_id in sorted(merged):
        entry = merged[skill_id]
        aliases = []
        for alias in _dedupe(entry.aliases):
            k = normalize_name(alias)
            if k in owner:  # already a spelling of this skill, or of another one
                continue
            owner[k] = skill_id
            aliases.append(alias)
        merged_out.append(
            {
                "skill": skill_id,
                "aliases": aliases,
                "hot": entry.hot,
                "in_demand": entry.in_demand,
                "commodities": sorted(entry.commodities),
                "sources": _sources(entry.rows),
            }
        )
    source = manifest["source"]
    return {
        "about": "Generated by `python -m taxonomy.build` from taxonomy/sources/onet/; "
        "do not edit by hand (see taxonomy/README.md).",
        "source": {
            "name": source["name"],
            "release": source["release"],
            "licence": source["licence"],
            "attribution": source["attribution"],
            "technology_skills_sha256": sha256(sources_dir / TECH_FILE),
        },
        "counts": dict(sorted(stats.items()))
        | {"imported skills": len(skills_out), "mapped onto existing skills": len(merged_out)},
        "skills": skills_out,
        "merged": merged_out,
    }


def render_vocabulary(doc: dict[str, Any]) -> bytes:
    """Stable JSON: top-level keys in order, one skill or mapping per line."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        value = doc[key]
        if isinstance(value, list):
            body = ",\n".join(dumps(item) for item in value)
            parts.append(f"{dumps(key)}:[\n{body}\n]{comma}")
        else:
            parts.append(f"{dumps(key)}:{dumps(value)}{comma}")
    parts.append("}")
    return ("\n".join(parts) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m taxonomy.build", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--output", type=Path, default=VOCABULARY_FILE)
    subset = sub.add_parser("subset", help="re-extract sources/onet/ from an O*NET release")
    subset.add_argument("onet_dir", type=Path, help="directory of the O*NET text files")
    subset.add_argument("--repository", required=True)
    subset.add_argument("--commit", required=True)
    subset.add_argument("--path", required=True)
    dev = sub.add_parser(
        "devtools-subset", help="re-extract sources/devtools/ from git mirrors of its sources"
    )
    dev.add_argument("--mirrors", type=Path, required=True, help="owner+name/repo git dirs")
    words = sub.add_parser("words", help="re-extract sources/words/ from a dictionary file")
    words.add_argument("dictionary", type=Path, help="one word a line (american-english)")
    words.add_argument("--package", required=True, help="where it came from (wamerican)")
    words.add_argument("--version", required=True, help="the package's version")
    args = parser.parse_args(argv)
    if args.command == "subset":
        origin = {"repository": args.repository, "commit": args.commit, "path": args.path}
        extract_subset(args.onet_dir, ONET_DIR, origin)
        sys.stdout.write(f"wrote {ONET_DIR}\n")
    if args.command == "devtools-subset":
        from taxonomy.devtools import DEVTOOLS_DIR, extract_devtools

        counts = extract_devtools(args.mirrors)
        sys.stdout.write(f"wrote {DEVTOOLS_DIR} {counts}\n")
    if args.command == "words":
        extract_words(
            args.dictionary, WORDS_DIR, {"package": args.package, "version": args.version}
        )
        sys.stdout.write(f"wrote {WORDS_DIR}\n")
    from taxonomy.devtools import DEVTOOLS_FILE, build_devtools

    vocabulary = build_vocabulary()
    outputs: list[tuple[Path, bytes]] = [(args.output, render_vocabulary(vocabulary))]
    if args.output == VOCABULARY_FILE:  # the developer tools merge onto the packaged data
        outputs.append((DEVTOOLS_FILE, render_vocabulary(build_devtools(vocabulary))))
    stale = 0
    for output, data in outputs:
        if args.check:
            if not output.is_file() or output.read_bytes() != data:
                sys.stderr.write(f"{output} is stale: run python -m taxonomy.build\n")
                stale = 1
            else:
                sys.stdout.write(f"{output} is up to date\n")
            continue
        output.write_bytes(data)
        sys.stdout.write(f"wrote {output} ({len(data)} bytes)\n")
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
