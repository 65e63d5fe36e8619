"""The command line: ``python -m registry_core --help``.

Each command group lives next to the code it drives and registers itself here with an
``add_parser(subparsers)`` function; a command's handler returns the process exit status.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from registry_core.config import Settings
from registry_core.errors import RegistryError
from registry_core.records import ModelRecord
from registry_core.terminal import TerminalFormatter, echo, json_rows

#: Modules that register more commands (``add_parser(subparsers)``), next to the code they drive.
_COMMAND_MODULES: tuple[str, ...] = (
    "cli_discover",
    "cli_airtable",
    "cli_resolver",
    "cli_lifecycle",
)


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


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. When ``argv`` names a built-in command (``models``), the
    other command modules are not imported: ``models --json`` starts without the provider
    adapters, httpx or pyairtable."""
    parser = argparse.ArgumentParser(
        prog="python -m registry_core",
        description="AI Model Registry: which models your team can use, what they cost, "
        "and when they go away.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    models = sub.add_parser("models", help="print the registry")
    models.add_argument("--provider", help="only this provider (e.g. openai)")
    models.add_argument("--json", action="store_true", help="print JSON rows")
    models.set_defaults(handler=_cmd_models)

    builtin = sub.choices
    first = next((a for a in (sys.argv[1:] if argv is None else argv) if a[:1] != "-"), None)
    if first in builtin:
        return parser
    for name in _COMMAND_MODULES:
        module = __import__(f"registry_core.{name}", fromlist=["add_parser"])
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()  # log lines carry provider text: made printable too
    handler.setFormatter(TerminalFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, handlers=[handler])
    try:
        return int(args.handler(args))
    except RegistryError as exc:
        echo(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
