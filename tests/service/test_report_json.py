"""The fast JSON of a match report is exactly the API model's JSON (``report_out``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from matcher import Matcher, report_json
from service.schemas import MatchReportOut, report_out
from tests import documents as docs


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.default()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"roles": ["data-scientist", "software-engineer"]},
        {"job": docs.JOB_POSTING_JSONLD},
        {"job": docs.JOB_POSTING_TEXT, "roles": ["ml-engineer"]},
    ],
    ids=["all-roles", "named-roles", "jsonld-job", "text-job"],
)
def test_report_json_is_the_api_model_json(matcher: Matcher, kwargs: dict[str, Any]) -> None:
    report = matcher.match(docs.person_pdf("reportlab"), filename="cv.pdf", **kwargs)
    fast = json.loads(report_json(report))
    assert fast == json.loads(report_out(report).model_dump_json())
    MatchReportOut.model_validate(fast)  # and it is a valid response body


def test_report_json_of_pasted_text(matcher: Matcher) -> None:
    report = matcher.match_text(docs.person_text())
    assert json.loads(report_json(report)) == json.loads(report_out(report).model_dump_json())
