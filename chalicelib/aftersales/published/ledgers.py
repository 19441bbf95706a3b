"""What after-sales paid back on each line of an order so far: for features whose figures follow refunds exactly
(a commission)."""
from __future__ import annotations

from chalicelib.aftersales import keys, store
from chalicelib.aftersales.models import AfterSalesLineItem

__all__ = ["refunded_by_line", "refunded_units_by_line"]

ANY_ORDER_S_LINES = 100  # more than any order holds (a checkout's are at most 20)


def refunded_by_line(order_id: str) -> dict[int, int]:
    """Fen paid back on each line so far, cumulative (lines never refunded are left out): ONE Query."""
    return {i: taken.refunded for i, taken in enumerate(store.line_ledgers(order_id, ANY_ORDER_S_LINES))
            if taken is not None and taken.refunded}


def refunded_units_by_line(order_id: str) -> dict[int, int]:
    """Units paid back on each line so far, cumulative (lines never refunded are left out): ONE Query."""
    return {int(item.index): int(item.refunded_units)
            for item in AfterSalesLineItem.query(keys.order_pk(order_id),
                                                 AfterSalesLineItem.SK.startswith(keys.LINE_PREFIX), consistent_read=True)
            if isinstance(item, AfterSalesLineItem) and item.refunded_units}
