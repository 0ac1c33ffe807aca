"""Names the vocabulary does not know, found by the company they keep (issue #15).

No vocabulary is ever complete: tools appear every month (n8n, LangSmith, ElysiaJS) and an
imported list lags behind by years. A list whose other items are technologies says what its
unknown items are: in "Automation: n8n, Zapier, Airflow, Prefect" the first item is a tool too.

``unlisted_items`` takes the lists of a document (a line written across, or a run of one-item
lines written downwards), each as its items' spans, and returns the items that are

* not covered by any name the extractor matched or judged (a word found not to be a skill
  stays one);
* in a list where at least one other item is, all but wholly, a technology the taxonomy knows
  (a language, library, platform, tool or datastore);
* written as a coined name: one or two words, at least one with a digit among lowercase
  letters ("n8n", "Open3D"; not "B2B") or an inner capital ("AutoGPT", "LangSmith",
  "SEMrush"), every word a name's ("GoPro filming" is not); no all-capital acronym ("SOLID"),
  no degree ("PhD", "MSc"), no company suffix ("TechCorp Inc"), no consumer site ("LinkedIn");
* not used as an organisation anywhere in the text: a possessive ("FanTank's product") names
  the company, not a tool.

The extractor hands it no list from a section of schools, certificates, honours, languages or
interests, nor one whose label says its items are organisations, people, places or fields
("Clients:", "Industries:"; ``NOT_TOOL_SECTIONS``, ``label_may_list_tools``).

The normaliser still tries the vocabulary first ("TensroFlow" is TensorFlow) and drops an item
close to a known name ("PyTorh": a slip, not a tool); only what it cannot place at all becomes
an unlisted skill (``models.unlisted_id``): listed among the skills found with its evidence,
and asked for by a posting that names it, but never part of a role's fit, which only the
taxonomy's own skills make.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from matcher.models import SectionKind

__all__ = ["NOT_TOOL_SECTIONS", "coined_name", "label_may_list_tools", "unlisted_items"]

# Sections whose lists hold schools, certificates, honours, spoken languages or pastimes.
NOT_TOOL_SECTIONS = frozenset(
    {
        SectionKind.EDUCATION,
        SectionKind.CERTIFICATIONS,
        SectionKind.PUBLICATIONS,
        SectionKind.AWARDS,
        SectionKind.LANGUAGES,
        SectionKind.INTERESTS,
        SectionKind.CONTACT,
    }
)
# Words of a list's label ("Clients:", "Industries:") that say its items are organisations,
# people, places, honours or fields, whatever technology sits beside them.
_NOT_TOOL_LABELS = frozenset(
    {"client", "customer", "company", "employer", "partner", "organisation", "organization",
     "brand", "award", "honor", "honour", "achievement", "hobby", "interest", "profile",
     "certification", "certificate", "education", "school", "university", "team", "industry",
     "domain", "sector", "membership", "volunteering", "reference", "publication",
     "conference", "location", "city", "country", "community", "competition"}
)  # fmt: skip

# An item is a known technology when matched names cover this share of its letters.
_KNOWN_SHARE = 0.6
_MAX_WORDS = 2
_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*$")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_DEGREE = re.compile(r"^(?:Ph\.?D|M\.?Sc|B\.?Sc|M\.?Tech|B\.?Tech|M\.?Eng|B\.?Eng|MPhil|DPhil)$")
_COMPANY_WORDS = frozenset(
    {"inc", "llc", "ltd", "corp", "co", "gmbh", "plc", "pvt", "limited", "company", "group"}
)
# Sites and devices a resume names as links, employers or hobbies, not as skills (the import
# leaves out the same sites: ``taxonomy.lexicon.CONSUMER_SITES``).
_CONSUMER_SITES = frozenset(
    {"linkedin", "youtube", "facebook", "instagram", "whatsapp", "tiktok", "snapchat", "iphone",
     "ipad", "ebay", "paypal", "wechat"}
)  # fmt: skip
_POSSESSIVE = re.compile(r"(?:'|’|&#39;|&#x27;)s\b")
_TRAILING = re.compile(r"\s*(?:\([^)]*\)?|v?\d+(?:\.\d+)*\+?)\s*$")
_EDGES = "•-–—*·,;:.[]{}\"' \t"

Span = tuple[int, int]


def _coined_word(word: str) -> bool:
    # a digit among lowercase letters ("n8n", "Open3D"); in capitals it is a business or
    # telecom acronym ("B2B", "4G", "H1B")
    if any(c.isdigit() for c in word) and any(c.islower() for c in word):
        return True
    return _INNER_CAPITAL.search(word) is not None


def coined_name(phrase: str) -> bool:
    """One or two words, written as a product name is and an English phrase is not."""
    words = phrase.split()
    if not 1 <= len(words) <= _MAX_WORDS or phrase.isupper():
        return False
    if not all(_WORD.match(w) for w in words):
        return False
    if any(w.casefold().rstrip(".") in _COMPANY_WORDS for w in words[1:]):
        return False
    if any(_DEGREE.match(w) or w.casefold() in _CONSUMER_SITES for w in words):
        return False
    coined = [_coined_word(w) for w in words]
    # every word a name's ("Isaac Sim", "Core ML"), none an ordinary lowercase one ("GoPro
    # filming")
    if not all(c or w[:1].isupper() for c, w in zip(coined, words, strict=True)):
        return False
    return any(coined)


def label_may_list_tools(label: str) -> bool:
    """A list's label that does not say its items are something else than tools."""
    for word in re.findall(r"[a-z]+", label.casefold()):
        singular = word[:-3] + "y" if word.endswith("ies") else word.removesuffix("s")
        if word in _NOT_TOOL_LABELS or singular in _NOT_TOOL_LABELS:
            return False
    return True


def _name_of(text: str, start: int, end: int) -> Span | None:
    """The item's name: without bullets, punctuation, a trailing "(…)" or version number."""
    raw = text[start:end]
    body = raw.strip(_EDGES)
    body = _TRAILING.sub("", body).strip(_EDGES)
    if not body:
        return None
    first = start + raw.find(body)
    return first, first + len(body)


def unlisted_items(
    text: str,
    lists: Sequence[Sequence[Span]],
    tech: bytearray,
    covered: bytearray,
) -> list[Span]:
    """The spans of list items that name a technology the taxonomy does not know.

    Args:
        text: the document's text (offsets index it).
        lists: each list of the document as its items' spans.
        tech: 1 at each character of a matched name of a technology skill, else 0.
        covered: 1 at each character of a name matched or judged (not a skill), else 0.
    """
    out: list[Span] = []
    for items in lists:
        if len(items) < 2 or not tech.count(1, items[0][0], items[-1][1]):
            continue
        names = [n for n in (_name_of(text, s, e) for s, e in items) if n is not None]
        known = 0
        unknown: list[Span] = []
        for start, end in names:
            letters = end - start - text.count(" ", start, end)
            if tech.count(1, start, end) >= _KNOWN_SHARE * letters:
                known += 1
            elif not covered.count(1, start, end):
                unknown.append((start, end))
        if not known or len(names) < 2:
            continue
        for start, end in unknown:
            name = text[start:end]
            if coined_name(name) and not _possessive(text, name):
                out.append((start, end))
    return out


def _possessive(text: str, name: str) -> bool:
    """The text writes the name as an owner somewhere ("FanTank's product"): a company."""
    pattern = re.compile(re.escape(name) + _POSSESSIVE.pattern)
    return pattern.search(text) is not None
