"""The discovery runner: ``service.discover`` on a worker thread, progress drawn on the page.

Also the wording of a finished run (one line per provider and credential) and the plain dicts the
Discover page keeps in session state.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from pages._ui import safe
from pages._ui.startup import Boot, describe_failure
from registry_core.filters import provider_label
from registry_core.providers.base import ProgressEvent
from registry_core.resolution import RunReport


def credential_labels(b: Boot) -> dict[str, list[str]]:
    """Provider -> names of its configured credentials (never the keys)."""
    out: dict[str, list[str]] = {}
    if b.service is None:
        return out
    try:
        for credential in b.service.credentials():
            out.setdefault(credential.provider_id, []).append(credential.name)
    except Exception as exc:
        st.warning(safe.md("Credentials could not be read: {}", describe_failure(exc)))
    return out


def run_discovery(
    b: Boot, providers: Sequence[str], validate: str, bars: Mapping[str, DeltaGenerator]
) -> list[RunReport]:
    """Run ``service.discover`` on a worker thread, feeding progress bars from this thread.

    Discovery calls its progress callback from its own threads, where Streamlit elements
    cannot be updated; events go through a queue and this (the script's) thread draws them.
    """
    events: queue.Queue[ProgressEvent] = queue.Queue()
    box: dict[str, Any] = {}
    service = b.service
    if service is None:
        return []

    def work() -> None:
        try:
            box["reports"] = service.discover(
                list(providers), trigger="user", validate=validate, progress=events.put
            )
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=work, name="dashboard-discover", daemon=True)
    worker.start()
    while worker.is_alive() or not events.empty():
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            continue
        _draw_progress(bars, event)
    worker.join()
    if "error" in box:
        error = box["error"]
        message = describe_failure(error)
        for bar in bars.values():
            bar.progress(1.0, text=safe.md("failed: {}", message))
        st.error(safe.md("Discovery could not run: {}", message))
        return []
    reports: list[RunReport] = box.get("reports", [])
    for report in reports:
        done = bars.get(report.provider_id)
        if done is not None:
            done.progress(1.0, text=safe.text(report_line(report)))
    return reports


def credential_title(provider_id: str, credential: str) -> str:
    """How the dashboard names a credential everywhere: ``"OpenAI (default)"``.

    ``credential`` is the stored label (``"openai/default"``) or a bare name (``"default"``).
    """
    prefix = f"{provider_id}/"
    name = credential[len(prefix) :] if credential.startswith(prefix) else credential
    return f"{provider_label(provider_id)} ({name or 'default'})"


def report_line(report: RunReport) -> str:
    """One finished run in a line: ``"OpenAI (default): ok, 3 models"``."""
    seen = report.run.models_seen if report.run else 0
    title = credential_title(report.provider_id, report.credential)
    if getattr(report, "save_failed", False):
        return f"{title}: listed {seen}, saved 0 — the registry write failed"
    return f"{title}: {report.outcome}, {seen} models"


def _draw_progress(bars: Mapping[str, DeltaGenerator], event: ProgressEvent) -> None:
    bar = bars.get(getattr(event, "provider_id", ""))
    if bar is None:
        return
    stage = getattr(event, "stage", "")
    models = getattr(event, "models", 0)
    pages = getattr(event, "pages", 0)
    who = event.provider_id
    if stage == "started":
        bar.progress(0.05, text=safe.md("{}: listing…", who))
    elif stage == "page":
        bar.progress(min(0.9, 0.1 + 0.1 * pages), text=safe.md("{}: {} models so far", who, models))
    elif stage == "finished":
        bar.progress(1.0, text=safe.md("{}: {} models listed", who, models))
    elif stage == "failed":
        bar.progress(1.0, text=safe.md("{}: failed — {}", who, event.message or "see below"))


def summarise_reports(reports: Sequence[RunReport]) -> list[dict[str, Any]]:
    """Plain dicts (safe to keep in session state) with the plain-language message and diff."""
    out = []
    for r in reports:
        diff = r.diff.to_dict() if hasattr(r.diff, "to_dict") else {}
        out.append(
            {
                "provider_id": r.provider_id,
                "credential": r.credential,
                "title": credential_title(r.provider_id, r.credential),
                "outcome": r.outcome,
                "save_failed": bool(getattr(r, "save_failed", False)),
                "message": r.message or (str(r.error) if r.error else ""),
                "warnings": list(r.warnings),
                "refused": list(getattr(r, "refused", ())),
                "duplicates": list(getattr(r, "duplicates", ())),
                "item_warnings": list(getattr(r, "item_warnings", ())),
                "diff": {
                    "added": list(diff.get("added", [])),
                    "removed": list(diff.get("removed", [])),
                    "returned": list(diff.get("returned", [])),
                    "missing": list(diff.get("missing", [])),
                    "changed": dict(diff.get("changed", {})),
                },
            }
        )
    return out
