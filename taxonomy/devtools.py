"""The second imported vocabulary: developer tools that O*NET does not name (issue #15).

O*NET's technology list stops at products that employers report for whole occupations; the
tools a developer's resume names (Sidekiq, Socket.io, PagerDuty, styled-components, Gunicorn)
are mostly not in it. Three open sources together give them, each with its licence:

* **Simple Icons** (CC0 1.0): the brand names of software products and services, spelled the
  way their owners write them, with other names ("aka").
* **GitHub Explore topics** (CC BY 4.0): curated topics with a display name, aliases and a
  one-line description; only topics that name a product (a home page or repository).
* **Stack Overflow tags** (CC BY-SA 4.0, the Stack Exchange Data Explorer export of 2021):
  tag names with their question counts. A name is admitted only when programmers ask about it:
  one of its spellings is a tag with at least ``MIN_QUESTIONS`` questions. This is what keeps
  airlines, banks and football clubs (Simple Icons has their logos too) out.

``python -m taxonomy.build devtools-subset --mirrors DIR`` reads the pinned commits of the three
public repositories (``ORIGINS``) from git mirrors under ``DIR`` (``owner+name/repo``) and
writes ``sources/devtools/`` (three TSV subsets and ``MANIFEST.toml``: origin, licence, sha256).
``python -m taxonomy.build`` then writes ``data/devtools.json`` from that subset, after
``data/vocabulary.json``: every admitted name either maps onto an existing skill (hand-written or
O*NET; its spellings become aliases, its records sources) or becomes a skill with
``origin = "devtools"``. The rules (taxonomy/README.md, "The developer-tools vocabulary"):

1. **Admitted** when a spelling (lowercase, spaces as ``-``, ``.`` or nothing) is a Stack
   Overflow tag with ``MIN_QUESTIONS`` questions or more.
2. **Left out**: names of three characters or fewer; everyday words (stop words and O*NET's
   task words: Loops, Less, Actions), which are too common even beside other skills; and
   organisations and consumer services (``EXCLUDED``): a resume names them as employers,
   profile links or hobbies, not as skills. A brand named by a rarer English word or a proper
   name (Render, Temporal, Gatsby, Rundeck: ``guard_for`` says ``context``) is admitted with
   the ``context`` guard, as hand-written Go and Spark are: found in a skills list, beside
   another skill or with a cue ("experience with"), never in plain prose.
   A cloud service is also its one-word name ("Bigtable", "Cognito"; ``_bare_service``).
3. **Category** from the Explore description ("database" -> datastore, "programming language"
   -> language, "framework"/"library" -> library, "cloud"/"operating system"/"hosting" ->
   platform), else ``tool``.
4. **Guard** by the same rule as O*NET's names (``guard_for``).
5. **A coined tag alone**: a tag with no brand entry and at least ``MIN_TAG_QUESTIONS``
   questions that is one coined lowercase word ("hazelcast", "resque": no dictionary word or
   plural, no English ending of a concept such as "-ing" or "-ity", no proper name) becomes a
   skill named by the tag capitalised, with the ``context`` guard. These are placed after every
   other name, so they never take a brand's spelling.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
    load_lexicon,
    sha256,
    slug,
)

__all__ = [
    "DEVTOOLS_DIR",
    "DEVTOOLS_FILE",
    "MIN_QUESTIONS",
    "MIN_TAG_QUESTIONS",
    "ORIGINS",
    "build_devtools",
    "devtools_names",
    "extract_devtools",
]

DEVTOOLS_DIR = SOURCES_DIR / "devtools"
DEVTOOLS_FILE = DATA_DIR / "devtools.json"
ICONS_FILE = "devtools/simple_icons.tsv"
TOPICS_FILE = "devtools/explore_topics.tsv"
TAGS_FILE = "devtools/stackoverflow_tags.tsv"

MIN_QUESTIONS = 30  # Stack Overflow questions a tag needs for its name to be admitted
# A tag with no brand entry is admitted on its own (rule 5) with this many questions or more,
# when it is one coined word of five letters or more ("hazelcast", "minitest", "resque").
MIN_TAG_QUESTIONS = 500
_TAG_ONLY = re.compile(r"[a-z]{5,}")
# English endings of activities, qualities and fields: "versioning", "atomicity",
# "serialization", "polymorphism", "biometrics", "ontology" name a concept, not a product
_CONCEPT_ENDING = re.compile(r"(?:ing|tion|sion|ity|ism|ness|ment|ance|ence|ics|ology)s?$")

ORIGINS: dict[str, dict[str, str]] = {
    "simple_icons": {
        "name": "Simple Icons",
        "repository": "simple-icons/simple-icons",
        "commit": "34c22501f9ac9f22b12f825677ccbab1fb22e14b",
        "path": "data/simple-icons.json",
        "homepage": "https://simpleicons.org/",
        "licence": "CC0 1.0",
        "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/",
        "attribution": "Brand names from Simple Icons (simple-icons/simple-icons), CC0 1.0.",
    },
    "explore": {
        "name": "GitHub Explore topics",
        "repository": "github/explore",
        "commit": "cc66c619fd3c4dd79bc7bca22f685af1e0a67f3d",
        "path": "topics/",
        "homepage": "https://github.com/topics",
        "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "attribution": "Topic names, aliases and descriptions from github/explore by GitHub, "
        "Inc. and contributors, used under CC BY 4.0. Subset and columns chosen by rolefit.",
    },
    "stackoverflow": {
        "name": "Stack Overflow tags (Stack Exchange Data Explorer export)",
        "repository": "IvannKurchenko/karma-plus-plus",
        "commit": "7fa38ed18c502f4dee44b9b184efc4d4f4029034",
        "path": "src/main/resources/stackexchange/stackoverflow.csv",
        "homepage": "https://data.stackexchange.com/stackoverflow",
        "licence": "CC BY-SA 4.0",
        "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "attribution": "Tag names and question counts from Stack Overflow (Stack Exchange, "
        "Inc.), exported with the Stack Exchange Data Explorer in 2021, used under CC BY-SA "
        "4.0. The subset (sources/devtools/stackoverflow_tags.tsv) is shared under the same "
        "licence.",
    },
}

# Stack Overflow tags of a cloud vendor's services -> how people write the vendor before a
# service's name. These tags are admitted without a Simple Icons or Explore entry: the vendor
# in front makes the name a product ("Azure Cognitive Search"), not an ordinary phrase.
CLOUD_VENDORS: dict[str, tuple[str, ...]] = {
    "aws-": ("AWS", "Amazon"),
    "amazon-": ("Amazon", "AWS"),
    "azure-": ("Azure", "Microsoft Azure"),
    "google-cloud-": ("Google Cloud", "GCP"),
    "firebase-": ("Firebase",),
}
# A vendor tag whose rest ends in one of these is a client library for a language, not a
# service ("aws-sdk-js"); a rest that ends in a digit is a version ("azure-cli2").
_LANGUAGE_SUFFIXES = frozenset(
    {"js", "go", "cpp", "net", ".net", "nodejs", "python", "java", "php", "ruby", "sdk"}
)

# Organisations, consumer services, browsers and devices: a resume names them as an employer,
# a profile link, a hobby or a phone, not as a skill. (Vendors in taxonomy.build.VENDORS and
# O*NET's CONSUMER_SITES are left out as well.)
EXCLUDED = frozenset(
    {
        # organisations
        "AMD", "Arm", "Intel", "Mozilla", "NVIDIA", "Red Hat", "Meta", "Alphabet", "Samsung",
        "Huawei", "Xiaomi", "Sony", "Dell", "Lenovo", "Qualcomm", "Canonical", "Linux Foundation",
        "Apache Software Foundation", "Stack Overflow", "Stack Exchange", "Wikipedia",
        "Wikimedia", "Netflix", "Uber", "Airbnb", "Tesla", "Twitch", "Spotify", "Yahoo!",
        "Yandex", "Baidu", "Alibaba", "Tencent", "ByteDance", "OpenAI", "Anthropic",
        "Nokia", "Motorola", "Epson", "Pearson", "Intuit", "Commodore", "Persistent",
        # consumer services, social networks, messaging, shops, media
        "X", "X (Twitter)", "Gmail", "Google Chrome", "Chrome", "Firefox", "Safari", "Opera",
        "Edge", "Microsoft Edge", "Brave", "Vivaldi", "Chromium", "Discord", "Telegram",
        "Signal", "Skype", "Viber", "WeChat", "LINE", "Tumblr", "Vimeo", "SoundCloud",
        "Foursquare", "iTunes", "iCloud", "App Store", "Google Play", "Google Maps",
        "Google Translate", "Google Calendar", "Google Forms", "Blogger", "Medium", "Quora",
        "Yelp", "eBay", "Etsy", "PayPal", "Venmo", "Bitcoin", "Ethereum", "Minecraft", "Steam",
        "Roblox", "Amazon Prime", "Kindle", "Blackberry", "iPhone", "iPad",
        "Android Auto", "Apple Music", "Google Drive", "Dropbox", "OneDrive", "Box",
        "Google Photos", "Flickr", "Imgur", "Giphy", "Gravatar", "Mastodon", "Threads",
        "Bluesky", "Patreon", "Kickstarter", "Indeed", "Glassdoor", "Coursera", "Udemy",
        "Duolingo", "Khan Academy", "Emoji", "FedEx", "USPS", "UPS", "DHL", "MasterCard",
        "Visa", "American Express", "Paytm", "Garmin", "IMDb", "Deezer", "Last.fm",
        "World of Warcraft", "Garry's Mod", "Minecraft Forge", "ComputerCraft", "Google Earth",
        "Google Home", "Google News", "Google Street View", "Google Tasks", "Google Groups",
        "Google Nearby", "Google Cardboard", "Google TV", "Philips Hue", "Sonos", "Oculus",
        "HTC Vive", "Apple Pay", "Apple TV", "iMessage", "PubMed", "Super User", "Kodi",
        "Big Cartel", "Anki", "Synology", "Amazon Echo", "Amazon Fire TV", "Amazon Appstore",
        "Tinder", "Tripadvisor", "Trustpilot", "Postmates", "Pandora", "Betfair", "Flipboard",
        "Fitbit", "Winamp", "Roku", "Diaspora", "Messenger", "Namecheap", "Pastebin",
        # concepts that GitHub Explore titles like products
        "Internationalization", "Localization",
        # standards bodies and movements
        "IEEE", "IETF", "W3C", "Y Combinator", "Open Source", "Open Source Initiative",
        "Creative Commons",
    }
)  # fmt: skip

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_PAREN = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")

# Explore description words -> category of the existing scheme, first match wins.
_CATEGORY_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("language", re.compile(r"\b(?:programming|scripting|query|markup) language\b", re.I)),
    ("datastore", re.compile(r"\bdatabases?\b|\bdata ?stores?\b|\bkey-value\b", re.I)),
    ("library", re.compile(r"\bframework\b|\blibrary\b|\btoolkit\b|\bSDK\b", re.I)),
    ("platform", re.compile(r"\bcloud\b|\boperating system\b|\bhosting\b|\bPaaS\b", re.I)),
)


# ----------------------------------------------------------------------------- subset


def _git_show(mirrors: Path, repository: str, commit: str, path: str) -> bytes:
    git_dir = mirrors / repository.replace("/", "+") / "repo"
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
    ).stdout


def _git_files(mirrors: Path, repository: str, commit: str, folder: str) -> list[str]:
    git_dir = mirrors / repository.replace("/", "+") / "repo"
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", commit, folder],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(out.split())


def _front_matter(text: str) -> dict[str, str]:
    """The ``key: value`` lines of a Jekyll front matter (Explore's are one line each)."""
    m = _FRONT.match(text.replace("\r\n", "\n"))
    out: dict[str, str] = {}
    for line in (m.group(1) if m else "").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith(" "):
            out[key.strip()] = value.strip().strip("\"'")
    return out


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def _tag_forms(name: str) -> list[str]:
    """How a name is written as a Stack Overflow tag: "Create React App" -> create-react-app."""
    low = " ".join(name.casefold().split())
    return _dedupe([low.replace(" ", "-"), low.replace(" ", ""), low.replace(" ", ".")])


def _best_tag(names: Iterable[str], tags: Mapping[str, int]) -> str:
    found = [(tags[f], f) for n in names for f in _tag_forms(n) if f in tags]
    found = [(count, tag) for count, tag in found if count >= MIN_QUESTIONS]
    return max(found, key=lambda ct: (ct[0], ct[1]))[1] if found else ""


def extract_devtools(mirrors: Path, out_dir: Path = DEVTOOLS_DIR) -> dict[str, int]:
    """Write the three subsets and ``MANIFEST.toml`` from the pinned commits (module doc)."""
    originals: dict[str, bytes] = {}
    so = ORIGINS["stackoverflow"]
    raw = _git_show(mirrors, so["repository"], so["commit"], so["path"])
    originals["stackoverflow.csv"] = raw
    tags: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8"))):
        if row.get("TagName") and (row.get("Count") or "").isdigit():
            tags[row["TagName"]] = int(row["Count"])
    used: set[str] = set()

    si = ORIGINS["simple_icons"]
    raw = _git_show(mirrors, si["repository"], si["commit"], si["path"])
    originals["simple-icons.json"] = raw
    icon_rows: list[list[str]] = []
    for entry in json.loads(raw):
        title = _clean(str(entry["title"]))
        aka = [_clean(a) for a in (entry.get("aliases") or {}).get("aka", [])]
        tag = _best_tag([title, *aka], tags)
        if tag:
            used.add(tag)
            icon_rows.append([title, tag, "|".join(aka), _clean(str(entry.get("source", "")))])

    ex = ORIGINS["explore"]
    topic_rows: list[list[str]] = []
    digest = hashlib.sha256()
    for path in _git_files(mirrors, ex["repository"], ex["commit"], ex["path"]):
        if not path.endswith("/index.md"):
            continue
        data = _git_show(mirrors, ex["repository"], ex["commit"], path)
        digest.update(path.encode() + b"\0" + data)
        fm = _front_matter(data.decode("utf-8"))
        home = fm.get("url") or fm.get("github_url") or ""
        if not home or not fm.get("topic"):
            continue  # a concept ("image", "oop"), not a product with a home
        display = _clean(fm.get("display_name") or fm["topic"])
        aliases = [_clean(a) for a in fm.get("aliases", "").split(",") if a.strip()]
        tag = _best_tag([fm["topic"], display, *aliases], tags)
        if tag:
            used.add(tag)
            topic_rows.append(
                [
                    fm["topic"],
                    display,
                    "|".join(aliases),
                    _clean(fm.get("short_description", "")),
                    home,
                ]
            )

    used.update(tag for tag, n in tags.items() if n >= MIN_QUESTIONS and _vendor_of(tag))
    used.update(t for t, n in tags.items() if n >= MIN_TAG_QUESTIONS and _TAG_ONLY.fullmatch(t))
    out_dir.mkdir(parents=True, exist_ok=True)
    icon_rows.sort(key=lambda r: (r[0].casefold(), r[0]))
    topic_rows.sort()
    _write_tsv(out_dir / "simple_icons.tsv", ["Title", "Tag", "Aka", "Source"], icon_rows)
    _write_tsv(
        out_dir / "explore_topics.tsv",
        ["Topic", "Display Name", "Aliases", "Short Description", "Home"],
        topic_rows,
    )
    _write_tsv(
        out_dir / "stackoverflow_tags.tsv",
        ["Tag", "Questions"],
        ([t, str(tags[t])] for t in sorted(used)),
    )
    lines = [
        "# Generated by `python -m taxonomy.build devtools-subset`; see taxonomy/README.md.",
        f"min_questions = {MIN_QUESTIONS}",
        f"min_tag_questions = {MIN_TAG_QUESTIONS}",
        'rebuild = "python -m taxonomy.build devtools-subset --mirrors DIR"',
        "",
    ]
    shas = {
        "simple_icons": hashlib.sha256(originals["simple-icons.json"]).hexdigest(),
        "explore": digest.hexdigest(),
        "stackoverflow": hashlib.sha256(originals["stackoverflow.csv"]).hexdigest(),
    }
    subsets = {
        "simple_icons": ("simple_icons.tsv", len(icon_rows)),
        "explore": ("explore_topics.tsv", len(topic_rows)),
        "stackoverflow": ("stackoverflow_tags.tsv", len(used)),
    }
    for key, origin in ORIGINS.items():
        lines.append(f"[{key}]")
        lines += [f"{k} = {_toml(v)}" for k, v in origin.items()]
        lines.append(f"original_sha256 = {_toml(shas[key])}")
        if key == "explore":
            lines.append('original_sha256_of = "every topics/*/index.md: path, NUL, bytes"')
        name, rows = subsets[key]
        lines.append(f"subset = {_toml(name)}")
        lines.append(f"rows = {rows}")
        lines.append(f"subset_sha256 = {_toml(sha256(out_dir / name))}")
        lines.append("")
    (out_dir / "MANIFEST.toml").write_text("\n".join(lines), encoding="utf-8")
    return {"icons": len(icon_rows), "topics": len(topic_rows), "tags": len(used)}


def _vendor_of(tag: str) -> tuple[str, str, tuple[str, ...]] | None:
    """A cloud vendor's service tag ("aws-codepipeline"): (vendor, rest, display prefixes)."""
    for prefix, displays in CLOUD_VENDORS.items():
        if tag.startswith(prefix) and len(tag) > len(prefix):
            return prefix, tag[len(prefix) :], displays
    return None


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ----------------------------------------------------------------------------- vocabulary


@dataclass
class _Group:
    """Every row of the subset that names one Stack Overflow tag."""

    tag: str
    questions: int
    names: list[str] = field(default_factory=list)  # display names, Simple Icons' first
    aliases: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    # a cloud service's one-word name ("Bigtable"): an alias of a new skill only, never a
    # spelling that merges the group onto an existing skill
    bare: list[tuple[str, str]] = field(default_factory=list)  # (spelling, guard)
    # no brand entry: the tag alone names it (rule 5), admitted only as a coined word
    tag_only: bool = False


def _split_paren(name: str) -> tuple[str, str]:
    """ "FFmpeg (Fast Forward ...)" -> ("FFmpeg", "Fast Forward ..."); "JSX (JavaScript XML)"."""
    m = _PAREN.match(name)
    return (m.group(1), m.group(2)) if m else (name, "")


def _vendor_names(prefix: str, rest: str, displays: Sequence[str], lexicon: Lexicon) -> list[str]:
    """ "aws-codepipeline" -> ["AWS CodePipeline", "Amazon CodePipeline"]; [] for a tag that
    names a facet ("azure-deployment": one ordinary word), a language's client library
    ("aws-sdk-js") or a version ("azure-cli2")."""
    parts = rest.split("-")
    if rest[-1:].isdigit() or (len(parts) >= 2 and parts[-1] in _LANGUAGE_SUFFIXES):
        return []
    if len(parts) == 1 and len(parts[0]) > 3:
        word_ = parts[0]
        if word_ in lexicon.common or word_.rstrip("s") in lexicon.common:
            return []

    def word(token: str) -> str:
        if (len(token) <= 3 and token not in lexicon.common) or not token.isalpha():
            return token.upper()
        if token in lexicon.common or token.rstrip("s") in lexicon.common:
            return token.capitalize()
        for i in range(4, len(token) - 3):  # a compound of two words: "codepipeline"
            if token[:i] in lexicon.common and token[i:] in lexicon.common:
                return token[:i].capitalize() + token[i:].capitalize()
        return token.capitalize()

    service = " ".join(word(t) for t in parts)
    return [f"{display} {service}" for display in displays]


def _groups(sources_dir: Path, lexicon: Lexicon) -> dict[str, _Group]:
    tags = {r["Tag"]: int(r["Questions"]) for r in _read_tsv(sources_dir / TAGS_FILE)}
    groups: dict[str, _Group] = {}

    def group(tag: str) -> _Group:
        return groups.setdefault(tag, _Group(tag=tag, questions=tags[tag]))

    for row in _read_tsv(sources_dir / ICONS_FILE):
        g = group(row["Tag"])
        name, extra = _split_paren(row["Title"])
        g.names.append(name)
        g.aliases += [a for a in (extra, *row["Aka"].split("|")) if a]
        g.sources.append(
            {
                "file": ICONS_FILE,
                "record": f"{row['Title']}\t{row['Tag']}",
                "sentence": row["Title"],
            }
        )
    for row in _read_tsv(sources_dir / TOPICS_FILE):
        g = group(_best_tag([row["Topic"], row["Display Name"], *row["Aliases"].split("|")], tags))
        name, extra = _split_paren(row["Display Name"])
        g.names.append(name)
        g.aliases += [a for a in (extra, *row["Aliases"].split("|")) if a and "-" not in a]
        if row["Short Description"]:
            g.descriptions.append(row["Short Description"])
        g.sources.append(
            {
                "file": TOPICS_FILE,
                "record": f"{row['Topic']}\t{row['Display Name']}",
                "sentence": row["Short Description"] or row["Display Name"],
            }
        )
    for tag in tags:
        vendor = _vendor_of(tag)
        if vendor is None or tag in groups:
            continue
        names = _vendor_names(*vendor, lexicon)
        if names:
            g = group(tag)
            g.names.append(names[0])
            g.aliases += names[1:]
    for tag, questions in tags.items():
        if tag not in groups and questions >= MIN_TAG_QUESTIONS and _TAG_ONLY.fullmatch(tag):
            g = group(tag)
            g.names.append(tag.capitalize())
            g.tag_only = True
    for g in groups.values():
        g.sources.append(
            {"file": TAGS_FILE, "record": f"{g.tag}\t{g.questions}", "sentence": g.tag}
        )
        if (vendor := _vendor_of(g.tag)) is not None:
            g.bare = _bare_service(g.names[0], vendor[2], lexicon)
    return groups


def _bare_service(name: str, displays: Sequence[str], lexicon: Lexicon) -> list[tuple[str, str]]:
    """ "Google Cloud Bigtable" is also written "Bigtable", "Amazon Cognito" "Cognito": the
    service's own one-word name, when it is no everyday word ("Google Cloud Functions") and
    longer than an acronym ("AWS IAM"). Its guard follows from the word as for any name:
    "Spanner" or "Athena" only in skill context."""
    for display in sorted(displays, key=len, reverse=True):
        if name.startswith(display + " "):
            rest = name[len(display) + 1 :]
            if (
                " " not in rest
                and len(rest) >= 5
                and rest.isalpha()
                and not rest.endswith("s")  # a facet in the plural: "Endpoints", "Webjobs"
                and not lexicon.everyday(rest)
                and rest.lower() not in _LANGUAGE_SUFFIXES
            ):
                # A tag gives no capitals, so "CloudFront" and "DataStore" are guesses: both
                # the guess and "Cloudfront" are kept, each with the guard of the word
                # itself, so "datastore" in lowercase is never the service.
                guard = guard_for(rest[0].upper() + rest[1:].lower(), lexicon)
                return [(form, guard) for form in dict.fromkeys([rest, rest.capitalize()])]
            return []
    return []


def _existing_index(
    data_dir: Path, vocabulary: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, set[str]], set[str]]:
    """Hand-written and O*NET skills: normalized spelling -> id, id -> spellings, ids."""
    index, exact, ids = _hand_index(data_dir)
    for skill in vocabulary.get("skills", []):
        ids.add(skill["id"])
        for spelling in (skill["name"], *skill.get("aliases", [])):
            index.setdefault(normalize_name(spelling), skill["id"])
            exact[skill["id"]].add(spelling)
    for mapping in vocabulary.get("merged", []):
        for spelling in mapping.get("aliases", []):
            index.setdefault(normalize_name(spelling), mapping["skill"])
            exact[mapping["skill"]].add(spelling)
    return index, exact, ids


