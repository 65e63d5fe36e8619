"""Run the catalog corpus (``tests/catalog/data/corpus.json``) through real discovery.

Each provider's documented listing is served by an ``httpx.MockTransport`` to
:func:`registry_core.providers.discover_provider` (adapter, door checks, enrichment: the real
path); every corpus id's row is then compared with what the corpus expects. Used by the
per-id test (``tests/catalog/test_corpus.py``) and by ``bench/catalog.py``.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from registry_core.providers import Credential, DiscoveredModel, discover_provider

CORPUS_PATH = Path(__file__).resolve().parents[2] / "tests" / "catalog" / "data" / "corpus.json"

#: Base URLs for the providers without a default one.
BASE_URLS: dict[str, str] = {
    "azure": "https://acme.openai.azure.com",
    "openai_compatible": "https://llm.example.com/v1",
}


def load_corpus(path: Path = CORPUS_PATH) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _handler(listings: Mapping[str, Any]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/api/show"):
            name = json.loads(request.content or b"{}").get("model")
            shows = listings.get("/api/show", {})
            if name in shows:
                return httpx.Response(200, json=shows[name])
            return httpx.Response(404, json={"error": "model not found"})
        for route, body in listings.items():
            if route != "/api/show" and path == route:
                return httpx.Response(200, json=body)
        return httpx.Response(404, json={"error": {"message": f"no route {path}"}})

    return handle


async def _discover(provider: str, listings: Mapping[str, Any]) -> list[DiscoveredModel]:
    transport = httpx.MockTransport(_handler(listings))
    async with httpx.AsyncClient(transport=transport) as client:
        credential = Credential(provider, secret="sk-corpus-0000", base_url=BASE_URLS.get(provider))
        return list(await discover_provider(credential, client=client))


def discover_corpus(corpus: Mapping[str, Any]) -> dict[tuple[str, str], DiscoveredModel]:
    """Every row discovery makes of the corpus listings, by (provider, model id)."""
    out: dict[tuple[str, str], DiscoveredModel] = {}
    for provider, listings in corpus["listings"].items():
        for model in asyncio.run(_discover(provider, listings)):
            out[(provider, model.model_id)] = model
    return out


# --- comparing ------------------------------------------------------------------------------

PRICE_FIELDS: dict[str, str] = {
    "input_per_1m": "cost_per_1k",
    "output_per_1m": "output_cost_per_1k",
    "cache_read_per_1m": "cache_read_cost_per_1k",
}


def _per_1m(value: float | None) -> float | None:
    return None if value is None else value * 1000


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def mismatches(case: Mapping[str, Any], model: DiscoveredModel | None) -> list[str]:
    """What differs between a corpus case and the row discovery made of it (``[]``: all right)."""
    if model is None:
        return ["no row was made for this id"]
    out: list[str] = []
    want = case["expect"]
    for key, attr in PRICE_FIELDS.items():
        got = _per_1m(getattr(model, attr, None))
        if not _same(got, want.get(key)):
            out.append(f"{key}: got {got!r}, expected {want.get(key)!r}")
    if model.max_tokens != want.get("context"):
        out.append(f"context: got {model.max_tokens!r}, expected {want.get('context')!r}")
    is_chat = "chat" in model.features
    if is_chat != (case["kind"] == "chat"):
        out.append(f"chat flag: got {is_chat}, kind is {case['kind']}")
    entry = case.get("entry")
    # (code before issue 14 kept no catalog entry on a row: nothing to compare there)
    got_entry = (getattr(model, "facts", None) or {}).get("catalog_entry")
    if entry and hasattr(model, "facts") and got_entry != entry:
        out.append(f"catalog entry: got {got_entry!r}, expected {entry!r}")
    return out


def contradictions(model: DiscoveredModel, kind: str | None) -> list[str]:
    """Values that contradict each other or the row's kind (whatever the corpus expects)."""
    out: list[str] = []
    prov = getattr(model, "provenance", {}) or {}
    stated_both = prov.get("Max Tokens") == prov.get("Max Output Tokens") == "provider"
    if (
        model.max_tokens is not None
        and model.max_output_tokens is not None
        and model.max_output_tokens > model.max_tokens
        and not stated_both  # the provider's own word, both limits (Gemini TTS)
    ):
        out.append("output > context")
    free = "free" in model.model_id.lower()
    for attr in PRICE_FIELDS.values():
        if getattr(model, attr, None) == 0 and not free:
            out.append(f"unstated $0 ({attr})")
    if kind is not None and kind != "chat" and "chat" in model.features:
        out.append(f"{kind} flagged chat")
    return out


