"""The Costs page's CSV download holds exactly the rows of the filtered view, with their costs."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from registry_core.filters import provider_label
from registry_core.frames import is_priced
from registry_core.records import ModelRecord

from .browsing import current_filter, main_caption, open_page
from .stack import Backends, Dashboard

pytestmark = pytest.mark.browser


def _cost(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def _download(page: Any, tmp_path: Path) -> tuple[str, str]:
    pattern = re.compile(r"Download CSV \([\d,]+ rows?\)")
    button = page.get_by_role("button", name=pattern)
    found = pattern.search(button.inner_text())  # the text also holds the icon's ligature
    assert found is not None
    label = found.group(0)
    with page.expect_download() as info:
        button.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename == "ai-models.csv"
    return label, target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"provider": ["openai", "anthropic"], "sort": "cheapest"}, id="two-providers"),
        pytest.param({"status": "deprecated"}, id="deprecated"),
    ],
)
def test_downloaded_csv_holds_exactly_the_filtered_rows_with_their_costs(
    page: Any, dashboard: Dashboard, backends: Backends, tmp_path: Path, params: dict[str, Any]
) -> None:
    open_page(page, dashboard, "costs", params)
    flt = current_filter(page)
    records = backends.records()
    in_view: list[ModelRecord] = flt.apply(records)
    assert 0 < len(in_view) < len(records), "the filter must narrow the registry"
    main_caption(page, flt.describe(len(in_view)))
    # the table, the chart and the CSV hold the priced rows of the view (the rest are counted)
    expected = [r for r in in_view if is_priced(r)]
    main_caption(page, f"The same {len(expected):,} rows as the table above")

    label, text = _download(page, tmp_path)
    assert label == f"Download CSV ({len(expected):,} rows)"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["Provider"], r["Model ID"]) for r in rows] == [
        (provider_label(r.provider_id), r.model_id) for r in expected
    ], "the CSV holds the table's rows, in the view's order"
    priced = 0
    for row, record in zip(rows, expected, strict=True):
        assert _cost(row["Input $/1K"]) == pytest.approx(record.cost_per_1k)
        assert _cost(row["Output $/1K"]) == pytest.approx(record.output_cost_per_1k)
        per_m_in = None if record.cost_per_1k is None else record.cost_per_1k * 1000
        per_m_out = None if record.output_cost_per_1k is None else record.output_cost_per_1k * 1000
        assert _cost(row["Input $/1M"]) == pytest.approx(per_m_in)
        assert _cost(row["Output $/1M"]) == pytest.approx(per_m_out)
        assert row["Status"] == (record.status or "")
        priced += record.cost_per_1k is not None
    assert priced > 0, "the view has priced models, so the cost columns were really compared"
