"""``AirtableStandIn``: start the stand-in on loopback and steer it from tests.

>>> from pyairtable import Api
>>> with AirtableStandIn(rate_limit=None) as server:  # doctest: +SKIP
...     server.add_base("appLocalRegistry1")
...     api = Api(DEFAULT_TOKEN, endpoint_url=server.url)
...     api.base("appLocalRegistry1").create_table("Models", [{"name": "Name", "type": "singleLineText"}])
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from registry_standins.airtable import cells, meta, writes
from registry_standins.airtable.handler import StandInHTTPServer
from registry_standins.airtable.limits import Fault, LoggedRequest
from registry_standins.airtable.model import Base, Table, field_from_spec
from registry_standins.airtable.state import ALL_SCOPES, State, TokenGrant

DEFAULT_TOKEN = "patLocalStandInToken.dev"
DEFAULT_BASE_ID = "appLocalRegistry1"
FREE_PLAN_RECORD_CAP = 1000


class AirtableStandIn:
    """A local Airtable Web API on ``127.0.0.1`` for ``pyairtable.Api(token, endpoint_url=url)``.

    Args:
        port: 0 picks a free port.
        rate_limit: requests per second per base before a 429 lockout; ``None`` disables.
        lockout_s: how long a base answers 429 after going over (live Airtable: 30 s).
        record_cap: default per-base record cap for bases added later (``None`` = no cap).
        data_path: a JSON file the bases are loaded from and saved to after each change.
        legacy_not_found: answer an unknown table with 2022's 404 ``TABLE_NOT_FOUND`` instead
            of the 403 ``INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND`` that tokens get now.
        token: a token registered with every scope on every base (``None`` = none).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: float | None = 5.0,
        lockout_s: float = 30.0,
        record_cap: int | None = None,
        data_path: str | Path | None = None,
        legacy_not_found: bool = False,
        iterator_ttl_s: float = 600.0,
        token: str | None = DEFAULT_TOKEN,
    ) -> None:
        self._host, self._port = host, port
        self.state = State(legacy_not_found=legacy_not_found, default_record_cap=record_cap)
        self.state.limiter.configure(rate_limit, lockout_s)
        self.state.iterators.ttl_s = iterator_ttl_s
        if data_path is not None:
            self.state.data_path = Path(data_path)
            self.state.load()
        if token is not None:
            self.add_token(token)
        self._server: StandInHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> AirtableStandIn:
        if self._server is None:
            self._server = StandInHTTPServer((self._host, self._port), self.state)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="airtable-stand-in",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> AirtableStandIn:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("The stand-in is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The ``endpoint_url`` for pyairtable (no ``/v0``: pyairtable adds it)."""
        return f"http://{self._host}:{self.port}"

    # -- set-up --------------------------------------------------------------------------------

    def add_base(
        self,
        base_id: str = DEFAULT_BASE_ID,
        tables: Iterable[Mapping[str, Any]] | None = None,
        *,
        name: str | None = None,
        record_cap: int | None = None,
    ) -> None:
        """Add an empty base, or one with ``tables`` given in Meta API create-table format."""
        if not re.fullmatch(r"app[A-Za-z0-9]{14}", base_id):
            raise ValueError(f"{base_id!r} is not a base id (app + 14 letters/digits)")
        with self.state.lock:
            if base_id in self.state.bases:
                raise ValueError(f"base {base_id} already exists")
            cap = record_cap if record_cap is not None else self.state.default_record_cap
            base = Base(base_id, name or base_id, record_cap=cap)
            for spec in tables or ():
                meta.new_table(base, dict(spec))
            self.state.bases[base_id] = base
        self.state.save()

    def add_token(
        self,
        token: str,
        scopes: Iterable[str] = ALL_SCOPES,
        bases: Iterable[str] | None = None,
    ) -> None:
        """Register ``token`` with ``scopes`` on ``bases`` (``None`` = every base)."""
        grant = TokenGrant(frozenset(scopes), frozenset(bases) if bases is not None else None)
        with self.state.lock:
            self.state.tokens[token] = grant

    def set_rate_limit(self, rps: float | None, lockout_s: float | None = None) -> None:
        """Change the per-base limit (``None`` = off); also clears any running lockout."""
        self.state.limiter.configure(rps, lockout_s)

    def set_record_cap(self, base_id: str, cap: int | None) -> None:
        with self.state.lock:
            self._base(base_id).record_cap = cap

    def inject_fault(
        self,
        kind: str = "error",
        *,
        count: int = 1,
        status: int = 503,
        seconds: float = 0.0,
        base: str | None = None,
        table: str | None = None,
    ) -> None:
        """Make the next ``count`` matching requests fail.

        ``kind``: ``"error"`` (answer ``status``, a 5xx), ``"hang"`` (wait ``seconds``, then
        answer normally), ``"rate_limit"`` (429 RATE_LIMIT_REACHED) or ``"quota"`` (429
        PUBLIC_API_BILLING_LIMIT_EXCEEDED). ``base``/``table`` (name or id) narrow the match.
        """
        self.state.faults.add(Fault(kind, count, status, seconds, base, table))

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def expire_iterators(self) -> None:
        """Make every outstanding list ``offset`` answer LIST_RECORDS_ITERATOR_NOT_AVAILABLE."""
        self.state.iterators.expire_all()

    # -- direct data access (no HTTP, no limits) -------------------------------------------------

    def records(self, base_id: str, table: str, *, by_id: bool = False) -> list[dict[str, Any]]:
        """Every record of ``table`` as the API would return it, in creation order."""
        with self.state.lock:
            t = self._table(base_id, table)
            return [cells.render(t, r, by_id=by_id, only=None) for r in t.records.values()]

    def seed(
        self, base_id: str, table: str, rows: Iterable[Mapping[str, Any]], *, typecast: bool = True
    ) -> list[str]:
        """Insert rows (by field name) bypassing auth, limits and the 10-per-request cap."""
        ids: list[str] = []
        rows = list(rows)
        with self.state.lock:
            base, t = self._base(base_id), self._table(base_id, table)
            for start in range(0, len(rows), writes.MAX_RECORDS_PER_REQUEST):
                chunk = [{"fields": dict(r)} for r in rows[start : start + 10]]
                made = writes.create(base, t, {"records": chunk, "typecast": typecast})
                ids.extend(r["id"] for r in made["records"])
        self.state.save()
        return ids

    def schema(self, base_id: str) -> dict[str, Any]:
        with self.state.lock:
            return {"tables": [t.schema() for t in self._base(base_id).tables]}

    def rename_field(self, base_id: str, table: str, old: str, new: str) -> None:
        """Rename a field as a person would in the Airtable UI; the data stays."""
        with self.state.lock:
            fdef = self._field(base_id, table, old)
            fdef.name = new
        self.state.save()

    def change_field_type(
        self,
        base_id: str,
        table: str,
        name: str,
        new_type: str,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        """Change a field's type as a person would in the Airtable UI (the API cannot).

        Stored cells are converted the way the UI converts them to text (numbers and dates
        become their text, lists are joined with ", "); to any other type a cell that does not
        convert is cleared.
        """
        with self.state.lock:
            t = self._table(base_id, table)
            fdef = self._field(base_id, table, name)
            others = [f for f in t.fields if f is not fdef]
            spec = {"name": fdef.name, "type": new_type, "options": dict(options or {}) or None}
            made = field_from_spec({k: v for k, v in spec.items() if v is not None}, others)
            fdef.type, fdef.options = made.type, made.options
            for record in t.records.values():
                if fdef.id not in record.cells:
                    continue
                value = record.cells.pop(fdef.id)
                if new_type in cells.TEXT_TYPES:
                    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                    record.cells[fdef.id] = text
                    continue
                try:
                    converted = cells.normalize(fdef, value, typecast=True)
                except Exception:  # the UI clears what it cannot convert
                    continue
                if converted is not None:
                    record.cells[fdef.id] = converted
        self.state.save()

    def delete_field(self, base_id: str, table: str, name: str) -> None:
        """Delete a field and its data (only the UI can do this; the API cannot)."""
        with self.state.lock:
            t = self._table(base_id, table)
            fdef = self._field(base_id, table, name)
            if fdef.id == t.primary_field_id:
                raise ValueError("the primary field cannot be deleted")
            t.fields.remove(fdef)
            for record in t.records.values():
                record.cells.pop(fdef.id, None)
        self.state.save()

    def delete_table(self, base_id: str, table: str) -> None:
        with self.state.lock:
            base = self._base(base_id)
            base.tables.remove(self._table(base_id, table))
        self.state.save()

    # -- the request log -----------------------------------------------------------------------

    @property
    def request_log(self) -> list[LoggedRequest]:
        return self.state.log.snapshot()

    def reset_log(self) -> None:
        self.state.log.clear()

    def requests_per_base(self) -> Counter[str]:
        return self.state.log.per_base()

    def count_requests(self, *, base: str | None = None, status: int | None = None) -> int:
        return self.state.log.count(base=base, status=status)

    @property
    def rate_limited_count(self) -> int:
        """How many requests were answered 429 (rate limit, storm or quota)."""
        return self.state.log.count(status=429)

    # -- helpers -------------------------------------------------------------------------------

    def _base(self, base_id: str) -> Base:
        base = self.state.bases.get(base_id)
        if base is None:
            raise KeyError(f"no base {base_id}")
        return base

    def _table(self, base_id: str, table: str) -> Table:
        t = self._base(base_id).table(table)
        if t is None:
            raise KeyError(f"no table {table!r} in {base_id}")
        return t

    def _field(self, base_id: str, table: str, name: str) -> Any:
        fdef = self._table(base_id, table).field(name)
        if fdef is None:
            raise KeyError(f"no field {name!r} in {table!r}")
        return fdef


__all__ = ["DEFAULT_BASE_ID", "DEFAULT_TOKEN", "FREE_PLAN_RECORD_CAP", "AirtableStandIn"]
