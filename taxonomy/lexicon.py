"""What the generated vocabularies share: the English a name must not be mistaken for, the
guard rule, vendor and consumer-site names, ids, the hand-written index and TSV files.

``taxonomy.build`` (O*NET) and ``taxonomy.devtools`` (developer tools) both apply these rules,
so a name gets the same guard whichever source it came from.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from taxonomy import SOURCES_DIR, normalize_name

WORDS_FILE = "onet/common_words.tsv"
ENGLISH_FILE = "words/english_words.tsv"

# Websites people use, link to or work for rather than software they are skilled in; O*NET
# lists them as "web page creation" tools. A resume names them as profile links or employers.
CONSUMER_SITES = frozenset(
    {"Facebook", "Instagram", "LinkedIn", "Pinterest", "Reddit", "Shazam", "Snapchat", "TikTok",
     "Twitter", "WhatsApp", "YouTube"}
)  # fmt: skip


# Vendor prefixes as O*NET writes them -> the prefix people write ("" = none). Longest first.
# Only companies whose name is not part of what people call the product are listed: "Apache
# Kafka" is "Kafka", "Microsoft Visio" is "Visio", but "Red Hat Enterprise Linux" or "SAS
# Enterprise Miner" keep their first word.
VENDORS = {
    "Amazon Web Services AWS": "AWS",
    "Amazon Web Services": "AWS",
    "Amazon": "Amazon",
    "Apache": "Apache",
    "Apple": "Apple",
    "Atlassian": "Atlassian",
    "Adobe": "Adobe",
    "Autodesk": "Autodesk",
    "Balsamiq Studios": "Balsamiq",
    "Bentley": "Bentley",
    "BMC Software": "BMC",
    "Borland": "Borland",
    "Cisco Systems": "Cisco",
    "Computer Associates": "CA",
    "Corel": "Corel",
    "Dassault Systemes": "Dassault",
    "PTC": "PTC",
    "Embarcadero": "Embarcadero",
    "ESRI": "Esri",
    "Google": "Google",
    "Guidance Software": "Guidance",
    "Hewlett Packard": "HP",
    "Hewlett-Packard": "HP",
    "IBM": "IBM",
    "Ipswitch": "Ipswitch",
    "JetBrains": "JetBrains",
    "Micro Focus": "Micro Focus",
    "Microsoft": "Microsoft",
    "Mozilla": "Mozilla",
    "National Instruments": "NI",
    "Novell": "Novell",
    "NVIDIA": "NVIDIA",
    "Oracle": "Oracle",
    "Quest Software": "Quest",
    "Siemens": "Siemens",
    "StataCorp": "StataCorp",
    "Sun Microsystems": "Sun",
    "Sybase": "Sybase",
    "Trimble": "Trimble",
    "The MathWorks": "MathWorks",
    "Wolfram Research": "Wolfram",
}


# Words that are ordinary English in resumes although missing from the O*NET word list
# (names of letters, animals, everyday nouns that products took). Extend with a reason.
EXTRA_COMMON_WORDS = frozenset(
    {
        # letters, animals, foods and everyday nouns that products are named after
        "lambda", "sigma", "delta", "chef", "puppet", "salt", "hive", "pig", "ant", "bamboo",
        "jasmine", "mocha", "karma", "storm", "beam", "helm", "vault", "nomad", "ember",
        "backbone", "meteor", "unity", "blender", "sketch", "canvas", "dash", "shiny", "fabric",
        "glue", "aurora", "pulse", "cucumber", "mercury", "apex", "oxygen", "elixir", "tomcat",
        "jetty", "struts", "compass", "sonar", "nexus", "prism", "spark", "swift", "rust", "ruby",
        "crystal", "julia", "scheme", "express", "flask", "spring", "bottle", "pyramid",
        # office and computing words that O*NET's tasks seldom write in lowercase
        "word", "access", "outlook", "teams", "project", "notes", "slack", "excel", "windows",
        "office", "dynamics", "oracle", "sentinel", "defender", "visual", "basic", "studio",
        "server", "database", "cloud", "suite", "enterprise", "platform", "framework", "engine",
        "designer", "developer", "explorer", "navigator", "connect", "direct", "fusion", "edge",
        "prime", "pro", "works", "go", "angular", "ionic", "lisp", "forth", "logo", "clean",
    }
)  # fmt: skip


# ----------------------------------------------------------------------------- words and guards


def load_common_words(sources_dir: Path = SOURCES_DIR) -> frozenset[str]:
    """Ordinary English words: spaCy's stop words, the O*NET word list, the English words of
    the dictionary subset and the extras above.

    The O*NET list (``sources/onet/common_words.tsv``) holds every word written in lowercase in
    an O*NET task statement or occupation description, at least twice: a product name ("Kafka")
    is not written that way, an English word ("access", "word", "project") is. The dictionary
    subset (``sources/words/english_words.tsv``) adds the words O*NET's tasks never use
    ("keynote", "workday", "illustrator", "router").
    """
    return load_lexicon(sources_dir).common


@dataclass(frozen=True)
class Lexicon:
    """What the guard rule knows about English: ordinary words and proper names."""

    common: frozenset[str]  # lowercase words ("air", "keynote", "router")
    names: frozenset[str] = frozenset()  # proper names, lowercased ("travis", "delphi", "tim")
    # everyday words: stop words and the O*NET task words ("access", "reports", "teams")
    frequent: frozenset[str] = frozenset()

    def everyday(self, word: str) -> bool:
        """A word of everyday writing, also as a plural: never a name on its own."""
        word = word.lower()
        return any(w in self.frequent for w in (word, word + "s", word.removesuffix("s")))

    def ordinary(self, word: str) -> bool:
        """An English word, also as a plural ("routers") or an English compound ("chatbot",
        "workspace", "dropbox": two dictionary words of three letters or more)."""
        word = word.lower()
        if word in self.common or word.rstrip("s") in self.common:
            return True
        if word.endswith("es") and word[:-2] in self.common:
            return True
        return any(
            word[:i] in self.common and word[i:] in self.common for i in range(3, len(word) - 2)
        )


def load_lexicon(sources_dir: Path = SOURCES_DIR) -> Lexicon:
    """The common words (see ``load_common_words``) and the dictionary's proper names."""
    from spacy.lang.en.stop_words import STOP_WORDS

    frequent = set(STOP_WORDS)
    names: set[str] = set()
    path = sources_dir / WORDS_FILE
    if path.is_file():
        frequent.update(row["Word"] for row in _read_tsv(path))
    words = frequent | EXTRA_COMMON_WORDS
    path = sources_dir / ENGLISH_FILE
    if path.is_file():
        for row in _read_tsv(path):
            (words if row["Kind"] == "word" else names).add(row["Word"])
    return Lexicon(frozenset(words), frozenset(names - words), frozenset(frequent))


