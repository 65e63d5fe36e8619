"""A minimal Streamlit client: ``streamlit run app.py`` in a subprocess, and sessions that talk to
it over its websocket exactly as a browser tab does (BackMsg ``rerun_script`` in, ForwardMsg
deltas out), so many sessions can run at once without a browser.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StreamlitServer:
    """``streamlit run app.py`` on a free loopback port, stopped (by its own pid) on exit."""

    def __init__(self, env: Mapping[str, str], *, log_path: Path) -> None:
        self.port = free_port()
        self.env = dict(env)
        self.log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> StreamlitServer:
        self._log = self.log_path.open("wb")
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/_stcore/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("streamlit did not start within 60 s")

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._proc is not None and self._proc.poll() is None:
            os.kill(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self._proc.pid, signal.SIGKILL)
                self._proc.wait(5)
        self._log.close()


@dataclass
class PageRun:
    """What one script run sent: every element's text, the errors and exceptions among them."""

    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


class Session:
    """One browser tab's websocket session."""

    def __init__(self, url: str, *, timeout: float = 90.0) -> None:
        ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self._ws = connect(ws_url, subprotocols=["streamlit"], max_size=None)  # type: ignore[list-item]
        self.timeout = timeout
        self.pages: dict[str, str] = {}

    def run(self, page: str = "", query: str = "") -> PageRun:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_script_hash = self.pages.get(page, "")
        self._ws.send(msg.SerializeToString())
        out = PageRun()
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"page {page or 'browse'} did not finish in {self.timeout} s")
            fwd = ForwardMsg()
            fwd.ParseFromString(self._ws.recv(timeout=remaining))
            kind = fwd.WhichOneof("type")
            if kind == "navigation":
                self.pages = {
                    p.url_pathname or "": p.page_script_hash for p in fwd.navigation.app_pages
                }
                out.pages = dict(self.pages)
            elif kind == "delta":
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                out.texts.append(str(fwd.delta))
                if which == "exception":
                    out.exceptions.append(f"{element.exception.type}: {element.exception.message}")
                elif which == "alert" and element.alert.format == Alert.ERROR:
                    out.errors.append(element.alert.body)
                elif which == "alert" and element.alert.format == Alert.WARNING:
                    out.warnings.append(element.alert.body)
            elif kind == "script_finished":
                return out

    def close(self) -> None:
        self._ws.close()
