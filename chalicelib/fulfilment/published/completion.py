"""Completing an order inside another feature's transaction: a community leader hands an order for pickup over
(its pickup code and the order move together, or neither)."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core.clock import iso
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.transactions import Transaction
from chalicelib.fulfilment import rules
from chalicelib.fulfilment.store import completion_actions
from chalicelib.orders.published.kinds import OrderState
from chalicelib.orders.published.terms import order_terms

__all__ = ["add_complete"]


def add_complete(tx: Transaction, label: str, item: TableItem, buyer_id: str, now: datetime) -> None:
    """SHIPPED (arrived) → COMPLETED now, on condition that the order is still SHIPPED, ``buyer_id``'s, not held by
    a refund request (until it is decided; for good once the whole order is refunded) and before its
    ``complete_by`` (after it, the delivery timer decides: kept or refunded); the return windows open from now, as
    when a buyer confirms receipt."""
    terms = order_terms()
    kind = type(item)
    tx.update(label, kind(item.PK, item.SK),
              completion_actions(kind, rules.completion(now, terms.no_reason_return_seconds,
                                                        terms.quality_return_seconds)),
              (kind.state == OrderState.SHIPPED.value) & (kind.user_id == buyer_id) & (kind.complete_by > iso(now))
              & kind.after_sales_hold.does_not_exist())
