"""Merging one provider listing into the registry: who owns which field, grace period, shrink guard.

Pure: discovered models + the provider's existing records in, new records + history events + a
diff out. No I/O, no clock (``now`` is passed in), so every rule is a table-driven test.

**Who owns which field.** Discovery owns Available, Last Verified, Discovery Method and the facts
the provider reports (name, limits, features, dates, successor, alias, costs). People own Status,
Recommended, Sort Order, Regions and Notes, and any other value they typed.

**Status** is people's. Discovery never infers one: a model a listing sees for the first time
keeps an empty Status (it is not set to ``active``). It writes Status only when the provider
(or the lifecycle dataset) explicitly reports one (``deprecated``, ``preview``), and never over a
person's value. The state the pages show (active, retiring, retired, unavailable …) is
:func:`registry_core.lifecycle.assess`'s, which reads an empty Status as active.

**The diff** says what a listing did: a model seen for the first time is *added* only (not
also *changed*, although its Available, Last Verified and facts were filled); a model that came
back is *back*; *changed* lists the fields a listing changed on a model it already had.

A value is a person's ("manual") when

- its provenance in Metadata says ``manual``, or
- it has no provenance entry although it is filled (someone typed it in the Airtable UI), or
- it differs from the value we wrote last time (kept in ``Metadata.filled``): a person edited a
  value we had filled.

Values filled by discovery keep their provenance (``provider`` / ``catalog`` / ``inferred``) and
the written value in Metadata; a later listing may refresh them when its value ranks at least as
high (provider > catalog > inferred). An empty discovered value never clears a filled one.

**Disappearance.** A model missing from a successful listing is marked unavailable only when it
has been missing from ``grace_listings`` consecutive listings spanning ``grace_period_s``; the
count and the first miss are kept in ``Metadata.grace``. A listing that misses more than
``shrink_ratio`` of the previously available models is *suspect*: it is held back (nothing is
marked unavailable and the ordinary grace counter does not move). The shrink guard counts suspect
listings separately (``Metadata.grace.suspect_count`` / ``suspect_since``): when the same drop
repeats over at least ``max(2, grace_listings)`` consecutive suspect listings spanning
``grace_period_s``, it is a lasting drop and is accepted — the models are marked unavailable,
with an ``unavailable`` history event whose ``shrink_guard`` detail says so. A listing that sees
the model again clears both counters.

**Writing.** The merge returns a :class:`~registry_core.plan.WritePlan` (per row only the
columns that changed, and the values it read; see :mod:`registry_core.plan`): the store writes
a column only where it still holds what the merge read, so an edit made during a refresh is
never reverted. The plan also replays the events kept in rows' journals.

**Scope.** A listing by credential ``openai/acme`` judges only the records that credential owns:
those scoped to it, plus unscoped records when it is the provider's primary credential. New
models seen by a non-primary credential, and private models (fine-tunes) seen by any, are scoped
to the credential that saw them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from registry_core.cells import cell, format_datetime
from registry_core.events import HistoryEvent, make_event_key
from registry_core.plan import JOURNAL, WritePlan, journal_events, plan_for
from registry_core.providers.base import DiscoveredModel
from registry_core.records import (
    ALIAS_OF,
    CACHE_READ_COST_PER_1K,
    CACHE_WRITE_COST_PER_1K,
    COST_PER_1K,
    DEPRECATION_DATE,
    FEATURES,
    FIELD_NAMES,
    LAST_VERIFIED,
    MAX_OUTPUT_TOKENS,
    MAX_TOKENS,
    METADATA,
    MODEL_NAME,
    OUTPUT_COST_PER_1K,
    RELEASE_DATE,
    RETIREMENT_DATE,
    SCOPE,
    STATUS,
    SUCCESSOR_MODEL,
    ModelRecord,
)

#: Facts a provider listing (or the catalog enrichment) may fill: column name -> attribute.
DISCOVERED_FACTS: dict[str, str] = {
    MODEL_NAME: "model_name",
    MAX_TOKENS: "max_tokens",
    MAX_OUTPUT_TOKENS: "max_output_tokens",
    FEATURES: "features",
    RELEASE_DATE: "release_date",
    DEPRECATION_DATE: "deprecation_date",
    RETIREMENT_DATE: "retirement_date",
    SUCCESSOR_MODEL: "successor_model",
    ALIAS_OF: "alias_of",
    COST_PER_1K: "cost_per_1k",
    OUTPUT_COST_PER_1K: "output_cost_per_1k",
    CACHE_READ_COST_PER_1K: "cache_read_cost_per_1k",
    CACHE_WRITE_COST_PER_1K: "cache_write_cost_per_1k",
}
#: Every price change (a first price included) is a ``cost_changed`` event with its source.
COST_FIELDS: tuple[str, ...] = (
    COST_PER_1K,
    OUTPUT_COST_PER_1K,
    CACHE_READ_COST_PER_1K,
    CACHE_WRITE_COST_PER_1K,
)
#: Metadata key for :attr:`DiscoveredModel.facts` (kind, input limit, unit prices, base).
FACTS_META = "facts"
DATE_EVENT_KINDS: dict[str, str] = {
    DEPRECATION_DATE: "deprecation_date_changed",
    RETIREMENT_DATE: "retirement_date_changed",
}
#: Higher wins when two automatic sources disagree; ``manual`` is never overwritten.
#: Lifecycle facts: people > provider > bundled lifecycle dataset > catalog (lifecycle_data.py).
PROVENANCE_RANK: dict[str, int] = {"inferred": 1, "catalog": 2, "dataset": 3, "provider": 4}
AUTOMATIC_PROVENANCE = frozenset(PROVENANCE_RANK)
#: Metadata keys that change on every listing and alone do not justify a write.
VOLATILE_META = frozenset({"raw", "verification", "run_id", JOURNAL})


@dataclass(frozen=True, slots=True)
class MergePolicy:
    """The knobs of a merge (from :class:`registry_core.config.Settings`)."""

    grace_listings: int = 2
    grace_period_s: float = 86400.0
    shrink_ratio: float = 0.5
    #: rewrite Last Verified of an otherwise unchanged record only when older than this
    touch_after_s: float = 0.0


@dataclass(slots=True)
class MergeDiff:
    """What a listing changed, by model id."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # marked unavailable by this listing
    returned: list[str] = field(default_factory=list)  # available again
    missing: list[str] = field(default_factory=list)  # missing but still within the grace period
    changed: dict[str, dict[str, list[Any]]] = field(
        default_factory=dict
    )  # id -> field -> [old, new]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.returned or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "returned": list(self.returned),
            "missing": list(self.missing),
            "changed": {k: dict(v) for k, v in self.changed.items()},
        }


