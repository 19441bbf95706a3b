"""Catalog's reaction to table changes: a SKU that runs out of stock is counted."""
from __future__ import annotations

from chalicelib.core.observability import metrics
from chalicelib.core.stream import Change, on_change


@on_change("Sku")
def sku_changed(change: Change) -> None:
    if change.old and change.new and change.old.number("available") > 0 and change.new.number("available") == 0:
        metrics.add_metric(name="SkuSoldOut", unit="Count", value=1)
