"""Helpers for matching tests: a small taxonomy on disk and Documents built from text.

The taxonomy is written to a temporary directory so these tests don't depend on the packaged
data; ``doc_from_text`` builds the ``Document`` the parsing stage would, with headings
recognised from a small table (the parser has its own, richer tests).
"""

from __future__ import annotations

import re
from pathlib import Path

from matcher.models import Contact, Document, LayoutWarning, Line, Section, SectionKind

SOURCE_FILE = "seed.txt"
SOURCE_SENTENCE = "Machine learning engineers build and deploy models with Python and PyTorch."

# id, name, category, aliases, parent, guard
SKILLS: list[tuple[str, str, str, list[str], str | None, str]] = [
    ("languages", "Programming languages", "language", [], None, "none"),
    ("python", "Python", "language", ["python3"], "languages", "none"),
    ("java", "Java", "language", [], "languages", "none"),
    ("javascript", "JavaScript", "language", ["JS", "ECMAScript"], None, "none"),
    ("typescript", "TypeScript", "language", ["TS"], None, "case"),
    ("c", "C", "language", [], None, "context"),
    ("cpp", "C++", "language", ["cpp"], "languages", "none"),
    ("csharp", "C#", "language", ["csharp"], None, "none"),
    ("sql", "SQL", "language", [], None, "none"),
    ("nosql", "NoSQL", "datastore", [], None, "none"),
    ("r", "R", "language", [], None, "context"),
    ("go", "Go", "language", ["Golang"], None, "context"),
    ("swift", "Swift", "language", [], None, "context"),
    ("rust", "Rust", "language", [], None, "context"),
    ("spark", "Spark", "tool", ["Apache Spark"], None, "case"),
    ("pyspark", "PySpark", "library", [], None, "none"),
    ("excel", "Excel", "tool", ["Microsoft Excel"], None, "context"),
    ("dl-frameworks", "Deep Learning Frameworks", "library", [], None, "none"),
    ("tensorflow", "TensorFlow", "library", ["TF2"], "dl-frameworks", "none"),
    ("pytorch", "PyTorch", "library", [], "dl-frameworks", "none"),
    ("keras", "Keras", "library", [], "dl-frameworks", "none"),
    ("scikit-learn", "scikit-learn", "library", ["sklearn"], None, "none"),
    ("pandas", "pandas", "library", [], None, "none"),
    ("kubernetes", "Kubernetes", "platform", ["k8s"], None, "none"),
    ("docker", "Docker", "tool", [], None, "none"),
    ("aws", "AWS", "platform", ["Amazon Web Services"], None, "none"),
    ("aws-sagemaker", "AWS SageMaker", "platform", ["SageMaker"], None, "none"),
    ("mlflow", "MLflow", "tool", [], None, "none"),
    ("react", "React", "library", ["ReactJS"], None, "case"),
    ("nodejs", "Node.js", "platform", ["NodeJS"], None, "none"),
    ("elasticsearch", "Elasticsearch", "datastore", [], None, "none"),
    ("hugging-face", "Hugging Face", "library", ["HF Transformers"], None, "none"),
    ("git", "Git", "tool", [], None, "none"),
    ("linux", "Linux", "platform", [], None, "none"),
    ("spring", "Spring", "library", ["Spring Framework"], None, "context"),
    ("machine-learning", "Machine Learning", "method", [], None, "none"),
    ("llm", "LLM", "method", ["LLMs", "large language models"], None, "none"),
    ("statistics", "Statistics", "method", [], None, "none"),
    ("regression", "Regression", "method", [], None, "none"),
    ("tableau", "Tableau", "tool", [], None, "none"),
]

