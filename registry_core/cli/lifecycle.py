"""Lifecycle commands: ``scan`` (a CI gate) and ``alerts`` (a digest before shutdowns).

Registered into ``python -m registry_core`` by :func:`add_parser`; each handler returns the exit
status.

- ``scan PATH… [--provider P] [--within-days N] [--used-by NAME] [--json]``: the registry model
  ids a code tree names, each with its lifecycle state and successor. Exit 1 when any is retired
  or retires within the window (``REGISTRY_RETIRING_WITHIN_DAYS``), else 0. ``--used-by``
  records NAME in the Used By of every model found.
- ``alerts [--json] [--dry-run]``: Used By and Recommended models crossing 90 / 60 / 30 / 7
  days before retirement, or deprecated / retired / unavailable, sent once each (see
  :mod:`registry_core.alerts`). Exit 1 when a webhook failed (the alerts are sent again next run).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from registry_core.cli.terminal import echo, json_text
from registry_core.config import Settings
from registry_core.errors import ConfigError
from registry_core.lifecycle import State, assess_all, today_utc

#: States that fail the scan gate.
FAILING: frozenset[State] = frozenset({State.RETIRED, State.RETIRING})


def _service() -> Any:
    from registry_core.service import ModelRegistryService

    service = ModelRegistryService.from_settings(Settings.from_env())
    service.ensure_seeded()
    return service


def _cmd_scan(args: argparse.Namespace) -> int:
    from registry_core.scan import Matcher, scan_paths

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        echo(f"error: no such path: {', '.join(missing)}", file=sys.stderr)
        return 2
    service = _service()
    window = args.within_days or service.settings.retiring_within_days
    records = [
        r
        for r in service.list_models().records
        if not args.provider or r.provider_id == args.provider
    ]
    result = scan_paths([Path(p) for p in args.paths], Matcher.for_ids(r.model_id for r in records))
    states = assess_all(records, today_utc(), window_days=window)
    found = []
    for record in sorted(records, key=lambda r: (r.model_id, r.provider_id)):
        places = result.hits.get(record.model_id)
        if not places:
            continue
        life = states[record.key]
        found.append(
            {
                "provider_id": record.provider_id,
                "model_id": record.model_id,
                "state": str(life.state),
                "retirement_date": record.retirement_date.isoformat()
                if record.retirement_date
                else None,
                "days_left": life.days_left,
                "successor": record.successor_model,
                "locations": [f"{path}:{line}" for path, line in places],
                "fails": life.state in FAILING,
            }
        )
    status = 1 if any(f["fails"] for f in found) else 0
    recorded = _record_used_by(service, found, args.used_by) if args.used_by else []
    if args.json:
        echo(
            json_text(
                {
                    "exit_status": status,
                    "window_days": window,
                    "files": result.files,
                    "skipped": result.skipped,
                    "models": found,
                    "used_by_recorded": recorded,
                },
                indent=2,
            )
        )
        return status
    for f in found:
        verb = "retired on" if f["state"] == State.RETIRED else "retires"
        when = f" ({verb} {f['retirement_date']})" if f["retirement_date"] else ""
        move = f" -> {f['successor']}" if f["successor"] else ""
        mark = "FAIL" if f["fails"] else "ok  "
        echo(f"{mark} {f['provider_id']}/{f['model_id']}: {f['state']}{when}{move}")
        for where in f["locations"][:5]:
            echo(f"       {where}")
        if len(f["locations"]) > 5:
            echo(f"       … and {len(f['locations']) - 5} more")
    echo(
        f"\n{len(found)} registry models named in {result.files} files "
        f"({result.skipped} skipped as binary, vendored or too large); window {window} days"
    )
    if recorded:
        echo(f"Used By now names {args.used_by} on {len(recorded)} models")
    return status


def _record_used_by(service: Any, found: list[dict[str, Any]], name: str) -> list[str]:
    from registry_core.errors import RegistryError

    done: list[str] = []
    current = {(r.provider_id, r.model_id): r for r in service.list_models().records}
    for f in found:
        record = current.get((f["provider_id"], f["model_id"]))
        if record is None or name in record.used_by:
            continue
        try:
            service.edit_model(
                record.provider_id, record.model_id, {"used_by": [*record.used_by, name]}, "scan"
            )
            done.append(f"{record.provider_id}/{record.model_id}")
        except RegistryError as exc:
            echo(f"warning: Used By not recorded for {f['model_id']}: {exc}", file=sys.stderr)
    return done


def _cmd_alerts(args: argparse.Namespace) -> int:
    from registry_core.alerts import (
        ALERT_KIND,
        SLACK_ENV,
        WEBHOOK_ENV,
        AlertDeliveryError,
        alert_events,
        deliver,
        due_alerts,
    )
    from registry_core.records import utcnow

    service = _service()
    records = service.list_models().records
    sent = [e.event_key for e in service.history() if e.kind == ALERT_KIND]
    alerts = due_alerts(
        records, today_utc(), sent, window_days=service.settings.retiring_within_days
    )
    env = service.settings.env
    try:
        webhook_url = _webhook(env.get(WEBHOOK_ENV), WEBHOOK_ENV, service.settings)
        slack_url = _webhook(env.get(SLACK_ENV), SLACK_ENV, service.settings)
    except ConfigError as exc:
        echo(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        echo(json_text({"alerts": [a.to_dict() for a in alerts]}, indent=2))
    else:
        for alert in alerts:
            echo(alert.message)
        if not alerts:
            echo("no new lifecycle alerts")
    if args.dry_run or not alerts:
        return 0
    try:
        deliver(alerts, webhook_url=webhook_url, slack_url=slack_url)
    except AlertDeliveryError as exc:
        echo(f"error: {exc}", file=sys.stderr)
        return 1
    service.store.append_events(alert_events(alerts, utcnow()))
    return 0


def _webhook(value: str | None, name: str, settings: Settings) -> str | None:
    """An alert webhook URL after the provider base-URL rules (https, no private address unless
    allowed). Only scheme and host are named in an error: a Slack webhook's path is a secret."""
    from urllib.parse import urlsplit

    from registry_core.http import check_url

    url = (value or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    try:
        check_url(
            f"{parts.scheme}://{parts.netloc}/",
            allow_http=settings.allow_http_hosts,
            allowed_private_hosts=settings.allowed_private_hosts,
            what=name,
        )
    except ValueError as exc:
        raise ConfigError(f"{name} is not a URL alerts may be sent to") from exc
    return url


def add_parser(subparsers: Any) -> None:
    """Register ``scan`` and ``alerts`` on ``python -m registry_core``."""
    scan = subparsers.add_parser(
        "scan",
        help="find the model ids a code tree uses and fail when one retires soon (for CI)",
    )
    scan.add_argument("paths", nargs="+", metavar="PATH")
    scan.add_argument("--provider", help="only this provider's ids (e.g. openai)")
    scan.add_argument(
        "--within-days", type=int, help="the window (default REGISTRY_RETIRING_WITHIN_DAYS, 90)"
    )
    scan.add_argument(
        "--used-by", metavar="NAME", help="record NAME in Used By of every model found"
    )
    scan.add_argument("--json", action="store_true")
    scan.set_defaults(handler=_cmd_scan)

    alerts = subparsers.add_parser(
        "alerts", help="send lifecycle alerts for Used By and Recommended models (once each)"
    )
    alerts.add_argument("--json", action="store_true")
    alerts.add_argument("--dry-run", action="store_true", help="print, send and record nothing")
    alerts.set_defaults(handler=_cmd_alerts)
