"""Find the model ids a code tree uses, and say how each one stands (``python -m registry_core scan``).

Every registry model id (aliases are registry ids too) of at least :data:`MIN_ID_LENGTH`
characters is searched for as a whole token in the text files under the given paths: one
translation maps every byte that cannot be part of an id to a space, the file splits into
tokens, and the tokens are intersected with the id set (all in C), so the cost hardly grows with
the number of ids; line numbers are worked out only for files that name an id. Vendored and generated directories
(:data:`SKIPPED_DIRS`), binary files (a NUL byte in the first 8 KiB, or a binary extension) and
files over :data:`MAX_FILE_BYTES` are ignored.

A token is a run of letters, digits and ``_ - . : @ /``; an id must be a whole token (or the
part after a ``/``, or be followed only by a full stop, colon or ``@``), so ``gpt-4o`` is found
in ``model="gpt-4o"``, ``gpt-4o.`` and ``openai/gpt-4o`` but not in ``gpt-4o-mini``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Shorter ids (``o1``, ``o3``) match too much ordinary text to be worth reporting.
MIN_ID_LENGTH = 4
MAX_FILE_BYTES = 2_000_000
SKIPPED_DIRS: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "vendor",
        "third_party",
        "site-packages",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        "dist",
        "build",
        ".registry",
    }
)
BINARY_SUFFIXES: frozenset[str] = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".jar",
        ".so",
        ".dylib",
        ".dll",
        ".exe",
        ".o",
        ".a",
        ".pyc",
        ".whl",
        ".db",
        ".sqlite",
        ".parquet",
        ".woff",
        ".woff2",
        ".ttf",
        ".mp3",
        ".mp4",
        ".mov",
    }
)
#: Bytes that may be part of an id; every other byte separates tokens.
_ID_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:@/")
#: Translation tables: every separator becomes a space; the first also splits on ``/`` (so
#: ``models/gemini-2.0-flash`` yields ``gemini-2.0-flash``), the second keeps it (for ids such
#: as OpenRouter's ``anthropic/claude-3.5-sonnet``).
_SPLIT_SLASH = bytes(b if b in _ID_BYTES and b != ord("/") else 0x20 for b in range(256))
_KEEP_SLASH = bytes(b if b in _ID_BYTES else 0x20 for b in range(256))
#: A full stop, colon or ``@`` after an id ends a sentence or a key; the id still counts.
_TRAILERS = (b".", b":", b"@")


@dataclass(slots=True)
class Matcher:
    """The ids to find as token sets: a file's tokens are intersected with them (all in C:
    ``bytes.translate``, ``bytes.split``, ``frozenset.intersection``)."""

    ids: frozenset[str]
    plain: dict[bytes, bytes] = field(default_factory=dict)  # token (or token + trailer) -> id
    slashed: dict[bytes, bytes] = field(default_factory=dict)

    @classmethod
    def for_ids(cls, ids: Iterable[str]) -> Matcher:
        wanted = frozenset(
            i
            for i in ids
            if len(i) >= MIN_ID_LENGTH and all(b in _ID_BYTES for b in i.encode("utf-8"))
        )
        plain: dict[bytes, bytes] = {}
        slashed: dict[bytes, bytes] = {}
        for model_id in wanted:
            raw = model_id.encode("utf-8")
            table = slashed if b"/" in raw else plain
            table[raw] = raw
            for trailer in _TRAILERS:
                table.setdefault(raw + trailer, raw)
        return cls(wanted, plain, slashed)

    def found_in(self, data: bytes) -> set[bytes]:
        """The ids (as bytes) that occur in ``data`` as whole tokens."""
        hits = {self.plain[t] for t in self.plain.keys() & data.translate(_SPLIT_SLASH).split()}
        if self.slashed and b"/" in data:
            tokens = data.translate(_KEEP_SLASH).split()
            hits.update(self.slashed[t] for t in self.slashed.keys() & tokens)
        return hits

    def find(self, data: bytes) -> Iterator[tuple[str, int]]:
        """``(id, line number)`` for every line of ``data`` naming an id (each id once a line)."""
        hits = self.found_in(data)
        if not hits:
            return
        for number, line in enumerate(data.split(b"\n"), start=1):
            if any(h in line for h in hits):
                for model_id in sorted(hits & self.found_in(line)):
                    yield model_id.decode("utf-8"), number


@dataclass(slots=True)
class ScanResult:
    """Where each id was found: id -> [(path, line), ...], and what was looked at."""

    hits: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    files: int = 0
    skipped: int = 0


def iter_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Text-file candidates under ``paths`` (files given directly are always taken)."""
    for root in paths:
        if root.is_file():
            yield root
            continue
        stack = [str(root)]
        while stack:
            current = stack.pop()
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in SKIPPED_DIRS and not entry.name.endswith(".egg-info"):
                            stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        yield Path(entry.path)
                except OSError:
                    continue


def _readable(path: Path) -> bytes | None:
    if path.suffix.lower() in BINARY_SUFFIXES:
        return None
    try:
        with open(path, "rb", buffering=0) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:8192]:
        return None
    return data


def scan_paths(paths: Sequence[Path], matcher: Matcher) -> ScanResult:
    """Search every readable text file under ``paths``."""
    result = ScanResult()
    for path in iter_files(paths):
        data = _readable(path)
        if data is None:
            result.skipped += 1
            continue
        result.files += 1
        for model_id, line in matcher.find(data):
            result.hits.setdefault(model_id, []).append((str(path), line))
    return result
