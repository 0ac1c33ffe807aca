"""``make eval``: run the matcher over the development corpus and score it with its own scorer.

```
python -m eval.run [--corpus ../shared/corpus] [--out eval/results] [--per-doc] [--no-labelled]
```

Every document of ``gold.json`` is read the way a user's file would be: resumes and bad inputs
through ``Matcher.parse`` in isolated worker processes (``WorkerPool``: time and memory
limits), postings through ``Matcher.parse_job``. Postings also rank every parseable resume
(``ranked_resumes``), and each labelled text resume of ``labelled/resumes.jsonl`` is matched
as text. The predictions go to the corpus's ``score.py`` unchanged; the metrics are printed
next to a baseline (plain case-insensitive dictionary lookup of the same taxonomy's names and
aliases over all extracted text, hidden text included — what a naive keyword matcher does)
and saved to ``eval/results/<date>_<commit>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from matcher.errors import MatcherError
from matcher.models import CanonicalSkill, Document, MatchReport, RoleScore
from matcher.options import MatchOptions, PdfEngine
from matcher.pipeline import Matcher
from matcher.score import coverage_of, score_roles
from taxonomy import Taxonomy, load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
RESULTS = ROOT / "eval" / "results"

# A resume whose best role covers less than this share of the role's weighted skills is
# off-domain ("none"): the role fit is too thin to name a role (scores are calibrated, so the
# harness compares coverage, ``coverage_of(score)``). A posting whose nearest role is below
# NONE_JOB_CUTOFF likewise.
NONE_CUTOFF = 0.05
NONE_MIN_TECH_SKILLS = 2  # concrete technologies (skill_names)
NONE_JOB_CUTOFF = 20.0
TITLE_TIE = 0.85


# ----------------------------------------------------------------------------- worker task


def matcher_for(taxonomy_dir: str | None, options: MatchOptions) -> Matcher:
    """Worker factory: the packaged taxonomy, or another taxonomy directory being evaluated."""
    if taxonomy_dir is None:
        return Matcher.default(options)
    return Matcher(load_taxonomy(taxonomy_dir), options)


def resume_task(matcher: Matcher, item: tuple[str, str]) -> dict[str, Any]:
    """Parse and match one corpus file in a worker; return what the harness needs."""
    doc_id, path = item
    data = Path(path).read_bytes()
    document = matcher.parse(data, filename=Path(path).name)
    report = matcher.match(document)
    return {"doc_id": doc_id, "document": document, "report": report}


# ----------------------------------------------------------------------------- helpers


def _load_scorer(corpus: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {corpus / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def top_level_ranking(taxonomy: Taxonomy, roles: Sequence[RoleScore]) -> list[tuple[str, float]]:
    """(top-level role title, best score of the role or any of its variants), best first.

    Near ties are broken by the resume's own title: a role the headline or a job title names is
    ranked first when it scores at least ``TITLE_TIE`` of the best score.
    """
    best: dict[str, float] = {}
    titled: set[str] = set()
    for r in roles:
        top = r.parent_id if r.kind == "variant" and r.parent_id else r.role_id
        best[top] = max(best.get(top, 0.0), r.score)
        if r.title_match:
            titled.add(top)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked and titled:
        top_score = ranked[0][1]
        top_coverage = coverage_of(top_score)
        named = [
            kv
            for kv in ranked
            if kv[0] in titled and coverage_of(kv[1]) >= TITLE_TIE * top_coverage
        ]
        if named:
            ranked.remove(named[0])
            ranked.insert(0, named[0])
    return [(taxonomy.roles[rid].title, score) for rid, score in ranked]


def roles_ranked(taxonomy: Taxonomy, report: MatchReport) -> list[str]:
    """Role titles best first, with ``none`` first when no role fits (off-domain resume)."""
    ranked = top_level_ranking(taxonomy, report.roles)
    titles = [t for t, _ in ranked]
    concrete = len(skill_names(report.skills, taxonomy))
    # The resume's own title naming a role lowers the bar to one concrete technology.
    needed = 1 if any(r.title_match for r in report.roles) else NONE_MIN_TECH_SKILLS
    if not ranked or coverage_of(ranked[0][1]) < NONE_CUTOFF or concrete < needed:
        return ["none", *titles]
    return titles


# The corpus labels concrete technologies as `skills`, and named methods ("Machine Learning",
# "A/B Testing", "CI/CD") as `methods` from a fixed vocabulary (METHOD_ALIASES in its score.py).
# Soft skills and broad concepts ("Algorithms", "Backend development", "Model training") are
# reported by rolefit but are not what the corpus labels, so only the methods the corpus
# vocabulary names are handed to the scorer.
EVAL_CATEGORIES = frozenset({"language", "library", "platform", "tool", "datastore"})


@dataclass(frozen=True)
class MethodVocabulary:
    """The method names the corpus labels, compared with the scorer's own key function."""

    keys: frozenset[str]
    key: Callable[[str], str]

    @classmethod
    def from_scorer(cls, scorer: ModuleType) -> MethodVocabulary:
        names: dict[str, list[str]] = scorer.METHOD_ALIASES
        keys = {scorer.canon(n) for n in names} | {
            scorer.canon(a) for v in names.values() for a in v
        }
        return cls(frozenset(k for k in keys if k), scorer.canon)

    def spelling(self, skill: CanonicalSkill, taxonomy: Taxonomy | None) -> str | None:
        """The skill's name, or else its first alias, that the corpus vocabulary knows
        ("Progressive web apps" is labelled under its alias "PWA"); None if neither is."""
        aliases = taxonomy.skills[skill.skill_id].aliases if taxonomy is not None else []
        return next((n for n in (skill.name, *aliases) if self.key(n) in self.keys), None)


