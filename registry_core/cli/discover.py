"""``python -m registry_core discover PROVIDER``: list a provider's models with provenance.

Prints the normalised models as a table (each value marked with where it came from:
``p`` provider, ``c`` catalog, ``i`` inferred) or as JSON with ``--json``. Credentials come from
the environment (``OPENAI_API_KEY`` …, ``REGISTRY_CREDENTIAL__OPENAI__ACME``); a failure prints
one line and exits 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from registry_core import jsonsafe
from registry_core import records as R
from registry_core.cli.terminal import echo, json_text
from registry_core.config import Settings
from registry_core.errors import ConfigError, RegistryError
from registry_core.flight import run_sync
from registry_core.providers import (
    PROVIDERS,
    VALIDATE_MODES,
    Credential,
    DiscoveredModel,
    ProgressEvent,
    credentials_from_env,
    discover_provider,
)

_MARK = {"provider": "p", "catalog": "c", "inferred": "i"}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``discover`` on the main command line (``handler`` returns the exit status)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "discover",
        help="list one provider's models, normalised, with where each value came from",
        description="Ask a provider which models it serves and print them normalised. "
        "Values are marked p (provider), c (catalog) or i (inferred).",
    )
    parser.add_argument(
        "provider",
        choices=sorted(PROVIDERS),
        metavar="PROVIDER",
        help="one of: " + ", ".join(PROVIDERS),
    )
    parser.add_argument("--base-url", help="override the provider's base URL")
    parser.add_argument(
        "--validate",
        choices=VALIDATE_MODES,
        default="none",
        help="none (default), retrieve (free per-model check) or probe "
        "(1-token chat request per model: costs money)",
    )
    parser.add_argument(
        "--credential",
        default="default",
        metavar="NAME",
        help="which named credential (REGISTRY_CREDENTIAL__<PROVIDER>__<NAME>)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--no-catalog",
        action="store_true",
        help="do not fill missing values from the bundled catalog",
    )
    parser.set_defaults(handler=run)
    return parser


def pick_credential(
    env: Mapping[str, Any], provider: str, name: str, base_url: str | None
) -> Credential:
    """The credential to use, or a :class:`ConfigError` saying which variable to set."""
    spec = PROVIDERS[provider]
    found = [c for c in credentials_from_env(env) if c.provider_id == provider]
    chosen = next((c for c in found if c.name == name), None)
    if chosen is None:
        if spec.key_required or name != "default":
            where = (
                " or ".join(spec.key_env)
                if name == "default"
                else f"REGISTRY_CREDENTIAL__{provider.upper()}__{name.upper()}"
            )
            names = ", ".join(c.name for c in found) or "none"
            raise ConfigError(
                f"no {spec.display_name} credential named {name!r} (configured: {names})",
                provider=provider,
                hint=f"set {where}",
            )
        chosen = Credential(provider, name)
    if base_url:
        chosen = dataclasses.replace(chosen, base_url=base_url)
    return chosen


def _cell(model: DiscoveredModel, attr: str, text: str) -> str:
    if not text:
        return ""
    origin = model.provenance.get(R.FIELD_NAMES.get(attr, ""), "")
    mark = _MARK.get(origin)
    return f"{text} ({mark})" if mark else text


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


def format_models(models: Sequence[DiscoveredModel]) -> str:
    """A plain-text table of discovered models with provenance marks."""
    header = (
        "MODEL",
        "NAME",
        "CONTEXT",
        "MAX OUT",
        "IN $/1K",
        "OUT $/1K",
        "FEATURES",
        "STATUS",
        "RETIRES",
        "VERIFIED",
    )
    rows = [header]
    for m in models:
        status = m.status_hint or ""
        if m.alias_of:
            status = (status + " " if status else "") + f"alias of {m.alias_of}"
        rows.append(
            (
                m.model_id,
                _cell(m, "model_name", m.model_name or ""),
                _cell(m, "max_tokens", f"{m.max_tokens:,}" if m.max_tokens else ""),
                _cell(
                    m,
                    "max_output_tokens",
                    f"{m.max_output_tokens:,}" if m.max_output_tokens else "",
                ),
                _cell(m, "cost_per_1k", _money(m.cost_per_1k)),
                _cell(m, "output_cost_per_1k", _money(m.output_cost_per_1k)),
                _cell(m, "features", ",".join(m.features)),
                status,
                _cell(
                    m, "retirement_date", m.retirement_date.isoformat() if m.retirement_date else ""
                ),
                f"{m.verification.get('outcome', '')}/{m.verification.get('method', '')}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows)


def model_to_json(model: DiscoveredModel) -> dict[str, Any]:
    out = dataclasses.asdict(model)
    for key, value in out.items():
        if isinstance(value, date):
            out[key] = value.isoformat()
    out["features"] = list(model.features)
    return dict(jsonsafe.finite(out))


def run(args: argparse.Namespace, env: Mapping[str, Any] | None = None) -> int:
    """The ``discover`` command. Exit 0 on success, 2 with one line on stderr on failure."""
    env = os.environ if env is None else env
    try:
        settings = Settings.from_env(dict(env))
        credential = pick_credential(env, args.provider, args.credential, args.base_url)

        def progress(event: ProgressEvent) -> None:
            if getattr(args, "verbose", False) and event.stage == "page":
                echo(
                    f"{event.provider_id}: page {event.pages}, {event.models} models",
                    file=sys.stderr,
                )

        models = run_sync(
            discover_provider(
                credential,
                validate=args.validate,
                enrich_from_catalog=not args.no_catalog,
                allow_http=settings.allow_http_hosts,
                allowed_private_hosts=settings.allowed_private_hosts,
                progress=progress,
                deadline_s=settings.discovery_deadline_s,
            )
        )
    except RegistryError as exc:
        echo(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        echo(json_text([model_to_json(m) for m in models], indent=2))
    else:
        echo(format_models(models))
        echo(
            f"\n{len(models)} models from {credential.label}  "
            "(p = provider, c = catalog, i = inferred)"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m registry_core.cli.discover")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    args = parser.parse_args(["discover", *(argv if argv is not None else sys.argv[1:])])
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
