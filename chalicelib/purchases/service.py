"""Recording what was bought, from the orders' changes (stream_handlers.py)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from chalicelib.core.errors import ValidationFailed
from chalicelib.purchases import store
from chalicelib.purchases.store import PaidOrder

HISTORY_PAGE = 50


def on_order_paid(user_id: str, order_id: str, product_id: str, paid_at: datetime, amount: int) -> bool:
    """An order was paid: its product counts as bought by the user (a review of it
    shows "verified purchase") and it joins the order history. Once per order: a
    redelivered record returns False."""
    _require_ids(user_id, order_id, product_id)
    if amount < 0:
        raise ValidationFailed("a paid amount is never negative")
    return store.record_purchase(user_id, order_id, product_id, paid_at, amount)


def on_order_of_products_paid(user_id: str, order_id: str, product_ids: Sequence[str], paid_at: datetime,
                              amount: int) -> bool:
    """A regular order (one merchant's lines) was paid: each of its products counts as bought,
    the order joins the history once. A redelivered record returns False."""
    _require_ids(user_id, order_id, *product_ids)
    if not product_ids:
        raise ValidationFailed("an order has at least one product")
    if amount < 0:
        raise ValidationFailed("a paid amount is never negative")
    return store.record_purchase_of_products(user_id, order_id, product_ids, paid_at, amount)


def on_order_refunded(user_id: str, order_id: str, product_id: str) -> bool:
    """An order was refunded: it no longer counts. Once per order, and only if it was
    counted (a refund of an order never paid changes nothing)."""
    _require_ids(user_id, order_id, product_id)
    return store.cancel_purchase(user_id, order_id, product_id)


def on_order_partly_refunded(user_id: str, order_id: str, kept: int) -> bool:
    """Part of a paid order was refunded: it counts for what the customer kept."""
    _require_ids(user_id, order_id, "-")
    return store.keep_amount(user_id, order_id, max(0, kept))


def paid_orders_newest_first(user_id: str) -> Iterator[PaidOrder]:
    """Every paid order not refunded, newest first, read a page at a time as the caller goes on."""
    after = None
    while True:
        page = store.paid_orders_page(user_id, HISTORY_PAGE, after)
        yield from page.items
        if not page.has_more or page.end is None:
            return
        after = page.end


def _require_ids(*values: str) -> None:
    if not all(isinstance(v, str) and v for v in values):
        raise ValidationFailed("user, order and product ids are required")
