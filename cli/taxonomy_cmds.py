"""Taxonomy commands: browse roles and skills, validate a taxonomy directory.

```
rolefit roles [--json]                      the roles and their title variants
rolefit roles show ID [--json]              one role: skills by tier with sources, salaries, facts
rolefit skills QUERY [--json]               a skill by name or alias (exit 1 when unknown)
rolefit skills --list [--category C]        the vocabulary
rolefit taxonomy validate [PATH] [--json]   load and check a data directory
rolefit taxonomy sources [--json]           what was read from each seed document
```
Every command takes ``--taxonomy DIR`` to read another data directory.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cli.app import EXIT_FAILED, app, console, err_console, fail, print_json
from matcher.errors import TaxonomyError, UnknownRoleError
from matcher.models import IMPORTANCE_ORDER

if TYPE_CHECKING:
    from taxonomy import Taxonomy
    from taxonomy.schema import Role, RoleSkill, Skill

__all__ = ["roles_app", "skills_cmd", "taxonomy_app"]

roles_app = typer.Typer(
    help="The roles of the taxonomy (and their title variants).",
    invoke_without_command=True,
)
taxonomy_app = typer.Typer(help="Validate and inspect taxonomy data.", no_args_is_help=True)
app.add_typer(roles_app, name="roles")
app.add_typer(taxonomy_app, name="taxonomy")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
TaxonomyOpt = Annotated[
    Path | None,
    typer.Option("--taxonomy", help="Taxonomy data directory (default: the packaged data)."),
]


def _load(path: Path | None, *, as_json: bool) -> Taxonomy:
    from taxonomy import TaxonomyDataError, load_taxonomy

    try:
        return load_taxonomy(path)
    except TaxonomyDataError as exc:
        fail(TaxonomyError(str(exc)), as_json=as_json)


def _role_summary(tax: Taxonomy, role: Role) -> dict[str, Any]:
    return {
        "id": role.id,
        "title": role.title,
        "kind": role.kind,
        "parent": role.parent,
        "aliases": list(role.aliases),
        "skills": len(tax.role_skills(role.id)),
        "variants": [v.id for v in tax.variants(role.id)],
    }


def _link(tax: Taxonomy, rs: RoleSkill, *, inherited: bool) -> dict[str, Any]:
    skill = tax.skills[rs.skill]
    return {
        "skill": rs.skill,
        "name": skill.name,
        "category": skill.category,
        "importance": rs.importance,
        "weight": rs.weight,
        "inherited": inherited,
        "sources": [src.model_dump() for src in rs.sources],
    }


def role_detail(tax: Taxonomy, role: Role) -> dict[str, Any]:
    """One role as JSON: its fields, its effective skills (a variant's merged over its parent's)."""
    own = {rs.skill for rs in role.skills}
    data: dict[str, Any] = role.model_dump(exclude={"skills"})
    data["skills"] = [
        _link(tax, rs, inherited=rs.skill not in own)
        for rs in sorted(
            tax.role_skills(role.id),
            key=lambda r: (IMPORTANCE_ORDER.index(r.importance), -r.weight, r.skill),
        )
    ]
    data["variants"] = [v.id for v in tax.variants(role.id)]
    data["taxonomy_version"] = tax.version
    return data


@roles_app.callback()
def roles_cmd(
    ctx: typer.Context, as_json: JsonOpt = False, taxonomy_dir: TaxonomyOpt = None
) -> None:
    """List the roles and their title variants."""
    if ctx.invoked_subcommand is not None:
        return
    tax = _load(taxonomy_dir, as_json=as_json)
    rows = [_role_summary(tax, r) for r in tax.top_roles()]
    variants = [_role_summary(tax, r) for r in tax.roles.values() if r.kind == "variant"]
    if as_json:
        print_json({"version": tax.version, "roles": rows, "variants": variants})
        return
    # One line per role in 80 columns: each role followed by its title variants (↳), a long
    # title cut with "…" rather than wrapped; the aliases are in `roles show` and --json.
    table = Table(
        title=f"Roles (taxonomy {tax.version})",
        caption="↳ title variant · aliases, sources: rolefit roles show ID",
    )
    widest_id = max((len(r["id"]) + 2 for r in rows + variants), default=2)
    table.add_column("id", no_wrap=True, min_width=widest_id)  # ids are typed: never cut
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=30)
    table.add_column("skills", justify="right", no_wrap=True, min_width=6)
    for row in rows:
        for item in [row, *(v for v in variants if v["parent"] == row["id"])]:
            table.add_row(
                item["id"] if item is row else f"↳ {item['id']}",
                item["title"],
                str(item["skills"]),
            )
    console.print(table)


@roles_app.command("show")
def roles_show_cmd(
    role_id: Annotated[str, typer.Argument(help="Role id, title or alias.")],
    as_json: JsonOpt = False,
    taxonomy_dir: TaxonomyOpt = None,
) -> None:
    """Show one role: skills by tier with their source sentences, salary claims, facts."""
    tax = _load(taxonomy_dir, as_json=as_json)
    role = tax.find_role(role_id)
    if role is None:
        known = ", ".join(r.id for r in tax.top_roles())
        fail(UnknownRoleError(f"Unknown role {role_id!r}; roles: {known}."), as_json=as_json)
    data = role_detail(tax, role)
    if as_json:
        print_json(data)
        return
    head = f"[bold]{role.title}[/] ({role.id})"
    if role.parent:
        head += f" - variant of {role.parent}"
    console.print(head)
    if role.aliases:
        console.print(f"Also called: {', '.join(role.aliases)}")
    if role.summary:
        console.print(role.summary.text)
    for tier in IMPORTANCE_ORDER:
        links = [s for s in data["skills"] if s["importance"] == tier]
        if not links:
            continue
        table = Table(title=f"{tier} skills ({len(links)})", show_lines=False)
        for col in ("skill", "weight", "source"):
            table.add_column(col, overflow="fold")
        for link in links:
            src = link["sources"][0]
            more = f" (+{len(link['sources']) - 1})" if len(link["sources"]) > 1 else ""
            name = link["name"] + (" (from parent)" if link["inherited"] else "")
            table.add_row(name, f"{link['weight']:g}", f"{src['file']}: {src['sentence']}{more}")
        console.print(table)
    if role.salary:
        table = Table(title="Salary claims (one per source, never averaged)")
        for col in ("figure", "kind", "level", "region", "source"):
            table.add_column(col, overflow="fold")
        for claim in role.salary:
            table.add_row(
                claim.text,
                claim.kind,
                claim.level or "",
                claim.region or "",
                f"{claim.source.file}: {claim.source.sentence}",
            )
        console.print(table)
    if role.tools:
        console.print(f"[bold]Tools[/] {', '.join(tax.skills[t].name for t in role.tools)}")
    for label, facts in (
        ("Focus", role.focus),
        ("Responsibilities", role.responsibilities),
        ("Applications", role.applications),
        ("Industries", role.industries),
        ("Education", role.education),
        ("Seniority levels", role.seniority_levels),
        ("Career paths", role.career_paths),
    ):
        if facts:
            console.print(f"[bold]{label}[/]")
            for fact in facts:
                console.print(f"  - {fact.text} [dim]({fact.sources[0].file})[/]")
    if data["variants"]:
        console.print(f"Variants: {', '.join(data['variants'])}")


def _skill_json(tax: Taxonomy, skill: Skill) -> dict[str, Any]:
    data: dict[str, Any] = skill.model_dump()
    data["roles"] = {
        role.id: rs.importance
        for role in tax.top_roles()
        for rs in role.skills
        if rs.skill == skill.id
    }
    data["children"] = sorted(s.id for s in tax.skills.values() if s.parent == skill.id)
    return data


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


_DEVTOOLS_FILES = {
    "devtools/simple_icons.tsv": "Simple Icons (CC0 1.0)",
    "devtools/explore_topics.tsv": "GitHub Explore topics (CC BY 4.0)",
    "devtools/stackoverflow_tags.tsv": "Stack Overflow tags (CC BY-SA 4.0)",
}


def _provenance(tax: Taxonomy, skill: Skill) -> str:
    """One line on where a skill came from: imported (which release, licence, flags) or
    written for rolefit (from a seed document, or curated), and O*NET rows merged onto it."""
    release = tax.imported_from.get("name", "O*NET")
    licence = tax.imported_from.get("licence", "")
    onet = f"{release} ({licence})" if licence else release
    flags = [f for f, on in (("Hot Technology", skill.hot), ("In Demand", skill.in_demand)) if on]
    if skill.origin == "onet":
        line = f"from: imported from {onet} by `python -m taxonomy.build`"
    elif skill.origin == "devtools":
        names = _dedupe([_DEVTOOLS_FILES.get(src.file, src.file) for src in skill.sources])
        line = "from: imported developer tool: " + "; ".join(names)
    else:
        line = "from: written for rolefit, " + (
            "curated (general vocabulary, not from a seed document)"
            if skill.curated
            else "named by a seed document"
        )
        if any(src.file.startswith("onet/") for src in skill.sources):
            line += f"; also an {onet} technology"
        tools = _dedupe(
            [_DEVTOOLS_FILES[s.file] for s in skill.sources if s.file in _DEVTOOLS_FILES]
        )
        if tools:
            line += "; also a developer tool in " + ", ".join(tools)
    if flags:
        line += "; " + ", ".join(flags)
    if skill.commodities:
        line += "; " + ", ".join(skill.commodities)
    return escape(line)


def _close_names(tax: Taxonomy, query: str, limit: int = 5) -> list[str]:
    from rapidfuzz import fuzz, process, utils

    names = {n: sid for sid, s in tax.skills.items() for n in (s.name, *s.aliases)}
    hits = process.extract(
        query, list(names), scorer=fuzz.ratio, processor=utils.default_process, limit=limit * 3
    )
    out: list[str] = []
    for name, score, _ in hits:
        skill_name = tax.skills[names[name]].name
        if score >= 75 and skill_name not in out:
            out.append(skill_name)
    return out[:limit]


@app.command("skills")
def skills_cmd(
    query: Annotated[
        list[str] | None,
        typer.Argument(help="Skill name or alias (e.g. k8s, sklearn, 'HF Transformers')."),
    ] = None,
    list_all: Annotated[bool, typer.Option("--list", help="List the vocabulary.")] = False,
    category: Annotated[
        str | None, typer.Option("--category", help="With --list: only this category.")
    ] = None,
    as_json: JsonOpt = False,
    taxonomy_dir: TaxonomyOpt = None,
) -> None:
    """Look a skill up by name or alias (exit 1 when unknown), or list the vocabulary."""
    tax = _load(taxonomy_dir, as_json=as_json)
    words = list(query or [])
    if words[:1] == ["lookup"] and len(words) > 1:  # `rolefit skills lookup NAME` reads the same
        words = words[1:]
    if list_all or not words:
        skills = sorted(tax.skills.values(), key=lambda s: (s.category, s.name.casefold()))
        if category:
            skills = [s for s in skills if s.category == category]
        if as_json:
            print_json([s.model_dump() for s in skills])
            return
        table = Table(title=f"{len(skills)} skills (taxonomy {tax.version})")
        for col in ("id", "name", "category", "parent", "aliases", "origin"):
            table.add_column(col, overflow="fold")
        for s in skills:
            # an imported technology says where from (O*NET, developer tools), not "seed"
            origin = s.origin if s.imported else ("curated" if s.curated else "seed")
            table.add_row(s.id, s.name, s.category, s.parent or "", ", ".join(s.aliases), origin)
        console.print(table)
        return
    name = " ".join(words)
    skill = tax.lookup(name) or tax.skills.get(name)
    if skill is None:
        close = _close_names(tax, name)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        if as_json:
            print_json({"query": name, "found": False, "suggestions": close})
        else:
            err_console.print(f"[bold red]unknown skill[/] {name!r}.{hint}")
        raise typer.Exit(EXIT_FAILED)
    data = _skill_json(tax, skill)
    if as_json:
        print_json({"query": name, "found": True, "how": _how(skill, name), "skill": data})
        return
    console.print(f"[bold]{skill.name}[/] ({skill.id}) - {skill.category}, {_how(skill, name)}")
    if skill.aliases:
        console.print(f"aliases: {', '.join(skill.aliases)}")
    if skill.parent:
        console.print(f"parent: {skill.parent}")
    if data["children"]:
        console.print(f"narrower: {', '.join(data['children'])}")
    if skill.guard != "none" or skill.alias_guards:
        extra = ", ".join(f"{a}: {g}" for a, g in skill.alias_guards.items())
        console.print(f"guard: {skill.guard}" + (f" ({extra})" if extra else ""))
    if data["roles"]:
        console.print("roles: " + ", ".join(f"{r} ({imp})" for r, imp in data["roles"].items()))
    console.print(_provenance(tax, skill))
    for src in skill.sources:
        where = src.file
        if src.record is not None:
            code = src.record.split("\t", 1)[0]
            where += f" {code} {tax.occupations.get(code, '')}".rstrip()
        console.print(f"  [dim]{escape(where)}:[/] {escape(src.sentence)}")


def _how(skill: Skill, query: str) -> str:
    from taxonomy import normalize_name

    if normalize_name(query) == normalize_name(skill.name):
        return "name"
    return "id" if query == skill.id and query not in skill.aliases else "alias"


@taxonomy_app.command("validate")
def validate_cmd(
    path: Annotated[
        Path | None, typer.Argument(help="Data directory (default: the packaged data).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Load and check a taxonomy directory; print counts and version (exit 1 on bad data)."""
    from taxonomy import TaxonomyDataError, load_taxonomy

    start = time.perf_counter()
    try:
        tax = load_taxonomy(path)
    except TaxonomyDataError as exc:
        fail(TaxonomyError(str(exc)), as_json=as_json)
    elapsed = time.perf_counter() - start
    stats = taxonomy_stats(tax)
    stats["load_seconds"] = round(elapsed, 3)
    if as_json:
        print_json({"valid": True, **stats})
        return
    console.print(f"[green]valid[/] taxonomy {tax.version} (loaded in {elapsed * 1000:.0f} ms)")
    for key in ("roles", "variants", "skills", "sourced_skills", "curated_skills", "aliases"):
        console.print(f"  {key.replace('_', ' ')}: {stats[key]}")
    console.print(f"  facts with sources: {stats['facts']}, quoted sentences: {stats['sentences']}")
    for role_id, n in stats["links_per_role"].items():
        console.print(f"  {role_id}: {n} skill links")


