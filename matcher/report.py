"""A ``MatchReport`` as JSON: the one serialiser of reports (API, CLI, job board).

Two shapes, named by the report's ``detail`` field:

* ``compact`` (the default everywhere): each skill's evidence is held once, in ``skills``, as
  arrays ``[surface, section, page, line, start, end, strength, how, score]`` (``how`` and
  ``score`` only when not the skill's own); a role's ``matched``/``partial``/``missing``
  entries refer to skills by id, as arrays ``[skill_id, importance, weight, credit, via]``
  without their trailing defaults (the evidence is the report skill ``via``'s for partial
  credit earned by a related skill, else ``skill_id``'s), and ``skill_names`` names every
  skill they refer to. A suggestion refers to the evidence ``skills`` hold as
  ``evidence_refs`` (``[skill_id, index]``) and leaves out its null and empty fields. Under
  40 KB for every 2-page resume of the corpus (issue 13; ``docs/service.md`` has the sizes).
* ``full``: evidence as objects, repeated in every role entry and suggestion (the shape
  before compact reports; ``?detail=full``, ``rolefit match --full``).

Beyond the dataclass fields, the JSON shows two derived values (a skill's best ``strength``, a
tier's ``score``) and leaves the posting's ``text`` out. A role's ``title_match`` stays
internal.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import pydantic_core

from matcher.models import MatchReport, RoleScore, TierScore

__all__ = ["DETAILS", "Detail", "report_json"]

Detail = Literal["compact", "full"]
DETAILS: tuple[Detail, ...] = ("compact", "full")

_STRENGTH_ORDER = {"used": 0, "listed": 1, "mentioned": 2}
_ROLE_FIELDS = tuple(
    f.name for f in dataclasses.fields(RoleScore) if f.name not in ("title_match", "title_current")
)
_TIER_FIELDS = (*(f.name for f in dataclasses.fields(TierScore)), "score")
_MATCH_ORDER = ("matched", "partial", "missing")
_ROLE_HEAD = tuple(name for name in _ROLE_FIELDS if name not in _MATCH_ORDER)
_TIER_LISTS = frozenset({"by_importance", "by_category"})


def _skill_view(skill: dict[str, Any]) -> None:
    evidence = skill["evidence"]
    strengths = (e["strength"] for e in evidence)
    skill["strength"] = min(strengths, key=_STRENGTH_ORDER.__getitem__, default="mentioned")


_JSON_KEYS: dict[str, bytes] = {}


def _key(name: str) -> bytes:
    """``"name":`` as JSON bytes (memoised: the same few dozen field names every time)."""
    key = _JSON_KEYS.get(name)
    if key is None:
        key = _JSON_KEYS[name] = pydantic_core.to_json(name) + b":"
    return key


# A skill the resume misses reads the same in every report (no evidence, no credit): most of a
# report's entries are such gaps, so their JSON is kept across reports. The keys are bounded by
# the taxonomy (skill x importance x weight); the cap only guards against job postings' weights.
_MISSING_JSON: dict[Any, bytes] = {}
_MISSING_JSON_CAP = 20_000


def _match_json(match: Any) -> bytes:
    """A ``SkillMatch`` as ``SkillMatchOut`` JSON (the same fields), gaps from ``_MISSING_JSON``."""
    if match.evidence:
        return pydantic_core.to_json(match)
    item = _MISSING_JSON.get(match)
    if item is None:
        if len(_MISSING_JSON) >= _MISSING_JSON_CAP:
            _MISSING_JSON.clear()
        item = _MISSING_JSON[match] = pydantic_core.to_json(match)
    return item


def _ref_json(match: Any) -> bytes:
    """A ``SkillMatch`` by reference (``SkillRefOut``): the array ``[skill_id, importance,
    weight, credit, via]`` without its trailing defaults (``credit`` 0, ``via`` null), so a gap
    is ``[skill_id, importance, weight]``. No name (``skill_names`` has it), no status (the list
    it is in), no evidence (the report skill ``via``'s, else ``skill_id``'s)."""
    item = _REF_JSON.get(match)
    if item is None:
        if len(_REF_JSON) >= _MISSING_JSON_CAP:
            _REF_JSON.clear()
        ref: list[Any] = [match.skill_id, match.importance, match.weight]
        if match.credit or match.via is not None:
            ref.append(match.credit)
        if match.via is not None:
            ref.append(match.via)
        item = _REF_JSON[match] = pydantic_core.to_json(ref)
    return item


_REF_JSON: dict[Any, bytes] = {}


def _role_json(role: Any, cache: dict[int, bytes], names: dict[str, str] | None = None) -> bytes:
    """A ``RoleScore`` as ``RoleScoreOut`` JSON; a ``SkillMatch`` shared by several roles
    (scoring memoises them per resume) is serialised once, straight from the dataclass
    (``SkillMatchOut`` has the same fields), and its bytes spliced into every role. The scalar
    fields and the tiers go through pydantic-core in one call, the three lists after them.

    With ``names`` (compact), the lists hold references and ``names`` collects their names."""
    head: dict[str, Any] = {}
    for name in _ROLE_HEAD:
        value = getattr(role, name)
        if name in _TIER_LISTS:
            value = [{k: getattr(t, k) for k in _TIER_FIELDS} for t in value]
        head[name] = value
    parts = [pydantic_core.to_json(head)[:-1]]  # without its closing brace
    for name in _MATCH_ORDER:
        items: list[bytes] = []
        for match in getattr(role, name):
            item = cache.get(id(match))
            if item is None:
                if names is None:
                    item = cache[id(match)] = _match_json(match)
                else:
                    item = cache[id(match)] = _ref_json(match)
                    names[match.skill_id] = match.name
            items.append(item)
        parts.append(_key(name) + b"[" + b",".join(items) + b"]")
    return b",".join(parts) + b"}"


_EVIDENCE_ROW = ("surface", "section", "page", "line", "start", "end", "strength")


def _compact_evidence(skill: dict[str, Any]) -> None:
    """A report skill's evidence in a compact report (``CompactEvidence``), in place: arrays
    ``[surface, section, page, line, start, end, strength, how, score]``, ``how`` and ``score``
    left out when they are the skill's own (nearly always: the skill's are its best)."""
    rows: list[list[Any]] = []
    for evidence in skill["evidence"]:
        row = [evidence[name] for name in _EVIDENCE_ROW]
        if evidence["how"] != skill["how"] or evidence["score"] != skill["score"]:
            row += [evidence["how"], evidence["score"]]
        rows.append(row)
    skill["evidence"] = rows


def _compact_suggestions(report: MatchReport, items: list[dict[str, Any]]) -> None:
    """The suggestions of a compact report (``SuggestionCompactOut``), in place: an evidence
    entry the report's ``skills`` hold is referred to as ``[skill_id, index]`` into that skill's
    ``evidence`` (``evidence_refs``), and ``skill_id``, ``section``, ``evidence`` and
    ``evidence_refs`` are left out when null or empty. A suggestion's evidence is referred to
    only when all of it is held (a skill's own evidence; lines without a number are not)."""
    held: dict[Any, tuple[str, int]] = {}
    for skill in report.skills:
        for i, evidence in enumerate(skill.evidence):
            held.setdefault(evidence, (skill.skill_id, i))
    for suggestion, item in zip(report.suggestions, items, strict=True):
        for name in ("skill_id", "section"):
            if item[name] is None:
                del item[name]
        refs = [held.get(e) for e in suggestion.evidence]
        if not refs:
            del item["evidence"]
        elif all(ref is not None for ref in refs):
            del item["evidence"]
            item["evidence_refs"] = refs


def report_json(report: MatchReport, *, detail: Detail = "compact") -> bytes:
    """A match report as the JSON rolefit answers with: the HTTP API's ``MatchReport`` and
    ``rolefit match --json`` (the same bytes; ``service/schemas.py`` describes them for OpenAPI
    and ``tests/service/test_report_json.py`` checks the two agree).

    ``detail="compact"`` (the default) holds each skill's evidence once, in ``skills``, and
    the roles and suggestions refer to it; ``detail="full"`` repeats it in every role entry
    and suggestion.

    Raises:
        ValueError: ``detail`` is neither ``compact`` nor ``full``.

    A ``/v1/match`` answer holds every role with its matched, partial and missing skills (about
    800 entries, 170 KB): validating that tree into the API models costs about as much as
    extraction. Here each distinct ``SkillMatch`` is serialised once by pydantic-core (Rust)
    straight from the dataclass (title variants share their parent's) and the bytes spliced
    into the roles, which are built from the API models' own field lists; the rest is walked by
    pydantic-core with the two derived values the API shows (a skill's best ``strength``, a
    tier's ``score``) added and the posting's ``text`` left out (1.3 ms instead of 2.0 for
    the bench's 2-page resume; 6.9 ms through the API models).
    ``tests/service/test_report_json.py`` checks it against ``report_out`` so the two cannot
    drift apart.
    """
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {', '.join(DETAILS)}, not {detail!r}")
    names: dict[str, str] | None = None if detail == "full" else {}
    cache: dict[int, bytes] = {}
    rest = dataclasses.replace(report, roles=(), job=None)
    data: dict[str, Any] = {"detail": detail, **pydantic_core.to_jsonable_python(rest)}
    for skill in data["skills"]:
        _skill_view(skill)
    if names is not None:
        _compact_suggestions(report, data["suggestions"])
        for skill in data["skills"]:
            _compact_evidence(skill)
    posting = data.get("posting")
    if posting is not None:
        posting.pop("text", None)
        for group in ("required", "preferred", "mentioned"):
            for skill in posting[group]:
                _skill_view(skill)
    parts: list[bytes] = []
    for name, value in data.items():
        if name == "roles":
            roles = b",".join(_role_json(role, cache, names) for role in report.roles)
            parts.append(_key(name) + b"[" + roles + b"]")
        elif name == "job":
            job = b"null" if report.job is None else _role_json(report.job, cache, names)
            parts.append(_key(name) + job)
            if names is not None:  # after the roles and the job, which fill it
                parts.append(_key("skill_names") + pydantic_core.to_json(names))
        else:
            parts.append(_key(name) + pydantic_core.to_json(value))
    return b"{" + b",".join(parts) + b"}"
