"""What every provider adapter returns: the discovered-model shape, and discovery progress.

An adapter is a module in this package that :func:`~registry_core.providers.discover_provider`
calls through exactly these names (the protocol is
:class:`registry_core.providers._registry.ProviderModule`)::

    SPEC: ProviderSpec                                   # its row of registry_core.provider_table
    def headers(credential: Credential) -> dict[str, str]
    def parse_model(item: Mapping[str, Any]) -> DiscoveredModel   # pure, tested with tables
    async def fetch_models(ctx: Context) -> list[DiscoveredModel]  # the only I/O

and, where the provider allows it (``SPEC.can_retrieve`` / ``SPEC.can_probe`` say so)::

    async def retrieve(ctx: Context, model_id: str) -> None          # validate="retrieve"
    async def retrieve_all(ctx: Context) -> set[str]                 # validate="retrieve", one call
    def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]  # validate="probe"

``fetch_models`` raises a :class:`registry_core.errors.RegistryError` subclass for a failed
listing (never a partial list) and skips, with a warning, only single items that lack an id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Credential:
    """A named credential. ``name`` is what may be shown and stored; ``secret`` never is."""

    provider_id: str
    name: str = "default"  # "default", "acme" -> shown as "openai/acme"
    secret: str | None = field(default=None, repr=False)
    base_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict, repr=False)  # e.g. azure api-version

    @property
    def label(self) -> str:
        return f"{self.provider_id}/{self.name}"


@dataclass(frozen=True)
class DiscoveredModel:
    """One model as a provider listed it, normalised to the registry's units.

    Costs are USD per 1,000 tokens. ``provenance`` maps a registry field name
    (``records.COST_PER_1K`` ...) to ``provider`` / ``catalog`` / ``inferred``.
    """

    provider_id: str
    model_id: str
    model_name: str | None = None
    max_tokens: int | None = None
    max_output_tokens: int | None = None
    features: tuple[str, ...] = ()
    status_hint: str | None = None  # "deprecated" / "preview" / None
    release_date: date | None = None
    deprecation_date: date | None = None
    retirement_date: date | None = None
    successor_model: str | None = None
    alias_of: str | None = None
    cost_per_1k: float | None = None
    output_cost_per_1k: float | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # the provider's item, never credentials
    provenance: dict[str, str] = field(default_factory=dict)
    verification: dict[str, Any] = field(default_factory=dict)  # outcome, method, at
    #: every source's lifecycle claims, kept in Metadata (see registry_core.lifecycle_data)
    lifecycle: dict[str, Any] = field(default_factory=dict)
    # cache prices (USD per 1K tokens) and facts kept in Metadata (issue 14): the row's kind,
    # an input limit apart from the context, per-image/per-second prices, the base inferred from
    cache_read_cost_per_1k: float | None = None
    cache_write_cost_per_1k: float | None = None
    facts: dict[str, Any] = field(default_factory=dict)


_MODEL_FIELDS: frozenset[str] = frozenset(DiscoveredModel.__dataclass_fields__)


def evolve(model: DiscoveredModel, **changes: Any) -> DiscoveredModel:
    """``dataclasses.replace(model, **changes)``, without its per-call field introspection.

    :class:`DiscoveredModel` has no ``__post_init__`` and no derived fields, so a copy of its
    ``__dict__`` with ``changes`` applied is the same object ``replace`` builds; a listing of
    20,000 models makes a few such copies of each (scrub, validate, enrich).
    """
    unknown = changes.keys() - _MODEL_FIELDS
    if unknown:
        raise TypeError(f"DiscoveredModel has no field(s) {', '.join(sorted(unknown))}")
    new = object.__new__(type(model))
    new.__dict__.update(model.__dict__)
    new.__dict__.update(changes)
    return new


class Listing(list[DiscoveredModel]):
    """What :func:`~registry_core.providers.discover_provider` returns: the models, plus what
    was left out of them, for the run report.

    - ``refused``: items not taken, with why (no id, an id with control characters …).
    - ``duplicates``: ids listed more than once (the first was kept).
    - ``warnings``: items kept with something dropped (an impossible price, a failed detail
      call).
    """

    refused: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        models: list[DiscoveredModel],
        *,
        refused: tuple[str, ...] = (),
        duplicates: tuple[str, ...] = (),
        warnings: tuple[str, ...] = (),
    ) -> Listing:
        out = cls(models)
        out.refused, out.duplicates, out.warnings = refused, duplicates, warnings
        return out


@dataclass(frozen=True)
class ProgressEvent:
    """Discovery progress for the dashboard: started / page / finished / failed."""

    provider_id: str
    stage: str  # "started" | "page" | "finished" | "failed"
    pages: int = 0
    models: int = 0
    message: str | None = None  # a plain-language error for "failed" (never a key)
    at: datetime | None = None


ProgressCallback = Callable[[ProgressEvent], None]