@dataclass
class CorpusReport:
    """The corpus run: per-id mismatches, contradictions and the coverage figures."""

    cases: int = 0
    providers: int = 0
    chat_knowable: int = 0  # chat ids for which a source gives both an input price and a context
    chat_covered: int = 0  # ... that came out with both, and right
    chat_present: int = 0  # ... that came out with both (right or not)
    chat_unknowable: int = 0  # chat ids no documented source prices or sizes
    wrong: dict[str, list[str]] = field(default_factory=dict)  # "provider/id" -> mismatches
    contradictions: dict[str, list[str]] = field(default_factory=dict)
    listing_contradictions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        return 100.0 * self.chat_covered / self.chat_knowable if self.chat_knowable else 0.0

    @property
    def contradiction_count(self) -> int:
        return sum(len(v) for v in self.contradictions.values()) + sum(
            len(v) for v in self.listing_contradictions.values()
        )


def evaluate(
    corpus: Mapping[str, Any], rows: Mapping[tuple[str, str], DiscoveredModel]
) -> CorpusReport:
    report = CorpusReport()
    kinds = {(c["provider"], c["id"]): c["kind"] for c in corpus["models"]}
    report.cases = len(corpus["models"])
    report.providers = len({c["provider"] for c in corpus["models"]})
    for case in corpus["models"]:
        ref = f"{case['provider']}/{case['id']}"
        model = rows.get((case["provider"], case["id"]))
        wrong = mismatches(case, model)
        if wrong:
            report.wrong[ref] = wrong
        if model is not None:
            stated = [w for w in wrong if _stated_by_listing(w, model)]
            if stated:
                report.listing_contradictions[ref] = stated
        if case["kind"] != "chat":
            continue
        want = case["expect"]
        if want.get("input_per_1m") is None or want.get("context") is None:
            report.chat_unknowable += 1
            continue
        report.chat_knowable += 1
        if model is not None and model.cost_per_1k is not None and model.max_tokens is not None:
            report.chat_present += 1
            if not any(w.startswith(("input_per_1m", "context")) for w in wrong):
                report.chat_covered += 1
    for key, model in rows.items():
        found = contradictions(model, kinds.get(key))
        if found:
            report.contradictions[f"{key[0]}/{key[1]}"] = found
    return report


_FIELD_PROVENANCE = {
    "input_per_1m": "Cost per 1K tokens",
    "output_per_1m": "Output Cost per 1K tokens",
    "cache_read_per_1m": "Cache Read Cost per 1K tokens",
    "context": "Max Tokens",
}


def _stated_by_listing(mismatch: str, model: DiscoveredModel) -> bool:
    """A mismatch in a value the provider's listing stated, or a catalog entry other than the
    one the provider pinned: the row contradicts the provider's own listing."""
    key = mismatch.split(":", 1)[0]
    if key == "catalog entry":
        return True
    column = _FIELD_PROVENANCE.get(key)
    return column is not None and model.provenance.get(column) == "provider"


def run_corpus(path: Path = CORPUS_PATH) -> tuple[CorpusReport, dict[tuple[str, str], Any]]:
    corpus = load_corpus(path)
    rows = discover_corpus(corpus)
    return evaluate(corpus, rows), rows
