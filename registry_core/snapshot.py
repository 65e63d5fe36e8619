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

    {"format": 1, "index": {"openai": {"digest": "...", "version": "..."}},
     "providers": {"openai": {"saved_at": "...Z", "version": "...",
                              "records": [ModelRecord.to_dict(), ...]}}}

(``index`` comes first: each provider's registry version and a digest of its records, so a
process can tell the snapshot already holds what it read without parsing megabytes of records;
readers that do not know it ignore it.)
"""

from __future__ import annotations

import contextlib
import hashlib
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


#: The file starts with a small index, ``{"openai": {"digest": "...", "version": "..."}}``.
_INDEX_PREFIX = b'{"format": %d, "index": ' % FORMAT
_HEAD_BYTES = 64 * 1024


def _records_text(rows: Any) -> str:
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _digest(records_text: str) -> str:
    return hashlib.sha256(records_text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _payload(providers: dict[str, Any], known: dict[str, str]) -> str:
    """The file's text: the format, the index, then the providers (keys sorted).

    ``known`` holds the records text already encoded for a provider (the one being saved).
    """
    index: dict[str, dict[str, Any]] = {}
    parts: list[str] = []
    for pid in sorted(providers):
        entry = providers[pid]
        if not isinstance(entry, dict):
            parts.append(f"{json.dumps(pid, ensure_ascii=False)}: {_records_text(entry)}")
            continue
        records = known.get(pid)
        if records is None:
            records = _records_text(entry.get("records"))
        if "records" in entry and all(k >= "records" for k in entry):
            # {"records": ..., "saved_at": ..., "version": ...}: keys in sorted order, the
            # records (megabytes) encoded once
            rest = _records_text({k: v for k, v in entry.items() if k != "records"})
            body = '{"records": ' + records + (", " + rest[1:] if rest != "{}" else "}")
        else:
            body = _records_text(entry)
        parts.append(f"{json.dumps(pid, ensure_ascii=False)}: {body}")
        index[pid] = {"version": str(entry.get("version") or ""), "digest": _digest(records)}
    head = f"{_INDEX_PREFIX.decode()}{json.dumps(index, sort_keys=True)}"
    return f'{head}, "providers": {{{", ".join(parts)}}}}}'


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

    def _read_bytes(self, limit: int | None = None) -> bytes:
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
            while limit is None or total < limit:
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

        When the file already holds ``provider_id`` at this registry ``version`` (a non-empty
        marker) with the same records (their digest in the index), it is left as it is: a
        command that only reads does not rewrite a 20 MB file on every run.
        """
        rows = [r.to_dict() for r in records]
        records_text = _records_text(rows)
        digest = _digest(records_text)
        with self._lock:
            if not self._replaceable():
                log.warning("snapshot %s is not a regular file; not writing it", self.path)
                return False
            if version and self._indexed(provider_id) == (version, digest):
                return True
            providers = self._read_raw()
            current = providers.get(provider_id)
            if (
                version
                and isinstance(current, dict)
                and current.get("version") == version
                and current.get("records") == rows
            ):
                return True
            providers[provider_id] = {
                "saved_at": format_datetime(saved_at or datetime.now(UTC)),
                "version": version,
                "records": rows,
            }
            payload = _payload(providers, {provider_id: records_text})
            try:
                self._atomic_write(payload)
            except OSError as exc:
                log.warning("could not write snapshot %s (%s)", self.path, exc)
                return False
        return True

    def _indexed(self, provider_id: str) -> tuple[str, str] | None:
        """(version, digest of the records) of ``provider_id`` from the index at the head of
        the file, read without parsing the records; ``None`` when there is no such index."""
        try:
            head = self._read_bytes(limit=_HEAD_BYTES)
        except (OSError, _Unusable):
            return None
        if not head.startswith(_INDEX_PREFIX):
            return None
        try:
            index, _ = json.JSONDecoder().raw_decode(
                head.decode("utf-8", "replace"), len(_INDEX_PREFIX)
            )
        except ValueError:
            return None
        entry = index.get(provider_id) if isinstance(index, dict) else None
        if not isinstance(entry, dict):
            return None
        version, digest = entry.get("version"), entry.get("digest")
        if not isinstance(version, str) or not isinstance(digest, str):
            return None
        return (version, digest)

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
