"""`rolefit roles`, `rolefit skills`, `rolefit taxonomy` through the console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from taxonomy import DATA_DIR, SOURCES_DIR

ROLEFIT = Path(sys.executable).with_name("rolefit")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [str(ROLEFIT), *args], capture_output=True, text=True, timeout=120, check=False, env=env
    )


def run_json(*args: str) -> Any:
    proc = run(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_roles_json_lists_the_five_roles_and_the_variants() -> None:
    data = run_json("roles")
    assert [r["id"] for r in data["roles"]] == [
        "ml-engineer",
        "dl-engineer",
        "ai-engineer",
        "data-scientist",
        "software-engineer",
    ]
    variants = {v["title"]: v["parent"] for v in data["variants"]}
    assert variants["Computer Vision Engineer"] == "dl-engineer"
    assert variants["NLP Engineer"] == "dl-engineer"
    assert variants["Data Analyst"] == "data-scientist"
    assert len(variants) >= 11
    assert data["version"].startswith("tax-")


def test_roles_table() -> None:
    proc = run("roles")
    assert proc.returncode == 0, proc.stderr
    assert "data-scientist" in proc.stdout
    assert "computer-vision-engineer" in proc.stdout


def test_roles_show_data_scientist_has_every_named_skill_with_its_sentence() -> None:
    data = run_json("roles", "show", "data-scientist")
    skills = {s["skill"]: s for s in data["skills"]}
    named = ["r", "sql", "pandas", "scikit-learn", "hadoop", "excel", "sas", "tableau"]
    named += ["power-bi", "statistics", "data-visualization", "data-wrangling"]
    named += ["hypothesis-testing", "ab-testing", "eda"]
    for skill_id in named:
        link = skills[skill_id]
        assert link["importance"] in {"core", "important", "bonus"}
        src = link["sources"][0]
        text = (SOURCES_DIR / src["file"]).read_text(encoding="utf-8")
        assert src["sentence"] in text
    claims = {c["text"]: c["source"]["file"] for c in data["salary"]}
    assert claims == {
        "$95,000 and $115,000": "002_c7ff7be73718ef16.txt",
        "$95,000 and $130,000": "004_ceb5159074066ae4.txt",
    }


def test_roles_show_variant_merges_the_parent_and_table_output() -> None:
    data = run_json("roles", "show", "NLP Engineer")
    assert data["id"] == "nlp-engineer"
    by_id = {s["skill"]: s for s in data["skills"]}
    assert by_id["nlp"]["importance"] == "core"
    assert by_id["nlp"]["inherited"] is False
    assert by_id["pytorch"]["inherited"] is True
    proc = run("roles", "show", "ml-engineer")
    assert proc.returncode == 0, proc.stderr
    assert "$95,000 to $130,000" in proc.stdout
    assert "$110,000 to $140,000" in proc.stdout
    assert "Tools scikit-learn, TensorFlow, PyTorch" in proc.stdout
    assert "Fraud detection, recommendation systems, predictive analytics." in proc.stdout


def test_unknown_role_exits_1() -> None:
    proc = run("roles", "show", "astronaut", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["code"] == "unknown-role"


@pytest.mark.parametrize(
    ("query", "skill_id", "how"),
    [("k8s", "kubernetes", "alias"), ("HF Transformers", "hugging-face", "alias")],
)
def test_skills_lookup(query: str, skill_id: str, how: str) -> None:
    data = run_json("skills", query)
    assert data["found"] is True
    assert data["skill"]["id"] == skill_id
    assert data["how"] == how


def test_skills_lookup_subcommand_form_and_text() -> None:
    proc = run("skills", "lookup", "sklearn")
    assert proc.returncode == 0, proc.stderr
    assert "scikit-learn" in proc.stdout
    assert "data-scientist (important)" in proc.stdout


@pytest.mark.issue(15)
def test_skills_shows_where_an_imported_skill_came_from() -> None:
    proc = run("skills", "Tomcat")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Apache Tomcat (apache-tomcat) - library, alias"
    assert "guard: none (Tomcat: context)" in lines
    origin = next(ln for ln in lines if ln.startswith("from: "))
    assert "imported from O*NET 29.3 Database (CC BY 4.0)" in origin
    assert "Hot Technology" in origin
    assert "Web platform development software" in origin
    assert "  onet/technology_skills.tsv 15-1252.00 Software Developers: Apache Tomcat" in lines
    data = run_json("skills", "Tomcat")
    assert data["skill"]["origin"] == "onet"
    assert data["skill"]["alias_guards"] == {"Tomcat": "context"}
    assert data["skill"]["sources"][0]["record"] == "15-1252.00\tApache Tomcat"


@pytest.mark.issue(15)
def test_skills_shows_a_hand_skill_o_net_also_names() -> None:
    proc = run("skills", "Microsoft Excel")
    assert proc.returncode == 0, proc.stderr
    origin = next(ln for ln in proc.stdout.splitlines() if ln.startswith("from: "))
    assert origin.startswith("from: written for rolefit, named by a seed document")
    assert "also an O*NET 29.3 Database (CC BY 4.0) technology" in origin
    assert "  onet/technology_skills.tsv 15-2051.00 Data Scientists: Microsoft Excel" in (
        proc.stdout.splitlines()
    )


def test_unknown_skill_exits_1_with_suggestions() -> None:
    proc = run("skills", "kubernets")
    assert proc.returncode == 1
    assert "Did you mean: Kubernetes" in proc.stderr
    proc = run("skills", "kubernets", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["suggestions"][0] == "Kubernetes"


def test_skills_list_by_category() -> None:
    data = run_json("skills", "--list", "--category", "datastore")
    assert {s["category"] for s in data} == {"datastore"}
    assert "postgresql" in {s["id"] for s in data}


def test_skills_list_names_where_an_imported_skill_comes_from() -> None:
    proc = run("skills", "--list", "--category", "tool")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split("│")[2].strip(): line for line in proc.stdout.splitlines() if "│" in line}
    assert rows["Hazelcast"].rstrip("│ ").endswith("devtools")  # not "seed"
    assert rows["Jupyter"].rstrip("│ ").endswith("seed")


def test_taxonomy_validate_counts() -> None:
    data = run_json("taxonomy", "validate")
    assert data["valid"] is True
    assert data["roles"] == 5
    assert data["skills"] >= 400
    assert data["curated_skills"] >= 400
    assert data["links_per_role"]["data-scientist"] >= 15


def test_taxonomy_validate_bad_dir_exits_1(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(SOURCES_DIR, tmp_path / "sources")
    roles = tmp_path / "data" / "roles.toml"
    roles.write_text(
        roles.read_text(encoding="utf-8").replace('skill = "sas"', 'skill = "sas-viya"'),
        encoding="utf-8",
    )
    proc = run("taxonomy", "validate", str(tmp_path / "data"))
    assert proc.returncode == 1
    assert "unknown skill 'sas-viya'" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run("taxonomy", "validate", str(tmp_path / "data"), "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["code"] == "taxonomy-invalid"


def test_taxonomy_sources_lists_each_document() -> None:
    data = run_json("taxonomy", "sources")
    assert len([f for f in data if not f.startswith("onet/")]) == 5
    # role links cited from O*NET records are listed under their subset file
    assert "git" in data["onet/technology_skills.tsv"]["software-engineer"]
    assert "debugging" in data["onet/task_statements.tsv"]["software-engineer"]
    assert "hadoop" in data["002_c7ff7be73718ef16.txt"]["data-scientist"]
