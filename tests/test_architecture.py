"""The house rules of the code, read from the imports of every module (no code is run).

- Imports point one way: shells (``service``, ``cli``, ``batch``, ``eval``) → ``matcher`` →
  ``taxonomy``; the library never imports a shell's frameworks (FastAPI, Typer, Rich,
  SQLAlchemy).
- A shell uses the library's public names only: ``matcher`` itself and the ``matcher.errors`` /
  ``matcher.models`` modules it re-exports; every other ``matcher`` module is internal.
- Inside the library, data flows parse → extract → normalize → score → suggest: a stage never
  imports a later one, and only ``__init__`` and the worker pool know the pipeline.
- No import cycle anywhere (type-only and function-local imports count too).
- ``rolefit match`` and ``rolefit parse`` load what they need only: not the service, its web
  framework, SQLAlchemy or the batch runner (the one rule checked by running code: the
  command itself, with ``python -X importtime``).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("taxonomy", "matcher", "batch", "cli", "service", "eval")
SHELLS = ("service", "cli", "batch", "eval")
PUBLIC = {"matcher", "matcher.errors", "matcher.models"}

FORBIDDEN = {
    "taxonomy": {"matcher", "service", "cli", "batch", "fastapi", "spacy", "rapidfuzz"},
    "matcher": {
        "service",
        "cli",
        "batch",
        "eval",
        "fastapi",
        "starlette",
        "uvicorn",
        "sqlalchemy",
        "pydantic_settings",
        "typer",
        "rich",
    },
    "batch": {"service", "cli", "fastapi", "starlette", "uvicorn", "sqlalchemy", "typer"},
    "service": {"cli", "batch", "typer", "rich"},
}

# Run by a developer to regenerate data, never loaded at run time (taxonomy.lexicon reads
# spaCy's English stop words to decide which imported names are ordinary words; build and
# devtools apply it to O*NET's names and the developer tools).
BUILD_TOOLS = {"taxonomy.build", "taxonomy.devtools", "taxonomy.lexicon"}

# The stages of the library, in the order data flows through them.
STAGES = (
    "matcher.read",
    "matcher.extract",
    "matcher.normalize",
    "matcher.score",
    "matcher.suggest",
    "matcher.postings",
    "matcher.pipeline",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


@cache
def _imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports (anywhere in the file), as dotted names."""
    path = _modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            # ``from matcher.read import pdf`` imports the module matcher.read.pdf
            for alias in node.names:
                if f"{name}.{alias.name}" in _modules():
                    found.add(f"{name}.{alias.name}")
    return frozenset(found)


def _stage_of(module: str) -> int | None:
    for index, stage in enumerate(STAGES):
        if module == stage or module.startswith(stage + "."):
            return index
    return None


def test_the_packages_exist() -> None:
    names = _modules()
    for module in (*STAGES, "cli", "batch", "service.jobboard"):
        assert module in names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    offenders = {
        module: sorted({name.split(".")[0] for name in _imports(module)} & FORBIDDEN[package])
        for module in _modules()
        if module.split(".")[0] == package and module not in BUILD_TOOLS
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("shell", SHELLS)
def test_shells_use_only_the_public_library(shell: str) -> None:
    offenders = {
        module: sorted(
            name for name in _imports(module) if name.startswith("matcher.") and name not in PUBLIC
        )
        for module in _modules()
        if module.split(".")[0] == shell
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_stages_never_import_a_later_stage() -> None:
    offenders: dict[str, list[str]] = {}
    for module in _modules():
        own = _stage_of(module)
        if own is None:
            continue
        later = [
            name
            for name in _imports(module)
            if (other := _stage_of(name)) is not None and other > own
        ]
        if later:
            offenders[module] = sorted(later)
    assert offenders == {}


def test_only_the_facade_and_the_worker_pool_know_the_pipeline() -> None:
    users = {m for m in _modules() if m.startswith("matcher") and "matcher.pipeline" in _imports(m)}
    assert users <= {"matcher", "matcher.workers"}


def _edges() -> Iterator[tuple[str, str]]:
    names = _modules()
    for module in names:
        for name in _imports(module):
            if name in names and name != module:
                yield module, name


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {m: set() for m in _modules()}
    for a, b in _edges():
        graph[a].add(b)
    # A package's __init__ that re-exports its own modules is not a cycle with them.
    for a in graph:
        graph[a] = {b for b in graph[a] if not a.startswith(b + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def test_the_library_has_no_command_line_or_web_code() -> None:
    for module in _modules():
        if module.split(".")[0] == "matcher":
            assert not {"typer", "rich", "fastapi"} & {n.split(".")[0] for n in _imports(module)}


# What the library commands must not load; each is a cost a cold start would pay for nothing.
NOT_FOR_LIBRARY_COMMANDS = ("service", "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic")


@pytest.mark.parametrize("command", ["match", "parse"])
def test_library_commands_load_no_service_code(command: str, tmp_path: Path) -> None:
    from tests.documents import person_text

    resume = tmp_path / "resume.txt"
    resume.write_text(person_text(), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cli", command, str(resume)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    loaded = {
        line.rsplit("|", 1)[1].strip()
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert {"spacy", "matcher.read", f"cli.{command}_cmd"} <= loaded  # the command ran
    offending = sorted(m for m in loaded if m.split(".")[0] in NOT_FOR_LIBRARY_COMMANDS)
    assert not offending, offending
