"""The developer-tools vocabulary (issue 15): Simple Icons, GitHub Explore topics and Stack
Overflow tags, merged into the taxonomy by ``python -m taxonomy.build`` with provenance."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from matcher.options import MatchOptions
from matcher.pipeline import Matcher
from taxonomy import SOURCES_DIR, Taxonomy, load_taxonomy
from taxonomy.build import build_vocabulary, load_lexicon, render_vocabulary
from taxonomy.devtools import (
    DEVTOOLS_DIR,
    DEVTOOLS_FILE,
    MIN_QUESTIONS,
    MIN_TAG_QUESTIONS,
    _bare_service,
    _concept,
    _vendor_names,
    build_devtools,
)

pytestmark = pytest.mark.issue(15)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="module")
def matcher(tax: Taxonomy) -> Matcher:
    return Matcher(tax, MatchOptions())


def _tags() -> dict[str, int]:
    with (DEVTOOLS_DIR / "stackoverflow_tags.tsv").open(encoding="utf-8", newline="") as fh:
        return {r["Tag"]: int(r["Questions"]) for r in csv.DictReader(fh, delimiter="\t")}


def test_the_committed_file_is_what_the_build_makes() -> None:
    doc = build_devtools(build_vocabulary())
    assert render_vocabulary(doc) == DEVTOOLS_FILE.read_bytes()
    assert render_vocabulary(build_devtools(build_vocabulary())) == render_vocabulary(doc)
    check = subprocess.run(
        [sys.executable, "-m", "taxonomy.build", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "devtools.json is up to date" in check.stdout


def test_manifest_names_each_source_its_licence_and_the_bytes() -> None:
    manifest = tomllib.loads((DEVTOOLS_DIR / "MANIFEST.toml").read_text(encoding="utf-8"))
    licences = {
        key: manifest[key]["licence"] for key in ("simple_icons", "explore", "stackoverflow")
    }
    assert licences == {
        "simple_icons": "CC0 1.0",
        "explore": "CC BY 4.0",
        "stackoverflow": "CC BY-SA 4.0",
    }
    for key in licences:
        source = manifest[key]
        assert len(source["commit"]) == 40
        assert source["repository"].count("/") == 1
        assert len(source["original_sha256"]) == 64
        subset = DEVTOOLS_DIR / source["subset"]
        assert hashlib.sha256(subset.read_bytes()).hexdigest() == source["subset_sha256"]
        rows = subset.read_text(encoding="utf-8").count("\n") - 1
        assert rows == source["rows"]
    assert "devtools-subset" in manifest["rebuild"]


def test_every_developer_tool_is_a_tag_programmers_ask_about(tax: Taxonomy) -> None:
    tags = _tags()
    tools = [s for s in tax.skills.values() if s.origin == "devtools"]
    assert len(tools) >= 400
    for skill in tools:
        cited = [s for s in skill.sources if s.file == "devtools/stackoverflow_tags.tsv"]
        assert cited, skill.id
        tag = cited[0].sentence
        assert tags[tag] >= MIN_QUESTIONS, skill.id
        named = [s for s in skill.sources if s.file != "devtools/stackoverflow_tags.tsv"]
        vendor = tag.startswith(("aws-", "amazon-", "azure-", "google-cloud-", "firebase-"))
        # a product's own name, a cloud vendor's service, or a coined tag on its own
        coined = tags[tag] >= MIN_TAG_QUESTIONS and tag.isalpha() and skill.guard == "context"
        assert named or vendor or coined, skill.id


@pytest.mark.parametrize(
    ("name", "admitted"),
    [
        ("Hazelcast", True),  # coined: a tag with thousands of questions and no brand entry
        ("Resque", True),
        ("Minitest", True),
        ("Geolocation", False),  # a dictionary word
        ("Versioning", False),  # an activity ("-ing"), not a product
        ("Atomicity", False),  # a quality ("-ity")
        ("Biometrics", False),  # a field ("-ics")
    ],
)
def test_a_coined_tag_alone_is_a_tool_in_skill_context(
    tax: Taxonomy, name: str, admitted: bool
) -> None:
    skill = tax.lookup(name)
    if not admitted:
        assert skill is None or skill.origin != "devtools", (name, skill)
        return
    assert skill is not None
    assert skill.origin == "devtools"
    assert skill.guard == "context"
    assert [s.file for s in skill.sources] == ["devtools/stackoverflow_tags.tsv"]
    assert _tags()[skill.sources[0].sentence] >= MIN_TAG_QUESTIONS


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Skills: Java, Spring Boot, Hazelcast, Kafka", True),
        ("Background jobs with Sidekiq and Resque on Heroku.", True),
        ("Hazelcast", False),  # alone, with no list or other skill beside it
        ("The hazelcast of the evening light over the bay.", False),
    ],
)
def test_a_coined_tag_is_found_only_in_skill_context(
    matcher: Matcher, text: str, found: bool
) -> None:
    tools = {
        s.skill_id
        for s in matcher.match_text(text).skills
        if matcher.taxonomy.skills[s.skill_id].sources[0].file == "devtools/stackoverflow_tags.tsv"
    }
    assert bool(tools) is found, (text, tools)


@pytest.mark.parametrize(
    ("name", "skill_id"),
    [
        ("Sidekiq", "sidekiq"),
        ("Socket.io", "socket.io"),
        ("styled-components", "styled-components"),
        ("Styled Components", "styled-components"),
        ("Gunicorn", "gunicorn"),
        ("Zapier", "zapier"),
        ("AWS CodePipeline", "aws-codepipeline"),
        ("Azure Cognitive Search", "azure-cognitive-search"),
    ],
)
def test_a_developer_tool_is_a_skill_with_its_name(tax: Taxonomy, name: str, skill_id: str) -> None:
    skill = tax.lookup(name)
    assert skill is not None
    assert skill.id == skill_id
    assert skill.origin == "devtools"
    assert skill.imported


@pytest.mark.parametrize(
    "name",
    [
        "Less",  # an everyday word: too common even beside other skills
        "Actions",
        "Gmail",  # a consumer service, named as an e-mail address's provider
        "Intel",  # an employer
        "Open Source",
        "Dependency injection",  # a concept in sentence case
        "HAL",  # three letters: too ambiguous without curation
    ],
)
def test_ordinary_words_organisations_and_concepts_are_left_out(tax: Taxonomy, name: str) -> None:
    skill = tax.lookup(name)
    assert skill is None or skill.origin != "devtools", (name, skill)


@pytest.mark.parametrize("name", ["Render", "Temporal", "Rundeck", "Thymeleaf", "Gatsby"])
def test_a_brand_named_by_an_english_word_needs_skill_context(tax: Taxonomy, name: str) -> None:
    skill = tax.lookup(name)
    assert skill is not None
    assert skill.origin == "devtools"
    assert skill.guard == "context"


@pytest.mark.parametrize(
    ("text", "skill_id", "found"),
    [
        ("Hosting: Render, Vercel, Netlify", "render", True),
        ("Orchestration: Airflow, Temporal, Prefect", "temporal", True),
        ("Deployed the API to Heroku, Render and Fly.io.", "render", True),
        ("We render care to 40 patients a day and render reports weekly.", "render", False),
        ("Temporal lobe epilepsy ward; temporal and spatial reasoning.", "temporal", False),
        ("Read The Great Gatsby with the Year 10 class.", "gatsby", False),
    ],
)
def test_a_brand_named_by_an_english_word_is_found_only_in_skill_context(
    matcher: Matcher, text: str, skill_id: str, found: bool
) -> None:
    assert (skill_id in {s.skill_id for s in matcher.match_text(text).skills}) is found


def test_names_that_are_hand_skills_merge_onto_them(tax: Taxonomy) -> None:
    docker = tax.skills["docker"]
    assert docker.origin == "rolefit"
    assert any(s.file.startswith("devtools/") for s in docker.sources)


def test_vendor_tags_become_service_names_or_nothing() -> None:
    lexicon = load_lexicon()
    assert _vendor_names("aws-", "codepipeline", ("AWS", "Amazon"), lexicon) == [
        "AWS CodePipeline",
        "Amazon CodePipeline",
    ]
    assert _vendor_names("azure-", "logic-apps", ("Azure",), lexicon) == ["Azure Logic Apps"]
    assert _vendor_names("azure-", "deployment", ("Azure",), lexicon) == []  # a facet
    assert _vendor_names("aws-", "sdk-js", ("AWS",), lexicon) == []  # a client library
    assert _vendor_names("azure-", "cli2", ("Azure",), lexicon) == []  # a version


def test_a_cloud_service_is_also_its_one_word_name() -> None:
    lexicon = load_lexicon()
    gcp = ("Google Cloud", "GCP")
    assert _bare_service("Google Cloud Spanner", gcp, lexicon) == [("Spanner", "context")]
    assert ("Cloudfront", "context") in _bare_service(
        "Amazon CloudFront", ("Amazon", "AWS"), lexicon
    )
    assert _bare_service("Amazon Rekognition", ("Amazon", "AWS"), lexicon) == [
        ("Rekognition", "case")
    ]
    assert _bare_service("Google Cloud Functions", gcp, lexicon) == []  # everyday, plural
    assert _bare_service("Google Cloud Endpoints", gcp, lexicon) == []
    assert _bare_service("AWS IAM", ("AWS", "Amazon"), lexicon) == []  # an acronym
    assert _bare_service("Azure Logic Apps", ("Azure",), lexicon) == []  # two words


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        (
            "Databases: Spanner, Bigtable, Redis",
            {"google-cloud-spanner", "google-cloud-bigtable"},
            set(),
        ),
        ("AWS: Lambda, S3, CloudFront, Cognito", {"amazon-cloudfront", "amazon-cognito"}, set()),
        (
            "We kept every record in a datastore; a spanner and a big table in the shop.",
            set(),
            {"google-cloud-datastore", "google-cloud-spanner", "google-cloud-bigtable"},
        ),
    ],
)
def test_a_cloud_service_named_alone_is_found_in_skill_context(
    matcher: Matcher, text: str, present: set[str], absent: set[str]
) -> None:
    found = {s.skill_id for s in matcher.match_text(text).skills}
    assert present <= found
    assert not found & absent


def test_sentence_case_ordinary_words_are_a_concept() -> None:
    lexicon = load_lexicon()
    assert _concept("Dependency injection", lexicon)
    assert not _concept("Spring Security", lexicon)
    assert not _concept("Sidekiq", lexicon)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Skills: Ruby on Rails, Sidekiq, PostgreSQL, Redis", "sidekiq"),
        ("Built a chat service with Node.js and Socket.io.", "socket.io"),
        ("Styling: Sass, Styled Components, Tailwind CSS", "styled-components"),
        ("Released through AWS CodePipeline and CodeBuild.", "aws-codepipeline"),
        ("Served the Django app with Gunicorn behind Nginx.", "gunicorn"),
    ],
)
def test_developer_tools_are_found_where_written(
    matcher: Matcher, text: str, expected: str
) -> None:
    assert expected in {s.skill_id for s in matcher.match_text(text).skills}


@pytest.mark.parametrize(
    "text",
    [
        "Rendered less care to the temporal ward on a cardiac unit.",
        "Worked at Intel as a line cook, then at an open source advocacy nonprofit.",
        "Sent weekly menus from Gmail and kept the pantry list in a notebook.",
        "Coordinated shipments with FedEx and USPS for the clinic.",
    ],
)
def test_ordinary_prose_finds_no_developer_tool(matcher: Matcher, text: str) -> None:
    found = [s.skill_id for s in matcher.match_text(text).skills]
    tools = [sid for sid in found if matcher.taxonomy.skills[sid].origin == "devtools"]
    assert tools == [], text


def test_the_word_list_follows_the_developer_tools_names() -> None:
    words = (SOURCES_DIR / "words" / "english_words.tsv").read_text(encoding="utf-8").split()
    onet = (SOURCES_DIR / "onet" / "technology_skills.tsv").read_text(encoding="utf-8").lower()
    for word in ("styled", "cognitive"):  # styled-components, azure-cognitive-search
        assert word in words
        assert word not in onet
