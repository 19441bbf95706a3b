"""After-sales refunds and points (issue 12): the commands ``published/refunds.py`` offers.

A refund after delivery is partial and may come after the order's points were
released. Its share of the order's points and growth is taken back exactly
(``rules.refunded_share``): cancelled while pending, taken from the lots once
released. Points the buyer has spent since cannot be taken: that shortfall is
**written off, not carried as a debt** (the balance never goes below zero; the entry
records it as ``unrecovered`` and the metric ``PointsUnrecovered`` counts it), because
a negative balance would block every later redemption for a refund the buyer was
owed, and the amounts are small (1 point per ¥1). Each refund posts once per
``refund_id``: a redelivered event or a retried task changes nothing.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.observability import count
from chalicelib.points import refunds_store, rules
from chalicelib.points.refunds_store import PartReversal


def _require_id(value: str, field: str) -> None:
    if not isinstance(value, str) or not value or len(value) > 128:
        raise ValidationFailed("an id of 1 to 128 characters", field)


def reverse_refunded_products(user_id: str, order_id: str, refund_id: str, before: Mapping[str, int],
                              refunded: Mapping[str, int], paid: Mapping[str, int], now: datetime) -> PartReversal:
    """``reverse_refunded_part`` by product (fen refunded before, by this refund, and paid, per
    product id): growth follows the money, the points what earned them, green products counting
    ``green_multiplier`` times as at earning (one BatchGetItem of the products). So returning the
    green line of a mixed order takes back its real share, not the money's."""
    from chalicelib.points.hooks import green_products
    from chalicelib.points.service import rules_now

    green, extra = green_products(paid), rules_now().green_multiplier - 1

    def weight(amounts: Mapping[str, int]) -> int:
        return sum(fen + extra * fen * (product in green) for product, fen in amounts.items())

    def money(amounts: Mapping[str, int]) -> int:
        return sum(amounts.values())

    return reverse_refunded_part(user_id, order_id, refund_id, money(before), money(refunded), money(paid), now,
                                 points_weights=(weight(before), weight(refunded), weight(paid)))


def reverse_refunded_part(user_id: str, order_id: str, refund_id: str, refunded_before: int, refunded_now: int,
                          paid_total: int, now: datetime,
                          points_weights: tuple[int, int, int] | None = None) -> PartReversal:
    """Take back a refund's share of what the order earned (its ``order:<order id>``
    posting; a regular order's earning is per order, never per payment). Amounts in fen:
    what was refunded before this refund, this refund, and what the order paid. All
    zeros when nothing was posted for the order or this refund posted before."""
    _require_id(order_id, "orderId")
    _require_id(refund_id, "refundId")
    rules.refunded_share(0, refunded_before, refunded_now, paid_total)  # bad amounts: refused before any read
    if points_weights is not None:
        rules.refunded_share(0, *points_weights)
    result = refunds_store.reverse_part(user_id, rules.order_source(order_id), refund_id, refunded_before,
                                        refunded_now, paid_total, now, points_weights)
    if result.points_cancelled or result.points_taken_back:
        count("PointsReversedOnRefunds", result.points_cancelled + result.points_taken_back)
    if result.points_unrecovered:
        count("PointsUnrecovered", result.points_unrecovered)
    return result


def give_back_spent(user_id: str, spent_source_order_or_payment_id: str, refund_id: str, points: int,
                    now: datetime) -> int:
    """Give back ``points`` the buyer spent at checkout on the refunded lines: a regular
    order's spend belongs to its payment (pass the payment id), a group-buy seat's to its
    order. At most what that redemption spent less what was given back before; once
    per ``refund_id``. Returns the points given back now."""
    _require_id(spent_source_order_or_payment_id, "orderId")
    _require_id(refund_id, "refundId")
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise ValidationFailed("a positive whole number of points", "points")
    return refunds_store.give_back(user_id, rules.checkout_source(spent_source_order_or_payment_id), refund_id,
                                   points, now)


def hold_until(user_id: str, order_id: str, until: datetime, now: datetime) -> bool:
    """Completion opens the return window: keep the order's points pending until it
    closes when that is later than their release (paid_at + 7 days). False (nothing
    changed) if they were released, reversed, never posted, or already held as long;
    or if ``until`` has passed already (the release job releases them)."""
    _require_id(order_id, "orderId")
    if until.tzinfo is None:
        raise ValidationFailed("an aware time", "until")
    if until <= now:
        return False
    return refunds_store.hold(user_id, rules.order_source(order_id), until)
