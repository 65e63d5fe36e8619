"""Discover's changes in people's words: no ``None``/``True``/``['chat']``, added is not changed."""

from __future__ import annotations

from datetime import timedelta

from pages import _ui
from pages._ui.safe import plain
from registry_core.providers.base import DiscoveredModel, ProgressEvent
from registry_core.records import ModelRecord

from .conftest import NOW


def _discovery(models: list[DiscoveredModel]):
    def discover(credential, **kw):
        progress = kw.get("progress")
        if progress:
            progress(ProgressEvent(credential.provider_id, "finished", pages=1, models=len(models)))
        return [m for m in models if m.provider_id == credential.provider_id]

    return discover


def _use(models: list[DiscoveredModel]) -> None:
    from registry_core.service import ModelRegistryService

    discover = _discovery(models)
    _ui.SERVICE_FACTORY = lambda s: ModelRegistryService.from_settings(s, discover=discover)


def test_changed_values_read_as_people_write_them(app, registry, keys) -> None:
    listed_before = ModelRecord(
        "openai",
        "gpt-4o-mini",
        available=True,
        last_verified=NOW - timedelta(days=2),
        discovery_method="api",
        features=("chat",),
        source="provider",
        metadata={"provenance": {"Features": "provider"}, "filled": {"Features": ["chat"]}},
    )
    registry.upsert_models([listed_before])
    registry.bump_version()
    _use(
        [
            DiscoveredModel(
                "openai",
                "gpt-4o-mini",
                features=("chat", "streaming"),
                max_output_tokens=16_384,
            )
        ]
    )
    at = app("discover")
    at.button(key="discover_openai").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    rows = {r["Field"]: (r["Old"], r["New"]) for r in table.to_dict("records")}
    assert rows["Features"] == ("chat", "chat, streaming")
    assert rows["Max Output Tokens"] == ("—", "16,384")
    cells = " ".join(str(v) for v in table.to_numpy().ravel())
    for raw in ("None", "True", "False", "[", "nan"):
        assert raw not in cells, (raw, cells)


def test_a_first_sighting_is_added_only_and_gets_no_status(app, registry, keys) -> None:
    seeded = ModelRecord(
        "openai",
        "o3-catalog",
        model_name="o3",
        available=False,
        discovery_method="fallback",
        source="catalog",
        metadata={"provenance": {"Model Name": "catalog"}},
    )
    registry.upsert_models([seeded])
    registry.bump_version()
    _use([DiscoveredModel("openai", "o3-catalog", features=("chat",), max_tokens=200_000)])
    at = app("discover")
    at.button(key="discover_openai").click().run()
    labels = [plain(e.label) for e in at.expander]
    assert any(
        label.startswith("Changes for OpenAI (default): 1 added, ") and label.endswith(" 0 changed")
        for label in labels
    ), labels
    record = next(r for r in registry.list_models().records if r.model_id == "o3-catalog")
    assert record.available and record.status is None  # Status is people's: not set to active