def is_umbrella(taxonomy: Taxonomy, skill_id: str) -> bool:
    """A broad grouping of other skills ("Databases", "Cloud platforms", "Version control"):
    it has children and a common-noun name (lowercase words, or a plural of one of its own
    aliases). Reported by rolefit, but not a concrete technology the corpus would label."""
    skill = taxonomy.skills[skill_id]
    if not any(s.parent == skill_id for s in taxonomy.skills.values()):
        return False
    words = skill.name.split()
    if len(words) > 1:
        return any(w.isalpha() and w.islower() for w in words[1:])
    name = skill.name
    return name.endswith("s") and name[:-1].casefold() in {a.casefold() for a in skill.aliases}


def skill_names(
    skills: Sequence[CanonicalSkill],
    taxonomy: Taxonomy | None = None,
    methods: MethodVocabulary | None = None,
) -> list[str]:
    """The names the corpus scorer sees: concrete technologies, umbrellas left out, plus the
    methods the corpus vocabulary labels (when ``methods`` is given)."""
    names = {
        s.name
        for s in skills
        if s.category in EVAL_CATEGORIES
        and (taxonomy is None or not is_umbrella(taxonomy, s.skill_id))
    }
    if methods is not None:
        spelled = (methods.spelling(s, taxonomy) for s in skills if s.category == "method")
        names.update(n for n in spelled if n is not None)
    return sorted(names)


def _error_text(exc: MatcherError) -> str:
    return f"{type(exc).__name__} ({exc.code}): {exc.message}"


def _baseline_patterns(taxonomy: Taxonomy) -> list[tuple[re.Pattern[str], str]]:
    """Every spelling of every skill the eval reports (same categories as rolefit's output)."""
    out: list[tuple[re.Pattern[str], str]] = []
    for skill in taxonomy.skills.values():
        if skill.category not in EVAL_CATEGORIES or is_umbrella(taxonomy, skill.id):
            continue
        for spelling in (skill.name, *skill.aliases):
            rx = re.compile(r"(?<![\w+#.])" + re.escape(spelling) + r"(?![\w+#])", re.I)
            out.append((rx, skill.name))
    return out


def baseline_skills(patterns: Sequence[tuple[re.Pattern[str], str]], text: str) -> list[str]:
    """Naive keyword matcher: every taxonomy spelling found anywhere, case-insensitively."""
    return sorted({name for rx, name in patterns if rx.search(text)})


# ----------------------------------------------------------------------------- the run


