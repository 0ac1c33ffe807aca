"""Regenerate the new set's document texts from the original files the manifest names.

Usage::

    python eval/data/derive.py --mirrors /work/.mirror [--cache eval/data/cache] [--out eval/data]
                               [--only DOC_ID ...] [--dry-run]

Every entry of ``manifest.json`` names a repository, a commit, a path (with ``#item`` when one
file holds several documents) and the sha256 of the original file. This script reads that file
from a local copy of the repository, checks its sha256, and rebuilds the text the entry's
``derived`` field describes, with one converter per kind of source:

* ``verbatim``: the file's bytes unchanged;
* a section of a multi-document markdown or text file;
* a Python string literal (module variable, dict key, ``return`` value or call argument), read
  with ``ast`` (nothing from the source is executed);
* a JavaScript/TypeScript template literal, or an object literal rendered as plain text
  (ids, URLs, logos, contact fields, flags and posting dates left out), also from ``.tsx``/``.jsx``
  page components;
* YAML / Jekyll front matter reduced as the entry describes;
* a JSON entry's ``content`` field;

followed, where ``derived`` says so, by markdown flattening and contact-line removal.

Where the originals come from:

* ``--mirrors DIR``: one bare git directory per repository, ``DIR/<owner>+<name>/repo`` (what the
  workplace's ``fetch`` tool produces) or ``DIR/<owner>+<name>`` itself; the file is read with
  ``git show <commit>:<path>``;
* ``--cache DIR``: files saved by hand (for repositories read through the search index without a
  snapshot), ``DIR/<owner>+<name>/<commit>/<path>``. The cache is tried after the mirrors.

The texts go to ``eval/data/resumes/`` and ``eval/data/postings/`` (gitignored: fetched content is
not committed). One line per entry says ``ok``, ``source missing`` or ``sha mismatch``; an ``ok``
line may carry a note when the number of contact lines removed differs from the count in
``derived``. Exit status 1 if any entry is not ``ok``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import re
import subprocess
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent

# ----------------------------------------------------------------------------- reading sources


def read_source(
    repo: str, commit: str, path: str, mirrors: Path | None, cache: Path | None
) -> bytes | None:
    """The original file's bytes at ``commit``, from a mirror or the cache; None if neither
    has it."""
    slug = repo.replace("/", "+")
    if mirrors is not None:
        for git_dir in (mirrors / slug / "repo", mirrors / slug):
            if not (git_dir / "HEAD").exists():
                continue
            out = subprocess.run(
                ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                capture_output=True,
                check=False,
            )
            if out.returncode == 0:
                return out.stdout
    if cache is not None:
        cached = cache / slug / commit / path
        if cached.is_file():
            return cached.read_bytes()
    return None


# ----------------------------------------------------------------------------- text helpers

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(
    r"https?://|www\.|\b(?:linkedin|github|gitlab|kaggle|behance|dribbble|medium)\.com\b"
    r"|\b[\w-]+\.(?:com|io|dev|me|design)/\S+",
    re.IGNORECASE,
)
PHONE = re.compile(r"\+\d[\d\s().-]{6,}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b")
LABELLED = re.compile(
    r"^[\W_]*(e-?mail|phone|mobile|tel|linkedin|github|portfolio|website|address)\b[\W_]*[:|]",
    re.IGNORECASE,
)
STREET = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][\w.]*\s+){1,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct)\b\.?"
)
HANDLE = re.compile(r"^\s*@[\w.]+\s*$")
BARE_DOMAIN = re.compile(r"^[\W_]*[\w-]+(?:\.[\w-]+)*\.(?:com|io|dev|me|design|net|org)[\W_]*$")
SEPARATOR = re.compile(r"^\s*[•·|]\s*$")


def is_contact_line(line: str) -> bool:
    """A line holding an e-mail address, phone number, street address or profile/portfolio URL."""
    return bool(
        EMAIL.search(line)
        or URL.search(line)
        or PHONE.search(line)
        or LABELLED.search(line)
        or STREET.search(line)
        or HANDLE.match(line)
        or BARE_DOMAIN.match(line)
    )


def remove_contact_lines(text: str, separators: bool = False) -> tuple[str, int]:
    """Drop contact lines (and, when asked, the lone bullet separators between them)."""
    kept, dropped = [], 0
    for line in text.split("\n"):
        if is_contact_line(line):
            # a lone handle between bullet separators is counted with the separators
            dropped += 0 if separators and HANDLE.match(line) else 1
            continue
        if separators and SEPARATOR.match(line):
            continue
        kept.append(line)
    return "\n".join(kept), dropped


def remove_url_lines(text: str) -> tuple[str, int]:
    """Postings: drop lines holding an e-mail address or a URL (links included)."""
    kept = [line for line in text.split("\n") if not (EMAIL.search(line) or URL.search(line))]
    return "\n".join(kept), text.count("\n") - sum(1 for _ in kept) + 1


LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
BOLD = re.compile(r"(\*\*|__)(.+?)\1")
ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def drop_emoji(text: str) -> str:
    """Remove pictographic symbols (emoji bullets and heading decorations) and their selectors."""
    out = []
    for ch in text:
        if unicodedata.category(ch) == "So" or ch in "\ufe0f\u200d":
            continue
        out.append(ch)
    return re.sub(
        r"(?m)^[ \t]+(?=\S)", lambda m: m.group(0) if len(m.group(0)) > 1 else "", "".join(out)
    )


def flatten_emphasis(text: str) -> str:
    text = BOLD.sub(r"\2", text)
    return ITALIC.sub(r"\2", text)


def flatten_markdown(text: str) -> str:
    """Headings lose their ``#``, bold/italic markers go, links become their text, ``*`` bullets
    become ``- ``, rule lines are dropped, trailing two-space line breaks are trimmed."""
    lines = []
    for line in text.split("\n"):
        if re.fullmatch(r"\s*(-{3,}|\*{3,}|_{3,})\s*", line):
            lines.append("")
            continue
        line = HEADING.sub("", line)
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)
        line = LINK.sub(r"\1", line)
        line = flatten_emphasis(line)
        lines.append(line.rstrip())
    return "\n".join(lines)


def tidy(text: str) -> str:
    """Trailing spaces trimmed, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def label(key: str) -> str:
    """``careerGrowth`` / ``career_growth`` -> ``Career growth``."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key).replace("_", " ").split()
    text = " ".join(w.lower() if not w.isupper() else w for w in words)
    return text[:1].upper() + text[1:]


def literal_text(value: str) -> str:
    """A string from source code as text: common indentation removed, outer blank lines trimmed."""
    value = value.replace("\r\n", "\n")
    if "\n" in value:
        first, rest = value.split("\n", 1)
        value = (first.strip() + "\n" if first.strip() else "") + textwrap.dedent(rest)
    return value.strip("\n").strip()


# ----------------------------------------------------------------------------- Python literals


def _const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f-string without placeholders only
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        if len(parts) == len(node.values):
            return "".join(str(p) for p in parts)
    return None


def python_item(source: str, item: str) -> Any:
    """Find ``item`` in a Python module: ``NAME`` (module variable or function's return value),
    ``NAME[i]`` (element of a list variable), a dict key, or the first argument of a call whose
    last argument is the text. Returns a str, or a dict/list for structured data."""
    tree = ast.parse(source)
    m = re.fullmatch(r"(\w+)\[(\d+)\](?:\s+(\S+))?", item)
    if m:
        name, index = m.group(1), int(m.group(2))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                return ast.literal_eval(node.value)[index]
        raise KeyError(item)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == item for t in targets):
                text = _const_str(node.value)
                return text if text is not None else ast.literal_eval(node.value)  # type: ignore[arg-type]
        if isinstance(node, ast.FunctionDef) and node.name == item:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return) and (text := _const_str(sub.value)) is not None:
                    return text
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if _const_str(k) == item and (text := _const_str(v)) is not None:
                    return text
        if (
            isinstance(node, ast.Call)
            and node.args
            and _const_str(node.args[0]) == item
            and (text := _const_str(node.args[-1])) is not None
        ):
            return text
    raise KeyError(item)


def python_only_string(source: str) -> str:
    """The one module-level string assignment of a file that holds a single text."""
    tree = ast.parse(source)
    texts = [
        t
        for node in tree.body
        if isinstance(node, ast.Assign) and (t := _const_str(node.value)) is not None
    ]
    if len(texts) != 1:
        raise KeyError(f"expected one string assignment, found {len(texts)}")
    return texts[0]


# ----------------------------------------------------------------------------- JS / TS literals


class JsSyntaxError(ValueError):
    pass


@dataclass
class JsParser:
    """Just enough of a JavaScript expression parser for object/array/string literals."""

    src: str
    pos: int = 0

    def skip(self) -> None:
        while self.pos < len(self.src):
            if self.src[self.pos].isspace():
                self.pos += 1
            elif self.src.startswith("//", self.pos):
                end = self.src.find("\n", self.pos)
                self.pos = len(self.src) if end < 0 else end
            elif self.src.startswith("/*", self.pos):
                end = self.src.find("*/", self.pos)
                self.pos = len(self.src) if end < 0 else end + 2
            else:
                return

    def peek(self) -> str:
        self.skip()
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            raise JsSyntaxError(
                f"expected {ch!r} at {self.pos}: {self.src[self.pos : self.pos + 30]!r}"
            )
        self.pos += 1

    def string(self) -> str:
        quote = self.src[self.pos]
        self.pos += 1
        out = []
        escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
        while self.pos < len(self.src):
            ch = self.src[self.pos]
            if ch == "\\":
                nxt = self.src[self.pos + 1]
                if nxt == "u":
                    out.append(chr(int(self.src[self.pos + 2 : self.pos + 6], 16)))
                    self.pos += 6
                    continue
                if nxt == "\n":
                    self.pos += 2
                    continue
                out.append(escapes.get(nxt, nxt))
                self.pos += 2
                continue
            if ch == quote:
                self.pos += 1
                return "".join(out)
            out.append(ch)
            self.pos += 1
        raise JsSyntaxError("unterminated string")

    def word(self) -> str:
        m = re.compile(r"[\w$.+-]+").match(self.src, self.pos)
        if not m:
            raise JsSyntaxError(f"unexpected {self.src[self.pos : self.pos + 30]!r}")
        self.pos = m.end()
        return m.group(0)

    def value(self) -> Any:
        result = self._value()
        self.skip()
        m = re.compile(r"(?:as|satisfies)\s+[\w.<>\[\]]+").match(self.src, self.pos)
        if m:  # TypeScript: 'x' as const
            self.pos = m.end()
        return result

    def _value(self) -> Any:
        ch = self.peek()
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.arr()
        if ch in "'\"`":
            text = self.string()
            while self.peek() == "+":  # 'a' + 'b'
                self.pos += 1
                self.peek()
                text += self.string()
            return text
        w = self.word()
        return {"true": True, "false": False, "null": None, "undefined": None}.get(w, w)

    def obj(self) -> dict[str, Any]:
        self.expect("{")
        out: dict[str, Any] = {}
        while self.peek() != "}":
            key = self.string() if self.peek() in "'\"" else self.word()
            self.expect(":")
            out[key] = self.value()
            if self.peek() == ",":
                self.pos += 1
        self.expect("}")
        return out

    def arr(self) -> list[Any]:
        self.expect("[")
        out: list[Any] = []
        while self.peek() != "]":
            out.append(self.value())
            if self.peek() == ",":
                self.pos += 1
        self.expect("]")
        return out


def js_item(source: str, item: str | None) -> Any:
    """``NAME`` / ``NAME[i]`` (with an optional ``id=...`` check) of a JS/TS module, or, without
    an item, the value of its first exported constant (a one-element array gives its element)."""
    if item is None:
        m = re.search(r"\bexport\s+(?:const|let|var)\s+\w+[^=]*=", source)
        if not m:
            raise KeyError("no exported constant")
        value = JsParser(source, m.end()).value()
        return value[0] if isinstance(value, list) and len(value) == 1 else value
    im = re.fullmatch(r"(\w+)(?:\[(\d+)\])?(?:\s+id=(\S+))?", item)
    if not im:
        raise KeyError(item)
    name, index, wanted = im.group(1), im.group(2), im.group(3)
    m = re.search(rf"\b(?:const|let|var)\s+{name}\b[^=]*=", source)
    if not m:
        raise KeyError(name)
    value = JsParser(source, m.end()).value()
    if index is None:
        return value
    element = value[int(index)]
    if wanted is not None and element.get("id") != wanted:
        matches = [e for e in value if isinstance(e, dict) and e.get("id") == wanted]
        if len(matches) != 1:
            raise KeyError(f"{item}: id {wanted} not found")
        element = matches[0]
    return element


# ----------------------------------------------------------------------------- rendering data

NAME_KEYS = {
    "title", "name", "full_name", "fullName", "position", "job_title", "jobTitle", "project_name",
    "projectName", "course_name", "degree", "company", "school", "university", "institution",
}  # fmt: skip
DROP_KEYS = {
    "id", "version", "email", "phone", "age", "gender", "linkedin", "github", "portfolio",
    "website", "twitter", "avatar", "photo", "image", "slug", "applyUrl", "datePosted",
    "jobNumber", "jobStatus", "online_profiles", "onlineProfiles", "current", "logo", "companyLogo",
    "postedDate",
}  # fmt: skip
UNLABELLED = {
    "description", "summary", "bulletPoints", "bullet_points", "achievements", "highlights",
    "responsibilities", "details",
}  # fmt: skip
HEADERLESS = {"basic_info", "basicInfo", "personal_info", "personalInfo", "contact", "header"}
START_KEYS = re.compile(r"^start_?date$", re.IGNORECASE)
END_KEYS = re.compile(r"^end_?date$", re.IGNORECASE)


def _dropped(key: str) -> bool:
    return key in DROP_KEYS or bool(re.search(r"(?i)(^|_)url$|Url$", key))


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = literal_text(str(value))
        return flatten_emphasis(text) if text else None
    return None


def render_block(obj: dict[str, Any], heading_level: int = 0) -> list[str]:
    """One object as lines: name-like fields alone on a line, short fields as ``Label: value``,
    long text as a paragraph under its label, lists as ``- `` bullets under their label, start and
    end dates as one ``start – end`` line."""
    lines: list[str] = []
    start = next((v for k, v in obj.items() if START_KEYS.match(k)), None)
    end = next((v for k, v in obj.items() if END_KEYS.match(k)), None)
    dates_done = False
    for key, value in obj.items():
        if _dropped(key):
            continue
        if START_KEYS.match(key) or END_KEYS.match(key):
            if not dates_done and (start or end):
                lines.append(f"{start or ''} – {end or 'Present'}".strip())
                dates_done = True
            continue
        if isinstance(value, dict):
            inner = render_block(value, heading_level + 1)
            if inner:
                lines += inner if key in HEADERLESS else ["", label(key), *inner]
            continue
        if isinstance(value, list):
            items = render_list(value)
            if items and heading_level > 0 and key in UNLABELLED:
                lines += items
            elif items:
                lines += ["", label(key), *items]
            continue
        text = _scalar(value)
        if text is None:
            continue
        if key in NAME_KEYS or (heading_level > 0 and key in UNLABELLED):
            lines.append(text)
        elif "\n" in text or len(text) > 80:
            lines += ["", label(key), text] if heading_level == 0 else [text]
        else:
            lines.append(f"{label(key)}: {text}")
    return lines


def render_list(values: list[Any]) -> list[str]:
    lines: list[str] = []
    for value in values:
        if isinstance(value, dict):
            shown = {k: v for k, v in value.items() if not _dropped(k)}
            scalars = [_scalar(v) for v in shown.values()]
            if (
                all(s is not None and "\n" not in s and len(s) <= 60 for s in scalars)
                and len(scalars) <= 3
            ):
                parts = [s for s in scalars if s]
                if parts:
                    lines.append(
                        "- "
                        + (parts[0] if len(parts) == 1 else f"{parts[0]} ({', '.join(parts[1:])})")
                    )
                continue
            block = render_block(shown, 1)
            if block:
                lines += ["", *block]
        elif isinstance(value, list):
            lines += render_list(value)
        else:
            text = _scalar(value)
            if text:
                lines.append(text if text.startswith(("-", "•")) else f"- {text}")
    return lines


# A resume's sections in the usual order: who, what they do now and did, what they know, then
# where they studied. Object literals list them in any order (one mock-data file puts education
# right after the contact block); keys not named here keep their place after these.
RESUME_ORDER = (
    re.compile(r"(?i)^(basic_?info|personal_?info|contact|header|name|full_?name|title|summary)$"),
    re.compile(r"(?i)(current_?job|experience|work|employment)"),
    re.compile(r"(?i)(skills|projects)"),
    re.compile(r"(?i)(education|certifications|courses)"),
)


def resume_order(obj: dict[str, Any]) -> dict[str, Any]:
    def rank(key: str) -> int:
        return next((i for i, rx in enumerate(RESUME_ORDER) if rx.search(key)), len(RESUME_ORDER))

    return {k: obj[k] for k in sorted(obj, key=rank)}  # sorted() is stable


def render_object(obj: dict[str, Any], resume: bool = False) -> str:
    return tidy("\n".join(render_block(resume_order(obj) if resume else obj)))


# ----------------------------------------------------------------------------- front matter


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    m = re.match(r"---\s*\n(.*?)\n---\s*\n?", text, re.DOTALL)
    if not m:
        return {}, text
    meta = yaml.safe_load(m.group(1)) or {}
    return meta, text[m.end() :]


def _fm_list(meta: dict[str, Any], key: str) -> list[str]:
    values = meta.get(key) or []
    return [f"- {str(v).strip()}" for v in values] if isinstance(values, list) else [str(values)]


def atek_posting(text: str) -> str:
    """title / description / responsibilities / requirements / skills / benefits, in that order."""
    meta, _ = split_front_matter(text)
    lines = [str(meta["title"]).strip(), "", str(meta.get("description", "")).strip()]
    for key in ("responsibilities", "requirements", "skills", "benefits"):
        if meta.get(key):
            lines += ["", label(key), *_fm_list(meta, key)]
    return tidy("\n".join(lines))


def spritle_posting(text: str) -> str:
    """Front matter reduced to the title and the job type; body with emphasis flattened."""
    meta, body = split_front_matter(text)
    head = [str(meta["title"]).strip()]
    if meta.get("job_type"):
        head.append(f"Job type: {meta['job_type']}")
    body = "\n".join(flatten_emphasis(line) for line in body.split("\n"))
    return tidy("\n".join([*head, "", body]))


def tustin_posting(text: str) -> str:
    """position, location, team, employment type, description, certification and benefit lists."""
    meta, _ = split_front_matter(text)
    lines = [str(meta["position"]).strip()]
    for key, name in (
        ("location", "Location"),
        ("team", "Team"),
        ("employmentType", "Employment type"),
    ):
        if meta.get(key):
            lines.append(f"{name}: {meta[key]}")
    lines += ["", str(meta.get("description", "")).strip()]
    for key in ("requiredCertifications", "preferredCertifications", "benefits"):
        if meta.get(key):
            lines += ["", label(key), *_fm_list(meta, key)]
    return tidy("\n".join(lines))


LIQUID_OUTPUT = re.compile(r"\{\{\s*(.*?)\s*\}\}")
LIQUID_TAG = re.compile(r"\{%-?\s*(.*?)\s*-?%\}")


def _liquid_value(expr: str, meta: dict[str, Any]) -> str:
    parts = [p.strip() for p in expr.split("|")]
    name = parts[0]
    if not name.startswith("page."):
        return ""
    value = meta.get(name[5:])
    if value is None:
        return ""
    for flt in parts[1:]:
        fm = re.fullmatch(r"minus:\s*(-?\d+)", flt)
        if fm:
            with contextlib.suppress(ValueError):
                value = int(str(value)) - int(fm.group(1))
    return str(value).strip()


def jekyll_posting(text: str) -> tuple[str, int]:
    """The page's title, then its body with Liquid output filled from the front matter (other
    Liquid output and all Liquid tags removed), HTML tags and link targets dropped, and lines
    holding an e-mail address or URL removed. Returns the text and the number of lines removed."""
    meta, body = split_front_matter(text)
    body = LIQUID_TAG.sub("", body)
    body = LIQUID_OUTPUT.sub(lambda m: _liquid_value(m.group(1), meta), body)
    body, removed = remove_url_lines(body)
    body = HTML_TAG.sub("", body)
    body = LINK.sub(r"\1", body)
    return tidy("\n".join([str(meta["title"]).strip(), "", body])), removed


# ----------------------------------------------------------------------------- sections


def markdown_section(text: str, heading: str, keep_heading: bool) -> str:
    """The part of a multi-document markdown file under ``## <heading>``, up to the next heading
    of the same level; a closing ``---`` rule is left out."""
    lines = text.split("\n")
    start = next(
        i for i, line in enumerate(lines) if re.fullmatch(rf"#+\s*{re.escape(heading)}\s*", line)
    )
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(rf"#{{1,{level}}}\s", lines[i])),
        len(lines),
    )
    part = lines[start if keep_heading else start + 1 : end]
    while part and (not part[-1].strip() or re.fullmatch(r"\s*-{3,}\s*", part[-1])):
        part.pop()
    return "\n".join(part)


def text_section(text: str, heading: str) -> str:
    """The part of a plain-text file after the line starting with ``heading`` (dropped), up to the
    next ``---`` rule."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next(
        (i for i in range(start + 1, len(lines)) if re.fullmatch(r"\s*-{3,}\s*", lines[i])),
        len(lines),
    )
    return "\n".join(lines[start + 1 : end])


