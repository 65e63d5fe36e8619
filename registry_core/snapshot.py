"""The last-known-good snapshot: a local copy of the last good registry read, per provider.

When the registry (say Airtable) is down *and* the process has just restarted, the memory tier is
empty; this file is what still lets the resolver answer with real data instead of the bundled
catalog. It is written atomically (temp file in the same directory + ``os.replace``) so a crash
mid-write leaves the previous snapshot intact, and read defensively: a missing, truncated or
foreign file reads as "no snapshot", never as an error.

File shape (JSON)::

    {"format": 1, "providers": {"openai": {"saved_at": "...Z", "version": "...",
                                           "records": [ModelRecord.to_dict(), ...]}}}
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry_core.records import ModelRecord, format_datetime, record_from_dict

log = logging.getLogger(__name__)

FORMAT = 1


@dataclass(frozen=True, slots=True)
class ProviderSnapshot:
    """One provider's records as last read from the registry."""

    provider_id: str
    saved_at: datetime
    version: str
    records: tuple[ModelRecord, ...]


def _parse_moment(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class SnapshotFile:
    """Reads and updates the snapshot file at ``path``. Thread-safe within a process.

    >>> import tempfile, pathlib
    >>> snap = SnapshotFile(pathlib.Path(tempfile.mkdtemp()) / "snapshot.json")
    >>> snap.save("openai", [ModelRecord("openai", "gpt-4o")], version="v1")
    True
    >>> [r.model_id for r in snap.load("openai").records]
    ['gpt-4o']
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def _read_raw(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.warning("snapshot %s unreadable (%s); ignoring it", self.path, exc)
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            log.warning("snapshot %s is not valid JSON; ignoring it", self.path)
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        providers = data.get("providers")
        return providers if isinstance(providers, dict) else {}

    def load(self, provider_id: str) -> ProviderSnapshot | None:
        """The provider's snapshot, or ``None`` when there is none (or the file is unusable)."""
        with self._lock:
            entry = self._read_raw().get(provider_id)
        if not isinstance(entry, dict):
            return None
        saved_at = _parse_moment(entry.get("saved_at"))
        rows = entry.get("records")
        if saved_at is None or not isinstance(rows, list):
            return None
        records = []
        for row in rows:
            if isinstance(row, dict):
                record = record_from_dict(row)
                if record is not None and record.provider_id == provider_id:
                    records.append(record)
        return ProviderSnapshot(
            provider_id, saved_at, str(entry.get("version") or ""), tuple(records)
        )

    def providers(self) -> list[str]:
        """Provider ids the snapshot holds."""
        with self._lock:
            return sorted(self._read_raw())

    def save(
        self,
        provider_id: str,
        records: Sequence[ModelRecord],
        *,
        version: str,
        saved_at: datetime | None = None,
    ) -> bool:
        """Replace one provider's entry, keeping the others. Returns ``False`` if it could not.

        Failing to write a snapshot must never fail a request, so errors are logged, not raised.
        """
        entry = {
            "saved_at": format_datetime(saved_at or datetime.now(UTC)),
            "version": version,
            "records": [r.to_dict() for r in records],
        }
        with self._lock:
            providers = self._read_raw()
            providers[provider_id] = entry
            payload = json.dumps(
                {"format": FORMAT, "providers": providers},
                ensure_ascii=False,
                sort_keys=True,
                allow_nan=False,
            )
            try:
                self._atomic_write(payload)
            except OSError as exc:
                log.warning("could not write snapshot %s (%s)", self.path, exc)
                return False
        return True

    def _atomic_write(self, payload: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
