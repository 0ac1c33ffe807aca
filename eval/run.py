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
import json
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from eval.harness import git_commit, load_scorer
from matcher import Matcher, MatchOptions, PdfEngine
from matcher.errors import MatcherError
from matcher.models import CanonicalSkill, Document, MatchReport, Verdict, unlisted_id
from taxonomy import Taxonomy, load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
RESULTS = ROOT / "eval" / "results"

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


def eval_options(pdf_engine: PdfEngine, imported: bool | None) -> MatchOptions:
    """The options every eval matcher uses: the PDF engine, and the imported O*NET
    vocabulary on or off (``None``: the library's default)."""
    options = MatchOptions(pdf_engine=pdf_engine)
    return options if imported is None else options.replace(imported_vocabulary=imported)


# ----------------------------------------------------------------------------- helpers


def verdict_ranking(verdict: Verdict | None, titles: Sequence[str]) -> list[str]:
    """The product's own answer as the scorer's ranked list: the verdict's role first (or
    ``none`` when the verdict says no role fits), then the report's other roles in its order.
    Nothing is decided here."""
    if verdict is None:
        return list(titles)
    first = "none" if verdict.role_id is None else verdict.title or "none"
    return [first, *(t for t in titles if t != first)]


def roles_ranked(report: MatchReport) -> list[str]:
    """A resume's roles as the report ranks them, verdict first."""
    return verdict_ranking(report.verdict, [r.title for r in report.roles])


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
    skill = taxonomy.skills.get(skill_id)
    if skill is None or not any(s.parent == skill_id for s in taxonomy.skills.values()):
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
    imported: bool | None = None,
) -> dict[str, Any]:
    from matcher import WorkerPool

    gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    docs = gold["documents"]
    options = eval_options(pdf_engine, imported)
    matcher = matcher_for(taxonomy_dir, options)
    taxonomy = matcher.taxonomy
    methods = MethodVocabulary.from_scorer(load_scorer(corpus))
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
            "roles_ranked": roles_ranked(report),
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
        ranked_resumes = []
        for rid in resume_ids:
            if rid not in parsed:
                continue
            # What a job board gets for an application: the resume matched to the posting.
            job = matcher.match(parsed[rid]["document"], job=posting).job
            if job is not None:
                ranked_resumes.append((rid, job.score))
        ranked_resumes.sort(key=lambda kv: (-kv[1], kv[0]))
        near = [taxonomy.roles[rid].title for rid, _ in posting.nearest_roles]
        roles = verdict_ranking(posting.verdict, near)
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
                "roles_ranked": roles_ranked(report),
                "error": None,
            }
            base[row["doc_id"]] = preds[row["doc_id"]]
    timings["labelled_s"] = round(time.perf_counter() - started, 2)
    return {"preds": preds, "baseline": base, "timings": timings, "taxonomy": taxonomy.version}


# ----------------------------------------------------------------------------- the new set

NEWSET = ROOT / "eval" / "data"
TOP_ROLES = (
    "Machine Learning Engineer",
    "Deep Learning Engineer",
    "AI Engineer",
    "Data Scientist",
    "Software Engineer",
)