def run(
    corpus: Path,
    *,
    labelled: bool = True,
    workers: int = 2,
    timeout: float = 30.0,
    taxonomy_dir: str | None = None,
    pdf_engine: PdfEngine = "pdfminer",
) -> dict[str, Any]:
    from matcher.workers import WorkerPool

    gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    docs = gold["documents"]
    options = MatchOptions(pdf_engine=pdf_engine)
    matcher = matcher_for(taxonomy_dir, options)
    taxonomy = matcher.taxonomy
    methods = MethodVocabulary.from_scorer(_load_scorer(corpus))
    patterns = _baseline_patterns(taxonomy)
    preds: dict[str, dict[str, Any]] = {}
    base: dict[str, dict[str, Any]] = {}
    parsed: dict[str, dict[str, Any]] = {}
    timings: dict[str, float] = {}

    started = time.perf_counter()
    files = [(d["doc_id"], str(corpus / d["file"])) for d in docs if d["kind"] != "jd"]
    factory = functools.partial(matcher_for, taxonomy_dir)
    with WorkerPool(
        workers, options=options, task_timeout=timeout, memory_limit_mb=2048, factory=factory
    ) as pool:
        for (doc_id, _), result in pool.map_unordered(resume_task, files, timeout=timeout):
            if isinstance(result, MatcherError):
                preds[doc_id] = {"skills": [], "roles_ranked": [], "error": _error_text(result)}
                base[doc_id] = preds[doc_id]
                continue
            parsed[doc_id] = result
    timings["resumes_s"] = round(time.perf_counter() - started, 2)

    for doc_id, result in parsed.items():
        document: Document = result["document"]
        report: MatchReport = result["report"]
        flags = []
        if document.hidden_text.strip() or any(w.code == "hidden-text" for w in document.warnings):
            flags.append("hidden_text")
        preds[doc_id] = {
            "skills": skill_names(report.skills, taxonomy, methods),
            "roles_ranked": roles_ranked(taxonomy, report),
            "error": None,
            "name": document.contact.name or "",
            "email": document.contact.email or "",
            "sections": [s.heading for s in document.sections if s.heading],
            "flags": flags,
        }
        base[doc_id] = {
            "skills": baseline_skills(patterns, document.text + "\n" + document.hidden_text),
            "roles_ranked": preds[doc_id]["roles_ranked"],
            "error": None,
        }

    started = time.perf_counter()
    resume_ids = [
        d["doc_id"]
        for d in docs
        if d["kind"] == "resume" or (d["kind"] == "bad_input" and d.get("roles"))
    ]
    for d in docs:
        if d["kind"] != "jd":
            continue
        doc_id = d["doc_id"]
        raw = (corpus / d["file"]).read_bytes()
        try:
            posting = matcher.parse_job(raw)
        except MatcherError as exc:
            preds[doc_id] = {"skills": [], "roles_ranked": [], "error": _error_text(exc)}
            base[doc_id] = preds[doc_id]
            continue
        spec = matcher.posting_spec(posting)
        ranked_resumes = []
        for rid in resume_ids:
            if rid not in parsed:
                continue
            rep: MatchReport = parsed[rid]["report"]
            score = score_roles(
                rep.skills,
                roles=[spec],
                taxonomy=taxonomy,
                options=matcher.options,
                years_found=rep.years_experience,
            )[0].score
            ranked_resumes.append((rid, score))
        ranked_resumes.sort(key=lambda kv: (-kv[1], kv[0]))
        near = _nearest_top_level(taxonomy, posting.nearest_roles)
        roles = [t for t, _ in near]
        if not near or near[0][1] < NONE_JOB_CUTOFF:
            roles = ["none", *roles]
        skills = posting.required + posting.preferred + posting.mentioned
        preds[doc_id] = {
            "skills": skill_names(skills, taxonomy, methods),
            "roles_ranked": roles,
            "error": None,
            "ranked_resumes": [rid for rid, _ in ranked_resumes],
            # The corpus labels a posting's required / nice-to-have methods too (Machine
            # Learning, NLP): every canonical skill goes into the split, not only technologies.
            "required": sorted({s.name for s in posting.required}),
            "preferred": sorted({s.name for s in posting.preferred}),
            "mentioned": sorted({s.name for s in posting.mentioned}),
            "years_required": posting.years_required,
        }
        base[doc_id] = {
            "skills": baseline_skills(patterns, posting.title + "\n" + posting.text),
            "roles_ranked": roles,
            "error": None,
        }
    timings["postings_s"] = round(time.perf_counter() - started, 2)

    started = time.perf_counter()
    if labelled and (corpus / "labelled" / "resumes.jsonl").exists():
        for line in (
            (corpus / "labelled" / "resumes.jsonl").read_text(encoding="utf-8").splitlines()
        ):
            row = json.loads(line)
            try:
                report = matcher.match_text(row["text"])
            except MatcherError as exc:
                preds[row["doc_id"]] = {"skills": [], "roles_ranked": [], "error": _error_text(exc)}
                continue
            preds[row["doc_id"]] = {
                "skills": skill_names(report.skills, taxonomy, methods),
                "roles_ranked": roles_ranked(taxonomy, report),
                "error": None,
            }
            base[row["doc_id"]] = preds[row["doc_id"]]
    timings["labelled_s"] = round(time.perf_counter() - started, 2)
    return {"preds": preds, "baseline": base, "timings": timings, "taxonomy": taxonomy.version}


def _nearest_top_level(
    taxonomy: Taxonomy, nearest: Sequence[tuple[str, float]]
) -> list[tuple[str, float]]:
    best: dict[str, float] = {}
    for rid, sim in nearest:
        role = taxonomy.roles[rid]
        top = role.parent if role.kind == "variant" and role.parent else rid
        best[top] = max(best.get(top, 0.0), sim)
    for rid, role in taxonomy.roles.items():
        if role.kind == "role":
            best.setdefault(rid, 0.0)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(taxonomy.roles[rid].title, sim) for rid, sim in ranked]


