"""The imported vocabularies (issue 15: O*NET and the developer tools) on text: what they
add, and what they must not.

"Before" is the taxonomy without ``data/vocabulary.json`` and ``data/devtools.json`` (no
imported skill, no imported spelling merged onto a hand skill): what rolefit found before the
import. "After" is the packaged taxonomy with the imported vocabularies matched
(``MatchOptions(imported_vocabulary=True)``). Documents come from ``tests.documents``:
resumes of other trades and news prose (``NON_TECHNICAL``, each with the technologies it
really names) and the role-fit resumes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from matcher.models import CanonicalSkill, MatchReport
from matcher.options import MatchOptions
from matcher.pipeline import Matcher
from taxonomy import DATA_DIR, DEVTOOLS_NAME, SOURCES_DIR, VOCABULARY_NAME, Taxonomy, load_taxonomy
from tests.documents import NON_TECHNICAL, ROLE_FIT_RESUMES

pytestmark = pytest.mark.issue(15)

TECHNOLOGY = frozenset({"language", "library", "platform", "tool", "datastore"})


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    root: Path = tmp_path_factory.mktemp("no-vocabulary")
    shutil.copytree(DATA_DIR, root / "data")
    shutil.copytree(SOURCES_DIR, root / "sources")
    (root / "data" / VOCABULARY_NAME).unlink()
    (root / "data" / DEVTOOLS_NAME).unlink()
    taxonomy = load_taxonomy(root / "data")
    assert not taxonomy.imported_skills()
    return Matcher(taxonomy, MatchOptions(imported_vocabulary=False))


@pytest.fixture(scope="module")
def after() -> Matcher:
    return Matcher(load_taxonomy(), MatchOptions(imported_vocabulary=True))


def _technologies(skills: Iterable[CanonicalSkill]) -> set[str]:
    return {s.skill_id for s in skills if s.category in TECHNOLOGY}


def _named(taxonomy: Taxonomy, names: Iterable[str]) -> set[str]:
    return {skill.id if (skill := taxonomy.lookup(n)) else n.casefold() for n in names}


def _false_technologies(matcher: Matcher, doc_id: str, taxonomy: Taxonomy) -> set[str]:
    doc = NON_TECHNICAL[doc_id]
    found = _technologies(matcher.match_text(doc.text).skills)
    return found - _named(taxonomy, doc.technologies)


def test_non_technical_documents_are_many_and_varied() -> None:
    kinds = [d.kind for d in NON_TECHNICAL.values()]
    assert len(NON_TECHNICAL) >= 20
    assert kinds.count("news") >= 4
    assert kinds.count("resume") >= 16
    assert all(len(d.text.split()) >= 120 for d in NON_TECHNICAL.values())


@pytest.mark.parametrize("doc_id", sorted(NON_TECHNICAL))
def test_import_adds_no_false_technology(before: Matcher, after: Matcher, doc_id: str) -> None:
    """Whatever the import finds on a nurse's, a chef's or a reporter's text, the text names."""
    taxonomy = after.taxonomy
    assert _false_technologies(after, doc_id, taxonomy) <= _false_technologies(
        before, doc_id, taxonomy
    )


def test_technologies_found_on_non_technical_text_do_not_rise(
    before: Matcher, after: Matcher
) -> None:
    """Counted over all the documents: technologies found that the text does not name."""
    taxonomy = after.taxonomy
    false_before = sum(len(_false_technologies(before, d, taxonomy)) for d in NON_TECHNICAL)
    false_after = sum(len(_false_technologies(after, d, taxonomy)) for d in NON_TECHNICAL)
    assert false_after <= false_before


