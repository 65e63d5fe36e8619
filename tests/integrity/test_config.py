"""Configuration values that used to be taken as they came: each is now a clear error naming the
variable (or, for harmless spelling differences, normalised)."""

from __future__ import annotations

import math
import threading
from pathlib import Path

import pytest

from registry_core.config import REFRESH_EVERY_BOUNDS, Settings, duration_setting, parse_duration
from registry_core.errors import ConfigError, RegistryError

README = Path(__file__).resolve().parents[2] / "README.md"
HUGE = "9" * 400  # float("9" * 400) is inf


def _error(env: dict[str, str]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert isinstance(caught.value, RegistryError)
    return caught.value


# --- REGISTRY_PROVIDERS ---------------------------------------------------------------------------


def test_providers_are_normalised_and_deduplicated() -> None:
    settings = Settings.from_env({"REGISTRY_PROVIDERS": "openai,OpenAI, anthropic ,,OPENAI"})
    assert settings.providers == ("openai", "anthropic")


def test_unknown_provider_ids_name_the_variable_and_the_valid_ids() -> None:
    message = str(_error({"REGISTRY_PROVIDERS": "openai,open-ai,gemini"}))
    assert "REGISTRY_PROVIDERS" in message
    assert "'open-ai'" in message and "'gemini'" in message
    assert "openai_compatible" in message and "anthropic" in message  # the valid ids


def test_a_provider_list_with_no_provider_is_an_error() -> None:
    assert "REGISTRY_PROVIDERS" in str(_error({"REGISTRY_PROVIDERS": " , ,"}))


def test_unset_providers_mean_the_defaults() -> None:
    assert Settings.from_env({}).providers == Settings().providers
    assert Settings.from_env({"REGISTRY_PROVIDERS": " "}).providers == Settings().providers


# --- durations --------------------------------------------------------------------------------


DURATIONS = [
    "REGISTRY_CACHE_TTL",
    "REGISTRY_FRESHNESS",
    "REGISTRY_VERSION_CHECK",
    "REGISTRY_GRACE_PERIOD",
    "REGISTRY_REFRESH_EVERY",
    "AIRTABLE_LOCKOUT",
]


@pytest.mark.parametrize("name", DURATIONS)
def test_a_huge_duration_is_an_error_naming_the_variable(name: str) -> None:
    message = str(_error({name: HUGE}))
    assert message.startswith(f"{name}=")
    assert "between" in message  # says the bounds


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REGISTRY_FRESHNESS", "366d"),
        ("REGISTRY_CACHE_TTL", "8d"),
        ("REGISTRY_VERSION_CHECK", "2d"),
        ("REGISTRY_GRACE_PERIOD", "400d"),
        ("AIRTABLE_LOCKOUT", "2h"),
        ("REGISTRY_REFRESH_EVERY", "31d"),
        ("REGISTRY_REFRESH_EVERY", "0.5s"),  # below the minimum
    ],
)
def test_durations_outside_their_bounds_are_errors(name: str, value: str) -> None:
    message = str(_error({name: value}))
    assert message.startswith(f"{name}='{value}' must be between")


def test_durations_within_bounds_parse() -> None:
    settings = Settings.from_env(
        {
            "REGISTRY_FRESHNESS": "365d",
            "REGISTRY_CACHE_TTL": "0",
            "REGISTRY_VERSION_CHECK": "0s",
            "REGISTRY_REFRESH_EVERY": "6h",
            "AIRTABLE_LOCKOUT": "30s",
        }
    )
    assert settings.freshness_s == 365 * 86400
    assert settings.cache_ttl_s == 0 and settings.version_check_s == 0
    assert settings.refresh_every_s == 6 * 3600
    assert settings.airtable.lockout_s == 30


@pytest.mark.parametrize("value", ["", "0", "off", "OFF"])
def test_refresh_every_off(value: str) -> None:
    assert Settings.from_env({"REGISTRY_REFRESH_EVERY": value}).refresh_every_s is None


def test_the_refresh_period_is_one_a_thread_can_wait_for() -> None:
    # threading.Event.wait(inf) raises OverflowError: the refresher thread used to die on it
    assert REFRESH_EVERY_BOUNDS[1] * 1.1 < threading.TIMEOUT_MAX  # the refresher's jitter


def test_parse_duration_refuses_infinity() -> None:
    with pytest.raises(ConfigError, match="--if-older-than"):
        parse_duration(HUGE, name="--if-older-than")
    assert math.isfinite(parse_duration("90m"))


def test_duration_setting_is_reusable_with_its_own_bounds() -> None:
    assert duration_setting(None, name="X_TTL", default="2m", minimum=60, maximum=600) == 120
    with pytest.raises(ConfigError, match=r"^X_TTL='11m' must be between 1m and 10m$"):
        duration_setting("11m", name="X_TTL", default="2m", minimum=60, maximum=600)
    with pytest.raises(ConfigError, match="X_TTL='soon' is not a duration"):
        duration_setting("soon", name="X_TTL", default="2m")


def test_the_readme_documents_the_bounds() -> None:
    text = README.read_text(encoding="utf-8")
    for name in DURATIONS:
        assert name in text
    for bound in ("1s–30d", "0s–365d", "0s–7d", "0s–1d", "0s–1h"):
        assert bound in text, bound


# --- REGISTRY_ALLOWED_PRIVATE_HOSTS -----------------------------------------------------------


@pytest.mark.parametrize(
    "entry", ["10.0.0.0/33", "10.0.0.0/8/8", "fd00::/129", "http://vllm.internal", "10.0.0.5:8000"]
)
def test_an_invalid_private_host_entry_is_an_error(entry: str) -> None:
    message = str(_error({"REGISTRY_ALLOWED_PRIVATE_HOSTS": f"vllm.internal,{entry}"}))
    assert "REGISTRY_ALLOWED_PRIVATE_HOSTS" in message and entry in message


def test_valid_private_hosts_are_kept_normalised() -> None:
    settings = Settings.from_env(
        {"REGISTRY_ALLOWED_PRIVATE_HOSTS": "VLLM.internal., 10.0.0.0/8, fd00::1,192.168.1.5,"}
    )
    assert settings.allowed_private_hosts == (
        "vllm.internal",
        "10.0.0.0/8",
        "fd00::1",
        "192.168.1.5",
    )
