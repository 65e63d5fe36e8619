"""The stack a browser test drives: Airtable stand-in, fake providers, and ``streamlit run app.py``.

Everything listens on free ports of 127.0.0.1. The stand-in and the fake providers run as
threads of the test process (so tests can add models or faults at runtime); the dashboard is a
real ``streamlit run`` subprocess pointed at them through its environment, exactly as a person
would start it. Nothing here imports Streamlit or Playwright.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from registry_core.airtable_setup import run_setup
from registry_core.config import Settings
from registry_core.events import HistoryEvent
from registry_core.records import ModelRecord
from registry_core.seed import seed_if_empty
from registry_core.service import ModelRegistryService
from registry_core.stores.airtable import AirtableStore
from registry_standins.airtable_server import DEFAULT_BASE_ID, DEFAULT_TOKEN, AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer

ROOT = Path(__file__).resolve().parents[2]
STREAMLIT = ROOT / ".venv" / "bin" / "streamlit"

#: The providers the dashboard is configured for: enough for real-looking pages, few enough
#: that seeding and discovery stay quick.
PROVIDERS: tuple[str, ...] = ("openai", "anthropic", "google", "mistral")

#: Variables of the developer's shell that must not leak into the dashboard under test.
_FOREIGN_PREFIXES = (
    "AIRTABLE_",
    "REGISTRY_",
    "OPENAI",
    "ANTHROPIC",
    "GEMINI",
    "GOOGLE",
    "STREAMLIT_",
)
_FOREIGN_SUFFIXES = ("_API_KEY", "_BASE_URL", "_API_URL", "_ENDPOINT", "_HOST")


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without credentials, registry settings or Streamlit settings of the shell."""
    return {
        k: v
        for k, v in environ.items()
        if not k.startswith(_FOREIGN_PREFIXES) and not k.endswith(_FOREIGN_SUFFIXES)
    }


@dataclass
class Backends:
    """The stand-in, the fake providers and the environment that points a process at them."""

    standin: AirtableStandIn
    fake: FakeProviderServer
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def settings(self) -> Settings:
        return Settings.from_env(self.env)

    def service(self) -> ModelRegistryService:
        """A fresh service on the registry the dashboard uses (close its store after).

        Its store skips the 5 requests/s pacing owed to the real Airtable: the stand-in has
        no limit here, and the tests' own reads and set-up should not wait.
        """
        settings = self.settings()
        store = AirtableStore(
            DEFAULT_TOKEN,
            DEFAULT_BASE_ID,
            endpoint_url=self.standin.url,
            requests_per_second=500.0,
            lockout_s=0.5,
            timeout=(2.0, 10.0),
        )
        return ModelRegistryService.from_settings(settings, store=store)

    def records(self) -> list[ModelRecord]:
        """Every row of the registry as registry_core reads it, straight from the store."""
        service = self.service()
        try:
            return list(service.store.list_models().records)
        finally:
            service.store.close()

    def events(self, provider_id: str, model_id: str) -> list[HistoryEvent]:
        """One model's history events, oldest first, straight from the store."""
        service = self.service()
        try:
            return list(service.history(provider_id, model_id))
        finally:
            service.store.close()

    def stop(self) -> None:
        self.fake.stop()
        self.standin.stop()


def start_backends(data_dir: Path) -> Backends:
    """Start both doubles, create the Airtable tables, and return the dashboard's environment."""
    standin = AirtableStandIn(rate_limit=None).start()
    fake = FakeProviderServer().start()
    try:
        standin.add_base(DEFAULT_BASE_ID)
        env = clean_environ(os.environ)
        env.update(fake.env(PROVIDERS))
        env.update(
            {
                "AIRTABLE_API_KEY": DEFAULT_TOKEN,
                "AIRTABLE_BASE_ID": DEFAULT_BASE_ID,
                "AIRTABLE_ENDPOINT_URL": standin.url,
                "AIRTABLE_MODE": "write",
                "REGISTRY_DATA_DIR": str(data_dir),
                "REGISTRY_PROVIDERS": ",".join(PROVIDERS),
                # the fake providers speak plain HTTP on loopback
                "REGISTRY_ALLOW_HTTP": "true",
                "REGISTRY_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
                # a write shows up in the dashboard at its next version check
                "REGISTRY_VERSION_CHECK": "1s",
            }
        )
        backends = Backends(standin, fake, data_dir, env)
        run_setup(backends.settings().airtable)
    except BaseException:
        fake.stop()
        standin.stop()
        raise
    return backends


#: Dates a team would have typed into the registry, relative to today (days): deprecation,
#: retirement, successor. They give the Deprecations page something to draw.
LIFECYCLE: dict[tuple[str, str], tuple[int, int, str]] = {
    ("openai", "gpt-4o-mini"): (-60, 25, "gpt-4.1"),
    ("anthropic", "claude-3-5-haiku-20241022"): (-30, 50, "claude-sonnet-4-5-20250929"),
    ("google", "gemini-2.5-flash"): (10, 80, "gemini-flash-latest"),
    ("mistral", "codestral-2405"): (-200, -20, "mistral-medium-latest"),
}
RECOMMENDED: tuple[tuple[str, str], ...] = (
    ("openai", "gpt-4.1"),
    ("openai", "gpt-4o-mini"),
    ("anthropic", "claude-sonnet-4-5-20250929"),
    ("google", "gemini-2.5-pro"),
)
EDITOR = "platform-team@example.com"

