"""The command line: ``python -m registry_core --help``.

One module per command group in this package (``models``, ``discover``, ``setup-airtable``,
``refresh``/``check``/``recommend``, ``scan``/``alerts``); each registers its commands here with an
``add_parser(subparsers)`` function, and a command's handler returns the process exit status.
Everything they print goes through :mod:`registry_core.cli.terminal`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from registry_core.cli.terminal import TerminalFormatter, echo
from registry_core.errors import RegistryError

#: The modules of this package that register commands (``add_parser(subparsers)``), in help order.
_COMMAND_MODULES: tuple[str, ...] = (
    "models",
    "discover",
    "airtable",
    "resolver",
    "lifecycle",
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. For ``models`` (the first word of ``argv``) only its own module
    is imported: ``models --json`` starts without the provider adapters, httpx or pyairtable."""
    parser = argparse.ArgumentParser(
        prog="python -m registry_core",
        description="AI Model Registry: which models your team can use, what they cost, "
        "and when they go away.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    first = next((a for a in (sys.argv[1:] if argv is None else argv) if a[:1] != "-"), None)
    names = ("models",) if first == "models" else _COMMAND_MODULES
    for name in names:
        module = __import__(f"registry_core.cli.{name}", fromlist=["add_parser"])
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
