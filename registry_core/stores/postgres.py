"""The shared registry on PostgreSQL (psycopg 3 with a connection pool), for teams past Airtable.

Selected by ``REGISTRY_DATABASE_URL=postgresql://…``. It keeps the SQLite store's contract and
shape: rows keep their cells as JSON (``jsonb``) in the shape Airtable returns (empty cells
omitted) and are read through the one row parser (:func:`registry_core.records.parse_rows`), so
every store behaves the same.

- **Migrations** are versioned (:data:`MIGRATIONS`; ``registry_schema_version`` holds the ones
  applied) and run when the store opens, in one transaction under a transaction-level advisory
  lock, so two processes starting at once never race.
- **Writes**: upserts are ``INSERT … ON CONFLICT DO UPDATE … WHERE cells IS DISTINCT FROM …``
  (only changed rows are written); history is idempotent by ``event_key`` (``ON CONFLICT DO
  NOTHING``); :meth:`PostgresStore.apply_plan` locks the rows it writes (``SELECT … FOR UPDATE``)
  and resolves each against the row as it is with :func:`registry_core.plan.resolve_row`, in one
  transaction with its events, its run and the version bump. JSON is strict: NaN and Infinity are
  refused (a typed :class:`~registry_core.errors.StoreWriteError`). Text PostgreSQL cannot hold in
  ``jsonb`` (a NUL character, a lone surrogate: hand-typed imports) is kept as escaped JSON text
  in ``cells_text`` instead, so the row parser still sees, and flags, what was typed.
- **Refresh leases** are rows of ``leases`` (holder, token, expiry, "refreshed by"), each taken or
  given up in a transaction serialized by ``pg_advisory_xact_lock`` on the registry's lease key,
  with expiry judged by the database's clock (one clock for every host). Rows rather than session
  advisory locks: a lease outlives the pooled connection that took it, has a TTL a crashed host's
  lease runs out by, and names its holder and the last host that refreshed, for the Status page.
- **Replicas in step**: :meth:`bump_version` sends ``NOTIFY`` on the registry's channel in the
  same transaction; :meth:`subscribe` starts one daemon listener thread (its own connection,
  reconnecting with backoff) that calls back with the new marker, so every replica's memory tier
  moves on within a second of a write on another.

Failures leave as the typed errors of :mod:`registry_core.errors` (connection refused, timeouts
-> :class:`~registry_core.errors.UnavailableError`, …). The URL's password never appears in a
message or in :attr:`PostgresStore.location` (host, port and database only).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from registry_core.cells import as_utc, format_datetime
from registry_core.codecs import (
    events_from_rows,
    events_query,
    run_from_json,
    run_to_json,
)
from registry_core.errors import (
    AuthError,
    ConfigError,
    PermissionDeniedError,
    RegistryError,
    SchemaMismatchError,
    StoreWriteError,
    UnavailableError,
)
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.plan import PlanOutcome, WritePlan, apply_cells, events_by_row, resolve_row
from registry_core.records import LoadResult, ModelRecord, parse_row, parse_rows
from registry_core.stores.base import Lease, LeaseState, StoreHealth, UpsertResult

log = logging.getLogger(__name__)

#: Versioned schema migrations; ``registry_schema_version`` lists the numbers applied (1-based).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS models (
        provider_id TEXT NOT NULL,
        model_id    TEXT NOT NULL,
        seq         BIGSERIAL,
        cells       JSONB,
        cells_text  TEXT,
        updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (provider_id, model_id),
        CHECK ((cells IS NULL) <> (cells_text IS NULL))
    );
    CREATE INDEX IF NOT EXISTS models_by_provider ON models (lower(btrim(provider_id)), seq);
    CREATE TABLE IF NOT EXISTS history_events (
        seq         BIGSERIAL PRIMARY KEY,
        event_key   TEXT NOT NULL UNIQUE,
        provider_id TEXT NOT NULL,
        model_id    TEXT NOT NULL,
        kind        TEXT NOT NULL,
        at          TIMESTAMPTZ NOT NULL,
        run_id      TEXT,
        source      TEXT,
        actor       TEXT,
        detail      JSONB NOT NULL DEFAULT '{}'
    );
    CREATE INDEX IF NOT EXISTS history_by_model ON history_events (provider_id, model_id, at);
    CREATE INDEX IF NOT EXISTS history_by_time ON history_events (at);
    CREATE TABLE IF NOT EXISTS discovery_runs (
        run_id      TEXT PRIMARY KEY,
        provider_id TEXT NOT NULL,
        started_at  TIMESTAMPTZ NOT NULL,
        seq         BIGSERIAL,
        data        JSONB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS runs_by_time ON discovery_runs (started_at);
    CREATE TABLE IF NOT EXISTS registry_meta (
        key   TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    );
    INSERT INTO registry_meta (key, value) VALUES ('version', 0) ON CONFLICT (key) DO NOTHING
    """,
    # 2: refresh leases, one row per provider (expires_at NULL = free)
    """
    CREATE TABLE IF NOT EXISTS leases (
        provider_id  TEXT PRIMARY KEY,
        holder       TEXT,
        token        TEXT,
        acquired_at  TIMESTAMPTZ,
        expires_at   TIMESTAMPTZ,
        refreshed_by TEXT,
        refreshed_at TIMESTAMPTZ
    )
    """,
)

