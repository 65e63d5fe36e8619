"""``python -m registry_core models [--provider P] [--json]``: print the registry."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from registry_core.cli.terminal import echo, json_rows
from registry_core.config import Settings
from registry_core.records import ModelRecord


def _money(value: float | None) -> str:
    return "" if value is None else f"${value:.6f}".rstrip("0").rstrip(".")


def _tokens(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def format_table(records: Sequence[ModelRecord]) -> str:
    """A plain-text table of records for terminals."""
    header = ("PROVIDER", "MODEL", "STATUS", "AVAIL", "IN $/1K", "OUT $/1K", "CONTEXT", "SOURCE")
    rows = [header] + [
        (
            r.provider_id,
            r.model_id,
            r.status or "",
            "yes" if r.available else "no",
            _money(r.cost_per_1k),
            _money(r.output_cost_per_1k),
            _tokens(r.max_tokens),
            r.source or "",
        )
        for r in records
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    )


def _cmd_models(args: argparse.Namespace) -> int:
    from registry_core.service import ModelRegistryService

    service = ModelRegistryService.from_settings(Settings.from_env())
    service.ensure_seeded()
    resolution = service.list_models(args.provider)
    records = sorted(resolution.records, key=lambda r: (r.provider_id, r.model_id))
    if args.json:
        echo(json_rows([r.to_dict() for r in records]))
    else:
        echo(format_table(records))
        echo(
            f"\n{len(records)} models from the {resolution.tier} tier"
            + (f" ({service.store.name})" if resolution.tier == "registry" else "")
        )
    for warning in resolution.warnings:
        echo(f"warning: {warning}", file=sys.stderr)
    return 0


def add_parser(subparsers: Any) -> None:
    """Register ``models`` on the CLI's sub-command parsers."""
    models = subparsers.add_parser("models", help="print the registry")
    models.add_argument("--provider", help="only this provider (e.g. openai)")
    models.add_argument("--json", action="store_true", help="print JSON rows")
    models.set_defaults(handler=_cmd_models)