def first_code_block(text: str) -> str:
    m = re.search(r"```[^\n]*\n(.*?)\n```", text, re.DOTALL)
    if not m:
        raise KeyError("no code block")
    return m.group(1)


def drop_rule_lines(text: str) -> str:
    return "\n".join(
        line for line in text.split("\n") if not re.fullmatch(r"\s*[═─━=_-]{5,}\s*", line)
    )


def drop_first_heading(text: str) -> str:
    lines = text.split("\n")
    i = next((i for i, line in enumerate(lines) if line.strip()), None)
    if i is not None and lines[i].lstrip().startswith("#"):
        del lines[i]
    return "\n".join(lines)


def render_reportlab_profile(profile: dict[str, Any]) -> str:
    """The profile dict as the repository's PDF lays it out, without e-mail, phone and LinkedIn."""
    lines = [
        profile["name"],
        profile.get("location", ""),
        "",
        "PROFESSIONAL SUMMARY",
        profile["summary"],
        "",
    ]
    lines.append("TECHNICAL SKILLS")
    lines += [f"{cat}: {skills}" for cat, skills in profile["skills"].items()]
    lines += ["", "PROFESSIONAL EXPERIENCE"]
    for exp in profile["experience"]:
        lines += [f"{exp['title']} | {exp['company']} | {exp['duration']}", exp["location"]]
        lines += [f"• {a}" for a in exp["achievements"]]
        lines.append("")
    lines.append("EDUCATION")
    for edu in profile["education"]:
        lines.append(f"{edu['degree']} | {edu['school']} | {edu['year']}")
        if "details" in edu:
            lines.append(edu["details"])
    if "certifications" in profile:
        lines += ["", "CERTIFICATIONS", *(f"• {c}" for c in profile["certifications"])]
    return tidy("\n".join(lines))


