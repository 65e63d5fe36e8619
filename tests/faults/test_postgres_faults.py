"""PostgreSQL down: nothing listening at all, and the server stopped mid-run.

"Stopped mid-run" is a TCP relay on an OS-assigned port in front of the real test server: the
store works through it, then the relay cuts every connection and stops listening, as a server
that went away does. Reads and writes fail with :class:`UnavailableError`, health says so
without raising, and the resolver answers from the last-known-good snapshot.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

import pytest

from registry_core.config import Settings
from registry_core.errors import UnavailableError
from registry_core.records import ModelRecord
from registry_core.service import ModelRegistryService
from registry_core.stores.postgres import PostgresStore
from registry_standins import postgres as pg
from registry_standins.fake_providers import FakeProviderServer, Fault

from .conftest import fast_discover, ids

pytestmark = pytest.mark.postgres


class Relay:
    """Forwards 127.0.0.1:<free port> to ``target``; :meth:`stop` cuts everything."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                if self.stopped:
                    client.close()
                    upstream.close()
                    return
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.listener.close()
        with self.lock:
            self.stopped = True
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()


@pytest.fixture
def pg_url() -> str:
    reason = pg.unreachable_reason()
    if reason:
        pytest.skip(reason)
    return pg.test_database_url()


@pytest.fixture
def schema(pg_url: str) -> Iterator[str]:
    with pg.fresh_schema(pg_url) as name:
        yield name


def test_nothing_listening_is_a_typed_unavailable_error() -> None:
    free = socket.create_server(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # now nothing listens there
    with pytest.raises(UnavailableError) as caught:
        PostgresStore(f"postgresql://registry:pw-secret@127.0.0.1:{port}/test", connect_timeout_s=1)
    assert "pw-secret" not in str(caught.value) and "REGISTRY_DATABASE_URL" in str(caught.value)


def test_server_stopped_mid_run_falls_back_to_the_snapshot(
    pg_url: str, schema: str, settings: Settings, fake: FakeProviderServer
) -> None:
    parts = urlsplit(pg_url)
    relay = Relay(parts.hostname or "127.0.0.1", parts.port or 5432)
    netloc = (
        f"{parts.username}@127.0.0.1:{relay.port}" if parts.username else f"127.0.0.1:{relay.port}"
    )
    url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    store = PostgresStore(url, schema=schema, connect_timeout_s=1.0, statement_timeout_s=5.0)
    try:
        live = replace(settings, version_check_s=0.0)
        svc = ModelRegistryService.from_settings(live, store=store, discover=fast_discover())
        first = svc.get_available_models("openai")
        assert first.tier == "api" and first.records

        relay.stop()  # the server goes away mid-run
        with pytest.raises(UnavailableError):
            store.list_models()
        with pytest.raises(UnavailableError):
            store.upsert_models([ModelRecord("openai", "new")])
        health = store.health()
        assert not health.reachable and health.problems

        fake.inject("openai", Fault(status=500, body={"error": {"message": "overloaded"}}))
        again = ModelRegistryService.from_settings(live, store=store, discover=fast_discover())
        answer = again.get_available_models("openai", force_refresh=True)
        assert answer.tier == "snapshot", answer.warnings
        assert ids(answer.records) == ids(first.records)
    finally:
        store.close()
        relay.stop()