SCHEMES = ("postgresql", "postgres")
_FIX = "check REGISTRY_DATABASE_URL and that the PostgreSQL server is running and reachable"


# --- the URL, without its password -------------------------------------------------------------


def check_database_url(url: str, *, name: str = "REGISTRY_DATABASE_URL") -> str:
    """``url`` stripped, when it is a ``postgresql://`` URL; else :class:`ConfigError`.

    The error shows the URL without its password.

    >>> check_database_url(" postgresql://app:pw@db.example.com/registry ")
    'postgresql://app:pw@db.example.com/registry'
    >>> check_database_url("mysql://app:secret@db/registry")
    Traceback (most recent call last):
    ...
    registry_core.errors.ConfigError: REGISTRY_DATABASE_URL='mysql://db/registry' is not a PostgreSQL URL; write postgresql://user:password@host:5432/database
    """
    text = (url or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
        conninfo_to_dict(text)
    except (ValueError, psycopg.Error):
        scheme = ""
    if scheme not in SCHEMES:
        raise ConfigError(
            f"{name}={redact_url(text)!r} is not a PostgreSQL URL; "
            "write postgresql://user:password@host:5432/database"
        )
    return text


def redact_url(url: str) -> str:
    """``scheme://host:port/database`` of ``url``: no user name, no password, no options.

    >>> redact_url("postgresql://app:s3cret@db.internal:6432/registry?sslmode=require")
    'postgresql://db.internal:6432/registry'
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        scheme = parts.scheme or "postgresql"
        return f"{scheme}://{host}{port}{parts.path}"
    except ValueError:
        return "postgresql://(unreadable URL)"


def _password(url: str) -> str | None:
    try:
        found = conninfo_to_dict(url).get("password") or urlsplit(url).password
        return str(found) if found else None
    except (ValueError, psycopg.Error):
        return None


# --- what jsonb and text columns can hold ------------------------------------------------------


def _strict_dumps(value: Any, *, ascii_only: bool = False, default: Any = None) -> str:
    """JSON text; NaN and Infinity are refused (``ValueError``), as JSON has no such numbers."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=ascii_only, allow_nan=False, default=default
    )


def _storable(text: str) -> bool:
    """Whether PostgreSQL text / jsonb can hold ``text`` (no NUL, no lone surrogate)."""
    if "\x00" in text or "\\u0000" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def encode_cells(cells: Mapping[str, Any], *, default: Any = None) -> tuple[str | None, str | None]:
    """``(jsonb text, None)``, or ``(None, escaped JSON text)`` when jsonb cannot hold the cells.

    >>> encode_cells({"Model ID": "a"})
    ('{"Model ID": "a"}', None)
    >>> encode_cells({"Model ID": "a\\x00b"})
    (None, '{"Model ID": "a\\\\u0000b"}')
    """
    text = _strict_dumps(dict(cells), default=default)
    if _storable(text):
        return text, None
    return None, _strict_dumps(dict(cells), ascii_only=True, default=default)


def key_text(value: str) -> str:
    """A key as a text column can hold it: NUL and lone surrogates written as escapes.

    >>> key_text("open\\x00ai")
    'open\\\\u0000ai'
    """
    if _storable(value) and "\\u0000" not in value:
        return value
    return value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\u0000")


def _decode_cells(provider: str, model: str, cells: Any, cells_text: str | None) -> Any:
    loaded = cells
    if loaded is None and cells_text is not None:
        try:
            loaded = json.loads(cells_text)
        except ValueError:
            loaded = None
    if not isinstance(loaded, dict):
        return {"Provider ID": provider, "Model ID": model}
    return loaded


