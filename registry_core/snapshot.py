"""The last-known-good snapshot: a local copy of the last good registry read, per provider.

When the registry (say Airtable) is down *and* the process has just restarted, the memory tier is
empty; this file is what still lets the resolver answer with real data instead of the bundled
catalog. It is written atomically (temp file in the same directory + ``os.replace``) so a crash
mid-write leaves the previous snapshot intact, and read defensively: a missing, truncated or
foreign file reads as "no snapshot", never as an error. So does a file that cannot be used at all
(not UTF-8, not JSON, nested too deeply, not a regular file such as ``/dev/zero``, or larger than
:data:`MAX_SNAPSHOT_BYTES`, 64 MiB: the read stops there); :meth:`SnapshotFile.problem` says why,
for the Status page. A path that is not a regular file is never written either.

File shape (JSON)::

    {"format": 1, "providers": {"openai": {"saved_at": "...Z", "version": "...",
                                           "records": [ModelRecord.to_dict(), ...]}}}
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry_core.cells import format_datetime, parse_instant
from registry_core.records import ModelRecord, record_from_dict

log = logging.getLogger(__name__)

FORMAT = 1

#: The largest snapshot file that is read, in bytes. A record takes about 1 KB, so 64 MiB holds
#: the registries this package is built for (a few thousand models) many times over; a bigger
#: file is not a snapshot this package wrote, and reading it unbounded could exhaust memory.
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024


class _Unusable(Exception):
    """The snapshot file exists but cannot be used; the message says why, for people."""

    def __init__(self, message: str, *, not_a_file: bool = False) -> None:
        super().__init__(message)
        self.not_a_file = not_a_file


@dataclass(frozen=True, slots=True)
class ProviderSnapshot:
    """One provider's records as last read from the registry."""

    provider_id: str
    saved_at: datetime
    version: str
    records: tuple[ModelRecord, ...]