@dataclass(slots=True)
class MergeResult:
    """The outcome of :func:`merge_listing`."""

    records: list[ModelRecord]  # every record of the provider after the merge
    to_write: list[ModelRecord]  # the ones that changed and must be upserted
    events: list[HistoryEvent]
    diff: MergeDiff
    suspect: bool = False
    warnings: list[str] = field(default_factory=list)
    models_seen: int = 0
    #: what to write: per row the changed columns and the values read (plus journal replays)
    plan: WritePlan = field(default_factory=WritePlan)


# --- small pure helpers ---------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == () or value == []


def credential_label(provider_id: str, credential_name: str | None) -> str:
    """``openai/acme``: the credential's name as Scope holds it."""
    return f"{provider_id}/{credential_name or 'default'}"


def visible_to(record: ModelRecord, label: str | None) -> bool:
    """Unscoped records are visible to everyone; scoped ones only to the credential they name."""
    return not record.scope or (label is not None and record.scope == label)


def filter_visible(records: Iterable[ModelRecord], label: str | None) -> list[ModelRecord]:
    """The records a caller using credential ``label`` may see (``None``: unscoped only)."""
    return [r for r in records if visible_to(r, label)]


def is_private_model(model: DiscoveredModel) -> bool:
    """Fine-tunes and org-owned models: visible only to the credential that listed them."""
    if model.model_id.startswith("ft:"):
        return True
    owner = model.raw.get("owned_by") if isinstance(model.raw, dict) else None
    return isinstance(owner, str) and owner.startswith(("user-", "org-"))


def effective_provenance(record: ModelRecord, name: str) -> str | None:
    """Who a filled value belongs to (see module docstring); ``None`` when the cell is empty."""
    value = getattr(record, FIELD_NAMES_BY_COLUMN[name])
    if _empty(value):
        return None
    meta = record.meta
    prov = record.provenance.get(name)
    if prov is None:
        return "manual"
    if prov not in AUTOMATIC_PROVENANCE:
        return "manual"
    filled = meta.get("filled")
    if isinstance(filled, dict) and name in filled and filled[name] != cell(value):
        return "manual"  # a person edited a value we had filled
    return prov


