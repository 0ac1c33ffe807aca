"""How cost grows: with the document's length, and with the size of the skill vocabulary.

Pages: one resume padded to exactly 1, 2, 5, 20 and 60 pages (``bench.corpus.growth_files``);
the whole pipeline, extraction + normalisation, and the floor, per page. Near-linear means the
log-log slope of extract+normalise time against text length stays ≤ 1.2.

Vocabulary: synthetic taxonomies of 500, 2,000 and 10,000 skills, written in the taxonomy TOML
format to a temporary directory: the same 400 real skills from the packaged taxonomy (so every
size finds the same skills) plus generated product-like names up to the size, and the packaged
roles restricted to those skills (their quoted source sentences and ``sources/`` kept, so the
loader's provenance checks pass). The same documents are extracted and normalised with each;
the log-log slope of time against vocabulary size must stay well below 1 (≤ 0.5). Then the
packaged taxonomy as shipped, with the hand-written vocabulary alone, with the imported O*NET
technologies and with the developer tools too (issue 15), on the same documents.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import pipeline
from bench.corpus import CACHE, CorpusFile, growth_files
from bench.stats import median

VOCAB_SIZES = (500, 2000, 10_000)
REAL_SKILLS = 400
PAGES_SLOPE_MAX = 1.2
VOCAB_SLOPE_MAX = 0.5


def slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of log(y) on log(x) (the growth exponent)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return round(sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / den, 3)


def _document(matcher: Any, f: CorpusFile) -> Any:
    return matcher.parse(f.read(), filename=f.id + ".pdf")


def _extract_normalise_ms(matcher: Any, document: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        matcher.normalize(matcher.extract(document))
        times.append((time.perf_counter() - t0) * 1000.0)
    return median(times)


def pages(repeat: int, quick: bool, cache: Path) -> dict[str, Any]:
    """The page-count series."""
    from matcher import Matcher

    matcher = Matcher.default()
    files = growth_files(cache=cache)
    if quick:
        files = [f for f in files if f.pages <= 5]
    rows = []
    for f in files:
        data = f.read()
        pipeline.match_pdf(matcher, data)  # warm-up
        pipe, floor = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            pipeline.match_pdf(matcher, data)
            t1 = time.perf_counter()
            pipeline.floor_text(data)
            t2 = time.perf_counter()
            pipe.append((t1 - t0) * 1000.0)
            floor.append((t2 - t1) * 1000.0)
        document = _document(matcher, f)
        en = _extract_normalise_ms(matcher, document, repeat)
        rows.append(
            {
                "pages": f.pages,
                "chars": len(document.text),
                "pipeline_ms": round(median(pipe), 2),
                "pipeline_ms_per_page": round(median(pipe) / f.pages, 2),
                "floor_ms_per_page": round(median(floor) / f.pages, 2),
                "extract_normalise_ms": round(en, 2),
                "extract_normalise_us_per_char": round(1000.0 * en / max(1, len(document.text)), 3),
            }
        )
    sl = slope([r["chars"] for r in rows], [r["extract_normalise_ms"] for r in rows])
    return {"rows": rows, "slope": sl, "near_linear": bool(sl <= PAGES_SLOPE_MAX)}


def _q(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_q(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{json.dumps(k)} = {_q(v)}" for k, v in value.items() if v is not None)
        return "{ " + ", ".join(pairs) + " }"
    raise TypeError(type(value))


def _table(header: str, obj: dict[str, Any]) -> str:
    lines = [header]
    lines.extend(f"{k} = {_q(v)}" for k, v in obj.items() if v is not None and v not in ([], {}))
    return "\n".join(lines) + "\n"


_SYLLABLES = [
    "ka", "zor", "vex", "lin", "tra", "quo", "mir", "dex", "pel", "syn", "tor", "vak", "rul",
    "nex", "bri", "gol", "fen", "ux", "oro", "zan", "quel", "stra", "vin", "drom",
]  # fmt: skip
_SUFFIXES = ["", "", " DB", " Streams", " Studio", " Cloud", " ML", " UI", ".js", " Engine"]
_CATEGORIES = ["tool", "library", "platform", "datastore"]


def synthetic_names(n: int, seed: int = 7, *, taken: set[str] | None = None) -> list[str]:
    """``n`` distinct invented product names, none of them in ``taken`` (normalised names)."""
    from taxonomy import normalize_name

    rng = random.Random(seed)
    seen: set[str] = set(taken or ())
    out = []
    while len(out) < n:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        name = word.capitalize() + rng.choice(_SUFFIXES)
        keys = {normalize_name(name), normalize_name(word), normalize_name(name + " Pro")}
        if not keys & seen:
            seen.update(keys)
            out.append(name)
    return out


def write_taxonomy(root: Path, size: int) -> Path:
    """A taxonomy of ``size`` skills in ``root`` (data/ + sources/); returns the data dir."""
    from taxonomy import DATA_DIR, load_taxonomy

    packaged = load_taxonomy()
    chosen: dict[str, Any] = {}
    pending = sorted(packaged.skills.values(), key=lambda s: s.id)
    while len(chosen) < min(REAL_SKILLS, size) and pending:  # parents before children
        progressed = False
        for skill in list(pending):
            if skill.parent is None or skill.parent in chosen:
                chosen[skill.id] = skill
                pending.remove(skill)
                progressed = True
                if len(chosen) >= min(REAL_SKILLS, size):
                    break
        if not progressed:
            break
    data = root / "data"
    data.mkdir(parents=True)
    shutil.copytree(DATA_DIR.parent / "sources", root / "sources")
    parts = []
    for skill in chosen.values():
        raw = skill.model_dump()
        raw["sources"] = raw["sources"] or None
        parts.append(_table("[[skill]]", raw))
    # never a real skill's name or alias ("Lin" + "ux" is Linux)
    taken = set(packaged.name_index)
    for i, name in enumerate(synthetic_names(size - len(chosen), taken=taken)):
        raw = {
            "id": f"syn-{i:05d}",
            "name": name,
            "category": _CATEGORIES[i % len(_CATEGORIES)],
            "aliases": [name + " Pro"] if i % 5 == 0 else [],
            "curated": True,
        }
        parts.append(_table("[[skill]]", raw))
    (data / "skills.toml").write_text("\n".join(parts), encoding="utf-8")
    roles = []
    for role in packaged.roles.values():
        raw = role.model_dump()
        raw["skills"] = [rs for rs in raw["skills"] if rs["skill"] in chosen]
        raw["tools"] = [t for t in raw["tools"] if t in chosen]
        roles.append(_table("[[role]]", raw))
    (data / "roles.toml").write_text("\n".join(roles), encoding="utf-8")
    return data


def vocabulary(
    files: Sequence[CorpusFile], repeat: int, sizes: Sequence[int], log: Callable[[str], None]
) -> dict[str, Any]:
    """The vocabulary-size series."""
    from matcher import Matcher
    from taxonomy import load_taxonomy

    base = Matcher.default()
    documents = [_document(base, f) for f in files]
    rows = []
    with tempfile.TemporaryDirectory(prefix="rolefit-bench-vocab-") as tmp:
        for size in sizes:
            data = write_taxonomy(Path(tmp) / str(size), size)
            t0 = time.perf_counter()
            tax = load_taxonomy(data)
            t1 = time.perf_counter()
            matcher = Matcher(tax)
            t2 = time.perf_counter()
            for d in documents[:2]:
                matcher.normalize(matcher.extract(d))
            per_doc = [_extract_normalise_ms(matcher, d, repeat) for d in documents]
            found = sum(len(matcher.normalize(matcher.extract(d))) for d in documents)
            rows.append(
                {
                    "skills": len(tax.skills),
                    "load_s": round(t1 - t0, 3),
                    "build_s": round(t2 - t1, 3),
                    "extract_normalise_ms": round(sum(per_doc) / len(per_doc), 3),
                    "skills_found": found,
                }
            )
            log(f"growth: {size} skills → {rows[-1]['extract_normalise_ms']} ms/doc")
    sl = slope([r["skills"] for r in rows], [r["extract_normalise_ms"] for r in rows])
    return {
        "rows": rows,
        "slope": sl,
        "sublinear": bool(sl <= VOCAB_SLOPE_MAX),
        "packaged": packaged(documents, repeat, log),
    }


def packaged(documents: Sequence[Any], repeat: int, log: Callable[[str], None]) -> list[Any]:
    """The packaged taxonomy as shipped: the hand-written vocabulary alone
    (``MatchOptions.imported_vocabulary`` off), with the imported O*NET vocabulary (a copy of the
    data without ``devtools.json``), and with the developer tools too (as shipped): skills
    matched, build time, ms per document."""
    from matcher import Matcher, MatchOptions
    from taxonomy import DATA_DIR, DEVTOOLS_NAME, SOURCES_DIR, load_taxonomy

    tax = load_taxonomy()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(DATA_DIR, Path(tmp) / "data")
        shutil.copytree(SOURCES_DIR, Path(tmp) / "sources")
        (Path(tmp) / "data" / DEVTOOLS_NAME).unlink()
        onet = load_taxonomy(Path(tmp) / "data")
    variants = (
        ("hand-written", tax, False),
        ("hand-written + O*NET", onet, True),
        ("hand-written + O*NET + developer tools", tax, True),
    )
    rows = []
    for label, taxonomy, imported in variants:
        t0 = time.perf_counter()
        matcher = Matcher(taxonomy, MatchOptions(imported_vocabulary=imported))
        build = time.perf_counter() - t0
        for d in documents[:2]:
            matcher.normalize(matcher.extract(d))
        per_doc = [_extract_normalise_ms(matcher, d, repeat) for d in documents]
        matched = sum(1 for s in taxonomy.skills.values() if imported or not s.imported)
        rows.append(
            {
                "vocabulary": label,
                "skills": matched,
                "build_s": round(build, 3),
                "extract_normalise_ms": round(sum(per_doc) / len(per_doc), 3),
                "skills_found": sum(len(matcher.normalize(matcher.extract(d))) for d in documents),
            }
        )
        log(f"growth: packaged {rows[-1]['vocabulary']} → {rows[-1]['extract_normalise_ms']} ms")
    return rows


def run(
    *,
    quick: bool,
    cache: Path = CACHE,
    files: Sequence[CorpusFile] | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Both series."""
    from bench import corpus

    repeat = 2 if quick else 5
    pg = pages(repeat, quick, cache)
    log(f"growth: pages slope {pg['slope']}")
    docs = list(files) if files else corpus.build(corpus.QUICK, cache=cache)
    docs = [d for d in docs if d.pages <= 3][: 4 if quick else 20]
    sizes = (500, 2000) if quick else VOCAB_SIZES
    vc = vocabulary(docs, repeat, sizes, log)
    return {
        "pages": pg["rows"],
        "pages_slope": pg["slope"],
        "pages_near_linear": pg["near_linear"],
        "vocabulary": vc["rows"],
        "vocabulary_slope": vc["slope"],
        "vocabulary_sublinear": vc["sublinear"],
        "vocabulary_packaged": vc["packaged"],
    }