_BANNED = frozenset(
    normalize_name(b) for b in EXCLUDED | CONSUMER_SITES | set(VENDORS) | set(VENDORS.values())
)


def _excluded(name: str) -> bool:
    return normalize_name(name) in _BANNED


def _dictionary_word(word: str, lexicon: Lexicon) -> bool:
    """``word`` is in the dictionary, also as a plural ("geolocation", "regions"). Unlike
    ``Lexicon.ordinary`` a compound of two words is not: "hazelcast" and "minitest" are coined
    names, and a compound that names a concept ("fadeout") is seldom written in a skills list."""
    return any(w in lexicon.common for w in (word, word.rstrip("s"), word.removesuffix("es")))


def _devtools_category(descriptions: Sequence[str]) -> str:
    for text in descriptions:
        for category, pattern in _CATEGORY_WORDS:
            if pattern.search(text):
                return category
    return "tool"


def _spaced(names: Iterable[str]) -> list[str]:
    """ "styled-components" is also written "Styled Components" (the tag's hyphens as spaces)."""
    return [n.replace("-", " ").title() for n in names if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", n)]


def _concept(name: str, lexicon: Lexicon) -> bool:
    """Ordinary words in sentence case name a concept ("Dependency injection", "Chrome
    extension"); a product capitalises its words ("Spring Security", "Sublime Text")."""
    words = name.split()
    return (
        len(words) >= 2
        and all(lexicon.ordinary(normalize_name(w)) for w in words)
        and any(w.islower() for w in words[1:])
    )


def devtools_names(sources_dir: Path = SOURCES_DIR) -> list[str]:
    """Every display name and alias in the subset (the word list follows them)."""
    if not (sources_dir / TAGS_FILE).is_file():
        return []
    names = [r["Tag"].replace("-", " ") for r in _read_tsv(sources_dir / TAGS_FILE)]
    for row in _read_tsv(sources_dir / ICONS_FILE):
        names += [row["Title"], *row["Aka"].split("|")]
    for row in _read_tsv(sources_dir / TOPICS_FILE):
        names += [row["Display Name"], *row["Aliases"].split("|")]
    return [n for n in names if n]


def build_devtools(
    vocabulary: Mapping[str, Any],
    sources_dir: Path = SOURCES_DIR,
    data_dir: Path = DATA_DIR,
) -> dict[str, Any]:
    """``data/devtools.json``: the admitted names as skills or as mappings (module doc)."""
    lexicon: Lexicon = load_lexicon(sources_dir)
    index, exact, used_ids = _existing_index(data_dir, vocabulary)
    stats: Counter[str] = Counter()
    merged: dict[str, list[tuple[list[str], list[dict[str, str]]]]] = defaultdict(list)
    new: list[tuple[str, list[str], str, _Group]] = []
    coined: list[_Group] = []  # tag-only groups: named after every other name is placed
    groups = _groups(sources_dir, lexicon)
    for tag in sorted(groups):
        g = groups[tag]
        forms = _dedupe([*g.names, *g.aliases, *_spaced(g.names)])
        if g.tag_only:
            if normalize_name(g.tag) in index:
                stats["tag only: already a skill"] += 1
            elif (
                _dictionary_word(g.tag, lexicon)
                or _CONCEPT_ENDING.search(g.tag)
                or g.tag in lexicon.names
                or _excluded(g.tag)
            ):
                stats["tag only: skipped, an English word or a name"] += 1
            else:
                coined.append(g)
            continue
        target = None
        for form in forms:
            skill_id = index.get(normalize_name(form))
            if skill_id is None:
                continue
            if guard_for(form, lexicon) == "context" and form not in exact[skill_id]:
                continue  # an ordinary-word form maps only when spelled exactly so
            target = skill_id
            break
        if target is not None:
            stats["merged onto an existing skill"] += 1
            safe = [f for f in forms if guard_for(f, lexicon) != "context"]
            merged[target].append((safe, g.sources))
            continue
        name = g.names[0]
        if _excluded(name) or any(_excluded(f) for f in forms):
            stats["skipped: organisation or consumer service"] += 1
            continue
        guard = guard_for(name, lexicon)
        if len(normalize_name(name).replace(" ", "")) <= 3 or (
            guard == "context" and (lexicon.everyday(name) or name.islower())
        ):
            stats["skipped: everyday word or short name"] += 1
            continue
        if _concept(name, lexicon):
            stats["skipped: a concept, not a product"] += 1
            continue
        new.append((name, forms, guard, g))

    owner: dict[str, str] = dict(index)
    skills_out: list[dict[str, Any]] = []
    for name, forms, guard, g in sorted(new, key=lambda n: (normalize_name(n[0]), n[0])):
        key = normalize_name(name)
        if key in owner:  # two tags with one display name: the first (by name) keeps it
            stats["skipped: name of another skill"] += 1
            continue
        skill_id = slug(name)
        if skill_id in used_ids:
            skill_id = f"{skill_id}-devtools"
        used_ids.add(skill_id)
        owner[key] = skill_id
        aliases: list[str] = []
        for alias in forms:
            k = normalize_name(alias)
            if k == key or k in owner or guard_for(alias, lexicon) == "context":
                continue
            owner[k] = skill_id
            aliases.append(alias)
        bare_guards: dict[str, str] = {}
        for alias, alias_guard in g.bare:  # its own guard, "context" included ("Spanner")
            if (k := normalize_name(alias)) not in owner or owner[k] == skill_id:
                owner[k] = skill_id
                aliases.append(alias)
                bare_guards[alias] = alias_guard
        alias_guards = {
            a: ag
            for a in aliases
            if _GUARD_RANK[ag := bare_guards.get(a) or guard_for(a, lexicon)] > _GUARD_RANK[guard]
        }
        record: dict[str, Any] = {
            "id": skill_id,
            "name": name,
            "category": _devtools_category(g.descriptions),
            "aliases": aliases,
            "guard": guard,
        }
        if alias_guards:
            record["alias_guards"] = alias_guards
        skills_out.append(record | {"origin": "devtools", "sources": g.sources})
    merged_out: list[dict[str, Any]] = []
    for skill_id in sorted(merged):
        aliases = []
        sources: list[dict[str, str]] = []
        for forms, srcs in merged[skill_id]:
            sources += srcs
            for alias in forms:
                k = normalize_name(alias)
                if k in owner:
                    continue
                owner[k] = skill_id
                aliases.append(alias)
        merged_out.append({"skill": skill_id, "aliases": aliases, "sources": sources})
    for g in coined:  # last, so a brand's spelling ("Datastore", "plpgsql") stays the brand's
        key = normalize_name(g.names[0])
        if key in owner:
            stats["tag only: already a skill"] += 1
            continue
        skill_id = slug(g.names[0])
        if skill_id in used_ids:
            skill_id = f"{skill_id}-devtools"
        used_ids.add(skill_id)
        owner[key] = skill_id
        skills_out.append(
            {
                "id": skill_id,
                "name": g.names[0],
                "category": "tool",
                "aliases": [],
                "guard": "context",
                "origin": "devtools",
                "sources": g.sources,
            }
        )
        stats["tag only: admitted"] += 1
    skills_out.sort(key=lambda r: (normalize_name(r["name"]), r["name"]))
    stats["imported skills"] = len(skills_out)
    stats["mapped onto existing skills"] = len(merged_out)
    manifest_rows = {
        key: {k: origin[k] for k in ("name", "repository", "commit", "licence", "attribution")}
        for key, origin in ORIGINS.items()
    }
    return {
        "about": "Generated by `python -m taxonomy.build` from taxonomy/sources/devtools/; "
        "do not edit by hand (see taxonomy/README.md).",
        "source": {
            "name": "Developer tools: Simple Icons, GitHub Explore topics, Stack Overflow tags",
            "licence": "CC0 1.0 / CC BY 4.0 / CC BY-SA 4.0",
            "attribution": " ".join(o["attribution"] for o in ORIGINS.values()),
            "subset_sha256": sha256(sources_dir / TAGS_FILE),
        },
        "sources": manifest_rows,
        "counts": dict(sorted(stats.items())),
        "skills": skills_out,
        "merged": merged_out,
    }