def run_newset(matcher: Matcher, data: Path) -> list[dict[str, Any]]:
    """Every document of the new set whose text is present, read as a user's would be: a
    resume through ``Matcher.match`` (file bytes, by its content), a posting through
    ``Matcher.parse_job``. One row per document with the verdict and the technologies found."""
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    for entry in manifest:
        path = data / entry["file"]
        if not path.exists():
            continue
        raw = path.read_bytes()
        row: dict[str, Any] = {k: entry[k] for k in ("doc_id", "kind", "split", "roles")}
        row["batch"] = entry.get("batch")
        row["technologies"] = entry.get("technologies", [])
        try:
            if entry["kind"] == "resume":
                report = matcher.match(raw, filename=path.name)
                found, verdict = report.skills, report.verdict
            else:
                posting = matcher.parse_job(raw)
                found = (*posting.required, *posting.preferred, *posting.mentioned)
                verdict = posting.verdict
        except MatcherError as exc:
            row.update(predicted="error", error=_error_text(exc), found=[])
            rows.append(row)
            continue
        row["predicted"] = "none" if verdict is None or verdict.role_id is None else verdict.title
        # Umbrellas ("Databases", "Cloud platforms") are groupings, not technologies the labels
        # name: left out as for the corpus (``skill_names``).
        row["found"] = sorted(
            {
                s.skill_id
                for s in found
                if s.category in EVAL_CATEGORIES and not is_umbrella(matcher.taxonomy, s.skill_id)
            }
        )
        rows.append(row)
    return rows


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def newset_metrics(rows: Sequence[Mapping[str, Any]], taxonomy: Taxonomy) -> dict[str, Any]:
    """Per split and kind: role top-1 (the verdict is one of the labelled roles), top-1 on the
    documents labelled with one of the five roles, off-domain (none) precision and recall,
    tech-vs-non-tech accuracy, and technology precision / recall (a label counts as found
    when it names, by the taxonomy's names and aliases, a technology the product found).

    ``fresh BATCH`` is the part of ``unseen`` added in a later batch (``batch`` in the
    manifest), one row per batch: documents that no version of the method was measured on
    before they were added, so a later batch also shows the unseen figures of the earlier
    documents unchanged (``unseen`` minus it)."""
    out: dict[str, Any] = {}
    batches = sorted({r["batch"] for r in rows if r.get("batch") and r["split"] == "unseen"})
    for split in ("tune", "unseen", *(f"fresh {b}" for b in batches), "all"):
        for kind in ("resume", "posting"):
            group = [
                r
                for r in rows
                if r["kind"] == kind
                and (
                    split == "all"
                    or r["split"] == split
                    or (r["split"] == "unseen" and split == f"fresh {r.get('batch')}")
                )
            ]
            if not group:
                continue
            hit = sum(r["predicted"] in r["roles"] for r in group)
            on_role = [r for r in group if r["roles"][0] in TOP_ROLES]
            role_hit = sum(r["predicted"] in r["roles"] for r in on_role)
            tp = sum(r["predicted"] == "none" and r["roles"][0] == "none" for r in group)
            fp = sum(r["predicted"] == "none" and r["roles"][0] != "none" for r in group)
            fn = sum(r["predicted"] != "none" and r["roles"][0] == "none" for r in group)
            tech_ok = sum((r["predicted"] != "none") == (r["roles"][0] != "none") for r in group)
            t_tp = t_fp = t_fn = 0
            for r in group:
                # a label the taxonomy lacks has the id the product gives such a name when
                # it finds one by its list neighbours (``unlisted_id``)
                labels = {
                    (skill.id if (skill := taxonomy.lookup(t)) is not None else unlisted_id(t))
                    for t in r["technologies"]
                }
                found = set(r["found"])
                t_tp += len(found & labels)
                t_fp += len(found - labels)
                t_fn += len(labels - found)
            out[f"{split}/{kind}"] = {
                "n": len(group),
                "top1": _ratio(hit, len(group)),
                "top1_roles": _ratio(role_hit, len(on_role)),
                "n_roles": len(on_role),
                "none_precision": _ratio(tp, tp + fp),
                "none_recall": _ratio(tp, tp + fn),
                "n_none": tp + fn,
                "tech_vs_nontech": _ratio(tech_ok, len(group)),
                "tech_precision": _ratio(t_tp, t_tp + t_fp),
                "tech_recall": _ratio(t_tp, t_tp + t_fn),
            }
    return out


