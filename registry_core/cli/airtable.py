"""``python -m registry_core setup-airtable [--dry-run]``: create the Airtable tables."""

from __future__ import annotations

import argparse
from typing import Any

from registry_core.cli.terminal import echo
from registry_core.config import Settings


def _cmd_setup_airtable(args: argparse.Namespace) -> int:
    from registry_core.airtable_setup import run_setup  # pyairtable: only for this command

    settings = Settings.from_env()
    report = run_setup(settings.airtable, dry_run=args.dry_run)
    for line in report.lines():
        echo(line)
    return 1 if report.plan.problems else 0


def add_parser(subparsers: Any) -> None:
    """Register ``setup-airtable`` on the CLI's sub-command parsers."""
    parser = subparsers.add_parser(
        "setup-airtable",
        help="create the three Airtable tables (or add missing fields and options)",
        description="Create the AI Model Registry, History and Discovery Runs tables in the base "
        "named by AIRTABLE_BASE_ID, or add only the fields and select options they lack. Never "
        "changes existing rows. Needs a token with the schema.bases:read and schema.bases:write "
        "scopes.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change, change nothing"
    )
    parser.set_defaults(handler=_cmd_setup_airtable)
