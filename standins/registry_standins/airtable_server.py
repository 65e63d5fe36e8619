"""Entry point of the local Airtable stand-in: ``python -m registry_standins.airtable_server``.

Starts a real HTTP server on loopback that ``pyairtable.Api(token, endpoint_url=url)`` talks to
unchanged, with one fresh empty base; the project's ``setup-airtable`` command creates the
tables through the Meta API. ``--data FILE`` keeps the data across restarts.

    python -m registry_standins.airtable_server --port 8765
    python -m registry_standins.airtable_server --data .registry/airtable-standin.json

The implementation lives in :mod:`registry_standins.airtable`.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from collections.abc import Sequence

from registry_standins.airtable import (
    ALL_SCOPES,
    DEFAULT_BASE_ID,
    DEFAULT_TOKEN,
    FREE_PLAN_RECORD_CAP,
    AirtableStandIn,
)

__all__ = ["ALL_SCOPES", "DEFAULT_BASE_ID", "DEFAULT_TOKEN", "AirtableStandIn", "main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m registry_standins.airtable_server",
        description="Local stand-in of the Airtable Web API for pyairtable (loopback only).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free)")
    p.add_argument(
        "--token", default=DEFAULT_TOKEN, help=f"token to accept (default {DEFAULT_TOKEN})"
    )
    p.add_argument("--base", default=DEFAULT_BASE_ID, help=f"base id (default {DEFAULT_BASE_ID})")
    p.add_argument("--data", default=None, help="JSON file to load from and save to")
    p.add_argument(
        "--rate-limit",
        type=float,
        default=5.0,
        help="requests per second per base before 429s (default 5; 0 = no limit)",
    )
    p.add_argument("--lockout", type=float, default=30.0, help="seconds of 429 after going over")
    p.add_argument(
        "--record-cap",
        type=int,
        default=None,
        help=f"records per base (Free plan: {FREE_PLAN_RECORD_CAP}; default no cap)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not re.fullmatch(r"app[A-Za-z0-9]{14}", args.base):
        print(f"--base {args.base!r} is not a base id (app + 14 letters/digits)", file=sys.stderr)
        return 2
    server = AirtableStandIn(
        host=args.host,
        port=args.port,
        rate_limit=args.rate_limit or None,
        lockout_s=args.lockout,
        record_cap=args.record_cap,
        data_path=args.data,
        token=args.token,
    )
    if args.base not in server.state.bases:
        server.add_base(args.base, record_cap=args.record_cap)
    server.start()  # bind first, so --port 0 prints the port actually chosen
    shown = args.host if args.host != "0.0.0.0" else "127.0.0.1"
    print(
        "Airtable stand-in — local only, data in memory" + (f" + {args.data}" if args.data else "")
    )
    print(f"  AIRTABLE_ENDPOINT_URL=http://{shown}:{server.port}")
    # Only the fixed, documented dev token is shown; a token given on the command line is not.
    shown_token = args.token if args.token == DEFAULT_TOKEN else "<the --token you gave>"
    print(f"  AIRTABLE_API_KEY={shown_token}")
    print(f"  AIRTABLE_BASE_ID={args.base}")
    print("Ctrl-C to stop.", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    server.stop()
    print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