@pytest.mark.parametrize(
    ("doc_id", "skill_id"),
    [
        ("lawyer", "lexisnexis"),
        ("teacher", "google-classroom"),
        ("construction_pm", "microsoft-project"),
        ("hr_generalist", "workday"),
        ("electrician", "autocad"),
    ],
)
def test_import_finds_the_tools_other_trades_name(
    before: Matcher, after: Matcher, doc_id: str, skill_id: str
) -> None:
    text = NON_TECHNICAL[doc_id].text
    assert skill_id in _technologies(after.match_text(text).skills)
    assert skill_id not in _technologies(before.match_text(text).skills)


@pytest.mark.parametrize(
    "text",
    [
        "Tim Becker led the night shift.",  # TIM is a product, only in capitals
        "Compliance with FMLA, ADA and state leave law.",  # Ada the language
        "She gave the keynote at the regional nursing conference.",
        "Keynote speaker, State Bar annual meeting, 2022.",
        "Worked with a sign-language Interpreter at every hearing.",
        "Summary: Illustrator of children's books since 2015.",
        "Used the Delphi method to reach consensus among the panel.",
        "Shift lead at the Domino's on Main Street.",
        "Flight paramedic, Skyline AIR Medical.",
        "Reports: monthly board reports and donor reports.",
        "Access to care improved for rural clients.",
        "Intern, DataVision Corp., Boston.",
        "Hiked the Basecamp trail with the scout troop.",
    ],
)
def test_ordinary_words_are_no_imported_skill(after: Matcher, text: str) -> None:
    found = [s for s in after.match_text(text).skills if s.skill_id in after.nlp.imported]
    assert found == [], text


@pytest.mark.parametrize(
    ("text", "skill_id"),
    [
        ("Skills: Java, Struts, Tomcat, JDBC, Oracle", "apache-tomcat"),
        ("Skills: Java, Struts, Tomcat, JDBC, Oracle", "apache-struts"),
        ("Skills: Java, Struts, Tomcat, JDBC, Oracle", "jdbc"),
        ("Built desktop tools in Delphi and C++ for the lab.", "embarcadero-delphi"),
        ("Deployed the web services on Oracle WebLogic Server.", "weblogic-server"),
        ("Penetration tests from Kali Linux.", "kali-linux"),
        ("Planned the rollout in MS Project.", "microsoft-project"),
    ],
)
def test_imported_names_are_found_where_written(after: Matcher, text: str, skill_id: str) -> None:
    assert skill_id in {s.skill_id for s in after.match_text(text).skills}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Penetration tests from Kali Linux.", "linux"),
        ("Queries and reports in SQL Developer.", "sql"),
        ("Tuned queries with SQL Plus and RMAN.", "sql"),
        ("Web forms in ASP.NET and C#.", "aspnet"),
    ],
)
def test_an_imported_name_never_hides_a_hand_written_one(
    before: Matcher, after: Matcher, text: str, kept: str
) -> None:
    assert kept in {s.skill_id for s in before.match_text(text).skills}
    assert kept in {s.skill_id for s in after.match_text(text).skills}


def _role_scores(report: MatchReport) -> dict[str, float]:
    return {r.role_id: r.score for r in report.roles}


JAVA_WEB_RESUME = """Chen Wei
Java Developer
Experience
Java Developer, Lakeside Insurance, 2014 - 2024
- Built policy administration screens with JSP, Apache Struts and AJAX on Apache Tomcat.
- Data access with JDBC and Hibernate against Oracle; batch jobs in shell scripts on AIX.
- Deployed to Oracle WebLogic Server; load tests with HP LoadRunner; defects in Bugzilla.
Skills
Java, JSP, Struts, JDBC, Hibernate, Oracle, SQL, JSON, XML, Apache Ant, Maven, Git, Linux
Education
B.Sc. Computer Science, 2014
"""


