"""A distributor's commission (分销佣金) on an order placed through their link, in the commission ledger
(chalicelib/commissions, shared with community leaders), as a leader's is (community/earning.py):

- paid: each line of the link's product earns the product's rate (at payment) on what it paid, rounded down, for
  the distributor; the distributor's own upstream earns 20 % of that rate on the same lines; nobody further up.
  PENDING until the return window is known (``NOT_YET_KNOWN``). The link's counters (orders, the distributor's
  accrued fen) follow, once per order;
- completed: settles when the return window closes (``settle_at``);
- refunded: reversed in proportion for every beneficiary (chalicelib/commission_refunds.py).

Idempotent: the ledger accrues once per (order, beneficiary), the link counts an order once.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.commissions.published import NOT_YET_KNOWN, Kind, accrue, settle_at
from chalicelib.core.ids import is_share_code
from chalicelib.distribution import rules, store


def on_paid(order_id: str, buyer_id: str, code: str, lines: list[tuple[str, int]], now: datetime) -> int:
    """``lines``: (product id, fen paid) in the order's line order. The distributor's amount (0: nobody earns)."""
    link = store.resolve(code) if is_share_code(code) else None  # the client's text: anything may come
    if link is None:
        return 0
    earning_lines = [(n, paid) for n, (product_id, paid) in enumerate(lines) if product_id == link.product_id]
    if not earning_lines:
        return 0
    rate = store.get_rate(link.product_id, consistent=True)
    distributor = store.get_distributor(link.user_id, consistent=True)
    upstream_id = distributor.upstream_id if distributor else None
    upstream = store.get_distributor(upstream_id, consistent=True) if upstream_id else None
    amount = 0
    source = {"linkCode": code, "productId": link.product_id}
    for user_id, is_upstream, rate_bp in rules.earners(buyer_id, distributor, upstream, rate):
        kind = Kind.UPSTREAM if is_upstream else Kind.DISTRIBUTOR
        accrued = accrue(user_id, kind, order_id, [(n, paid, rate_bp) for n, paid in earning_lines], NOT_YET_KNOWN,
                         now, source).amount
        if not is_upstream:
            amount = accrued
            store.count_order(code, link, order_id, accrued)
    return amount


def on_completed(order_id: str, returns_until: datetime) -> int:
    return settle_at(order_id, returns_until)