# ----------------------------------------------------------------------------- recipes


@dataclass
class Result:
    text: str
    notes: list[str] = field(default_factory=list)


def expected_contact_lines(derived: str) -> int | None:
    m = re.search(r"contact-removed \((\d+)", derived) or re.search(
        r"(\d+) lines with e-mail", derived
    )
    return int(m.group(1)) if m else None


def derive_text(entry: dict[str, Any], raw: bytes) -> Result:
    """Build the entry's text from the original file's bytes, as its ``derived`` field says."""
    derived: str = entry["derived"]
    path: str = entry["source"]["path"]
    item = path.split("#", 1)[1] if "#" in path else None
    fname = path.split("#", 1)[0]
    text = raw.decode("utf-8")
    notes: list[str] = []
    removed: int | None = None

    if derived.startswith("verbatim") and item is None and not fname.endswith(".py"):
        return Result(text)  # byte for byte (decoded and re-encoded as UTF-8)
    if derived.startswith("converted-from-front-matter (YAML fields title"):
        return Result(atek_posting(text))
    if derived.startswith("front matter reduced to title and job type"):
        return Result(spritle_posting(text))
    if derived.startswith("converted-from-front-matter (position"):
        return Result(tustin_posting(text))
    if derived.startswith("converted: Jekyll"):
        out, removed = jekyll_posting(text)
        return Result(out, _count_note(derived, removed))

    # Pick the document out of its file.
    if fname.endswith(".py"):
        value = python_item(text, item) if item else python_only_string(text)
        if isinstance(value, dict) and "content" in value:
            value = value["content"]
        if isinstance(value, dict):
            out = render_reportlab_profile(value)
            return Result(out)
        body = literal_text(value)
    elif fname.endswith((".ts", ".js", ".tsx", ".jsx")):  # a JSX page's object literal
        value = js_item(text, item)
        if isinstance(value, dict) and isinstance(value.get("content"), dict):
            value = value["content"]  # a gallery entry: its resume, not the gallery's card
        if isinstance(value, dict):
            return Result(render_object(value, resume=entry["kind"] == "resume"))
        body = literal_text(value)
    elif fname.endswith(".json"):
        m = re.fullmatch(r"(\w+)\[(\d+)\](?:\s+id=(\S+))?", item or "")
        if not m:
            raise KeyError(item)
        element = json.loads(text)[m.group(1)][int(m.group(2))]
        if m.group(3) and element.get("id") != m.group(3):
            raise KeyError(f"{item}: id mismatch")
        body = element["content"]
    elif item is not None and fname.endswith(".md"):
        body = markdown_section(text, item, keep_heading=not derived.startswith("contact-removed"))
    elif item is not None:
        body = text_section(text, item)
    elif derived.startswith("first code block"):
        body = drop_rule_lines(first_code_block(text))
    else:
        body = text

    if "heading" in derived and "dropped" in derived and "Resume" in derived:
        body = drop_first_heading(body)
    if "emoji" in derived:
        body = drop_emoji(body)
    if "contact-removed" in derived or "left out" in derived:
        body, removed = remove_contact_lines(body, separators="separators" in derived)
        notes += _count_note(derived, removed)
    if "Contact Information" in derived:
        body = re.sub(r"(?m)^\**Contact Information\**\s*\n", "", body)
    # README: "Markdown resumes were flattened" (not every entry's `derived` repeats it)
    if "flattened" in derived or (entry["kind"] == "resume" and fname.endswith(".md")):
        body = flatten_markdown(body)
    if derived.startswith("verbatim") and not any(w in derived for w in ("contact", "flatten")):
        return Result(body.strip("\n") + "\n", notes)
    return Result(tidy(body), notes)