@pytest.mark.parametrize(
    "text",
    [
        *ROLE_FIT_RESUMES.values(),
        *(d.text for d in NON_TECHNICAL.values() if d.kind == "resume"),
        JAVA_WEB_RESUME,
    ],
)
def test_role_scores_do_not_change_with_the_import(
    before: Matcher, after: Matcher, text: str
) -> None:
    """No role links an imported skill, so a role's score moves only if a document names one
    of the role's own skills through an O*NET spelling; none of these does."""
    old, new = before.match_text(text), after.match_text(text)
    assert _role_scores(new) == _role_scores(old)
    assert new.verdict is not None
    assert old.verdict is not None
    assert new.verdict.role_id == old.verdict.role_id
    # every imported technology it finds is listed with its evidence
    for skill in new.skills:
        if skill.skill_id in after.nlp.imported:
            assert skill.evidence, skill.skill_id
            assert all(e.surface and e.surface in text for e in skill.evidence), skill.skill_id


def test_no_role_links_an_imported_skill(after: Matcher) -> None:
    imported = {s.id for s in after.taxonomy.imported_skills()}
    for role in after.taxonomy.roles.values():
        assert not {rs.skill for rs in after.taxonomy.role_skills(role.id)} & imported, role.id


POSTING = """Java Developer (Insurance Systems)
Requirements
- 5+ years of Java
- Apache Tomcat and JDBC in production
- Oracle databases and SQL
Nice to have
- Apache Struts
"""


def test_a_posting_that_names_an_imported_technology_requires_it(
    before: Matcher, after: Matcher
) -> None:
    old, new = before.parse_job(POSTING), after.parse_job(POSTING)
    required = {s.skill_id for s in new.required}
    assert {"apache-tomcat", "jdbc"} <= required
    assert not {"apache-tomcat", "jdbc"} & {s.skill_id for s in old.required}
    # a candidate who has them gets credit for this posting, and the roles stay as they were
    old_report = before.match_text(JAVA_WEB_RESUME, job=old)
    new_report = after.match_text(JAVA_WEB_RESUME, job=new)
    assert new_report.job is not None
    assert old_report.job is not None
    matched = {m.skill_id for m in new_report.job.matched}
    assert {"apache-tomcat", "jdbc"} <= matched
    assert _role_scores(new_report) == _role_scores(old_report)


@pytest.mark.parametrize(
    ("text", "skill_id"),
    [
        ("Cloud: AWS (EC2, S3, Lambda, SageMaker), GCP, Azure", "aws-lambda"),
        ("- Cloud Platforms: AWS (SageMaker, Lambda), Google Cloud (Vertex AI)", "aws-lambda"),
        ("Azure: Functions, Data Factory and DevOps", "azure-functions"),
        ("Azure: Functions, Data Factory and DevOps", "azure-data-factory"),
        ("Cloud: Google Cloud (Dataflow, Pub/Sub, Functions)", "cloud-functions"),
        ("Security: Azure (Sentinel, Functions)", "azure-sentinel"),  # imported from O*NET
        ("Skills: RAG | SQL | Docker | AWS S3 and Lambda | Weights & Biases", "aws-lambda"),
    ],
)
def test_a_product_named_bare_under_its_platform_is_found(
    after: Matcher, text: str, skill_id: str
) -> None:
    """Aliases derived by rule from vendor-prefixed names ("AWS Lambda" -> "Lambda" under
    AWS), for hand-written and imported skills alike."""
    skill = next(s for s in after.match_text(text).skills if s.skill_id == skill_id)
    assert skill.evidence[0].surface in text


@pytest.mark.parametrize(
    "text",
    [
        "I went to the Lambda party with AWS people.",
        "Lambda Chi Alpha fraternity, treasurer",
        "AWS certified; functions of the team: hiring and training",
        "Azure blue walls (Functions room, 2nd floor)",
        "Skills: AWS S3 and Lambda Chi Alpha alumni events",
    ],
)
def test_a_bare_product_name_elsewhere_is_not_found(after: Matcher, text: str) -> None:
    found = {s.skill_id for s in after.match_text(text).skills}
    assert not found & {"aws-lambda", "azure-functions", "cloud-functions"}