def guard_for(spelling: str, common: frozenset[str] | Lexicon) -> str:
    """The guard a spelling needs, by rule (see taxonomy/README.md, "Imported vocabulary").

    * 3 characters or fewer: ``case`` when written in capitals or with a digit (XML, EC2),
      otherwise ``context`` (Tcl, Go); two characters or fewer: always ``context``.
    * one word that is ordinary English, also in capitals (Word, Access, Lambda, AIR, PASS,
      Keynote, Workspace) or a proper name (Travis, Delphi): ``context``.
    * one capitalised word otherwise (Jenkins, Ansible): ``case``.
    * several words that are all ordinary English (Visual Studio, Power BI): ``case``.
    * anything else (PostgreSQL, Node.js, AWS Lambda, scikit-learn): ``none``.
    """
    lexicon = common if isinstance(common, Lexicon) else Lexicon(common)
    key = normalize_name(spelling)
    compact = key.replace(" ", "")
    words = key.split()
    if len(compact) <= 2:
        return "context"
    coined = any(ch.isupper() for ch in spelling[1:]) and not spelling.isupper()
    # An inner capital makes a coined name (AutoCAD, InDesign, WebSphere). "TIM" is matched in
    # capitals only (matcher/extract/nlp.py), so a proper name written as an acronym is no
    # risk; an English word in capitals ("AIR", "PASS") is.
    english = len(words) == 1 and (lexicon.ordinary(words[0]) or words[0] in lexicon.names)
    if english and not coined and not (spelling.isupper() and words[0] not in lexicon.common):
        return "context"
    if len(compact) <= 3:
        if spelling.isupper() or any(ch.isdigit() for ch in spelling):
            return "case"
        return "context"
    if len(words) == 1:
        if spelling[:1].isupper() and spelling[1:].islower():
            return "case"
        return "none"
    # an acronym written in capitals ("AWS Lambda") is not an ordinary word
    written = [w for w in spelling.split() if not (len(w) >= 2 and w.isupper())]
    if len(written) == len(spelling.split()) and all(lexicon.ordinary(w) for w in words):
        return "case"
    return "none"


_GUARD_RANK = {"none": 0, "case": 1, "context": 2}


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        item = " ".join(item.split())
        if item and normalize_name(item) not in seen:
            seen[normalize_name(item)] = item
    return list(seen.values())


def slug(name: str) -> str:
    """A skill id for a name: normalized, spaces and ``/`` as dashes, ``&`` as "and"."""
    text = normalize_name(name).replace("&", " and ")
    text = re.sub(r"[ /]+", "-", text)
    text = re.sub(r"[^a-z0-9+#.-]", "", text)
    return re.sub(r"-{2,}", "-", text).strip("-.") or "x"


# ----------------------------------------------------------------------------- files


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _write_tsv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    out = io.StringIO()
    out.write("\t".join(columns) + "\n")
    for row in rows:
        out.write("\t".join(row) + "\n")
    path.write_bytes(out.getvalue().encode("utf-8"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hand_index(data_dir: Path) -> tuple[dict[str, str], dict[str, set[str]], set[str]]:
    """The hand-written skills: normalized spelling -> id, id -> exact spellings, ids."""
    index: dict[str, str] = {}
    exact: dict[str, set[str]] = defaultdict(set)
    ids: set[str] = set()
    for path in sorted(data_dir.glob("*.toml")):
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
        for raw in doc.get("skill", []):
            ids.add(raw["id"])
            for spelling in (raw["name"], *raw.get("aliases", [])):
                index.setdefault(normalize_name(spelling), raw["id"])
                exact[raw["id"]].add(spelling)
    return index, exact, ids