def requirement_agreement(
    scorer: ModuleType, preds: Mapping[str, Mapping[str, Any]], gold_docs: Sequence[Any]
) -> dict[str, Any]:
    """How many of the corpus's required / nice-to-have labels land in the same bucket.

    ``accuracy`` counts every label (a label the posting's extraction missed is a miss);
    ``accuracy_found`` only the labels found in any bucket, so it measures the split alone.
    """
    agree = total = found = 0
    for g in gold_docs:
        p = preds.get(g["doc_id"])
        if g["kind"] != "jd" or not p or "required" not in p:
            continue
        req = {scorer.canon(x) for x in p["required"]}
        pref = {scorer.canon(x) for x in p["preferred"]}
        seen = req | pref | {scorer.canon(x) for x in p.get("mentioned", [])}
        for bucket, labels in ((req, g.get("required", [])), (pref, g.get("nice_to_have", []))):
            for label in labels:
                total += 1
                agree += scorer.canon(label) in bucket
                found += scorer.canon(label) in seen
    return {
        "labels": total,
        "agree": agree,
        "accuracy": round(agree / total, 4) if total else None,
        "found": found,
        "accuracy_found": round(agree / found, 4) if found else None,
    }


def _row(metrics: Mapping[str, Any], group: str) -> tuple[float, float, float]:
    c = metrics["groups"].get(group, {}).get("skills_core")
    if not c:
        return (float("nan"),) * 3
    return c["precision"], c["recall"], c["f1"]


def _compare(ours: Mapping[str, Any], base: Mapping[str, Any]) -> None:
    print("\n== rolefit vs baseline (plain dictionary lookup, hidden text included)")
    print(f"  {'group':22s} {'rolefit P/R/F1':>24s} {'baseline P/R/F1':>24s}")
    for group in sorted(ours["groups"]):
        a, b = _row(ours, group), _row(base, group)
        ours_txt = f"{a[0]:7.3f} {a[1]:7.3f} {a[2]:7.3f}"
        base_txt = f"{b[0]:7.3f} {b[1]:7.3f} {b[2]:7.3f}"
        print(f"  {group:22s} {ours_txt}  {base_txt}")
    ho, hb = ours.get("hidden_text") or {}, base.get("hidden_text") or {}
    print(
        f"  hidden-only labels predicted: rolefit {ho.get('hidden_labels_predicted')}"
        f" / baseline {hb.get('hidden_labels_predicted')} (of {ho.get('hidden_labels')})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--per-doc", action="store_true")
    ap.add_argument("--no-labelled", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--taxonomy", help="taxonomy data directory (default: the packaged one)")
    ap.add_argument(
        "--pdf-engine",
        choices=("pdfminer", "pdfium"),
        default="pdfminer",
        help="PDF reader (pdfium: the optional pypdfium2 engine; pdfminer is the reference)",
    )
    args = ap.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "gold.json").exists():
        print(f"no corpus at {corpus} (gold.json missing)", file=sys.stderr)
        return 2
    scorer = _load_scorer(corpus)
    result = run(
        corpus,
        labelled=not args.no_labelled,
        workers=args.workers,
        taxonomy_dir=args.taxonomy,
        pdf_engine=args.pdf_engine,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M")
    commit = _commit()
    pred_path = args.out / "predictions-latest.json"
    pred_path.write_text(json.dumps(result["preds"], indent=1, ensure_ascii=False), "utf-8")
    metrics_path = args.out / f"{stamp}_{commit}.json"
    argv_score = [
        str(pred_path),
        "--gold",
        str(corpus / "gold.json"),
        "--json-out",
        str(metrics_path),
    ]
    if args.per_doc:
        argv_score.append("--per-doc")
    ours = scorer.main(argv_score)
    gold_docs = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))["documents"]
    base = scorer.score(result["baseline"], gold_docs)
    _compare(ours, base)
    agreement = requirement_agreement(scorer, result["preds"], gold_docs)
    print(f"== postings: required/nice-to-have split agrees with the labels: {agreement}")
    summary = {
        "date": stamp,
        "commit": commit,
        "taxonomy_version": result["taxonomy"],
        "method": MatchOptions().method,
        "taxonomy_dir": args.taxonomy or "packaged",
        "pdf_engine": args.pdf_engine,
        "timings": result["timings"],
        "rolefit": ours,
        "baseline": {k: base[k] for k in ("groups", "hidden_text")},
        "posting_requirements": agreement,
    }
    metrics_path.write_text(json.dumps(summary, indent=1, ensure_ascii=False), "utf-8")

    def shown(path: Path) -> Path:  # --out may be outside the repository
        return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path

    print(f"\nsaved {shown(metrics_path)} (predictions: {shown(pred_path)})")
    print(f"timings: {result['timings']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
