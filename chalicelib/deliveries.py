"""An order's delivery timer across features (root assembly): fulfilment completes a shipped order at its
complete_by; an order for pickup whose round refunds uncollected orders is refunded by after-sales instead.

Why a root module: after-sales already depends on checkout (coupons back), checkout on community (selling rounds)
and community on fulfilment (an order arriving at a point), so fulfilment cannot import after-sales without a
cycle; the timer's task is wired here, where both are known.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def complete_shipped_order(event: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The delivery state machine's task (app.py): fulfilment's, with after-sales refunding uncollected orders."""
    from chalicelib.fulfilment.tasks import complete_shipped_order as complete

    return complete(event, now, refund_uncollected)


def refund_uncollected(order_id: str, now: datetime) -> str:
    """"refunded" (an after-sales refund of what is left started), "already" (nothing left: a run before this one,
    or the customer's own requests), or "in_after_sales" (a customer's request is open on a line: it goes its way)."""
    from chalicelib.aftersales.published.uncollected import AfterSalesInProgress
    from chalicelib.aftersales.published.uncollected import refund_uncollected as refund

    try:
        refunded = refund(order_id, now)
    except AfterSalesInProgress:
        return "in_after_sales"
    return "already" if refunded is None else "refunded"
