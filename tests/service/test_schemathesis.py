"""Property-based API tests: schemathesis generates requests from the live server's OpenAPI
schema; no response may be a 5xx, and every response must match its documented status, media
type, headers and schema."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.service.conftest import Server

pytestmark = pytest.mark.slow

if not os.environ.get("ROLEFIT_SCHEMATHESIS_WITHOUT_PIPELINE"):
    from tests.service.test_api_pipeline import _pipeline_missing

    if (_missing := _pipeline_missing()) is not None:
        pytest.skip(_missing, allow_module_level=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("ROLEFIT_SCHEMATHESIS_EXAMPLES", "20"))


@pytest.fixture(scope="module")
def api_schema(ready_server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(ready_server.url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_schemathesis_api_conforms_to_its_openapi_schema(
    case: schemathesis.Case[Any], ready_server: Server
) -> None:
    case.call_and_validate(
        base_url=ready_server.url,
        headers={"Authorization": f"Bearer {ready_server.keys['all']}"},
        checks=CHECKS,
    )