def _ident_hash(*parts: str) -> int:
    """A signed 64-bit advisory-lock key for ``parts`` (stable across processes and hosts)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


VersionCallback = Callable[[str], None]


class PostgresStore:
    """A :class:`~registry_core.stores.base.RegistryStore` in a PostgreSQL database.

    ``schema`` puts the registry's tables in that schema (created when missing; default: the
    connection's own search path, usually ``public``). The pool holds ``min_size`` to
    ``max_size`` connections; ``connect_timeout_s`` bounds every wait for one.
    """

    name = "postgres"

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        min_size: int = 1,
        max_size: int = 4,
        connect_timeout_s: float = 5.0,
        statement_timeout_s: float = 60.0,
    ) -> None:
        self.url = check_database_url(url)
        self._secret = _password(self.url)
        self.connect_timeout_s = connect_timeout_s
        self.statement_timeout_s = statement_timeout_s
        self._schema_arg = schema
        self._callbacks: list[VersionCallback] = []
        self._callbacks_lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._last_seen: str | None = None
        self._pool: ConnectionPool | None = None
        try:
            with self._connect() as conn:
                self.schema = schema or str(
                    conn.execute("SELECT current_schema()").fetchone()[0] or "public"  # type: ignore[index]
                )
                self._migrate(conn)
        except RegistryError:
            raise
        except (psycopg.Error, OSError) as exc:
            raise self._error(exc, "cannot be opened") from exc
        self.channel = self._channel_name(self.schema)
        pool: ConnectionPool = ConnectionPool(
            self.url,
            min_size=min_size,
            max_size=max(min_size, max_size),
            open=False,
            timeout=connect_timeout_s,
            kwargs=self._connect_kwargs(),
            configure=self._configure,
            name=f"registry-{self.schema}",
            reconnect_timeout=max(30.0, connect_timeout_s),
        )
        try:
            pool.open(wait=True, timeout=connect_timeout_s)
        except (PoolTimeout, psycopg.Error) as exc:
            pool.close()
            raise self._error(exc, "cannot be opened") from exc
        self._pool = pool

    @classmethod
    def from_settings(cls, settings: Any) -> PostgresStore:
        """The store for :class:`~registry_core.config.Settings` with ``database_url`` set."""
        url = getattr(settings, "database_url", None)
        if not url:
            raise ConfigError("REGISTRY_DATABASE_URL is not set")
        return cls(url)

    # --- connections ------------------------------------------------------------------------

    def _connect_kwargs(self) -> dict[str, Any]:
        return {
            "connect_timeout": max(1, round(self.connect_timeout_s)),
            "application_name": "model-registry",
        }

    def _connect(self, *, autocommit: bool = False) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self.url, autocommit=autocommit, **self._connect_kwargs())
        try:
            self._session(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _session(self, conn: psycopg.Connection[Any]) -> None:
        """Per-connection settings: UTC, a statement timeout, the registry's schema first."""
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute(
            sql.SQL("SET statement_timeout = {}").format(
                sql.Literal(f"{int(self.statement_timeout_s * 1000)}ms")
            )
        )
        schema = getattr(self, "schema", None) or self._schema_arg
        if schema:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        if not conn.autocommit:
            conn.commit()

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        self._session(conn)

    def _scrub(self, text: str) -> str:
        if self._secret:
            text = text.replace(self._secret, "***")
        return text.replace(self.url, self.location)

    def _error(self, exc: BaseException, doing: str, *, write: bool = False) -> RegistryError:
        """The typed error for what the driver raised (never with the password in it)."""
        detail = self._scrub(f"{type(exc).__name__}: {str(exc).strip()}")
        where = f"the PostgreSQL registry at {self.location}"
        state = getattr(exc, "sqlstate", None) or ""
        text = str(exc).lower()
        if isinstance(exc, PoolTimeout | PoolClosed):
            return UnavailableError(f"{where} {doing}: no connection ({detail})", hint=_FIX)
        if state.startswith("28") or "authentication failed" in text:
            return AuthError(
                f"{where} refused the credentials ({detail})",
                hint="check the user and password in REGISTRY_DATABASE_URL",
            )
        if isinstance(exc, pg_errors.InsufficientPrivilege):
            return PermissionDeniedError(
                f"{where} {doing}: permission denied ({detail})",
                hint="grant the registry's database user rights on its schema",
            )
        if isinstance(exc, pg_errors.UndefinedTable | pg_errors.UndefinedColumn):
            return SchemaMismatchError(
                f"{where} {doing}: its tables are not as expected ({detail})",
                hint="restart the app: migrations run when the store opens",
            )
        if write and isinstance(
            exc, pg_errors.ReadOnlySqlTransaction | pg_errors.DiskFull | psycopg.DataError
        ):
            return StoreWriteError(
                f"the write to {where} failed ({detail}); nothing of it was saved",
                hint="check the server is a writable primary with free disk; "
                "the write is retried on the next refresh",
            )
        if isinstance(exc, psycopg.OperationalError | OSError):
            return UnavailableError(f"{where} {doing} ({detail})", hint=_FIX)
        if write:
            return StoreWriteError(
                f"the write to {where} failed ({detail}); nothing of it was saved",
                hint="the write is retried on the next refresh",
            )
        return UnavailableError(f"{where} {doing} ({detail})", hint=_FIX)

    def _pool_or_raise(self) -> ConnectionPool:
        if self._pool is None:
            raise UnavailableError(f"the PostgreSQL registry at {self.location} is closed")
        return self._pool

    @contextmanager
    def _write(self, doing: str = "could not be written") -> Iterator[psycopg.Cursor[Any]]:
        """One write transaction; whatever fails leaves as a typed error, nothing half-written."""
        try:
            with (
                self._pool_or_raise().connection() as conn,
                conn.transaction(),
                conn.cursor() as cur,
            ):
                yield cur
        except RegistryError:
            raise
        except (psycopg.Error, PoolTimeout, PoolClosed, OSError) as exc:
            raise self._error(exc, doing, write=True) from exc
        except (UnicodeError, ValueError, TypeError, OverflowError) as exc:
            raise StoreWriteError(
                f"the write to the PostgreSQL registry at {self.location} failed "
                f"({type(exc).__name__}: {self._scrub(str(exc))}); nothing of it was saved",
                hint="a value JSON cannot hold (NaN, Infinity) or the database cannot encode",
            ) from exc

    def _read(self, query: Any, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one query; a connection the server dropped is retried once on a fresh one."""
        for attempt in (1, 2):
            try:
                with self._pool_or_raise().connection() as conn:
                    return list(conn.execute(query, params).fetchall())
            except (psycopg.OperationalError, PoolTimeout, PoolClosed, OSError) as exc:
                broken = isinstance(exc, psycopg.OperationalError) and not isinstance(
                    exc, pg_errors.QueryCanceled
                )
                if attempt == 1 and broken:
                    continue
                raise self._error(exc, "cannot be read") from exc
            except psycopg.Error as exc:
                raise self._error(exc, "cannot be read") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _channel_name(schema: str) -> str:
        name = f"model_registry_{schema}"
        if len(name.encode()) > 63:
            name = "model_registry_" + hashlib.sha256(schema.encode()).hexdigest()[:32]
        return name

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        schema = self.schema
        try:  # up to date already: nothing to write (a read-only server opens too)
            with conn.transaction():
                row = conn.execute("SELECT max(version) FROM registry_schema_version").fetchone()
            if row and int(row[0] or 0) >= len(MIGRATIONS):
                return
        except pg_errors.UndefinedTable:
            pass
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ident_hash("migrate", schema),))
            if self._schema_arg:
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                )
                conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS registry_schema_version ("
                " version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            row = conn.execute("SELECT max(version) FROM registry_schema_version").fetchone()
            current = int(row[0] or 0) if row else 0
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement.encode())
                conn.execute("INSERT INTO registry_schema_version (version) VALUES (%s)", (number,))

    # --- models -----------------------------------------------------------------------------

    @property
    def location(self) -> str:
        where = redact_url(self.url)
        schema = getattr(self, "schema", None) or self._schema_arg
        return f"{where} (schema {schema})" if schema and schema != "public" else where

    @property
    def writable(self) -> bool:
        return True

    def list_models(self, provider_id: str | None = None) -> LoadResult:
        if provider_id is None:
            rows = self._read(
                "SELECT provider_id, model_id, cells, cells_text FROM models ORDER BY seq"
            )
        else:
            # whatever case or spaces a person typed the id with, as the Airtable store reads it
            rows = self._read(
                "SELECT provider_id, model_id, cells, cells_text FROM models "
                "WHERE lower(btrim(provider_id)) = %s ORDER BY seq",
                (key_text(provider_id.strip().lower()),),
            )
        return parse_rows(
            (f"{p}/{m}", _decode_cells(p, m, cells, text)) for p, m, cells, text in rows
        )

    def has_rows(self) -> bool:
        """Whether the models table holds any row at all (read or not): one indexed probe."""
        return bool(self._read("SELECT 1 FROM models LIMIT 1"))

    _UPSERT = (
        "INSERT INTO models AS m (provider_id, model_id, cells, cells_text, updated_at) "
        "VALUES (%s, %s, %s::jsonb, %s, now()) "
        "ON CONFLICT (provider_id, model_id) DO UPDATE "
        "SET cells = EXCLUDED.cells, cells_text = EXCLUDED.cells_text, updated_at = now() "
        "WHERE m.cells IS DISTINCT FROM EXCLUDED.cells "
        "OR m.cells_text IS DISTINCT FROM EXCLUDED.cells_text "
        "RETURNING (xmax = 0)"
    )

    def upsert_models(self, records: Sequence[ModelRecord]) -> UpsertResult:
        result = UpsertResult()
        latest: dict[tuple[str, str], ModelRecord] = {r.key: r for r in records}
        if not latest:
            return result
        with self._write() as cur:
            params = []
            for (provider, model), record in latest.items():
                cells, text = encode_cells(record.to_fields(omit_empty=True))
                params.append((key_text(provider), key_text(model), cells, text))
            cur.executemany(self._UPSERT, params, returning=True)
            for inserted in _returned(cur):
                if inserted[0]:
                    result.created += 1
                else:
                    result.updated += 1
        result.unchanged = len(latest) - result.created - result.updated
        return result

    def apply_plan(self, plan: WritePlan) -> PlanOutcome:
        """Apply ``plan`` in one transaction, the rows it writes locked (``SELECT … FOR UPDATE``).

        Each row is resolved against the row as it is (:func:`resolve_row`); a row created by
        someone else between the lock and the insert is a conflict (merged again next time).
        Rows, their events, the run and the version bump (with its ``NOTIFY``) commit together.
        """
        outcome = PlanOutcome()
        by_row = events_by_row(plan.events)
        planned = {row.key for row in plan.rows}
        keep: list[HistoryEvent] = list(plan.replay)
        keep += [e for key, evs in by_row.items() if key not in planned for e in evs]
        with self._write() as cur:
            state: dict[tuple[str, str], dict[str, Any]] = {}
            if plan.rows:
                keys = sorted({(key_text(p), key_text(m)) for p, m in planned})
                cur.execute(
                    "SELECT provider_id, model_id, cells, cells_text FROM models "
                    "WHERE (provider_id, model_id) IN "
                    "(SELECT * FROM unnest(%s::text[], %s::text[])) "
                    "ORDER BY provider_id, model_id FOR UPDATE",
                    ([k[0] for k in keys], [k[1] for k in keys]),
                )
                for p, m, cells, text in cur.fetchall():
                    state[(p, m)] = _decode_cells(p, m, cells, text)
            existing = set(state)
            inserts: dict[tuple[str, str], dict[str, Any]] = {}
            updates: dict[tuple[str, str], dict[str, Any]] = {}
            saved: dict[tuple[str, str], list[HistoryEvent]] = {}
            asked: dict[tuple[str, str], tuple[str, ...]] = {}
            for row in plan.rows:
                stored = (key_text(row.provider_id), key_text(row.model_id))
                raw = state.get(stored)
                current = None
                if raw is not None:
                    current = parse_row(raw, row_ref="/".join(row.key)).record
                resolved = resolve_row(row, current, by_row.get(row.key, ()))
                if resolved.saved:
                    saved.setdefault(stored, []).extend(resolved.events)
                    asked[stored] = tuple(sorted(row.set))
                if not outcome.tally(row, resolved):
                    continue
                new_raw = apply_cells(raw or {}, resolved.write)
                state[stored] = new_raw
                (updates if stored in existing else inserts)[stored] = new_raw
            if inserts:
                cur.executemany(
                    "INSERT INTO models (provider_id, model_id, cells, cells_text) "
                    "VALUES (%s, %s, %s::jsonb, %s) ON CONFLICT (provider_id, model_id) "
                    "DO NOTHING RETURNING provider_id, model_id",
                    [(*k, *encode_cells(cells)) for k, cells in inserts.items()],
                    returning=True,
                )
                created = {(p, m) for p, m in _returned(cur)}
                for key in inserts:
                    if key not in created:  # created meanwhile by another writer: merge again
                        saved.pop(key, None)
                        outcome.conflicts.append((*key, asked[key]))
                outcome.created = len(created)
            if updates:
                cur.executemany(
                    "UPDATE models SET cells = %s::jsonb, cells_text = %s, updated_at = now() "
                    "WHERE provider_id = %s AND model_id = %s",
                    [(*encode_cells(cells), *k) for k, cells in updates.items()],
                )
                outcome.updated = len(updates)
            outcome.saved_rows = len(saved)  # less the rows another writer created meanwhile
            for events in saved.values():
                keep.extend(events)
            outcome.events_written = self._insert_events(cur, keep)
            if plan.run is not None:
                self._insert_run(cur, plan.run)
            if outcome.created or outcome.updated:
                outcome.version = self._bump(cur)
        return outcome

    def put_raw_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Store cells exactly as given (as a person might have typed them): for import and tests.

        Rows without a usable key are stored under a placeholder key so that the row parser can
        report them on read.
        """
        with self._write() as cur:
            params = []
            for index, cells in enumerate(rows):
                provider = str(cells.get("Provider ID") or f"?row-{index}")
                model = str(cells.get("Model ID") or f"?row-{index}")
                params.append(
                    (key_text(provider), key_text(model), *encode_cells(cells, default=str))
                )
            cur.executemany(
                "INSERT INTO models (provider_id, model_id, cells, cells_text) "
                "VALUES (%s, %s, %s::jsonb, %s) ON CONFLICT (provider_id, model_id) DO UPDATE "
                "SET cells = EXCLUDED.cells, cells_text = EXCLUDED.cells_text, updated_at = now()",
                params,
            )

    # --- history and runs -------------------------------------------------------------------

    def append_events(self, events: Sequence[HistoryEvent]) -> int:
        if not events:
            return 0
        with self._write() as cur:
            return self._insert_events(cur, events)

    @staticmethod
    def _insert_events(cur: psycopg.Cursor[Any], events: Sequence[HistoryEvent]) -> int:
        if not events:
            return 0
        cur.executemany(
            "INSERT INTO history_events "
            "(event_key, provider_id, model_id, kind, at, run_id, source, actor, detail) "
            "VALUES (%s, %s, %s, %s, %s::timestamptz, %s, %s, %s, %s::jsonb) "
            "ON CONFLICT (event_key) DO NOTHING RETURNING 1",
            [
                (
                    event.event_key,
                    event.provider_id,
                    event.model_id,
                    event.kind,
                    format_datetime(event.at),
                    event.run_id,
                    event.source,
                    event.actor,
                    _strict_dumps(event.detail, default=str),
                )
                for event in events
            ],
            returning=True,
        )
        return sum(1 for _ in _returned(cur))

    def list_events(
        self,
        provider_id: str | None = None,
        model_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[HistoryEvent]:
        query, params = events_query(
            provider_id, model_id, since, limit, mark="%s", since_mark="%s::timestamptz"
        )
        return events_from_rows(self._read(query.encode(), params))

    def record_run(self, run: DiscoveryRun) -> None:
        with self._write() as cur:
            self._insert_run(cur, run)

    @staticmethod
    def _insert_run(cur: psycopg.Cursor[Any], run: DiscoveryRun) -> None:
        cur.execute(
            "INSERT INTO discovery_runs (run_id, provider_id, started_at, data) "
            "VALUES (%s, %s, %s::timestamptz, %s::jsonb) ON CONFLICT (run_id) DO UPDATE "
            "SET provider_id = EXCLUDED.provider_id, started_at = EXCLUDED.started_at, "
            "data = EXCLUDED.data",
            (
                run.run_id,
                run.provider_id,
                format_datetime(run.started_at),
                _strict_dumps(run_to_json(run)),
            ),
        )

    def list_runs(
        self, provider_id: str | None = None, limit: int | None = None
    ) -> list[DiscoveryRun]:
        query = "SELECT seq, data FROM discovery_runs"
        params: list[Any] = []
        if provider_id is not None:
            query += " WHERE provider_id = %s"
            params.append(provider_id)
        query += " ORDER BY started_at DESC, seq DESC"
        if limit is not None:
            query += " LIMIT %s"
            params.append(int(limit))
        runs: list[DiscoveryRun] = []
        for seq, data in self._read(query.encode(), params):
            run = run_from_json(data, f"runs:{seq}") if isinstance(data, dict) else None
            if run is not None:
                runs.append(run)
        return runs

    # --- version marker, notifications, health ------------------------------------------------

    def get_version(self) -> str:
        rows = self._read("SELECT value FROM registry_meta WHERE key = 'version'")
        return f"pg:{rows[0][0] if rows else 0}"

    def bump_version(self) -> str:
        with self._write() as cur:
            return self._bump(cur)

    def _bump(self, cur: psycopg.Cursor[Any]) -> str:
        """Move the marker on and ``NOTIFY`` the registry's channel (sent at commit)."""
        cur.execute(
            "UPDATE registry_meta SET value = value + 1 WHERE key = 'version' RETURNING value"
        )
        row = cur.fetchone()
        version = f"pg:{row[0] if row else 0}"
        cur.execute("SELECT pg_notify(%s, %s)", (self.channel, version))
        return version

    def subscribe(self, callback: VersionCallback) -> Callable[[], None]:
        """Call ``callback(version)`` whenever the marker moves on (on any host); returns an
        unsubscribe function.

        The first subscription starts one daemon listener thread with its own connection
        (``LISTEN``); it reconnects with backoff when the server goes away, and on every
        (re)connect reports the current marker, so a write missed meanwhile is not lost.
        :meth:`close` stops it.
        """
        with self._callbacks_lock:
            self._callbacks.append(callback)
            if self._listener is None or not self._listener.is_alive():
                self._stop.clear()
                self._listener = threading.Thread(
                    target=self._listen, name=f"registry-listen-{self.schema}", daemon=True
                )
                self._listener.start()

        def unsubscribe() -> None:
            with self._callbacks_lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def wait_listening(self, timeout_s: float = 5.0) -> bool:
        """Whether the listener is connected and listening (waits up to ``timeout_s``)."""
        return self._listening.wait(timeout_s)

    def _fire(self, version: str) -> None:
        if version == self._last_seen:
            return
        self._last_seen = version
        with self._callbacks_lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(version)
            except Exception:  # one subscriber's bug never stops the listener
                log.exception("registry version callback failed")

    def _listen(self) -> None:
        delay = 0.25
        while not self._stop.is_set():
            try:
                with self._connect(autocommit=True) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    row = conn.execute(
                        "SELECT value FROM registry_meta WHERE key = 'version'"
                    ).fetchone()
                    self._listening.set()
                    delay = 0.25
                    self._fire(f"pg:{row[0] if row else 0}")
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.25):
                            self._fire(note.payload)
            except Exception as exc:
                self._listening.clear()
                if self._stop.is_set():
                    break
                log.warning(
                    "registry listener lost its connection (%s); retrying in %.1fs",
                    self._scrub(f"{type(exc).__name__}: {exc}"),
                    delay,
                )
            self._listening.clear()
            self._stop.wait(delay)
            delay = min(delay * 2, 10.0)

    def health(self) -> StoreHealth:
        """Reachable (a query), schema (the migrations applied) and writable (a real write of
        the version row, rolled back: a read-only server or a missing grant shows here)."""

        def report(
            reachable: bool, writable: bool, schema_ok: bool, problems: list[str], fix: str | None
        ) -> StoreHealth:
            return StoreHealth(
                name=self.name,
                location=self.location,
                reachable=reachable,
                writable=writable,
                schema_ok=schema_ok,
                problems=problems,
                fix=fix,
            )

        try:
            pool = self._pool_or_raise()
            with pool.connection(timeout=self.connect_timeout_s) as conn:
                try:
                    row = conn.execute(
                        "SELECT max(version) FROM registry_schema_version"
                    ).fetchone()
                    version = int(row[0] or 0) if row else 0
                    conn.execute("SELECT count(*) FROM models").fetchone()
                except psycopg.Error as exc:
                    conn.rollback()
                    return report(
                        True, False, False, [str(self._error(exc, "cannot be read"))], _FIX
                    )
                conn.rollback()
                problems: list[str] = []
                writable = True
                try:
                    with conn.transaction(force_rollback=True):
                        conn.execute("UPDATE registry_meta SET value = value WHERE key = 'version'")
                except psycopg.Error as exc:
                    writable = False
                    problems.append(str(self._error(exc, "is not writable", write=True)))
        except Exception as exc:
            mapped = exc if isinstance(exc, RegistryError) else self._error(exc, "is unreachable")
            return report(False, False, False, [self._scrub(str(mapped))], _FIX)
        ok = version == len(MIGRATIONS)
        if not ok:
            problems.append(f"schema version {version}, expected {len(MIGRATIONS)}")
        fix = None
        if not ok:
            fix = "restart the app: migrations run when the store opens"
        elif not writable:
            fix = "point REGISTRY_DATABASE_URL at the primary, with a user that may write"
        return report(True, writable, ok, problems, fix)

    # --- refresh leases ---------------------------------------------------------------------
    # One row per provider in ``leases``. Every acquire / release runs in one transaction that
    # first takes ``pg_advisory_xact_lock`` on this registry's lease key (so lease changes are
    # serialized across processes and hosts), and judges expiry by the database's clock.

    _LEASE_COLUMNS = (
        "provider_id, holder, token, acquired_at, expires_at, refreshed_by, refreshed_at, "
        "(token IS NOT NULL AND expires_at IS NOT NULL AND expires_at > now())"
    )

    @staticmethod
    def _lease_state(row: Sequence[Any]) -> LeaseState:
        provider, holder, token, acquired, expires, refreshed_by, refreshed_at, live = row
        lease = None
        if live:
            lease = Lease(
                provider_id=provider,
                holder=holder or "?",
                token=token,
                acquired_at=as_utc(acquired or expires),
                expires_at=as_utc(expires),
            )
        return LeaseState(
            provider_id=provider,
            lease=lease,
            refreshed_by=refreshed_by,
            refreshed_at=as_utc(refreshed_at) if refreshed_at else None,
        )

    def _lease_lock(self, cur: psycopg.Cursor[Any]) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ident_hash("lease", self.schema),))

    def acquire_leases(
        self, provider_ids: Sequence[str], holder: str, ttl_s: float, *, token: str
    ) -> dict[str, LeaseState]:
        wanted = list(dict.fromkeys(provider_ids))
        if not wanted:
            return {}
        with self._write("could not take a lease") as cur:
            self._lease_lock(cur)
            cur.executemany(
                "INSERT INTO leases (provider_id) VALUES (%s) ON CONFLICT DO NOTHING",
                [(p,) for p in wanted],
            )
            cur.execute(
                "UPDATE leases SET holder = %s, token = %s, acquired_at = now(), "
                "expires_at = now() + make_interval(secs => %s) "
                "WHERE provider_id = ANY(%s) AND (expires_at IS NULL OR expires_at <= now())",
                (holder, token, float(ttl_s), wanted),
            )
            cur.execute(
                f"SELECT {self._LEASE_COLUMNS} FROM leases WHERE provider_id = ANY(%s)".encode(),
                (wanted,),
            )
            found = {row[0]: self._lease_state(row) for row in cur.fetchall()}
        return {p: found.get(p, LeaseState(p)) for p in wanted}

    def release_leases(self, leases: Sequence[Lease], *, refreshed: bool) -> None:
        if not leases:
            return
        with self._write("could not release a lease") as cur:
            self._lease_lock(cur)
            if refreshed:
                cur.executemany(
                    "UPDATE leases SET expires_at = NULL, token = NULL, holder = NULL, "
                    "refreshed_by = %s, refreshed_at = now() "
                    "WHERE provider_id = %s AND token = %s",
                    [(lease.holder, lease.provider_id, lease.token) for lease in leases],
                )
            else:
                cur.executemany(
                    "UPDATE leases SET expires_at = NULL, token = NULL, holder = NULL "
                    "WHERE provider_id = %s AND token = %s",
                    [(lease.provider_id, lease.token) for lease in leases],
                )

    def lease_states(self, provider_ids: Sequence[str]) -> dict[str, LeaseState]:
        wanted = list(dict.fromkeys(provider_ids))
        if not wanted:
            return {}
        rows = self._read(
            f"SELECT {self._LEASE_COLUMNS} FROM leases WHERE provider_id = ANY(%s)".encode(),
            (wanted,),
        )
        found = {row[0]: self._lease_state(row) for row in rows}
        return {p: found.get(p, LeaseState(p)) for p in wanted}

    # --- closing ----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the listener (if any) and close the pool's connections."""
        self._stop.set()
        listener = self._listener
        if listener is not None and listener is not threading.current_thread():
            listener.join(timeout=2.0)
        self._listener = None
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


def _returned(cur: psycopg.Cursor[Any]) -> Iterator[tuple[Any, ...]]:
    """Every row an ``executemany(..., returning=True)`` returned, over all its result sets."""
    while True:
        yield from cur.fetchall()
        if not cur.nextset():
            break
