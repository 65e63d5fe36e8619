"""Commands of the resolver: ``refresh``, ``check`` and ``recommend``.

Registered into ``python -m registry_core`` by :func:`add_parser`; each handler returns the exit
status.

- ``refresh [--all | PROVIDER …] [--if-older-than 6h] [--json]``: 0 ok, 1 every provider
  failed, 3 a listing could not be saved (see :func:`registry_core.refresh.exit_status`).
  Every line says how many models were listed and how many rows were saved.
- ``check PROVIDER MODEL [--within-days N] [--json]`` (N defaults to the lifecycle window): 0 ok,
  1 deprecated or retiring soon,
  3 unavailable or unknown (2 stays argparse's usage error).
- ``recommend PROVIDER [--feature F] [--json]``: prints the model id; 1 when there is none,
  3 for a provider id this install does not know. Says so (on stderr) when nothing of the
  provider has been verified by a listing yet, as ``check`` does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from registry_core.cli.terminal import echo, json_text
from registry_core.config import Settings, parse_duration
from registry_core.records import FEATURE_OPTIONS
from registry_core.resolution import RunReport

if TYPE_CHECKING:
    from registry_core.feeds import FeedStatus

CHECK_EXIT: dict[str, int] = {
    "ok": 0,
    "deprecated": 1,
    "retiring": 1,
    "unavailable": 3,
    "unknown": 3,
}


def _service() -> Any:
    from registry_core.service import ModelRegistryService

    return ModelRegistryService.from_settings(Settings.from_env())


def report_to_dict(report: RunReport) -> dict[str, Any]:
    """A run report as JSON (no records, no secrets)."""
    return {
        "provider_id": report.provider_id,
        "credential": report.credential,
        "outcome": report.outcome,
        "message": report.message,
        "warnings": list(report.warnings),
        "error_class": report.error.error_class if report.error else None,
        "saved": report.saved,
        "refused": list(report.refused),
        "duplicates": list(report.duplicates),
        "item_warnings": list(report.item_warnings),
        "listed": report.listed,
        "rows_to_save": report.to_save,
        "rows_saved": report.saved_rows,
        "conflicts": [
            {"provider_id": p, "model_id": m, "fields": list(c)} for p, m, c in report.conflicts
        ],
        "save_error_class": report.save_error.error_class if report.save_error else None,
        "run": report.run.to_dict() if report.run else None,
        "diff": report.diff.to_dict(),
    }


def _cmd_refresh(args: argparse.Namespace) -> int:
    from registry_core.feeds import feed_status
    from registry_core.refresh import exit_status, refresh

    if args.all and args.providers:
        echo("error: give --all or provider ids, not both", file=sys.stderr)
        return 2
    older = (
        parse_duration(args.if_older_than, name="--if-older-than") if args.if_older_than else None
    )
    service = _service()
    reports = refresh(service, args.providers or None, if_older_than_s=older, trigger=args.trigger)
    status = exit_status(reports)
    feeds = [f for f in feed_status(service.settings) if f.enabled]
    if args.json:
        echo(
            json_text(
                {
                    "exit_status": status,
                    "runs": [report_to_dict(r) for r in reports],
                    "feeds": [_feed_to_dict(f) for f in feeds],
                },
                indent=2,
                ensure_ascii=True,
            )
        )
        return status
    if not reports:
        echo(
            "nothing to refresh: no provider has a credential configured (set e.g. OPENAI_API_KEY)"
        )
    for report in reports:
        mark = {"ok": "ok", "suspect": "SUSPECT", "failed": "FAILED", "skipped": "skip"}[
            report.outcome
        ]
        if report.save_failed:
            mark = "UNSAVED"
        echo(f"{mark:8} {report.credential:24} {report.message}")
        for warning in report.warnings:
            echo(f"         warning: {warning}")
    for feed in feeds:  # a feed never changes the exit status: its copy in use stays
        first, *rest = feed.lines()
        echo(f"{'feed':8} {feed.feed:24} {first}")
        for line in rest:
            echo(f"         warning: {line}")
    return status


def _feed_to_dict(feed: FeedStatus) -> dict[str, Any]:
    return {
        "feed": feed.feed,
        "in_use": feed.in_use,
        "entries": feed.entries,
        "age_s": feed.age_s,
        "described": feed.described,
        "last_failure_at": feed.last_failure_at.isoformat() if feed.last_failure_at else None,
        "last_failure": feed.last_failure,
        "problem": feed.problem,
    }


def _cmd_check(args: argparse.Namespace) -> int:
    result = _service().check_model(args.provider, args.model, within_days=args.within_days)
    if args.json:
        echo(
            json_text(
                {
                    "provider_id": result.provider_id,
                    "model_id": result.model_id,
                    "state": result.state,
                    "message": result.message,
                    "deprecation_date": result.deprecation_date
                    and result.deprecation_date.isoformat(),
                    "retirement_date": result.retirement_date
                    and result.retirement_date.isoformat(),
                    "successor": result.successor,
                    "days_left": result.days_left,
                    "verified": result.verified,
                },
                indent=2,
                ensure_ascii=True,
            )
        )
    else:
        echo(f"{result.state}: {result.message}")
    return CHECK_EXIT[result.state]


def _known_providers(service: Any) -> list[str]:
    """Provider ids this install knows: its adapters, its settings and the registry's rows."""
    from registry_core.providers import PROVIDERS

    try:
        held = {r.provider_id for r in service.list_models().records}
    except Exception:  # an unreadable registry: the adapters and settings still say enough
        held = set()
    return sorted({*PROVIDERS, *service.settings.providers, *held})


