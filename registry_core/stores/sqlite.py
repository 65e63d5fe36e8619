"""The embedded registry: SQLite (stdlib ``sqlite3``), the default when no Airtable is configured.

Rows keep their cells as JSON in the same shape Airtable returns (empty cells omitted), so both
stores read through one row parser and behave the same. Safe with several processes on one host
(two dashboard replicas plus a cron refresh): WAL journal, a busy timeout, and every write in one
``BEGIN IMMEDIATE`` transaction keyed on (Provider ID, Model ID).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry_core.cells import format_datetime
from registry_core.codecs import (
    EVENT_COLUMNS,
    event_to_row,
    events_from_rows,
    events_query,
    run_from_json,
    run_to_json,
)
from registry_core.errors import RegistryError, StoreWriteError, UnavailableError
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.plan import PlanOutcome, WritePlan, apply_cells, events_by_row, resolve_row
from registry_core.records import LoadResult, ModelRecord, parse_row, parse_rows
from registry_core.stores.base import Lease, LeaseState, StoreHealth, UpsertResult

#: Versioned schema migrations; ``PRAGMA user_version`` is the index of the last one applied.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS models (
        provider_id TEXT NOT NULL,
        model_id    TEXT NOT NULL,
        cells       TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (provider_id, model_id)
    );
    CREATE TABLE IF NOT EXISTS history_events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        event_key   TEXT NOT NULL UNIQUE,
        provider_id TEXT NOT NULL,
        model_id    TEXT NOT NULL,
        kind        TEXT NOT NULL,
        at          TEXT NOT NULL,
        run_id      TEXT,
        source      TEXT,
        actor       TEXT,
        detail      TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX IF NOT EXISTS history_by_model ON history_events (provider_id, model_id, at);
    CREATE INDEX IF NOT EXISTS history_by_time ON history_events (at);
    CREATE TABLE IF NOT EXISTS discovery_runs (
        run_id      TEXT PRIMARY KEY,
        provider_id TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        data        TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS runs_by_time ON discovery_runs (started_at);
    CREATE TABLE IF NOT EXISTS registry_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT OR IGNORE INTO registry_meta (key, value) VALUES ('version', '0');
    """,
    # 2: refresh leases, one row per provider (times are Unix seconds; expires_at NULL = free)
    """
    CREATE TABLE IF NOT EXISTS leases (
        provider_id  TEXT PRIMARY KEY,
        holder       TEXT,
        token        TEXT,
        acquired_at  REAL,
        expires_at   REAL,
        refreshed_by TEXT,
        refreshed_at REAL
    );
    """,
)


#: Opens a connection to the registry file: ``(path, busy timeout in seconds)``. It must be in
#: autocommit mode (``isolation_level=None``): the store issues ``BEGIN IMMEDIATE`` itself.
Connect = Callable[[Path, float], sqlite3.Connection]

#: How long health waits for another writer's lock before calling the file busy.
HEALTH_BUSY_S = 1.0

_CORRUPT = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})
_NO_ACCESS = frozenset({"SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN", "SQLITE_AUTH"})


def connect_file(path: Path, timeout_s: float) -> sqlite3.Connection:
    """The default :data:`Connect`: the file itself, read-write, created when missing."""
    return sqlite3.connect(path, timeout=timeout_s, isolation_level=None)