def taxonomy_stats(tax: Taxonomy) -> dict[str, Any]:
    """Counts a reviewer wants: roles, variants, skills, aliases, facts and links per role."""
    roles = [r for r in tax.roles.values() if r.kind == "role"]
    from taxonomy import role_facts

    facts = sum(
        len(role.skills) + len(role.salary) + len(role_facts(role)) for role in tax.roles.values()
    )
    return {
        "version": tax.version,
        "roles": len(roles),
        "variants": len(tax.roles) - len(roles),
        "skills": len(tax.skills),
        "sourced_skills": sum(1 for s in tax.skills.values() if s.sources),
        "curated_skills": sum(1 for s in tax.skills.values() if s.curated),
        "aliases": sum(len(s.aliases) for s in tax.skills.values()),
        "facts": facts,
        "sentences": len(tax.all_sources()),
        "links_per_role": {r.id: len(r.skills) for r in roles},
    }


@taxonomy_app.command("sources")
def sources_cmd(as_json: JsonOpt = False, taxonomy_dir: TaxonomyOpt = None) -> None:
    """What was read from each seed document: per role, the skills linked from it."""
    tax = _load(taxonomy_dir, as_json=as_json)
    data = tax.links_by_source()
    if as_json:
        print_json(data)
        return
    for file, roles in data.items():
        console.print(f"[bold]{file}[/]")
        for role_id, skills in roles.items():
            console.print(f"  {role_id} ({len(skills)}): {', '.join(skills)}")
