"""What the dashboard says about failures, in plain text: the outage banner and the store's health.

Pure functions of the resolver's state (:meth:`Resolver.store_failure`) and of what a page is
showing (a view's tier and age), so every page words an outage the same way, and the wording is
tested without Streamlit. The text is plain: the dashboard renders it as such.

>>> from registry_core.errors import UnavailableError
>>> outage_banner(
...     store="airtable",
...     failure=UnavailableError("Airtable could not be reached"),
...     tier="registry",
...     age_s=660,
... )
"The Airtable registry is unreachable (Airtable could not be reached). Showing the registry's data as last read (data 11 min old); edits and discoveries cannot be saved until it is back."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from registry_core.cells import human_age
from registry_core.errors import RegistryError

STORE_NAMES: dict[str, str] = {"airtable": "Airtable", "sqlite": "SQLite"}

#: What each resolver tier is called on the pages ("served from the registry").
TIER_LABELS: dict[str, str] = {
    "memory": "in-memory cache",
    "registry": "the registry",
    "api": "a live provider listing",
    "snapshot": "the last-known-good snapshot",
    "catalog": "the bundled reference catalog",
}

#: Tiers whose data is the registry's own (read from it, or written to it by a listing).
_REGISTRY_TIERS = ("memory", "registry", "api")


def store_name(name: str) -> str:
    """``"Airtable"`` for ``"airtable"``; unknown names as they are."""
    return STORE_NAMES.get(name, name)


def _data_age(age_s: float | None) -> str:
    return "never verified by a listing" if age_s is None else f"data {human_age(age_s)} old"


def served_from(tier: str, *, store_down: bool = False) -> str:
    """What a page's data is served from, e.g. ``"the registry"``.

    While the store is down, registry data on the page is an earlier read, and says so.

    >>> served_from("registry", store_down=True)
    "the registry's last read (it is unreachable now)"
    """
    if store_down and tier in _REGISTRY_TIERS:
        return "the registry's last read (it is unreachable now)"
    return TIER_LABELS.get(tier, tier)


def registry_state(tier: str, *, store_down: bool = False) -> str:
    """The Registry row of the Status page's tier table: serving, unreachable, or the fallback."""
    if store_down:
        return "unreachable" + ("" if tier in _REGISTRY_TIERS else f"; fallback: {tier}")
    return "serving" if tier in ("registry", "memory") else f"fallback: {tier}"


def outage_banner(
    *, store: str, failure: RegistryError | None, tier: str | None, age_s: float | None
) -> str | None:
    """The banner every page shows while it is not serving the live registry; ``None`` if it is.

    ``store`` is the store's name (``"airtable"``), ``failure`` the resolver's current store
    failure (the breaker's state, not a cached answer's), ``tier`` and ``age_s`` what the page
    shows (``tier=None``: nothing could be read). It says what is down, what is served instead
    and how old that is.
    """
    if tier is None:
        if failure is None:
            return None
        return (
            f"The {store_name(store)} registry is unreachable ({failure}); edits and "
            "discoveries cannot be saved until it is back."
        )
    if tier in _REGISTRY_TIERS:
        served = f"the registry's data as last read ({_data_age(age_s)})"
    elif tier == "snapshot":
        served = f"the last-known-good snapshot ({_data_age(age_s)})"
    elif tier == "catalog":
        served = "the bundled reference catalog: prices and limits, availability not verified"
    else:
        served = f"{TIER_LABELS.get(tier, tier)} ({_data_age(age_s)})"
    if failure is not None:
        return (
            f"The {store_name(store)} registry is unreachable ({failure}). Showing {served}; "
            "edits and discoveries cannot be saved until it is back."
        )
    if tier in _REGISTRY_TIERS:
        return None
    return f"Not showing the {store_name(store)} registry: showing {served}."


@dataclass(frozen=True)
class HealthSummary:
    """How the Status page words a :class:`~registry_core.stores.base.StoreHealth`."""

    ok: bool
    states: list[str]  # "reachable", "writable", "schema complete", or just "NOT reachable"
    problems: list[str] = field(default_factory=list)
    fix: str | None = None  # a command to run; ``None`` when there is none


def health_summary(health: Any) -> HealthSummary:
    """Only what is known: an unreachable store is unreachable, with no claim about its schema or
    writability and no repair command (a hint like "try again later" is a problem, not a fix).

    >>> from registry_core.stores.base import StoreHealth
    >>> down = StoreHealth("airtable", "app1", False, False, False, ["down — try later"], "try later")
    >>> health_summary(down)
    HealthSummary(ok=False, states=['NOT reachable'], problems=['down — try later'], fix=None)
    """
    problems: Sequence[str] = [str(p) for p in (health.problems or [])]
    problems = list(dict.fromkeys(problems))
    if not health.reachable:
        return HealthSummary(
            ok=False,
            states=["NOT reachable"],
            problems=problems or ["the store did not answer"],
            fix=None,
        )
    return HealthSummary(
        ok=bool(health.schema_ok),
        states=[
            "reachable",
            "writable" if health.writable else "read-only",
            "schema complete" if health.schema_ok else "schema incomplete",
        ],
        problems=problems,
        fix=health.fix or None,
    )
