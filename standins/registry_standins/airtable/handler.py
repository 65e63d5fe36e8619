"""The HTTP side: a ``ThreadingHTTPServer`` whose handler parses requests for :mod:`routes`,
writes the JSON answer, logs the exchange and saves the data file after a change.
"""

from __future__ import annotations

import contextlib
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from registry_standins.airtable import errors
from registry_standins.airtable.limits import LoggedRequest
from registry_standins.airtable.routes import Request, Response, dispatch
from registry_standins.airtable.state import State


class StandInHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], state: State) -> None:
        super().__init__(address, _Handler)
        self.state = state


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer the response so headers and body leave in one segment: unbuffered writes hit
    # Nagle + delayed ACK and cost ~40 ms per keep-alive request.
    wbufsize = 1 << 16
    server: StandInHTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        return  # the request log replaces stderr noise

    def _serve(self) -> None:
        started = time.time()
        state = self.server.state
        split = urlsplit(self.path)
        query = parse_qs(split.query, keep_blank_values=True)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body: Any = None
        response: Response
        try:
            body = json.loads(raw) if raw.strip() else None
        except (ValueError, UnicodeDecodeError):
            exc = errors.invalid_json()
            response = Response(exc.status, exc.body())
        else:
            if not split.path.startswith("/v0/"):
                exc = errors.route_not_found()
                response = Response(exc.status, exc.body())
            else:
                segments = [unquote(s) for s in split.path[4:].split("/")]
                while segments and segments[-1] == "":
                    segments.pop()  # a trailing slash was accepted live (facts §1.1)
                auth = self.headers.get("Authorization") or ""
                token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
                request = Request(self.command, segments, query, body, token, len(self.path))
                response = dispatch(state, request)
        self._write(response)
        error = response.body.get("error") if isinstance(response.body, dict) else None
        state.log.add(
            LoggedRequest(
                method=self.command,
                path=split.path,
                query=query,
                body=body,
                status=response.status,
                time=started,
                base=response.base,
                error_type=error.get("type") if isinstance(error, dict) else error,
                duration_s=time.time() - started,
            )
        )
        if response.changed and response.status == 200:
            state.save()

    def _write(self, response: Response) -> None:
        data = json.dumps(response.body).encode("utf-8")
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
