"""The Airtable I/O seam without a server: error mapping, pacing, retry settings."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, ClassVar

import pydantic
import pytest
import requests

from registry_core.errors import SchemaMismatchError
from registry_core.stores import airtable_http as H

DATA = Path(__file__).parent / "data"
TOKEN = "patAAAAAAAAAAAAAA.0123456789abcdef0123456789abcdef"


def _http_error(status: int, body: Any) -> requests.HTTPError:
    response = requests.Response()
    response.status_code = status
    response._content = b"" if body is None else json.dumps(body).encode()
    response.url = "http://127.0.0.1:1/v0/appX/AI%20Model%20Registry"
    return requests.HTTPError(f"{status} error for url: {response.url}", response=response)


CASES = json.loads((DATA / "airtable_errors.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c['status']}-{c['class']}" for c in CASES])
def test_http_errors_map_to_error_types(case: dict[str, Any]) -> None:
    error = H.translate(_http_error(case["status"], case["body"]), what="the table", token=TOKEN)
    assert error.error_class == case["class"]
    assert TOKEN not in str(error)
    assert error.hint or case["class"] == "error"
    if "missing" in case:
        assert isinstance(error, SchemaMismatchError)
        assert error.missing_fields == case["missing"]
        assert "setup-airtable" in str(error)


def test_schema_mismatch_message_names_the_field_and_the_command() -> None:
    error = H.schema_mismatch(["Cost per 1K tokens"], what="the table 'AI Model Registry'")
    assert '"Cost per 1K tokens"' in str(error)
    assert "python -m registry_core setup-airtable" in str(error)


@pytest.mark.parametrize(
    ("exc", "error_class"),
    [
        (
            requests.exceptions.RetryError("Max retries (too many 429 error responses)"),
            "rate_limited",
        ),
        (requests.exceptions.RetryError("too many 503 error responses"), "unavailable"),
        (requests.ConnectionError("refused"), "unavailable"),
        (requests.ReadTimeout("read timed out"), "unavailable"),
        (json.JSONDecodeError("x", "doc", 0), "malformed"),
        (KeyError("records"), "malformed"),
    ],
)
def test_transport_errors_map_to_error_types(exc: BaseException, error_class: str) -> None:
    assert H.translate(exc, what="the table").error_class == error_class


def test_pydantic_errors_are_malformed_responses() -> None:
    class Rec(pydantic.BaseModel):
        id: str

    try:
        Rec.model_validate({})
    except pydantic.ValidationError as exc:
        assert H.translate(exc, what="x").error_class == "malformed"


def test_token_is_scrubbed_from_unexpected_messages() -> None:
    error = H.translate(RuntimeError(f"boom {TOKEN}"), what="x", token=TOKEN)
    assert TOKEN not in str(error)
    assert "patZZZZZZZZZZZZZZ.deadbeef" not in str(
        H.translate(RuntimeError("patZZZZZZZZZZZZZZ.deadbeef"), what="x")
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_requests_at_least_one_fifth_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(H.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(H.time, "sleep", clock.sleep)
    limiter = H.RateLimiter(5.0)
    starts = []
    for _ in range(11):
        slot = limiter.acquire()
        starts.append(clock.now)
        limiter.release(slot)  # answered at once
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.2 for gap in gaps)
    # any window of one second holds at most five starts
    assert all(sum(1 for s in starts if t <= s < t + 1.0) <= 5 for t in starts)


def test_rate_limiter_counts_from_answers_so_late_requests_cannot_bunch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Five requests answered slowly hold the sixth back until 1 s after the first answer."""
    clock = FakeClock()
    monkeypatch.setattr(H.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(H.time, "sleep", clock.sleep)
    limiter = H.RateLimiter(5.0)
    first = limiter.acquire()
    others = [limiter.acquire() for _ in range(4)]
    clock.now += 0.7  # the first answer comes back late
    limiter.release(first)
    answered_at = clock.now
    for slot in others:
        limiter.release(slot)
    limiter.acquire()
    assert clock.now >= answered_at + 1.0


def test_limiters_are_shared_per_base() -> None:
    a = H.limiter_for("http://127.0.0.1:1", "appAAAAAAAAAAAAAA", 5.0)
    assert H.limiter_for("http://127.0.0.1:1/", "appAAAAAAAAAAAAAA", 5.0) is a
    assert H.limiter_for("http://127.0.0.1:1", "appBBBBBBBBBBBBBB", 5.0) is not a


def test_retry_outlasts_the_lockout_and_keeps_its_settings_across_attempts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    retry = H.make_retry(lockout_s=30.0, before_attempt=lambda: calls.append("x"))
    assert 429 in retry.status_forcelist and 503 in retry.status_forcelist
    assert retry.raise_on_status is False
    nxt = retry.new(total=3)
    assert isinstance(nxt, H.LockoutRetry) and nxt.lockout_s == 30.0

    slept: list[float] = []
    monkeypatch.setattr(H.time, "sleep", slept.append)

    class Resp:
        status = 429
        headers: ClassVar[dict[str, str]] = {}

    nxt.sleep(Resp())
    assert slept == [30.0 + H.LOCKOUT_MARGIN_S]
    assert calls == ["x"]  # the retry went through the limiter too
