"""What the resolver answers: :class:`Resolution` (records plus provenance) and
:class:`RunReport` (one discovery), and the plain-language messages both carry.

Messages are for people: they say what happened and what to do ("the OpenAI key was rejected
(401): check OPENAI_API_KEY"), never a key or token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from registry_core.errors import AuthError, RateLimitedError, RegistryError
from registry_core.events import DiscoveryRun
from registry_core.merge import MergeDiff
from registry_core.provider_table import display_name, enable_hint, key_hint_var
from registry_core.records import ModelRecord

TIERS: tuple[str, ...] = ("memory", "registry", "api", "snapshot", "catalog")

_FIXES: dict[str, str] = {
    "auth": "check {env}",
    "permission": "give the key permission to list models, or use another key ({env})",
    "quota": "the account's quota or billing limit is exhausted; check the provider's billing page",
    "rate_limited": "too many requests; it will be retried on the next refresh",
    "unavailable": "the provider could not be reached; it will be retried on the next refresh",
    "malformed": "the provider answered in an unexpected shape; nothing was changed",
    "config": "{enable} and try again",
    "unsafe_url": "use an https base URL on a public host, or allow the host explicitly",
    "not_found": "check the provider's base URL",
}


def describe_failure(provider_id: str, error: RegistryError) -> str:
    """A plain-language sentence with the fix, e.g. "the OpenAI key was rejected (401): ..."."""
    name = display_name(provider_id)
    env = key_hint_var(provider_id)
    status = f" ({error.status})" if error.status else ""
    if isinstance(error, AuthError):
        head = f"the {name} key was rejected{status}"
    elif isinstance(error, RateLimitedError):
        head = f"{name} is rate-limiting us{status}"
    else:
        head = f"{name} discovery failed{status}: {error.message}"
    fix = error.hint or _FIXES.get(error.error_class, "").format(
        env=env, enable=enable_hint(provider_id)
    )
    return f"{head}: {fix}" if fix else head


@dataclass(frozen=True, slots=True)
class RunReport:
    """One discovery of one provider with one credential, for the dashboard and ``refresh``."""

    provider_id: str
    credential: str  # the credential's label ("openai/default"), never the key
    outcome: str  # ok / suspect / failed / skipped
    run: DiscoveryRun | None
    diff: MergeDiff = field(default_factory=MergeDiff)
    error: RegistryError | None = None
    message: str = ""
    records: tuple[ModelRecord, ...] = ()  # what the credential sees after the merge
    warnings: tuple[str, ...] = ()
    saved: bool = False  # whether the merge was written to the registry
    # what the listing left out (see providers.Listing): refused items, ids listed twice,
    # values dropped as impossible
    refused: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    item_warnings: tuple[str, ...] = ()
    listed: int = 0  # models the provider listed
    to_save: int = 0  # rows the merge asked to write
    saved_rows: int = 0  # rows the store saved (written, or already as asked)
    conflicts: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # left for the next refresh
    save_error: RegistryError | None = None  # why the listing could not be saved

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "suspect", "skipped")

    @property
    def save_failed(self) -> bool:
        """The listing succeeded but writing it to the registry failed (nothing new is saved)."""
        return self.save_error is not None


@dataclass(frozen=True, slots=True)
class Resolution:
    """An answer and its provenance: which tier answered, how old the data is, what to warn."""

    records: list[ModelRecord]
    tier: str  # memory / registry / api / snapshot / catalog
    age_s: float | None  # seconds since the data was verified (None: never / unknown)
    warnings: list[str]
    version: str
    fetched_at: datetime
    origin: str = ""  # the tier that produced the data (differs from ``tier`` for memory hits)
    run: RunReport | None = None

    def __post_init__(self) -> None:
        if not self.origin:
            object.__setattr__(self, "origin", self.tier)

    @property
    def degraded(self) -> bool:
        """Whether this answer came from a fallback rather than the normal path."""
        return bool(self.warnings) or self.origin in ("snapshot", "catalog")
