"""For community group-buy: orders for pickup (自提) arrive at the leader's point with their round's delivery batch."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from chalicelib.core.clock import iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import update_if
from chalicelib.orders.published.items import ORDER_SK, order_pk
from chalicelib.orders.published.kinds import OrderState
from chalicelib.orders.published.terms import order_terms

__all__ = ["arrived_at_point"]


def arrived_at_point(order_ids: Iterable[str], delivered_at: datetime) -> list[str]:
    """Each order for pickup still TO_SHIP → SHIPPED (at the point): shipped_at = ``delivered_at``, no carrier or
    tracking number, complete_by = delivered_at + the pickup_collect term. An order held by an after-sales request
    arrives too (its goods are in the batch), but cannot be handed over while held; an order moved on stays. One
    BatchGetItem (per 100 orders) and one conditional UpdateItem per order still TO_SHIP: a redelivered batch moves
    nothing twice. The ids of the orders this call moved."""
    shipped_at = delivered_at.replace(microsecond=0)
    complete_by = shipped_at + timedelta(seconds=order_terms().pickup_collect_seconds)
    moved = []
    for item in batch_get((order_pk(order_id), ORDER_SK) for order_id in order_ids):
        if getattr(item, "pickup", None) is None or item.state != OrderState.TO_SHIP.value:
            continue
        kind = type(item)
        if update_if(item, [kind.state.set(OrderState.SHIPPED.value), kind.shipped_at.set(iso(shipped_at)),
                            kind.complete_by.set(iso(complete_by))],
                     (kind.state == OrderState.TO_SHIP.value) & kind.pickup.exists()):
            moved.append(item.order_id)
    return moved
