"""eval/data/derive.py: the converters that rebuild the new set's texts from their originals."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def derive() -> ModuleType:
    spec = importlib.util.spec_from_file_location("derive", ROOT / "eval" / "data" / "derive.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["derive"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


TS_SOURCE = """import { Posting } from "../types";

// a careers page entry
export const platformEngineer: Posting = {
    id: 12,
    title: "Platform Engineer",
    applyUrl: "https://jobs.example.org/apply/12",
    datePosted: "Mar 3, 2025",
    location: 'Lisbon, Portugal',
    remote: true,
    overview: `
      You will run our **Kubernetes** clusters
      and the CI that feeds them.
    `,
    requirements: [
        "Go or Python",
        'Terraform' + ' and Helm',
    ],
    level: 'senior' as const,
};
"""


def test_typescript_object_is_rendered_without_ids_urls_dates_or_flags(derive: ModuleType) -> None:
    value = derive.js_item(TS_SOURCE, None)
    text = derive.render_object(value)
    assert text.splitlines()[0] == "Platform Engineer"
    assert "Location: Lisbon, Portugal" in text
    assert "You will run our Kubernetes clusters\nand the CI that feeds them." in text
    assert "- Go or Python\n- Terraform and Helm" in text
    assert "Level: senior" in text
    for gone in ("12", "https://", "Mar 3", "True", "remote"):
        assert gone not in text


def test_resume_object_keeps_dates_and_drops_contact_fields(derive: ModuleType) -> None:
    source = """export const people = [
  { id: 'p1', basic_info: { full_name: 'Ana Ruiz', email: 'ana@example.net',
      phone: '+34 600 111 222', location: 'Valencia' },
    experience: [{ job_title: 'Data Engineer', company: 'Rio Data', start_date: '2021-02',
      end_date: '', responsibilities: ['Built Spark jobs', 'Ran Airflow'] }],
    online_profiles: { linkedin_url: 'linkedin.com/in/anaruiz' } },
];"""
    text = derive.render_object(derive.js_item(source, "people[0]"))
    assert text.startswith("Ana Ruiz\nLocation: Valencia\n")
    assert "Data Engineer\nRio Data\n2021-02 – Present\n- Built Spark jobs\n- Ran Airflow" in text
    for gone in ("@", "600", "linkedin"):
        assert gone not in text


def test_resume_sections_follow_the_usual_order(derive: ModuleType) -> None:
    source = """const r = { basic_info: { full_name: 'Li Wei' },
      education: { degree: 'BSc Physics' },
      skills: { technical_skills: ['Rust'] },
      current_job: { job_title: 'Systems Engineer', company: 'Kite' } };"""
    value = derive.js_item(source, "r")
    text = derive.render_object(value, resume=True)
    order = [text.index(s) for s in ("Li Wei", "Systems Engineer", "Rust", "BSc Physics")]
    assert order == sorted(order)
    assert derive.render_object(value).index("BSc Physics") < text.index("BSc Physics")


def test_python_string_literals_are_found_without_running_the_module(derive: ModuleType) -> None:
    source = '''import os
os.system("echo never run")
INTRO = """
Backend Developer
Django, PostgreSQL
"""
JOBS = {"QA Engineer": """Selenium and pytest"""}
def sample():
    return """Summary line"""
add("maria.docx", "docx", """Maria Lopes
maria@example.com | +351 912 345 678 | Porto
Skills: Java""")
'''
    assert derive.python_item(source, "INTRO").strip() == "Backend Developer\nDjango, PostgreSQL"
    assert derive.python_item(source, "QA Engineer") == "Selenium and pytest"
    assert derive.python_item(source, "sample") == "Summary line"
    body = derive.python_item(source, "maria.docx")
    text, removed = derive.remove_contact_lines(body)
    assert removed == 1
    assert text == "Maria Lopes\nSkills: Java"


@pytest.mark.parametrize(
    ("line", "contact"),
    [
        ("jo.bloggs@mail.example | Leeds", True),
        ("Phone: +44 7700 900123", True),
        ("(415) 555-0134", True),
        ("LinkedIn: linkedin.com/in/jbloggs", True),
        ("Portfolio: jbloggs.dev", True),
        ("**jbloggs.design**", True),
        ("221 Baker Street, London", True),
        ("Built a chat service with Socket.io and Node.js", False),
        ("Automations in Make.com and n8n", False),
        ("Software Engineer | Acme | 2019 - 2023", False),
        ("Cut latency by 35% for 1M+ users", False),
    ],
)
def test_contact_lines(derive: ModuleType, line: str, contact: bool) -> None:
    assert derive.is_contact_line(line) is contact


def test_jekyll_page_fills_liquid_from_front_matter_and_drops_url_lines(
    derive: ModuleType,
) -> None:
    page = """---
title: Data Engineer
gs_level: 14
location: 'Remote'
contact_name: 'Someone Real'
---
{% if page.state == 'open' %}
Apply for the GS-{{ page.gs_level }} {{ page.title }} role ({{ page.location }}).
{% endif %}
Read about [our process]({{ site.baseurl }}/process/) first.
Experience equivalent to GS-{{ page.gs_level | minus: 1 }}.
Pay tables: [OPM](https://www.opm.gov/pay/)
<strong>Python</strong> and SQL.
"""
    text, removed = derive.jekyll_posting(page)
    assert removed == 1
    assert text == (
        "Data Engineer\n\nApply for the GS-14 Data Engineer role (Remote).\n\n"
        "Read about our process first.\nExperience equivalent to GS-13.\nPython and SQL.\n"
    )
    assert "Someone" not in text


def test_markdown_flattening(derive: ModuleType) -> None:
    md = "## Skills\n* **Python** and _Rust_  \n[Blog](https://x.example/b) posts\n---\nEnd"
    assert derive.flatten_markdown(md) == "Skills\n- Python and Rust\nBlog posts\n\nEnd"


def test_run_checks_sha_and_reports_missing_sources(
    derive: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "mirrors" / "acme+jobs"
    work = tmp_path / "work"
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    original = b"Site Reliability Engineer\n\nLinux, Prometheus, Terraform.\n"
    (work / "sre.md").write_bytes(original)
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "sre.md"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "posting"], check=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(repo)], check=True)

    def entry(doc_id: str, repo_name: str, sha: str) -> dict[str, Any]:
        return {
            "doc_id": doc_id,
            "kind": "posting",
            "file": f"postings/{doc_id}.md",
            "derived": "verbatim",
            "source": {"repo": repo_name, "commit": commit, "path": "sre.md", "sha256": sha},
        }

    good = hashlib.sha256(original).hexdigest()
    entries = [
        entry("acme_sre", "acme/jobs", good),
        entry("acme_bad", "acme/jobs", "0" * 64),
        entry("gone_sre", "gone/jobs", good),
    ]
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    out = tmp_path / "out"
    status = derive.main(
        ["--mirrors", str(tmp_path / "mirrors"), "--manifest", str(manifest), "--out", str(out)]
    )
    assert status == 1
    printed = capsys.readouterr().out
    for said in ("acme_sre ", "sha mismatch", "source missing"):
        assert said in printed
    assert (out / "postings" / "acme_sre.md").read_bytes() == original
    assert not (out / "postings" / "acme_bad.md").exists()
