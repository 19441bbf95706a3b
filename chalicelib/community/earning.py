"""A leader's commission (团长佣金) on the orders picked up at their point, kept in the commission ledger
(chalicelib/commissions, shared with distribution):

- paid: each line earns its round rate (basis points) on what the line paid, rounded down, PENDING until the
  order's return window is known (``NOT_YET_KNOWN``);
- completed (handed over, or kept when nobody collected it): it settles when the no-reason return window closes
  (``returns_until``): the hourly settle-commissions job settles it then;
- refunded by after-sales, in part or whole: reversed exactly (chalicelib/commission_refunds.py, from the
  order's own stream record, so never before the accrual).

Each step is idempotent (the ledger accrues once per order and beneficiary, and reversals are cumulative), so a
redelivered stream record changes nothing.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.commissions.published import NOT_YET_KNOWN, Kind, accrue, settle_at
from chalicelib.community import store_rounds


def on_paid(order_id: str, leader_id: str, round_id: str, lines: list[tuple[str, str, int]], paid_at: datetime,
            now: datetime) -> int:
    """``lines``: (product id, SKU id, fen paid) in the order's line order. The amount accrued (0 when accrued
    before, or when the round's rates are 0)."""
    sold = store_rounds.get_round(round_id, consistent=True)
    if sold is None:
        return 0
    rates = {(line.product_id, line.sku_id): line.commission_bp for line in sold.lines}
    earning = [(n, paid, rates.get((product_id, sku_id), 0)) for n, (product_id, sku_id, paid) in enumerate(lines)]
    return accrue(leader_id, Kind.LEADER, order_id, earning, NOT_YET_KNOWN, now,
                  {"roundId": round_id, "paidAt": paid_at.isoformat()}).amount


def on_completed(order_id: str, returns_until: datetime) -> int:
    return settle_at(order_id, returns_until)


