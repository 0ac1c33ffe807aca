"""Feed imports: Greenhouse, Lever, Ashby and JSON-LD served by a local HTTP server on 127.0.0.1
and posted inline, through the real server; and the fetcher's guards (time limit, size cap,
http(s) only, no redirect to a private or loopback address unless allowed)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from service.jobboard.importers import FetchError, fetch_feed, read_feed
from tests.jobboard.helpers import FEEDS, assert_problem, feed
from tests.jobboard.live import SETTINGS, ApiServer
from tests.jobboard.local_http import LocalHttp
from tests.resilience.net import FakeDns

# --------------------------------------------------------------------------- the fetcher itself


def test_import_fetch_refuses_loopback_unless_allowed(local: LocalHttp) -> None:
    url = f"{local.url}/feeds/greenhouse.json"
    with pytest.raises(FetchError) as refused:
        fetch_feed(url, allow_private=False)
    assert refused.value.kind == "url-refused"
    assert fetch_feed(url, allow_private=True) == (FEEDS / "greenhouse.json").read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/feed.json",
        "gopher://127.0.0.1/",
        "http://user:pw@127.0.0.1/feed.json",
        "http:///feed.json",
        "http://[::1",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/feed.json",
        "http://[::ffff:127.0.0.1]/feed.json",
        "http://0.0.0.0/feed.json",
        "http://example.com/a b",
        "http://127.0.0.1\x00.example.com/",
    ],
)
def test_import_fetch_refuses_unsafe_urls(url: str) -> None:
    with pytest.raises(FetchError) as refused:
        fetch_feed(url, allow_private=False, timeout=1)
    assert refused.value.kind == "url-refused"


def test_import_fetch_refuses_a_redirect_from_a_public_host_to_loopback(
    local: LocalHttp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public name (a fake public address routed to the local server) that redirects to
    127.0.0.1: the redirect target is checked like the first URL and refused."""
    dns = FakeDns(
        answers={"feeds.example.com": [["93.184.215.14"]]},
        routes={"93.184.215.14": int(local.url.rsplit(":", 1)[1])},
    )
    dns.install(monkeypatch)
    target = f"{local.url}/feeds/greenhouse.json"
    with pytest.raises(FetchError) as refused:
        fetch_feed(f"http://feeds.example.com/redirect?to={target}", allow_private=False)
    assert refused.value.kind == "url-refused"
    assert dns.connects == ["93.184.215.14"], "the loopback target is never connected to"


def test_import_fetch_follows_allowed_redirects_but_not_loops(local: LocalHttp) -> None:
    target = f"{local.url}/feeds/lever.json"
    data = fetch_feed(f"{local.url}/redirect?to={target}", allow_private=True)
    assert data == (FEEDS / "lever.json").read_bytes()
    with pytest.raises(FetchError, match="redirects"):
        fetch_feed(f"{local.url}/loop", allow_private=True)
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch_feed(f"{local.url}/redirect?to=/status/500", allow_private=True)


def test_import_fetch_time_limit_and_size_cap(local: LocalHttp) -> None:
    with pytest.raises(FetchError, match="timed out") as slow:
        fetch_feed(f"{local.url}/slow?seconds=3", allow_private=True, timeout=0.5)
    assert slow.value.kind == "unreachable"
    for chunked in ("", "&chunked=1"):
        with pytest.raises(FetchError) as big:
            fetch_feed(f"{local.url}/big?bytes=300000{chunked}", allow_private=True, max_bytes=1000)
        assert big.value.kind == "too-large"
    assert len(fetch_feed(f"{local.url}/big?bytes=900", allow_private=True, max_bytes=1000)) == 900


def test_import_readers_understand_each_board() -> None:
    greenhouse = read_feed((FEEDS / "greenhouse.json").read_bytes(), "greenhouse")
    # the third Greenhouse job has no content: skipped
    assert [p["identifier"]["value"] for p in greenhouse] == ["4012345", "4012346"]
    assert greenhouse[0]["description"].startswith("<p>Northwind"), "entities unescaped"
    assert greenhouse[0]["hiringOrganization"]["name"] == "Northwind Freight"
    lever = read_feed((FEEDS / "lever.json").read_bytes(), "lever", organization="Northwind")
    assert lever[0]["title"] == "Backend Engineer, Platform"
    assert "<h3>Requirements</h3><ul><li>5+ years of Go or Python</li>" in lever[0]["description"]
    ashby = read_feed((FEEDS / "ashby.json").read_bytes(), "ashby")
    assert [p["title"] for p in ashby] == ["Data Scientist"], "unlisted jobs are skipped"
    page = read_feed((FEEDS / "jobs.html").read_bytes(), "jsonld")
    assert [p["title"] for p in page] == ["Analytics Engineer"]


# --------------------------------------------------------------------------- through the server


