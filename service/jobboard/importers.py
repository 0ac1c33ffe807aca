"""Job-board feeds → postings: Greenhouse, Lever, Ashby and schema.org JSON-LD.

```
FILE or URL ──fetch_feed (http/https, total deadline, size cap, pinned SSRF guard per hop)──► bytes
  ──read_feed(data, format)──► [FeedPosting(external_id, title, description HTML, org)]
  ──FeedPosting.jsonld()──► a schema.org JobPosting dict ──Matcher.parse_job──► JobPosting
```

Feed shapes (the public, unauthenticated endpoints the boards publish):

* Greenhouse job board API (``/v1/boards/{board}/jobs?content=true``): ``{"jobs": [{"id",
  "title", "content" (HTML, entity-escaped), "absolute_url", "location": {"name"}}]}``.
* Lever postings API (``/v0/postings/{site}?mode=json``): ``[{"id", "text" (the title),
  "description"/"descriptionPlain", "lists": [{"text", "content" (HTML <li>s)}],
  "additional"/"additionalPlain", "hostedUrl", "categories"}]``.
* Ashby posting API (``/posting-api/job-board/{board}``): ``{"jobs": [{"id", "title",
  "descriptionHtml"/"descriptionPlain", "jobUrl", "department", "location"}]}``.
* JSON-LD: a ``JobPosting`` object, a list of them, an ``@graph``, or an HTML page with
  ``<script type="application/ld+json">`` blocks.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any, Literal

from matcher import InvalidJobPostingError
from matcher import jsonld_postings as find_jsonld_postings
from service.jobboard.urlguard import (
    HttpDeadlineError,
    HttpError,
    HttpTooLargeError,
    UnsafeUrlError,
    request,
)
from service.jsondepth import nested_deeper_than

__all__ = [
    "FORMATS",
    "FeedError",
    "FeedPosting",
    "FetchError",
    "fetch_feed",
    "read_feed",
]

FeedFormat = Literal["greenhouse", "lever", "ashby", "jsonld"]
FORMATS: tuple[FeedFormat, ...] = ("greenhouse", "lever", "ashby", "jsonld")
MAX_REDIRECTS = 5


class FeedError(ValueError):
    """A feed that is not in the announced format (the message says what was expected)."""


class FetchError(Exception):
    """A feed URL that could not be fetched: refused, unreachable, too large or an HTTP error.

    ``kind`` is ``url-refused``, ``too-large`` or ``unreachable``.
    """

    def __init__(self, message: str, *, kind: str = "unreachable") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class FeedPosting:
    """One posting of a feed, before extraction."""

    external_id: str | None
    title: str
    description: str  # HTML or plain text
    organization: str | None = None
    url: str | None = None

    def jsonld(self) -> dict[str, Any]:
        """The posting as a schema.org ``JobPosting`` (what ``Matcher.parse_job`` reads)."""
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": self.title,
            "description": self.description,
        }
        if self.external_id:
            data["identifier"] = {"@type": "PropertyValue", "value": self.external_id}
        if self.organization:
            data["hiringOrganization"] = {"@type": "Organization", "name": self.organization}
        if self.url:
            data["url"] = self.url
        return data


# --------------------------------------------------------------------------- fetching


def fetch_feed(
    url: str,
    *,
    timeout: float = 10.0,
    max_bytes: int = 5 * 1024 * 1024,
    allow_private: bool = False,
) -> bytes:
    """GET a feed within ``timeout`` seconds in total (redirects and a dripping body
    included), connecting only to addresses the SSRF guard checked, on every redirect hop.

    Raises:
        FetchError: refused URL or redirect target (``url-refused``), a body over
            ``max_bytes`` (``too-large``), a timeout, a connection error or a non-2xx status.
    """
    try:
        result = request(
            "GET",
            url,
            deadline=timeout,
            headers={"accept": "application/json, text/html"},
            max_bytes=max_bytes,
            allow_private=allow_private,
            max_redirects=MAX_REDIRECTS,
        )
    except UnsafeUrlError as exc:
        raise FetchError(str(exc), kind="url-refused") from exc
    except HttpTooLargeError as exc:
        raise FetchError(
            f"The feed is larger than the limit of {max_bytes} bytes.", kind="too-large"
        ) from exc
    except HttpDeadlineError as exc:
        raise FetchError(f"The feed URL timed out after {timeout:g} s.") from exc
    except HttpError as exc:
        if "redirects" in str(exc):
            raise FetchError(f"More than {MAX_REDIRECTS} redirects.") from exc
        raise FetchError(f"The feed URL could not be fetched ({exc}).") from exc
    if 300 <= result.status < 400:
        raise FetchError("A redirect without a Location header.")
    if not 200 <= result.status < 300:
        raise FetchError(f"The feed URL answered HTTP {result.status}.")
    return result.body


# --------------------------------------------------------------------------- parsing


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _id(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        text = str(value).strip()
        return text or None
    return None


def _load(data: bytes | str | Any, max_depth: int) -> Any:
    if isinstance(data, bytes | str):
        text = data.decode("utf-8-sig", "replace") if isinstance(data, bytes) else data
        if nested_deeper_than(text, max_depth):
            # json.loads would recurse once per level (a RecursionError, not a FeedError)
            raise FeedError(f"The feed is nested deeper than {max_depth} levels.")
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise FeedError("The feed is not valid JSON.") from exc
    return data


def _objects(found: Any, message: str) -> list[dict[str, Any]]:
    """A feed's postings (its JSON objects; anything else in the list is passed over).

    Raises:
        FeedError: ``message``, when ``found`` is not a list.
    """
    if not isinstance(found, list):
        raise FeedError(message)
    return [entry for entry in found if isinstance(entry, dict)]


def _greenhouse(data: Any, organization: str | None) -> list[FeedPosting]:
    jobs = _objects(
        data.get("jobs") if isinstance(data, dict) else None,
        "A Greenhouse feed is an object with a 'jobs' list.",
    )
    out = []
    for job in jobs:
        # Greenhouse entity-escapes the HTML of 'content' (&lt;p&gt;...).
        content = html.unescape(_text(job.get("content")))
        out.append(
            FeedPosting(
                external_id=_id(job.get("id")),
                title=_text(job.get("title")),
                description=content,
                organization=organization or _text(job.get("company_name")) or None,
                url=_text(job.get("absolute_url")) or None,
            )
        )
    return out


def _lever(data: Any, organization: str | None) -> list[FeedPosting]:
    postings = _objects(
        data if isinstance(data, list) else data.get("data") if isinstance(data, dict) else None,
        "A Lever feed is a list of postings (mode=json).",
    )
    out = []
    for post in postings:
        parts = [_text(post.get("description")) or html.escape(_text(post.get("descriptionPlain")))]
        for section in post.get("lists") or []:
            if isinstance(section, dict):
                heading = html.escape(_text(section.get("text")))
                content = _text(section.get("content"))
                if "<li" not in content and content:
                    content = "".join(f"<li>{html.escape(c)}</li>" for c in content.splitlines())
                parts.append(f"<h3>{heading}</h3><ul>{content}</ul>")
        extra = _text(post.get("additional")) or html.escape(_text(post.get("additionalPlain")))
        if extra:
            parts.append(extra)
        out.append(
            FeedPosting(
                external_id=_id(post.get("id")),
                title=_text(post.get("text")),
                description="\n".join(p for p in parts if p),
                organization=organization,
                url=_text(post.get("hostedUrl")) or None,
            )
        )
    return out


def _ashby(data: Any, organization: str | None) -> list[FeedPosting]:
    jobs = _objects(
        data.get("jobs") if isinstance(data, dict) else None,
        "An Ashby feed is an object with a 'jobs' list.",
    )
    out = []
    for job in jobs:
        if job.get("isListed") is False:
            continue
        description = _text(job.get("descriptionHtml")) or html.escape(
            _text(job.get("descriptionPlain"))
        ).replace("\n", "<br>")
        out.append(
            FeedPosting(
                external_id=_id(job.get("id")) or _text(job.get("jobUrl")) or None,
                title=_text(job.get("title")),
                description=description,
                organization=organization,
                url=_text(job.get("jobUrl")) or None,
            )
        )
    return out


def jsonld_postings(data: bytes | str | Any) -> list[dict[str, Any]]:
    """Every schema.org ``JobPosting`` object in JSON-LD, or in an HTML page's JSON-LD blocks
    (the library's one rule for finding them, ``matcher.jsonld_postings``).

    Raises:
        FeedError: neither JSON nor HTML with JSON-LD, or no JobPosting in it.
    """
    try:
        found = find_jsonld_postings(data)
    except InvalidJobPostingError as exc:
        raise FeedError(exc.message) from exc
    if not found:
        raise FeedError("The JSON-LD holds no schema.org JobPosting.")
    return [dict(posting) for posting in found]


def read_feed(
    data: bytes | str | Any,
    fmt: FeedFormat,
    *,
    organization: str | None = None,
    max_depth: int = 64,
) -> list[dict[str, Any]]:
    """The postings of a feed, each as a schema.org ``JobPosting`` dict.

    Postings without a title or a description are skipped.

    Raises:
        FeedError: the data is not a feed of that format, or JSON nested deeper than
            ``max_depth`` (``ROLEFIT_MAX_JSON_DEPTH``).
    """
    if fmt == "jsonld":
        return jsonld_postings(data)  # the matcher's reader refuses JSON nested too deep
    loaded = _load(data, max_depth)
    readers = {"greenhouse": _greenhouse, "lever": _lever, "ashby": _ashby}
    if fmt not in readers:
        raise FeedError(f"Unknown feed format {fmt!r}: use one of {', '.join(FORMATS)}.")
    postings = readers[fmt](loaded, organization)
    return [p.jsonld() for p in postings if p.title and p.description.strip()]
