"""The delivery state machine's task (infra/statemachines/delivery.asl.json):
``complete_shipped_order`` at the order's complete_by completes it if it is still SHIPPED.
Time decides, the timer only cleans up: the task re-checks complete_by (``NotYet`` if it woke
early, which the machine retries) and its write is conditional on the state, so a buyer's
confirmation first, or a second run, changes nothing."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.core.clock import NotYet, utc_now
from chalicelib.core.observability import flush_metrics
from chalicelib.fulfilment import service

__all__ = ["NotYet", "complete_shipped_order"]


def complete_shipped_order(event: Mapping[str, Any], now: datetime | None = None,
                           refund_uncollected: Callable[[str, datetime], str] | None = None) -> dict[str, Any]:
    """{orderId, completeBy} → {"orderId", "outcome": completed | already | not_shipped | unknown, or for an order
    for pickup its round refunds when uncollected, ``refund_uncollected``'s outcome}."""
    order_id = event["orderId"]
    try:
        outcome = service.complete_when_due(order_id, now or utc_now(), refund_uncollected)
    finally:
        flush_metrics()
    return {"orderId": order_id, "outcome": outcome}
