"""The shared registry tier: three Airtable tables, read and written with pyairtable's ``Table``.

Modes follow the seed's migration path (``AIRTABLE_MODE``): ``off`` (not used), ``read`` (the
registry is read from Airtable; writes go nowhere), ``write`` (read and write).

Requests, and what they cost (Airtable allows 5 per second per base):

- **Read** the registry: one paged list of 100 rows per request (5,000 rows = 50 requests).
  One provider: one list filtered by a formula built with ``pyairtable.formulas``.
- **Write**: only rows whose cells changed since the last read (diffed with Airtable's "empty and
  false are absent" rule), 10 per request, through ``performUpsert`` keyed on Provider ID + Model
  ID, so two instances writing at once never create duplicate rows. Rows read before are
  addressed by record id. Only the cells a write changes are sent (an empty one as an explicit
  clear); a cell it leaves alone is never sent, so nothing a person typed is cleared by accident.
- **History**: append-only and idempotent by Event Key: keys are looked up first (one request
  per 100 keys) and only new events are written (upserted on Event Key, so a race cannot
  duplicate them either). Events are written only on change, so the table grows with changes.
- **Version marker**: one row of the runs table whose Run ID is ``__registry_version__``; its
  Message cell holds the version. :meth:`get_version` is one request for one row (page size 1);
  :meth:`bump_version` is one upsert. :meth:`list_runs` never returns that row.

Schema drift: if a person renamed or deleted a models-table field in Airtable's UI, reads carry
on without it and report it as a warning; a write that would change it raises
:class:`SchemaMismatchError` naming the field(s) and the repair command (``python -m
registry_core setup-airtable``) before any request. Which fields are missing is learned again on
every read and health check, never remembered: renamed back, a field is read and written again.
A missing key field (Provider ID, Model ID) fails every read.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from pyairtable import Table

from registry_core import records as R
from registry_core.airtable_setup import plan_for_schema
from registry_core.cells import as_utc, format_datetime
from registry_core.config import AirtableSettings
from registry_core.errors import (
    AuthError,
    ConfigError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitedError,
    RecordGoneError,
    RegistryError,
    SchemaMismatchError,
    UnavailableError,
)
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.plan import (
    PlanOutcome,
    RowWrite,
    WritePlan,
    apply_cells,
    events_by_row,
    resolve_row,
)
from registry_core.records import FieldWarning, LoadResult, ModelRecord, parse_row, utcnow
from registry_core.stores import airtable_cells as C
from registry_core.stores import airtable_lease as L
from registry_core.stores import airtable_schema as S
from registry_core.stores.airtable_http import (
    SETUP_COMMAND,
    Pacer,
    RequestCounter,
    build_api,
    limiter_for,
    schema_mismatch,
    translate,
)
from registry_core.stores.airtable_pacing import shared_limiter
from registry_core.stores.base import Lease, LeaseState, StoreHealth, UpsertResult

log = logging.getLogger(__name__)

BATCH_SIZE = 10  # Airtable's per-request record limit
PAGE_SIZE = 100  # Airtable's largest page
KEY_FIELDS = [R.PROVIDER_ID, R.MODEL_ID]
#: Failures that mean Airtable cannot be used at all right now (health stops at the first).
_OUTAGE = (UnavailableError, AuthError, RateLimitedError, QuotaExceededError)


def _registry_fields(names: Sequence[str]) -> list[str]:
    """The registry fields among ``names`` as the registry spells them.

    Airtable lower-cases the unknown names it lists for a formula ("provider id").

    >>> _registry_fields(["provider id", "Notes", "Vendor"])
    ['Provider ID', 'Notes']
    """
    spelled = {f.lower(): f for f in R.ALL_FIELDS}
    return [spelled[n.lower()] for n in names if n.lower() in spelled]


@dataclass(frozen=True, slots=True)
class _Known:
    """A models-table row as last read: its record id and its parsed record."""

    record_id: str
    record: ModelRecord
    #: Registry fields the table lacked when the row was read: their cells are unknown.
    missing: frozenset[str] = frozenset()


class AirtableStore:
    """A :class:`~registry_core.stores.base.RegistryStore` on an Airtable base.

    >>> store = AirtableStore("pat…", "appLocalRegistry1", endpoint_url="http://127.0.0.1:8765")
    >>> store.upsert_models([ModelRecord("openai", "gpt-4o")]).created  # doctest: +SKIP
    1
    """

    name = "airtable"

    def __init__(
        self,
        token: str,
        base_id: str,
        *,
        endpoint_url: str = "https://api.airtable.com",
        models_table: str = S.MODELS_TABLE.default_name,
        history_table: str = S.HISTORY_TABLE.default_name,
        runs_table: str = S.RUNS_TABLE.default_name,
        mode: str = "write",
        requests_per_second: float = 5.0,
        lockout_s: float = 30.0,
        timeout: tuple[float, float] = (5.0, 30.0),
        rate_limit_waits: int = 4,
        cache_ttl_s: float = 300.0,
        pacing_dir: Path | None = None,
    ) -> None:
        if mode not in ("read", "write"):
            raise ConfigError(f"AirtableStore mode must be read or write, not {mode!r}")
        self._token = token
        self.base_id = base_id
        self.endpoint_url = endpoint_url.rstrip("/")
        self.mode = mode
        self.table_names = {"models": models_table, "history": history_table, "runs": runs_table}
        self.counter = RequestCounter()
        local = limiter_for(self.endpoint_url, base_id, requests_per_second)
        limiter: Pacer = local
        if pacing_dir is not None:  # share the base's budget with this host's other processes
            limiter = shared_limiter(
                local, pacing_dir, self.endpoint_url, base_id, requests_per_second
            )
        self._api = build_api(
            token,
            endpoint_url=self.endpoint_url,
            limiter=limiter,
            counter=self.counter,
            lockout_s=lockout_s,
            timeout=timeout,
            rate_limit_waits=rate_limit_waits,
        )
        self._models: Table = self._api.table(base_id, models_table)
        self._history: Table = self._api.table(base_id, history_table)
        self._runs: Table = self._api.table(base_id, runs_table)
        self._cache_ttl_s = cache_ttl_s
        self._lock = threading.RLock()
        self._known: dict[tuple[str, str], _Known] = {}
        self._known_complete = False
        self._known_at = 0.0
        self._known_event_keys: set[str] = set()
        self._missing_fields: list[str] = []
        # refresh leases this store holds: (provider, token) -> its row, and rows to clean up
        self._lease_rows: dict[tuple[str, str], str] = {}
        self._lease_stale: dict[tuple[str, str], tuple[list[str], str | None]] = {}

    @classmethod
    def from_settings(cls, settings: AirtableSettings, **overrides: Any) -> AirtableStore:
        """The store described by ``AIRTABLE_*`` settings (mode must not be ``off``)."""
        if not settings.token or not settings.base_id:
            raise ConfigError("the Airtable store needs AIRTABLE_API_KEY and AIRTABLE_BASE_ID")
        kwargs: dict[str, Any] = {
            "endpoint_url": settings.endpoint_url,
            "models_table": settings.models_table,
            "history_table": settings.history_table,
            "runs_table": settings.runs_table,
            "mode": settings.mode if settings.mode != "off" else "read",
            "requests_per_second": settings.requests_per_second,
            "lockout_s": settings.lockout_s,
        }
        kwargs.update(overrides)
        return cls(settings.token, settings.base_id, **kwargs)

    def __repr__(self) -> str:
        return f"AirtableStore(base_id={self.base_id!r}, endpoint_url={self.endpoint_url!r})"

    @property
    def location(self) -> str:
        return f"{self.base_id} at {self.endpoint_url}"

    @property
    def writable(self) -> bool:
        return self.mode == "write"

    @property
    def requests_used(self) -> int:
        """HTTP requests this store has sent (retries included)."""
        return self.counter.count

    @contextmanager
    def _call(self, what: str) -> Iterator[None]:
        try:
            yield
        except RegistryError:
            raise
        except Exception as exc:
            raise translate(exc, what=what, token=self._token) from None

    # --- models: reads ----------------------------------------------------------------------

    def list_models(self, provider_id: str | None = None) -> LoadResult:
        table = self.table_names["models"]
        formula = C.provider_formula(provider_id) if provider_id is not None else None
        rows, missing = self._read_models(formula, what=f"the table {table!r}")
        parsed: list[tuple[str, ModelRecord]] = []
        result = LoadResult()
        for row in rows:
            outcome = parse_row(row.get("fields") or {}, row_ref=str(row.get("id")))
            result.warnings.extend(outcome.warnings)
            if outcome.record is not None:
                parsed.append((str(row["id"]), outcome.record))
        winners, dup_warnings = R.dedupe_records(parsed)
        result.warnings.extend(dup_warnings)
        ref_of = {id(rec): ref for ref, rec in parsed}
        if provider_id is not None:
            wanted = provider_id.strip().lower()
            winners = [r for r in winners if r.provider_id == wanted]
        result.records = winners
        for name in missing:
            result.warnings.append(
                FieldWarning(
                    f"table {table}",
                    name,
                    f"field missing from Airtable (renamed or deleted?); read without it — run "
                    f"`{SETUP_COMMAND}` or rename it back",
                )
            )
        absent = frozenset(missing)
        known = {r.key: _Known(ref_of[id(r)], r, absent) for r in winners}
        with self._lock:
            if provider_id is None:
                self._known = known
                self._known_complete = True
                self._known_at = time.monotonic()
            else:
                for key in [k for k in self._known if k[0] == wanted]:
                    del self._known[key]
                self._known.update(known)
        return result

    def _read_models(
        self, formula: str | None, *, what: str
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """All rows (paged, 100 a page), asking for the registry's fields by name.

        Returns the rows and the registry fields the table lacks. That set is learned afresh on
        every read, never carried over: a field renamed in the UI and renamed back is read (and
        written) again at once. When Airtable says a field is unknown, the read is repeated
        without it (the schema, when the token may read it, names every missing field at once).
        A missing key field (Provider ID, Model ID) fails every read: without it no row can be
        told apart, and an empty-looking registry would be a lie.
        """
        missing: list[str] = []
        if self._missing_fields:
            # something was missing last time: one schema request tells whether it is back
            missing = self._schema_missing_fields() or []
        for _ in range(len(R.ALL_FIELDS) + 1):
            self._missing_fields = list(missing)
            lost_keys = [f for f in KEY_FIELDS if f in missing]
            if lost_keys:
                raise schema_mismatch(lost_keys, what=what)
            fields = [f for f in R.ALL_FIELDS if f not in missing]
            try:
                with self._call(what):
                    rows = self._models.all(page_size=PAGE_SIZE, fields=fields, formula=formula)
                return [dict(r) for r in rows], missing
            except SchemaMismatchError as exc:
                named = self._schema_missing_fields() or _registry_fields(exc.missing_fields)
                new = [m for m in named if m not in missing]
                if not new:
                    raise
                missing.extend(new)
                log.warning("Airtable table lacks field(s) %s; reading without them", new)
        raise schema_mismatch(missing, what=what)

    def _schema_missing_fields(self) -> list[str] | None:
        """Registry fields absent from the models table, per the Meta API; ``None`` if unreadable."""
        try:
            with self._call("the base schema"):
                present = {f.name for f in self._models.schema(force=True).fields}
        except RegistryError:
            return None
        return [f for f in R.ALL_FIELDS if f not in present]

    def _ensure_known(self) -> None:
        with self._lock:
            fresh = time.monotonic() - self._known_at < self._cache_ttl_s
            if self._known_complete and fresh:
                return
        self.list_models()

    # --- models: writes ---------------------------------------------------------------------

    def upsert_models(self, records: Sequence[ModelRecord]) -> UpsertResult:
        """Write ``records``: per row only the columns that change (see ``cells_to_write``).

        A column the table lacks (renamed or deleted in the UI), or lacked when the row was
        read, is never written: a record that would change one is refused, with the field named,
        before any request is sent.
        """
        result = UpsertResult()
        if not self.writable or not records:
            return result
        start = self.counter.count
        latest = {r.key: r for r in records}
        for record in latest.values():
            C.check_options(record)
        with self._lock:
            seen = {key: self._known.get(key) for key in latest}
        self._ensure_known()
        pending: list[tuple[ModelRecord, _Known | None, dict[str, Any]]] = []
        refused: dict[str, None] = {}
        with self._lock:
            missing_now = set(self._missing_fields)
            for key, record in latest.items():
                known = self._known.get(key)
                before = seen.get(key)
                if before is not None and known is not None and before.record_id != known.record_id:
                    before = None
                cells = C.cells_to_write(
                    record,
                    known.record if known is not None else None,
                    before.record if before is not None and before is not known else None,
                )
                unknown = missing_now.union(
                    known.missing if known is not None else (),
                    before.missing if before is not None else (),
                )
                refused.update(dict.fromkeys(c for c in cells if c in unknown))
                if cells:
                    pending.append((record, known, cells))
                else:
                    result.unchanged += 1
        if refused:
            what = f"the table {self.table_names['models']!r}"
            raise schema_mismatch(list(refused), what=what)
        for batch in C.chunks(pending, BATCH_SIZE):
            created, updated = self._write_batch(batch)
            result.created += created
            result.updated += updated
        result.requests = self.counter.count - start
        return result

    def _write_batch(
        self, batch: Sequence[tuple[ModelRecord, _Known | None, dict[str, Any]]]
    ) -> tuple[int, int]:
        what = f"the table {self.table_names['models']!r}"
        payload = [
            {"id": known.record_id, "fields": cells} if known is not None else {"fields": cells}
            for _, known, cells in batch
        ]
        typecast = C.needs_typecast(r for r, _, _ in batch)
        try:
            answer = self._upsert(self._models, payload, KEY_FIELDS, typecast, what)
        except RecordGoneError:
            # someone deleted a row since we read it: write it again by key, as a new row
            again = [{"fields": C.cells_to_write(record, None)} for record, _, _ in batch]
            absent_now = set(self._missing_fields)
            lost = [c for a in again for c in a["fields"] if c in absent_now]
            if lost:
                raise schema_mismatch(list(dict.fromkeys(lost)), what=what) from None
            answer = self._upsert(self._models, again, KEY_FIELDS, typecast, what)
        with self._lock:
            absent = frozenset(self._missing_fields)
            for row in answer.get("records", []):
                parsed = parse_row(row.get("fields") or {}, row_ref=str(row.get("id"))).record
                if parsed is not None:
                    self._known[parsed.key] = _Known(str(row["id"]), parsed, absent)
        return len(answer.get("createdRecords", [])), len(answer.get("updatedRecords", []))

    def _upsert(
        self,
        table: Table,
        records: list[dict[str, Any]],
        key_fields: list[str],
        typecast: bool,
        what: str,
    ) -> dict[str, Any]:
        try:
            with self._call(what):
                answer: dict[str, Any] = dict(
                    table.batch_upsert(records, key_fields=key_fields, typecast=typecast)
                )
                return answer
        except SchemaMismatchError as exc:
            if table is self._models and exc.missing_fields:
                missing = self._schema_missing_fields() or exc.missing_fields
                raise schema_mismatch(missing, what=what) from None
            raise

    # --- models: write plans ---------------------------------------------------------------

    def apply_plan(self, plan: WritePlan) -> PlanOutcome:
        """Apply ``plan``: replays, then rows (per-column compare-and-set), events, run, version.

        Requests: the events to replay (looked up 100 keys a request, written 10 a request);
        one read of the rows to be written, by record id (100 a request; rows never read by
        key); the writes, 10 rows a request, each sending only its non-conflicting columns;
        then the new events, the run and the version marker. A saved row carries its new
        events in its Metadata journal until they are in the history (see
        :mod:`registry_core.plan`), so a crash between the two writes loses none.
        """
        outcome = PlanOutcome()
        if not self.writable:
            return outcome
        start = self.counter.count
        by_row = events_by_row(plan.events)
        rows = list({row.key: row for row in plan.rows}.values())
        planned = {row.key for row in rows}
        early = list(plan.replay)
        early += [e for key, evs in by_row.items() if key not in planned for e in evs]
        if early:
            outcome.events_written += self.append_events(early)
        replayed = {e.event_key for e in plan.replay}
        current, missing = self._current_rows(rows)
        what = f"the table {self.table_names['models']!r}"
        pending: list[tuple[dict[str, Any], ModelRecord | None]] = []
        later: list[HistoryEvent] = []
        for row in rows:
            found = current.get(row.key)
            resolved = resolve_row(
                row,
                found[2] if found else None,
                by_row.get(row.key, ()),
                journal=True,
                replayed=replayed,
            )
            if resolved.saved:
                later.extend(resolved.events)
            if not outcome.tally(row, resolved):
                continue
            lost = [column for column in resolved.write if column in missing]
            if lost:
                # never write (or clear) a field the table lacks now; nothing is written yet
                raise schema_mismatch(lost, what=what)
            merged = parse_row(
                apply_cells(found[1] if found else {}, resolved.write), row_ref="/".join(row.key)
            ).record
            if merged is not None:
                C.check_options(merged)
            item: dict[str, Any] = {"fields": C.cells_for_patch(resolved.write)}
            if found is not None:
                item["id"] = found[0]
            pending.append((item, merged))
        for batch in C.chunks(pending, BATCH_SIZE):
            typecast = C.needs_typecast(m for _, m in batch if m is not None)
            answer = self._upsert(self._models, [i for i, _ in batch], KEY_FIELDS, typecast, what)
            outcome.created += len(answer.get("createdRecords", []))
            outcome.updated += len(answer.get("updatedRecords", []))
            with self._lock:
                for written in answer.get("records", []):
                    parsed = parse_row(
                        written.get("fields") or {}, row_ref=str(written.get("id"))
                    ).record
                    if parsed is not None:
                        self._known[parsed.key] = _Known(str(written["id"]), parsed)
        if later:
            outcome.events_written += self.append_events(later)
        if plan.run is not None:
            self.record_run(plan.run)
        if pending:
            outcome.version = self.bump_version()
        outcome.requests = self.counter.count - start
        return outcome

    def _current_rows(
        self, rows: Sequence[RowWrite]
    ) -> tuple[dict[tuple[str, str], tuple[str, dict[str, Any], ModelRecord]], set[str]]:
        """The rows as they are now: key -> (record id, cells, record), absent rows left out;
        and the registry fields the table lacks now (learned afresh by the read)."""
        with self._lock:
            known = {row.key: self._known.get(row.key) for row in rows}
        wanted = {k for k in known}
        lookups: list[tuple[str | None, tuple[str, str]]] = [
            (k.record_id if k is not None else None, key) for key, k in known.items()
        ]
        out: dict[tuple[str, str], tuple[str, dict[str, Any], ModelRecord]] = {}
        missing: set[str] = set()
        ids_of = {k.record_id: key for key, k in known.items() if k is not None}
        for chunk in C.chunks(lookups, C.KEYS_PER_LOOKUP):
            formula = C.row_lookup_formula(
                [rid for rid, _ in chunk if rid is not None],
                [key for rid, key in chunk if rid is None],
            )
            found, lacking = self._read_models(
                formula, what=f"the table {self.table_names['models']!r}"
            )
            missing.update(lacking)
            for raw in found:
                cells = dict(raw.get("fields") or {})
                record = parse_row(cells, row_ref=str(raw.get("id"))).record
                if record is None or record.key not in wanted:
                    continue
                rid = str(raw["id"])
                previous = out.get(record.key)
                if previous is None or ids_of.get(rid) == record.key:
                    out[record.key] = (rid, cells, record)
        return out, missing

    # --- history ----------------------------------------------------------------------------

    def append_events(self, events: Sequence[HistoryEvent]) -> int:
        if not self.writable or not events:
            return 0
        what = f"the table {self.table_names['history']!r}"
        unique: dict[str, HistoryEvent] = {}
        for event in events:
            unique.setdefault(event.event_key, event)
        with self._lock:
            candidates = [k for k in unique if k not in self._known_event_keys]
        existing: set[str] = set()
        for keys in C.chunks(candidates, C.KEYS_PER_LOOKUP):
            with self._call(what):
                rows = self._history.all(
                    formula=C.event_keys_formula(keys), fields=[S.EVENT_KEY], page_size=PAGE_SIZE
                )
            existing.update(str((r.get("fields") or {}).get(S.EVENT_KEY)) for r in rows)
        new = [unique[k] for k in candidates if k not in existing]
        created = 0
        for batch in C.chunks(new, BATCH_SIZE):
            answer = self._upsert(
                self._history,
                [{"fields": C.event_to_fields(e)} for e in batch],
                [S.EVENT_KEY],
                False,
                what,
            )
            created += len(answer.get("createdRecords", []))
        with self._lock:
            self._known_event_keys.update(unique)
        return created

    def list_events(
        self,
        provider_id: str | None = None,
        model_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[HistoryEvent]:
        options: dict[str, Any] = {"page_size": PAGE_SIZE}
        formula = C.events_formula(provider_id, model_id, since)
        if formula is not None:
            options["formula"] = formula
        if limit is not None:
            options.update(sort=[f"-{S.EVENT_AT}"], max_records=max(int(limit), 1))
        else:
            options["sort"] = [S.EVENT_AT]
        with self._call(f"the table {self.table_names['history']!r}"):
            rows = self._history.all(**options) if limit != 0 else []
        events: list[tuple[datetime, str, HistoryEvent]] = []
        for row in rows:
            event = C.fields_to_event(str(row.get("id")), row.get("fields") or {})
            if event is None or (since is not None and event.at < as_utc(since)):
                continue
            events.append((event.at, str(row.get("createdTime") or ""), event))
        events.sort(key=lambda item: (item[0], item[1]))
        return [e for _, _, e in events]

    # --- discovery runs ---------------------------------------------------------------------

    def record_run(self, run: DiscoveryRun) -> None:
        if not self.writable:
            return
        what = f"the table {self.table_names['runs']!r}"
        self._upsert(self._runs, [{"fields": C.run_to_fields(run)}], [S.RUN_ID], False, what)

    def list_runs(
        self, provider_id: str | None = None, limit: int | None = None
    ) -> list[DiscoveryRun]:
        if limit == 0:
            return []
        options: dict[str, Any] = {
            "page_size": PAGE_SIZE,
            "formula": C.runs_formula(provider_id),
            "sort": [f"-{S.RUN_STARTED_AT}"],
        }
        if limit is not None:
            options["max_records"] = int(limit)
        with self._call(f"the table {self.table_names['runs']!r}"):
            rows = self._runs.all(**options)
        runs = [C.fields_to_run(str(r.get("id")), r.get("fields") or {}) for r in rows]
        out = [
            r
            for r in runs
            if r is not None
            and r.run_id != S.VERSION_MARKER_RUN_ID
            and not L.is_lease_run_id(r.run_id)
        ]
        out.sort(key=lambda r: r.started_at, reverse=True)
        return out

    # --- version marker ---------------------------------------------------------------------

    def get_version(self) -> str:
        with self._call(f"the version marker in {self.table_names['runs']!r}"):
            row = self._runs.first(formula=C.version_formula(), fields=[S.RUN_MESSAGE])
        value = (row or {}).get("fields", {}).get(S.RUN_MESSAGE) if row else None
        return f"airtable:{value or 0}"

    def bump_version(self) -> str:
        if not self.writable:
            return self.get_version()
        now = utcnow()
        token = f"{now.strftime('%Y%m%dT%H%M%S.%f')[:-3]}Z-{uuid.uuid4().hex[:8]}"
        fields = {
            S.RUN_ID: S.VERSION_MARKER_RUN_ID,
            S.RUN_PROVIDER_ID: "registry",
            S.RUN_STARTED_AT: format_datetime(now),
            S.RUN_MESSAGE: token,
        }
        what = f"the version marker in {self.table_names['runs']!r}"
        self._upsert(self._runs, [{"fields": fields}], [S.RUN_ID], False, what)
        return f"airtable:{token}"

    # --- refresh leases (claim rows in the runs table; see stores/airtable_lease.py) ----------

    def _read_claims(self) -> list[L.Claim]:
        with self._call(f"the leases in {self.table_names['runs']!r}"):
            rows = self._runs.all(
                formula=L.leases_formula(), fields=L.LEASE_FIELDS, page_size=PAGE_SIZE
            )
        claims = [L.parse_claim(r) for r in rows]
        return [c for c in claims if c is not None]

    def _delete_rows(self, record_ids: Sequence[str]) -> None:
        """Delete lease rows, best effort: a row someone else deleted first is fine."""
        for batch in C.chunks(list(dict.fromkeys(record_ids)), BATCH_SIZE):
            try:
                with self._call(f"the leases in {self.table_names['runs']!r}"):
                    self._runs.batch_delete(list(batch))
            except RegistryError as exc:
                log.info("could not delete old lease rows (%s); the next release will", exc)

    def acquire_leases(
        self, provider_ids: Sequence[str], holder: str, ttl_s: float, *, token: str
    ) -> dict[str, LeaseState]:
        wanted = list(dict.fromkeys(provider_ids))
        if not wanted:
            return {}
        claims = self._read_claims()
        now = utcnow()
        states = {p: L.decide(claims, p, now) for p in wanted}
        if not self.writable:
            return states
        to_claim = [p for p in wanted if states[p].lease is None]
        if not to_claim:
            return states
        what = f"the leases in {self.table_names['runs']!r}"
        written: list[str] = []
        try:
            for batch in C.chunks(to_claim, BATCH_SIZE):
                rows = [{"fields": L.claim_fields(p, holder, token, now, ttl_s)} for p in batch]
                answer = self._upsert(self._runs, rows, [S.RUN_ID], False, what)
                written.extend(str(r.get("id")) for r in answer.get("records", []) if r.get("id"))
            # decide only once every claim as early as ours (createdTime has whole seconds)
            # exists
            time.sleep(L.DECIDE_AFTER_S)
            claims = self._read_claims()
        except RegistryError:
            self._delete_rows(written)  # a half-taken lease must not block other hosts
            raise
        now = utcnow()
        states.update({p: L.decide(claims, p, now) for p in to_claim})
        lost = [
            c.record_id
            for c in claims
            if c.token == token
            and c.provider_id in to_claim
            and not states[c.provider_id].held_by(token)
        ]
        with self._lock:
            for claim in claims:
                if claim.token != token or claim.provider_id not in states:
                    continue
                if states[claim.provider_id].held_by(token):
                    self._lease_rows[(claim.provider_id, token)] = claim.record_id
                    self._lease_stale[(claim.provider_id, token)] = L.stale(
                        claims, claim.provider_id, token, now
                    )
        self._delete_rows(lost)
        return states

    def release_leases(self, leases: Sequence[Lease], *, refreshed: bool) -> None:
        if not self.writable or not leases:
            return
        now = utcnow()
        keys = [(lease.provider_id, lease.token) for lease in leases]
        with self._lock:
            rows = {key: self._lease_rows.pop(key, None) for key in keys}
            cleanup = [self._lease_stale.pop(key, ([], None)) for key in keys]
        if any(rid is None for rid in rows.values()):  # taken by another store object
            for claim in self._read_claims():
                key = (claim.provider_id, claim.token)
                if key in rows and rows[key] is None:
                    rows[key] = claim.record_id
        # the newest "refreshed" row stays as the record of who refreshed last, unless ours
        # replaces it
        doomed = [rid for dead, newest in cleanup for rid in dead if refreshed or rid != newest]
        if refreshed:
            updates = [
                {"id": rows[key], "fields": L.release_fields(lease, now, refreshed=True)}
                for key, lease in zip(keys, leases, strict=True)
                if rows.get(key)
            ]
            for batch in C.chunks(updates, BATCH_SIZE):
                try:
                    with self._call(f"the leases in {self.table_names['runs']!r}"):
                        self._runs.batch_update(list(batch))
                except RegistryError as exc:
                    # the row went (another host cleaned it up): the lease is free either way
                    if not isinstance(exc, NotFoundError):  # RecordGoneError is one
                        raise
        else:
            doomed.extend(rid for rid in rows.values() if rid)
        self._delete_rows(doomed)

    def lease_states(self, provider_ids: Sequence[str]) -> dict[str, LeaseState]:
        claims = self._read_claims()
        now = utcnow()
        return {p: L.decide(claims, p, now) for p in dict.fromkeys(provider_ids)}

    # --- health -----------------------------------------------------------------------------

    def health(self) -> StoreHealth:
        """Reachability, the schema as setup checks it (types included), and record access.

        The schema check is ``setup-airtable``'s own (:func:`plan_for_schema`): a missing table,
        field or option, or a field whose type was changed in the UI, is named with what to run.
        A token without the ``schema.bases:read`` scope gets the record checks only (missing
        fields are still found; types cannot be).
        """
        problems: list[str] = []
        reachable = True
        schema_ok = True
        fix: str | None = None
        unchecked: str | None = None
        try:
            drift = self._schema_drift()
        except RegistryError as exc:
            if isinstance(exc, _OUTAGE):  # one timeout is enough to say so
                return StoreHealth(
                    name=self.name,
                    location=self.location,
                    reachable=False,
                    writable=False,
                    schema_ok=False,
                    problems=[str(exc)],
                    fix=exc.hint,
                )
            drift = None
            unchecked = (
                "the token cannot read the base schema (add the schema.bases:read scope)"
                if isinstance(exc, PermissionDeniedError)
                else str(exc)
            )
        except Exception as exc:  # health never raises
            drift = None
            unchecked = f"the base schema could not be read ({type(exc).__name__})"
        checked_schema = drift is not None
        skip: set[str] = set()
        if drift is not None:
            drift_problems, drift_fix, skip = drift
            if drift_problems:
                schema_ok = False
                problems.extend(drift_problems)
                fix = drift_fix
        expected = {"models": S.MODELS_TABLE, "history": S.HISTORY_TABLE, "runs": S.RUNS_TABLE}
        for role, table in (
            ("models", self._models),
            ("history", self._history),
            ("runs", self._runs),
        ):
            name = self.table_names[role]
            if name in skip:
                continue
            try:
                with self._call(f"the table {name!r}"):
                    table.first(fields=list(expected[role].field_names))
            except SchemaMismatchError as exc:
                schema_ok = False
                if checked_schema:
                    continue  # the schema check named the missing fields already
                missing = exc.missing_fields
                if role == "models":
                    missing = self._schema_missing_fields() or missing
                problems.append(f"table {name!r} lacks field(s): {', '.join(missing) or '?'}")
                fix = SETUP_COMMAND
            except RegistryError as exc:
                problems.append(str(exc))
                if isinstance(exc, _OUTAGE):
                    reachable = False
                    fix = fix or exc.hint
                    break
                schema_ok = False
                fix = (
                    SETUP_COMMAND if isinstance(exc, PermissionDeniedError | NotFoundError) else fix
                )
            except Exception as exc:  # health never raises
                problems.append(f"table {name!r}: {type(exc).__name__}")
                reachable = False
                break
        if reachable and unchecked is not None:
            problems.append(f"field types were not checked: {unchecked}")
        return StoreHealth(
            name=self.name,
            location=self.location,
            reachable=reachable,
            writable=self.writable and reachable and schema_ok,
            schema_ok=schema_ok and reachable,
            problems=problems,
            fix=fix,
        )

    def _schema_drift(self) -> tuple[list[str], str | None, set[str]]:
        """What ``setup-airtable --dry-run`` would report for this base, as health problems.

        Returns ``(problems, fix, missing tables)``; raises :class:`RegistryError` when the
        schema cannot be read. Re-learns which models-table fields are missing, for reads and
        writes.
        """
        with self._call("the base schema"):
            schema = self._api.base(self.base_id).schema(force=True)
        plan = plan_for_schema(schema, self.table_names)
        problems: list[str] = []
        lacking: dict[str, list[str]] = {}
        missing_tables: set[str] = set()
        for action in plan.actions:
            if action.kind == "create_table":
                missing_tables.add(action.table)
                problems.append(f"table {action.table!r} does not exist")
            elif action.kind == "add_field" and action.field is not None:
                lacking.setdefault(action.table, []).append(str(action.field["name"]))
            elif action.field is not None:
                options = ", ".join(repr(o) for o in action.options)
                problems.append(
                    f"{action.field['name']!r} in {action.table!r} lacks option(s) {options}"
                )
        for table, names in lacking.items():
            problems.append(f"table {table!r} lacks field(s): {', '.join(names)}")
        models = self.table_names["models"]
        if models not in missing_tables:
            self._missing_fields = list(lacking.get(models, []))
        problems.extend(plan.problems)
        fix: str | None = None
        if plan.actions:
            fix = SETUP_COMMAND
        elif plan.problems:
            # setup cannot change a field's type; the dry run shows what is left to do
            fix = f"{SETUP_COMMAND} --dry-run"
        return problems, fix, missing_tables

    def close(self) -> None:
        with contextlib.suppress(requests.RequestException):
            self._api.session.close()
