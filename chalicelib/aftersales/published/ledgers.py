"""What after-sales paid back on each line of an order so far: for features whose figures follow refunds exactly
(a commission)."""
from __future__ import annotations

from chalicelib.aftersales import keys, store
from chalicelib.aftersales.models import AfterSalesLineItem
from chalicelib.core.table.transactions import Transaction

__all__ = ["add_no_open_request", "refunded_by_line", "refunded_units_by_line"]

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


def add_no_open_request(tx: Transaction, order_id: str, label: str) -> None:
    """Into the caller's transaction: no after-sales request is open on any line of the order (labels
    ``<label>:<line>``; refuse with ``prefix=True``). A line nobody asked about has no ledger item, and the check
    passes on a missing item. For what must wait while a refund may still come (a reward after the return window).
    """
    for index in range(CHECKED_LINES):
        tx.condition_check(f"{label}:{index}", AfterSalesLineItem, keys.order_pk(order_id), keys.line_sk(index),
                           AfterSalesLineItem.open_request.does_not_exist())


CHECKED_LINES = 20  # a checkout's orders have at most 20 lines (checkout MAX_LINES), a group-buy order one
