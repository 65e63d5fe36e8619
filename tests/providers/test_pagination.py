"""Paginated listings: every page is fetched, loops and gaps fail the whole discovery."""

from __future__ import annotations

import httpx
import pytest

from registry_core.errors import MalformedResponseError
from registry_core.http import HTTPPolicy
from registry_core.providers import ProgressEvent

from .conftest import Routes, load, ok, run


def by_query(key: str, pages: dict[str | None, object]) -> Routes:
    class Paged(Routes):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return ok(pages[request.url.params.get(key)])

    return Paged({})


def test_anthropic_follows_after_id_across_two_pages() -> None:
    routes = by_query(
        "after_id",
        {
            None: load("anthropic_page1.json"),
            "claude-sonnet-4-5-20250929": load("anthropic_page2.json"),
        },
    )
    events: list[ProgressEvent] = []
    models = run("anthropic", routes, progress=events.append)
    assert [m.model_id for m in models] == [
        "claude-opus-4-6",
        "claude-sonnet-4-5-20250929",
        "claude-3-haiku-20240307",
    ]
    assert len(routes.requests) == 2
    assert routes.requests[0].headers["anthropic-version"] == "2023-06-01"
    assert routes.requests[0].headers["x-api-key"]
    assert [e.stage for e in events] == ["started", "page", "page", "finished"]
    assert (events[-1].pages, events[-1].models) == (2, 3)


def test_gemini_follows_page_token_across_two_pages() -> None:
    routes = by_query(
        "pageToken",
        {
            None: load("google_page1.json"),
            "Cg9nZW1pbmktMy1wcm8tcHJldmlldw==": load("google_page2.json"),
        },
    )
    models = run("google", routes)
    assert len(models) == 4 and len(routes.requests) == 2
    assert routes.requests[0].headers["x-goog-api-key"]
    assert "key" not in routes.requests[0].url.params  # the key never goes in the URL


def test_cohere_follows_page_token_across_two_pages() -> None:
    routes = by_query(
        "page_token", {None: load("cohere_page1.json"), "Q29tbWFuZC1y": load("cohere_page2.json")}
    )
    models = run("cohere", routes)
    assert [m.model_id for m in models][-1] == "command-r-03-2024"
    assert len(routes.requests) == 2


def test_openrouter_follows_offset_across_two_pages() -> None:
    routes = by_query(
        "offset", {"0": load("openrouter_page1.json"), "2": load("openrouter_page2.json")}
    )
    models = run("openrouter", routes, secret=None)
    assert len(models) == 4 and len(routes.requests) == 2
    assert "authorization" not in routes.requests[0].headers  # public listing, no key given


def test_openrouter_old_single_page_shape() -> None:
    routes = Routes(
        {("GET", "/api/v1/models"): ok({"data": load("openrouter_page1.json")["data"]})}
    )
    assert len(run("openrouter", routes, secret=None)) == 2


@pytest.mark.parametrize(
    ("provider", "key", "page"),
    [
        ("anthropic", "after_id", {"data": [{"id": "a"}], "has_more": True, "last_id": "a"}),
        ("google", "pageToken", {"models": [{"name": "models/g"}], "nextPageToken": "same"}),
        ("cohere", "page_token", {"models": [{"name": "c"}], "next_page_token": "same"}),
        ("openrouter", "offset", {"data": [{"id": "o"}], "links": {"next": "/models?offset=0"}}),
    ],
)
def test_a_repeating_cursor_stops_with_a_malformed_error(
    provider: str, key: str, page: dict
) -> None:
    routes = by_query(key, {None: page, "a": page, "same": page, "0": page})
    with pytest.raises(MalformedResponseError, match="repeats an earlier cursor"):
        run(provider, routes, secret="k" if provider != "openrouter" else None)
    assert len(routes.requests) <= 3


def test_page_cap_stops_an_endless_listing() -> None:
    class Endless(Routes):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            n = int(request.url.params.get("pageToken") or 0)
            return ok({"models": [{"name": f"models/m{n}"}], "nextPageToken": str(n + 1)})

    routes = Endless({})
    with pytest.raises(MalformedResponseError, match="more than 5 pages"):
        run("google", routes, policy=HTTPPolicy(max_pages=5))
    assert len(routes.requests) == 5


def test_has_more_without_last_id_is_malformed() -> None:
    routes = Routes({("GET", "/v1/models"): ok({"data": [{"id": "a"}], "has_more": True})})
    with pytest.raises(MalformedResponseError, match="last_id"):
        run("anthropic", routes)


def test_openrouter_page_short_of_total_count_is_malformed() -> None:
    routes = by_query(
        "offset",
        {"0": {"data": [{"id": "x"}], "total_count": 5}, "1": {"data": [], "total_count": 5}},
    )
    with pytest.raises(MalformedResponseError, match="total_count"):
        run("openrouter", routes, secret=None)


def test_a_failed_second_page_fails_the_whole_listing() -> None:
    class SecondFails(Routes):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            if request.url.params.get("after_id"):
                return httpx.Response(200, content=b'{"data": [{"id": "b"')
            return ok(load("anthropic_page1.json"))

    events: list[ProgressEvent] = []
    with pytest.raises(MalformedResponseError):
        run("anthropic", SecondFails({}), progress=events.append)
    assert events[-1].stage == "failed"
