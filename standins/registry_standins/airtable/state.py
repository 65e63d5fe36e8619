"""Everything the stand-in knows — bases, tokens, limits, faults, the log — and its JSON form.

One re-entrant lock guards all base data, so every request (an upsert included) is applied
atomically: two clients upserting the same key at once cannot both create it.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry_standins.airtable.limits import FaultInjector, RateLimiter, RequestLog
from registry_standins.airtable.listing import IteratorCache
from registry_standins.airtable.model import Base, FieldDef, Record, Table

ALL_SCOPES: frozenset[str] = frozenset(
    {"data.records:read", "data.records:write", "schema.bases:read", "schema.bases:write"}
)


@dataclass(frozen=True)
class TokenGrant:
    """What a token may do: its scopes, and which bases (``None`` = every base)."""

    scopes: frozenset[str] = ALL_SCOPES
    bases: frozenset[str] | None = None
    user_id: str = "usrLocalStandIn01"

    def can_see(self, base_id: str) -> bool:
        return self.bases is None or base_id in self.bases


@dataclass
class State:
    bases: dict[str, Base] = field(default_factory=dict)
    tokens: dict[str, TokenGrant] = field(default_factory=dict)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    faults: FaultInjector = field(default_factory=FaultInjector)
    log: RequestLog = field(default_factory=RequestLog)
    iterators: IteratorCache = field(default_factory=IteratorCache)
    legacy_not_found: bool = False
    default_record_cap: int | None = None
    data_path: Path | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    _save_lock: threading.Lock = field(default_factory=threading.Lock)

    def save(self) -> None:
        """Write the bases to ``data_path`` (atomically), if one was given."""
        if self.data_path is None:
            return
        with self._save_lock:  # concurrent savers must not interleave on the temp file
            with self.lock:
                text = json.dumps({"bases": [_base_to_json(b) for b in self.bases.values()]})
            tmp = self.data_path.with_name(self.data_path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.data_path)

    def load(self) -> None:
        """Read bases from ``data_path`` if the file exists (a missing file is a fresh start)."""
        if self.data_path is None or not self.data_path.exists():
            return
        payload = json.loads(self.data_path.read_text(encoding="utf-8"))
        with self.lock:
            for raw in payload.get("bases", []):
                base = _base_from_json(raw)
                self.bases[base.id] = base


def _base_to_json(base: Base) -> dict[str, Any]:
    return {
        "id": base.id,
        "name": base.name,
        "record_cap": base.record_cap,
        "tables": [
            {
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "autonumber": t.autonumber,
                "views": t.views,
                "fields": [f.schema() for f in t.fields],
                "records": [
                    {
                        "id": r.id,
                        "createdTime": r.created_time,
                        "modifiedTime": r.modified_time,
                        "cells": r.cells,
                    }
                    for r in t.records.values()
                ],
            }
            for t in base.tables
        ],
    }


def _base_from_json(raw: dict[str, Any]) -> Base:
    base = Base(raw["id"], raw.get("name") or raw["id"], record_cap=raw.get("record_cap"))
    for t in raw.get("tables", []):
        fields = [
            FieldDef(f["id"], f["name"], f["type"], f.get("options"), f.get("description"))
            for f in t["fields"]
        ]
        table = Table(t["id"], t["name"], fields, t["views"], t.get("description"))
        table.autonumber = int(t.get("autonumber", 0))
        for r in t.get("records", []):
            table.records[r["id"]] = Record(
                r["id"], r["createdTime"], dict(r["cells"]), r.get("modifiedTime", "")
            )
        base.tables.append(table)
    return base