def _cmd_recommend(args: argparse.Namespace) -> int:
    from registry_core.lifecycle import verified_providers

    service = _service()
    known = _known_providers(service)
    if args.provider not in known:
        # the registry is not empty: the provider id is wrong (a typo, or not supported)
        echo(
            f"error: unknown provider {args.provider!r}; known providers: {', '.join(known)}",
            file=sys.stderr,
        )
        return 3
    pick = service.get_recommended_model(args.provider, feature=args.feature)
    verified = args.provider in verified_providers(service.list_models(args.provider).records)
    unverified = (
        f"nothing of {args.provider} has been verified yet: the pick comes from the bundled "
        f"reference catalog, not a listing (run `python -m registry_core refresh "
        f"{args.provider}` with a key set)"
    )
    if args.json:
        echo(
            json_text(
                {
                    "provider_id": pick.provider_id,
                    "model_id": pick.model_id,
                    "reason": pick.reason,
                    "feature": pick.feature,
                    "verified": verified,
                    "warnings": list(pick.warnings) + ([] if verified else [unverified]),
                },
                indent=2,
                ensure_ascii=True,
            )
        )
    elif pick.model_id:
        echo(pick.model_id)
    for warning in pick.warnings if not args.json else ():
        echo(f"warning: {warning}", file=sys.stderr)
    if not verified and not args.json:
        echo(f"warning: {unverified}.", file=sys.stderr)
    return 0 if pick.model_id else 1


def add_parser(subparsers: Any) -> None:
    """Register ``refresh``, ``check`` and ``recommend`` on ``python -m registry_core``."""
    refresh = subparsers.add_parser(
        "refresh",
        help="list providers now and write changes to the registry (for cron / timers)",
        description="Discover providers and write back the changes. Exit status is non-zero "
        "only when every provider failed.",
    )
    refresh.add_argument("providers", nargs="*", metavar="PROVIDER", help="provider ids")
    refresh.add_argument(
        "--all", action="store_true", help="every provider with a credential (the default)"
    )
    refresh.add_argument(
        "--if-older-than",
        metavar="AGE",
        help="skip providers listed successfully within AGE (e.g. 6h, 30m)",
    )
    refresh.add_argument(
        "--trigger", default="cli", choices=("cli", "schedule"), help=argparse.SUPPRESS
    )
    refresh.add_argument("--json", action="store_true", help="print the run reports as JSON")
    refresh.set_defaults(handler=_cmd_refresh)

    check = subparsers.add_parser(
        "check",
        help="may a service call this model? (ok / deprecated / retiring / unavailable / unknown)",
    )
    check.add_argument("provider", metavar="PROVIDER")
    check.add_argument("model", metavar="MODEL")
    check.add_argument(
        "--within-days",
        type=int,
        default=None,
        help="warn when it retires within N days (default: REGISTRY_RETIRING_WITHIN_DAYS, 90)",
    )
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=_cmd_check)

    recommend = subparsers.add_parser("recommend", help="print the model a service should use")
    recommend.add_argument("provider", metavar="PROVIDER")
    recommend.add_argument("--feature", choices=FEATURE_OPTIONS)
    recommend.add_argument("--json", action="store_true")
    recommend.set_defaults(handler=_cmd_recommend)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one of these commands on its own (``python -m registry_core.cli.resolver``)."""
    parser = argparse.ArgumentParser(prog="python -m registry_core")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
