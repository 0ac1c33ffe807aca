"""``/docs`` and ``/redoc`` render in Chromium with every request off 127.0.0.1 refused."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.service.conftest import Server

pytestmark = [pytest.mark.slow, pytest.mark.issue(13)]


def _offline(page: Any) -> list[str]:
    """Abort every request that leaves 127.0.0.1; the list of those attempted."""
    outside: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", handle)
    return outside


def test_swagger_ui_renders_without_network(web_server: Server, page: Any) -> None:
    outside = _offline(page)
    page.goto(web_server.url + "/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "rolefit" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary-path", has_text="/v1/match").first.wait_for()
    assert outside == []


def test_redoc_renders_without_network(web_server: Server, page: Any) -> None:
    outside = _offline(page)
    page.goto(web_server.url + "/redoc")
    page.get_by_role("heading", name="rolefit").first.wait_for()
    assert page.get_by_text("/v1/match").count() >= 1
    assert outside == []
