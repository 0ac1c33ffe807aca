"""The rolefit taxonomy: roles, skills and their sources, validated and versioned.

``load_taxonomy()`` reads ``taxonomy/data/*.toml`` once, validates it against ``schema.py``,
checks its integrity and returns a ``Taxonomy`` whose ``version`` is a hash of the data.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from taxonomy.schema import Fact, Role, RoleSkill, Skill, Source

__all__ = [
    "DATA_DIR",
    "SOURCES_DIR",
    "Taxonomy",
    "TaxonomyDataError",
    "load_taxonomy",
    "normalize_name",
]

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
SOURCES_DIR = PACKAGE_DIR / "sources"


_M = TypeVar("_M", bound=BaseModel)


class TaxonomyDataError(ValueError):
    """The taxonomy files are invalid (raised at load time, never while matching)."""


_KEEP = re.compile(r"[^a-z0-9+#./& -]+")
_SPACE = re.compile(r"\s+")


def normalize_name(text: str) -> str:
    """The key used to compare skill names and aliases.

    NFKC, case-folded, punctuation other than ``+ # . / & -`` dropped, whitespace collapsed;
    so "C++", "C#", ".NET", "Node.js" and "CI/CD" stay distinct from "C", "NET", "Nodejs".
    """
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").casefold()
    text = _KEEP.sub(" ", text)
    return _SPACE.sub(" ", text).strip(" .-")


@dataclass(frozen=True)
class Taxonomy:
    """The loaded taxonomy with lookups. Immutable; build once per process."""

    skills: dict[str, Skill]
    roles: dict[str, Role]
    version: str
    name_index: dict[str, str] = field(default_factory=dict)  # normalized name/alias -> skill id

    def skill(self, skill_id: str) -> Skill:
        return self.skills[skill_id]

    def lookup(self, name: str) -> Skill | None:
        """Exact name or alias lookup (normalized); ``None`` when unknown."""
        skill_id = self.name_index.get(normalize_name(name))
        return None if skill_id is None else self.skills[skill_id]

    def role_skills(self, role_id: str) -> list[RoleSkill]:
        """A role's effective skills: a variant's refinements applied over its parent's."""
        role = self.roles[role_id]
        if role.kind != "variant" or role.parent is None:
            return list(role.skills)
        merged = {rs.skill: rs for rs in self.role_skills(role.parent)}
        for rs in role.skills:
            merged[rs.skill] = rs
        return list(merged.values())

    def top_roles(self) -> list[Role]:
        return [r for r in self.roles.values() if r.kind == "role"]

    def variants(self, role_id: str) -> list[Role]:
        return [r for r in self.roles.values() if r.parent == role_id]

    def find_role(self, name: str) -> Role | None:
        """A role by id, title or alias (case-insensitive); ``None`` when unknown."""
        if name in self.roles:
            return self.roles[name]
        key = normalize_name(name)
        for role in self.roles.values():
            if key in {normalize_name(t) for t in (role.id, role.title, *role.aliases)}:
                return role
        return None

    def links_by_source(self) -> dict[str, dict[str, list[str]]]:
        """What was read from each seed: ``{file: {role id: [skill ids linked from it]}}``."""
        out: dict[str, dict[str, list[str]]] = {}
        for role in self.roles.values():
            for rs in role.skills:
                for src in rs.sources:
                    ids = out.setdefault(src.file, {}).setdefault(role.id, [])
                    if rs.skill not in ids:
                        ids.append(rs.skill)
        return {f: {r: sorted(ids) for r, ids in roles.items()} for f, roles in sorted(out.items())}

    def all_sources(self) -> list[tuple[str, Source]]:
        """Every quoted sentence with where it is used (``"role ml-engineer skill python"``...)."""
        out: list[tuple[str, Source]] = []
        for skill in self.skills.values():
            out.extend((f"skill {skill.id}", src) for src in skill.sources)
        for role in self.roles.values():
            out.extend((f"role {role.id}", src) for src in role.sources)
            for rs in role.skills:
                out.extend((f"role {role.id} skill {rs.skill}", src) for src in rs.sources)
            for fact in _facts(role):
                out.extend((f"role {role.id} fact", src) for src in fact.sources)
            out.extend((f"role {role.id} salary", claim.source) for claim in role.salary)
        return out


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyDataError(f"{path.name}: {exc}") from exc


def _build_index(skills: Iterable[Skill]) -> dict[str, str]:
    index: dict[str, str] = {}
    for skill in skills:
        for name in (skill.name, *skill.aliases):
            key = normalize_name(name)
            other = index.get(key)
            if other is not None and other != skill.id:
                raise TaxonomyDataError(
                    f"alias {name!r} of skill {skill.id!r} already names skill {other!r}"
                )
            index[key] = skill.id
    return index


def _facts(role: Role) -> list[Fact]:
    facts = [role.summary] if role.summary else []
    for group in (
        role.focus,
        role.responsibilities,
        role.applications,
        role.industries,
        role.education,
        role.seniority_levels,
        role.career_paths,
    ):
        facts.extend(group)
    return facts


def _check_cycles(parents: dict[str, str | None], what: str) -> None:
    for start in parents:
        seen = {start}
        node = parents.get(start)
        while node is not None:
            if node in seen:
                raise TaxonomyDataError(f"{what} {start}: parent chain loops back to {node!r}")
            seen.add(node)
            node = parents.get(node)