FIELD_NAMES_BY_COLUMN: dict[str, str] = {v: k for k, v in FIELD_NAMES.items()}


def _parse_moment(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _source_label(provenance: dict[str, str], *, listed: bool = False) -> str | None:
    """``provider+catalog`` etc.; ``listed``: a provider's listing has seen the model."""
    kinds = {"provider" if p == "inferred" else p for p in provenance.values()}
    if listed:
        kinds.add("provider")
    ordered = [k for k in ("provider", "dataset", "catalog", "manual") if k in kinds]
    return "+".join(ordered) or None


def _status_origin(model: DiscoveredModel) -> str:
    """A status hint is the provider's unless the lifecycle dataset supplied it."""
    return "dataset" if model.provenance.get(STATUS) == "dataset" else "provider"


def _due_touch(record: ModelRecord, now: datetime, policy: MergePolicy) -> bool:
    """Whether a listed row's Last Verified is old enough to be written even if nothing else
    changed."""
    return (
        record.last_verified is None
        or (now - record.last_verified).total_seconds() >= policy.touch_after_s
    )


def _owned_by_listing(record: ModelRecord, label: str, primary: bool) -> bool:
    return record.scope == label if record.scope else primary


# --- the merge ------------------------------------------------------------------------------


class _Merger:
    def __init__(
        self,
        provider_id: str,
        label: str,
        primary: bool,
        now: datetime,
        run_id: str | None,
        policy: MergePolicy,
    ) -> None:
        self.provider_id = provider_id
        self.label = label
        self.primary = primary
        self.now = now
        self.run_id = run_id
        self.policy = policy
        self.events: list[HistoryEvent] = []
        self.diff = MergeDiff()

    def event(self, model_id: str, kind: str, key_parts: Sequence[Any], **detail: Any) -> None:
        self.events.append(
            HistoryEvent(
                event_key=make_event_key(self.provider_id, model_id, kind, *key_parts),
                provider_id=self.provider_id,
                model_id=model_id,
                kind=kind,
                at=self.now,
                run_id=self.run_id,
                source="discovery",
                detail={k: cell(v) for k, v in detail.items()},
            )
        )

    def scope_for(self, model: DiscoveredModel, existing: ModelRecord | None) -> str | None:
        if is_private_model(model):
            return self.label
        if existing is None:
            return None if self.primary else self.label
        if existing.scope and self.primary:
            return None  # the primary credential sees it too: everyone does
        return existing.scope

    def new_record(self, model: DiscoveredModel) -> ModelRecord:
        provenance: dict[str, str] = {}
        filled: dict[str, Any] = {}
        values: dict[str, Any] = {}
        for name, attr in DISCOVERED_FACTS.items():
            value = getattr(model, attr)
            if _empty(value):
                continue
            values[attr] = value
            provenance[name] = model.provenance.get(name, "provider")
            filled[name] = cell(value)
        # Status is people's: only a status the provider (or the lifecycle dataset) reports is
        # written, never one inferred from nothing; the state pages show comes from lifecycle
        status = model.status_hint or None
        if status is not None:
            provenance[STATUS] = _status_origin(model)
            filled[STATUS] = status
        meta: dict[str, Any] = {
            "provenance": provenance,
            "filled": filled,
            "first_seen": format_datetime(self.now),
        }
        if model.raw:
            meta["raw"] = model.raw
        if model.verification:
            meta["verification"] = model.verification
        if model.lifecycle:
            meta["lifecycle"] = model.lifecycle
        if model.facts:
            meta[FACTS_META] = model.facts
        self.diff.added.append(model.model_id)
        self.event(model.model_id, "added", (), scope=self.scope_for(model, None))
        return ModelRecord(
            provider_id=self.provider_id,
            model_id=model.model_id,
            status=status,
            available=True,
            last_verified=self.now,
            discovery_method="api",
            source=_source_label(provenance, listed=True),
            scope=self.scope_for(model, None),
            metadata=meta,
            **values,
        )

    def update_seen(self, old: ModelRecord, model: DiscoveredModel) -> ModelRecord:
        meta = dict(old.meta)
        provenance = dict(old.provenance)
        filled = dict(meta.get("filled") or {}) if isinstance(meta.get("filled"), dict) else {}
        changes: dict[str, Any] = {}
        field_diff: dict[str, list[Any]] = {}

        def offer(name: str, attr: str, value: Any, source: str) -> None:
            if _empty(value):
                return
            current = getattr(old, attr)
            owner = effective_provenance(old, name)
            if owner == "manual":
                if name in filled:
                    # the person's value now stands; stop tracking what we had written
                    filled.pop(name, None)
                    provenance[name] = "manual"
                return
            if owner is not None and PROVENANCE_RANK.get(source, 0) < PROVENANCE_RANK[owner]:
                return
            provenance[name] = source
            filled[name] = cell(value)
            if cell(current) != cell(value):
                changes[attr] = value
                field_diff[name] = [cell(current), cell(value)]

        for name, attr in DISCOVERED_FACTS.items():
            offer(name, attr, getattr(model, attr), model.provenance.get(name, "provider"))
        if model.status_hint:
            offer(STATUS, "status", model.status_hint, _status_origin(model))

        scope = self.scope_for(model, old)
        if scope != old.scope:
            changes["scope"] = scope
            field_diff[SCOPE] = [old.scope, scope]

        first_sighting = old.last_verified is None or old.discovery_method != "api"
        added = False
        if not old.available:
            changes["available"] = True
            field_diff["Available"] = [False, True]
            if first_sighting and "unavailable_since" not in meta:
                added = True
                self.diff.added.append(old.model_id)
                self.event(old.model_id, "added", (), previously=old.discovery_method)
            else:
                since = meta.get("unavailable_since") or cell(old.last_verified)
                self.diff.returned.append(old.model_id)
                self.event(old.model_id, "available_again", (since,), unavailable_since=since)
        meta.pop("unavailable_since", None)
        meta.pop("grace", None)
        if old.discovery_method != "api":
            changes["discovery_method"] = "api"

        self._change_events(old, field_diff, provenance)
        if model.facts:
            meta[FACTS_META] = model.facts
        meta["provenance"] = provenance
        meta["filled"] = filled
        if model.raw:
            meta["raw"] = model.raw
        if model.verification:
            meta["verification"] = model.verification
        if model.lifecycle:
            meta["lifecycle"] = model.lifecycle
        if "first_seen" not in meta:
            meta["first_seen"] = format_datetime(self.now)
        source = _source_label(provenance, listed=True)
        if source != old.source:
            changes["source"] = source

        material = bool(changes) or _meta_changed(old.meta, meta)
        stale = _due_touch(old, self.now, self.policy)
        # a model seen for the first time is added, not also changed; one that came back is
        # listed as back, so its Available flip is not a change either
        shown = {k: v for k, v in field_diff.items() if k != "Available"}
        if shown and not added:
            self.diff.changed[old.model_id] = shown
        if not material and not stale:
            return old
        return old.replace(**changes, last_verified=self.now, metadata=meta)

    def _change_events(
        self,
        old: ModelRecord,
        field_diff: dict[str, list[Any]],
        provenance: dict[str, str] | None = None,
    ) -> None:
        for name, (before, after) in field_diff.items():
            if name == STATUS:
                self.event(old.model_id, "status_changed", (before, after), old=before, new=after)
            elif name in DATE_EVENT_KINDS:
                kind = DATE_EVENT_KINDS[name]
                self.event(old.model_id, kind, (before, after), field=name, old=before, new=after)
            elif name in COST_FIELDS:
                self.event(
                    old.model_id,
                    "cost_changed",
                    (name, before, after),
                    field=name,
                    old=before,
                    new=after,
                    source=(provenance or {}).get(name),
                )

    def update_missing(self, old: ModelRecord, suspect: bool) -> ModelRecord:
        if not old.available or old.discovery_method != "api" or old.last_verified is None:
            return old  # never seen by discovery, or already unavailable: nothing to judge
        self.diff.missing.append(old.model_id)
        meta = dict(old.meta)
        raw_grace = meta.get("grace")
        grace: dict[str, Any] = dict(raw_grace) if isinstance(raw_grace, dict) else {}
        prefix = "suspect" if suspect else "missing"
        previous = grace.get(f"{prefix}_count")
        count = (previous if isinstance(previous, int) and previous > 0 else 0) + 1
        since = _parse_moment(grace.get(f"{prefix}_since")) or self.now
        since_text = format_datetime(since)
        span = (self.now - since).total_seconds()
        needed = max(2, self.policy.grace_listings) if suspect else self.policy.grace_listings
        if count >= needed and span >= self.policy.grace_period_s:
            meta.pop("grace", None)
            meta["unavailable_since"] = since_text
            self.diff.missing.remove(old.model_id)
            self.diff.removed.append(old.model_id)
            extra: dict[str, Any] = {}
            if suspect:
                extra["shrink_guard"] = (
                    f"the listing shrank by more than {self.policy.shrink_ratio:.0%} and the "
                    f"same drop repeated over {count} listings since {since_text}: accepted as "
                    "a lasting drop"
                )
            self.event(
                old.model_id,
                "unavailable",
                (since_text,),
                missing_since=since_text,
                listings=count,
                **extra,
            )
            return old.replace(available=False, metadata=meta)
        grace[f"{prefix}_count"] = count
        grace[f"{prefix}_since"] = since_text
        meta["grace"] = grace
        return old.replace(metadata=meta)


class SeenMemo:
    """The listed models a merge left untouched, kept for the next merge of the same listing.

    :meth:`_Merger.update_seen` leaves a row as it is (no write, no diff, no event) when the
    listed item offers nothing new and the row is not due a touch. That outcome depends only on
    the row, the listed item and who listed it (label, primary); so when the next listing
    brings an equal item for an equal row, the row is again left as it is, without the field
    by field work. Held by whoever merges the same provider repeatedly (the resolver).
    """

    __slots__ = ("_untouched",)

    def __init__(self) -> None:
        # (provider, label, primary) -> model id -> the row and the listed item it matched
        self._untouched: dict[tuple[str, str, bool], dict[str, tuple[ModelRecord, DiscoveredModel]]]
        self._untouched = {}

    def start(
        self, context: tuple[str, str, bool]
    ) -> dict[str, tuple[ModelRecord, DiscoveredModel]]:
        """The rows the last merge in ``context`` (provider, label, primary) left untouched."""
        return self._untouched.get(context, {})

    def keep(
        self,
        context: tuple[str, str, bool],
        untouched: dict[str, tuple[ModelRecord, DiscoveredModel]],
    ) -> None:
        """Replace the context's entries with this merge's (models gone from it drop out)."""
        self._untouched[context] = untouched


#: what of a listed item never decides whether :meth:`_Merger.update_seen` touches a row: it
#: lands only in volatile Metadata (the scope's reading of ``raw`` is compared on its own)
_VOLATILE_OFFER = frozenset({"raw", "verification"})


def _same_offer(a: DiscoveredModel, b: DiscoveredModel) -> bool:
    """Whether two listed items offer a row the same (volatile parts aside)."""
    if a is b:
        return True
    if is_private_model(a) != is_private_model(b):
        return False
    da, db = a.__dict__, b.__dict__
    return {k: v for k, v in da.items() if k not in _VOLATILE_OFFER} == {
        k: v for k, v in db.items() if k not in _VOLATILE_OFFER
    }


def _settled(record: ModelRecord) -> bool:
    """A row :meth:`_Merger.new_record` built that the same item, listed again before the row
    is due a touch, leaves as it is: every value it filled has an automatic provenance (a
    value of any other provenance reads as people's and would be handed over to them)."""
    return all(source in AUTOMATIC_PROVENANCE for source in record.provenance.values())


def _meta_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether Metadata changed beyond its volatile keys.

    Equal objects (compared in C, key by key) are the common case of a refresh and need no
    text; only objects that differ are compared as sorted JSON text, as before, so a value
    that merely changed type (a tuple read back as a list) is still no change.
    """
    stable_old = {k: v for k, v in old.items() if k not in VOLATILE_META}
    stable_new = {k: v for k, v in new.items() if k not in VOLATILE_META}
    if stable_old == stable_new:
        return False
    return _stable_meta(stable_old) != _stable_meta(stable_new)


def _stable_meta(meta: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in meta.items() if k not in VOLATILE_META}, sort_keys=True, default=str
    )


def merge_listing(
    provider_id: str,
    discovered: Sequence[DiscoveredModel],
    existing: Sequence[ModelRecord],
    *,
    now: datetime,
    run_id: str | None = None,
    credential_name: str | None = "default",
    primary: bool = True,
    policy: MergePolicy | None = None,
    memo: SeenMemo | None = None,
) -> MergeResult:
    """Merge one successful, complete listing of ``provider_id`` into its existing records.

    ``existing`` holds the provider's records (all scopes); ``primary`` says whether the
    credential that listed is the provider's main one (it then owns the unscoped records).
    ``memo`` (kept across merges of the provider) skips the rows an equal listed item left
    untouched last time; the result is the same with or without it.

    >>> from datetime import UTC, datetime
    >>> now = datetime(2025, 1, 1, tzinfo=UTC)
    >>> out = merge_listing("openai", [DiscoveredModel("openai", "gpt-4o")], [], now=now)
    >>> out.diff.added, out.records[0].available, [e.kind for e in out.events]
    (['gpt-4o'], True, ['added'])
    """
    policy = policy or MergePolicy()
    label = credential_label(provider_id, credential_name)
    merger = _Merger(provider_id, label, primary, now, run_id, policy)

    listing: dict[str, DiscoveredModel] = {}
    for model in discovered:
        if model.provider_id == provider_id and model.model_id and model.model_id not in listing:
            listing[model.model_id] = model
    by_id = {r.model_id: r for r in existing if r.provider_id == provider_id}

    owned_available = [
        r
        for r in by_id.values()
        if _owned_by_listing(r, label, primary)
        and r.available
        and r.discovery_method == "api"
        and r.last_verified is not None
    ]
    dropped = [r for r in owned_available if r.model_id not in listing]
    suspect = bool(owned_available) and len(dropped) > policy.shrink_ratio * len(owned_available)

    out: list[ModelRecord] = []
    to_write: list[ModelRecord] = []
    context = (provider_id, label, primary)
    before = memo.start(context) if memo is not None else {}
    untouched: dict[str, tuple[ModelRecord, DiscoveredModel]] = {}
    for model_id, old in by_id.items():
        if model_id in listing:
            model = listing[model_id]
            known = before.get(model_id)
            if (
                known is not None
                and not _due_touch(old, now, policy)
                and known[0] == old
                and _same_offer(known[1], model)
            ):
                new = old
            else:
                new = merger.update_seen(old, model)
            if new is old and memo is not None:
                untouched[model_id] = (old, model)
        elif _owned_by_listing(old, label, primary):
            new = merger.update_missing(old, suspect)
        else:
            new = old
        out.append(new)
        if new is not old:
            to_write.append(new)
    for model_id, model in listing.items():
        if model_id not in by_id:
            new = merger.new_record(model)
            out.append(new)
            to_write.append(new)
            if memo is not None and _settled(new):
                untouched[model_id] = (new, model)

    if memo is not None:
        memo.keep(context, untouched)
    warnings: list[str] = []
    if suspect:
        head = (
            f"{provider_id} listed only {len(owned_available) - len(dropped)} of the "
            f"{len(owned_available)} models it listed before; treated as a suspect listing"
        )
        if merger.diff.removed:
            warnings.append(
                f"{head}, but the same drop repeated over the grace period, so "
                f"{len(merger.diff.removed)} models were marked unavailable."
            )
        else:
            warnings.append(
                f"{head}, so nothing was marked unavailable. If the drop repeats over "
                f"{max(2, policy.grace_listings)} listings spanning "
                f"{policy.grace_period_s / 3600:g} h, it is accepted."
            )
    replay = [e for r in by_id.values() for e in journal_events(r)]
    plan = plan_for(((by_id.get(r.model_id), r) for r in to_write), merger.events, replay=replay)
    return MergeResult(
        records=out,
        to_write=to_write,
        events=merger.events,
        diff=merger.diff,
        suspect=suspect,
        warnings=warnings,
        models_seen=len(listing),
        plan=plan,
    )


def changed_columns(old: ModelRecord, new: ModelRecord) -> dict[str, list[Any]]:
    """Column -> [old, new] for every cell that differs (Metadata and Last Verified aside)."""
    out: dict[str, list[Any]] = {}
    for attr, name in FIELD_NAMES.items():
        if name in (METADATA, LAST_VERIFIED):
            continue
        before, after = cell(getattr(old, attr)), cell(getattr(new, attr))
        if before != after:
            out[name] = [before, after]
    return out