#: Models the providers listed once and have since withdrawn, and models that arrived later.
RETIRED: dict[str, tuple[str, ...]] = {
    "openai": ("gpt-4-0613", "gpt-3.5-turbo-0125"),
    "google": ("gemini-1.5-pro-002",),
    "mistral": ("open-mixtral-8x7b",),
}
ARRIVED_LATER: dict[str, tuple[str, ...]] = {
    "openai": ("gpt-4.1", "gpt-4.1-2025-04-14"),
    "anthropic": ("claude-opus-4-6",),
    "google": ("gemini-flash-latest",),
}
#: (days ago, what changes in the providers' listings just before that scheduled discovery).
#: Withdrawn models are marked unavailable after two misses a day apart (the grace period).
TIMELINE: tuple[tuple[float, str], ...] = (
    (56, "first listing: the old models, not yet the new ones"),
    (42, "nothing changes"),
    (35, "the new models arrive"),
    (21, "the old models are withdrawn"),
    (20, "still withdrawn: now marked unavailable"),
    (7, "nothing changes"),
)


def populate(backends: Backends) -> None:
    """Give the registry two months of life, through the product's own code paths.

    Seeded from the catalog 60 days ago; the fake providers listed weekly-ish on a simulated
    clock (old models withdrawn, new ones arriving); then, today, a team member's deprecation
    dates and Recommended flags, and one live listing. The providers end up listing exactly
    their default models, so a test's own discovery sees only what it adds.
    """
    now = datetime.now(UTC)
    clock = [now - timedelta(days=60)]
    service = backends.service()
    timed = ModelRegistryService.from_settings(
        backends.settings(), store=service.store, clock=lambda: clock[0]
    )
    fake = backends.fake
    try:
        seed_if_empty(service.store, backends.settings().providers, now=clock[0])
        defaults = {p: fake.models(p) for p in PROVIDERS}
        for provider, ids in ARRIVED_LATER.items():
            for model_id in ids:
                fake.remove_model(provider, model_id)
        for provider, ids in RETIRED.items():
            for model_id in ids:
                fake.add_model(provider, model_id)
        for days_ago, step in TIMELINE:
            clock[0] = now - timedelta(days=days_ago)
            if step.startswith("the new models arrive"):
                for provider in ARRIVED_LATER:
                    fake.set_models(provider, defaults[provider] + _retired_items(fake, provider))
            elif step.startswith("the old models are withdrawn"):
                for provider in PROVIDERS:
                    fake.set_models(provider, defaults[provider])
            _discover(timed, "schedule")
        _discover(service, "cli")
        _edit_lifecycle(service, now)
    finally:
        service.store.close()


def fresh_install(backends: Backends, *, discover: bool = True) -> None:
    """What a newcomer has after the first start (the catalog seed) and, with ``discover``, one
    listing of every configured provider."""
    service = backends.service()
    try:
        seed_if_empty(service.store, backends.settings().providers)
        if discover:
            _discover(service, "user")
    finally:
        service.store.close()


def _retired_items(fake: FakeProviderServer, provider: str) -> list[dict[str, Any]]:
    ids = set(RETIRED.get(provider, ()))
    return [m for m in fake.models(provider) if str(m.get("id") or m.get("name", "")) in ids]


def _discover(service: ModelRegistryService, trigger: str) -> None:
    reports = service.discover(list(PROVIDERS), trigger=trigger)
    failed = [f"{r.provider_id}: {r.message}" for r in reports if not r.ok]
    if failed:
        raise RuntimeError("discovery against the fake providers failed: " + "; ".join(failed))


def _edit_lifecycle(service: ModelRegistryService, now: datetime) -> None:
    today = now.date()
    known = {r.key for r in service.store.list_models().records}
    edits: dict[tuple[str, str], dict[str, Any]] = {}
    for key, (deprecation, retirement, successor) in LIFECYCLE.items():
        edits.setdefault(key, {}).update(
            deprecation_date=today + timedelta(days=deprecation),
            retirement_date=today + timedelta(days=retirement),
            successor_model=successor,
            status="deprecated" if deprecation <= 0 else "active",
        )
    for key in RECOMMENDED:
        edits.setdefault(key, {})["recommended"] = True
    for (provider_id, model_id), changes in edits.items():
        if (provider_id, model_id) not in known:
            raise RuntimeError(f"{provider_id}/{model_id} is not in the registry to edit")
        service.edit_model(provider_id, model_id, changes, EDITOR)


@dataclass
class Dashboard:
    """A running ``streamlit run app.py`` subprocess."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server and anything it started (its own process group)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_dashboard(env: Mapping[str, str], log_path: Path, timeout_s: float = 60.0) -> Dashboard:
    """Start the dashboard on a free port and wait until ``/_stcore/health`` answers ``ok``."""
    port = free_port()
    command = [
        str(STREAMLIT),
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=dict(env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop() ends the whole tree
    )
    log.close()
    dashboard = Dashboard(process, f"http://127.0.0.1:{port}", log_path)
    try:
        wait_healthy(dashboard, timeout_s)
    except BaseException:
        dashboard.stop()
        raise
    return dashboard


#: Loopback requests never go through a proxy the shell may configure.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def wait_healthy(dashboard: Dashboard, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    health = f"{dashboard.url}/_stcore/health"
    while time.monotonic() < deadline:
        if dashboard.process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with status {dashboard.process.returncode}:\n"
                + dashboard.log_tail()
            )
        try:
            with _DIRECT.open(health, timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"streamlit did not answer {health} within {timeout_s:.0f} s:\n" + dashboard.log_tail()
    )