def _check(skills: dict[str, Skill], roles: dict[str, Role], sources_dir: Path) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sources_dir.glob("*.txt")}

    def check_source(src: Source, where: str) -> None:
        text = texts.get(src.file)
        if text is None:
            raise TaxonomyDataError(f"{where}: unknown source file {src.file!r}")
        if src.sentence not in text:
            raise TaxonomyDataError(f"{where}: sentence not found in {src.file}: {src.sentence!r}")

    for skill in skills.values():
        if skill.parent is not None and skill.parent not in skills:
            raise TaxonomyDataError(f"skill {skill.id}: unknown parent {skill.parent!r}")
        if not skill.curated and not skill.sources:
            raise TaxonomyDataError(f"skill {skill.id}: neither curated nor sourced")
        for src in skill.sources:
            check_source(src, f"skill {skill.id}")
    _check_cycles({s.id: s.parent for s in skills.values()}, "skill")
    titles: dict[str, str] = {}
    for role in roles.values():
        if role.kind == "variant" and role.parent not in roles:
            raise TaxonomyDataError(f"role {role.id}: unknown parent {role.parent!r}")
        if role.kind == "role" and role.parent is not None:
            raise TaxonomyDataError(f"role {role.id}: only a variant has a parent")
        for title in (role.title, *role.aliases):
            other = titles.setdefault(normalize_name(title), role.id)
            if other != role.id:
                raise TaxonomyDataError(
                    f"role title/alias {title!r} of {role.id!r} already names role {other!r}"
                )
        linked: set[str] = set()
        for rs in role.skills:
            if rs.skill not in skills:
                raise TaxonomyDataError(f"role {role.id}: unknown skill {rs.skill!r}")
            if rs.skill in linked:
                raise TaxonomyDataError(f"role {role.id}: skill {rs.skill!r} linked twice")
            linked.add(rs.skill)
            for src in rs.sources:
                check_source(src, f"role {role.id} skill {rs.skill}")
        for tool in role.tools:
            if tool not in skills:
                raise TaxonomyDataError(f"role {role.id}: unknown tool {tool!r}")
        for fact in _facts(role):
            for src in fact.sources:
                check_source(src, f"role {role.id}")
        for claim in role.salary:
            check_source(claim.source, f"role {role.id} salary")
        for src in role.sources:
            check_source(src, f"role {role.id}")
    _check_cycles({r.id: r.parent for r in roles.values()}, "role")


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Load, validate and integrity-check the taxonomy in ``path`` (default: the packaged data).

    The directory holds ``skills.toml`` (``[[skill]]`` tables) and ``roles.toml``
    (``[[role]]`` tables); sources are read from ``sources/`` beside ``data/``.

    Raises:
        TaxonomyDataError: a file is missing, malformed, fails the schema or an integrity check.
    """
    data_dir = Path(path) if path is not None else DATA_DIR
    data_dir = data_dir.resolve()
    # the cache key includes each file's size and mtime, so edited data is read again
    stamp = tuple(
        (f.name, f.stat().st_mtime_ns, f.stat().st_size)
        for f in sorted(data_dir.glob("*.toml"))
        if data_dir.is_dir()
    )
    return _load_cached(data_dir, stamp)


def _validate(model: type[_M], raw: object, kind: str) -> _M:
    """Validate one ``[[skill]]``/``[[role]]`` table; errors name the entry and the field."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        ident = raw.get("id") if isinstance(raw, dict) else None
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(table)'}: {err['msg']}"
            for err in exc.errors()[:10]
        )
        raise TaxonomyDataError(f"{kind} {ident!r}: {problems}") from exc


@lru_cache(maxsize=8)
def _load_cached(data_dir: Path, stamp: tuple[tuple[str, int, int], ...]) -> Taxonomy:
    del stamp  # only part of the cache key
    if not data_dir.is_dir():
        raise TaxonomyDataError(f"{data_dir}: no such taxonomy data directory")
    files = sorted(data_dir.glob("*.toml"))
    if not files:
        raise TaxonomyDataError(f"{data_dir}: no *.toml taxonomy files")
    digest = hashlib.sha256()
    raw_skills: list[object] = []
    raw_roles: list[object] = []
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
        doc = _read_toml(file)
        for key, bucket in (("skill", raw_skills), ("role", raw_roles)):
            tables = doc.get(key, [])
            if not isinstance(tables, list):
                raise TaxonomyDataError(f"{file.name}: '{key}' must be an array of tables")
            bucket.extend(tables)
    skill_list = [_validate(Skill, raw, "skill") for raw in raw_skills]
    role_list = [_validate(Role, raw, "role") for raw in raw_roles]
    skills: dict[str, Skill] = {}
    for skill in skill_list:
        if skill.id in skills:
            raise TaxonomyDataError(f"duplicate skill id {skill.id!r}")
        skills[skill.id] = skill
    roles: dict[str, Role] = {}
    for role in role_list:
        if role.id in roles:
            raise TaxonomyDataError(f"duplicate role id {role.id!r}")
        roles[role.id] = role
    sources_dir = data_dir.parent / "sources"
    if not sources_dir.is_dir():
        sources_dir = SOURCES_DIR
    _check(skills, roles, sources_dir)
    return Taxonomy(
        skills=skills,
        roles=roles,
        version="tax-" + digest.hexdigest()[:12],
        name_index=_build_index(skills.values()),
    )
