"""Deterministic resume content for the benchmark corpus.

Every resume (a ``tests.documents.Resume``, laid out by the producers there) is a pure function
of its seed: the same seed gives the same person, skills and bullets on every machine, so the
corpus (and what the pipeline finds in it) is reproducible.
The people are invented; names and e-mail addresses use example.org.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.documents import Resume

FIRST = [
    "Amara", "Bogdan", "Chiara", "Dmitri", "Elif", "Farah", "Gustavo", "Hana", "Ines", "Jonas",
    "Kwame", "Leila", "Mateo", "Nadia", "Oren", "Priya", "Quentin", "Rosa", "Sven", "Tamar",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia",
]  # fmt: skip
LAST = [
    "Achebe", "Brandt", "Castillo", "Dubois", "Eriksen", "Fischer", "Gomes", "Haddad", "Ivanova",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi",
    "Santos", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zhou",
]  # fmt: skip
CITIES = ["Lisbon", "Toronto", "Berlin", "Nairobi", "Austin", "Warsaw", "Melbourne", "Seoul"]
EMPLOYERS = [
    "Northwind Analytics", "Bluefin Robotics", "Cedar Health", "Orbital Freight", "Lumen Bank",
    "Kestrel Games", "Harbor Insurance", "Tundra Energy", "Quarry Labs", "Meridian Retail",
    "Atlas Mobility", "Pinecone Media",
]  # fmt: skip
SCHOOLS = [
    "University of Porto",
    "McGill University",
    "TU Munich",
    "University of Nairobi",
    "UT Austin",
    "Warsaw University of Technology",
    "Monash University",
    "KAIST",
]

# Target roles with the skills such a resume lists (real names and common spellings).
ROLES: dict[str, tuple[str, list[str]]] = {
    "mle": (
        "Machine Learning Engineer",
        [
            "Python",
            "PyTorch",
            "TensorFlow",
            "scikit-learn",
            "Kubernetes",
            "Docker",
            "MLflow",
            "Airflow",
            "AWS SageMaker",
            "feature engineering",
            "model deployment",
            "SQL",
            "Apache Spark",
            "XGBoost",
            "Kubeflow",
            "FastAPI",
            "Redis",
            "GCP",
            "A/B testing",
        ],
    ),
    "dle": (
        "Deep Learning Engineer",
        [
            "Python",
            "PyTorch",
            "CUDA",
            "C++",
            "TensorRT",
            "ONNX",
            "computer vision",
            "transformers",
            "Hugging Face",
            "distributed training",
            "OpenCV",
            "JAX",
            "Triton",
            "convolutional neural networks",
            "Weights & Biases",
            "NumPy",
            "Linux",
        ],
    ),
    "ai": (
        "AI Engineer",
        [
            "Python",
            "LangChain",
            "LLMs",
            "prompt engineering",
            "RAG",
            "vector databases",
            "OpenAI API",
            "FastAPI",
            "Docker",
            "PostgreSQL",
            "pgvector",
            "TypeScript",
            "Azure",
            "evaluation",
            "fine-tuning",
            "LlamaIndex",
            "Redis",
        ],
    ),
    "ds": (
        "Data Scientist",
        [
            "Python",
            "R",
            "SQL",
            "pandas",
            "statistics",
            "regression",
            "Tableau",
            "scikit-learn",
            "hypothesis testing",
            "A/B testing",
            "Jupyter",
            "Excel",
            "time series forecasting",
            "Power BI",
            "Snowflake",
            "dbt",
            "NumPy",
            "matplotlib",
        ],
    ),
    "swe": (
        "Software Engineer",
        [
            "Java",
            "JavaScript",
            "TypeScript",
            "React",
            "Node.js",
            "Go",
            "PostgreSQL",
            "Git",
            "Docker",
            "Kubernetes",
            "AWS",
            "GraphQL",
            "REST APIs",
            "Kafka",
            "Spring Boot",
            "Terraform",
            "CI/CD",
            "Linux",
            "Redis",
        ],
    ),
}

VERBS = [
    "Built", "Designed", "Led", "Shipped", "Reduced", "Migrated", "Automated", "Scaled",
    "Improved", "Owned", "Introduced", "Rewrote",
]  # fmt: skip
OBJECTS = [
    "a real-time scoring service", "the nightly training pipeline", "a feature store",
    "the recommendation API", "an internal experimentation platform", "the data warehouse",
    "a fraud detection model", "the search ranking stack", "a document classification system",
    "the mobile checkout backend", "an anomaly detection job", "the customer churn model",
]  # fmt: skip
RESULTS = [
    "cutting p95 latency by {n}%", "saving {n}k USD a year", "for {n} million daily requests",
    "raising conversion by {n}%", "across {n} teams", "reducing on-call pages by {n}%",
    "with {n}% less compute", "in {n} weeks",
]  # fmt: skip
PROSE = [
    "Worked closely with product managers and designers to agree on scope before each quarter.",
    "Mentored junior engineers and ran the weekly reading group on papers and postmortems.",
    "Wrote design documents, reviewed code and kept the runbooks current for the on-call rota.",
    "Presented results to leadership and translated findings into a roadmap the team could own.",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Job:
    title: str
    employer: str
    dates: str
    bullets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Person:
    """What one seed draws, before it is laid out as sections."""

    name: str
    contact: str
    title: str
    summary: str
    skills: tuple[str, ...]
    jobs: tuple[_Job, ...]
    projects: tuple[str, ...]
    education: tuple[str, ...]


def _draw(seed: int, size: int) -> _Person:
    rng = random.Random(seed)
    role_key = sorted(ROLES)[seed % len(ROLES)]
    role_title, vocab = ROLES[role_key]
    first, last = rng.choice(FIRST), rng.choice(LAST)
    skills = rng.sample(vocab, k=min(len(vocab), 8 + 3 * size))
    n_jobs = {1: 2, 2: 4, 3: 6}[size]
    per_job = {1: 3, 2: 5, 3: 6}[size]
    year = 2025
    jobs: list[_Job] = []
    for j in range(n_jobs):
        span = rng.randint(1, 3)
        bullets = []
        for _ in range(per_job):
            tech = rng.sample(vocab, k=2)
            result = rng.choice(RESULTS).format(n=rng.randint(3, 60))
            bullets.append(
                f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} with {tech[0]} and {tech[1]}, {result}."
            )
        if size > 1:
            bullets.append(rng.choice(PROSE))
        senior = "Senior " if j == 0 and size > 1 else ""
        jobs.append(
            _Job(
                title=f"{senior}{role_title}",
                employer=rng.choice(EMPLOYERS),
                dates=f"{year - span} – {'Present' if j == 0 else year}",
                bullets=tuple(bullets),
            )
        )
        year -= span
    projects = tuple(
        f"{rng.choice(OBJECTS).capitalize()} (open source): {', '.join(rng.sample(vocab, k=3))}."
        for _ in range(size)
    )
    school = rng.choice(SCHOOLS)
    education = (
        f"M.Sc. Computer Science, {school}, {year - 2}",
        f"B.Sc. Mathematics, {rng.choice(SCHOOLS)}, {year - 4}",
    )
    summary = (
        f"{role_title} with {2025 - year} years of experience in {skills[0]}, {skills[1]} and "
        f"{skills[2]}. {rng.choice(PROSE)}"
    )
    email = f"{first.lower()}.{last.lower()}@example.org"
    phone = f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return _Person(
        name=f"{first} {last}",
        contact=f"{email} · {phone} · {rng.choice(CITIES)}",
        title=role_title,
        summary=summary,
        skills=tuple(skills),
        jobs=tuple(jobs),
        projects=projects,
        education=education,
    )


def _experience(jobs: tuple[_Job, ...]) -> tuple[str, ...]:
    lines: list[str] = []
    for job in jobs:
        lines.append(f"{job.title}, {job.employer} | {job.dates}")
        lines.extend(f"• {b}" for b in job.bullets)
    return tuple(lines)


def make_resume(seed: int, *, size: int = 1) -> Resume:
    """A deterministic resume; ``size`` 1-3 roughly sets its length in pages.

    Skills and education are the side sections (a sidebar in two-column layouts).

    Args:
        seed: the resume's identity; the same seed always gives the same resume.
        size: 1 (short), 2 or 3 (long); more jobs and bullets per job as it grows.
    """
    p = _draw(seed, size)
    return Resume(
        name=p.name,
        title=p.title,
        contact=p.contact,
        side=(("Skills", p.skills), ("Education", p.education)),
        main=(
            ("Summary", (p.summary,)),
            ("Experience", _experience(p.jobs)),
            ("Projects", tuple(f"• {x}" for x in p.projects)),
        ),
    )


def long_resume(seed: int, *, pages: int) -> Resume:
    """A one-page resume followed by ``pages - 1`` pages of project notes (each a new page)."""
    p = _draw(seed, 2)
    notes = [(f"Project notes, part {n}", filler_page(seed * 1000 + n)) for n in range(1, pages)]
    return Resume(
        name=p.name,
        title="",
        contact="",
        main=(
            ("Skills", (", ".join(p.skills),)),
            ("Experience", _experience(p.jobs[:2])),
            *notes,
        ),
        new_page=tuple(heading for heading, _ in notes),
    )


def filler_page(seed: int) -> list[str]:
    """Paragraphs for one extra page of a long document (growth benchmark)."""
    rng = random.Random(seed)
    role_key = sorted(ROLES)[seed % len(ROLES)]
    vocab = ROLES[role_key][1]
    out = []
    for _ in range(14):
        tech = rng.sample(vocab, k=2)
        out.append(
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} with {tech[0]} and {tech[1]}, "
            f"{rng.choice(RESULTS).format(n=rng.randint(3, 60))}. {rng.choice(PROSE)}"
        )
    return out