#: What the driver may raise on a write besides RegistryError (translated to StoreWriteError).
_DRIVER_ERRORS = (sqlite3.Error, OSError, UnicodeError, ValueError, TypeError, OverflowError)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    # matched by the driver's error code (Python 3.11+ always sets it), never by the message
    code = getattr(exc, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class SQLiteStore:
    """A :class:`~registry_core.stores.base.RegistryStore` in one SQLite file.

    >>> import tempfile, pathlib
    >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "r.db")
    >>> store.upsert_models([ModelRecord("openai", "gpt-4o")]).created
    1
    >>> [r.model_id for r in store.list_models("openai").records]
    ['gpt-4o']
    """

    name = "sqlite"

    def __init__(
        self, path: Path | str, *, timeout_s: float = 30.0, connect: Connect = connect_file
    ) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self._connect = connect
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise UnavailableError(
                f"the SQLite registry at {self.path} cannot be opened ({exc})",
                hint="check REGISTRY_DB_PATH / REGISTRY_DATA_DIR and the folder's permissions",
            ) from exc

    # --- connections ------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect(self.path, self.timeout_s)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(self.timeout_s * 1000)}")
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so concurrent writers queue instead of failing.

        Whatever the driver raises on the way (``sqlite3`` errors, ``OSError``, a
        ``UnicodeEncodeError`` from a lone surrogate) leaves as :class:`StoreWriteError`.
        """
        try:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise UnavailableError(
                    f"the SQLite registry at {self.path} is busy ({exc})"
                ) from exc
            raise self._write_error(exc) from exc
        except (sqlite3.Error, OSError) as exc:
            raise self._write_error(exc) from exc
        try:
            yield conn
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, RegistryError) or not isinstance(exc, _DRIVER_ERRORS):
                raise
            raise self._write_error(exc) from exc
        else:
            try:
                conn.execute("COMMIT")
            except (sqlite3.Error, OSError) as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise self._write_error(exc) from exc

    def _write_error(self, exc: BaseException) -> StoreWriteError:
        return StoreWriteError(
            f"the write to the SQLite registry at {self.path} failed "
            f"({type(exc).__name__}: {exc}); nothing of it was saved",
            hint="check that the file and its folder are writable and the disk is not full; "
            "the write is retried on the next refresh",
        )

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return list(self._conn().execute(sql, params).fetchall())
        except sqlite3.Error as exc:
            raise UnavailableError(
                f"the SQLite registry at {self.path} cannot be read ({exc})"
            ) from exc

    def _migrate(self) -> None:
        with self._write() as conn:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")

    # --- models -----------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def writable(self) -> bool:
        return True

    def list_models(self, provider_id: str | None = None) -> LoadResult:
        if provider_id is None:
            rows = self._read("SELECT provider_id, model_id, cells FROM models ORDER BY rowid")
        else:
            # whatever case or spaces a person typed the id with, as the Airtable store reads it
            rows = self._read(
                "SELECT provider_id, model_id, cells FROM models "
                "WHERE lower(trim(provider_id)) = ? ORDER BY rowid",
                (provider_id.strip().lower(),),
            )
        raw: list[tuple[str, Mapping[str, Any]]] = []
        for provider, model, cells in rows:
            try:
                loaded = json.loads(cells)
            except ValueError:
                loaded = {"Provider ID": provider, "Model ID": model}
            raw.append((f"{provider}/{model}", loaded))
        return parse_rows(raw)

    def has_rows(self) -> bool:
        """Whether the models table holds any row at all (read or not): one indexed probe."""
        return bool(self._read("SELECT 1 FROM models LIMIT 1"))

    def upsert_models(self, records: Sequence[ModelRecord]) -> UpsertResult:
        result = UpsertResult()
        latest: dict[tuple[str, str], ModelRecord] = {r.key: r for r in records}
        now = format_datetime(datetime.now(UTC))
        with self._write() as conn:
            for (provider, model), record in latest.items():
                cells = json.dumps(
                    record.to_fields(omit_empty=True), sort_keys=True, allow_nan=False
                )
                row = conn.execute(
                    "SELECT cells FROM models WHERE provider_id = ? AND model_id = ?",
                    (provider, model),
                ).fetchone()
                if row is None:
                    conn.execute(
                        "INSERT INTO models (provider_id, model_id, cells, updated_at) "
                        "VALUES (?, ?, ?, ?)",
                        (provider, model, cells, now),
                    )
                    result.created += 1
                elif row[0] != cells:
                    conn.execute(
                        "UPDATE models SET cells = ?, updated_at = ? "
                        "WHERE provider_id = ? AND model_id = ?",
                        (cells, now, provider, model),
                    )
                    result.updated += 1
                else:
                    result.unchanged += 1
        return result

    def apply_plan(self, plan: WritePlan) -> PlanOutcome:
        """Apply ``plan`` in one transaction, each column compared against the row as it is.

        Rows, their events, the run and the version move together or not at all, so no
        journal is needed here.
        """
        outcome = PlanOutcome()
        by_row = events_by_row(plan.events)
        planned = {row.key for row in plan.rows}
        keep: list[HistoryEvent] = list(plan.replay)
        keep += [e for key, evs in by_row.items() if key not in planned for e in evs]
        now = format_datetime(datetime.now(UTC))
        with self._write() as conn:
            for row in plan.rows:
                found = conn.execute(
                    "SELECT cells FROM models WHERE provider_id = ? AND model_id = ?", row.key
                ).fetchone()
                raw: dict[str, Any] | None = None
                current: ModelRecord | None = None
                if found is not None:
                    try:
                        loaded = json.loads(found[0])
                    except ValueError:
                        loaded = None
                    raw = loaded if isinstance(loaded, dict) else {}
                    current = parse_row(raw, row_ref="/".join(row.key)).record
                resolved = resolve_row(row, current, by_row.get(row.key, ()))
                if resolved.saved:
                    keep.extend(resolved.events)
                if not outcome.tally(row, resolved):
                    continue
                cells = json.dumps(
                    apply_cells(raw or {}, resolved.write), sort_keys=True, allow_nan=False
                )
                if found is None:
                    conn.execute(
                        "INSERT INTO models (provider_id, model_id, cells, updated_at) "
                        "VALUES (?, ?, ?, ?)",
                        (*row.key, cells, now),
                    )
                    outcome.created += 1
                else:
                    conn.execute(
                        "UPDATE models SET cells = ?, updated_at = ? "
                        "WHERE provider_id = ? AND model_id = ?",
                        (cells, now, *row.key),
                    )
                    outcome.updated += 1
            outcome.events_written = self._insert_events(conn, keep)
            if plan.run is not None:
                self._insert_run(conn, plan.run)
            if outcome.created or outcome.updated:
                outcome.version = self._bump(conn)
        return outcome

    def put_raw_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Store cells exactly as given (as a person might have typed them): for import and tests.

        Rows without a usable key are stored under a placeholder key so that the row parser can
        report them on read.
        """
        with self._write() as conn:
            for index, cells in enumerate(rows):
                provider = str(cells.get("Provider ID") or f"?row-{index}")
                model = str(cells.get("Model ID") or f"?row-{index}")
                conn.execute(
                    "INSERT OR REPLACE INTO models (provider_id, model_id, cells, updated_at) "
                    "VALUES (?, ?, ?, ?)",
                    (
                        provider,
                        model,
                        json.dumps(dict(cells), default=str),
                        format_datetime(datetime.now(UTC)),
                    ),
                )

    # --- history and runs -------------------------------------------------------------------

    def append_events(self, events: Sequence[HistoryEvent]) -> int:
        if not events:
            return 0
        with self._write() as conn:
            return self._insert_events(conn, events)

    @staticmethod
    def _insert_events(conn: sqlite3.Connection, events: Sequence[HistoryEvent]) -> int:
        added = 0
        for event in events:
            row = event_to_row(event)
            row["detail"] = row["detail"] or "{}"  # the column is NOT NULL
            cursor = conn.execute(
                "INSERT OR IGNORE INTO history_events "
                "(event_key, provider_id, model_id, kind, at, run_id, source, actor, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                tuple(row[c] for c in EVENT_COLUMNS),
            )
            added += cursor.rowcount
        return added

    def list_events(
        self,
        provider_id: str | None = None,
        model_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[HistoryEvent]:
        sql, params = events_query(provider_id, model_id, since, limit)
        return events_from_rows(self._read(sql, params))

    def record_run(self, run: DiscoveryRun) -> None:
        with self._write() as conn:
            self._insert_run(conn, run)

    @staticmethod
    def _insert_run(conn: sqlite3.Connection, run: DiscoveryRun) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO discovery_runs (run_id, provider_id, started_at, data) "
            "VALUES (?, ?, ?, ?)",
            (
                run.run_id,
                run.provider_id,
                format_datetime(run.started_at),
                json.dumps(run_to_json(run), sort_keys=True, allow_nan=False),
            ),
        )

    def list_runs(
        self, provider_id: str | None = None, limit: int | None = None
    ) -> list[DiscoveryRun]:
        sql = "SELECT rowid, data FROM discovery_runs"
        params: list[Any] = []
        if provider_id is not None:
            sql += " WHERE provider_id = ?"
            params.append(provider_id)
        sql += " ORDER BY started_at DESC, rowid DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        runs: list[DiscoveryRun] = []
        for rowid, data in self._read(sql, params):
            try:
                raw = json.loads(data)
            except json.JSONDecodeError:
                raw = None
            run = run_from_json(raw, f"runs:{rowid}") if isinstance(raw, dict) else None
            if run is not None:
                runs.append(run)
        return runs

    # --- version marker, health -------------------------------------------------------------

    def get_version(self) -> str:
        rows = self._read("SELECT value FROM registry_meta WHERE key = 'version'")
        return f"sqlite:{rows[0][0] if rows else 0}"

    def bump_version(self) -> str:
        with self._write() as conn:
            return self._bump(conn)

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> str:
        conn.execute(
            "UPDATE registry_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'version'"
        )
        (value,) = conn.execute("SELECT value FROM registry_meta WHERE key = 'version'").fetchone()
        return f"sqlite:{value}"

    def health(self) -> StoreHealth:
        """Read the file, check its pages, and really try a write (rolled back); never raises.

        A fresh connection is used, so the answer is about the file as it is now (deleted,
        made read-only, corrupted), not about a connection opened while it was fine.
        """
        try:
            return self._health()
        except Exception as exc:  # health never raises
            return self._unhealthy(
                f"the SQLite registry at {self.path} could not be checked ({exc})",
                "check REGISTRY_DB_PATH and the folder's permissions",
            )

    def _health(self) -> StoreHealth:
        if not self.path.exists():
            return self._unhealthy(
                f"the SQLite registry file {self.path} is gone (deleted or moved?)",
                "restore it from a backup, or restart the app to start an empty registry",
            )
        try:
            conn = self._connect(self.path, min(self.timeout_s, HEALTH_BUSY_S))
        except sqlite3.Error as exc:
            return self._unhealthy(*self._explain(exc, "opened"))
        try:
            try:
                (version,) = conn.execute("PRAGMA user_version").fetchone()
                conn.execute("SELECT COUNT(*) FROM models").fetchone()
                (check,) = conn.execute("PRAGMA quick_check(1)").fetchone()
            except sqlite3.Error as exc:
                return self._unhealthy(*self._explain(exc, "read"))
            if check != "ok":
                return self._unhealthy(*self._explain(None, f"checked ({check})"))
            problems: list[str] = []
            fix: str | None = None
            writable = self._can_write(conn, problems)
            if not writable:
                fix = (
                    "make the file, its folder and its -wal/-shm files writable by the app's "
                    "user, or set REGISTRY_DB_PATH to a writable place"
                )
            ok = int(version) == len(MIGRATIONS)
            if not ok:
                problems.append(f"schema version {version}, expected {len(MIGRATIONS)}")
                fix = fix or "restart the app: migrations run when the store opens"
            return StoreHealth(
                name=self.name,
                location=self.location,
                reachable=True,
                writable=writable,
                schema_ok=ok,
                problems=problems,
                fix=fix,
            )
        finally:
            conn.close()

    def _can_write(self, conn: sqlite3.Connection, problems: list[str]) -> bool:
        """Take the write lock and change a row, then roll back: the write SQLite would do."""
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("UPDATE registry_meta SET value = value WHERE key = 'version'")
            finally:
                conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "")
            if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                problems.append(
                    f"the SQLite registry at {self.path} is busy (another process is writing); "
                    "write access was not checked"
                )
                return True
            if name in _CORRUPT:
                problems.append(f"the SQLite registry at {self.path} is corrupted ({exc})")
            else:
                problems.append(f"the SQLite registry at {self.path} is read-only ({exc})")
            return False
        return True

    def _explain(self, exc: sqlite3.Error | None, doing: str) -> tuple[str, str]:
        """The problem and the fix for a file that could not be ``doing`` (opened, read...)."""
        name = getattr(exc, "sqlite_errorname", "") if exc is not None else "SQLITE_CORRUPT"
        said = f" ({exc})" if exc is not None else ""
        if name in _CORRUPT:
            return (
                f"the SQLite registry at {self.path} is corrupted: it could not be {doing}{said}",
                "stop the app, move the file aside (keep it for recovery) and restore a backup, "
                "or restart to start an empty registry",
            )
        if name in _NO_ACCESS:
            return (
                f"the SQLite registry at {self.path} cannot be {doing}: no access{said}",
                "check REGISTRY_DB_PATH and that the app's user may read the file and its folder",
            )
        return (
            f"the SQLite registry at {self.path} could not be {doing}{said}",
            "check REGISTRY_DB_PATH and the folder's permissions",
        )

    def _unhealthy(self, problem: str, fix: str) -> StoreHealth:
        return StoreHealth(
            name=self.name,
            location=self.location,
            reachable=False,
            writable=False,
            schema_ok=False,
            problems=[problem],
            fix=fix,
        )

    # --- refresh leases ---------------------------------------------------------------------
    # One row per provider in ``leases``. Taking a lease is one conditional UPDATE inside a
    # ``BEGIN IMMEDIATE`` transaction: it succeeds only when the row is free or expired, so two
    # processes (on one host, or sharing the file) can never both hold it.

    _LEASE_COLUMNS = (
        "provider_id, holder, token, acquired_at, expires_at, refreshed_by, refreshed_at"
    )

    @staticmethod
    def _lease_state(row: Sequence[Any], now: float) -> LeaseState:
        provider, holder, token, acquired, expires, refreshed_by, refreshed_at = row
        lease = None
        if token is not None and expires is not None and expires > now:
            lease = Lease(
                provider_id=provider,
                holder=holder or "?",
                token=token,
                acquired_at=datetime.fromtimestamp(acquired or now, UTC),
                expires_at=datetime.fromtimestamp(expires, UTC),
            )
        return LeaseState(
            provider_id=provider,
            lease=lease,
            refreshed_by=refreshed_by,
            refreshed_at=datetime.fromtimestamp(refreshed_at, UTC) if refreshed_at else None,
        )

    def acquire_leases(
        self, provider_ids: Sequence[str], holder: str, ttl_s: float, *, token: str
    ) -> dict[str, LeaseState]:
        out: dict[str, LeaseState] = {}
        try:
            with self._write() as conn:
                now = time.time()
                for provider in dict.fromkeys(provider_ids):
                    conn.execute(
                        "INSERT OR IGNORE INTO leases (provider_id) VALUES (?)", (provider,)
                    )
                    conn.execute(
                        "UPDATE leases SET holder = ?, token = ?, acquired_at = ?, expires_at = ? "
                        "WHERE provider_id = ? AND (expires_at IS NULL OR expires_at <= ?)",
                        (holder, token, now, now + ttl_s, provider, now),
                    )
                    row = conn.execute(
                        f"SELECT {self._LEASE_COLUMNS} FROM leases WHERE provider_id = ?",
                        (provider,),
                    ).fetchone()
                    out[provider] = self._lease_state(row, now)
        except sqlite3.Error as exc:
            raise UnavailableError(
                f"the SQLite registry at {self.path} could not take a lease ({exc})"
            ) from exc
        return out

    def release_leases(self, leases: Sequence[Lease], *, refreshed: bool) -> None:
        if not leases:
            return
        try:
            with self._write() as conn:
                now = time.time()
                for lease in leases:
                    if refreshed:
                        conn.execute(
                            "UPDATE leases SET expires_at = NULL, token = NULL, holder = NULL, "
                            "refreshed_by = ?, refreshed_at = ? "
                            "WHERE provider_id = ? AND token = ?",
                            (lease.holder, now, lease.provider_id, lease.token),
                        )
                    else:
                        conn.execute(
                            "UPDATE leases SET expires_at = NULL, token = NULL, holder = NULL "
                            "WHERE provider_id = ? AND token = ?",
                            (lease.provider_id, lease.token),
                        )
        except sqlite3.Error as exc:
            raise UnavailableError(
                f"the SQLite registry at {self.path} could not release a lease ({exc})"
            ) from exc

    def lease_states(self, provider_ids: Sequence[str]) -> dict[str, LeaseState]:
        wanted = list(dict.fromkeys(provider_ids))
        if not wanted:
            return {}
        marks = ", ".join("?" for _ in wanted)
        rows = self._read(
            f"SELECT {self._LEASE_COLUMNS} FROM leases WHERE provider_id IN ({marks})", wanted
        )
        now = time.time()
        found = {row[0]: self._lease_state(row, now) for row in rows}
        return {p: found.get(p, LeaseState(p)) for p in wanted}

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