def corpus_none(preds: Mapping[str, Mapping[str, Any]], gold: Sequence[Any]) -> dict[str, Any]:
    """Off-domain precision / recall on the corpus: the verdict says none (first of the ranked
    roles) against documents whose first gold role is none (resumes, postings, labelled)."""
    tp = fp = fn = 0
    for g in gold:
        p = preds.get(g["doc_id"])
        if not p or not g.get("roles") or p.get("error"):
            continue
        said = (p.get("roles_ranked") or ["?"])[0] == "none"
        truth = g["roles"][0] == "none"
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
    return {"precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "n_none": tp + fn}


def _print_newset(metrics: Mapping[str, Any], present: int, listed: int) -> None:
    print(f"\n== new set (eval/data: {present} of {listed} texts present; tune on 'tune' only)")
    print(
        f"  {'split/kind':26s} {'n':>4s} {'top1':>6s} {'roles':>6s} {'none P':>7s} "
        f"{'none R':>7s} {'tech/non':>8s} {'tech P':>7s} {'tech R':>7s}"
    )

    def f(v: float | None) -> str:
        return "   -  " if v is None else f"{v:6.3f}"

    for name, m in metrics.items():
        print(
            f"  {name:26s} {m['n']:4d} {f(m['top1'])} {f(m['top1_roles'])} "
            f"{f(m['none_precision'])}  {f(m['none_recall'])}  {f(m['tech_vs_nontech'])}  "
            f"{f(m['tech_precision'])}  {f(m['tech_recall'])}"
        )


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
        "--newset",
        type=Path,
        default=NEWSET,
        help="the labelled new set (manifest.json + texts; see eval/data/README.md)",
    )
    ap.add_argument(
        "--pdf-engine",
        choices=("pdfminer", "pdfium"),
        default="pdfminer",
        help="PDF reader (pdfium: the optional pypdfium2 engine; pdfminer is the reference)",
    )
    ap.add_argument(
        "--imported",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="find the imported technologies, O*NET's and the developer tools (default: as "
        "MatchOptions says); "
        "--no-imported measures the hand-written vocabulary alone",
    )
    args = ap.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "gold.json").exists():
        print(f"no corpus at {corpus} (gold.json missing)", file=sys.stderr)
        return 2
    scorer = load_scorer(corpus)
    result = run(
        corpus,
        labelled=not args.no_labelled,
        workers=args.workers,
        taxonomy_dir=args.taxonomy,
        pdf_engine=args.pdf_engine,
        imported=args.imported,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M")
    commit = (git_commit(ROOT) or ("unknown", False))[0]
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
    labelled_rows = []
    labelled_path = corpus / "labelled" / "resumes.jsonl"
    if labelled_path.exists():
        for line in labelled_path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            role = row.get("role_family") or "none"
            labelled_rows.append({"doc_id": row["doc_id"], "roles": [role]})
    none = corpus_none(result["preds"], [*gold_docs, *labelled_rows])
    print(f"== off-domain (verdict 'none') on the corpus: {none}")
    newset: dict[str, Any] = {}
    if (args.newset / "manifest.json").exists():
        matcher = matcher_for(args.taxonomy, eval_options(args.pdf_engine, args.imported))
        rows = run_newset(matcher, args.newset)
        listed = len(json.loads((args.newset / "manifest.json").read_text(encoding="utf-8")))
        newset = newset_metrics(rows, matcher.taxonomy)
        _print_newset(newset, len(rows), listed)
        (args.out / "newset-predictions-latest.json").write_text(
            json.dumps(rows, indent=1, ensure_ascii=False), "utf-8"
        )
    summary = {
        "date": stamp,
        "commit": commit,
        "taxonomy_version": result["taxonomy"],
        "method": MatchOptions().method,
        "taxonomy_dir": args.taxonomy or "packaged",
        "pdf_engine": args.pdf_engine,
        "imported_vocabulary": eval_options(args.pdf_engine, args.imported).imported_vocabulary,
        "timings": result["timings"],
        "rolefit": ours,
        "baseline": {k: base[k] for k in ("groups", "hidden_text")},
        "posting_requirements": agreement,
        "corpus_none": none,
        "newset": newset,
    }
    metrics_path.write_text(json.dumps(summary, indent=1, ensure_ascii=False), "utf-8")

    def shown(path: Path) -> Path:  # --out may be outside the repository
        return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path

    print(f"\nsaved {shown(metrics_path)} (predictions: {shown(pred_path)})")
    print(f"timings: {result['timings']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
