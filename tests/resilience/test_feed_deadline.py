"""Issue #17: a feed that drips holds an import no longer than ``ROLEFIT_FETCH_TIMEOUT``, and
what arrived by then is never taken for the whole feed.

The feed host (a local server on 127.0.0.1) declares the feed's full ``Content-Length``, sends
its headers and a first part at once, then one byte every 0.2 s. The import must fail with
502 ``feed-unreachable`` ("timed out") within the deadline and store nothing: not a 422
``feed-invalid`` for JSON cut short, not a 200 for the postings of an HTML page cut short.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from service.jobboard.importers import FetchError, fetch_feed
from tests.service.conftest import Server, start_server, stop_server
from tests.tools import local_server

pytestmark = [pytest.mark.resilience, pytest.mark.slow, pytest.mark.issue(17)]

FEEDS = Path(__file__).resolve().parents[1] / "jobboard" / "feeds"
DEADLINE = 2.0  # ROLEFIT_FETCH_TIMEOUT of the server below


class DrippingFeed(BaseHTTPRequestHandler):
    """``GET /drip/<feed file>``: the headers (full Content-Length) and the feed up to the end
    of its first ``</script>`` (or its first 10 bytes) at once, then a byte every 0.2 s.
    ``GET /short/<feed file>``: the same first part, then the connection is closed."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        mode, name = self.path.strip("/").split("/", 1)
        data = (FEEDS / name).read_bytes()
        first = data.index(b"</script>") + len(b"</script>") if b"</script>" in data else 10
        try:
            self.send_response(200)
            self.send_header(
                "Content-Type", "text/html" if name.endswith(".html") else "application/json"
            )
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:first])
            self.wfile.flush()
            if mode == "short":
                self.close_connection = True
                return
            for byte in data[first:]:
                time.sleep(0.2)
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except OSError:
            return


@pytest.fixture(scope="module")
def feed_host() -> Iterator[str]:
    with local_server(DrippingFeed, name="dripping-feed") as url:
        yield url


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(
        tmp_path_factory.mktemp("feeds"),
        dev_mode=False,
        workers=1,
        allow_private_urls=True,  # the feed host is on 127.0.0.1
        fetch_timeout=DEADLINE,
        log_json=True,
    )
    server.wait_ready()
    try:
        yield server
    finally:
        stop_server(server)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("jobs.html", "jsonld"),  # its one posting arrives at once, the rest of the page drips
        ("greenhouse.json", "greenhouse"),
    ],
)
def test_a_dripping_feed_fails_the_import_within_its_deadline(
    feed_server: Server, feed_host: str, name: str, fmt: str
) -> None:
    with feed_server.client() as client:
        started = time.monotonic()
        response = client.post(
            "/v1/jobs:import", json={"url": f"{feed_host}/drip/{name}", "format": fmt}
        )
        took = time.monotonic() - started
        stored = client.get("/v1/jobs").json()["items"]
    assert response.status_code == 502, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["code"]) == ("/problems/feed-unreachable", "feed-unreachable")
    assert "timed out" in problem["detail"]
    assert DEADLINE - 0.1 < took < DEADLINE + 1.5, took
    assert stored == [], "nothing of a feed cut short is imported"


def test_a_feed_closed_before_its_content_length_is_not_a_feed(feed_host: str) -> None:
    with pytest.raises(FetchError) as short:
        fetch_feed(f"{feed_host}/short/jobs.html", timeout=DEADLINE, allow_private=True)
    assert short.value.kind == "unreachable"