def _import(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post("/v1/jobs:import", json=body)


@pytest.mark.slow
def test_import_greenhouse_feed_from_a_url(api: ApiServer, local: LocalHttp) -> None:
    with api.client() as client:
        response = _import(client, format="greenhouse", url=f"{local.url}/feeds/greenhouse.json")
        assert response.status_code == 200, response.text
        result = response.json()
        again = _import(client, format="greenhouse", url=f"{local.url}/feeds/greenhouse.json")
        job = client.get("/v1/jobs/4012345").json()
    assert result["format"] == "greenhouse"
    assert result["total"] == 2
    assert result["failed"] == []
    assert {j["external_id"] for j in result["jobs"]} == {"4012345", "4012346"}
    assert again.json()["updated"] == 2
    assert again.json()["created"] == 0
    assert [j["id"] for j in again.json()["jobs"]] == [j["id"] for j in result["jobs"]]
    assert job["title"] == "Data Engineer"
    assert job["organization"] == "Northwind Freight"
    assert job["source"] == "greenhouse"
    required = {s["skill_id"] for s in job["requirements"]["required"]}
    assert {"python", "sql", "airflow", "postgresql"} <= required
    assert job["requirements"]["years_required"] == 4.0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "path", "ids"),
    [
        ("lever", "lever.json", {"5b1f2c3d-0a9e-4c1b-9e61-2f1d3c4b5a60"}),
        ("ashby", "ashby.json", {"0c7c5d8e-6f1a-4b5e-a1a4-2f6b9d0e1c11"}),
        ("jsonld", "jobs.html", {"ae-77"}),
    ],
)
def test_import_other_boards_from_a_url(
    api: ApiServer, local: LocalHttp, fmt: str, path: str, ids: set[str]
) -> None:
    with api.client() as client:
        response = _import(
            client, format=fmt, url=f"{local.url}/feeds/{path}", organization="Northwind"
        )
    assert response.status_code == 200, response.text
    result = response.json()
    assert {j["external_id"] for j in result["jobs"]} == ids
    assert result["failed"] == []


@pytest.mark.slow
def test_import_inline_feed_lists_unreadable_postings(api: ApiServer) -> None:
    data = feed("lever.json")
    assert isinstance(data, list)
    unreadable = {**data[0], "id": "lever-bad", "text": "Intern", "lists": []}
    unreadable["description"] = "<p>.</p>"
    unreadable["descriptionPlain"] = "."
    unreadable.pop("additional")
    unreadable.pop("additionalPlain")
    long_id = {**data[0], "id": "L" * 201}
    with api.client() as client:
        response = _import(client, format="lever", feed=[*data, unreadable, long_id])
    assert response.status_code == 200, response.text
    result = response.json()
    assert len(result["jobs"]) == 1
    assert [(f["index"], f["code"]) for f in result["failed"]] == [
        (1, "invalid-job-posting"),
        (2, "invalid-job-posting"),
    ]
    assert result["failed"][0]["external_id"] == "lever-bad"
    assert "200 characters" in result["failed"][1]["detail"]


@pytest.mark.slow
def test_import_url_problems(api: ApiServer, local: LocalHttp) -> None:
    cap = int(str(SETTINGS["fetch_max_bytes"]))
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"url": "file:///etc/passwd"}, 422, "url-refused"),
        ({"url": "ftp://127.0.0.1/x"}, 422, "url-refused"),
        ({"url": f"{local.url}/slow?seconds=4"}, 502, "feed-unreachable"),
        ({"url": f"{local.url}/big?bytes={cap * 2}"}, 413, "feed-too-large"),
        ({"url": f"{local.url}/big?bytes={cap * 2}&chunked=1"}, 413, "feed-too-large"),
        ({"url": f"{local.url}/status/404"}, 502, "feed-unreachable"),
        ({"url": "http://127.0.0.1:9/nothing-listens"}, 502, "feed-unreachable"),
        ({"url": f"{local.url}/feeds/lever.json"}, 422, "feed-invalid"),  # not Greenhouse
        ({"url": f"{local.url}/big?bytes=100"}, 422, "feed-invalid"),  # blank, not JSON
        ({"feed": {"jobs": "nope"}}, 422, "feed-invalid"),
        ({"feed": "<html>no json-ld</html>"}, 422, "feed-invalid"),
        ({}, 422, "validation-error"),
        (
            {"url": f"{local.url}/feeds/greenhouse.json", "feed": {"jobs": []}},
            422,
            "validation-error",
        ),
        ({"url": "x", "format": "workday"}, 422, "validation-error"),
        ({"url": "x", "extra": 1}, 422, "validation-error"),
    ]
    with api.client() as client:
        for body, status, code in cases:
            response = _import(client, **{"format": "greenhouse", **body})
            assert_problem(response, status, code)
        assert_problem(
            client.post(
                "/v1/jobs:import", content=b"{", headers={"content-type": "application/json"}
            ),
            422,
            "validation-error",
        )


@pytest.mark.slow
def test_slow_feeds_take_only_their_own_threads(api: ApiServer, local: LocalHttp) -> None:
    # two feeds that drip past the deadline hold both fetch slots (fetch_concurrency=2): a third
    # import by URL is told to come back at once, and the rest of the API goes on
    import concurrent.futures
    import time

    slow = {"format": "greenhouse", "url": f"{local.url}/slow?seconds=4"}
    with api.client() as c1, api.client() as c2, api.client() as c3:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            held = [pool.submit(_import, client, **slow) for client in (c1, c2)]
            time.sleep(0.5)  # both fetches have started and hold their slots
            started = time.monotonic()
            busy = _import(c3, **slow)
            assert_problem(busy, 503, "service-busy")
            assert busy.headers["retry-after"].isdigit()
            assert c3.get("/v1/jobs").status_code == 200
            inline = _import(c3, format="greenhouse", feed={"jobs": []})
            assert inline.status_code == 200, inline.text
            assert time.monotonic() - started < 1.0  # none of it waited for the slow feeds
            for future in held:
                assert_problem(future.result(), 502, "feed-unreachable")
        # the slots are free again once those fetches gave up
        assert_problem(_import(c3, **slow), 502, "feed-unreachable")