class SnapshotFile:
    """Reads and updates the snapshot file at ``path``. Thread-safe within a process.

    >>> import tempfile, pathlib
    >>> snap = SnapshotFile(pathlib.Path(tempfile.mkdtemp()) / "snapshot.json")
    >>> snap.save("openai", [ModelRecord("openai", "gpt-4o")], version="v1")
    True
    >>> [r.model_id for r in snap.load("openai").records]
    ['gpt-4o']
    """

    def __init__(self, path: Path | str, *, max_bytes: int = MAX_SNAPSHOT_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._problem: _Unusable | None = None
        # per provider, per model id: the record last saved and its JSON text, so a refresh
        # that changed 50 of 5,000 records encodes 50 (see :meth:`_records_text`)
        self._encoded: dict[str, dict[str, tuple[ModelRecord, str]]] = {}
        # the file this object wrote last (inode, size, mtime) and each provider's entry text
        self._written: tuple[tuple[int, int, int], dict[str, str]] | None = None

    def _read_bytes(self) -> bytes:
        """The file's bytes, at most ``max_bytes``; :class:`_Unusable` when it cannot be used.

        Opened non-blocking (a FIFO must not hang the page) and checked to be a regular file
        before anything is read (``/dev/zero`` never ends).
        """
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise _Unusable("is not a regular file", not_a_file=True)
            mib, rest = divmod(self.max_bytes, 1024 * 1024)
            too_big = f"is larger than {f'{mib} MiB' if not rest else f'{self.max_bytes} bytes'}"
            if info.st_size > self.max_bytes:
                raise _Unusable(too_big)
            chunks: list[bytes] = []
            total = 0
            while True:
                chunk = os.read(fd, min(1 << 20, self.max_bytes + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                if total > self.max_bytes:  # it grew while being read
                    raise _Unusable(too_big)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def _parse(self) -> dict[str, Any]:
        """The ``providers`` mapping; ``{}`` when there is no file, :class:`_Unusable` if broken."""
        try:
            raw = self._read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise _Unusable(f"could not be read ({exc.strerror or type(exc).__name__})") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Unusable("is not UTF-8 text") from None
        try:
            data = json.loads(text)
        except RecursionError:
            raise _Unusable("is nested too deeply to be a snapshot") from None
        except ValueError:  # JSONDecodeError, and numbers too long to convert
            raise _Unusable("is not valid JSON (truncated or overwritten?)") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise _Unusable(f"is not a registry snapshot (format {FORMAT})")
        providers = data.get("providers")
        if not isinstance(providers, dict):
            raise _Unusable("holds no providers")
        return {k: v for k, v in providers.items() if isinstance(k, str)}

    def _read_raw(self) -> dict[str, Any]:
        try:
            providers = self._parse()
        except _Unusable as exc:
            if str(self._problem) != str(exc):  # once per change, not on every read
                log.warning("snapshot %s %s; ignoring it", self.path, exc)
            self._problem = exc
            return {}
        self._problem = None
        return providers

    def problem(self) -> str | None:
        """Why the snapshot file cannot be used, as a sentence; ``None`` when usable or absent.

        Reads the file now (the Status page's check).
        """
        with self._lock:
            self._read_raw()
            problem = self._problem
        if problem is None:
            return None
        if problem.not_a_file:
            return (
                f"The snapshot path {self.path} is not a regular file: it is neither read nor "
                "written, so there is no last-known-good data. Point REGISTRY_SNAPSHOT_PATH at a "
                "file."
            )
        return (
            f"The snapshot {self.path} {problem}: it is ignored, so there is no last-known-good "
            "data until the next good registry read replaces it."
        )

    def load(self, provider_id: str) -> ProviderSnapshot | None:
        """The provider's snapshot, or ``None`` when there is none (or the file is unusable)."""
        with self._lock:
            entry = self._read_raw().get(provider_id)
        if not isinstance(entry, dict):
            return None
        saved_at = parse_instant(entry.get("saved_at"))
        rows = entry.get("records")
        if saved_at is None or not isinstance(rows, list):
            return None
        records = []
        for row in rows:
            if isinstance(row, dict):
                try:
                    record = record_from_dict(row)
                except Exception as exc:  # one bad row never hides the good ones
                    log.warning("snapshot row of %s unusable: %s", provider_id, type(exc).__name__)
                    continue
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
        stamp = format_datetime(saved_at or datetime.now(UTC))
        with self._lock:
            if not self._replaceable():
                log.warning("snapshot %s is not a regular file; not writing it", self.path)
                return False
            texts = self._entry_texts()
            # the same text json.dumps gives the whole entry (keys sorted, default separators)
            texts[provider_id] = (
                f'{{"records": [{self._records_text(provider_id, records)}], '
                f'"saved_at": {_dumps(stamp)}, "version": {_dumps(version)}}}'
            )
            body = ", ".join(f"{_dumps(pid)}: {texts[pid]}" for pid in sorted(texts))
            payload = f'{{"format": {_dumps(FORMAT)}, "providers": {{{body}}}}}'
            self._written = None
            try:
                self._atomic_write(payload)
            except OSError as exc:
                log.warning("could not write snapshot %s (%s)", self.path, exc)
                return False
            with contextlib.suppress(OSError):
                self._written = (_identity(os.stat(self.path)), texts)
        return True

    def _entry_texts(self) -> dict[str, str]:
        """Each provider's entry as JSON text: from this object's last write when the file is
        still that one (same inode, size and mtime), else read from the file."""
        if self._written is not None:
            try:
                same = _identity(os.stat(self.path)) == self._written[0]
            except OSError:
                same = False
            if same:
                self._problem = None
                return dict(self._written[1])
        return {pid: _dumps(entry) for pid, entry in self._read_raw().items()}

    def _records_text(self, provider_id: str, records: Sequence[ModelRecord]) -> str:
        """The records' JSON texts, comma-joined; a record equal to the one saved last reuses
        its text (records compare field by field in C; encoding one costs ~100 µs)."""
        before = self._encoded.get(provider_id, {})
        now: dict[str, tuple[ModelRecord, str]] = {}
        texts: list[str] = []
        for record in records:
            known = before.get(record.model_id)
            if known is not None and (known[0] is record or known[0] == record):
                text = known[1]
            else:
                text = _dumps(record.to_dict())
            now[record.model_id] = (record, text)
            texts.append(text)
        self._encoded[provider_id] = now
        return ", ".join(texts)

    def _replaceable(self) -> bool:
        # os.replace would put a file in place of a device, FIFO or socket (as root, even
        # /dev/zero); only a regular file, or none, is ever replaced
        try:
            return stat.S_ISREG(os.stat(self.path).st_mode)
        except FileNotFoundError:
            return True
        except OSError:
            return True  # let the write itself fail and say why

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


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _identity(info: os.stat_result) -> tuple[int, int, int]:
    return (info.st_ino, info.st_size, info.st_mtime_ns)