def _count_note(derived: str, removed: int) -> list[str]:
    expected = expected_contact_lines(derived)
    if expected is not None and expected != removed:
        return [f"removed {removed} contact lines, derived says {expected}"]
    return []


# ----------------------------------------------------------------------------- main


def run(
    entries: list[dict[str, Any]],
    mirrors: Path | None,
    cache: Path | None,
    out: Path,
    write: bool,
    say: Callable[[str], None] = print,
) -> Iterator[tuple[str, str]]:
    for entry in entries:
        src = entry["source"]
        fname = src["path"].split("#", 1)[0]
        raw = read_source(src["repo"], src["commit"], fname, mirrors, cache)
        doc_id = entry["doc_id"]
        if raw is None:
            say(f"{doc_id:40s} source missing ({src['repo']}@{src['commit'][:10]}:{fname})")
            yield doc_id, "source missing"
            continue
        if hashlib.sha256(raw).hexdigest() != src["sha256"]:
            say(f"{doc_id:40s} sha mismatch")
            yield doc_id, "sha mismatch"
            continue
        result = derive_text(entry, raw)
        if write:
            target = out / entry["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(result.text, encoding="utf-8")
        note = f"  ({'; '.join(result.notes)})" if result.notes else ""
        say(f"{doc_id:40s} ok {len(result.text.encode('utf-8')):6d} bytes{note}")
        yield doc_id, "ok"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--mirrors", type=Path, help="root of the bare git mirrors (<owner>+<name>/repo)"
    )
    ap.add_argument(
        "--cache", type=Path, default=HERE / "cache", help="files read without a snapshot"
    )
    ap.add_argument("--out", type=Path, default=HERE, help="where resumes/ and postings/ go")
    ap.add_argument("--manifest", type=Path, default=HERE / "manifest.json")
    ap.add_argument("--only", nargs="*", help="doc_ids to derive (default: all)")
    ap.add_argument("--dry-run", action="store_true", help="check and derive, write nothing")
    args = ap.parse_args(argv)
    entries = json.loads(args.manifest.read_text(encoding="utf-8"))
    if args.only:
        entries = [e for e in entries if e["doc_id"] in set(args.only)]
    status = dict(run(entries, args.mirrors, args.cache, args.out, write=not args.dry_run))
    counts: dict[str, int] = {}
    for s in status.values():
        counts[s] = counts.get(s, 0) + 1
    print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())), f"(of {len(entries)})")
    return 0 if counts.get("ok", 0) == len(entries) else 1


if __name__ == "__main__":
    sys.exit(main())
