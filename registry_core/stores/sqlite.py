"""The embedded registry: SQLite (stdlib ``sqlite3``), the default when no Airtable is configured.

Rows keep their cells as JSON in the same shape Airtable returns (empty cells omitted), so both
stores read through one row parser and behave the same. Safe with several processes on one host
(two dashboard replicas plus a cron refresh): WAL journal, a busy timeout, and every write in one
``BEGIN IMMEDIATE`` transaction keyed on (Provider ID, Model ID).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry_core.cells import format_datetime
from registry_core.codecs import (
    EVENT_COLUMNS,
    event_from_row,
    event_to_row,
    run_from_json,
    run_to_json,
)
from registry_core.errors import UnavailableError
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.records import LoadResult, ModelRecord, parse_rows
from registry_core.stores.base import StoreHealth, UpsertResult

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
        """One write transaction, taken up front so concurrent writers queue instead of failing."""
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise UnavailableError(f"the SQLite registry at {self.path} is busy ({exc})") from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

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
        added = 0
        with self._write() as conn:
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
        where: list[str] = []
        params: list[Any] = []
        if provider_id is not None:
            where.append("provider_id = ?")
            params.append(provider_id)
        if model_id is not None:
            where.append("model_id = ?")
            params.append(model_id)
        if since is not None:
            where.append("at >= ?")
            params.append(format_datetime(since))
        sql = (
            "SELECT event_key, provider_id, model_id, kind, at, run_id, source, actor, detail "
            "FROM history_events"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY at DESC, seq DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        rows = self._read(sql, params)
        decoded = (
            event_from_row(dict(zip(EVENT_COLUMNS, row, strict=True)), f"history:{row[0]}")
            for row in rows
        )
        events = [e for e in decoded if e is not None]
        events.reverse()
        return events

    def record_run(self, run: DiscoveryRun) -> None:
        with self._write() as conn:
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
            conn.execute(
                "UPDATE registry_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                "WHERE key = 'version'"
            )
            (value,) = conn.execute(
                "SELECT value FROM registry_meta WHERE key = 'version'"
            ).fetchone()
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

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
