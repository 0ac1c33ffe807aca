"""Property-based API tests: schemathesis generates requests from the live server's OpenAPI
schema; no response may be a 5xx, and every response must match its documented status, media
type, headers and schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.service.conftest import Server

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("ROLEFIT_SCHEMATHESIS_EXAMPLES", "30"))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_api_conforms_to_its_openapi_schema(
    ready_server: Server, mode: GenerationMode
) -> None:
    """Valid requests (positive) and invalid ones (negative): never a 5xx, always as documented."""
    # schemathesis.pytest.from_fixture does not support pytest 9 yet, so each operation's
    # strategy is run through hypothesis here.
    schema = schemathesis.openapi.from_url(ready_server.url + "/openapi.json")
    headers = {"Authorization": f"Bearer {ready_server.keys['all']}"}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            case.call_and_validate(base_url=ready_server.url, headers=headers, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            # Operations that accept anything (GET /healthz, a free-form path string) have no
            # invalid request to generate.
            assert mode is GenerationMode.NEGATIVE