# role id, title, kind, parent, [(skill, importance, weight)]
ROLES: list[tuple[str, str, str, str | None, list[tuple[str, str, float]]]] = [
    (
        "machine-learning-engineer",
        "Machine Learning Engineer",
        "role",
        None,
        [
            ("python", "core", 3),
            ("pytorch", "core", 3),
            ("tensorflow", "important", 2),
            ("kubernetes", "core", 2),
            ("docker", "important", 2),
            ("mlflow", "important", 1),
            ("scikit-learn", "important", 2),
            ("machine-learning", "core", 3),
            ("aws", "bonus", 1),
        ],
    ),
    (
        "data-scientist",
        "Data Scientist",
        "role",
        None,
        [
            ("python", "core", 3),
            ("r", "core", 2),
            ("sql", "core", 3),
            ("pandas", "core", 2),
            ("statistics", "core", 3),
            ("scikit-learn", "important", 2),
            ("tableau", "bonus", 1),
            ("excel", "bonus", 1),
        ],
    ),
    (
        "software-engineer",
        "Software Engineer",
        "role",
        None,
        [
            ("java", "core", 3),
            ("javascript", "core", 3),
            ("typescript", "important", 2),
            ("react", "important", 2),
            ("nodejs", "important", 2),
            ("git", "core", 2),
            ("sql", "important", 2),
            ("go", "bonus", 1),
            ("linux", "bonus", 1),
        ],
    ),
    (
        "deep-learning-engineer",
        "Deep Learning Engineer",
        "role",
        None,
        [("python", "core", 3), ("dl-frameworks", "core", 3), ("cpp", "important", 2)],
    ),
    (
        "computer-vision-engineer",
        "Computer Vision Engineer",
        "variant",
        "deep-learning-engineer",
        [("pytorch", "core", 3)],
    ),
]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_taxonomy(root: Path) -> Path:
    """Write skills.toml, roles.toml and a source file; return the data directory."""
    data = root / "data"
    sources = root / "sources"
    data.mkdir(parents=True, exist_ok=True)
    sources.mkdir(parents=True, exist_ok=True)
    (sources / SOURCE_FILE).write_text(SOURCE_SENTENCE + "\n", encoding="utf-8")
    out = []
    for sid, name, cat, aliases, parent, guard in SKILLS:
        out.append("[[skill]]")
        out.append(f"id = {_q(sid)}")
        out.append(f"name = {_q(name)}")
        out.append(f"category = {_q(cat)}")
        out.append("aliases = [" + ", ".join(_q(a) for a in aliases) + "]")
        if parent:
            out.append(f"parent = {_q(parent)}")
        out.append(f"guard = {_q(guard)}")
        out.append("curated = true")
        out.append("")
    (data / "skills.toml").write_text("\n".join(out), encoding="utf-8")
    out = []
    for rid, title, kind, parent, skills in ROLES:
        out.append("[[role]]")
        out.append(f"id = {_q(rid)}")
        out.append(f"title = {_q(title)}")
        out.append(f"kind = {_q(kind)}")
        if parent:
            out.append(f"parent = {_q(parent)}")
        out.append("")
        for sid, imp, weight in skills:
            out.append("[[role.skills]]")
            out.append(f"skill = {_q(sid)}")
            out.append(f"importance = {_q(imp)}")
            out.append(f"weight = {weight}")
            out.append(
                f"sources = [{{ file = {_q(SOURCE_FILE)}, sentence = {_q(SOURCE_SENTENCE)} }}]"
            )
            out.append("")
    (data / "roles.toml").write_text("\n".join(out), encoding="utf-8")
    return data


HEADINGS: dict[str, SectionKind] = {
    "summary": SectionKind.SUMMARY,
    "profile": SectionKind.SUMMARY,
    "skills": SectionKind.SKILLS,
    "technical skills": SectionKind.SKILLS,
    "experience": SectionKind.EXPERIENCE,
    "work experience": SectionKind.EXPERIENCE,
    "projects": SectionKind.PROJECTS,
    "education": SectionKind.EDUCATION,
    "contact": SectionKind.CONTACT,
    "interests": SectionKind.INTERESTS,
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def doc_from_text(
    text: str,
    *,
    warnings: tuple[LayoutWarning, ...] = (),
    years: float | None = None,
    hidden_text: str = "",
) -> Document:
    """A Document like the parser's: lines, sections by heading, contact from the header."""
    raw_lines = [ln.rstrip() for ln in text.strip("\n").splitlines()]
    lines: list[Line] = []
    pos = 0
    kept: list[str] = []
    for raw in raw_lines:
        if not raw.strip():
            continue
        lines.append(Line(text=raw, page=1, number=len(lines) + 1, start=pos, end=pos + len(raw)))
        kept.append(raw)
        pos += len(raw) + 1
    full = "\n".join(kept)
    sections: list[Section] = []
    current_kind, heading, start, first = SectionKind.HEADER, "", 0, 1
    for line in lines:
        kind = HEADINGS.get(line.text.strip().rstrip(":").lower())
        if kind is None:
            continue
        if line.start > start:
            sections.append(
                Section(
                    current_kind,
                    heading,
                    full[start : line.start],
                    start,
                    line.start,
                    1,
                    first,
                    line.number - 1,
                )
            )
        current_kind, heading, start, first = (
            kind,
            line.text.strip().rstrip(":"),
            line.start,
            line.number,
        )
    sections.append(
        Section(current_kind, heading, full[start:], start, len(full) + 1, 1, first, len(lines))
    )
    name = lines[0].text.strip() if lines else None
    email_match = _EMAIL.search(full)
    contact = Contact(name=name, email=email_match.group(0) if email_match else None)
    return Document(
        text=full,
        lines=tuple(lines),
        pages=1,
        format="text",
        sections=tuple(sections),
        contact=contact,
        years_experience=years,
        warnings=warnings,
        hidden_text=hidden_text,
    )
